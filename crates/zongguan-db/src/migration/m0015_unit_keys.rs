//! Migration 15: every placed row carries its subdistrict and community, so a data scope or an org
//! filter is one index range, sorted by the list's order, instead of a list of units.
use sea_orm_migration::{prelude::*, schema::*};

use super::idx;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0015_unit_keys"
    }
}

/// The rows placed in the org tree and the column that places them.
pub(crate) const PLACED: [(&str, &str); 3] = [
    ("resident", "org_unit_id"),
    ("building", "grid_id"),
    ("house", "grid_id"),
];

/// - `org_unit.subdistrict_id` / `community_id`: the unit's own subdistrict and community (itself at
///   those levels), kept by triggers from the parent's (a unit's parent never changes).
/// - the same two columns on `resident`, `building` and `house`, kept by triggers from the row's unit
///   on every insert and on every change of its unit, whoever writes (API, import, regrid, raw SQL);
///   a writer that already knows them may set them and the SQLite insert trigger then skips its
///   update. Indexed with each list's order (residents and houses by id, buildings by code) and,
///   for residents, with `name` (sorted name search by surname).
/// - `resident.id_tail_hash`: the keyed hash of the identity number's last six characters, so the
///   search box finds a person by them. The key lives outside the database: `Db::migrate` fills it
///   in Rust for rows written before (`registry::fill_id_tails`).
#[async_trait::async_trait]
#[expect(
    elided_lifetimes_in_paths,
    reason = "MigrationTrait (async_trait) declares `up(&self, &SchemaManager)`; naming the lifetime breaks the match"
)]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let c = m.get_connection();
        for t in ["org_unit", "resident", "building", "house"] {
            for col in ["subdistrict_id", "community_id"] {
                m.alter_table(Table::alter().table(t).add_column(big_integer_null(col)).to_owned())
                    .await?;
            }
        }
        m.alter_table(
            Table::alter()
                .table("resident")
                .add_column(binary_null("id_tail_hash"))
                .to_owned(),
        )
        .await?;
        c.execute_unprepared(
            "UPDATE org_unit SET
               subdistrict_id = (SELECT a.id FROM org_unit a WHERE a.level = 'subdistrict' AND org_unit.path LIKE a.path || '%'),
               community_id = (SELECT a.id FROM org_unit a WHERE a.level = 'community' AND org_unit.path LIKE a.path || '%')",
        )
        .await?;
        for (t, col) in PLACED {
            c.execute_unprepared(&fill_sql(t, col)).await?;
        }
        match m.get_database_backend() {
            sea_orm::DbBackend::Postgres => postgres_triggers(c).await?,
            _ => sqlite_triggers(c).await?,
        }
        // Each with the list's order: residents and houses by id, buildings by code.
        for (t, order) in [("resident", "id"), ("building", "code"), ("house", "id")] {
            m.create_index(idx(t, &["subdistrict_id", order])).await?;
            m.create_index(idx(t, &["community_id", order])).await?;
        }
        m.create_index(idx("resident", &["subdistrict_id", "name"])).await?;
        m.create_index(idx("resident", &["community_id", "name"])).await?;
        m.create_index(idx("resident", &["id_tail_hash"])).await?;
        // A district-wide surname search reads names in order (m0009 dropped this for the
        // imports' sake; the district's search box needs it back).
        m.create_index(idx("resident", &["name"])).await?;
        Ok(())
    }
}

/// Sets the keys of every row of `table` from its unit (after a bulk load without triggers).
pub(crate) fn fill_sql(table: &str, col: &str) -> String {
    format!(
        "UPDATE {table} SET subdistrict_id = u.subdistrict_id, community_id = u.community_id
         FROM org_unit u WHERE u.id = {table}.{col}"
    )
}

async fn postgres_triggers(c: &SchemaManagerConnection<'_>) -> Result<(), DbErr> {
    c.execute_unprepared(
        "CREATE FUNCTION org_unit_keys() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
           IF NEW.level = 'subdistrict' THEN NEW.subdistrict_id := NEW.id;
           ELSE NEW.subdistrict_id := (SELECT p.subdistrict_id FROM org_unit p WHERE p.id = NEW.parent_id); END IF;
           IF NEW.level = 'community' THEN NEW.community_id := NEW.id;
           ELSE NEW.community_id := (SELECT p.community_id FROM org_unit p WHERE p.id = NEW.parent_id); END IF;
           RETURN NEW; END $$",
    )
    .await?;
    c.execute_unprepared(
        "CREATE TRIGGER org_unit_keys BEFORE INSERT OR UPDATE OF parent_id, level ON org_unit
         FOR EACH ROW EXECUTE FUNCTION org_unit_keys()",
    )
    .await?;
    for (t, col) in PLACED {
        c.execute_unprepared(&format!(
            "CREATE FUNCTION {t}_unit_keys() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
               SELECT u.subdistrict_id, u.community_id INTO NEW.subdistrict_id, NEW.community_id
               FROM org_unit u WHERE u.id = NEW.{col};
               RETURN NEW; END $$"
        ))
        .await?;
        c.execute_unprepared(&format!(
            "CREATE TRIGGER {t}_unit_keys BEFORE INSERT OR UPDATE OF {col} ON {t}
             FOR EACH ROW EXECUTE FUNCTION {t}_unit_keys()"
        ))
        .await?;
    }
    Ok(())
}

async fn sqlite_triggers(c: &SchemaManagerConnection<'_>) -> Result<(), DbErr> {
    let own = "subdistrict_id = CASE WHEN NEW.level = 'subdistrict' THEN NEW.id
                 ELSE (SELECT p.subdistrict_id FROM org_unit p WHERE p.id = NEW.parent_id) END,
               community_id = CASE WHEN NEW.level = 'community' THEN NEW.id
                 ELSE (SELECT p.community_id FROM org_unit p WHERE p.id = NEW.parent_id) END";
    c.execute_unprepared(&format!(
        "CREATE TRIGGER org_unit_keys_insert AFTER INSERT ON org_unit BEGIN
           UPDATE org_unit SET {own} WHERE id = NEW.id; END"
    ))
    .await?;
    c.execute_unprepared(&format!(
        "CREATE TRIGGER org_unit_keys_update AFTER UPDATE OF parent_id, level ON org_unit BEGIN
           UPDATE org_unit SET {own} WHERE id = NEW.id; END"
    ))
    .await?;
    for (t, col) in PLACED {
        let set = format!(
            "UPDATE {t} SET subdistrict_id = (SELECT u.subdistrict_id FROM org_unit u WHERE u.id = NEW.{col}),
               community_id = (SELECT u.community_id FROM org_unit u WHERE u.id = NEW.{col}) WHERE id = NEW.id;"
        );
        c.execute_unprepared(&format!(
            "CREATE TRIGGER {t}_unit_keys_insert AFTER INSERT ON {t}
             WHEN NEW.subdistrict_id IS NULL AND NEW.community_id IS NULL BEGIN {set} END"
        ))
        .await?;
        c.execute_unprepared(&format!(
            "CREATE TRIGGER {t}_unit_keys_update AFTER UPDATE OF {col} ON {t} BEGIN {set} END"
        ))
        .await?;
    }
    Ok(())
}
