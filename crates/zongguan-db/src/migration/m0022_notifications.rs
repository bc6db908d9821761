//! Migration 22: notifications (站内消息) — what reaches a person's inbox when something is
//! assigned to them or their unit, supervised, overdue or large enough to tell the district.
use sea_orm_migration::{prelude::*, schema::*};

use super::{idx, ts, ts_null};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0022_notifications"
    }
}

/// `notification`: one row per recipient (a unit's message is written to each of its people,
/// so read state is each person's own); `link` is the page it opens.
#[async_trait::async_trait]
#[expect(
    elided_lifetimes_in_paths,
    reason = "MigrationTrait (async_trait) declares `up(&self, &SchemaManager)`; naming the lifetime breaks the match"
)]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("notification")
                .col(big_pk_auto("id"))
                .col(big_integer("user_id"))
                .col(string_len("kind", 40))
                .col(string_len("title", 200))
                .col(text("body").default(""))
                .col(string_len("link", 300).default(""))
                .col(string_len("subject_kind", 20).default(""))
                .col(big_integer_null("subject_id"))
                .col(ts("created_at"))
                .col(ts_null("read_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(idx("notification", &["user_id", "id"])).await?;
        m.create_index(idx("notification", &["user_id", "read_at"])).await?;
        Ok(())
    }
}
