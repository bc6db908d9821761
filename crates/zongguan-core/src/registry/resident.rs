//! Residents as a form or a spreadsheet row gives them: identity, registration and contact
//! checked together (gender and birth date must agree with an identity card), then the details
//! only the form has.
use chrono::NaiveDate;

use super::residence::{self, NewResidence};
use crate::dict;
use crate::division::DivisionCode;
use crate::field::{FieldError, FieldErrors, Refusals, coded, date, named, optional_text, required};
use crate::id_number::IdNumber;
use crate::phone::Phone;

/// A resident as typed in a form or a spreadsheet row, before checking.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResidentDraft {
    pub name: String,
    pub id_type: String,
    pub id_number: String,
    pub gender: String,
    pub birth_date: String,
    pub ethnicity: String,
    pub registration_type: String,
    pub phone: String,
    pub nationality: String,
}

/// A checked resident: who the person is and how to reach them.
#[derive(Debug, Clone, PartialEq)]
pub struct ResidentRecord {
    pub name: String,
    pub id_type: &'static str,
    /// Normalised: upper-case X for identity cards.
    pub id_number: String,
    pub id_masked: String,
    pub gender: &'static str,
    pub birth_date: Option<NaiveDate>,
    pub ethnicity: &'static str,
    pub registration_type: &'static str,
    pub phone: Option<Phone>,
    pub nationality: String,
}

/// A code of `d`, or `empty` when nothing was given.
fn coded_or(
    field: &'static str,
    label: &str,
    d: dict::Dict,
    v: &str,
    empty: &'static str,
) -> Result<&'static str, FieldError> {
    if v.trim().is_empty() {
        Ok(empty)
    } else {
        coded(field, label, d, v)
    }
}

/// What the identity number says, checked against what was typed beside it.
struct Identity {
    id_number: Option<String>,
    gender: Option<&'static str>,
    birth: Option<NaiveDate>,
}

fn identity(
    r: &mut Refusals,
    d: &ResidentDraft,
    id_type: Option<&'static str>,
    gender_in: Option<&'static str>,
    birth_in: Option<NaiveDate>,
    today: NaiveDate,
) -> Identity {
    let mut out = Identity {
        id_number: None,
        gender: gender_in,
        birth: birth_in,
    };
    match id_type {
        Some("id_card") => match IdNumber::parse_at(&d.id_number, today) {
            Ok(id) => {
                // Gender and birth date come from the number; typed values must agree with it.
                let g = id.gender().as_str();
                if let Some(given) = gender_in.filter(|g| !g.is_empty())
                    && given != g
                {
                    r.push(FieldError::new(
                        "gender",
                        format!("性别与身份证号码不符（号码显示为{}）", id.gender().zh()),
                    ));
                }
                if let Some(given) = birth_in
                    && given != id.birth_date()
                {
                    r.push(FieldError::new(
                        "birth_date",
                        format!("出生日期与身份证号码不符（号码显示为 {}）", id.birth_date()),
                    ));
                }
                out.gender = Some(g);
                out.birth = Some(id.birth_date());
                out.id_number = Some(id.as_str().to_string());
            }
            Err(e) => r.push(FieldError::new("id_number", e.to_string())),
        },
        Some(_) => {
            let n = d.id_number.trim().to_ascii_uppercase();
            if n.len() < 5 || n.len() > 30 || !n.chars().all(|c| c.is_ascii_alphanumeric()) {
                r.push(FieldError::new("id_number", "证件号码须为 5–30 位字母或数字"));
            } else {
                out.id_number = Some(n);
            }
            if gender_in.is_none_or(str::is_empty) {
                r.push(FieldError::new("gender", "非居民身份证须填写性别"));
            }
        }
        None => {}
    }
    out
}

impl ResidentRecord {
    /// Checks every field and reports every refusal, not only the first.
    pub fn parse(d: &ResidentDraft, today: NaiveDate) -> Result<Self, FieldErrors> {
        let mut r = Refusals::default();
        let name = r.keep(required("name", "姓名", &d.name, 50));
        let id_type = r.keep(coded_or("id_type", "证件类型", dict::ID_TYPES, &d.id_type, "id_card"));
        let registration_type = r.keep(coded(
            "registration_type",
            "人口类型",
            dict::REGISTRATION_TYPES,
            &d.registration_type,
        ));
        let ethnicity = r.keep(coded_or("ethnicity", "民族", dict::ETHNICITIES, &d.ethnicity, ""));
        let gender_in = r.keep(coded_or("gender", "性别", dict::GENDERS, &d.gender, ""));
        let birth_in = r.keep(if d.birth_date.trim().is_empty() {
            Ok(None)
        } else {
            date("birth_date", "出生日期", &d.birth_date).map(Some)
        });
        let phone = r.keep(if d.phone.trim().is_empty() {
            Ok(None)
        } else {
            Phone::parse(&d.phone).map(Some).map_err(named("phone"))
        });
        let id = identity(&mut r, d, id_type, gender_in, birth_in.flatten(), today);
        if registration_type == Some("foreign") && d.nationality.trim().is_empty() {
            r.push(FieldError::new(
                "nationality",
                "境外人员须填写国籍（ISO 3166 三位字母代码，如 USA）",
            ));
        }
        r.finish()?;
        let id_number = id.id_number.unwrap_or_default();
        Ok(Self {
            name: name.unwrap_or_default(),
            id_type: id_type.unwrap_or("id_card"),
            id_masked: crate::mask::id_number(&id_number),
            id_number,
            gender: id.gender.unwrap_or(""),
            birth_date: id.birth,
            ethnicity: ethnicity.unwrap_or(""),
            registration_type: registration_type.unwrap_or("migrant"),
            phone: phone.flatten(),
            nationality: d.nationality.trim().to_ascii_uppercase(),
        })
    }
}

