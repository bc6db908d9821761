use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "app_user")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub org_unit_id: i64,
    pub department_id: Option<i64>,
    pub staff_id: Option<i64>,
    pub failed_logins: i32,
    pub locked_until: Option<DateTimeUtc>,
    pub locked: bool,
    pub must_change_password: bool,
    pub password_changed_at: Option<DateTimeUtc>,
    pub totp_secret: Option<String>,
    pub totp_enabled: bool,
    /// The TOTP step of the last code accepted (a code is accepted once only).
    pub totp_last_step: Option<i64>,
    /// Hashes of the passwords before the current one, newest first, one a line.
    pub password_history: Option<String>,
    pub last_login_at: Option<DateTimeUtc>,
    pub created_by: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
