//! Migration 19: disputes (矛盾纠纷) with their parties and timeline, and the screening rounds
//! (排查) units report; the step limits and the screening cadences as settings.
use sea_orm_migration::{prelude::*, schema::*};
use zongguan_core::governance::dispute_flow::DisputeLimits;
use zongguan_core::governance::screening::ScreeningSettings;

use super::{fk, idx, ts, ts_null};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0019_governance_disputes"
    }
}

/// The setting keys this migration seeds.
pub(crate) const LIMITS: &str = "dispute.limits";
pub(crate) const SCREENING: &str = "dispute.screening";

/// - `dispute`: one matter, with everything the intake register prints (number, time, channel,
///   people involved, type, content and demand, place, unit assigned and when, deadline, result,
///   return visit and satisfaction, handler). Placed by `org_unit_id` (the grid of its point, or the
///   unit picked) with its subdistrict and community set in Rust from that unit; `step_deadline`
///   is the running step's, `deadline` the one the assignment wrote. `(year, serial)` is unique.
/// - `dispute_party`: a resident of the registry (`resident_id`, nothing retyped) or an
///   organisation by name and credit code.
/// - `dispute_event`: the timeline; a mediation session is an event with its date, participants
///   and content.
/// - `dispute_screening`: a unit's round for a period (`2026-10-h1`, `2026-10`), the disputes
///   found by type (JSON), or an explicit zero report; one per unit and period.
#[async_trait::async_trait]
#[expect(
    elided_lifetimes_in_paths,
    reason = "MigrationTrait (async_trait) declares `up(&self, &SchemaManager)`; naming the lifetime breaks the match"
)]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("dispute_screening")
                .col(big_pk_auto("id"))
                .col(big_integer("org_unit_id"))
                .col(big_integer_null("subdistrict_id"))
                .col(big_integer_null("community_id"))
                .col(string_len("period", 10))
                .col(string_len("cadence", 12))
                .col(date("period_start"))
                .col(date("period_end"))
                .col(text("by_type"))
                .col(integer("found").default(0))
                .col(boolean("zero_report").default(false))
                .col(text("note").default(""))
                .col(big_integer_null("reported_by"))
                .col(string_len("reporter_name", 100).default(""))
                .col(ts("reported_at"))
                .foreign_key(&mut fk("dispute_screening", "org_unit_id", "org_unit"))
                .to_owned(),
        )
        .await?;
        m.create_index(idx("dispute_screening", &["org_unit_id", "period"]).unique().to_owned())
            .await?;
        for key in ["subdistrict_id", "community_id"] {
            m.create_index(idx("dispute_screening", &[key, "id"])).await?;
        }
        m.create_table(
            Table::create()
                .table("dispute")
                .col(big_pk_auto("id"))
                .col(integer("year"))
                .col(big_integer("serial"))
                .col(string_len_uniq("number", 20))
                .col(ts("registered_at"))
                .col(string_len("source", 20))
                .col(string_len("channel", 20))
                .col(string_len("dispute_type", 30))
                .col(integer("people_involved").default(0))
                .col(string_len("size_band", 10))
                .col(boolean("major").default(false))
                .col(string_len("risk_level", 10))
                .col(text("summary"))
                .col(text("demand").default(""))
                .col(string_len("address", 200).default(""))
                .col(double_null("lon"))
                .col(double_null("lat"))
                .col(big_integer("org_unit_id"))
                .col(big_integer_null("subdistrict_id"))
                .col(big_integer_null("community_id"))
                .col(big_integer_null("screening_id"))
                .col(string_len("state", 20))
                .col(boolean("return_visited").default(false))
                .col(ts_null("step_deadline"))
                .col(ts_null("step_started_at"))
                .col(big_integer_null("assigned_unit_id"))
                .col(big_integer_null("mediator_id"))
                .col(string_len("mediator_name", 100).default(""))
                .col(ts_null("assigned_at"))
                .col(ts_null("deadline"))
                .col(integer("supervisions").default(0))
                .col(text("agreement_text").default(""))
                .col(boolean_null("agreement_signed"))
                .col(string_len_null("referral", 20))
                .col(text("result").default(""))
                .col(ts_null("ended_at"))
                .col(string_len_null("satisfaction", 20))
                .col(ts_null("visited_at"))
                .col(text("visit_note").default(""))
                .col(ts_null("closed_at"))
                .col(big_integer_null("created_by"))
                .col(string_len("handler_name", 100).default(""))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .foreign_key(&mut fk("dispute", "org_unit_id", "org_unit"))
                .to_owned(),
        )
        .await?;
        m.create_index(idx("dispute", &["year", "serial"]).unique().to_owned())
            .await?;
        for key in ["subdistrict_id", "community_id", "org_unit_id"] {
            m.create_index(idx("dispute", &[key, "id"])).await?;
        }
        m.create_index(idx("dispute", &["registered_at"])).await?;
        m.create_index(idx("dispute", &["state", "step_deadline"])).await?;
        m.create_table(
            Table::create()
                .table("dispute_party")
                .col(big_pk_auto("id"))
                .col(big_integer("dispute_id"))
                .col(integer("sort").default(0))
                .col(string_len("role", 20))
                .col(string_len("kind", 20))
                .col(big_integer_null("resident_id"))
                .col(string_len("org_name", 200).default(""))
                .col(string_len("credit_code", 18).default(""))
                .foreign_key(&mut fk("dispute_party", "dispute_id", "dispute"))
                .foreign_key(&mut fk("dispute_party", "resident_id", "resident"))
                .to_owned(),
        )
        .await?;
        m.create_index(idx("dispute_party", &["dispute_id"])).await?;
        m.create_index(idx("dispute_party", &["resident_id"])).await?;
        m.create_table(
            Table::create()
                .table("dispute_event")
                .col(big_pk_auto("id"))
                .col(big_integer("dispute_id"))
                .col(string_len("action", 30))
                .col(string_len_null("from_state", 20))
                .col(string_len("to_state", 20))
                .col(ts("at"))
                .col(big_integer_null("actor_id"))
                .col(string_len("actor_name", 100).default(""))
                .col(text("note").default(""))
                .col(ts_null("deadline"))
                .col(date_null("session_on"))
                .col(text("participants").default(""))
                .foreign_key(&mut fk("dispute_event", "dispute_id", "dispute"))
                .to_owned(),
        )
        .await?;
        m.create_index(idx("dispute_event", &["dispute_id", "id"])).await?;
        let json = |v: serde_json::Result<String>| v.map_err(|e| DbErr::Custom(e.to_string()));
        let limits = json(serde_json::to_string(&DisputeLimits::default()))?;
        let screening = json(serde_json::to_string(&ScreeningSettings::default()))?;
        let mut ins = Query::insert();
        ins.into_table("setting").columns(["key", "value", "updated_at"]);
        for (k, v) in [(LIMITS, limits), (SCREENING, screening)] {
            ins.values_panic([k.into(), v.into(), chrono::Utc::now().into()]);
        }
        m.exec_stmt(ins).await?;
        Ok(())
    }
}
