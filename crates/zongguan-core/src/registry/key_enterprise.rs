//! Key enterprises of the key industries as the form gives them.
use super::CreditCode;
use super::key_place::optional_point;
use super::location::{Latitude, Longitude};
use super::property_company::optional_credit_code;
use crate::dict;
use crate::field::{FieldError, coded, named, optional_text, required};
use crate::phone::PhoneEdit;

/// A key enterprise as typed, before checking.
#[derive(Debug, Clone, Copy, Default)]
pub struct KeyEnterpriseDraft<'a> {
    pub name: &'a str,
    pub credit_code: Option<&'a str>,
    pub industry: &'a str,
    pub hazard_class: Option<&'a str>,
    pub staff_count: Option<i32>,
    pub licence_numbers: Option<&'a str>,
    pub address: Option<&'a str>,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub org_unit_id: i64,
    pub person_in_charge: Option<&'a str>,
    pub phone: Option<&'a str>,
}

/// A checked key enterprise.
#[derive(Debug, Clone, PartialEq)]
pub struct NewKeyEnterprise {
    pub name: String,
    pub credit_code: Option<CreditCode>,
    /// A code of [`dict::INDUSTRIES`].
    pub industry: &'static str,
    pub hazard_class: String,
    /// 0–1,000,000; 0 when not given.
    pub staff_count: i32,
    pub licence_numbers: String,
    pub address: String,
    pub lon: Option<Longitude>,
    pub lat: Option<Latitude>,
    /// Checked against the caller's data scope when written.
    pub org_unit_id: i64,
    pub person_in_charge: String,
    pub phone: PhoneEdit,
}

impl NewKeyEnterprise {
    /// Checks the fields in the form's order and stops at the first refusal. `existing`: the form
    /// saves over a stored record, so a phone sent back masked keeps the stored one.
    pub fn parse(d: &KeyEnterpriseDraft<'_>, existing: bool) -> Result<Self, FieldError> {
        let name = required("name", "企业名称", d.name, 100)?;
        let industry = coded("industry", "行业", dict::INDUSTRIES, d.industry)?;
        let credit_code = optional_credit_code(d.credit_code)?;
        let staff_count = d.staff_count.unwrap_or(0);
        if !(0..=1_000_000).contains(&staff_count) {
            return Err(FieldError::new("staff_count", "从业人数须在 0–1000000 之间"));
        }
        let (lon, lat) = optional_point(d.lon, d.lat)?;
        Ok(Self {
            name,
            credit_code,
            industry,
            staff_count,
            lon,
            lat,
            phone: PhoneEdit::parse(d.phone, existing).map_err(named("phone"))?,
            hazard_class: optional_text("hazard_class", "危险等级", d.hazard_class.unwrap_or(""), 10)?,
            licence_numbers: optional_text("licence_numbers", "许可证号", d.licence_numbers.unwrap_or(""), 200)?,
            address: optional_text("address", "地址", d.address.unwrap_or(""), 200)?,
            person_in_charge: optional_text("person_in_charge", "负责人", d.person_in_charge.unwrap_or(""), 50)?,
            org_unit_id: d.org_unit_id,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_enterprise_and_its_refusals() {
        let d = KeyEnterpriseDraft {
            name: "良安化工仓库",
            industry: "危险化学品",
            hazard_class: Some("二级"),
            staff_count: Some(35),
            org_unit_id: 4,
            ..Default::default()
        };
        let e = NewKeyEnterprise::parse(&d, false).expect("valid");
        assert_eq!((e.industry, e.staff_count), ("hazardous_chemicals", 35));
        let field = |d: KeyEnterpriseDraft<'_>| NewKeyEnterprise::parse(&d, false).map_err(|e| e.field);
        assert_eq!(field(KeyEnterpriseDraft { industry: "x", ..d }), Err("industry"));
        assert_eq!(
            field(KeyEnterpriseDraft {
                staff_count: Some(-1),
                credit_code: Some("x"),
                ..d
            }),
            Err("credit_code"),
            "the credit code comes before the staff count"
        );
        assert_eq!(
            field(KeyEnterpriseDraft {
                staff_count: Some(1_000_001),
                ..d
            }),
            Err("staff_count")
        );
        assert_eq!(field(KeyEnterpriseDraft { lon: Some(10.0), ..d }), Err("lon"));
        let long = "字".repeat(11);
        assert_eq!(
            field(KeyEnterpriseDraft {
                hazard_class: Some(&long),
                ..d
            }),
            Err("hazard_class")
        );
    }
}
