//! Migration 14: what login hardening remembers per account: the last TOTP step used and the
//! hashes of earlier passwords.
use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0014_login_hardening"
    }
}

/// `totp_last_step`: the 30-second step of the last code accepted, so that a code is accepted
/// once only (a conditional update claims the step). `password_history`: the argon2id hashes of
/// the passwords before the current one, newest first, one a line, so that the last five are not
/// used again.
#[async_trait::async_trait]
#[expect(
    elided_lifetimes_in_paths,
    reason = "MigrationTrait (async_trait) declares `up(&self, &SchemaManager)`; naming the lifetime breaks the match"
)]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("app_user")
                .add_column(ColumnDef::new("totp_last_step").big_integer().null())
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("app_user")
                .add_column(ColumnDef::new("password_history").text().null())
                .to_owned(),
        )
        .await
    }
}
