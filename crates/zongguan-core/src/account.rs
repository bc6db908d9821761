//! User accounts as a form or the CLI gives them: the username, the new password (the policy of
//! [`password::check_policy`]) and the staff record created with the account, checked before any
//! database work.
use std::fmt;

use crate::field::{FieldError, FieldErrors, Refusals, named};
use crate::org::{NewStaffFields, StaffDraft};
use crate::password::{self, PolicyError};

/// A username: 3–50 letters, digits, `_`, `.` or `-`, trimmed. The field is private: the way in
/// is [`Username::parse`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Username(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UsernameError;

impl fmt::Display for UsernameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("用户名须为 3–50 位字母、数字、下划线、点或短横线")
    }
}

impl std::error::Error for UsernameError {}

impl Username {
    pub fn parse(s: &str) -> Result<Self, UsernameError> {
        let u = s.trim();
        let ok = (3..=50).contains(&u.len())
            && u.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '-');
        if ok {
            Ok(Self(u.to_string()))
        } else {
            Err(UsernameError)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A password that meets the policy. The field is private: the way in is [`NewPassword::parse`]
/// or [`NewPassword::for_user`].
#[derive(Clone, PartialEq, Eq)]
pub struct NewPassword(String);

impl fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NewPassword(***)")
    }
}

impl NewPassword {
    /// The policy's length and character classes; the username it must not contain is checked by
    /// [`NewPassword::not_containing`] once the account is read.
    pub fn parse(pw: &str) -> Result<Self, PolicyError> {
        password::check_policy(pw, "")?;
        Ok(Self(pw.to_string()))
    }

    /// The whole policy, for a password whose account is known.
    pub fn for_user(pw: &str, username: &str) -> Result<Self, PolicyError> {
        password::check_policy(pw, username)?;
        Ok(Self(pw.to_string()))
    }

    /// The policy's last rule: the password does not contain the username.
    pub fn not_containing(&self, username: &str) -> Result<(), PolicyError> {
        password::check_policy(&self.0, username)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The argon2id hash to store.
    pub fn hash(&self) -> String {
        password::hash(&self.0)
    }
}

/// An account to create with its staff record, as typed.
#[derive(Debug, Clone, Copy)]
pub struct AccountDraft<'a> {
    pub username: &'a str,
    /// The staff record's name (refused as `name`, as the staff form does).
    pub display_name: &'a str,
    pub org_unit_id: i64,
    pub department_id: Option<i64>,
    pub phone: Option<&'a str>,
    /// `male` when not given.
    pub gender: Option<&'a str>,
    pub post: Option<&'a str>,
    pub password: &'a str,
}

/// An account to create, checked: the username, the password and the staff record. The fields
/// are private: the way in is [`NewAccount::parse`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAccount {
    username: Username,
    password: NewPassword,
    staff: NewStaffFields,
}

impl NewAccount {
    /// Checks every field and reports every refusal: username, password, then the staff record's.
    pub fn parse(d: &AccountDraft<'_>) -> Result<Self, FieldErrors> {
        let mut r = Refusals::default();
        let username = r.keep(Username::parse(d.username).map_err(named("username")));
        let password = r.keep(NewPassword::for_user(d.password, d.username.trim()).map_err(named("password")));
        let staff = NewStaffFields::parse(&StaffDraft {
            name: d.display_name,
            gender: d.gender.unwrap_or("male"),
            phone: d.phone,
            org_unit_id: d.org_unit_id,
            department_id: d.department_id,
            post: d.post,
        })
        .map_err(|e| e.into_vec().into_iter().for_each(|e| r.push(e)))
        .ok();
        r.finish()?;
        match (username, password, staff) {
            (Some(username), Some(password), Some(staff)) => Ok(Self {
                username,
                password,
                staff,
            }),
            // Every missing value left a refusal, and there was none.
            _ => Err(FieldError::new("username", "账号信息不完整").into()),
        }
    }

    pub fn username(&self) -> &Username {
        &self.username
    }
    pub fn password(&self) -> &NewPassword {
        &self.password
    }
    pub fn staff(&self) -> &NewStaffFields {
        &self.staff
    }
    pub fn into_staff(self) -> NewStaffFields {
        self.staff
    }
}

