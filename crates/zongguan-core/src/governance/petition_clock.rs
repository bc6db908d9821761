//! The statutory clocks of petitions under the 信访工作条例 (2022): the acceptance decision, handling
//! with one approved extension, review (复查) and re-review (复核), requested and answered. Every
//! limit is a setting, counted on China dates in calendar or working days.
//!
//! Counting, as Chinese law counts periods in days (民法典 arts. 201, 203): the day the term starts
//! is not counted, and a last day that is not a working day moves to the next working day (a
//! setting). The 条例 says "日" without "工作日", so the defaults are calendar days; a unit whose
//! rules count working days sets each limit to `Working`.
use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::due::{DueStatus, add_days, due_status, zh_date};
use super::setting::{self, SettingError};
use crate::calendar::WorkCalendar;

/// A limit in days: calendar days, or working days on the calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Days {
    Calendar(u32),
    Working(u32),
}

impl Days {
    pub fn count(self) -> u32 {
        match self {
            Days::Calendar(n) | Days::Working(n) => n,
        }
    }

    /// The same kind of days, another count.
    pub fn with_count(self, n: u32) -> Days {
        match self {
            Days::Calendar(_) => Days::Calendar(n),
            Days::Working(_) => Days::Working(n),
        }
    }

    /// As a notice says it: `30日`, `15个工作日`.
    pub fn zh(self) -> String {
        match self {
            Days::Calendar(n) => format!("{n}日"),
            Days::Working(n) => format!("{n}个工作日"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("天数格式应为正整数加 d（日）或 wd（工作日），如 30d、15wd：{0}")]
pub struct DaysError(String);

impl FromStr for Days {
    type Err = DaysError;

    /// "30d" or "15wd"; the number is positive, digits only.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || DaysError(s.to_owned());
        let (digits, make): (&str, fn(u32) -> Days) = if let Some(n) = s.strip_suffix("wd") {
            (n, Days::Working)
        } else if let Some(n) = s.strip_suffix('d') {
            (n, Days::Calendar)
        } else {
            return Err(err());
        };
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(err());
        }
        match digits.parse::<u32>() {
            Ok(n) if n > 0 => Ok(make(n)),
            _ => Err(err()),
        }
    }
}

impl fmt::Display for Days {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Days::Calendar(n) => write!(f, "{n}d"),
            Days::Working(n) => write!(f, "{n}wd"),
        }
    }
}

/// The last day of a term of `days` starting on `from` (not counted). With `roll_over`, a last
/// day that is not a working day moves to the next working day.
pub fn due_date(cal: &WorkCalendar, from: NaiveDate, days: Days, roll_over: bool) -> NaiveDate {
    let mut d = from;
    match days {
        Days::Calendar(n) => d = add_days(from, n),
        Days::Working(n) => {
            for _ in 0..n {
                d = next_working_day(cal, d);
            }
        }
    }
    if roll_over && !cal.is_working_day(d) {
        d = next_working_day(cal, d);
    }
    d
}

fn next_working_day(cal: &WorkCalendar, mut d: NaiveDate) -> NaiveDate {
    // Terminates: a finite calendar leaves some later weekday a working day.
    loop {
        d = add_days(d, 1);
        if cal.is_working_day(d) || d == NaiveDate::MAX {
            return d;
        }
    }
}

/// Done on or before the last day.
pub fn on_time(due: NaiveDate, done_on: NaiveDate) -> bool {
    done_on <= due
}

/// The statutory terms. The two requests are the petitioner's windows; the others are duties.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Term {
    Acceptance,
    Handling,
    ReviewRequest,
    ReviewAnswer,
    ReReviewRequest,
    ReReviewAnswer,
}

