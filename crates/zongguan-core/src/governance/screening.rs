//! Periodic screening rounds (排查) for disputes: communities every half month, subdistricts monthly
//! (settings). Which period a date falls in, which rounds are open or missing, and the explicit
//! zero report (零报告) of a round that found nothing.
use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::due::{add_days, sub_days};
use super::setting::{self, SettingError};
use crate::org::OrgLevel;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cadence {
    /// The 1st–15th and the 16th–last of each month.
    HalfMonth,
    Month,
}

impl Cadence {
    pub fn as_str(self) -> &'static str {
        match self {
            Cadence::HalfMonth => "half_month",
            Cadence::Month => "month",
        }
    }

    pub fn parse(name: &str) -> Option<Cadence> {
        [Cadence::HalfMonth, Cadence::Month]
            .into_iter()
            .find(|c| c.as_str() == name)
    }

    pub fn zh(self) -> &'static str {
        match self {
            Cadence::HalfMonth => "每半月",
            Cadence::Month => "每月",
        }
    }
}

/// Who screens how often, and how many days after its period a round may still come in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ScreeningSettings {
    pub community: Cadence,
    pub subdistrict: Cadence,
    pub grace_days: u32,
}

impl Default for ScreeningSettings {
    /// DOMAIN.md's cadences; a round is due by its period's last day (no grace: ours).
    fn default() -> Self {
        ScreeningSettings {
            community: Cadence::HalfMonth,
            subdistrict: Cadence::Month,
            grace_days: 0,
        }
    }
}

/// A round may come in at most this many days after its period: past half a month the next
/// period's round would be due first.
pub const MAX_GRACE_DAYS: u32 = 15;

impl ScreeningSettings {
    /// The cadences are whichever two an administrator picks; the grace is bounded.
    pub fn validate(&self) -> Result<(), SettingError> {
        setting::at_most("grace_days", "报送宽限天数", self.grace_days, MAX_GRACE_DAYS, "天")
    }

    /// Districts and grids hold no rounds of their own: they see their units' rounds.
    pub fn cadence(&self, level: OrgLevel) -> Option<Cadence> {
        match level {
            OrgLevel::Community => Some(self.community),
            OrgLevel::Subdistrict => Some(self.subdistrict),
            OrgLevel::District | OrgLevel::Grid => None,
        }
    }

    /// The last day a round for `period` is on time.
    pub fn due(&self, period: Period) -> NaiveDate {
        add_days(period.end, self.grace_days)
    }
}

fn month_end(year: i32, month: u32) -> NaiveDate {
    let (y, m) = if month == 12 { (year + 1, 1) } else { (year, month + 1) };
    NaiveDate::from_ymd_opt(y, m, 1).map_or(NaiveDate::MAX, |first| sub_days(first, 1))
}

/// A screening period. The fields are private: the ways in are [`Period::of`] and [`Period::parse`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Period {
    start: NaiveDate,
    end: NaiveDate,
    cadence: Cadence,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("排查周期应写作 2026-10（月）或 2026-10-h1、2026-10-h2（上、下半月）：{0}")]
pub struct PeriodError(String);

impl Period {
    /// The period of this cadence that `date` falls in.
    pub fn of(cadence: Cadence, date: NaiveDate) -> Period {
        let (y, m) = (date.year(), date.month());
        let first = date.with_day(1).unwrap_or(date);
        let last = month_end(y, m);
        let (start, end) = match cadence {
            Cadence::Month => (first, last),
            Cadence::HalfMonth if date.day() <= 15 => (first, first.with_day(15).unwrap_or(last)),
            Cadence::HalfMonth => (date.with_day(16).unwrap_or(date), last),
        };
        Period { start, end, cadence }
    }

    pub fn start(self) -> NaiveDate {
        self.start
    }
    pub fn end(self) -> NaiveDate {
        self.end
    }
    pub fn cadence(self) -> Cadence {
        self.cadence
    }

    pub fn contains(self, d: NaiveDate) -> bool {
        self.start <= d && d <= self.end
    }

    pub fn next(self) -> Period {
        Period::of(self.cadence, add_days(self.end, 1))
    }

    pub fn prev(self) -> Period {
        Period::of(self.cadence, sub_days(self.start, 1))
    }

    /// Stored and sent: `2026-10`, `2026-10-h1`, `2026-10-h2`.
    pub fn code(self) -> String {
        let ym = format!("{:04}-{:02}", self.start.year(), self.start.month());
        match self.cadence {
            Cadence::Month => ym,
            Cadence::HalfMonth if self.start.day() == 1 => format!("{ym}-h1"),
            Cadence::HalfMonth => format!("{ym}-h2"),
        }
    }