/// The rest of a person's record, which only the form has, before checking.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResidentDetailsDraft {
    pub former_name: String,
    pub native_place_code: String,
    pub registered_address_code: String,
    pub registered_address: String,
    pub current_address: String,
    pub education: String,
    pub marital_status: String,
    pub political_status: String,
    pub occupation: String,
    pub employer: String,
    /// Special-group kinds, as codes or words.
    pub special_groups: Vec<String>,
}

/// The rest of a person's record, checked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResidentDetails {
    pub former_name: String,
    pub native_place_code: Option<DivisionCode>,
    pub registered_address_code: Option<DivisionCode>,
    pub registered_address: String,
    pub current_address: String,
    pub education: String,
    pub marital_status: String,
    pub political_status: String,
    pub occupation: String,
    pub employer: String,
    /// Codes of [`dict::SPECIAL_GROUPS`], each once, in the order given.
    pub special_groups: Vec<&'static str>,
}

fn division(field: &'static str, v: &str) -> Result<Option<DivisionCode>, FieldError> {
    if v.trim().is_empty() {
        return Ok(None);
    }
    DivisionCode::parse(v).map(Some).map_err(named(field))
}

impl ResidentDetails {
    /// Checks the fields in the form's order and stops at the first refusal.
    pub fn parse(d: &ResidentDetailsDraft) -> Result<Self, FieldError> {
        let mut special_groups = Vec::new();
        let details = Self {
            former_name: optional_text("former_name", "曾用名", &d.former_name, 50)?,
            native_place_code: division("native_place_code", &d.native_place_code)?,
            registered_address_code: division("registered_address_code", &d.registered_address_code)?,
            registered_address: optional_text("registered_address", "户籍地址", &d.registered_address, 200)?,
            current_address: optional_text("current_address", "现住址", &d.current_address, 200)?,
            education: optional_text("education", "文化程度", &d.education, 20)?,
            marital_status: optional_text("marital_status", "婚姻状况", &d.marital_status, 20)?,
            political_status: optional_text("political_status", "政治面貌", &d.political_status, 20)?,
            occupation: optional_text("occupation", "职业", &d.occupation, 50)?,
            employer: optional_text("employer", "服务处所", &d.employer, 100)?,
            special_groups: Vec::new(),
        };
        for g in &d.special_groups {
            let c = dict::code_of(dict::SPECIAL_GROUPS, g)
                .ok_or_else(|| FieldError::new("special_groups", format!("未知的特殊人群类别 {g}")))?;
            if !special_groups.contains(&c) {
                special_groups.push(c);
            }
        }
        Ok(Self {
            special_groups,
            ..details
        })
    }
}

/// Where a newly registered person lives: moved into a house, or registered with an org unit
/// (a grid or community) when no house is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Placement {
    House(NewResidence),
    Unit(i64),
}

/// Where the form says a new person lives, before checking.
#[derive(Debug, Clone, Copy, Default)]
pub struct PlacementDraft<'a> {
    pub house_id: Option<i64>,
    pub org_unit_id: Option<i64>,
    pub relation: Option<&'a str>,
    pub since: Option<&'a str>,
}

/// A person to register.
#[derive(Debug, Clone, PartialEq)]
pub struct NewResident {
    pub record: ResidentRecord,
    pub details: ResidentDetails,
    pub placement: Placement,
}

