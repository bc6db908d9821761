//! `zongguan audit verify`: both chains walked under the key, then compared with the last
//! checkpoint, so edited rows, missing ids, a cut tail and an emptied table are all named.
use std::path::Path;

use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Statement};
use zongguan_core::audit::{
    ChainBreak, ChainFields, ChainKey, Checkpoint, GENESIS, Head, Log, SinceCheckpoint, TailFinding, Walker,
    against_checkpoint, legacy_row_hash, row_hash,
};

use super::checkpoint::read_checkpoints;
use super::login::{at_text, fields as login_fields};
use crate::entity::{audit_log, login_log};
use crate::{Db, DbResult};

const BATCH: u64 = 5000;

/// What was found in one log.
#[derive(Debug, Clone)]
pub struct LogReport {
    pub log: Log,
    /// Rows, last id and last hash as the database holds them now.
    pub head: Head,
    pub breaks: Vec<ChainBreak>,
    /// Differences from the last checkpoint.
    pub tail: Vec<TailFinding>,
}

impl LogReport {
    pub fn intact(&self) -> bool {
        self.breaks.is_empty() && self.tail.is_empty()
    }
    /// Ids of rows whose content does not match their hash.
    pub fn edited_ids(&self) -> Vec<i64> {
        self.breaks
            .iter()
            .filter_map(|b| match b {
                ChainBreak::Tampered { id } => Some(*id),
                _ => None,
            })
            .collect()
    }
}

/// Which checkpoint the tails were compared with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckpointUse {
    /// No checkpoint file (or no line in it): a cut tail cannot be seen.
    None,
    Last(Checkpoint),
}

/// Both logs, and the checkpoint file's state.
#[derive(Debug, Clone)]
pub struct Report {
    pub audit: LogReport,
    pub login: LogReport,
    pub checkpoint: CheckpointUse,
    /// Line numbers (from 1) of checkpoint lines that do not parse or whose signature is wrong.
    pub bad_checkpoint_lines: Vec<usize>,
}

impl Report {
    /// Everything holds: both chains whole, both tails as the last checkpoint left them, every
    /// checkpoint line signed.
    pub fn intact(&self) -> bool {
        self.audit.intact() && self.login.intact() && self.bad_checkpoint_lines.is_empty()
    }
}

/// Walks a log, keeping what a checkpoint comparison needs of the row at `cp_last`.
struct Walk<'k> {
    walker: Walker<'k>,
    cp_last: i64,
    hash_at_checkpoint: Option<String>,
    rows_to_checkpoint: u64,
}

impl<'k> Walk<'k> {
    fn new(key: &'k ChainKey, cp: Option<&Head>) -> Self {
        Self {
            walker: Walker::new(key),
            cp_last: cp.map_or(0, |h| h.last_id),
            hash_at_checkpoint: None,
            rows_to_checkpoint: 0,
        }
    }
    fn push<R: zongguan_core::audit::ChainRow>(&mut self, row: &R, prev: &str, hash: &str) {
        let id = row.id();
        if id <= self.cp_last {
            self.rows_to_checkpoint += 1;
        }
        if id == self.cp_last {
            self.hash_at_checkpoint = Some(hash.into());
        }
        self.walker.push(row, prev, hash);
    }
    fn finish(self, log: Log, cp: Option<&Head>) -> LogReport {
        let (head, breaks) = self.walker.finish();
        let tail = cp.map_or_else(Vec::new, |cp| {
            against_checkpoint(
                cp,
                &SinceCheckpoint {
                    rows: head.rows,
                    last_id: head.last_id,
                    hash_at_checkpoint: self.hash_at_checkpoint,
                    rows_to_checkpoint: self.rows_to_checkpoint,
                },
            )
        });
        LogReport {
            log,
            head,
            breaks,
            tail,
        }
    }
}

pub(crate) fn audit_fields(r: &audit_log::Model) -> ChainFields<'_> {
    ChainFields {
        id: r.id,
        at: &r.at,
        user_id: r.user_id,
        username: &r.username,
        org_unit_id: r.org_unit_id,
        action: &r.action,
        object_type: &r.object_type,
        object_id: r.object_id.as_deref(),
        result: &r.result,
        client_addr: &r.client_addr,
        detail: r.detail.as_deref(),
    }
}

async fn walk_audit<C: ConnectionTrait>(c: &C, key: &ChainKey, cp: Option<&Head>) -> DbResult<LogReport> {
    let mut w = Walk::new(key, cp);
    let mut after = 0i64;
    loop {
        let rows = audit_log::Entity::find()
            .filter(audit_log::Column::Id.gt(after))
            .order_by_asc(audit_log::Column::Id)
            .limit(BATCH)
            .all(c)
            .await?;
        let Some(last) = rows.last() else { break };
        after = last.id;
        for r in &rows {
            w.push(&audit_fields(r), &r.prev_hash, &r.hash);
        }
    }
    Ok(w.finish(Log::Audit, cp))
}

