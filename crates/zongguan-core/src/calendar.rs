//! Working-day calendar and step deadlines, counted in China Standard Time.
use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Utc, Weekday};
use serde::{Deserialize, Serialize};

const CST_OFFSET: TimeDelta = TimeDelta::seconds(crate::time::CST_OFFSET_SECS as i64);
const DAY: TimeDelta = TimeDelta::days(1);

fn to_local(t: DateTime<Utc>) -> NaiveDateTime {
    t.naive_utc() + CST_OFFSET
}

fn from_local(t: NaiveDateTime) -> DateTime<Utc> {
    (t - CST_OFFSET).and_utc()
}

fn midnight(d: NaiveDate) -> NaiveDateTime {
    d.and_time(NaiveTime::MIN)
}

/// Public holidays and make-up working days (调休上班) on top of the Monday–Friday week.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkCalendar {
    holidays: BTreeSet<NaiveDate>,
    workdays: BTreeSet<NaiveDate>,
}

/// Compile-time checked date for the seed below: a wrong date fails the build, not a request.
const fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    match NaiveDate::from_ymd_opt(y, m, d) {
        Some(date) => date,
        None => panic!("invalid date in calendar seed"),
    }
}

const CHINA_2026_HOLIDAYS: [(NaiveDate, NaiveDate); 7] = [
    (ymd(2026, 1, 1), ymd(2026, 1, 3)),   // 元旦
    (ymd(2026, 2, 15), ymd(2026, 2, 23)), // 春节
    (ymd(2026, 4, 4), ymd(2026, 4, 6)),   // 清明节
    (ymd(2026, 5, 1), ymd(2026, 5, 5)),   // 劳动节
    (ymd(2026, 6, 19), ymd(2026, 6, 21)), // 端午节
    (ymd(2026, 9, 25), ymd(2026, 9, 27)), // 中秋节
    (ymd(2026, 10, 1), ymd(2026, 10, 7)), // 国庆节
];

const CHINA_2026_WORKDAYS: [NaiveDate; 6] = [
    ymd(2026, 1, 4),
    ymd(2026, 2, 14),
    ymd(2026, 2, 28),
    ymd(2026, 5, 9),
    ymd(2026, 9, 20),
    ymd(2026, 10, 10),
];

impl WorkCalendar {
    pub fn new(holidays: impl IntoIterator<Item = NaiveDate>, workdays: impl IntoIterator<Item = NaiveDate>) -> Self {
        WorkCalendar {
            holidays: holidays.into_iter().collect(),
            workdays: workdays.into_iter().collect(),
        }
    }

    /// The State Council's 2026 holiday schedule. Administrators maintain the calendar as data each
    /// year (the schedule is published every November); this is only the seed.
    pub fn china_2026() -> Self {
        let holidays = CHINA_2026_HOLIDAYS
            .iter()
            .flat_map(|&(first, last)| first.iter_days().take_while(move |d| *d <= last));
        WorkCalendar::new(holidays, CHINA_2026_WORKDAYS)
    }