impl NewResident {
    /// Checks the person (every refusal), then the move-in date, the relation and the placement,
    /// then the details.
    pub fn parse(
        d: &ResidentDraft,
        details: &ResidentDetailsDraft,
        at: &PlacementDraft<'_>,
        today: NaiveDate,
    ) -> Result<Self, FieldErrors> {
        let record = ResidentRecord::parse(d, today)?;
        let since = residence::optional_since(at.since)?;
        let relation = residence::optional_relation(at.relation)?;
        let placement = match (at.house_id, at.org_unit_id) {
            (Some(house_id), _) => Placement::House(NewResidence {
                house_id,
                relation: relation.unwrap_or(""),
                since: since.unwrap_or(today),
            }),
            (None, Some(u)) => Placement::Unit(u),
            (None, None) => return Err(FieldError::new("house_id", "请选择居住房屋或所属网格").into()),
        };
        Ok(Self {
            record,
            details: ResidentDetails::parse(details)?,
            placement,
        })
    }
}

/// A stored person's record as edited (where they live changes by moving in and out).
#[derive(Debug, Clone, PartialEq)]
pub struct ResidentChange {
    pub record: ResidentRecord,
    pub details: ResidentDetails,
}

impl ResidentChange {
    pub fn parse(d: &ResidentDraft, details: &ResidentDetailsDraft, today: NaiveDate) -> Result<Self, FieldErrors> {
        Ok(Self {
            record: ResidentRecord::parse(d, today)?,
            details: ResidentDetails::parse(details)?,
        })
    }
}

/// A stored person's record as the edit form sends it. Staff who may not see the identity number
/// or the phone in full send them back masked (or leave them out): those keep the stored values,
/// so such a record is checked once the stored values are read, in the same transaction.
#[derive(Debug, Clone, PartialEq)]
pub enum ResidentEdit {
    Checked(ResidentChange),
    KeepsStored {
        draft: ResidentDraft,
        details: ResidentDetailsDraft,
        keep_id_number: bool,
        keep_phone: bool,
    },
}

impl ResidentEdit {
    /// Checks the record now unless it keeps a stored value.
    pub fn parse(
        draft: ResidentDraft,
        details: ResidentDetailsDraft,
        keep_id_number: bool,
        keep_phone: bool,
        today: NaiveDate,
    ) -> Result<Self, FieldErrors> {
        if keep_id_number || keep_phone {
            return Ok(Self::KeepsStored {
                draft,
                details,
                keep_id_number,
                keep_phone,
            });
        }
        ResidentChange::parse(&draft, &details, today).map(Self::Checked)
    }

    /// The checked change, with the kept values taken from the stored ones (read only when kept).
    pub fn resolve<E: From<FieldErrors>>(
        self,
        stored_id_number: impl FnOnce() -> Result<String, E>,
        stored_phone: impl FnOnce() -> Option<String>,
        today: NaiveDate,
    ) -> Result<ResidentChange, E> {
        match self {
            Self::Checked(c) => Ok(c),
            Self::KeepsStored {
                mut draft,
                details,
                keep_id_number,
                keep_phone,
            } => {
                if keep_id_number {
                    draft.id_number = stored_id_number()?;
                }
                if keep_phone {
                    draft.phone = stored_phone().unwrap_or_default();
                }
                Ok(ResidentChange::parse(&draft, &details, today)?)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 25).expect("date")
    }

    fn draft() -> ResidentDraft {
        ResidentDraft {
            name: "张小三".into(),
            id_type: "居民身份证".into(),
            id_number: "34052419800101001x".into(),
            registration_type: "流动人口".into(),
            ethnicity: "汉族".into(),
            phone: "13812345678".into(),
            ..Default::default()
        }
    }

    fn fields(e: FieldErrors) -> Vec<&'static str> {
        e.into_vec().iter().map(|e| e.field).collect()
    }

    #[test]
    fn derives_gender_and_birth_from_the_number() {
        let r = ResidentRecord::parse(&draft(), today()).expect("valid");
        assert_eq!(r.id_number, "34052419800101001X");
        assert_eq!(r.id_masked, "340524********001X");
        assert_eq!(r.gender, "male");
        assert_eq!(r.birth_date, NaiveDate::from_ymd_opt(1980, 1, 1));
        assert_eq!(r.ethnicity, "01");
        assert_eq!(r.registration_type, "migrant");
        assert_eq!(r.phone.as_ref().map(Phone::as_str), Some("13812345678"));
    }

    #[test]
    fn reports_every_bad_field() {
        let mut d = draft();
        d.name = " ".into();
        d.gender = "女".into();
        d.birth_date = "1980-13-01".into();
        d.registration_type = "常住".into();
        d.phone = "12345".into();
        let e = ResidentRecord::parse(&d, today()).expect_err("invalid");
        let all = e.clone().into_vec();
        assert_eq!(
            fields(e),
            ["name", "registration_type", "birth_date", "phone", "gender"]
        );
        assert!(all[1].message.contains("常住") && all[1].message.contains("户籍人口"));
        assert_eq!(all[3].message, "联系电话“12345”格式不正确（手机 11 位或座机号码）");
        let mut d = draft();
        d.birth_date = "1981-01-01".into();
        let e = ResidentRecord::parse(&d, today()).expect_err("mismatch");
        assert_eq!(e.first().field, "birth_date");
        assert!(e.first().message.contains("1980-01-01"));
    }

