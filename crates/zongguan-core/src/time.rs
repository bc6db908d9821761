//! China Standard Time (UTC+8): the offset in which dates, deadlines and case codes are counted.
use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, TimeDelta, Utc};

/// China has kept UTC+8 without daylight saving since 1991, so a fixed offset is exact.
pub const CST_OFFSET_SECS: i32 = 8 * 3600;

/// Checked when the crate compiles: an offset out of range fails the build, not a request.
const CST: FixedOffset = match FixedOffset::east_opt(CST_OFFSET_SECS) {
    Some(offset) => offset,
    None => panic!("UTC+8 is a valid offset"),
};

/// The UTC+8 offset, for `with_timezone` and formatting with `%:z`.
pub fn cst() -> FixedOffset {
    CST
}

/// The China date of a moment.
pub fn cst_date(t: DateTime<Utc>) -> NaiveDate {
    t.with_timezone(&CST).date_naive()
}

/// The moment a China date begins.
pub fn cst_midnight(d: NaiveDate) -> DateTime<Utc> {
    (d.and_time(NaiveTime::MIN) - TimeDelta::seconds(CST_OFFSET_SECS.into())).and_utc()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).expect("rfc 3339").to_utc()
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
    }

    #[test]
    fn the_offset_is_eight_hours_east() {
        assert_eq!(cst().local_minus_utc(), 8 * 3600);
        assert_eq!(
            utc("2026-11-26T01:30:00Z").with_timezone(&cst()).to_rfc3339(),
            "2026-11-26T09:30:00+08:00"
        );
    }

    #[test]
    fn the_china_date_turns_at_sixteen_hundred_utc() {
        assert_eq!(cst_date(utc("2026-03-13T15:59:59Z")), day(2026, 3, 13));
        assert_eq!(cst_date(utc("2026-03-13T16:00:00Z")), day(2026, 3, 14));
        // New Year in China while it is still the old year in UTC.
        assert_eq!(cst_date(utc("2025-12-31T20:00:00Z")), day(2026, 1, 1));
    }

    #[test]
    fn midnight_is_the_first_moment_of_the_china_date() {
        assert_eq!(cst_midnight(day(2026, 3, 14)), utc("2026-03-13T16:00:00Z"));
        assert_eq!(cst_midnight(day(2026, 1, 1)), utc("2025-12-31T16:00:00Z"));
        for d in [day(2024, 2, 29), day(2026, 10, 1), day(2000, 1, 1)] {
            let m = cst_midnight(d);
            assert_eq!(cst_date(m), d);
            assert_eq!(
                cst_date(m - TimeDelta::microseconds(1)),
                d.pred_opt().expect("a day before")
            );
        }
    }
}
