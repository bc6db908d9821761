//! A bulk load's table work: secondary indexes and row triggers go while the tables fill and
//! come back once, built in one sorted pass.
use sea_orm::ConnectionTrait;

use crate::{Backend, DbResult};

const LOADED: &[&str] = &["building", "house", "resident", "residence"];

/// Drops the loaded tables' secondary indexes and row triggers, answering how to make them again.
pub(super) async fn defer_indexes<C: ConnectionTrait>(c: &C, backend: Backend) -> DbResult<Vec<String>> {
    let tables = LOADED.iter().map(|t| format!("'{t}'")).collect::<Vec<_>>().join(",");
    let (list, drop) = match backend {
        // Automatic indexes (primary and unique keys) have no SQL and stay.
        Backend::Sqlite => (
            format!(
                "SELECT type AS k, name AS n, sql AS d FROM sqlite_master WHERE type IN ('index', 'trigger') AND tbl_name IN ({tables}) AND sql IS NOT NULL"
            ),
            (|k: &str, n: &str| format!("DROP {} {n}", if k == "index" { "INDEX" } else { "TRIGGER" }))
                as fn(&str, &str) -> String,
        ),
        // Statement-level triggers cost little here; unique indexes back constraints and stay.
        Backend::Postgres => (
            format!(
                "SELECT 'index' AS k, indexname AS n, indexdef AS d FROM pg_indexes WHERE schemaname = current_schema() AND tablename IN ({tables}) AND indexdef NOT LIKE 'CREATE UNIQUE%'"
            ),
            (|_: &str, n: &str| format!("DROP INDEX {n}")) as fn(&str, &str) -> String,
        ),
    };
    let mut again = Vec::new();
    for row in c
        .query_all_raw(sea_orm::Statement::from_string(c.get_database_backend(), list))
        .await?
    {
        let (k, n, d): (String, String, String) = (row.try_get("", "k")?, row.try_get("", "n")?, row.try_get("", "d")?);
        c.execute_unprepared(&drop(&k, &n)).await?;
        again.push(d);
    }
    Ok(again)
}

pub(super) async fn restore_indexes<C: ConnectionTrait>(c: &C, backend: Backend, again: Vec<String>) -> DbResult<()> {
    if backend == Backend::Sqlite {
        // The rows' subdistrict and community, which their triggers would have set, in one pass
        // before the indexes come back (PostgreSQL kept its row triggers).
        for (t, col) in crate::migration::m0015_unit_keys::PLACED {
            c.execute_unprepared(&crate::migration::m0015_unit_keys::fill_sql(t, col))
                .await?;
        }
    }
    if backend == Backend::Sqlite {
        // The name pieces the resident triggers would have written, in one sorted pass.
        c.execute_unprepared("DELETE FROM resident_bigram").await?;
        c.execute_unprepared(&crate::migration::m0018_name_bigrams::fill_sql(false))
            .await?;
    }
    for sql in again {
        c.execute_unprepared(&sql).await?;
    }
    if backend == Backend::Sqlite {
        // The search indexes missed the rows written while their triggers were away.
        c.execute_unprepared("INSERT INTO resident_fts (resident_fts) VALUES ('rebuild')")
            .await?;
        c.execute_unprepared("INSERT INTO building_fts (building_fts) VALUES ('rebuild')")
            .await?;
        c.execute_unprepared("UPDATE stat_version SET version = version + 1")
            .await?;
    } else {
        // The planner's picture of four tables that just grew from nothing.
        c.execute_unprepared("ANALYZE building, house, resident, residence")
            .await?;
    }
    Ok(())
}