    #[test]
    fn foreign_residents_need_nationality_and_gender() {
        let d = ResidentDraft {
            name: "John Smith".into(),
            id_type: "护照".into(),
            id_number: "e12345678".into(),
            registration_type: "境外人员".into(),
            ..Default::default()
        };
        let e = ResidentRecord::parse(&d, today()).expect_err("invalid");
        assert_eq!(fields(e), ["gender", "nationality"]);
        let ok = ResidentDraft {
            gender: "男".into(),
            nationality: "usa".into(),
            ..d
        };
        let r = ResidentRecord::parse(&ok, today()).expect("valid");
        assert_eq!(r.id_number, "E12345678");
        assert_eq!(r.nationality, "USA");
    }

    #[test]
    fn details_stop_at_the_first_refusal() {
        let d = ResidentDetailsDraft {
            native_place_code: "440307".into(),
            special_groups: vec!["吸毒人员".into(), "drug_user".into(), "重点青少年".into()],
            ..Default::default()
        };
        let ok = ResidentDetails::parse(&d).expect("valid");
        assert_eq!(ok.native_place_code.as_ref().map(DivisionCode::as_str), Some("440307"));
        assert_eq!(ok.special_groups, ["drug_user", "at_risk_youth"]);
        let bad = ResidentDetailsDraft {
            former_name: "字".repeat(51),
            registered_address_code: "12".into(),
            ..Default::default()
        };
        assert_eq!(
            ResidentDetails::parse(&bad),
            Err(FieldError::new("former_name", "曾用名不能超过 50 个字符"))
        );
        let bad = ResidentDetailsDraft {
            registered_address_code: "12".into(),
            ..Default::default()
        };
        assert_eq!(
            ResidentDetails::parse(&bad),
            Err(FieldError::new(
                "registered_address_code",
                "行政区划代码须为 6 位或 12 位数字，且省级代码存在"
            ))
        );
        let bad = ResidentDetailsDraft {
            special_groups: vec!["外星人".into()],
            ..Default::default()
        };
        assert_eq!(
            ResidentDetails::parse(&bad),
            Err(FieldError::new("special_groups", "未知的特殊人群类别 外星人"))
        );
    }

    #[test]
    fn a_new_resident_lives_somewhere() {
        let details = ResidentDetailsDraft::default();
        let at = PlacementDraft {
            house_id: Some(7),
            org_unit_id: Some(3),
            relation: Some("本人"),
            since: Some("2024/3/1"),
        };
        let n = NewResident::parse(&draft(), &details, &at, today()).expect("valid");
        assert_eq!(
            n.placement,
            Placement::House(NewResidence {
                house_id: 7,
                relation: "01",
                since: NaiveDate::from_ymd_opt(2024, 3, 1).expect("date"),
            })
        );
        let unit = PlacementDraft {
            org_unit_id: Some(3),
            ..Default::default()
        };
        let n = NewResident::parse(&draft(), &details, &unit, today()).expect("valid");
        assert_eq!(n.placement, Placement::Unit(3));
        let nowhere = NewResident::parse(&draft(), &details, &PlacementDraft::default(), today());
        assert_eq!(
            nowhere.map_err(FieldErrors::into_first),
            Err(FieldError::new("house_id", "请选择居住房屋或所属网格"))
        );
        // A bad date is named before a missing placement.
        let bad = PlacementDraft {
            since: Some("x"),
            ..Default::default()
        };
        let e = NewResident::parse(&draft(), &details, &bad, today()).expect_err("bad");
        assert_eq!(e.first().field, "since");
    }

    #[test]
    fn an_edit_that_keeps_the_stored_number_is_checked_against_it() {
        let masked = ResidentDraft {
            id_number: "340524********001X".into(),
            gender: "女".into(),
            ..draft()
        };
        let edit = ResidentEdit::parse(masked, ResidentDetailsDraft::default(), true, false, today()).expect("later");
        let stored = || Ok::<_, FieldErrors>("34052419800101001X".to_string());
        let e = edit
            .clone()
            .resolve(stored, || None, today())
            .expect_err("a man's number");
        assert_eq!(e.first().field, "gender");
        let ok = ResidentEdit::parse(draft(), ResidentDetailsDraft::default(), false, false, today()).expect("valid");
        assert!(matches!(ok, ResidentEdit::Checked(_)), "nothing kept: checked at once");
        let kept_phone = ResidentEdit::parse(draft(), ResidentDetailsDraft::default(), false, true, today())
            .and_then(|e| e.resolve(stored, || Some("13900001111".into()), today()))
            .expect("valid");
        assert_eq!(
            kept_phone.record.phone.map(|p| p.as_str().to_string()),
            Some("13900001111".into())
        );
    }
}
