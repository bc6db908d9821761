//! A refused setting: where in the setting's JSON the value sits (`limits.mediate`,
//! `groups.drug_user.serious`) and, in words staff can act on, what is wrong; and the bounds every
//! count in a setting keeps, so that neither a zero limit (overdue at once) nor an absurd one (no
//! limit at all) is saved.
use std::fmt;

use crate::calendar::Limit;

/// A limit in days longer than a year is no limit.
pub const MAX_DAYS: u32 = 365;
/// About a year of working days.
pub const MAX_WORKING_DAYS: u32 = 250;
/// A year in hours.
pub const MAX_HOURS: u32 = 8_760;
/// Warnings and grace further ahead than a month warn of nothing.
pub const MAX_LEAD_DAYS: u32 = 30;

/// A refused value of a setting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingError {
    /// Fields joined by `.`, list positions as `[i]`, relative to the value checked.
    pub path: String,
    pub message: String,
}

impl SettingError {
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            message: message.into(),
        }
    }

    /// The same refusal seen from the value that holds this one: under `limits`, `mediate`
    /// becomes `limits.mediate`.
    #[must_use]
    pub fn under(mut self, field: &str) -> Self {
        self.path = match self.path.as_str() {
            "" => field.to_owned(),
            p if p.starts_with('[') => format!("{field}{p}"),
            p => format!("{field}.{p}"),
        };
        self
    }
}

impl fmt::Display for SettingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for SettingError {}

/// A count of `unit` (天, 个工作日, 小时, 分钟) named `what`: at least one, at most `max`.
pub fn count(path: &str, what: &str, n: u32, max: u32, unit: &str) -> Result<(), SettingError> {
    if n == 0 {
        return Err(SettingError::new(path, format!("{what}须大于 0 {unit}")));
    }
    at_most(path, what, n, max, unit)
}

/// A count that may be zero (days of warning, of grace), at most `max`.
pub fn at_most(path: &str, what: &str, n: u32, max: u32, unit: &str) -> Result<(), SettingError> {
    if n > max {
        return Err(SettingError::new(path, format!("{what}不能超过 {max} {unit}")));
    }
    Ok(())
}

/// A step limit in hours or working days, named `what`.
pub fn limit(path: &str, what: &str, l: Limit) -> Result<(), SettingError> {
    match l {
        Limit::Hours(n) => count(path, what, n, MAX_HOURS, "小时"),
        Limit::WorkingDays(n) => count(path, what, n, MAX_WORKING_DAYS, "个工作日"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_grow_as_the_value_is_seen_from_outside() {
        let e = SettingError::new("working_days", "x").under("mediate").under("limits");
        assert_eq!(e.path, "limits.mediate.working_days");
        assert_eq!(SettingError::new("", "x").under("limits").path, "limits");
        assert_eq!(
            SettingError::new("[2].class", "x").under("rules").path,
            "rules[2].class"
        );
        assert_eq!(e.to_string(), "x");
    }

    #[test]
    fn counts_are_above_zero_and_within_their_bound() {
        assert_eq!(count("green", "巡查周期", 21, MAX_DAYS, "天"), Ok(()));
        assert_eq!(
            count("green", "巡查周期", 0, MAX_DAYS, "天"),
            Err(SettingError::new("green", "巡查周期须大于 0 天"))
        );
        assert_eq!(
            count("green", "巡查周期", 366, MAX_DAYS, "天").map_err(|e| e.message),
            Err("巡查周期不能超过 365 天".into())
        );
        assert_eq!(at_most("lead_days", "提前提醒天数", 0, MAX_LEAD_DAYS, "天"), Ok(()));
        assert!(at_most("lead_days", "提前提醒天数", 31, MAX_LEAD_DAYS, "天").is_err());
        assert_eq!(limit("mediate", "调解时限", Limit::WorkingDays(15)), Ok(()));
        assert_eq!(
            limit("mediate", "调解时限", Limit::Hours(0)).map_err(|e| e.message),
            Err("调解时限须大于 0 小时".into())
        );
        assert_eq!(
            limit("mediate", "调解时限", Limit::WorkingDays(251)).map_err(|e| e.message),
            Err("调解时限不能超过 250 个工作日".into())
        );
    }
}
