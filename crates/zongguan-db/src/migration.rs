//! Schema migrations, shared by SQLite and PostgreSQL.
#![expect(
    elided_lifetimes_in_paths,
    reason = "MigrationTrait (async_trait) declares `up(&self, &SchemaManager)`; naming the lifetime breaks the match"
)]
use sea_orm_migration::{prelude::*, schema::*};

pub struct Migrator;

impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(M0001Foundation),
            Box::new(M0002Registry),
            Box::new(M0003Stats),
            Box::new(M0004Search),
            Box::new(M0005Cases),
            Box::new(M0006Map),
            Box::new(M0007CaseTurn),
            Box::new(M0008ImportSpeed),
            Box::new(M0009NameByUnit),
            Box::new(M0010IdKey),
        ]
    }
}

struct M0001Foundation;

impl MigrationName for M0001Foundation {
    fn name(&self) -> &str {
        "m0001_foundation"
    }
}

fn ts(name: &'static str) -> ColumnDef {
    timestamp_with_time_zone(name)
}
fn ts_null(name: &'static str) -> ColumnDef {
    timestamp_with_time_zone_null(name)
}
fn fk(from: &'static str, col: &'static str, to: &'static str) -> ForeignKeyCreateStatement {
    ForeignKey::create().from(from, col).to(to, "id").to_owned()
}
fn idx(table: &'static str, cols: &[&'static str]) -> IndexCreateStatement {
    let mut i = Index::create();
    i.name(format!("idx_{table}_{}", cols.join("_"))).table(table);
    for c in cols {
        i.col(*c);
    }
    i.to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for M0001Foundation {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
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
}

struct M0002Registry;

impl MigrationName for M0002Registry {
    fn name(&self) -> &str {
        "m0002_registry"
    }
}

fn audit_cols(t: &mut TableCreateStatement) -> &mut TableCreateStatement {
    t.col(big_integer_null("created_by"))
        .col(ts("created_at"))
        .col(ts("updated_at"))
}

#[async_trait::async_trait]
impl MigrationTrait for M0002Registry {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            audit_cols(
                Table::create()
                    .table("property_company")
                    .col(big_pk_auto("id"))
                    .col(string_len("name", 100))
                    .col(string_len("credit_code", 18).default(""))
                    .col(string_len("contact", 50).default(""))
                    .col(text_null("phone_enc"))
                    .col(string_len("phone_masked", 20).default(""))
                    .col(string_len("address", 200).default(""))
                    .col(big_integer("org_unit_id"))
                    .foreign_key(&mut fk("property_company", "org_unit_id", "org_unit")),
            )
            .to_owned(),
        )
        .await?;
        m.create_index(idx("property_company", &["org_unit_id"])).await?;

        m.create_table(
            audit_cols(
                Table::create()
                    .table("building")
                    .col(big_pk_auto("id"))
                    .col(string_len_uniq("code", 32))
                    .col(string_len("name", 100))
                    .col(string_len("address", 200).default(""))
                    .col(big_integer("grid_id"))
                    .col(double("lon"))
                    .col(double("lat"))
                    .col(text_null("footprint"))
                    .col(integer("floors").default(1))
                    .col(string_len("structure", 20).default(""))
                    .col(string_len("use_type", 20))
                    .col(big_integer_null("property_company_id"))
                    .col(string_len("manager", 50).default(""))
                    .foreign_key(&mut fk("building", "grid_id", "org_unit"))
                    .foreign_key(&mut fk("building", "property_company_id", "property_company")),
            )
            .to_owned(),
        )
        .await?;
        m.create_index(idx("building", &["grid_id"])).await?;

        m.create_table(
            audit_cols(
                Table::create()
                    .table("house")
                    .col(big_pk_auto("id"))
                    .col(big_integer("building_id"))
                    .col(big_integer("grid_id"))
                    .col(string_len("room", 20))
                    .col(double_null("area"))
                    .col(string_len("use_type", 20))
                    .col(big_integer_null("owner_resident_id"))
                    .col(string_len("owner_org", 100).default(""))
                    .col(boolean("is_rental").default(false))
                    .col(string_len("rental_use", 20).default(""))
                    .col(string_len_null("rental_risk_class", 10))
                    .foreign_key(&mut fk("house", "building_id", "building"))
                    .foreign_key(&mut fk("house", "grid_id", "org_unit")),
            )
            .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("uq_house_building_room")
                .table("house")
                .col("building_id")
                .col("room")
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(idx("house", &["grid_id", "is_rental"])).await?;

        m.create_table(
            audit_cols(
                Table::create()
                    .table("resident")
                    .col(big_pk_auto("id"))
                    .col(string_len("name", 50))
                    .col(string_len("id_type", 20))
                    .col(text("id_number_enc"))
                    .col(string_len_uniq("id_number_hash", 64))
                    .col(string_len("id_number_masked", 40))
                    .col(string_len("gender", 8))
                    .col(date_null("birth_date"))
                    .col(string_len("former_name", 50).default(""))
                    .col(string_len("ethnicity", 10).default(""))
                    .col(string_len("registration_type", 20))
                    .col(string_len("native_place_code", 12).default(""))
                    .col(string_len("registered_address_code", 12).default(""))
                    .col(string_len("registered_address", 200).default(""))
                    .col(string_len("current_address", 200).default(""))
                    .col(text_null("phone_enc"))
                    .col(string_len_null("phone_hash", 64))
                    .col(string_len("phone_masked", 20).default(""))
                    .col(string_len("education", 20).default(""))
                    .col(string_len("marital_status", 20).default(""))
                    .col(string_len("political_status", 20).default(""))
                    .col(string_len("occupation", 50).default(""))
                    .col(string_len("employer", 100).default(""))
                    .col(string_len("nationality", 3).default(""))
                    .col(string_len("special_groups", 200).default(""))
                    .col(big_integer("org_unit_id"))
                    .foreign_key(&mut fk("resident", "org_unit_id", "org_unit")),
            )
            .to_owned(),
        )
        .await?;
        // Covers the summary counts and the usual list filters without touching the rows.
        m.create_index(idx(
            "resident",
            &["org_unit_id", "registration_type", "gender", "birth_date"],
        ))
        .await?;
        m.create_index(idx("resident", &["name"])).await?;
        m.create_index(idx("resident", &["birth_date"])).await?;

        m.create_table(
            Table::create()
                .table("residence")
                .col(big_pk_auto("id"))
                .col(big_integer("resident_id"))
                .col(big_integer("house_id"))
                .col(string_len("relation", 20).default(""))
                .col(date("since"))
                .col(date_null("until"))
                .col(big_integer_null("created_by"))
                .col(ts("created_at"))
                .foreign_key(&mut fk("residence", "resident_id", "resident"))
                .foreign_key(&mut fk("residence", "house_id", "house"))
                .to_owned(),
        )
        .await?;
        m.create_index(idx("residence", &["resident_id"])).await?;
        m.create_index(idx("residence", &["house_id"])).await?;

        m.create_table(
            audit_cols(
                Table::create()
                    .table("special_group_record")
                    .col(big_pk_auto("id"))
                    .col(big_integer("resident_id"))
                    .col(string_len("kind", 30))
                    .col(string_len("attention_level", 10).default(""))
                    .col(string_len("youth_type", 30).default(""))
                    .col(text("detail").default(""))
                    .col(date_null("since"))
                    .col(date_null("until"))
                    .foreign_key(&mut fk("special_group_record", "resident_id", "resident")),
            )
            .to_owned(),
        )
        .await?;
        m.create_index(idx("special_group_record", &["resident_id"])).await?;

        for (t, extra) in [("key_place", true), ("key_enterprise", false)] {
            let mut tc = Table::create();
            tc.table(t)
                .col(big_pk_auto("id"))
                .col(string_len("name", 100))
                .col(string_len("address", 200).default(""))
                .col(double_null("lon"))
                .col(double_null("lat"))
                .col(big_integer("org_unit_id"))
                .col(string_len("person_in_charge", 50).default(""))
                .col(text_null("phone_enc"))
                .col(string_len("phone_masked", 20).default(""));
            if extra {
                tc.col(string_len("place_type", 30))
                    .col(string_len("owner", 100).default(""));
            } else {
                tc.col(string_len("credit_code", 18).default(""))
                    .col(string_len("industry", 30))
                    .col(string_len("hazard_class", 10).default(""))
                    .col(integer("staff_count").default(0))
                    .col(string_len("licence_numbers", 200).default(""));
            }
            tc.foreign_key(&mut fk(t, "org_unit_id", "org_unit"));
            m.create_table(audit_cols(&mut tc).to_owned()).await?;
            m.create_index(idx(t, &["org_unit_id"])).await?;
        }

        m.create_table(
            Table::create()
                .table("import_job")
                .col(big_pk_auto("id"))
                .col(string_len("kind", 20))
                .col(string_len("mode", 20))
                .col(string_len("status", 10))
                .col(string_len("file_name", 200).default(""))
                .col(big_integer("total").default(0))
                .col(big_integer("processed").default(0))
                .col(big_integer("accepted").default(0))
                .col(text("rejected").default("[]"))
                .col(text("header").default("[]"))
                .col(text("rejected_rows").default("[]"))
                .col(text_null("error"))
                .col(big_integer_null("created_by"))
                .col(big_integer_null("org_unit_id"))
                .col(ts("created_at"))
                .col(ts_null("finished_at"))
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}

struct M0003Stats;

impl MigrationName for M0003Stats {
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
impl MigrationTrait for M0003Stats {
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

struct M0004Search;

impl MigrationName for M0004Search {
    fn name(&self) -> &str {
        "m0004_search"
    }
}

/// Trigram indexes for free text in Chinese (substrings of three characters or more): FTS5 with
/// the trigram tokenizer on SQLite, pg_trgm GIN indexes on PostgreSQL. Resident names and the
/// buildings' code, name and address are indexed; a resident's address is found through the
/// building they live in (indexing 4 million free-text addresses would cost more than it helps).
#[async_trait::async_trait]
impl MigrationTrait for M0004Search {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let c = m.get_connection();
        match m.get_database_backend() {
            sea_orm::DbBackend::Postgres => {
                // One database, many schemas (tests): create the extension once, in public.
                c.execute_unprepared("SELECT pg_advisory_xact_lock(727011)").await?;
                let have = c
                    .query_one_raw(sea_orm::Statement::from_string(
                        sea_orm::DbBackend::Postgres,
                        "SELECT 1 AS x FROM pg_extension WHERE extname = 'pg_trgm'",
                    ))
                    .await?
                    .is_some();
                if !have {
                    c.execute_unprepared("CREATE EXTENSION pg_trgm SCHEMA public").await?;
                }
                let schema = c
                    .query_one_raw(sea_orm::Statement::from_string(sea_orm::DbBackend::Postgres, "SELECT n.nspname AS s FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'"))
                    .await?
                    .and_then(|r| r.try_get::<String>("", "s").ok())
                    .unwrap_or_else(|| "public".into());
                // Not on building.code: pg_trgm's GIN also answers `=`, and the planner then picked it
                // over the unique b-tree for the imports' `code IN (…)` (18 s a chunk at district scale).
                for (t, col) in [("resident", "name"), ("building", "name"), ("building", "address")] {
                    c.execute_unprepared(&format!(
                        "CREATE INDEX idx_{t}_{col}_trgm ON {t} USING gin ({col} {schema}.gin_trgm_ops)"
                    ))
                    .await?;
                }
            }
            _ => {
                c.execute_unprepared("CREATE VIRTUAL TABLE resident_fts USING fts5(name, content='resident', content_rowid='id', tokenize='trigram')").await?;
                c.execute_unprepared("CREATE TRIGGER resident_fts_insert AFTER INSERT ON resident BEGIN INSERT INTO resident_fts (rowid, name) VALUES (NEW.id, NEW.name); END").await?;
                c.execute_unprepared("CREATE TRIGGER resident_fts_delete AFTER DELETE ON resident BEGIN INSERT INTO resident_fts (resident_fts, rowid, name) VALUES ('delete', OLD.id, OLD.name); END").await?;
                c.execute_unprepared(
                    "CREATE TRIGGER resident_fts_update AFTER UPDATE OF name ON resident BEGIN
                       INSERT INTO resident_fts (resident_fts, rowid, name) VALUES ('delete', OLD.id, OLD.name);
                       INSERT INTO resident_fts (rowid, name) VALUES (NEW.id, NEW.name); END",
                )
                .await?;
                c.execute_unprepared("CREATE VIRTUAL TABLE building_fts USING fts5(code, name, address, content='building', content_rowid='id', tokenize='trigram')").await?;
                c.execute_unprepared("CREATE TRIGGER building_fts_insert AFTER INSERT ON building BEGIN INSERT INTO building_fts (rowid, code, name, address) VALUES (NEW.id, NEW.code, NEW.name, NEW.address); END").await?;
                c.execute_unprepared(
                    "CREATE TRIGGER building_fts_delete AFTER DELETE ON building BEGIN
                       INSERT INTO building_fts (building_fts, rowid, code, name, address) VALUES ('delete', OLD.id, OLD.code, OLD.name, OLD.address); END",
                )
                .await?;
                c.execute_unprepared(
                    "CREATE TRIGGER building_fts_update AFTER UPDATE OF code, name, address ON building BEGIN
                       INSERT INTO building_fts (building_fts, rowid, code, name, address) VALUES ('delete', OLD.id, OLD.code, OLD.name, OLD.address);
                       INSERT INTO building_fts (rowid, code, name, address) VALUES (NEW.id, NEW.code, NEW.name, NEW.address); END",
                )
                .await?;
                c.execute_unprepared("INSERT INTO resident_fts (resident_fts) VALUES ('rebuild')")
                    .await?;
                c.execute_unprepared("INSERT INTO building_fts (building_fts) VALUES ('rebuild')")
                    .await?;
            }
        }
        Ok(())
    }
}
struct M0005Cases;

impl MigrationName for M0005Cases {
    fn name(&self) -> &str {
        "m0005_cases"
    }
}

/// Cases: the taxonomy and the working-day calendar as data (seeded from core), the case rows with
/// their routing and clock, the timeline, assisting departments, notices, photos, overdue alerts,
/// Open311 API keys, and a version counter that triggers bump whenever an org unit or department
/// changes (the in-memory grid index and department table rebuild when it moves, whoever wrote).
#[async_trait::async_trait]
impl MigrationTrait for M0005Cases {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("case_category")
                .col(string_len("code", 8).primary_key())
                .col(string_len("name", 50))
                .col(integer("sort").default(0))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("case_item")
                .col(string_len("code", 8).primary_key())
                .col(string_len("category_code", 8))
                .col(string_len("name", 100))
                .col(string_len("department_seq", 4))
                .col(string_len("severity", 10))
                .col(string_len("accept_limit", 10))
                .col(string_len("dispatch_limit", 10))
                .col(string_len("handle_limit", 10))
                .col(string_len("verify_limit", 10))
                .col(boolean("enabled").default(true))
                .col(integer("sort").default(0))
                .col(ts("updated_at"))
                .foreign_key(
                    &mut ForeignKey::create()
                        .from("case_item", "category_code")
                        .to("case_category", "code")
                        .to_owned(),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("calendar_day")
                .col(date("day").primary_key())
                .col(string_len("kind", 10))
                .col(string_len("note", 50).default(""))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("case_record")
                .col(big_pk_auto("id"))
                .col(string_len_uniq("code", 20))
                .col(string_len("item_code", 8))
                .col(string_len("category_code", 8))
                .col(text("description"))
                .col(string_len("address", 200).default(""))
                .col(string_len_null("building_code", 32))
                .col(double_null("lon"))
                .col(double_null("lat"))
                .col(big_integer("grid_id"))
                .col(big_integer("community_id"))
                .col(big_integer("subdistrict_id"))
                .col(big_integer("owner_unit_id"))
                .col(string_len("level", 16))
                .col(big_integer_null("department_id"))
                .col(string_len("source", 16))
                .col(string_len("state", 16))
                .col(boolean("paused").default(false))
                .col(big_integer("version").default(1))
                .col(string_len_null("step", 16))
                .col(ts_null("step_started_at"))
                .col(ts_null("deadline_at"))
                .col(ts_null("paused_at"))
                .col(integer("supervision_level").default(0))
                .col(integer("rework_count").default(0))
                .col(boolean("late").default(false))
                .col(big_integer_null("merged_into_id"))
                .col(big_integer_null("reporter_user_id"))
                .col(string_len("reporter_name", 100).default(""))
                .col(string_len("reporter_contact", 200).default(""))
                .col(string_len_null("open311_token", 40))
                .col(ts("reported_at"))
                .col(ts_null("dispatched_at"))
                .col(ts_null("closed_at"))
                .col(big_integer_null("created_by"))
                .col(ts("updated_at"))
                .foreign_key(&mut fk("case_record", "grid_id", "org_unit"))
                .foreign_key(&mut fk("case_record", "department_id", "department"))
                .to_owned(),
        )
        .await?;
        // Inboxes, list filters, the duplicate check, the overdue job and the district counts.
        m.create_index(idx("case_record", &["owner_unit_id", "state"])).await?;
        m.create_index(idx("case_record", &["department_id", "state"])).await?;
        m.create_index(idx("case_record", &["grid_id", "state"])).await?;
        m.create_index(idx("case_record", &["community_id", "state"])).await?;
        m.create_index(idx("case_record", &["subdistrict_id", "state"])).await?;
        m.create_index(idx("case_record", &["reporter_user_id", "state"]))
            .await?;
        m.create_index(idx("case_record", &["item_code", "reported_at"]))
            .await?;
        // Covers the overdue counts (and leads the overdue job to its rows).
        m.create_index(idx("case_record", &["state", "deadline_at", "paused", "department_id"]))
            .await?;
        m.create_index(idx("case_record", &["reported_at"])).await?;
        m.create_index(idx("case_record", &["open311_token"])).await?;
        // Covers the counts by state, item and department without touching the rows.
        m.create_index(idx(
            "case_record",
            &["state", "department_id", "item_code", "late", "rework_count"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("case_event")
                .col(big_pk_auto("id"))
                .col(big_integer("case_id"))
                .col(string_len("action", 20))
                .col(string_len_null("from_state", 16))
                .col(string_len("to_state", 16))
                .col(big_integer_null("actor_user_id"))
                .col(string_len("actor_name", 100).default(""))
                .col(big_integer_null("unit_id"))
                .col(string_len("unit_name", 100).default(""))
                .col(big_integer_null("department_id"))
                .col(string_len("department_name", 100).default(""))
                .col(text("note").default(""))
                .col(ts("at"))
                .foreign_key(&mut fk("case_event", "case_id", "case_record"))
                .to_owned(),
        )
        .await?;
        m.create_index(idx("case_event", &["case_id"])).await?;

        m.create_table(
            Table::create()
                .table("case_assist")
                .col(big_integer("case_id"))
                .col(big_integer("department_id"))
                .primary_key(Index::create().col("case_id").col("department_id"))
                .foreign_key(&mut fk("case_assist", "case_id", "case_record"))
                .foreign_key(&mut fk("case_assist", "department_id", "department"))
                .to_owned(),
        )
        .await?;
        m.create_index(idx("case_assist", &["department_id"])).await?;

        m.create_table(
            Table::create()
                .table("case_notice")
                .col(big_pk_auto("id"))
                .col(big_integer("case_id"))
                .col(string_len("kind", 20))
                .col(string_len("serial", 40))
                .col(big_integer_null("issuing_unit_id"))
                .col(string_len("issuing_unit_name", 100).default(""))
                .col(big_integer_null("department_id"))
                .col(string_len("department_name", 100).default(""))
                .col(ts_null("original_deadline"))
                .col(ts_null("new_deadline"))
                .col(big_integer("overdue_seconds").default(0))
                .col(text("note").default(""))
                .col(big_integer_null("issued_by"))
                .col(ts("issued_at"))
                .foreign_key(&mut fk("case_notice", "case_id", "case_record"))
                .to_owned(),
        )
        .await?;
        m.create_index(idx("case_notice", &["case_id"])).await?;
        m.create_index(idx("case_notice", &["issuing_unit_id", "issued_at"]))
            .await?;

        m.create_table(
            Table::create()
                .table("case_photo")
                .col(big_pk_auto("id"))
                .col(big_integer("case_id"))
                .col(string_len("stage", 10))
                .col(string_len("content_type", 40))
                .col(big_integer("size"))
                .col(string_len("object_key", 200))
                .col(string_len_null("thumb_key", 200))
                .col(big_integer_null("uploaded_by"))
                .col(ts("uploaded_at"))
                .foreign_key(&mut fk("case_photo", "case_id", "case_record"))
                .to_owned(),
        )
        .await?;
        m.create_index(idx("case_photo", &["case_id"])).await?;

        m.create_table(
            Table::create()
                .table("case_alert")
                .col(big_pk_auto("id"))
                .col(big_integer("case_id"))
                .col(string_len("step", 16))
                .col(ts("deadline_at"))
                .col(ts("raised_at"))
                .foreign_key(&mut fk("case_alert", "case_id", "case_record"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("uq_case_alert_case_step")
                .table("case_alert")
                .col("case_id")
                .col("step")
                .unique()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("api_key")
                .col(big_pk_auto("id"))
                .col(string_len("name", 100))
                .col(string_len_uniq("key_hash", 64))
                .col(string_len("prefix", 16))
                .col(big_integer_null("created_by"))
                .col(ts("created_at"))
                .col(ts_null("last_used_at"))
                .col(ts_null("revoked_at"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("org_version")
                .col(integer("id").primary_key())
                .col(big_integer("version").default(0))
                .to_owned(),
        )
        .await?;
        let c = m.get_connection();
        c.execute_unprepared("INSERT INTO org_version (id, version) VALUES (1, 0)")
            .await?;
        match m.get_database_backend() {
            sea_orm::DbBackend::Postgres => {
                c.execute_unprepared(
                    "CREATE FUNCTION org_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
                       UPDATE org_version SET version = version + 1 WHERE id = 1; RETURN NULL; END $$",
                )
                .await?;
                for t in ["org_unit", "department"] {
                    c.execute_unprepared(&format!("CREATE TRIGGER {t}_version AFTER INSERT OR UPDATE OR DELETE ON {t} FOR EACH STATEMENT EXECUTE FUNCTION org_version_bump()")).await?;
                }
            }
            _ => {
                for t in ["org_unit", "department"] {
                    for op in ["INSERT", "UPDATE", "DELETE"] {
                        c.execute_unprepared(&format!(
                            "CREATE TRIGGER {t}_version_{} AFTER {op} ON {t} BEGIN UPDATE org_version SET version = version + 1 WHERE id = 1; END",
                            op.to_lowercase()
                        ))
                        .await?;
                    }
                }
            }
        }

        seed_cases(m).await
    }
}

struct M0006Map;

impl MigrationName for M0006Map {
    fn name(&self) -> &str {
        "m0006_map"
    }
}

/// The map office: the record of each re-assignment of buildings to grids, and an index that
/// lets the map read only the cases changed since its last look.
#[async_trait::async_trait]
impl MigrationTrait for M0006Map {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("regrid_run")
                .col(big_pk_auto("id"))
                .col(string_len("status", 16))
                .col(big_integer_null("trigger_unit_id"))
                .col(big_integer("checked").default(0))
                .col(big_integer("moved").default(0))
                .col(big_integer("outside").default(0))
                .col(big_integer("houses_moved").default(0))
                .col(big_integer("residents_moved").default(0))
                .col(text("moves").default(""))
                .col(text_null("error"))
                .col(big_integer_null("created_by"))
                .col(ts("started_at"))
                .col(ts_null("finished_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(idx("case_record", &["updated_at"])).await
    }
}

struct M0007CaseTurn;

impl MigrationName for M0007CaseTurn {
    fn name(&self) -> &str {
        "m0007_case_turn"
    }
}

/// PostgreSQL: a report's turn in one round trip. It takes the audit chain's advisory lock (key
/// 727001, as `audit::lock_chain`), which also orders case codes, and then reads the day's last
/// code and the chain's last row. The reads are commands of a volatile function, so each takes a
/// snapshot after the lock is granted and sees what the previous holder committed (a single
/// statement would read with the snapshot it took before waiting).
#[async_trait::async_trait]
impl MigrationTrait for M0007CaseTurn {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() == sea_orm::DbBackend::Postgres {
            m.get_connection()
                .execute_unprepared(
                    "CREATE FUNCTION zg_case_turn(code_from text, code_to text, OUT code text, OUT audit_id bigint, OUT audit_hash text)
                     LANGUAGE plpgsql VOLATILE AS $$ BEGIN
                       PERFORM pg_advisory_xact_lock(727001);
                       SELECT c.code INTO code FROM case_record c WHERE c.code >= code_from AND c.code < code_to ORDER BY c.code DESC LIMIT 1;
                       SELECT a.id, a.hash INTO audit_id, audit_hash FROM audit_log a ORDER BY a.id DESC LIMIT 1;
                     END $$",
                )
                .await?;
        }
        Ok(())
    }
}

struct M0008ImportSpeed;

impl MigrationName for M0008ImportSpeed {
    fn name(&self) -> &str {
        "m0008_import_speed"
    }
}

/// Drops the single-column index on residents' birth dates. Birth dates come in no order, so
/// each new resident dirtied one more page of it at random: at district scale the index cost
/// about a quarter of an import's time (12.0k → 16.7k rows/s without it). Age filters and the
/// summary use the (unit, type, gender, birth date) index; a district-wide sort by birth date
/// scans the table instead (under a second on 3.8 M residents).
#[async_trait::async_trait]
impl MigrationTrait for M0008ImportSpeed {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.get_connection()
            .execute_unprepared("DROP INDEX IF EXISTS idx_resident_birth_date")
            .await?;
        Ok(())
    }
}

struct M0009NameByUnit;

impl MigrationName for M0009NameByUnit {
    fn name(&self) -> &str {
        "m0009_name_by_unit"
    }
}

/// Residents' names are indexed under their unit, not district-wide. Names come in no order, so
/// each imported resident dirtied a page of the district-wide index at random (about 11,000 of
/// the 35,000 pages a 20,000-row import wrote); under the unit they fall where the file's
/// grids are. A grid's list sorted by name reads this index; a community sorts its few tens of
/// thousands; a district-wide sort by name takes about a second on 3.8 M residents. A name
/// search of one or two characters counts through this index as through the old one.
#[async_trait::async_trait]
impl MigrationTrait for M0009NameByUnit {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.get_connection()
            .execute_unprepared("DROP INDEX IF EXISTS idx_resident_name")
            .await?;
        m.create_index(idx("resident", &["org_unit_id", "name"])).await?;
        Ok(())
    }
}

struct M0010IdKey;

impl MigrationName for M0010IdKey {
    fn name(&self) -> &str {
        "m0010_id_key"
    }
}

/// The unique key of residents' identity numbers becomes 16 bytes of the keyed hash (128 bits)
/// instead of its 64 hex characters. Every new resident writes one page of this index at random;
/// at a third of the size the index has a third of the pages, so an import of 20,000 writes
/// about 14,000 of them instead of 17,600, and each comparison reads 16 bytes, not 64. The first
/// half of the hex hash is the same value, so existing rows convert in place. On SQLite the
/// column keeps its declared text type and holds the bytes as a blob (SQLite converts no blob).
#[async_trait::async_trait]
impl MigrationTrait for M0010IdKey {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let c = m.get_connection();
        match c.get_database_backend() {
            sea_orm::DbBackend::Postgres => {
                c.execute_unprepared("ALTER TABLE resident ALTER COLUMN id_number_hash TYPE bytea USING decode(substr(id_number_hash, 1, 32), 'hex')").await?;
            }
            _ => {
                c.execute_unprepared("UPDATE resident SET id_number_hash = unhex(substr(id_number_hash, 1, 32)) WHERE typeof(id_number_hash) = 'text'").await?;
            }
        }
        Ok(())
    }
}

/// The seeded taxonomy and the 2026 calendar, as plain inserts (both backends, one statement each).
async fn seed_cases(m: &SchemaManager<'_>) -> Result<(), DbErr> {
    use zongguan_core::case_taxonomy::CATEGORIES;
    let now = chrono::Utc::now();
    let mut cats = Query::insert();
    cats.into_table("case_category").columns(["code", "name", "sort"]);
    for (i, c) in CATEGORIES.iter().enumerate() {
        cats.values_panic([c.code.into(), c.name.into(), (i as i32).into()]);
    }
    m.exec_stmt(cats).await?;
    let mut items = Query::insert();
    items.into_table("case_item").columns([
        "code",
        "category_code",
        "name",
        "department_seq",
        "severity",
        "accept_limit",
        "dispatch_limit",
        "handle_limit",
        "verify_limit",
        "enabled",
        "sort",
        "updated_at",
    ]);
    for c in CATEGORIES {
        for (i, it) in c.items.iter().enumerate() {
            items.values_panic([
                it.code.into(),
                c.code.into(),
                it.name.into(),
                it.department.into(),
                it.severity.into(),
                it.accept.into(),
                it.dispatch.into(),
                it.handle.into(),
                it.verify.into(),
                true.into(),
                (i as i32).into(),
                now.into(),
            ]);
        }
    }
    m.exec_stmt(items).await?;
    let cal = zongguan_core::calendar::WorkCalendar::china_2026();
    let mut days = Query::insert();
    days.into_table("calendar_day").columns(["day", "kind"]);
    for d in cal.holidays() {
        days.values_panic([d.into(), "holiday".into()]);
    }
    for d in cal.workdays() {
        days.values_panic([d.into(), "workday".into()]);
    }
    m.exec_stmt(days).await
}
