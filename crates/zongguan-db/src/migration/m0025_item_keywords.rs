//! Migration 25: the case items' keywords (the words people use for them) and the indexes the
//! item suggestion reads by.
use sea_orm_migration::prelude::*;

use super::idx;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0025_item_keywords"
    }
}

/// `case_item.keywords`: "摆摊、流动摊贩、占道", seeded from core and edited by administrators.
/// Cases by reporter and by grid in report-time order: a caller's recent items and the items
/// reported near a place in the last 90 days.
#[async_trait::async_trait]
#[expect(
    elided_lifetimes_in_paths,
    reason = "MigrationTrait (async_trait) declares `up(&self, &SchemaManager)`; naming the lifetime breaks the match"
)]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("case_item")
                .add_column(ColumnDef::new("keywords").text().not_null().default(""))
                .to_owned(),
        )
        .await?;
        for (code, words) in zongguan_core::case_keywords::KEYWORDS {
            m.exec_stmt(
                Query::update()
                    .table("case_item")
                    .value("keywords", words.join("、"))
                    .and_where(Expr::col("code").eq(*code))
                    .to_owned(),
            )
            .await?;
        }
        m.create_index(idx("case_record", &["reporter_user_id", "reported_at"]))
            .await?;
        m.create_index(idx("case_record", &["grid_id", "reported_at"])).await
    }
}
