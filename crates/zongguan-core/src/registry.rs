//! Validation of registry records, shared by the API and the spreadsheet import: raw text in,
//! checked values out, with a Chinese message per bad field.
use chrono::NaiveDate;

use crate::dict::{self, Dict};
use crate::id_number::IdNumber;

/// A refused field: the API's field name and a message staff can act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: &'static str,
    pub message: String,
}

fn err(field: &'static str, message: impl Into<String>) -> FieldError {
    FieldError {
        field,
        message: message.into(),
    }
}

pub fn required(field: &'static str, label: &str, v: &str, max: usize) -> Result<String, FieldError> {
    let v = v.trim();
    if v.is_empty() {
        return Err(err(field, format!("{label}不能为空")));
    }
    optional_text(field, label, v, max)
}

pub fn optional_text(field: &'static str, label: &str, v: &str, max: usize) -> Result<String, FieldError> {
    let v = v.trim();
    if v.chars().count() > max {
        return Err(err(field, format!("{label}不能超过 {max} 个字符")));
    }
    Ok(v.to_string())
}

/// A dictionary value given as the Chinese word (or the code).
pub fn coded(field: &'static str, label: &str, d: Dict, v: &str) -> Result<&'static str, FieldError> {
    dict::code_of(d, v).ok_or_else(|| err(field, format!("{label}“{}”不在可选值中（{}）", v.trim(), short_list(d))))
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
        .ok_or_else(|| err(field, format!("{label}“{t}”不是有效日期，格式为 YYYY-MM-DD")))
}

/// Mainland mobile (1[3-9] + 9 digits) or a landline of digits and dashes.
pub fn phone(field: &'static str, v: &str) -> Result<String, FieldError> {
    let p: String = v.trim().chars().filter(|c| *c != ' ').collect();
    let b = p.as_bytes();
    let mobile = b.len() == 11 && b[0] == b'1' && (b'3'..=b'9').contains(&b[1]) && b.iter().all(u8::is_ascii_digit);
    let landline = (7..=20).contains(&b.len()) && b[0] != b'1' && b.iter().all(|c| c.is_ascii_digit() || *c == b'-');
    if mobile || landline {
        Ok(p)
    } else {
        Err(err(field, format!("联系电话“{p}”格式不正确（手机 11 位或座机号码）")))
    }
}

/// A resident as typed in a form or a spreadsheet row.
#[derive(Debug, Clone, Default)]
pub struct ResidentInput {
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

/// A checked resident.
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
    pub phone: Option<String>,
    pub nationality: String,
}

fn keep<T>(errors: &mut Vec<FieldError>, r: Result<T, FieldError>) -> Option<T> {
    r.map_err(|e| errors.push(e)).ok()
}

/// Checks every field and reports all errors, not only the first.
pub fn check_resident(r: &ResidentInput, today: NaiveDate) -> Result<ResidentRecord, Vec<FieldError>> {
    let mut errors = Vec::new();
    let name = keep(&mut errors, required("name", "姓名", &r.name, 50));
    let id_type = keep(
        &mut errors,
        if r.id_type.trim().is_empty() {
            Ok("id_card")
        } else {
            coded("id_type", "证件类型", dict::ID_TYPES, &r.id_type)
        },
    );
    let registration_type = keep(
        &mut errors,
        coded(
            "registration_type",
            "人口类型",
            dict::REGISTRATION_TYPES,
            &r.registration_type,
        ),
    );
    let ethnicity = keep(
        &mut errors,
        if r.ethnicity.trim().is_empty() {
            Ok("")
        } else {
            coded("ethnicity", "民族", dict::ETHNICITIES, &r.ethnicity)
        },
    );
    let gender_in = keep(
        &mut errors,
        if r.gender.trim().is_empty() {
            Ok("")
        } else {
            coded("gender", "性别", dict::GENDERS, &r.gender)
        },
    );
    let birth_in = keep(
        &mut errors,
        if r.birth_date.trim().is_empty() {
            Ok(None)
        } else {
            date("birth_date", "出生日期", &r.birth_date).map(Some)
        },
    );
    let phone = keep(
        &mut errors,
        if r.phone.trim().is_empty() {
            Ok(None)
        } else {
            phone("phone", &r.phone).map(Some)
        },
    );
    let mut id_number = None;
    let mut gender = gender_in;
    let mut birth = birth_in.flatten();
    match id_type {
        Some("id_card") => match IdNumber::parse_at(&r.id_number, today) {
            Ok(id) => {
                // Gender and birth date come from the number; typed values must agree with it.
                let g = id.gender().as_str();
                if let Some(given) = gender_in.filter(|g| !g.is_empty())
                    && given != g
                {
                    errors.push(err(
                        "gender",
                        format!("性别与身份证号码不符（号码显示为{}）", id.gender().zh()),
                    ));
                }
                if let Some(given) = birth_in.flatten()
                    && given != id.birth_date()
                {
                    errors.push(err(
                        "birth_date",
                        format!("出生日期与身份证号码不符（号码显示为 {}）", id.birth_date()),
                    ));
                }
                gender = Some(g);
                birth = Some(id.birth_date());
                id_number = Some(id.as_str().to_string());
            }
            Err(e) => errors.push(err("id_number", e.to_string())),
        },
        Some(_) => {
            let n = r.id_number.trim().to_ascii_uppercase();
            if n.len() < 5 || n.len() > 30 || !n.chars().all(|c| c.is_ascii_alphanumeric()) {
                errors.push(err("id_number", "证件号码须为 5–30 位字母或数字"));
            } else {
                id_number = Some(n);
            }
            if gender_in.is_none_or(str::is_empty) {
                errors.push(err("gender", "非居民身份证须填写性别"));
            }
        }
        None => {}
    }
    if registration_type == Some("foreign") && r.nationality.trim().is_empty() {
        errors.push(err(
            "nationality",
            "境外人员须填写国籍（ISO 3166 三位字母代码，如 USA）",
        ));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let id_number = id_number.unwrap_or_default();
    Ok(ResidentRecord {
        name: name.unwrap_or_default(),
        id_type: id_type.unwrap_or("id_card"),
        id_masked: crate::mask::id_number(&id_number),
        id_number,
        gender: gender.unwrap_or(""),
        birth_date: birth,
        ethnicity: ethnicity.unwrap_or(""),
        registration_type: registration_type.unwrap_or("migrant"),
        phone: phone.flatten(),
        nationality: r.nationality.trim().to_ascii_uppercase(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 25).expect("date")
    }

    fn input() -> ResidentInput {
        ResidentInput {
            name: "张小三".into(),
            id_type: "居民身份证".into(),
            id_number: "34052419800101001x".into(),
            registration_type: "流动人口".into(),
            ethnicity: "汉族".into(),
            phone: "13812345678".into(),
            ..Default::default()
        }
    }

    #[test]
    fn derives_gender_and_birth_from_the_number() {
        let r = check_resident(&input(), today()).expect("valid");
        assert_eq!(r.id_number, "34052419800101001X");
        assert_eq!(r.id_masked, "340524********001X");
        assert_eq!(r.gender, "male");
        assert_eq!(r.birth_date, NaiveDate::from_ymd_opt(1980, 1, 1));
        assert_eq!(r.ethnicity, "01");
        assert_eq!(r.registration_type, "migrant");
    }

    #[test]
    fn reports_every_bad_field() {
        let mut i = input();
        i.name = " ".into();
        i.gender = "女".into();
        i.birth_date = "1980-13-01".into();
        i.registration_type = "常住".into();
        i.phone = "12345".into();
        let e = check_resident(&i, today()).expect_err("invalid");
        let fields: Vec<&str> = e.iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            vec!["name", "registration_type", "birth_date", "phone", "gender"]
        );
        assert!(e[1].message.contains("常住") && e[1].message.contains("户籍人口"));
        let mut i = input();
        i.birth_date = "1981-01-01".into();
        let e = check_resident(&i, today()).expect_err("mismatch");
        assert_eq!(e[0].field, "birth_date");
        assert!(e[0].message.contains("1980-01-01"));
    }

    #[test]
    fn foreign_residents_need_nationality_and_gender() {
        let i = ResidentInput {
            name: "John Smith".into(),
            id_type: "护照".into(),
            id_number: "e12345678".into(),
            registration_type: "境外人员".into(),
            ..Default::default()
        };
        let e = check_resident(&i, today()).expect_err("invalid");
        let fields: Vec<&str> = e.iter().map(|e| e.field).collect();
        assert_eq!(fields, vec!["gender", "nationality"]);
        let ok = ResidentInput {
            gender: "男".into(),
            nationality: "usa".into(),
            ..i
        };
        let r = check_resident(&ok, today()).expect("valid");
        assert_eq!(r.id_number, "E12345678");
        assert_eq!(r.nationality, "USA");
    }

    #[test]
    fn dates_in_spreadsheet_forms() {
        assert_eq!(date("d", "日期", "2024/3/5").ok(), NaiveDate::from_ymd_opt(2024, 3, 5));
        assert_eq!(date("d", "日期", "20240305").ok(), NaiveDate::from_ymd_opt(2024, 3, 5));
        assert!(date("d", "日期", "2024-02-30").is_err());
    }
}

const CREDIT_CHARS: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const CREDIT_WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/// GB 32100 unified social credit code (统一社会信用代码): 18 characters, the last a MOD 31 check.
pub fn credit_code(field: &'static str, v: &str) -> Result<String, FieldError> {
    let c = v.trim().to_ascii_uppercase();
    let bad = || err(field, format!("统一社会信用代码“{c}”不正确（18 位，末位为校验码）"));
    if c.chars().count() != 18 {
        return Err(bad());
    }
    let vals: Option<Vec<u32>> = c.chars().map(|ch| CREDIT_CHARS.find(ch).map(|i| i as u32)).collect();
    let vals = vals.ok_or_else(bad)?;
    let sum: u32 = vals.iter().take(17).zip(CREDIT_WEIGHTS).map(|(v, w)| v * w).sum();
    let check = (31 - sum % 31) % 31;
    if vals[17] != check {
        return Err(bad());
    }
    Ok(c)
}

#[cfg(test)]
mod credit_tests {
    #[test]
    fn credit_codes() {
        // Published examples of GB 32100 codes.
        assert!(super::credit_code("c", "91350100M000100Y43").is_ok());
        assert!(super::credit_code("c", "91350100M000100Y44").is_err());
        assert!(super::credit_code("c", "91350100M000100Y4").is_err());
        assert!(
            super::credit_code("c", "91350100M000100YI3").is_err(),
            "I is not in the alphabet"
        );
    }
}
