//! Checks of one field of a form or a spreadsheet row (text, dictionary codes, dates): each refusal
//! names the field by its API name and says, in words staff can act on, what is wrong.
use std::fmt;

use chrono::NaiveDate;

use crate::dict::{self, Dict};

/// A refused field: the API's field name and a message staff can act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: &'static str,
    pub message: String,
}

impl FieldError {
    pub fn new(field: &'static str, message: impl Into<String>) -> Self {
        Self {
            field,
            message: message.into(),
        }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for FieldError {}

/// Names a typed value's refusal after the field it came from: `.map_err(named("lon"))`.
pub fn named<E: fmt::Display>(field: &'static str) -> impl Fn(E) -> FieldError {
    move |e| FieldError::new(field, e.to_string())
}

/// Every refused field of a record, in the form's order. Never empty: the first is kept apart,
/// and it is the one an API answer names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldErrors {
    first: FieldError,
    rest: Vec<FieldError>,
}

impl FieldErrors {
    pub fn first(&self) -> &FieldError {
        &self.first
    }
    pub fn into_first(self) -> FieldError {
        self.first
    }
    pub fn into_vec(self) -> Vec<FieldError> {
        let mut all = Vec::with_capacity(1 + self.rest.len());
        all.push(self.first);
        all.extend(self.rest);
        all
    }
}

impl From<FieldError> for FieldErrors {
    fn from(first: FieldError) -> Self {
        Self {
            first,
            rest: Vec::new(),
        }
    }
}

impl fmt::Display for FieldErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.first.message)
    }
}

impl std::error::Error for FieldErrors {}

/// The refusals met while a record's fields are checked, so that all of them are reported.
#[derive(Debug, Default)]
pub struct Refusals(Option<FieldErrors>);

impl Refusals {
    /// The value, or None with its refusal noted.
    pub fn keep<T>(&mut self, r: Result<T, FieldError>) -> Option<T> {
        r.map_err(|e| self.push(e)).ok()
    }
    pub fn push(&mut self, e: FieldError) {
        match &mut self.0 {
            Some(all) => all.rest.push(e),
            None => self.0 = Some(e.into()),
        }
    }
    pub fn finish(self) -> Result<(), FieldErrors> {
        self.0.map_or(Ok(()), Err)
    }
}

/// Trimmed text that must be there and may be at most `max` characters.
pub fn required(field: &'static str, label: &str, v: &str, max: usize) -> Result<String, FieldError> {
    let v = v.trim();
    if v.is_empty() {
        return Err(FieldError::new(field, format!("{label}不能为空")));
    }
    optional_text(field, label, v, max)
}

/// Trimmed text of at most `max` characters, possibly empty.
pub fn optional_text(field: &'static str, label: &str, v: &str, max: usize) -> Result<String, FieldError> {
    let v = v.trim();
    if v.chars().count() > max {
        return Err(FieldError::new(field, format!("{label}不能超过 {max} 个字符")));
    }
    Ok(v.to_string())
}

/// A dictionary value given as the Chinese word (or the code).
pub fn coded(field: &'static str, label: &str, d: Dict, v: &str) -> Result<&'static str, FieldError> {
    dict::code_of(d, v)
        .ok_or_else(|| FieldError::new(field, format!("{label}“{}”不在可选值中（{}）", v.trim(), short_list(d))))
}

fn short_list(d: Dict) -> String {
    let w = dict::words(d);
    if w.len() > 8 {
        format!("{} 等", w[..8].join("、"))
    } else {
        w.join("、")
    }
}

/// `YYYY-MM-DD` (also `YYYY/M/D` and `YYYYMMDD`, which spreadsheets produce).
pub fn date(field: &'static str, label: &str, v: &str) -> Result<NaiveDate, FieldError> {
    let t = v.trim();
    ["%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%Y.%m.%d"]
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(t, f).ok())
        .ok_or_else(|| FieldError::new(field, format!("{label}“{t}”不是有效日期，格式为 YYYY-MM-DD")))
}

/// A date that may be left empty.
pub fn optional_date(field: &'static str, label: &str, v: Option<&str>) -> Result<Option<NaiveDate>, FieldError> {
    v.filter(|s| !s.trim().is_empty())
        .map(|s| date(field, label, s))
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text() {
        assert_eq!(required("name", "姓名", "  张三 ", 50), Ok("张三".into()));
        assert_eq!(
            required("name", "姓名", " ", 50),
            Err(FieldError::new("name", "姓名不能为空"))
        );
        assert_eq!(
            required("room", "房号", &"1".repeat(21), 20),
            Err(FieldError::new("room", "房号不能超过 20 个字符"))
        );
        assert_eq!(optional_text("address", "地址", "", 200), Ok(String::new()));
        assert!(
            optional_text("address", "地址", &"字".repeat(200), 200).is_ok(),
            "characters, not bytes"
        );
    }

    #[test]
    fn codes_by_word_or_code() {
        assert_eq!(coded("use_type", "用途", dict::USE_TYPES, "住宅"), Ok("residential"));
        assert_eq!(
            coded("use_type", "用途", dict::USE_TYPES, "residential"),
            Ok("residential")
        );
        assert_eq!(
            coded("use_type", "用途", dict::USE_TYPES, "别墅"),
            Err(FieldError::new(
                "use_type",
                "用途“别墅”不在可选值中（住宅、商业、商住、工业、办公、公共）"
            ))
        );
        let long = coded("ethnicity", "民族", dict::ETHNICITIES, "火星族").expect_err("unknown");
        assert!(long.message.ends_with("壮族 等）"), "{}", long.message);
    }

    #[test]
    fn dates_in_spreadsheet_forms() {
        assert_eq!(date("d", "日期", "2024/3/5").ok(), NaiveDate::from_ymd_opt(2024, 3, 5));
        assert_eq!(date("d", "日期", "20240305").ok(), NaiveDate::from_ymd_opt(2024, 3, 5));
        assert_eq!(
            date("d", "日期", "2024.03.05").ok(),
            NaiveDate::from_ymd_opt(2024, 3, 5)
        );
        assert_eq!(
            date("since", "入住日期", "2024-02-30"),
            Err(FieldError::new(
                "since",
                "入住日期“2024-02-30”不是有效日期，格式为 YYYY-MM-DD"
            ))
        );
        assert_eq!(optional_date("d", "日期", Some(" ")), Ok(None));
        assert_eq!(optional_date("d", "日期", None), Ok(None));
    }

    #[test]
    fn refusals_keep_their_order() {
        let mut r = Refusals::default();
        assert_eq!(r.keep(Ok::<_, FieldError>(1)), Some(1));
        assert!(r.keep(required("a", "甲", "", 5)).is_none());
        r.push(FieldError::new("b", "乙"));
        let e = r.finish().expect_err("two refusals");
        assert_eq!(e.first().field, "a");
        let fields: Vec<&str> = e.into_vec().iter().map(|e| e.field).collect();
        assert_eq!(fields, ["a", "b"]);
        assert_eq!(Refusals::default().finish(), Ok(()));
    }
}
