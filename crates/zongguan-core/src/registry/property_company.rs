//! Property companies as the form gives them.
use super::CreditCode;
use crate::field::{FieldError, named, optional_text, required};
use crate::phone::PhoneEdit;

/// A property company as typed, before checking.
#[derive(Debug, Clone, Copy, Default)]
pub struct PropertyCompanyDraft<'a> {
    pub name: &'a str,
    pub credit_code: Option<&'a str>,
    pub contact: Option<&'a str>,
    pub phone: Option<&'a str>,
    pub address: Option<&'a str>,
    pub org_unit_id: i64,
}

/// A checked property company.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPropertyCompany {
    pub name: String,
    pub credit_code: Option<CreditCode>,
    pub contact: String,
    pub phone: PhoneEdit,
    pub address: String,
    /// Checked against the caller's data scope when written.
    pub org_unit_id: i64,
}

/// A credit code, or none when the field is empty.
pub(super) fn optional_credit_code(v: Option<&str>) -> Result<Option<CreditCode>, FieldError> {
    v.map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|c| CreditCode::parse(c).map_err(named("credit_code")))
        .transpose()
}

impl NewPropertyCompany {
    /// Checks the fields in the form's order and stops at the first refusal. `existing`: the form
    /// saves over a stored record, so a phone sent back masked keeps the stored one.
    pub fn parse(d: &PropertyCompanyDraft<'_>, existing: bool) -> Result<Self, FieldError> {
        Ok(Self {
            name: required("name", "企业名称", d.name, 100)?,
            credit_code: optional_credit_code(d.credit_code)?,
            phone: PhoneEdit::parse(d.phone, existing).map_err(named("phone"))?,
            contact: optional_text("contact", "联系人", d.contact.unwrap_or(""), 50)?,
            address: optional_text("address", "地址", d.address.unwrap_or(""), 200)?,
            org_unit_id: d.org_unit_id,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::phone::Phone;

    #[test]
    fn a_company_and_its_refusals() {
        let d = PropertyCompanyDraft {
            name: "深圳市良安物业管理有限公司",
            credit_code: Some("91350100m000100y43"),
            phone: Some("13711112222"),
            org_unit_id: 4,
            ..Default::default()
        };
        let c = NewPropertyCompany::parse(&d, false).expect("valid");
        assert_eq!(
            c.credit_code.as_ref().map(CreditCode::as_str),
            Some("91350100M000100Y43")
        );
        assert_eq!(c.phone, PhoneEdit::Set(Phone::parse("13711112222").ok()));
        let masked = PropertyCompanyDraft {
            phone: Some("137****2222"),
            ..d
        };
        assert_eq!(
            NewPropertyCompany::parse(&masked, true).map(|c| c.phone),
            Ok(PhoneEdit::Keep)
        );
        assert_eq!(
            NewPropertyCompany::parse(&masked, false).map_err(|e| e.field),
            Err("phone")
        );
        let e = NewPropertyCompany::parse(
            &PropertyCompanyDraft {
                credit_code: Some("91350100M000100Y44"),
                ..d
            },
            false,
        );
        assert_eq!(e.map_err(|e| e.field), Err("credit_code"));
        let long = "字".repeat(51);
        let e = NewPropertyCompany::parse(
            &PropertyCompanyDraft {
                phone: Some("1"),
                contact: Some(&long),
                ..d
            },
            false,
        );
        assert_eq!(
            e.map_err(|e| e.field),
            Err("phone"),
            "the phone comes before the contact"
        );
    }
}
