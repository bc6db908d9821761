//! Signed checkpoints outside the database: one line per checkpoint appended to
//! `data_dir/audit-checkpoints.log`, each the row count, last id and head hash of both logs, signed
//! with the chain key. A checkpoint is only written over logs that still extend the previous one,
//! so a cut tail stays visible to every later `verify` instead of being signed over.
use std::io::Write;
use std::path::Path;

use chrono::{SecondsFormat, Utc};
use sea_orm::{ConnectionTrait, DbErr, Statement};
use zongguan_core::audit::{
    ChainKey, Checkpoint, GENESIS, Head, Log, SinceCheckpoint, TailFinding, against_checkpoint,
};

use crate::{Db, DbError, DbResult};

/// The file's name inside `data_dir`.
pub const CHECKPOINT_FILE: &str = "audit-checkpoints.log";

pub(super) struct Read {
    pub last: Option<Checkpoint>,
    pub bad_lines: Vec<usize>,
}

fn io_err(what: &str, e: std::io::Error) -> DbError {
    DbError::Db(DbErr::Custom(format!("{what}: {e}")))
}

/// Every line of the file in `dir`; a missing file is no checkpoint yet.
pub(super) fn read_checkpoints(dir: &Path, key: &ChainKey) -> DbResult<Read> {
    let path = dir.join(CHECKPOINT_FILE);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(io_err(&format!("读取 {}", path.display()), e)),
    };
    let mut out = Read {
        last: None,
        bad_lines: vec![],
    };
    for (i, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        match Checkpoint::parse(line, key) {
            Ok(c) => out.last = Some(c),
            Err(_) => out.bad_lines.push(i + 1),
        }
    }
    Ok(out)
}

/// The last valid checkpoint in `dir`, if any.
pub fn last_checkpoint(db: &Db, dir: &Path) -> DbResult<Option<Checkpoint>> {
    Ok(read_checkpoints(dir, &ChainKey::from_field_cipher(&db.cipher))?.last)
}

fn ph(c: &impl ConnectionTrait) -> &'static str {
    match c.get_database_backend() {
        sea_orm::DbBackend::Postgres => "$1",
        _ => "?",
    }
}

async fn hash_of<C: ConnectionTrait>(c: &C, log: Log, id: i64) -> Result<Option<String>, DbErr> {
    let row = c
        .query_one_raw(Statement::from_sql_and_values(
            c.get_database_backend(),
            format!("SELECT hash FROM {} WHERE id = {}", log.table(), ph(c)),
            [id.into()],
        ))
        .await?;
    row.map(|r| r.try_get::<String>("", "hash")).transpose()
}

async fn count_to<C: ConnectionTrait>(c: &C, log: Log, id: i64) -> Result<u64, DbErr> {
    let row = c
        .query_one_raw(Statement::from_sql_and_values(
            c.get_database_backend(),
            format!("SELECT COUNT(*) AS n FROM {} WHERE id <= {}", log.table(), ph(c)),
            [id.into()],
        ))
        .await?;
    Ok(row.map(|r| r.try_get::<i64>("", "n")).transpose()?.unwrap_or(0) as u64)
}

/// A log's head now: count and last id in one statement, so they agree.
async fn head<C: ConnectionTrait>(c: &C, log: Log) -> Result<Head, DbErr> {
    let row = c
        .query_one_raw(Statement::from_string(
            c.get_database_backend(),
            format!("SELECT COUNT(*) AS n, MAX(id) AS m FROM {}", log.table()),
        ))
        .await?;
    let (n, m) = match row {
        Some(r) => (r.try_get::<i64>("", "n")?, r.try_get::<Option<i64>>("", "m")?),
        None => (0, None),
    };
    let Some(last_id) = m else { return Ok(Head::empty()) };
    Ok(Head {
        rows: n as u64,
        last_id,
        hash: hash_of(c, log, last_id).await?.unwrap_or_else(|| GENESIS.into()),
    })
}

/// How a log now differs from a checkpoint of it (cheap: three indexed reads).
async fn since<C: ConnectionTrait>(c: &C, log: Log, now: &Head, cp: &Head) -> Result<Vec<TailFinding>, DbErr> {
    Ok(against_checkpoint(
        cp,
        &SinceCheckpoint {
            rows: now.rows,
            last_id: now.last_id,
            hash_at_checkpoint: hash_of(c, log, cp.last_id).await?,
            rows_to_checkpoint: count_to(c, log, cp.last_id).await?,
        },
    ))
}

/// Appends a signed checkpoint of both logs to `dir/audit-checkpoints.log` and returns it; when
/// nothing was written since the last one, returns that one unchanged. Refused (409) when the
/// file holds a line that is not validly signed, or when a log no longer extends the last
/// checkpoint (a cut tail, an emptied table): the evidence is kept until someone looks at it.
pub async fn checkpoint(db: &Db, dir: &Path) -> DbResult<Checkpoint> {
    let key = ChainKey::from_field_cipher(&db.cipher);
    let read = read_checkpoints(dir, &key)?;
    if !read.bad_lines.is_empty() {
        return Err(DbError::Conflict(format!(
            "检查点文件第 {:?} 行签名不符，未写入新检查点；请运行 zongguan audit verify",
            read.bad_lines
        )));
    }
    let c = &db.conn;
    let audit = head(c, Log::Audit).await?;
    let login = head(c, Log::Login).await?;
    if let Some(last) = &read.last {
        let mut found = since(c, Log::Audit, &audit, &last.audit).await?;
        found.extend(since(c, Log::Login, &login, &last.login).await?);
        if !found.is_empty() {
            return Err(DbError::Conflict(format!(
                "日志与上一检查点（{}）不再衔接，未写入新检查点；请运行 zongguan audit verify：{found:?}",
                last.at
            )));
        }
        if last.audit == audit && last.login == login {
            return Ok(last.clone());
        }
    }
    let cp = Checkpoint {
        at: Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true),
        audit,
        login,
    };
    std::fs::create_dir_all(dir).map_err(|e| io_err(&format!("创建 {}", dir.display()), e))?;
    let path = dir.join(CHECKPOINT_FILE);
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .map_err(|e| io_err(&format!("打开 {}", path.display()), e))?;
    // One write of one line: appends from two processes do not interleave.
    f.write_all(format!("{}\n", cp.to_line(&key)).as_bytes())
        .and_then(|()| f.sync_data())
        .map_err(|e| io_err(&format!("写入 {}", path.display()), e))?;
    Ok(cp)
}
