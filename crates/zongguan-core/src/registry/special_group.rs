//! Special-group records of a resident (released prisoners, community correction, severe mental
//! disorder, drug users, AIDS risk, at-risk youth) as the form gives them.
use chrono::NaiveDate;

use crate::dict;
use crate::field::{FieldError, coded, optional_date, optional_text};

/// A special-group record as typed, before checking.
#[derive(Debug, Clone, Copy, Default)]
pub struct SpecialGroupDraft<'a> {
    pub kind: &'a str,
    pub attention_level: Option<&'a str>,
    pub youth_type: Option<&'a str>,
    pub detail: Option<&'a str>,
    pub since: Option<&'a str>,
    pub until: Option<&'a str>,
}

/// A checked special-group record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSpecialGroup {
    /// A code of [`dict::SPECIAL_GROUPS`].
    pub kind: &'static str,
    /// A code of [`dict::ATTENTION_LEVELS`]; `general` when not given.
    pub attention_level: &'static str,
    /// For at-risk youth, a code of [`dict::YOUTH_TYPES`]; empty for the other groups.
    pub youth_type: &'static str,
    pub detail: String,
    pub since: Option<NaiveDate>,
    pub until: Option<NaiveDate>,
}

fn given(v: Option<&str>) -> Option<&str> {
    v.filter(|s| !s.trim().is_empty())
}

impl NewSpecialGroup {
    /// Checks the fields in the form's order and stops at the first refusal.
    pub fn parse(d: &SpecialGroupDraft<'_>) -> Result<Self, FieldError> {
        let kind = coded("kind", "特殊人群类别", dict::SPECIAL_GROUPS, d.kind)?;
        let attention_level = match given(d.attention_level) {
            Some(l) => coded("attention_level", "关注程度", dict::ATTENTION_LEVELS, l)?,
            None => "general",
        };
        let youth_type = match (kind, given(d.youth_type)) {
            ("at_risk_youth", Some(y)) => coded("youth_type", "重点青少年类型", dict::YOUTH_TYPES, y)?,
            ("at_risk_youth", None) => return Err(FieldError::new("youth_type", "重点青少年须填写类型")),
            _ => "",
        };
        let since = optional_date("since", "起始日期", d.since)?;
        let until = optional_date("until", "结束日期", d.until)?;
        if let (Some(a), Some(b)) = (since, until)
            && b < a
        {
            return Err(FieldError::new("until", "结束日期不能早于起始日期"));
        }
        Ok(Self {
            kind,
            attention_level,
            youth_type,
            detail: optional_text("detail", "情况说明", d.detail.unwrap_or(""), 2000)?,
            since,
            until,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn at_risk_youth_need_a_type() {
        let d = SpecialGroupDraft {
            kind: "重点青少年",
            ..Default::default()
        };
        assert_eq!(
            NewSpecialGroup::parse(&d),
            Err(FieldError::new("youth_type", "重点青少年须填写类型"))
        );
        let ok = NewSpecialGroup::parse(&SpecialGroupDraft {
            youth_type: Some("留守儿童"),
            attention_level: Some("中等"),
            since: Some("2025-03-01"),
            ..d
        })
        .expect("valid");
        assert_eq!(
            (ok.kind, ok.youth_type, ok.attention_level),
            ("at_risk_youth", "left_behind_child", "medium")
        );
    }

    #[test]
    fn defaults_and_refusals() {
        let ok = NewSpecialGroup::parse(&SpecialGroupDraft {
            kind: "drug_user",
            youth_type: Some("留守儿童"),
            ..Default::default()
        })
        .expect("valid");
        assert_eq!(
            (ok.attention_level, ok.youth_type),
            ("general", ""),
            "a type only for youth"
        );
        let bad = |d: SpecialGroupDraft<'_>| NewSpecialGroup::parse(&d).map_err(|e| e.field);
        let base = SpecialGroupDraft {
            kind: "吸毒人员",
            ..Default::default()
        };
        assert_eq!(bad(SpecialGroupDraft { kind: "x", ..base }), Err("kind"));
        assert_eq!(
            bad(SpecialGroupDraft {
                attention_level: Some("x"),
                ..base
            }),
            Err("attention_level")
        );
        assert_eq!(
            bad(SpecialGroupDraft {
                until: Some("x"),
                ..base
            }),
            Err("until")
        );
        assert_eq!(
            bad(SpecialGroupDraft {
                since: Some("2025-01-02"),
                until: Some("2025-01-01"),
                ..base
            }),
            Err("until")
        );
        let long = "字".repeat(2001);
        assert_eq!(
            bad(SpecialGroupDraft {
                detail: Some(&long),
                ..base
            }),
            Err("detail")
        );
    }
}
