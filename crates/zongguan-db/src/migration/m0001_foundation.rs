//! Migration 1: org units, departments, staff, accounts and roles, sessions and tokens, the append-only logs.
use sea_orm_migration::{prelude::*, schema::*};

use super::{fk, idx, ts, ts_null};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0001_foundation"
    }
}

#[async_trait::async_trait]
#[expect(
    elided_lifetimes_in_paths,
    reason = "MigrationTrait (async_trait) declares `up(&self, &SchemaManager)`; naming the lifetime breaks the match"
)]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        org_unit(m).await?;
        app_user(m).await?;
        api_token(m).await?;
        triggers(m).await?;
        Ok(())
    }
}

/// `org_unit`, `department`, `staff`, `grid_assignment`
async fn org_unit(m: &SchemaManager<'_>) -> Result<(), DbErr> {
    m.create_table(
        Table::create()
            .table("org_unit")
            .col(big_pk_auto("id"))
            .col(string_len("level", 16))
            .col(string_len_uniq("code", 32))
            .col(string_len("name", 100))
            .col(big_integer_null("parent_id"))
            .col(string_len("path", 255))
            .col(string_len_null("community_name", 100))
            .col(integer("sort").default(0))
            .col(text_null("geometry"))
            .col(big_integer_null("created_by"))
            .col(ts("created_at"))
            .col(ts("updated_at"))
            .foreign_key(&mut fk("org_unit", "parent_id", "org_unit"))
            .to_owned(),
    )
    .await?;
    m.create_index(idx("org_unit", &["parent_id"])).await?;
    m.create_index(idx("org_unit", &["path"])).await?;
    m.create_index(idx("org_unit", &["level"])).await?;

    m.create_table(
        Table::create()
            .table("department")
            .col(big_pk_auto("id"))
            .col(string_len_uniq("code", 32))
            .col(string_len("name", 100))
            .col(big_integer("org_unit_id"))
            .col(text("duties").default(""))
            .col(string_len("phone", 32).default(""))
            .col(big_integer_null("created_by"))
            .col(ts("created_at"))
            .col(ts("updated_at"))
            .foreign_key(&mut fk("department", "org_unit_id", "org_unit"))
            .to_owned(),
    )
    .await?;
    m.create_index(idx("department", &["org_unit_id"])).await?;

    m.create_table(
        Table::create()
            .table("staff")
            .col(big_pk_auto("id"))
            .col(string_len("name", 50))
            .col(string_len("gender", 8))
            .col(text_null("phone_enc"))
            .col(string_len_null("phone_hash", 64))
            .col(big_integer("org_unit_id"))
            .col(big_integer_null("department_id"))
            .col(string_len("post", 50).default(""))
            .col(big_integer_null("created_by"))
            .col(ts("created_at"))
            .col(ts("updated_at"))
            .foreign_key(&mut fk("staff", "org_unit_id", "org_unit"))
            .foreign_key(&mut fk("staff", "department_id", "department"))
            .to_owned(),
    )
    .await?;
    m.create_index(idx("staff", &["org_unit_id"])).await?;

    m.create_table(
        Table::create()
            .table("grid_assignment")
            .col(big_integer("grid_id"))
            .col(big_integer("staff_id"))
            .primary_key(Index::create().col("grid_id").col("staff_id"))
            .foreign_key(&mut fk("grid_assignment", "grid_id", "org_unit"))
            .foreign_key(
                ForeignKey::create()
                    .from("grid_assignment", "staff_id")
                    .to("staff", "id")
                    .on_delete(ForeignKeyAction::Cascade),
            )
            .to_owned(),
    )
    .await?;
    m.create_index(idx("grid_assignment", &["staff_id"])).await?;
    Ok(())
}

