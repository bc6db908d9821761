//! Migration 6: the map office's regrid runs, and an index to read the cases changed since a time.
use sea_orm_migration::{prelude::*, schema::*};

use super::{idx, ts, ts_null};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0006_map"
    }
}

/// The map office: the record of each re-assignment of buildings to grids, and an index that
/// lets the map read only the cases changed since its last look.
#[async_trait::async_trait]
#[expect(
    elided_lifetimes_in_paths,
    reason = "MigrationTrait (async_trait) declares `up(&self, &SchemaManager)`; naming the lifetime breaks the match"
)]
impl MigrationTrait for Migration {
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
