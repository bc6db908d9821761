//! Migration 5: cases, with their taxonomy, calendar, timeline, notices, photos, alerts and API keys.
use sea_orm_migration::{prelude::*, schema::*};

use super::{fk, idx, ts, ts_null};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0005_cases"
    }
}

/// Cases: the taxonomy and the working-day calendar as data (seeded from core), the case rows with
/// their routing and clock, the timeline, assisting departments, notices, photos, overdue alerts,
/// Open311 API keys, and a version counter that triggers bump whenever an org unit or department
/// changes (the in-memory grid index and department table rebuild when it moves, whoever wrote).
#[async_trait::async_trait]
#[expect(
    elided_lifetimes_in_paths,
    reason = "MigrationTrait (async_trait) declares `up(&self, &SchemaManager)`; naming the lifetime breaks the match"
)]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        case_category(m).await?;
        case_record(m).await?;
        case_assist(m).await?;
        org_version(m).await?;
        triggers(m).await?;
        seed_cases(m).await
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

/// `case_category`, `case_item`, `calendar_day`
async fn case_category(m: &SchemaManager<'_>) -> Result<(), DbErr> {
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
    Ok(())
}

/// `case_record`, `case_event`
async fn case_record(m: &SchemaManager<'_>) -> Result<(), DbErr> {
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
    Ok(())
}

/// `case_assist`, `case_notice`, `case_photo`, `case_alert`, `case_alert`, `api_key`
async fn case_assist(m: &SchemaManager<'_>) -> Result<(), DbErr> {
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
    Ok(())
}

/// `org_version`
async fn org_version(m: &SchemaManager<'_>) -> Result<(), DbErr> {
    m.create_table(
        Table::create()
            .table("org_version")
            .col(integer("id").primary_key())
            .col(big_integer("version").default(0))
            .to_owned(),
    )
    .await?;
    Ok(())
}

/// What the tables above need beside them.
async fn triggers(m: &SchemaManager<'_>) -> Result<(), DbErr> {
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
    Ok(())
}