async fn walk_login<C: ConnectionTrait>(c: &C, key: &ChainKey, cp: Option<&Head>) -> DbResult<LogReport> {
    let mut w = Walk::new(key, cp);
    let mut after = 0i64;
    loop {
        let rows = login_log::Entity::find()
            .filter(login_log::Column::Id.gt(after))
            .order_by_asc(login_log::Column::Id)
            .limit(BATCH)
            .all(c)
            .await?;
        let Some(last) = rows.last() else { break };
        after = last.id;
        for r in &rows {
            let at = at_text(&r.at);
            w.push(&login_fields(r, &at), &r.prev_hash, &r.hash);
        }
    }
    Ok(w.finish(Log::Login, cp))
}

/// Walks both chains under the database's key and, when `dir` holds a checkpoint file, compares
/// both tails with its last line. What `zongguan audit verify` runs.
pub async fn verify_logs(db: &Db, dir: Option<&Path>) -> DbResult<Report> {
    let key = ChainKey::from_field_cipher(&db.cipher);
    let (checkpoint, bad_checkpoint_lines) = match dir {
        Some(d) => {
            let read = read_checkpoints(d, &key)?;
            (
                read.last.map_or(CheckpointUse::None, CheckpointUse::Last),
                read.bad_lines,
            )
        }
        None => (CheckpointUse::None, vec![]),
    };
    let cp = match &checkpoint {
        CheckpointUse::Last(c) => Some(c),
        CheckpointUse::None => None,
    };
    let audit = walk_audit(&db.conn, &key, cp.map(|c| &c.audit)).await?;
    let login = walk_login(&db.conn, &key, cp.map(|c| &c.login)).await?;
    Ok(Report {
        audit,
        login,
        checkpoint,
        bad_checkpoint_lines,
    })
}

/// The audit log's chain alone, without checkpoints: rows checked and breaks.
pub async fn verify(db: &Db) -> DbResult<(u64, Vec<ChainBreak>)> {
    let key = ChainKey::from_field_cipher(&db.cipher);
    let r = walk_audit(&db.conn, &key, None).await?;
    Ok((r.head.rows, r.breaks))
}

/// What m0012 found of the old, unkeyed audit chain before it re-keyed it.
pub(crate) struct Rechained {
    pub audit_rows: u64,
    pub login_rows: u64,
    pub old_breaks: Vec<ChainBreak>,
}

fn placeholders(c: &impl ConnectionTrait, n: usize) -> Vec<String> {
    (1..=n)
        .map(|i| match c.get_database_backend() {
            sea_orm::DbBackend::Postgres => format!("${i}"),
            _ => "?".to_string(),
        })
        .collect()
}

async fn set_hashes<C: ConnectionTrait>(c: &C, table: &str, id: i64, prev: &str, hash: &str) -> Result<(), DbErr> {
    let p = placeholders(c, 3);
    c.execute_raw(Statement::from_sql_and_values(
        c.get_database_backend(),
        format!(
            "UPDATE {table} SET prev_hash = {}, hash = {} WHERE id = {}",
            p[0], p[1], p[2]
        ),
        [prev.into(), hash.into(), id.into()],
    ))
    .await?;
    Ok(())
}

/// Re-computes both chains under `key`, row by row in id order (m0012; the append-only triggers
/// are off while it runs). The old audit chain is checked first under its own unkeyed scheme, so
/// what it showed is not lost: the caller records it in the new chain.
pub(crate) async fn rechain<C: ConnectionTrait>(c: &C, key: &ChainKey) -> Result<Rechained, DbErr> {
    let mut out = Rechained {
        audit_rows: 0,
        login_rows: 0,
        old_breaks: vec![],
    };
    let (mut after, mut old_prev, mut new_prev, mut prev_id) = (0i64, GENESIS.to_string(), GENESIS.to_string(), 0i64);
    loop {
        let rows = audit_log::Entity::find()
            .filter(audit_log::Column::Id.gt(after))
            .order_by_asc(audit_log::Column::Id)
            .limit(BATCH)
            .all(c)
            .await?;
        let Some(last) = rows.last() else { break };
        after = last.id;
        for r in &rows {
            let f = audit_fields(r);
            if r.prev_hash != old_prev {
                out.old_breaks.push(if r.id > prev_id + 1 {
                    ChainBreak::Missing {
                        from: prev_id + 1,
                        to: r.id - 1,
                    }
                } else {
                    ChainBreak::Broken { id: r.id }
                });
            }
            if legacy_row_hash(&r.prev_hash, &f) != r.hash {
                out.old_breaks.push(ChainBreak::Tampered { id: r.id });
            }
            old_prev = r.hash.clone();
            prev_id = r.id;
            let h = row_hash(key, &new_prev, &f);
            set_hashes(c, "audit_log", r.id, &new_prev, &h).await?;
            new_prev = h;
            out.audit_rows += 1;
        }
    }
    let (mut after, mut prev) = (0i64, GENESIS.to_string());
    loop {
        let rows = login_log::Entity::find()
            .filter(login_log::Column::Id.gt(after))
            .order_by_asc(login_log::Column::Id)
            .limit(BATCH)
            .all(c)
            .await?;
        let Some(last) = rows.last() else { break };
        after = last.id;
        for r in &rows {
            let at = at_text(&r.at);
            let h = row_hash(key, &prev, &login_fields(r, &at));
            set_hashes(c, "login_log", r.id, &prev, &h).await?;
            prev = h;
            out.login_rows += 1;
        }
    }
    Ok(out)
}
