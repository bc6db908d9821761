//! Residences: a person living in a house from a date. The move-in date and the relation to the
//! householder are checked the same way in the form, the move-in action and the import.
use chrono::NaiveDate;

use crate::dict;
use crate::field::{FieldError, coded, date, optional_date};

/// The day a residence begins (`入住日期`).
pub fn since(v: &str) -> Result<NaiveDate, FieldError> {
    date("since", "入住日期", v)
}

/// The relation to the householder (GB/T 4761), as a code or a word (本人, 配偶, …).
pub fn relation(v: &str) -> Result<&'static str, FieldError> {
    coded("relation", "与户主关系", dict::RELATIONS, v)
}

pub fn optional_since(v: Option<&str>) -> Result<Option<NaiveDate>, FieldError> {
    optional_date("since", "入住日期", v)
}

pub fn optional_relation(v: Option<&str>) -> Result<Option<&'static str>, FieldError> {
    v.filter(|s| !s.trim().is_empty()).map(relation).transpose()
}

/// A residence to begin: in this house, from this day, with this relation ("" when not given).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewResidence {
    pub house_id: i64,
    pub relation: &'static str,
    pub since: NaiveDate,
}

impl NewResidence {
    /// A move into `house_id`; the day defaults to `today`.
    pub fn parse(
        house_id: i64,
        relation: Option<&str>,
        since: Option<&str>,
        today: NaiveDate,
    ) -> Result<Self, FieldError> {
        let since = optional_since(since)?.unwrap_or(today);
        Ok(Self {
            house_id,
            relation: optional_relation(relation)?.unwrap_or(""),
            since,
        })
    }
}

/// The day a residence ends (`迁出日期`); defaults to `today`.
pub fn until(v: Option<&str>, today: NaiveDate) -> Result<NaiveDate, FieldError> {
    Ok(optional_date("until", "迁出日期", v)?.unwrap_or(today))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 25).expect("date")
    }

    #[test]
    fn moving_in() {
        let r = NewResidence::parse(3, Some("配偶"), Some("2025-06-01"), today()).expect("valid");
        assert_eq!(r.relation, "10");
        assert_eq!(r.since, NaiveDate::from_ymd_opt(2025, 6, 1).expect("date"));
        let r = NewResidence::parse(3, None, Some(" "), today()).expect("defaults");
        assert_eq!((r.relation, r.since), ("", today()));
        assert_eq!(
            NewResidence::parse(3, None, Some("x"), today()),
            Err(FieldError::new("since", "入住日期“x”不是有效日期，格式为 YYYY-MM-DD"))
        );
        let e = NewResidence::parse(3, Some("邻居"), Some("x"), today()).expect_err("both bad");
        assert_eq!(e.field, "since", "the date is checked first");
        let e = NewResidence::parse(3, Some("邻居"), None, today()).expect_err("bad relation");
        assert!(e.message.starts_with("与户主关系“邻居”不在可选值中"), "{}", e.message);
    }

    #[test]
    fn moving_out() {
        assert_eq!(until(None, today()), Ok(today()));
        assert_eq!(
            until(Some("2025-07-01"), today()),
            Ok(NaiveDate::from_ymd_opt(2025, 7, 1).expect("date"))
        );
        assert_eq!(
            until(Some("x"), today()),
            Err(FieldError::new("until", "迁出日期“x”不是有效日期，格式为 YYYY-MM-DD"))
        );
    }
}
