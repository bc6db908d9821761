//! Migration 3: a version counter per org unit, bumped by triggers, for the in-memory registry counts.
use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0003_stats"
    }
}

/// Tables whose rows are counted per org unit, with the column that names the unit.
const COUNTED: &[(&str, &str)] = &[
    ("resident", "org_unit_id"),
    ("house", "grid_id"),
    ("building", "grid_id"),
];

/// One version counter per org unit, bumped by triggers whenever a counted row of the unit changes,
/// in the writer's own transaction. The in-memory counts (`stats.rs`) recompute only the units
/// whose version moved, whoever wrote (API, import, CLI in another process).
#[async_trait::async_trait]
#[expect(
    elided_lifetimes_in_paths,
    reason = "MigrationTrait (async_trait) declares `up(&self, &SchemaManager)`; naming the lifetime breaks the match"
)]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("stat_version")
                .col(big_integer("org_unit_id").primary_key())
                .col(big_integer("version").default(0))
                .to_owned(),
        )
        .await?;
        let c = m.get_connection();
        // Special-group members are few: a partial index finds them without reading everyone.
        c.execute_unprepared(
            "CREATE INDEX idx_resident_special ON resident (org_unit_id, special_groups) WHERE special_groups <> ''",
        )
        .await?;
        c.execute_unprepared("INSERT INTO stat_version (org_unit_id, version) SELECT id, 0 FROM org_unit")
            .await?;
        match m.get_database_backend() {
            sea_orm::DbBackend::Postgres => {
                // Statement-level triggers with transition tables: one UPDATE per statement, not per row.
                c.execute_unprepared(
                    "CREATE FUNCTION stat_unit_added() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
                       INSERT INTO stat_version (org_unit_id, version) SELECT id, 0 FROM new_rows ON CONFLICT DO NOTHING;
                       RETURN NULL; END $$",
                )
                .await?;
                c.execute_unprepared(
                    "CREATE TRIGGER stat_org_unit_ins AFTER INSERT ON org_unit REFERENCING NEW TABLE AS new_rows
                     FOR EACH STATEMENT EXECUTE FUNCTION stat_unit_added()",
                )
                .await?;
                c.execute_unprepared(
                    "CREATE FUNCTION stat_touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
                       IF TG_OP = 'INSERT' THEN
                         EXECUTE format('UPDATE stat_version SET version = version + 1 WHERE org_unit_id IN (SELECT %I FROM new_rows)', TG_ARGV[0]);
                       ELSIF TG_OP = 'DELETE' THEN
                         EXECUTE format('UPDATE stat_version SET version = version + 1 WHERE org_unit_id IN (SELECT %I FROM old_rows)', TG_ARGV[0]);
                       ELSE
                         EXECUTE format('UPDATE stat_version SET version = version + 1 WHERE org_unit_id IN (SELECT %I FROM new_rows UNION SELECT %I FROM old_rows)', TG_ARGV[0], TG_ARGV[0]);
                       END IF;
                       RETURN NULL; END $$",
                )
                .await?;
                for (t, col) in COUNTED {
                    for (ev, refs) in [
                        ("INSERT", "NEW TABLE AS new_rows"),
                        ("UPDATE", "NEW TABLE AS new_rows OLD TABLE AS old_rows"),
                        ("DELETE", "OLD TABLE AS old_rows"),
                    ] {
                        c.execute_unprepared(&format!(
                            "CREATE TRIGGER stat_{t}_{} AFTER {ev} ON {t} REFERENCING {refs} FOR EACH STATEMENT EXECUTE FUNCTION stat_touch('{col}')",
                            ev.to_lowercase()
                        ))
                        .await?;
                    }
                }
            }
            _ => {
                c.execute_unprepared(
                    "CREATE TRIGGER stat_org_unit_ins AFTER INSERT ON org_unit BEGIN
                       INSERT OR IGNORE INTO stat_version (org_unit_id, version) VALUES (NEW.id, 0); END",
                )
                .await?;
                let bump =
                    |of: &str| format!("UPDATE stat_version SET version = version + 1 WHERE org_unit_id = {of};");
                for (t, col) in COUNTED {
                    c.execute_unprepared(&format!(
                        "CREATE TRIGGER stat_{t}_insert AFTER INSERT ON {t} BEGIN {} END",
                        bump(&format!("NEW.{col}"))
                    ))
                    .await?;
                    c.execute_unprepared(&format!(
                        "CREATE TRIGGER stat_{t}_delete AFTER DELETE ON {t} BEGIN {} END",
                        bump(&format!("OLD.{col}"))
                    ))
                    .await?;
                    c.execute_unprepared(&format!(
                        "CREATE TRIGGER stat_{t}_update AFTER UPDATE ON {t} BEGIN {} {} END",
                        bump(&format!("OLD.{col}")),
                        bump(&format!("NEW.{col}"))
                    ))
                    .await?;
                }
            }
        }
        Ok(())
    }
}
