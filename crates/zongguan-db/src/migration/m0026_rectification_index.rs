//! Migration 26: the rectification register read in its own order. The register is a month's
//! inspections that demanded a rectification, in inspection-date order; partial indexes hold only
//! those rows (about one inspection in eight), keyed by each scope key, the date and the id, so a
//! page and its capped total are one short range at any scope.
use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0026_rectification_index"
    }
}

/// `(scope key, inspected_on, id) WHERE rectify_by IS NOT NULL` for the whole district and for
/// each scope key; the same statement on SQLite and PostgreSQL.
#[async_trait::async_trait]
#[expect(
    elided_lifetimes_in_paths,
    reason = "MigrationTrait (async_trait) declares `up(&self, &SchemaManager)`; naming the lifetime breaks the match"
)]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let c = m.get_connection();
        for (name, cols) in [
            ("ix_rectification_month", "inspected_on, id"),
            ("ix_rectification_subdistrict_month", "subdistrict_id, inspected_on, id"),
            ("ix_rectification_community_month", "community_id, inspected_on, id"),
            ("ix_rectification_grid_month", "grid_id, inspected_on, id"),
        ] {
            c.execute_unprepared(&format!(
                "CREATE INDEX IF NOT EXISTS {name} ON rental_inspection ({cols}) WHERE rectify_by IS NOT NULL"
            ))
            .await?;
        }
        Ok(())
    }
}
