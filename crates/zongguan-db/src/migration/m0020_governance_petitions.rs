//! Migration 20: petitions (信访) — the petition with its clocks, its petitioners from the registry,
//! its timeline, the yearly serial counter and the statutory limits as a setting.
use sea_orm_migration::{prelude::*, schema::*};
use zongguan_core::governance::petition_clock::PetitionLimits;

use super::{fk, idx, ts};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0020_governance_petitions"
    }
}

/// The setting key this migration seeds.
pub(crate) const LIMITS: &str = "petition.limits";

/// - `petition`: one matter as received, with every column the intake register reads; placed in
///   the org tree by the unit responsible (`org_unit_id` and its subdistrict and community, set in
///   Rust from `org_unit`); `term`/`due_on` are the running clock, each step's dates kept beside.
/// - `petition_party`: the petitioners, residents of the registry; `id_number_hash` is the
///   resident's keyed hash, so a repeat petitioner is recognised by ID number.
/// - `petition_event`: the timeline, one row per step.
/// - `petition_serial`: the last number given per year (`XF2026-000123`).
#[async_trait::async_trait]
#[expect(
    elided_lifetimes_in_paths,
    reason = "MigrationTrait (async_trait) declares `up(&self, &SchemaManager)`; naming the lifetime breaks the match"
)]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("petition")
                .col(big_pk_auto("id"))
                .col(string_len_uniq("number", 20))
                .col(string_len("channel", 30))
                .col(date("received_on"))
                .col(string_len("category", 30))
                .col(text("matter"))
                .col(text("demand").default(""))
                .col(string_len("place", 200).default(""))
                .col(integer("headcount").default(1))
                .col(big_integer("org_unit_id"))
                .col(big_integer_null("subdistrict_id"))
                .col(big_integer_null("community_id"))
                .col(boolean("first_visit").default(true))
                .col(big_integer_null("repeat_of_id"))
                .col(boolean("repeated").default(false))
                .col(string_len("state", 30))
                .col(string_len_null("term", 30))
                .col(date_null("due_on"))
                .col(date("acceptance_due_on"))
                .col(date_null("accepted_on"))
                .col(date_null("assigned_on"))
                .col(date_null("rejected_on"))
                .col(text("reject_reason").default(""))
                .col(date_null("handling_due_on"))
                .col(integer("extensions").default(0))
                .col(integer("extension_days").default(0))
                .col(text("extension_reason").default(""))
                .col(big_integer_null("extension_approved_by"))
                .col(date_null("answered_on"))
                .col(boolean_null("answered_on_time"))
                .col(text("answer").default(""))
                .col(big_integer_null("handler_id"))
                .col(string_len("handler_name", 100).default(""))
                .col(date_null("review_requested_on"))
                .col(date_null("reviewed_on"))
                .col(text("review_answer").default(""))
                .col(date_null("re_review_requested_on"))
                .col(date_null("re_reviewed_on"))
                .col(text("re_review_answer").default(""))
                .col(date_null("return_visit_on"))
                .col(string_len_null("satisfaction", 20))
                .col(text("feedback").default(""))
                .col(date_null("closed_on"))
                .col(big_integer_null("created_by"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .foreign_key(&mut fk("petition", "org_unit_id", "org_unit"))
                .to_owned(),
        )
        .await?;
        for key in ["community_id", "subdistrict_id", "org_unit_id"] {
            m.create_index(idx("petition", &[key, "id"])).await?;
        }
        m.create_index(idx("petition", &["received_on"])).await?;
        m.create_index(idx("petition", &["state", "due_on"])).await?;
        m.create_table(
            Table::create()
                .table("petition_party")
                .col(big_pk_auto("id"))
                .col(big_integer("petition_id"))
                .col(big_integer("resident_id"))
                .col(binary("id_number_hash"))
                .col(integer("sort").default(0))
                .foreign_key(&mut fk("petition_party", "petition_id", "petition"))
                .foreign_key(&mut fk("petition_party", "resident_id", "resident"))
                .to_owned(),
        )
        .await?;
        m.create_index(idx("petition_party", &["petition_id"])).await?;
        m.create_index(idx("petition_party", &["id_number_hash", "petition_id"]))
            .await?;
        m.create_table(
            Table::create()
                .table("petition_event")
                .col(big_pk_auto("id"))
                .col(big_integer("petition_id"))
                .col(string_len("action", 30))
                .col(date("on_day"))
                .col(big_integer_null("actor_id"))
                .col(string_len("actor_name", 100).default(""))
                .col(text("detail").default(""))
                .col(ts("created_at"))
                .foreign_key(&mut fk("petition_event", "petition_id", "petition"))
                .to_owned(),
        )
        .await?;
        m.create_index(idx("petition_event", &["petition_id", "id"])).await?;
        m.create_table(
            Table::create()
                .table("petition_serial")
                .col(integer("year").primary_key())
                .col(integer("last").default(0))
                .to_owned(),
        )
        .await?;
        let limits = serde_json::to_string(&PetitionLimits::default()).map_err(|e| DbErr::Custom(e.to_string()))?;
        let mut ins = Query::insert();
        ins.into_table("setting").columns(["key", "value", "updated_at"]);
        ins.values_panic([LIMITS.into(), limits.into(), chrono::Utc::now().into()]);
        m.exec_stmt(ins).await?;
        Ok(())
    }
}