/// `app_user`, `role`, `user_role`, `user_scope_unit`, `session`
async fn app_user(m: &SchemaManager<'_>) -> Result<(), DbErr> {
    m.create_table(
        Table::create()
            .table("app_user")
            .col(big_pk_auto("id"))
            .col(string_len_uniq("username", 50))
            .col(string_len("display_name", 50))
            .col(string_len("password_hash", 255))
            .col(big_integer("org_unit_id"))
            .col(big_integer_null("department_id"))
            .col(big_integer_null("staff_id"))
            .col(integer("failed_logins").default(0))
            .col(ts_null("locked_until"))
            .col(boolean("locked").default(false))
            .col(boolean("must_change_password").default(false))
            .col(ts_null("password_changed_at"))
            .col(text_null("totp_secret"))
            .col(boolean("totp_enabled").default(false))
            .col(ts_null("last_login_at"))
            .col(big_integer_null("created_by"))
            .col(ts("created_at"))
            .col(ts("updated_at"))
            .foreign_key(&mut fk("app_user", "org_unit_id", "org_unit"))
            .foreign_key(&mut fk("app_user", "department_id", "department"))
            .foreign_key(&mut fk("app_user", "staff_id", "staff"))
            .to_owned(),
    )
    .await?;
    m.create_index(idx("app_user", &["org_unit_id"])).await?;

    m.create_table(
        Table::create()
            .table("role")
            .col(string_len("code", 50).primary_key())
            .col(string_len("name", 50))
            .col(text("description").default(""))
            .col(string_len("data_scope", 20))
            .col(text("permissions"))
            .col(boolean("builtin").default(false))
            .to_owned(),
    )
    .await?;
    m.create_table(
        Table::create()
            .table("user_role")
            .col(big_integer("user_id"))
            .col(string_len("role_code", 50))
            .primary_key(Index::create().col("user_id").col("role_code"))
            .foreign_key(
                ForeignKey::create()
                    .from("user_role", "user_id")
                    .to("app_user", "id")
                    .on_delete(ForeignKeyAction::Cascade),
            )
            .foreign_key(ForeignKey::create().from("user_role", "role_code").to("role", "code"))
            .to_owned(),
    )
    .await?;
    m.create_table(
        Table::create()
            .table("user_scope_unit")
            .col(big_integer("user_id"))
            .col(big_integer("org_unit_id"))
            .primary_key(Index::create().col("user_id").col("org_unit_id"))
            .foreign_key(
                ForeignKey::create()
                    .from("user_scope_unit", "user_id")
                    .to("app_user", "id")
                    .on_delete(ForeignKeyAction::Cascade),
            )
            .foreign_key(&mut fk("user_scope_unit", "org_unit_id", "org_unit"))
            .to_owned(),
    )
    .await?;

    m.create_table(
        Table::create()
            .table("session")
            .col(string_len("id", 64).primary_key())
            .col(big_integer("user_id"))
            .col(string_len("csrf_token", 64))
            .col(ts("created_at"))
            .col(ts("last_seen_at"))
            .col(string_len("client_addr", 64).default(""))
            .col(string_len("user_agent", 255).default(""))
            .foreign_key(
                ForeignKey::create()
                    .from("session", "user_id")
                    .to("app_user", "id")
                    .on_delete(ForeignKeyAction::Cascade),
            )
            .to_owned(),
    )
    .await?;
    Ok(())
}

/// `api_token`, `audit_log`, `login_log`
async fn api_token(m: &SchemaManager<'_>) -> Result<(), DbErr> {
    m.create_table(
        Table::create()
            .table("api_token")
            .col(big_pk_auto("id"))
            .col(big_integer("user_id"))
            .col(string_len("name", 100))
            .col(string_len_uniq("token_hash", 64))
            .col(string_len("prefix", 16))
            .col(ts("created_at"))
            .col(ts_null("expires_at"))
            .col(ts_null("last_used_at"))
            .col(ts_null("revoked_at"))
            .foreign_key(
                ForeignKey::create()
                    .from("api_token", "user_id")
                    .to("app_user", "id")
                    .on_delete(ForeignKeyAction::Cascade),
            )
            .to_owned(),
    )
    .await?;

    m.create_table(
        Table::create()
            .table("audit_log")
            .col(big_integer("id").primary_key())
            .col(string_len("at", 40))
            .col(big_integer_null("user_id"))
            .col(string_len("username", 50))
            .col(big_integer_null("org_unit_id"))
            .col(string_len("action", 50))
            .col(string_len("object_type", 50))
            .col(string_len_null("object_id", 64))
            .col(string_len("result", 20))
            .col(string_len("client_addr", 64))
            .col(text_null("detail"))
            .col(string_len("prev_hash", 64))
            .col(string_len("hash", 64))
            .to_owned(),
    )
    .await?;
    m.create_index(idx("audit_log", &["at"])).await?;
    m.create_index(idx("audit_log", &["username"])).await?;
    m.create_table(
        Table::create()
            .table("login_log")
            .col(big_pk_auto("id"))
            .col(ts("at"))
            .col(string_len("username", 50))
            .col(big_integer_null("user_id"))
            .col(string_len("result", 20))
            .col(string_len("client_addr", 64))
            .col(string_len("user_agent", 255).default(""))
            .to_owned(),
    )
    .await?;
    m.create_index(idx("login_log", &["at"])).await?;
    Ok(())
}

/// What the tables above need beside them.
async fn triggers(m: &SchemaManager<'_>) -> Result<(), DbErr> {
    // The logs are append-only in the database itself, not only in the API.
    let db = m.get_connection();
    match m.get_database_backend() {
        sea_orm::DatabaseBackend::Postgres => {
            db.execute_unprepared(
                "CREATE FUNCTION zg_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                 BEGIN RAISE EXCEPTION 'append-only table %', TG_TABLE_NAME; END $$;",
            )
            .await?;
            for t in ["audit_log", "login_log"] {
                db.execute_unprepared(&format!(
                    "CREATE TRIGGER {t}_append_only BEFORE UPDATE OR DELETE ON {t}
                     FOR EACH ROW EXECUTE FUNCTION zg_append_only()"
                ))
                .await?;
            }
        }
        _ => {
            for t in ["audit_log", "login_log"] {
                for op in ["UPDATE", "DELETE"] {
                    db.execute_unprepared(&format!(
                        "CREATE TRIGGER {t}_no_{op} BEFORE {op} ON {t}
                         BEGIN SELECT RAISE(ABORT, 'append-only table {t}'); END"
                    ))
                    .await?;
                }
            }
        }
    }
    Ok(())
}