impl Term {
    pub const ALL: [Term; 6] = [
        Term::Acceptance,
        Term::Handling,
        Term::ReviewRequest,
        Term::ReviewAnswer,
        Term::ReReviewRequest,
        Term::ReReviewAnswer,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Term::Acceptance => "acceptance",
            Term::Handling => "handling",
            Term::ReviewRequest => "review_request",
            Term::ReviewAnswer => "review_answer",
            Term::ReReviewRequest => "re_review_request",
            Term::ReReviewAnswer => "re_review_answer",
        }
    }

    pub fn parse(name: &str) -> Option<Term> {
        Term::ALL.into_iter().find(|t| t.as_str() == name)
    }

    pub fn zh(self) -> &'static str {
        match self {
            Term::Acceptance => "受理告知期限",
            Term::Handling => "办理期限",
            Term::ReviewRequest => "复查申请期限",
            Term::ReviewAnswer => "复查期限",
            Term::ReReviewRequest => "复核申请期限",
            Term::ReReviewAnswer => "复核期限",
        }
    }

    /// The day the term counts from, as the 条例 words it.
    pub fn from_zh(self) -> &'static str {
        match self {
            Term::Acceptance => "收到信访事项",
            Term::Handling => "受理",
            Term::ReviewRequest => "收到书面答复",
            Term::ReviewAnswer => "收到复查请求",
            Term::ReReviewRequest => "收到复查意见",
            Term::ReReviewAnswer => "收到复核请求",
        }
    }

    /// The petitioner's window to ask, rather than a unit's duty to act.
    pub fn is_window(self) -> bool {
        matches!(self, Term::ReviewRequest | Term::ReReviewRequest)
    }
}

/// The limits, a setting with the statutory defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PetitionLimits {
    pub acceptance: Days,
    pub handling: Days,
    /// The longest extension; its kind of days is the extension's.
    pub extension: Days,
    /// How many extensions handling may have.
    pub extensions: u32,
    pub review_request: Days,
    pub review_answer: Days,
    pub re_review_request: Days,
    pub re_review_answer: Days,
    /// A last day off work moves to the next working day.
    pub roll_over: bool,
    /// A duty shows as due this many days before its last day.
    pub warning_days: u32,
}

impl Default for PetitionLimits {
    fn default() -> Self {
        PetitionLimits {
            acceptance: Days::Calendar(15),
            handling: Days::Calendar(60),
            extension: Days::Calendar(30),
            extensions: 1,
            review_request: Days::Calendar(30),
            review_answer: Days::Calendar(30),
            re_review_request: Days::Calendar(30),
            re_review_answer: Days::Calendar(30),
            roll_over: true,
            warning_days: 5,
        }
    }
}

/// An extension as the handler asks for it: days, the written reason, the approving leader.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Extension<'a> {
    pub days: u32,
    pub reason: &'a str,
    pub approved_by: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ClockRefusal {
    /// A request after its window closed on `due`.
    Late {
        term: Term,
        days: Days,
        due: NaiveDate,
    },
    /// A request dated before the day its window opens.
    Early {
        term: Term,
    },
    AlreadyExtended {
        allowed: u32,
    },
    /// Handling ran out on `due`: an extension comes before, not after.
    PastDue {
        due: NaiveDate,
    },
    NoDays,
    TooLong {
        max: Days,
    },
    NoReason,
    NotApproved,
}

impl fmt::Display for ClockRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            ClockRefusal::Late { term, days, due } => write!(
                f,
                "{}为自{}之日起{}，已于{}届满，不予受理",
                term.zh(),
                term.from_zh(),
                days.zh(),
                zh_date(due)
            ),
            ClockRefusal::Early { term } => write!(f, "请求日期早于{}之日", term.from_zh()),
            ClockRefusal::AlreadyExtended { allowed } => {
                write!(f, "办理期限只能延长 {allowed} 次，本事项已延期，不能再次延期")
            }
            ClockRefusal::PastDue { due } => write!(f, "办理期限已于{}届满，不能再延期", zh_date(due)),
            ClockRefusal::NoDays => f.write_str("延长天数须大于 0"),
            ClockRefusal::TooLong { max } => write!(f, "延长期限不得超过{}", max.zh()),
            ClockRefusal::NoReason => f.write_str("延期须写明理由"),
            ClockRefusal::NotApproved => f.write_str("延期须经本机关、单位负责人批准"),
        }
    }
}

impl std::error::Error for ClockRefusal {}

/// The 条例 allows one extension; a setting may allow a few, not many.
pub const MAX_EXTENSIONS: u32 = 3;