    /// The public holidays on top of weekends, in date order.
    pub fn holidays(&self) -> impl Iterator<Item = NaiveDate> + '_ {
        self.holidays.iter().copied()
    }

    /// The make-up working days (调休上班), in date order.
    pub fn workdays(&self) -> impl Iterator<Item = NaiveDate> + '_ {
        self.workdays.iter().copied()
    }

    /// A make-up day is a working day even on a weekend; a holiday is not, even on a weekday.
    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        if self.workdays.contains(&d) {
            return true;
        }
        if self.holidays.contains(&d) {
            return false;
        }
        !matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
    }

    fn next_working_day(&self, mut d: NaiveDate) -> NaiveDate {
        // Terminates: the sets are finite, so some later weekday is not a holiday.
        loop {
            d += DAY;
            if self.is_working_day(d) {
                return d;
            }
        }
    }

    /// The moment `n` working days after `from`.
    ///
    /// - `from` on a working day: the same local time of day, `n` working days later
    ///   (Friday 15:00 + 1 = Monday 15:00).
    /// - `from` on a non-working day: counting starts at 00:00 local of the next working day, so the
    ///   result is the end (24:00, i.e. 00:00 of the following day) of the `n`th working day.
    /// - `n == 0` returns `from`.
    ///
    /// Either way exactly `n` × 24 h of working time lie between `from` and the result.
    pub fn add_working_days(&self, from: DateTime<Utc>, n: u32) -> DateTime<Utc> {
        if n == 0 {
            return from;
        }
        let local = to_local(from);
        let mut d = local.date();
        if self.is_working_day(d) {
            for _ in 0..n {
                d = self.next_working_day(d);
            }
            return from_local(d.and_time(local.time()));
        }
        for _ in 0..n {
            d = self.next_working_day(d);
        }
        from_local(midnight(d + DAY))
    }

    /// Seconds of `a..b` that fall on working days (local dates). Negative when `b` is before `a`.
    pub fn working_seconds_between(&self, a: DateTime<Utc>, b: DateTime<Utc>) -> i64 {
        if b < a {
            return -self.working_seconds_between(b, a);
        }
        let (a, b) = (to_local(a), to_local(b));
        let mut total = 0;
        let mut d = a.date();
        while midnight(d) < b {
            if self.is_working_day(d) {
                let start = a.max(midnight(d));
                let end = b.min(midnight(d + DAY));
                total += (end - start).num_seconds();
            }
            d += DAY;
        }
        total
    }

    /// The inverse of [`working_seconds_between`](Self::working_seconds_between): the earliest moment
    /// (latest, going back) with `secs` working seconds between `from` and it. Non-working days are skipped.
    pub fn add_working_seconds(&self, from: DateTime<Utc>, secs: i64) -> DateTime<Utc> {
        let mut t = to_local(from);
        let mut rest = TimeDelta::seconds(secs.abs());
        if secs >= 0 {
            while rest > TimeDelta::zero() {
                let end = midnight(t.date() + DAY);
                if self.is_working_day(t.date()) {
                    if rest <= end - t {
                        return from_local(t + rest);
                    }
                    rest -= end - t;
                }
                t = end;
            }
        } else {
            while rest > TimeDelta::zero() {
                // At 00:00 the time just before belongs to the previous day.
                let day = if t.time() == NaiveTime::MIN {
                    t.date() - DAY
                } else {
                    t.date()
                };
                let start = midnight(day);
                if self.is_working_day(day) {
                    if rest <= t - start {
                        return from_local(t - rest);
                    }
                    rest -= t - start;
                }
                t = start;
            }
        }
        from_local(t)
    }
}

/// A step's time limit: natural hours, or working days on the calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Limit {
    Hours(u32),
    WorkingDays(u32),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("时限格式应为正整数加 h（小时）或 wd（工作日），如 24h、5wd：{0}")]
pub struct LimitError(String);

impl FromStr for Limit {
    type Err = LimitError;

    /// "24h" or "5wd"; the number is positive, digits only (a zero limit would be overdue at once).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || LimitError(s.to_owned());
        let (digits, make): (&str, fn(u32) -> Limit) = if let Some(n) = s.strip_suffix("wd") {
            (n, Limit::WorkingDays)
        } else if let Some(n) = s.strip_suffix('h') {
            (n, Limit::Hours)
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

impl fmt::Display for Limit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Limit::Hours(n) => write!(f, "{n}h"),
            Limit::WorkingDays(n) => write!(f, "{n}wd"),
        }
    }
}

pub fn deadline(cal: &WorkCalendar, start: DateTime<Utc>, limit: Limit) -> DateTime<Utc> {
    match limit {
        Limit::Hours(n) => start + TimeDelta::hours(i64::from(n)),
        Limit::WorkingDays(n) => cal.add_working_days(start, n),
    }
}

