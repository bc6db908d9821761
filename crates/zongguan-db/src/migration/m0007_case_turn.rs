//! Migration 7: PostgreSQL's function that takes a report's turn (audit chain and case code) in one round trip.
use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0007_case_turn"
    }
}

/// PostgreSQL: a report's turn in one round trip. It takes the audit chain's advisory lock (key
/// 727001, as `audit::lock_chain`), which also orders case codes, and then reads the day's last
/// code and the chain's last row. The reads are commands of a volatile function, so each takes a
/// snapshot after the lock is granted and sees what the previous holder committed (a single
/// statement would read with the snapshot it took before waiting).
#[async_trait::async_trait]
#[expect(
    elided_lifetimes_in_paths,
    reason = "MigrationTrait (async_trait) declares `up(&self, &SchemaManager)`; naming the lifetime breaks the match"
)]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() == sea_orm::DbBackend::Postgres {
            m.get_connection()
                .execute_unprepared(
                    "CREATE FUNCTION zg_case_turn(code_from text, code_to text, OUT code text, OUT audit_id bigint, OUT audit_hash text)
                     LANGUAGE plpgsql VOLATILE AS $$ BEGIN
                       PERFORM pg_advisory_xact_lock(727001);
                       SELECT c.code INTO code FROM case_record c WHERE c.code >= code_from AND c.code < code_to ORDER BY c.code DESC LIMIT 1;
                       SELECT a.id, a.hash INTO audit_id, audit_hash FROM audit_log a ORDER BY a.id DESC LIMIT 1;
                     END $$",
                )
                .await?;
        }
        Ok(())
    }
}
