//! A member department (成员单位) as a form gives it: code and name checked before the database;
//! its center is checked there.
use crate::field::{FieldError, FieldErrors, Refusals, required};

fn code(v: &str) -> Result<String, FieldError> {
    required("code", "编码", v, 32)
}

fn name(v: &str) -> Result<String, FieldError> {
    required("name", "名称", v, 100)
}

/// A department to create, as typed.
#[derive(Debug, Clone, Copy)]
pub struct DepartmentDraft<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub org_unit_id: i64,
    pub duties: Option<&'a str>,
    pub phone: Option<&'a str>,
}

/// A department to create, checked. The fields are private: the way in is
/// [`NewDepartmentFields::parse`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDepartmentFields {
    code: String,
    name: String,
    org_unit_id: i64,
    duties: String,
    phone: String,
}

impl NewDepartmentFields {
    pub fn parse(d: &DepartmentDraft<'_>) -> Result<Self, FieldErrors> {
        let mut r = Refusals::default();
        let code = r.keep(code(d.code));
        let name = r.keep(name(d.name));
        r.finish()?;
        match (code, name) {
            (Some(code), Some(name)) => Ok(Self {
                code,
                name,
                org_unit_id: d.org_unit_id,
                duties: d.duties.unwrap_or_default().to_string(),
                phone: d.phone.unwrap_or_default().to_string(),
            }),
            // Every missing value left a refusal, and there was none.
            _ => Err(FieldError::new("code", "成员单位信息不完整").into()),
        }
    }

    pub fn code(&self) -> &str {
        &self.code
    }
    pub fn name(&self) -> &str {
        &self.name
    }
    /// The center: checked against the caller's data scope when written.
    pub fn org_unit_id(&self) -> i64 {
        self.org_unit_id
    }
    /// As typed: free text.
    pub fn duties(&self) -> &str {
        &self.duties
    }
    /// As typed: a switchboard number with extensions, free text.
    pub fn phone(&self) -> &str {
        &self.phone
    }
}

/// A change to a department, as typed: a field left out stays as stored.
#[derive(Debug, Clone, Copy, Default)]
pub struct DepartmentChangeDraft<'a> {
    pub code: Option<&'a str>,
    pub name: Option<&'a str>,
    pub duties: Option<&'a str>,
    pub phone: Option<&'a str>,
}

/// A change to a department, checked; a field left out stays as stored.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DepartmentChange {
    code: Option<String>,
    name: Option<String>,
    duties: Option<String>,
    phone: Option<String>,
}

impl DepartmentChange {
    pub fn parse(d: &DepartmentChangeDraft<'_>) -> Result<Self, FieldErrors> {
        let mut r = Refusals::default();
        let code = r.keep(d.code.map(code).transpose());
        let name = r.keep(d.name.map(name).transpose());
        r.finish()?;
        Ok(Self {
            code: code.flatten(),
            name: name.flatten(),
            duties: d.duties.map(String::from),
            phone: d.phone.map(String::from),
        })
    }

    pub fn code(&self) -> Option<&str> {
        self.code.as_deref()
    }
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }
    pub fn duties(&self) -> Option<&str> {
        self.duties.as_deref()
    }
    pub fn phone(&self) -> Option<&str> {
        self.phone.as_deref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_department() {
        let d = NewDepartmentFields::parse(&DepartmentDraft {
            code: " GA ",
            name: " 公安分局 ",
            org_unit_id: 3,
            duties: None,
            phone: Some("0755-1234 转 8"),
        })
        .expect("valid");
        assert_eq!((d.code(), d.name(), d.org_unit_id()), ("GA", "公安分局", 3));
        assert_eq!((d.duties(), d.phone()), ("", "0755-1234 转 8"));
    }

    #[test]
    fn refusals_code_first() {
        let e = NewDepartmentFields::parse(&DepartmentDraft {
            code: "",
            name: &"名".repeat(101),
            org_unit_id: 3,
            duties: None,
            phone: None,
        })
        .expect_err("invalid");
        assert_eq!(
            e.into_vec(),
            [
                FieldError::new("code", "编码不能为空"),
                FieldError::new("name", "名称不能超过 100 个字符")
            ]
        );
        let c = DepartmentChange::parse(&DepartmentChangeDraft {
            name: Some(" 城管 "),
            ..Default::default()
        })
        .expect("valid");
        assert_eq!((c.code(), c.name(), c.duties()), (None, Some("城管"), None));
        assert!(
            DepartmentChange::parse(&DepartmentChangeDraft {
                code: Some(" "),
                ..Default::default()
            })
            .is_err()
        );
    }
}
