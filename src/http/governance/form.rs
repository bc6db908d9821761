//! The governance forms' field parsing: trimmed text with a length cap, codes of a dict, dates and
//! times — each refusal names its field, in the wording staff read.
use chrono::{DateTime, NaiveDate, Utc};
use zongguan_core::dict;

use crate::error::AppError;

/// Today in China.
pub(super) fn today() -> NaiveDate {
    zongguan_core::time::cst_date(Utc::now())
}

/// `YYYY-MM-DD`, or nothing when left empty.
pub(super) fn date(field: &str, s: Option<&str>) -> Result<Option<NaiveDate>, AppError> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| AppError::invalid(field, "日期格式应为 YYYY-MM-DD")),
    }
}

/// An RFC 3339 moment, or nothing when left empty.
pub(super) fn time(field: &str, s: Option<&str>) -> Result<Option<DateTime<Utc>>, AppError> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => DateTime::parse_from_rfc3339(s)
            .map(|t| Some(t.with_timezone(&Utc)))
            .map_err(|_| AppError::invalid(field, "时间格式应为 RFC 3339，如 2026-10-03T21:40:00+08:00")),
    }
}

/// A code of `d` that must be given (`what` names it: 事件类型, 班次 …).
pub(super) fn code(field: &str, s: &str, d: dict::Dict, what: &str) -> Result<String, AppError> {
    optional_code(field, Some(s), d, what)?.ok_or_else(|| AppError::invalid(field, format!("请选择{what}")))
}

/// A code of `d`, or nothing when left empty.
pub(super) fn optional_code(
    field: &str,
    s: Option<&str>,
    d: dict::Dict,
    what: &str,
) -> Result<Option<String>, AppError> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) if d.iter().any(|(c, _)| *c == s) => Ok(Some(s.to_string())),
        Some(s) => Err(AppError::invalid(field, format!("{what}无效：{s}"))),
    }
}

/// Trimmed text of at most `max` characters, possibly empty.
pub(super) fn text(field: &str, s: Option<String>, max: usize) -> Result<String, AppError> {
    let s = s.unwrap_or_default().trim().to_string();
    if s.chars().count() > max {
        return Err(AppError::invalid(field, format!("不能超过 {max} 字")));
    }
    Ok(s)
}

/// Trimmed text that must be there (`what` names it) and is at most `max` characters.
pub(super) fn required_text(field: &str, s: Option<String>, max: usize, what: &str) -> Result<String, AppError> {
    let s = text(field, s, max)?;
    if s.is_empty() {
        return Err(AppError::invalid(field, format!("请填写{what}")));
    }
    Ok(s)
}
