//! Due dates on the China date: where a day stands against a due date, and the date as notices
//! and refusals write it.
use chrono::{Datelike, Days, NaiveDate};
use serde::{Deserialize, Serialize};

/// Where a day stands against a due date. Every governance schedule (inspections, screening
/// rounds, follow-up visits, petition terms) speaks these three words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DueStatus {
    NotDue,
    Due,
    Overdue,
}

impl DueStatus {
    pub const ALL: [DueStatus; 3] = [DueStatus::NotDue, DueStatus::Due, DueStatus::Overdue];

    pub fn as_str(self) -> &'static str {
        match self {
            DueStatus::NotDue => "not_due",
            DueStatus::Due => "due",
            DueStatus::Overdue => "overdue",
        }
    }

    pub fn parse(name: &str) -> Option<DueStatus> {
        DueStatus::ALL.into_iter().find(|s| s.as_str() == name)
    }

    pub fn zh(self) -> &'static str {
        match self {
            DueStatus::NotDue => "未到期",
            DueStatus::Due => "到期",
            DueStatus::Overdue => "超期",
        }
    }
}

/// `due` is the last day allowed (inclusive): overdue from the day after; due from `lead_days`
/// before it through the day itself, so the work can be planned; not due before that.
pub fn due_status(due: NaiveDate, today: NaiveDate, lead_days: u32) -> DueStatus {
    if today > due {
        DueStatus::Overdue
    } else if today >= sub_days(due, lead_days) {
        DueStatus::Due
    } else {
        DueStatus::NotDue
    }
}

/// Whole days past `due`; 0 on or before it.
pub fn days_overdue(due: NaiveDate, today: NaiveDate) -> u32 {
    u32::try_from((today - due).num_days()).unwrap_or(0)
}

/// `n` calendar days after `d`; the last representable date rather than a panic.
pub fn add_days(d: NaiveDate, n: u32) -> NaiveDate {
    d.checked_add_days(Days::new(n.into())).unwrap_or(NaiveDate::MAX)
}

/// `n` calendar days before `d`; the first representable date rather than a panic.
pub fn sub_days(d: NaiveDate, n: u32) -> NaiveDate {
    d.checked_sub_days(Days::new(n.into())).unwrap_or(NaiveDate::MIN)
}

/// The date as a notice writes it: `2026年10月8日` (no leading zeros).
pub fn zh_date(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, d).expect("valid date")
    }

    #[test]
    fn status_turns_due_in_the_lead_and_overdue_the_day_after() {
        let due = day(10, 8);
        assert_eq!(due_status(due, day(10, 4), 3), DueStatus::NotDue);
        assert_eq!(due_status(due, day(10, 5), 3), DueStatus::Due);
        assert_eq!(due_status(due, due, 3), DueStatus::Due);
        assert_eq!(due_status(due, day(10, 9), 3), DueStatus::Overdue);
        // Without a lead a day is due only on the day itself.
        assert_eq!(due_status(due, day(10, 7), 0), DueStatus::NotDue);
        assert_eq!(due_status(due, due, 0), DueStatus::Due);
        // A lead longer than the calendar does not panic.
        assert_eq!(due_status(NaiveDate::MIN, NaiveDate::MIN, u32::MAX), DueStatus::Due);
    }

    #[test]
    fn days_overdue_counts_whole_days_after_the_due_date() {
        assert_eq!(days_overdue(day(10, 8), day(10, 8)), 0);
        assert_eq!(days_overdue(day(10, 8), day(10, 1)), 0);
        assert_eq!(days_overdue(day(10, 8), day(10, 11)), 3);
    }

    #[test]
    fn adding_days_saturates() {
        assert_eq!(add_days(day(9, 16), 15), day(10, 1));
        assert_eq!(add_days(NaiveDate::MAX, 1), NaiveDate::MAX);
        assert_eq!(sub_days(day(10, 1), 15), day(9, 16));
        assert_eq!(sub_days(NaiveDate::MIN, 1), NaiveDate::MIN);
    }

    #[test]
    fn chinese_dates_have_no_leading_zeros() {
        assert_eq!(zh_date(day(10, 8)), "2026年10月8日");
        assert_eq!(zh_date(day(12, 31)), "2026年12月31日");
    }

    #[test]
    fn names_round_trip_and_match_serde() {
        for s in DueStatus::ALL {
            assert_eq!(DueStatus::parse(s.as_str()), Some(s));
            assert_eq!(
                serde_json::to_string(&s).expect("serializes"),
                format!("\"{}\"", s.as_str())
            );
        }
        assert_eq!(DueStatus::parse("late"), None);
        assert_eq!(DueStatus::Overdue.zh(), "超期");
    }
}
