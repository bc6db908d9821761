//! Migration 18: every two-character piece of residents' names, so a search of two characters
//! finds a name that starts with them (张小) or holds them (小明 → 张小明) through one index range.
use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0018_name_bigrams"
    }
}

/// `resident_bigram` holds every two-character piece of a name (starting at positions 1 to 8),
/// one row per piece and person, kept by triggers on `resident`; its key `(token, resident_id)`
/// answers a two-character search in id order (names longer than nine characters keep their
/// first pieces; three or more characters go through the trigram index anyway).
#[async_trait::async_trait]
#[expect(
    elided_lifetimes_in_paths,
    reason = "MigrationTrait (async_trait) declares `up(&self, &SchemaManager)`; naming the lifetime breaks the match"
)]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let c = m.get_connection();
        let postgres = m.get_database_backend() == sea_orm::DbBackend::Postgres;
        c.execute_unprepared(if postgres {
            "CREATE TABLE resident_bigram (token TEXT NOT NULL, resident_id BIGINT NOT NULL, PRIMARY KEY (token, resident_id))"
        } else {
            "CREATE TABLE resident_bigram (token TEXT NOT NULL, resident_id INTEGER NOT NULL, PRIMARY KEY (token, resident_id)) WITHOUT ROWID"
        })
        .await?;
        c.execute_unprepared("CREATE INDEX idx_resident_bigram_resident ON resident_bigram (resident_id)")
            .await?;
        c.execute_unprepared(&fill_sql(postgres)).await?;
        if postgres {
            c.execute_unprepared(&format!(
                "CREATE FUNCTION resident_bigram_keep() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
                   IF TG_OP <> 'INSERT' THEN DELETE FROM resident_bigram WHERE resident_id = OLD.id; END IF;
                   IF TG_OP <> 'DELETE' THEN
                     INSERT INTO resident_bigram (token, resident_id)
                     SELECT DISTINCT substr(NEW.name, k, 2), NEW.id FROM generate_series(1, {LAST}) AS k
                     WHERE k + 1 <= length(NEW.name) ON CONFLICT DO NOTHING;
                   END IF;
                   RETURN NULL; END $$"
            ))
            .await?;
            c.execute_unprepared(
                "CREATE TRIGGER resident_bigram_keep AFTER INSERT OR DELETE OR UPDATE OF name ON resident
                 FOR EACH ROW EXECUTE FUNCTION resident_bigram_keep()",
            )
            .await?;
        } else {
            // DISTINCT, not OR IGNORE: an outer statement's conflict clause overrides a trigger's.
            let insert = format!(
                "INSERT INTO resident_bigram (token, resident_id)
                 SELECT DISTINCT substr(NEW.name, k, 2), NEW.id FROM ({}) WHERE k + 1 <= length(NEW.name);",
                positions()
            );
            c.execute_unprepared(&format!(
                "CREATE TRIGGER resident_bigram_insert AFTER INSERT ON resident BEGIN {insert} END"
            ))
            .await?;
            c.execute_unprepared(&format!(
                "CREATE TRIGGER resident_bigram_update AFTER UPDATE OF name ON resident BEGIN
                   DELETE FROM resident_bigram WHERE resident_id = OLD.id; {insert} END"
            ))
            .await?;
            c.execute_unprepared(
                "CREATE TRIGGER resident_bigram_delete AFTER DELETE ON resident BEGIN
                   DELETE FROM resident_bigram WHERE resident_id = OLD.id; END",
            )
            .await?;
        }
        Ok(())
    }
}

/// The last position a piece starts at.
const LAST: usize = 8;

/// `SELECT 1 AS k UNION ALL SELECT 2 …`: the positions, as a table.
fn positions() -> String {
    (1..=LAST)
        .map(|k| {
            if k == 1 {
                "SELECT 1 AS k".to_string()
            } else {
                format!("SELECT {k}")
            }
        })
        .collect::<Vec<_>>()
        .join(" UNION ALL ")
}

/// Every resident's pieces, from scratch (the migration, and a bulk load that had the triggers away).
pub(crate) fn fill_sql(postgres: bool) -> String {
    let ignore = if postgres { "" } else { "OR IGNORE" };
    let conflict = if postgres { "ON CONFLICT DO NOTHING" } else { "" };
    format!(
        "INSERT {ignore} INTO resident_bigram (token, resident_id)
         SELECT substr(r.name, p.k, 2), r.id FROM resident r, ({}) p
         WHERE p.k + 1 <= length(r.name) ORDER BY 1, 2 {conflict}",
        positions()
    )
}
