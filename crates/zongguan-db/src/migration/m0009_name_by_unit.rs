//! Migration 9: residents' names indexed under their unit rather than district-wide.
use sea_orm_migration::prelude::*;

use super::idx;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0009_name_by_unit"
    }
}

/// Residents' names are indexed under their unit, not district-wide. Names come in no order, so
/// each imported resident dirtied a page of the district-wide index at random (about 11,000 of
/// the 35,000 pages a 20,000-row import wrote); under the unit they fall where the file's
/// grids are. A grid's list sorted by name reads this index; a community sorts its few tens of
/// thousands; a district-wide sort by name takes about a second on 3.8 M residents. A name
/// search of one or two characters counts through this index as through the old one.
#[async_trait::async_trait]
#[expect(
    elided_lifetimes_in_paths,
    reason = "MigrationTrait (async_trait) declares `up(&self, &SchemaManager)`; naming the lifetime breaks the match"
)]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.get_connection()
            .execute_unprepared("DROP INDEX IF EXISTS idx_resident_name")
            .await?;
        m.create_index(idx("resident", &["org_unit_id", "name"])).await?;
        Ok(())
    }
}