    pub fn parse(code: &str) -> Result<Period, PeriodError> {
        let err = || PeriodError(code.to_owned());
        let (ym, half) = match code.len() {
            7 => (code, None),
            10 => (code.get(..7).ok_or_else(err)?, Some(code.get(7..).ok_or_else(err)?)),
            _ => return Err(err()),
        };
        let first = NaiveDate::parse_from_str(&format!("{ym}-01"), "%Y-%m-%d").map_err(|_| err())?;
        if first.format("%Y-%m").to_string() != ym {
            return Err(err());
        }
        match half {
            None => Ok(Period::of(Cadence::Month, first)),
            Some("-h1") => Ok(Period::of(Cadence::HalfMonth, first)),
            Some("-h2") => Ok(Period::of(Cadence::HalfMonth, add_days(first, 15))),
            Some(_) => Err(err()),
        }
    }

    /// As a register's head writes it: `2026年10月`, `2026年10月上半月`.
    pub fn zh(self) -> String {
        let ym = format!("{}年{}月", self.start.year(), self.start.month());
        match self.cadence {
            Cadence::Month => ym,
            Cadence::HalfMonth if self.start.day() == 1 => format!("{ym}上半月"),
            Cadence::HalfMonth => format!("{ym}下半月"),
        }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.code())
    }
}

/// Where a unit's round for a period stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoundStatus {
    Upcoming,
    Open,
    Reported,
    Missing,
}

impl RoundStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RoundStatus::Upcoming => "upcoming",
            RoundStatus::Open => "open",
            RoundStatus::Reported => "reported",
            RoundStatus::Missing => "missing",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            RoundStatus::Upcoming => "未开始",
            RoundStatus::Open => "待报送",
            RoundStatus::Reported => "已报送",
            RoundStatus::Missing => "超期未报",
        }
    }
}

/// What a round found: disputes, or explicitly nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Finding {
    Disputes(u32),
    ZeroReport,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RoundRefusal {
    #[error("该层级不按周期报送排查")]
    NoRounds,
    #[error("本级排查周期为{}，所报周期不符", .0.zh())]
    WrongCadence(Cadence),
    #[error("不能报送尚未开始的排查周期（{0}）")]
    NotStarted(String),
    #[error("零报告不能同时填报排查发现的矛盾纠纷")]
    ZeroWithFindings,
    #[error("未排查出矛盾纠纷时须明确报送零报告")]
    NothingReported,
}

impl ScreeningSettings {
    pub fn status(&self, period: Period, reported: bool, today: NaiveDate) -> RoundStatus {
        if reported {
            RoundStatus::Reported
        } else if today < period.start {
            RoundStatus::Upcoming
        } else if today <= self.due(period) {
            RoundStatus::Open
        } else {
            RoundStatus::Missing
        }
    }

    /// The periods from the one holding `since` whose rounds are past due on `today` and not in
    /// `reported`, oldest first.
    pub fn missing(&self, cadence: Cadence, since: NaiveDate, reported: &[Period], today: NaiveDate) -> Vec<Period> {
        let mut out = Vec::new();
        let mut p = Period::of(cadence, since);
        while self.due(p) < today && p.end < NaiveDate::MAX {
            if !reported.contains(&p) {
                out.push(p);
            }
            p = p.next();
        }
        out
    }

