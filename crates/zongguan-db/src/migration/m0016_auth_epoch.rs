//! Migration 16: one counter that moves whenever who-may-do-what changes, so every instance can
//! keep resolved callers in memory and check them with one read.
use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0016_auth_epoch"
    }
}

/// What moves `auth_epoch`: a table, the operations, and for updates the columns that matter (a
/// login's counters and times do not).
const WATCHED: [(&str, &str, &str); 9] = [
    (
        "app_user",
        "INSERT OR DELETE OR UPDATE",
        "username, display_name, password_hash, org_unit_id, department_id, staff_id, locked, must_change_password, totp_enabled",
    ),
    ("user_role", "INSERT OR DELETE OR UPDATE", ""),
    ("role", "INSERT OR DELETE OR UPDATE", ""),
    ("user_scope_unit", "INSERT OR DELETE OR UPDATE", ""),
    ("grid_assignment", "INSERT OR DELETE OR UPDATE", ""),
    ("org_unit", "INSERT OR DELETE OR UPDATE", "parent_id, path, level"),
    ("staff", "DELETE", ""),
    ("session", "DELETE", ""),
    ("api_token", "DELETE OR UPDATE", "revoked_at, expires_at, user_id"),
];

#[async_trait::async_trait]
#[expect(
    elided_lifetimes_in_paths,
    reason = "MigrationTrait (async_trait) declares `up(&self, &SchemaManager)`; naming the lifetime breaks the match"
)]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let c = m.get_connection();
        c.execute_unprepared("CREATE TABLE auth_epoch (id INTEGER PRIMARY KEY, version BIGINT NOT NULL DEFAULT 0)")
            .await?;
        c.execute_unprepared("INSERT INTO auth_epoch (id, version) VALUES (1, 0)")
            .await?;
        let bump = "UPDATE auth_epoch SET version = version + 1 WHERE id = 1;";
        let postgres = m.get_database_backend() == sea_orm::DbBackend::Postgres;
        if postgres {
            c.execute_unprepared(&format!(
                "CREATE FUNCTION auth_epoch_bump() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {bump} RETURN NULL; END $$"
            ))
            .await?;
        }
        for (t, ops, cols) in WATCHED {
            for op in ops.split(" OR ") {
                let event = if op == "UPDATE" && !cols.is_empty() {
                    format!("UPDATE OF {cols}")
                } else {
                    op.to_string()
                };
                let name = format!("{t}_auth_{}", op.to_lowercase());
                c.execute_unprepared(&if postgres {
                    format!("CREATE TRIGGER {name} AFTER {event} ON {t} FOR EACH STATEMENT EXECUTE FUNCTION auth_epoch_bump()")
                } else {
                    format!("CREATE TRIGGER {name} AFTER {event} ON {t} BEGIN {bump} END")
                })
                .await?;
            }
        }
        Ok(())
    }
}
