//! Migration 10: identity-number keys become 16 bytes of the keyed hash instead of 64 hex characters.
use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
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
#[expect(
    elided_lifetimes_in_paths,
    reason = "MigrationTrait (async_trait) declares `up(&self, &SchemaManager)`; naming the lifetime breaks the match"
)]
impl MigrationTrait for Migration {
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
