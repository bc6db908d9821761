//! A staff member as a form gives them: name, gender and phone checked before the database; their
//! org unit and department are checked there.
use std::fmt;

use crate::field::{FieldError, FieldErrors, Refusals, named, required};
use crate::phone::Phone;

/// A staff member's gender, stored as `male` or `female`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gender {
    Male,
    Female,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GenderError;

impl fmt::Display for GenderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("性别须为 male（男）或 female（女）")
    }
}

impl std::error::Error for GenderError {}

impl Gender {
    /// The stored word, exactly.
    pub fn parse(s: &str) -> Result<Self, GenderError> {
        match s {
            "male" => Ok(Self::Male),
            "female" => Ok(Self::Female),
            _ => Err(GenderError),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Male => "male",
            Self::Female => "female",
        }
    }
}

fn name(v: &str) -> Result<String, FieldError> {
    required("name", "姓名", v, 50)
}

fn gender(v: &str) -> Result<Gender, FieldError> {
    Gender::parse(v).map_err(named("gender"))
}

/// A phone left empty is none.
fn phone(v: &str) -> Result<Option<Phone>, FieldError> {
    Some(v)
        .filter(|p| !p.trim().is_empty())
        .map(Phone::parse)
        .transpose()
        .map_err(named("phone"))
}

fn post(v: &str) -> String {
    v.trim().to_string()
}

/// A staff member to create, as typed.
#[derive(Debug, Clone, Copy)]
pub struct StaffDraft<'a> {
    pub name: &'a str,
    pub gender: &'a str,
    pub phone: Option<&'a str>,
    pub org_unit_id: i64,
    pub department_id: Option<i64>,
    pub post: Option<&'a str>,
}

/// A staff member to create, checked. The fields are private: the way in is
/// [`NewStaffFields::parse`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewStaffFields {
    name: String,
    gender: Gender,
    phone: Option<Phone>,
    org_unit_id: i64,
    department_id: Option<i64>,
    post: String,
}

impl NewStaffFields {
    pub fn parse(d: &StaffDraft<'_>) -> Result<Self, FieldErrors> {
        let mut r = Refusals::default();
        let name = r.keep(name(d.name));
        let gender = r.keep(gender(d.gender));
        let phone = r.keep(d.phone.map(phone).transpose());
        r.finish()?;
        match (name, gender, phone) {
            (Some(name), Some(gender), Some(phone)) => Ok(Self {
                name,
                gender,
                phone: phone.flatten(),
                org_unit_id: d.org_unit_id,
                department_id: d.department_id,
                post: post(d.post.unwrap_or_default()),
            }),
            // Every missing value left a refusal, and there was none.
            _ => Err(FieldError::new("name", "人员信息不完整").into()),
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }
    pub fn gender(&self) -> Gender {
        self.gender
    }
    pub fn phone(&self) -> Option<&Phone> {
        self.phone.as_ref()
    }
    /// Checked against the caller's data scope when written.
    pub fn org_unit_id(&self) -> i64 {
        self.org_unit_id
    }
    /// Checked against the caller's data scope when written.
    pub fn department_id(&self) -> Option<i64> {
        self.department_id
    }
    pub fn post(&self) -> &str {
        &self.post
    }
}

/// A change to a staff member, as typed: a field left out stays as stored.
#[derive(Debug, Clone, Copy, Default)]
pub struct StaffChangeDraft<'a> {
    pub name: Option<&'a str>,
    pub gender: Option<&'a str>,
    /// Empty clears the phone.
    pub phone: Option<&'a str>,
    pub department_id: Option<i64>,
    pub post: Option<&'a str>,
}

/// A change to a staff member, checked; a field left out stays as stored.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StaffChange {
    name: Option<String>,
    gender: Option<Gender>,
    phone: Option<Option<Phone>>,
    department_id: Option<i64>,
    post: Option<String>,
}

impl StaffChange {
    pub fn parse(d: &StaffChangeDraft<'_>) -> Result<Self, FieldErrors> {
        let mut r = Refusals::default();
        let name = r.keep(d.name.map(name).transpose());
        let gender = r.keep(d.gender.map(gender).transpose());
        let phone = r.keep(d.phone.map(phone).transpose());
        r.finish()?;
        Ok(Self {
            name: name.flatten(),
            gender: gender.flatten(),
            phone: phone.flatten(),
            department_id: d.department_id,
            post: d.post.map(post),
        })
    }

    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }
    pub fn gender(&self) -> Option<Gender> {
        self.gender
    }
    /// `Some(None)` clears it.
    pub fn phone(&self) -> Option<Option<&Phone>> {
        self.phone.as_ref().map(Option::as_ref)
    }
    /// Checked against the caller's data scope when written.
    pub fn department_id(&self) -> Option<i64> {
        self.department_id
    }
    pub fn post(&self) -> Option<&str> {
        self.post.as_deref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> StaffDraft<'static> {
        StaffDraft {
            name: " 张三 ",
            gender: "female",
            phone: Some(" 139 1234 5678 "),
            org_unit_id: 2,
            department_id: None,
            post: Some(" 网格员 "),
        }
    }

    #[test]
    fn a_staff_member() {
        let s = NewStaffFields::parse(&draft()).expect("valid");
        assert_eq!((s.name(), s.gender(), s.post()), ("张三", Gender::Female, "网格员"));
        assert_eq!(s.phone().map(Phone::as_str), Some("13912345678"));
        let s = NewStaffFields::parse(&StaffDraft {
            phone: Some(" "),
            post: None,
            ..draft()
        })
        .expect("valid");
        assert_eq!((s.phone(), s.post()), (None, ""));
    }

    #[test]
    fn every_refused_field() {
        let e = NewStaffFields::parse(&StaffDraft {
            name: "",
            gender: "男",
            phone: Some("123"),
            ..draft()
        })
        .expect_err("invalid");
        let fields: Vec<&str> = e.clone().into_vec().iter().map(|e| e.field).collect();
        assert_eq!(fields, ["name", "gender", "phone"]);
        assert_eq!(e.into_vec()[1].message, "性别须为 male（男）或 female（女）");
    }

    #[test]
    fn a_change() {
        let c = StaffChange::parse(&StaffChangeDraft {
            phone: Some(""),
            post: Some(" 站长 "),
            ..Default::default()
        })
        .expect("valid");
        assert_eq!((c.name(), c.gender(), c.phone()), (None, None, Some(None)));
        assert_eq!(c.post(), Some("站长"));
        let e = StaffChange::parse(&StaffChangeDraft {
            gender: Some("x"),
            ..Default::default()
        })
        .expect_err("gender");
        assert_eq!(e.into_first().field, "gender");
    }
}
