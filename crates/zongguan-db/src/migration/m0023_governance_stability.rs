//! Migration 23: stability incidents (维稳事件) with their parties, upward reports and follow-ups;
//! special-group follow-up visits (重点人员走访); community watch teams (群防群治) with members,
//! duty rosters and duty logs.
use sea_orm_migration::{prelude::*, schema::*};

use super::{fk, idx, ts, ts_null};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0023_governance_stability"
    }
}

/// The setting keys read by the stability slice (absent: the defaults of `stability.rs`).
pub(crate) const INCIDENT_SETTINGS: &str = "stability.incidents";
pub(crate) const VISIT_SCHEDULE: &str = "stability.visit_schedule";

fn placed(t: &mut TableCreateStatement) -> &mut TableCreateStatement {
    t.col(big_integer("org_unit_id"))
        .col(big_integer_null("subdistrict_id"))
        .col(big_integer_null("community_id"))
        .col(big_integer_null("created_by"))
}

/// - `stability_incident`: placed by the unit where it happened; `at_level` is the level holding
///   it now, `report_due_at` the moment its report to the next level is owed (none at the top).
/// - `stability_incident_party`: parties, residents of the registry (keyed ID hash beside).
/// - `stability_incident_report`: each report up, with its due moment and whether it was on time.
/// - `stability_incident_follow_up`: follow-up records.
/// - `special_group_visit`: a visit to a resident of a special group, placed like the resident.
/// - `watch_team`, `watch_team_member`, `watch_roster`, `watch_log`.
#[async_trait::async_trait]
#[expect(
    elided_lifetimes_in_paths,
    reason = "MigrationTrait (async_trait) declares `up(&self, &SchemaManager)`; naming the lifetime breaks the match"
)]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let mut t = Table::create();
        t.table("stability_incident")
            .col(big_pk_auto("id"))
            .col(string_len("kind", 30))
            .col(string_len("level", 20))
            .col(integer("headcount").default(1))
            .col(string_len("title", 200))
            .col(text("description").default(""))
            .col(string_len("address", 200).default(""))
            .col(double_null("lng"))
            .col(double_null("lat"))
            .col(ts("occurred_at"))
            .col(ts("learned_at"))
            .col(string_len("state", 20))
            .col(string_len("at_level", 20))
            .col(ts_null("report_due_at"))
            .col(ts_null("closed_at"))
            .col(text("closing_note").default(""))
            .col(boolean("district_told").default(false));
        placed(&mut t)
            .col(ts("created_at"))
            .col(ts("updated_at"))
            .foreign_key(&mut fk("stability_incident", "org_unit_id", "org_unit"));
        m.create_table(t.to_owned()).await?;
        for key in ["community_id", "subdistrict_id", "org_unit_id"] {
            m.create_index(idx("stability_incident", &[key, "id"])).await?;
        }
        m.create_index(idx("stability_incident", &["state", "report_due_at"]))
            .await?;
        m.create_table(
            Table::create()
                .table("stability_incident_party")
                .col(big_pk_auto("id"))
                .col(big_integer("incident_id"))
                .col(big_integer("resident_id"))
                .col(binary("id_number_hash"))
                .col(integer("sort").default(0))
                .foreign_key(&mut fk("stability_incident_party", "incident_id", "stability_incident"))
                .foreign_key(&mut fk("stability_incident_party", "resident_id", "resident"))
                .to_owned(),
        )
        .await?;
        m.create_index(idx("stability_incident_party", &["incident_id"]))
            .await?;
        m.create_index(idx("stability_incident_party", &["resident_id"]))
            .await?;
        m.create_table(
            Table::create()
                .table("stability_incident_report")
                .col(big_pk_auto("id"))
                .col(big_integer("incident_id"))
                .col(string_len("from_level", 20))
                .col(string_len("to_level", 20))
                .col(big_integer_null("to_unit_id"))
                .col(ts("due_at"))
                .col(ts("reported_at"))
                .col(boolean("on_time"))
                .col(big_integer_null("actor_id"))
                .col(string_len("actor_name", 100).default(""))
                .col(text("note").default(""))
                .foreign_key(&mut fk(
                    "stability_incident_report",
                    "incident_id",
                    "stability_incident",
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(idx("stability_incident_report", &["incident_id", "id"]))
            .await?;
        m.create_table(
            Table::create()
                .table("stability_incident_follow_up")
                .col(big_pk_auto("id"))
                .col(big_integer("incident_id"))
                .col(text("content"))
                .col(big_integer_null("actor_id"))
                .col(string_len("actor_name", 100).default(""))
                .col(ts("created_at"))
                .foreign_key(&mut fk(
                    "stability_incident_follow_up",
                    "incident_id",
                    "stability_incident",
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(idx("stability_incident_follow_up", &["incident_id", "id"]))
            .await?;
        let mut t = Table::create();
        t.table("special_group_visit")
            .col(big_pk_auto("id"))
            .col(big_integer("resident_id"))
            .col(big_integer("record_id"))
            .col(string_len("group_kind", 30))
            .col(date("visited_on"))
            .col(string_len("form", 20))
            .col(string_len("visitor_name", 100))
            .col(big_integer_null("visitor_id"))
            .col(text("situation"))
            .col(string_len("level_before", 20))
            .col(string_len_null("level_after", 20));
        placed(&mut t)
            .col(ts("created_at"))
            .foreign_key(&mut fk("special_group_visit", "resident_id", "resident"))
            .foreign_key(&mut fk("special_group_visit", "record_id", "special_group_record"));
        m.create_table(t.to_owned()).await?;
        m.create_index(idx("special_group_visit", &["record_id", "visited_on"]))
            .await?;
        m.create_index(idx("special_group_visit", &["resident_id", "id"]))
            .await?;
        for key in ["community_id", "subdistrict_id", "org_unit_id"] {
            m.create_index(idx("special_group_visit", &[key, "id"])).await?;
        }
        let mut t = Table::create();
        t.table("watch_team")
            .col(big_pk_auto("id"))
            .col(string_len("name", 100))
            .col(string_len("kind", 30))
            .col(string_len("leader_name", 100).default(""))
            .col(text("note").default(""));
        placed(&mut t)
            .col(ts("created_at"))
            .col(ts("updated_at"))
            .foreign_key(&mut fk("watch_team", "org_unit_id", "org_unit"));
        m.create_table(t.to_owned()).await?;
        for key in ["community_id", "subdistrict_id", "org_unit_id"] {
            m.create_index(idx("watch_team", &[key, "id"])).await?;
        }
        m.create_table(
            Table::create()
                .table("watch_team_member")
                .col(big_pk_auto("id"))
                .col(big_integer("team_id"))
                .col(big_integer_null("staff_id"))
                .col(big_integer_null("resident_id"))
                .col(string_len("duty", 50).default(""))
                .col(ts("created_at"))
                .foreign_key(&mut fk("watch_team_member", "team_id", "watch_team"))
                .to_owned(),
        )
        .await?;
        m.create_index(idx("watch_team_member", &["team_id"])).await?;
        m.create_table(
            Table::create()
                .table("watch_roster")
                .col(big_pk_auto("id"))
                .col(big_integer("team_id"))
                .col(date("on_day"))
                .col(string_len("shift", 20))
                .col(text("member_ids").default(""))
                .col(text("note").default(""))
                .col(ts("created_at"))
                .foreign_key(&mut fk("watch_roster", "team_id", "watch_team"))
                .to_owned(),
        )
        .await?;
        m.create_index(idx("watch_roster", &["team_id", "on_day"])).await?;
        m.create_table(
            Table::create()
                .table("watch_log")
                .col(big_pk_auto("id"))
                .col(big_integer("team_id"))
                .col(date("on_day"))
                .col(string_len("shift", 20))
                .col(text("content"))
                .col(big_integer_null("actor_id"))
                .col(string_len("actor_name", 100).default(""))
                .col(ts("created_at"))
                .foreign_key(&mut fk("watch_log", "team_id", "watch_team"))
                .to_owned(),
        )
        .await?;
        m.create_index(idx("watch_log", &["team_id", "on_day"])).await?;
        Ok(())
    }
}