    /// Checks a round a unit of `level` reports for `period` on `today`: the level's cadence, a
    /// period begun, and a finding that is either some disputes or an explicit zero report.
    pub fn check_round(
        &self,
        level: OrgLevel,
        period: Period,
        disputes: u32,
        zero_report: bool,
        today: NaiveDate,
    ) -> Result<Finding, RoundRefusal> {
        let cadence = self.cadence(level).ok_or(RoundRefusal::NoRounds)?;
        if period.cadence != cadence {
            return Err(RoundRefusal::WrongCadence(cadence));
        }
        if today < period.start {
            return Err(RoundRefusal::NotStarted(period.zh()));
        }
        match (disputes, zero_report) {
            (0, true) => Ok(Finding::ZeroReport),
            (0, false) => Err(RoundRefusal::NothingReported),
            (_, true) => Err(RoundRefusal::ZeroWithFindings),
            (n, false) => Ok(Finding::Disputes(n)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
    }

    fn half(y: i32, m: u32, d: u32) -> Period {
        Period::of(Cadence::HalfMonth, day(y, m, d))
    }

    #[test]
    fn half_months_split_on_the_fifteenth() {
        let p = half(2026, 2, 15);
        assert_eq!((p.start(), p.end()), (day(2026, 2, 1), day(2026, 2, 15)));
        let p = half(2026, 2, 16);
        assert_eq!((p.start(), p.end()), (day(2026, 2, 16), day(2026, 2, 28)));
        assert_eq!(half(2028, 2, 20).end(), day(2028, 2, 29));
        assert_eq!(half(2026, 12, 31).next(), half(2027, 1, 1));
        assert_eq!(half(2027, 1, 1).prev().code(), "2026-12-h2");
        let m = Period::of(Cadence::Month, day(2026, 10, 8));
        assert_eq!((m.start(), m.end()), (day(2026, 10, 1), day(2026, 10, 31)));
        assert!(m.contains(day(2026, 10, 31)) && !m.contains(day(2026, 11, 1)));
        assert_eq!(m.next().code(), "2026-11");
    }

    #[test]
    fn codes_and_labels_round_trip() {
        for p in [
            half(2026, 10, 3),
            half(2026, 10, 30),
            Period::of(Cadence::Month, day(2026, 1, 9)),
        ] {
            assert_eq!(Period::parse(&p.code()), Ok(p));
        }
        assert_eq!(half(2026, 10, 30).to_string(), "2026-10-h2");
        assert_eq!(half(2026, 10, 3).zh(), "2026年10月上半月");
        assert_eq!(Period::of(Cadence::Month, day(2026, 10, 3)).zh(), "2026年10月");
        for bad in [
            "",
            "2026-13",
            "2026-1",
            "2026-10-h3",
            "2026-10-01",
            "26-10",
            "2026-10h1x",
        ] {
            assert!(Period::parse(bad).is_err(), "{bad:?}");
        }
        assert_eq!(Cadence::parse("month"), Some(Cadence::Month));
        assert_eq!(Cadence::HalfMonth.zh(), "每半月");
    }

    #[test]
    fn rounds_are_open_in_their_period_and_missing_after_it() {
        let s = ScreeningSettings::default();
        let p = half(2026, 10, 1);
        assert_eq!(s.status(p, false, day(2026, 9, 30)), RoundStatus::Upcoming);
        assert_eq!(s.status(p, false, day(2026, 10, 15)), RoundStatus::Open);
        assert_eq!(s.status(p, false, day(2026, 10, 16)), RoundStatus::Missing);
        assert_eq!(s.status(p, true, day(2026, 10, 16)), RoundStatus::Reported);
        let lenient = ScreeningSettings { grace_days: 5, ..s };
        assert_eq!(lenient.status(p, false, day(2026, 10, 20)), RoundStatus::Open);
        assert_eq!(RoundStatus::Missing.zh(), "超期未报");
    }

    #[test]
    fn missing_rounds_are_listed_oldest_first() {
        let s = ScreeningSettings::default();
        let reported = [half(2026, 9, 1), half(2026, 10, 1)];
        let missing = s.missing(Cadence::HalfMonth, day(2026, 9, 10), &reported, day(2026, 11, 2));
        let codes: Vec<_> = missing.iter().map(|p| p.code()).collect();
        // 11-h1 is still open on 11-02.
        assert_eq!(codes, ["2026-09-h2", "2026-10-h2"]);
        let months = s.missing(Cadence::Month, day(2026, 9, 10), &[], day(2026, 11, 2));
        assert_eq!(
            months.iter().map(|p| p.code()).collect::<Vec<_>>(),
            ["2026-09", "2026-10"]
        );
        assert!(
            s.missing(Cadence::Month, day(2026, 11, 1), &[], day(2026, 11, 2))
                .is_empty()
        );
    }

    #[test]
    fn a_round_finds_disputes_or_says_zero_explicitly() {
        let s = ScreeningSettings::default();
        let today = day(2026, 10, 14);
        let p = half(2026, 10, 1);
        let check = |level, period, n, zero| s.check_round(level, period, n, zero, today);
        assert_eq!(check(OrgLevel::Community, p, 0, true), Ok(Finding::ZeroReport));
        assert_eq!(check(OrgLevel::Community, p, 3, false), Ok(Finding::Disputes(3)));
        assert_eq!(
            check(OrgLevel::Community, p, 0, false).map_err(|e| e.to_string()),
            Err("未排查出矛盾纠纷时须明确报送零报告".into())
        );
        assert_eq!(
            check(OrgLevel::Community, p, 2, true),
            Err(RoundRefusal::ZeroWithFindings)
        );
        assert_eq!(
            check(OrgLevel::Subdistrict, p, 2, false).map_err(|e| e.to_string()),
            Err("本级排查周期为每月，所报周期不符".into())
        );
        assert_eq!(check(OrgLevel::Grid, p, 2, false), Err(RoundRefusal::NoRounds));
        assert_eq!(
            check(OrgLevel::Community, half(2026, 10, 20), 0, true).map_err(|e| e.to_string()),
            Err("不能报送尚未开始的排查周期（2026年10月下半月）".into())
        );
        let month = Period::of(Cadence::Month, today);
        assert_eq!(check(OrgLevel::Subdistrict, month, 0, true), Ok(Finding::ZeroReport));
    }

    #[test]
    fn settings_serialize() {
        let json = serde_json::to_value(ScreeningSettings::default()).expect("serializes");
        assert_eq!(
            json,
            serde_json::json!({"community": "half_month", "subdistrict": "month", "grace_days": 0})
        );
        let s = ScreeningSettings::default();
        assert_eq!(s.validate(), Ok(()));
        assert_eq!(ScreeningSettings { grace_days: 15, ..s }.validate(), Ok(()));
        assert_eq!(
            ScreeningSettings { grace_days: 16, ..s }
                .validate()
                .map_err(|e| (e.path, e.message)),
            Err(("grace_days".into(), "报送宽限天数不能超过 15 天".into()))
        );
        assert_eq!(
            serde_json::to_value(Finding::Disputes(2)).expect("serializes"),
            serde_json::json!({"disputes": 2})
        );
    }
}
