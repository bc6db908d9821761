//! Migration 13: what Open311 clients send and read back — a case's media URL, cases waiting for the
//! center to place them, and the reporter's contact sealed with the field key.
use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0013_open311"
    }
}

/// Three columns on `case_record`:
/// - `media_url`: the photo link an Open311 client sent (kept and returned, never fetched);
/// - `unlocated`: reported with an address no building matched, so the district center holds it
///   until someone places it;
/// - `reporter_contact_enc`: the reporter's contact sealed with the field key; `reporter_contact`
///   keeps only its masked form. Rows written before this migration still hold the contact in
///   plain text: the key is outside the database, so SQL cannot seal them. `Db::migrate` seals
///   them in Rust right after the migrations run (`cases::seal_reporter_contacts`), at every start,
///   and finds nothing to do once they are sealed.
#[async_trait::async_trait]
#[expect(
    elided_lifetimes_in_paths,
    reason = "MigrationTrait (async_trait) declares `up(&self, &SchemaManager)`; naming the lifetime breaks the match"
)]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite adds one at a time.
        for col in [
            string_len("media_url", 1000).default("").to_owned(),
            boolean("unlocated").default(false).to_owned(),
            text_null("reporter_contact_enc").to_owned(),
        ] {
            m.alter_table(Table::alter().table("case_record").add_column(col).to_owned())
                .await?;
        }
        Ok(())
    }
}
