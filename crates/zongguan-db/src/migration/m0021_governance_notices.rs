//! Migration 21: notices (交办 / 督办 / 销案通知书, petition letters) as issued — one row per
//! document with its serial, the subject it concerns and where its archived file lies — and the
//! counters their numbers are taken from. Templates and unit prefixes are `setting` rows. And
//! the indexes the month's registers read by.
use sea_orm_migration::{prelude::*, schema::*};

use super::{idx, ts, ts_null};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0021_governance_notices"
    }
}

/// - `notice_counter`: the last number issued per issuing unit, kind and year; the issue takes it
///   with one upsert in the transaction that stores the notice, so a failed issue gives it back.
/// - `notice`: the serial is unique; the subject's placed keys (grid or unit, community,
///   subdistrict) are copied when issued, so a notice list is one range like every org-scoped
///   list. The file is encrypted at rest (it names the parties); `file_sha256` is of the document
///   as issued.
#[async_trait::async_trait]
#[expect(
    elided_lifetimes_in_paths,
    reason = "MigrationTrait (async_trait) declares `up(&self, &SchemaManager)`; naming the lifetime breaks the match"
)]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("notice_counter")
                .col(big_integer("issuing_unit_id"))
                .col(string_len("kind", 40))
                .col(integer("year"))
                .col(integer("last_number"))
                .primary_key(Index::create().col("issuing_unit_id").col("kind").col("year"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("notice")
                .col(big_pk_auto("id"))
                .col(string_len("kind", 40))
                .col(string_len_uniq("serial", 80))
                .col(integer("year"))
                .col(integer("number"))
                .col(big_integer("issuing_unit_id"))
                .col(string_len("issuing_unit_name", 100))
                .col(string_len("subject_kind", 20))
                .col(big_integer("subject_id"))
                .col(string_len("subject_number", 40).default(""))
                .col(string_len("addressee", 200).default(""))
                .col(big_integer("unit_id"))
                .col(big_integer_null("subdistrict_id"))
                .col(big_integer_null("community_id"))
                .col(date_null("deadline"))
                .col(string_len("file_key", 200))
                .col(string_len("file_sha256", 64))
                .col(big_integer("file_size"))
                .col(big_integer_null("issued_by"))
                .col(string_len("issued_by_name", 100).default(""))
                .col(ts("issued_at"))
                .col(ts_null("voided_at"))
                .col(big_integer_null("voided_by"))
                .col(string_len("void_reason", 500).default(""))
                .col(ts_null("returned_at"))
                .col(string_len("return_receiver", 100).default(""))
                .col(text("return_result").default(""))
                .to_owned(),
        )
        .await?;
        m.create_index(idx("notice", &["subject_kind", "subject_id"])).await?;
        m.create_index(idx("notice", &["issuing_unit_id", "kind", "year", "number"]))
            .await?;
        for key in ["community_id", "subdistrict_id", "unit_id"] {
            m.create_index(idx("notice", &[key, "id"])).await?;
        }
        // The registers of a month: cases by report time and inspections by visit day, under
        // each placed key.
        for key in ["community_id", "subdistrict_id"] {
            m.create_index(idx("case_record", &[key, "reported_at"])).await?;
        }
        for key in ["community_id", "subdistrict_id", "grid_id"] {
            m.create_index(idx("rental_inspection", &[key, "inspected_on"])).await?;
        }
        m.create_index(idx("rental_inspection", &["inspected_on"])).await?;
        Ok(())
    }
}