/// A change to an account, as typed: a field left out stays as stored.
#[derive(Debug, Clone, Copy, Default)]
pub struct AccountChangeDraft<'a> {
    pub display_name: Option<&'a str>,
    pub org_unit_id: Option<i64>,
    pub department_id: Option<i64>,
}

/// A change to an account, checked; the org unit and department are checked against the caller's
/// data scope when written.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AccountChange {
    display_name: Option<String>,
    org_unit_id: Option<i64>,
    department_id: Option<i64>,
}

impl AccountChange {
    pub fn parse(d: &AccountChangeDraft<'_>) -> Result<Self, FieldError> {
        let display_name = d
            .display_name
            .map(|n| {
                let n = n.trim();
                if n.is_empty() || n.chars().count() > 50 {
                    Err(FieldError::new("display_name", "姓名不能为空且不超过 50 个字符"))
                } else {
                    Ok(n.to_string())
                }
            })
            .transpose()?;
        Ok(Self {
            display_name,
            org_unit_id: d.org_unit_id,
            department_id: d.department_id,
        })
    }

    pub fn display_name(&self) -> Option<&str> {
        self.display_name.as_deref()
    }
    pub fn org_unit_id(&self) -> Option<i64> {
        self.org_unit_id
    }
    pub fn department_id(&self) -> Option<i64> {
        self.department_id
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> AccountDraft<'static> {
        AccountDraft {
            username: " lat_zhang ",
            display_name: "张三",
            org_unit_id: 5,
            department_id: None,
            phone: None,
            gender: None,
            post: None,
            password: "Init@2026x",
        }
    }

    #[test]
    fn usernames() {
        assert_eq!(Username::parse(" li.si-2 ").map(|u| u.0), Ok("li.si-2".into()));
        for bad in ["ab", "张三丰", "a b c", &"a".repeat(51)] {
            assert_eq!(Username::parse(bad), Err(UsernameError), "{bad}");
        }
    }

    #[test]
    fn passwords() {
        let pw = NewPassword::parse("Admin#Kx9q2026").expect("classes and length");
        assert_eq!(pw.not_containing("admin"), Err(PolicyError::ContainsUsername));
        assert_eq!(pw.not_containing("zhang"), Ok(()));
        assert_eq!(NewPassword::parse("weakpass"), Err(PolicyError::TooFewClasses));
        assert_eq!(NewPassword::parse("Password@123"), Err(PolicyError::TooGuessable));
        assert_eq!(
            NewPassword::for_user("Admin#Kx9q2026", "admin"),
            Err(PolicyError::ContainsUsername)
        );
        assert_eq!(format!("{pw:?}"), "NewPassword(***)");
    }

    #[test]
    fn an_account() {
        let a = NewAccount::parse(&draft()).expect("valid");
        assert_eq!(a.username().as_str(), "lat_zhang");
        assert_eq!(a.staff().gender().as_str(), "male");
        assert_eq!(a.staff().org_unit_id(), 5);
    }

    #[test]
    fn every_refused_field_of_an_account() {
        let e = NewAccount::parse(&AccountDraft {
            username: "x",
            password: "weakpass",
            display_name: " ",
            phone: Some("12"),
            ..draft()
        })
        .expect_err("invalid");
        let fields: Vec<&str> = e.into_vec().iter().map(|e| e.field).collect();
        assert_eq!(fields, ["username", "password", "name", "phone"]);
        let e = NewAccount::parse(&AccountDraft {
            password: "Lat_Zhang@1",
            ..draft()
        })
        .expect_err("contains the username");
        assert_eq!(e.into_first(), FieldError::new("password", "密码不能包含用户名"));
    }

    #[test]
    fn a_change() {
        let c = AccountChange::parse(&AccountChangeDraft {
            display_name: Some(" 李四 "),
            department_id: Some(0),
            ..Default::default()
        })
        .expect("valid");
        assert_eq!((c.display_name(), c.department_id()), (Some("李四"), Some(0)));
        let e = AccountChange::parse(&AccountChangeDraft {
            display_name: Some(""),
            ..Default::default()
        })
        .expect_err("blank");
        assert_eq!(e.field, "display_name");
    }
}