impl Days {
    /// A term named `what`: above zero and within a year of calendar or working days.
    pub fn check(self, path: &str, what: &str) -> Result<(), SettingError> {
        match self {
            Days::Calendar(n) => setting::count(path, what, n, setting::MAX_DAYS, "天"),
            Days::Working(n) => setting::count(path, what, n, setting::MAX_WORKING_DAYS, "个工作日"),
        }
    }
}

impl PetitionLimits {
    pub fn days(&self, term: Term) -> Days {
        match term {
            Term::Acceptance => self.acceptance,
            Term::Handling => self.handling,
            Term::ReviewRequest => self.review_request,
            Term::ReviewAnswer => self.review_answer,
            Term::ReReviewRequest => self.re_review_request,
            Term::ReReviewAnswer => self.re_review_answer,
        }
    }

    /// Settings read from storage pass here too: a zero-day term would be over before it began,
    /// one of years no term at all. The path names the term (`handling`).
    pub fn validate(&self) -> Result<(), SettingError> {
        for t in Term::ALL {
            self.days(t).check(t.as_str(), t.zh())?;
        }
        setting::at_most("extensions", "延期次数", self.extensions, MAX_EXTENSIONS, "次")?;
        if self.extensions > 0 {
            self.extension.check("extension", "延长期限")?;
        }
        setting::at_most(
            "warning_days",
            "提前提醒天数",
            self.warning_days,
            setting::MAX_LEAD_DAYS,
            "天",
        )
    }

    /// The last day of `term` counted from `from`.
    pub fn due(&self, cal: &WorkCalendar, term: Term, from: NaiveDate) -> NaiveDate {
        due_date(cal, from, self.days(term), self.roll_over)
    }

    /// Where a duty stands on `today`.
    pub fn status(&self, due: NaiveDate, today: NaiveDate) -> DueStatus {
        due_status(due, today, self.warning_days)
    }

    /// A review (复查) requested on `on` of an answer received on `answered_on`: within the window,
    /// it gives the review's last day.
    pub fn request_review(
        &self,
        cal: &WorkCalendar,
        answered_on: NaiveDate,
        on: NaiveDate,
    ) -> Result<NaiveDate, ClockRefusal> {
        self.request(cal, Term::ReviewRequest, Term::ReviewAnswer, answered_on, on)
    }

    /// A re-review (复核) requested on `on` of a review opinion received on `reviewed_on`.
    pub fn request_re_review(
        &self,
        cal: &WorkCalendar,
        reviewed_on: NaiveDate,
        on: NaiveDate,
    ) -> Result<NaiveDate, ClockRefusal> {
        self.request(cal, Term::ReReviewRequest, Term::ReReviewAnswer, reviewed_on, on)
    }

    fn request(
        &self,
        cal: &WorkCalendar,
        window: Term,
        answer: Term,
        from: NaiveDate,
        on: NaiveDate,
    ) -> Result<NaiveDate, ClockRefusal> {
        if on < from {
            return Err(ClockRefusal::Early { term: window });
        }
        let due = self.due(cal, window, from);
        if on > due {
            return Err(ClockRefusal::Late {
                term: window,
                days: self.days(window),
                due,
            });
        }
        Ok(self.due(cal, answer, on))
    }

    /// The handling term's new last day after an extension asked for on `today`, when `taken`
    /// extensions were granted before. Checked in order: count, time left, days, reason, approval.
    pub fn extend(
        &self,
        cal: &WorkCalendar,
        due: NaiveDate,
        today: NaiveDate,
        taken: u32,
        ext: &Extension<'_>,
    ) -> Result<NaiveDate, ClockRefusal> {
        if taken >= self.extensions {
            return Err(ClockRefusal::AlreadyExtended {
                allowed: self.extensions,
            });
        }
        if today > due {
            return Err(ClockRefusal::PastDue { due });
        }
        if ext.days == 0 {
            return Err(ClockRefusal::NoDays);
        }
        if ext.days > self.extension.count() {
            return Err(ClockRefusal::TooLong { max: self.extension });
        }
        if ext.reason.trim().is_empty() {
            return Err(ClockRefusal::NoReason);
        }
        if ext.approved_by.is_none() {
            return Err(ClockRefusal::NotApproved);
        }
        Ok(due_date(cal, due, self.extension.with_count(ext.days), self.roll_over))
    }
}

#[cfg(test)]
mod tests;
