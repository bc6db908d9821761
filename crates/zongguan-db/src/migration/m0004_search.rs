//! Migration 4: trigram indexes for Chinese free text (FTS5 on SQLite, pg_trgm on PostgreSQL).
use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0004_search"
    }
}

/// Trigram indexes for free text in Chinese (substrings of three characters or more): FTS5 with
/// the trigram tokenizer on SQLite, pg_trgm GIN indexes on PostgreSQL. Resident names and the
/// buildings' code, name and address are indexed; a resident's address is found through the
/// building they live in (indexing 4 million free-text addresses would cost more than it helps).
#[async_trait::async_trait]
#[expect(
    elided_lifetimes_in_paths,
    reason = "MigrationTrait (async_trait) declares `up(&self, &SchemaManager)`; naming the lifetime breaks the match"
)]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let c = m.get_connection();
        match m.get_database_backend() {
            sea_orm::DbBackend::Postgres => {
                // One database, many schemas (tests): create the extension once, in public.
                c.execute_unprepared("SELECT pg_advisory_xact_lock(727011)").await?;
                let have = c
                    .query_one_raw(sea_orm::Statement::from_string(
                        sea_orm::DbBackend::Postgres,
                        "SELECT 1 AS x FROM pg_extension WHERE extname = 'pg_trgm'",
                    ))
                    .await?
                    .is_some();
                if !have {
                    c.execute_unprepared("CREATE EXTENSION pg_trgm SCHEMA public").await?;
                }
                let schema = c
                    .query_one_raw(sea_orm::Statement::from_string(sea_orm::DbBackend::Postgres, "SELECT n.nspname AS s FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'"))
                    .await?
                    .and_then(|r| r.try_get::<String>("", "s").ok())
                    .unwrap_or_else(|| "public".into());
                // Not on building.code: pg_trgm's GIN also answers `=`, and the planner then picked it
                // over the unique b-tree for the imports' `code IN (…)` (18 s a chunk at district scale).
                for (t, col) in [("resident", "name"), ("building", "name"), ("building", "address")] {
                    c.execute_unprepared(&format!(
                        "CREATE INDEX idx_{t}_{col}_trgm ON {t} USING gin ({col} {schema}.gin_trgm_ops)"
                    ))
                    .await?;
                }
            }
            _ => {
                c.execute_unprepared("CREATE VIRTUAL TABLE resident_fts USING fts5(name, content='resident', content_rowid='id', tokenize='trigram')").await?;
                c.execute_unprepared("CREATE TRIGGER resident_fts_insert AFTER INSERT ON resident BEGIN INSERT INTO resident_fts (rowid, name) VALUES (NEW.id, NEW.name); END").await?;
                c.execute_unprepared("CREATE TRIGGER resident_fts_delete AFTER DELETE ON resident BEGIN INSERT INTO resident_fts (resident_fts, rowid, name) VALUES ('delete', OLD.id, OLD.name); END").await?;
                c.execute_unprepared(
                    "CREATE TRIGGER resident_fts_update AFTER UPDATE OF name ON resident BEGIN
                       INSERT INTO resident_fts (resident_fts, rowid, name) VALUES ('delete', OLD.id, OLD.name);
                       INSERT INTO resident_fts (rowid, name) VALUES (NEW.id, NEW.name); END",
                )
                .await?;
                c.execute_unprepared("CREATE VIRTUAL TABLE building_fts USING fts5(code, name, address, content='building', content_rowid='id', tokenize='trigram')").await?;
                c.execute_unprepared("CREATE TRIGGER building_fts_insert AFTER INSERT ON building BEGIN INSERT INTO building_fts (rowid, code, name, address) VALUES (NEW.id, NEW.code, NEW.name, NEW.address); END").await?;
                c.execute_unprepared(
                    "CREATE TRIGGER building_fts_delete AFTER DELETE ON building BEGIN
                       INSERT INTO building_fts (building_fts, rowid, code, name, address) VALUES ('delete', OLD.id, OLD.code, OLD.name, OLD.address); END",
                )
                .await?;
                c.execute_unprepared(
                    "CREATE TRIGGER building_fts_update AFTER UPDATE OF code, name, address ON building BEGIN
                       INSERT INTO building_fts (building_fts, rowid, code, name, address) VALUES ('delete', OLD.id, OLD.code, OLD.name, OLD.address);
                       INSERT INTO building_fts (rowid, code, name, address) VALUES (NEW.id, NEW.code, NEW.name, NEW.address); END",
                )
                .await?;
                c.execute_unprepared("INSERT INTO resident_fts (resident_fts) VALUES ('rebuild')")
                    .await?;
                c.execute_unprepared("INSERT INTO building_fts (building_fts) VALUES ('rebuild')")
                    .await?;
            }
        }
        Ok(())
    }
}
