//! The account forms and their conversion into checked core values: the one place an account's
//! raw fields are checked, before any database work (the CLI calls the same core parse).
use serde::Deserialize;
use utoipa::ToSchema;
use zongguan_core::account::{AccountChange, AccountChangeDraft, AccountDraft, NewAccount};
use zongguan_core::field::{FieldError, FieldErrors};

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub org_unit_id: i64,
    pub department_id: Option<i64>,
    pub phone: Option<String>,
    /// Gender of the staff record created with the account: male | female (default male).
    pub gender: Option<String>,
    pub post: Option<String>,
    pub password: String,
}

impl TryFrom<NewUser> for NewAccount {
    type Error = FieldErrors;

    fn try_from(n: NewUser) -> Result<Self, FieldErrors> {
        NewAccount::parse(&AccountDraft {
            username: &n.username,
            display_name: &n.display_name,
            org_unit_id: n.org_unit_id,
            department_id: n.department_id,
            phone: n.phone.as_deref(),
            gender: n.gender.as_deref(),
            post: n.post.as_deref(),
            password: &n.password,
        })
    }
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserUpdate {
    pub display_name: Option<String>,
    pub org_unit_id: Option<i64>,
    pub department_id: Option<i64>,
}

impl TryFrom<UserUpdate> for AccountChange {
    type Error = FieldError;

    fn try_from(u: UserUpdate) -> Result<Self, FieldError> {
        AccountChange::parse(&AccountChangeDraft {
            display_name: u.display_name.as_deref(),
            org_unit_id: u.org_unit_id,
            department_id: u.department_id,
        })
    }
}