/// The deadline after a pause: moved by the working time paused for a working-day limit, by the
/// natural time paused for an hour limit, so the pause never eats into the time left.
pub fn resume_deadline(
    cal: &WorkCalendar,
    deadline: DateTime<Utc>,
    limit_kind: &Limit,
    paused_at: DateTime<Utc>,
    resumed_at: DateTime<Utc>,
) -> DateTime<Utc> {
    // A resume recorded before its pause (clock skew) must not pull the deadline in.
    if resumed_at <= paused_at {
        return deadline;
    }
    match limit_kind {
        Limit::Hours(_) => deadline + (resumed_at - paused_at),
        Limit::WorkingDays(_) => cal.add_working_seconds(deadline, cal.working_seconds_between(paused_at, resumed_at)),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    Normal,
    Yellow,
    Red,
}

impl Urgency {
    pub fn as_str(self) -> &'static str {
        match self {
            Urgency::Normal => "normal",
            Urgency::Yellow => "yellow",
            Urgency::Red => "red",
        }
    }
}

/// Red past the deadline; yellow once 80 % of started..deadline (natural time) is used.
pub fn urgency(started: DateTime<Utc>, deadline: DateTime<Utc>, now: DateTime<Utc>) -> Urgency {
    if now > deadline {
        return Urgency::Red;
    }
    // Integer milliseconds so exactly 80 % is yellow, with no float rounding.
    let used = i128::from((now - started).num_milliseconds());
    let total = i128::from((deadline - started).num_milliseconds());
    if used * 5 >= total * 4 {
        Urgency::Yellow
    } else {
        Urgency::Normal
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A moment given in Beijing time.
    fn cst(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        from_local(ymd(y, m, d).and_hms_opt(h, min, 0).expect("valid time"))
    }

    fn cal() -> WorkCalendar {
        WorkCalendar::china_2026()
    }

    #[test]
    fn seed_has_the_2026_schedule() {
        let c = cal();
        assert_eq!(c.holidays.len(), 3 + 9 + 3 + 5 + 3 + 3 + 7);
        assert_eq!(c.workdays.len(), 6);
        assert!(
            c.workdays
                .iter()
                .all(|d| matches!(d.weekday(), Weekday::Sat | Weekday::Sun))
        );
        assert!(!c.is_working_day(ymd(2026, 10, 5)));
        assert!(c.is_working_day(ymd(2026, 10, 10))); // Saturday, make-up day
        assert!(c.is_working_day(ymd(2026, 3, 11))); // ordinary Wednesday
        assert!(!c.is_working_day(ymd(2026, 3, 14))); // ordinary Saturday
    }

    #[test]
    fn working_days_skip_a_weekend_keeping_the_time_of_day() {
        let fri = cst(2026, 3, 13, 15, 30);
        assert_eq!(cal().add_working_days(fri, 1), cst(2026, 3, 16, 15, 30));
        assert_eq!(cal().add_working_days(fri, 5), cst(2026, 3, 20, 15, 30));
        assert_eq!(cal().add_working_days(fri, 0), fri);
    }

    #[test]
    fn local_days_not_utc_days_decide() {
        // 01:00 Saturday in Beijing is still Friday in UTC; the Beijing date decides.
        let sat_early = cst(2026, 3, 14, 1, 0);
        assert_eq!(sat_early.weekday(), Weekday::Fri);
        assert_eq!(cal().add_working_days(sat_early, 1), cst(2026, 3, 17, 0, 0));
    }

    #[test]
    fn spring_festival_is_skipped_and_its_make_up_saturdays_count() {
        let c = cal();
        // Friday before the festival; Saturday 02-14 is a make-up working day.
        assert_eq!(c.add_working_days(cst(2026, 2, 13, 10, 0), 1), cst(2026, 2, 14, 10, 0));
        // From the make-up Saturday, the next working day is after the nine-day holiday.
        assert_eq!(c.add_working_days(cst(2026, 2, 14, 10, 0), 1), cst(2026, 2, 24, 10, 0));
        // 02-24..27 are Tue–Fri, then make-up Saturday 02-28 is the fifth.
        assert_eq!(c.add_working_days(cst(2026, 2, 14, 10, 0), 5), cst(2026, 2, 28, 10, 0));
        assert_eq!(c.add_working_days(cst(2026, 2, 14, 10, 0), 6), cst(2026, 3, 2, 10, 0));
    }

    #[test]
    fn starting_on_a_holiday_ends_at_the_end_of_the_nth_working_day() {
        let c = cal();
        // Reported on 2026-10-03 (National Day); 10-08 Thu is day 1, 10-09 Fri day 2, 10-10 Sat (make-up) day 3.
        let from = cst(2026, 10, 3, 14, 0);
        assert_eq!(c.add_working_days(from, 1), cst(2026, 10, 9, 0, 0));
        assert_eq!(c.add_working_days(from, 3), cst(2026, 10, 11, 0, 0));
        assert_eq!(c.add_working_days(from, 4), cst(2026, 10, 13, 0, 0));
        // An ordinary Sunday behaves the same.
        assert_eq!(c.add_working_days(cst(2026, 3, 15, 9, 0), 1), cst(2026, 3, 17, 0, 0));
    }

    #[test]
    fn working_days_equal_whole_days_of_working_seconds() {
        let c = cal();
        for from in [
            cst(2026, 2, 13, 10, 0),
            cst(2026, 10, 3, 14, 0),
            cst(2026, 4, 30, 23, 59),
            cst(2026, 1, 1, 0, 0),
        ] {
            for n in [1, 2, 5, 15] {
                let to = c.add_working_days(from, n);
                assert_eq!(
                    c.working_seconds_between(from, to),
                    i64::from(n) * 86_400,
                    "{from} + {n}"
                );
                assert_eq!(c.add_working_seconds(from, i64::from(n) * 86_400), to, "{from} + {n}");
            }
        }
    }

    #[test]
    fn working_seconds_between_counts_only_working_days() {
        let c = cal();
        // Fri 16:00 to Mon 10:00: 8 h on Friday and 10 h on Monday.
        assert_eq!(
            c.working_seconds_between(cst(2026, 3, 13, 16, 0), cst(2026, 3, 16, 10, 0)),
            18 * 3600
        );
        assert_eq!(
            c.working_seconds_between(cst(2026, 3, 16, 10, 0), cst(2026, 3, 13, 16, 0)),
            -18 * 3600
        );
        // Entirely within a weekend.
        assert_eq!(
            c.working_seconds_between(cst(2026, 3, 14, 8, 0), cst(2026, 3, 15, 20, 0)),
            0
        );
        // The nine festival days hold no working time at all.
        assert_eq!(
            c.working_seconds_between(cst(2026, 2, 15, 0, 0), cst(2026, 2, 24, 0, 0)),
            0
        );
    }

    #[test]
    fn add_working_seconds_round_trips() {
        let c = cal();
        let starts = [
            cst(2026, 3, 13, 16, 0),
            cst(2026, 3, 14, 12, 0),
            cst(2026, 2, 14, 23, 0),
            cst(2026, 10, 1, 0, 0),
        ];
        for from in starts {
            for secs in [1, 3600, 8 * 3600, 86_400, 3 * 86_400 + 17, 20 * 86_400] {
                let to = c.add_working_seconds(from, secs);
                assert_eq!(c.working_seconds_between(from, to), secs, "{from} + {secs}");
                let back = c.add_working_seconds(from, -secs);
                assert_eq!(c.working_seconds_between(from, back), -secs, "{from} - {secs}");
            }
            assert_eq!(c.add_working_seconds(from, 0), from);
        }
        // Fri 16:00 + 10 h lands on Monday 02:00, skipping the weekend.
        assert_eq!(
            c.add_working_seconds(cst(2026, 3, 13, 16, 0), 10 * 3600),
            cst(2026, 3, 16, 2, 0)
        );
        // Exactly the rest of Friday ends at Friday 24:00, not Monday 00:00.
        assert_eq!(
            c.add_working_seconds(cst(2026, 3, 13, 16, 0), 8 * 3600),
            cst(2026, 3, 14, 0, 0)
        );
    }

    #[test]
    fn deadline_by_hours_is_natural_time() {
        let fri = cst(2026, 3, 13, 20, 0);
        assert_eq!(deadline(&cal(), fri, Limit::Hours(24)), cst(2026, 3, 14, 20, 0));
        assert_eq!(deadline(&cal(), fri, Limit::WorkingDays(1)), cst(2026, 3, 16, 20, 0));
    }

    #[test]
    fn pause_over_a_weekend_for_a_working_day_limit() {
        let c = cal();
        let limit = Limit::WorkingDays(3);
        let dl = deadline(&c, cst(2026, 3, 11, 9, 0), limit); // Wed → Mon 03-16 09:00
        assert_eq!(dl, cst(2026, 3, 16, 9, 0));
        // Paused Fri 17:00 to Mon 09:00: 7 h Friday + 9 h Monday of working time.
        let moved = resume_deadline(&c, dl, &limit, cst(2026, 3, 13, 17, 0), cst(2026, 3, 16, 9, 0));
        assert_eq!(moved, cst(2026, 3, 17, 1, 0));
        // Paused only over the weekend: no working time lost, deadline unchanged.
        let same = resume_deadline(&c, dl, &limit, cst(2026, 3, 14, 9, 0), cst(2026, 3, 15, 18, 0));
        assert_eq!(same, dl);
    }

    #[test]
    fn pause_over_a_weekend_for_an_hour_limit() {
        let c = cal();
        let limit = Limit::Hours(72);
        let dl = deadline(&c, cst(2026, 3, 12, 9, 0), limit);
        assert_eq!(dl, cst(2026, 3, 15, 9, 0));
        let moved = resume_deadline(&c, dl, &limit, cst(2026, 3, 14, 9, 0), cst(2026, 3, 15, 18, 0));
        assert_eq!(moved, cst(2026, 3, 16, 18, 0));
        // A resume stamped before the pause leaves the deadline alone.
        assert_eq!(
            resume_deadline(&c, dl, &limit, cst(2026, 3, 15, 0, 0), cst(2026, 3, 14, 0, 0)),
            dl
        );
    }

    #[test]
    fn urgency_turns_yellow_at_80_percent_and_red_past_the_deadline() {
        let start = cst(2026, 3, 16, 0, 0);
        let dl = cst(2026, 3, 16, 10, 0); // 600 minutes
        assert_eq!(urgency(start, dl, cst(2026, 3, 16, 7, 54)), Urgency::Normal); // 79 %
        assert_eq!(urgency(start, dl, cst(2026, 3, 16, 8, 0)), Urgency::Yellow); // 80 %
        assert_eq!(urgency(start, dl, dl), Urgency::Yellow);
        assert_eq!(urgency(start, dl, dl + TimeDelta::seconds(1)), Urgency::Red);
        assert_eq!(urgency(start, dl, start), Urgency::Normal);
        assert_eq!(Urgency::Red.as_str(), "red");
    }

    #[test]
    fn limits_parse_format_and_serialize() {
        assert_eq!("24h".parse(), Ok(Limit::Hours(24)));
        assert_eq!("5wd".parse(), Ok(Limit::WorkingDays(5)));
        for bad in [
            "",
            "h",
            "wd",
            "0h",
            "0wd",
            "5",
            "5d",
            "-1h",
            "+2h",
            " 2h",
            "2 h",
            "2H",
            "99999999999h",
            "1.5h",
        ] {
            assert!(bad.parse::<Limit>().is_err(), "{bad:?}");
        }
        for l in [Limit::Hours(2), Limit::WorkingDays(15)] {
            assert_eq!(l.to_string().parse(), Ok(l));
        }
        assert_eq!(
            serde_json::to_string(&Limit::Hours(24)).expect("serializes"),
            r#"{"hours":24}"#
        );
        assert_eq!(
            serde_json::to_string(&Limit::WorkingDays(5)).expect("serializes"),
            r#"{"working_days":5}"#
        );
        assert_eq!(
            serde_json::from_str::<Limit>(r#"{"working_days":3}"#).expect("parses"),
            Limit::WorkingDays(3)
        );
    }

    #[test]
    fn custom_calendar_holiday_on_a_weekday() {
        let c = WorkCalendar::new([ymd(2026, 3, 17)], []);
        assert_eq!(c.add_working_days(cst(2026, 3, 16, 9, 0), 1), cst(2026, 3, 18, 9, 0));
    }
}
