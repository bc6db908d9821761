//! Migration 12: the audit log and the login log become keyed chains over every column.
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};
use zongguan_core::audit::{ChainBreak, id_ranges};

use crate::Actor;
use crate::audit::{self, Event};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0012_audit_keyed"
    }
}

/// The login log gets `prev_hash` and `hash`; then both logs are re-chained under the chain key
/// (HMAC-SHA256, derived from the field key, installed when the `Db` connected), with the
/// append-only triggers off for the while. The old unkeyed audit chain is checked first and what
/// it showed is the first thing the new chain records, so a re-chain cannot launder a break.
#[async_trait::async_trait]
#[expect(
    elided_lifetimes_in_paths,
    reason = "MigrationTrait (async_trait) declares `up(&self, &SchemaManager)`; naming the lifetime breaks the match"
)]
impl MigrationTrait for Migration {
    /// One transaction on every backend: the triggers come back on and a half-done re-chain
    /// never commits, and on SQLite every statement runs on the same connection.
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for col in ["prev_hash", "hash"] {
            m.alter_table(
                Table::alter()
                    .table("login_log")
                    .add_column(ColumnDef::new(col).string_len(64).not_null().default(""))
                    .to_owned(),
            )
            .await?;
        }
        let key = audit::installed_key()
            .ok_or_else(|| DbErr::Custom("m0012 needs the audit chain key: connect through Db::connect".into()))?;
        let c = m.get_connection();
        guard(c, false).await?;
        let done = audit::rechain(c, &key).await;
        guard(c, true).await?;
        let done = done?;
        if done.audit_rows + done.login_rows > 0 {
            let detail = format!(
                "审计日志 {} 条、登录日志 {} 条改为密钥哈希链；原哈希链{}",
                done.audit_rows,
                done.login_rows,
                describe(&done.old_breaks)
            );
            if !done.old_breaks.is_empty() {
                tracing::warn!("m0012: {detail}");
            }
            audit::append_locked(
                c,
                &Actor::system("migration"),
                Event::ok("rechain", "audit_log", "m0012").detail(detail),
            )
            .await
            .map_err(|e| DbErr::Custom(e.to_string()))?;
        }
        Ok(())
    }
}

fn describe(breaks: &[ChainBreak]) -> String {
    if breaks.is_empty() {
        return "校验完整".into();
    }
    let mut edited = vec![];
    let mut other = vec![];
    for b in breaks {
        match b {
            ChainBreak::Tampered { id } => edited.push(*id),
            ChainBreak::Broken { id } => other.push(format!("第 {id} 条前链接断开")),
            ChainBreak::Missing { from, to } => other.push(format!("缺少第 {from}–{to} 条")),
        }
    }
    let mut s = String::from("校验发现断点：");
    if !edited.is_empty() {
        s += &format!("被修改 {}；", id_ranges(&edited));
    }
    s += &other.join("；");
    s
}

/// Turns the UPDATE guard of both logs off (`on = false`) or back on, as m0001 made it.
async fn guard<C: ConnectionTrait>(c: &C, on: bool) -> Result<(), DbErr> {
    for t in ["audit_log", "login_log"] {
        match c.get_database_backend() {
            DbBackend::Postgres => {
                let verb = if on { "ENABLE" } else { "DISABLE" };
                c.execute_unprepared(&format!("ALTER TABLE {t} {verb} TRIGGER {t}_append_only"))
                    .await?;
            }
            _ if on => {
                c.execute_unprepared(&format!(
                    "CREATE TRIGGER {t}_no_UPDATE BEFORE UPDATE ON {t}
                     BEGIN SELECT RAISE(ABORT, 'append-only table {t}'); END"
                ))
                .await?;
            }
            _ => {
                c.execute_unprepared(&format!("DROP TRIGGER {t}_no_UPDATE")).await?;
            }
        }
    }
    Ok(())
}
