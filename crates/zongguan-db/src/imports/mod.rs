//! Spreadsheet imports of the registries: every row checked, errors named by row and column,
//! and all accepted rows written in one transaction (a crash leaves the old state).
mod buildings;
mod houses;
mod jobs;
mod residents;

pub use jobs::{
    ImportJob, create_job, fail_interrupted, finish_job, get_job, purge_rejected_rows, rejected_rows, rejections,
    set_running,
};

use std::collections::{HashMap, HashSet};

use sea_orm::ConnectionTrait;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use zongguan_core::dict;
use zongguan_core::field::FieldError;

use crate::audit::{self, Event};
use crate::{Actor, Db, DbError, DbResult};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Residents,
    Buildings,
    Houses,
}

impl Kind {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "residents" => Some(Self::Residents),
            "buildings" => Some(Self::Buildings),
            "houses" => Some(Self::Houses),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Residents => "residents",
            Self::Buildings => "buildings",
            Self::Houses => "houses",
        }
    }
    pub fn zh(self) -> &'static str {
        match self {
            Self::Residents => "实有人口",
            Self::Buildings => "楼栋",
            Self::Houses => "房屋",
        }
    }
    /// The template's headers, in order. Files may order them differently.
    pub fn headers(self) -> &'static [&'static str] {
        match self {
            Self::Residents => &[
                "姓名",
                "证件类型",
                "证件号码",
                "性别",
                "出生日期",
                "民族",
                "人口类型",
                "联系电话",
                "楼栋编码",
                "房号",
                "入住日期",
                "与户主关系",
            ],
            Self::Buildings => &[
                "楼栋编码",
                "楼栋名称",
                "地址",
                "网格编码",
                "经度",
                "纬度",
                "层数",
                "用途",
            ],
            Self::Houses => &["楼栋编码", "房号", "面积", "用途", "是否出租"],
        }
    }
    /// Headers that must be present (cells may still be empty where the field is optional).
    pub fn required_headers(self) -> &'static [&'static str] {
        match self {
            Self::Residents => &["姓名", "证件号码", "人口类型", "楼栋编码", "房号"],
            Self::Buildings => &["楼栋编码", "楼栋名称", "网格编码", "经度", "纬度", "用途"],
            Self::Houses => &["楼栋编码", "房号", "用途"],
        }
    }
    /// The dropdown of a coded column.
    pub fn dropdown(header: &str) -> Option<dict::Dict> {
        Some(match header {
            "证件类型" => dict::ID_TYPES,
            "性别" => dict::GENDERS,
            "民族" => dict::ETHNICITIES,
            "人口类型" => dict::REGISTRATION_TYPES,
            "与户主关系" => dict::RELATIONS,
            "用途" => dict::USE_TYPES,
            "是否出租" => dict::YES_NO,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Nothing is written if any row is rejected.
    AllOrNothing,
    /// Good rows are written, rejected rows are reported.
    ValidRows,
}

impl Mode {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "all_or_nothing" => Some(Self::AllOrNothing),
            "valid_rows" => Some(Self::ValidRows),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AllOrNothing => "all_or_nothing",
            Self::ValidRows => "valid_rows",
        }
    }
}

/// A data row: its spreadsheet row number (the header is row 1) and its cells in header order.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SheetRow {
    pub row: u32,
    pub cells: Vec<String>,
}

/// Why a row was rejected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Rejection {
    /// Spreadsheet row number (header = row 1).
    pub row: u32,
    /// The column's header.
    pub column: String,
    /// Chinese, for the person fixing the file.
    pub message: String,
}

/// Rejected rows kept in full for the fix-up download; past this only counted (a file of
/// nonsense cannot fill the database with its copy).
pub const KEPT_REJECTED_ROWS: usize = 1000;
/// Reasons kept (a row may have several).
pub const KEPT_REASONS: usize = 5000;

#[derive(Debug, Clone, Default)]
pub struct Outcome {
    pub total: u64,
    pub accepted: u64,
    /// The reasons, the first [`KEPT_REASONS`] of them.
    pub rejected: Vec<Rejection>,
    /// The rejected rows as read, the first [`KEPT_REJECTED_ROWS`], for the download to fix and
    /// re-import.
    pub rejected_rows: Vec<SheetRow>,
    /// Every rejected row, kept or not.
    pub rejected_count: u64,
}

/// Where each template column sits in the file; a missing required header fails the whole file.
pub fn map_headers(kind: Kind, header: &[String]) -> Result<HashMap<&'static str, usize>, String> {
    let mut at = HashMap::new();
    for h in kind.headers() {
        if let Some(i) = header.iter().position(|x| x.trim() == *h) {
            at.insert(*h, i);
        }
    }
    let missing: Vec<&str> = kind
        .required_headers()
        .iter()
        .filter(|h| !at.contains_key(*h))
        .copied()
        .collect();
    if !missing.is_empty() {
        return Err(format!("表头缺少列：{}（请使用下载的模板）", missing.join("、")));
    }
    Ok(at)
}

/// Maps a field error to the column it came from.
fn column_of(kind: Kind, field: &str) -> &'static str {
    let pairs: &[(&str, &str)] = match kind {
        Kind::Residents => &[
            ("name", "姓名"),
            ("id_type", "证件类型"),
            ("id_number", "证件号码"),
            ("gender", "性别"),
            ("birth_date", "出生日期"),
            ("ethnicity", "民族"),
            ("registration_type", "人口类型"),
            ("phone", "联系电话"),
            ("nationality", "证件类型"),
        ],
        Kind::Buildings => &[
            ("code", "楼栋编码"),
            ("name", "楼栋名称"),
            ("address", "地址"),
            ("lon", "经度"),
            ("lat", "纬度"),
            ("floors", "层数"),
            ("use_type", "用途"),
        ],
        Kind::Houses => &[("room", "房号"), ("area", "面积"), ("use_type", "用途")],
    };
    pairs.iter().find(|(f, _)| *f == field).map(|(_, c)| *c).unwrap_or("")
}

fn reject(out: &mut Vec<Rejection>, row: u32, column: &str, message: impl Into<String>) {
    out.push(Rejection {
        row,
        column: column.into(),
        message: message.into(),
    });
}

fn field_errors(out: &mut Vec<Rejection>, kind: Kind, row: u32, errors: Vec<FieldError>) {
    for e in errors {
        reject(out, row, column_of(kind, e.field), e.message);
    }
}

fn number(out: &mut Vec<Rejection>, row: u32, column: &str, v: &str, required: bool) -> Option<f64> {
    if v.is_empty() {
        if required {
            reject(out, row, column, format!("{column}不能为空"));
        }
        return None;
    }
    match v.parse::<f64>() {
        Ok(n) if n.is_finite() => Some(n),
        _ => {
            reject(out, row, column, format!("{column}“{v}”不是数字"));
            None
        }
    }
}

/// Rows as a reader hands them over: chunks in file order, or why the file cannot be read further.
pub type RowChunks = tokio::sync::mpsc::Receiver<Result<Vec<SheetRow>, String>>;

/// Feeds rows already in memory (tests, small files) to [`run`].
pub fn chunks_of(rows: Vec<SheetRow>) -> RowChunks {
    let (tx, rx) = tokio::sync::mpsc::channel(2);
    tokio::spawn(async move {
        let mut rows = rows.into_iter().peekable();
        while rows.peek().is_some() {
            if tx.send(Ok(rows.by_ref().take(2000).collect())).await.is_err() {
                break;
            }
        }
    });
    rx
}

fn cell<'r>(at: &HashMap<&'static str, usize>, r: &'r SheetRow, h: &str) -> &'r str {
    at.get(h).and_then(|i| r.cells.get(*i)).map(|s| s.trim()).unwrap_or("")
}

/// What an import has found so far, carried from chunk to chunk.
struct Progress<'a> {
    kind: Kind,
    mode: Mode,
    at: &'a HashMap<&'static str, usize>,
    out: Outcome,
    /// Key fingerprint → the row it was first seen on.
    seen: HashMap<u64, u32>,
    /// The grids given new residents.
    grids: HashSet<i64>,
    /// SQLite: the next resident id to give (the writer lock keeps others out).
    next_id: Option<i64>,
}

impl Progress<'_> {
    /// In all-or-nothing mode the first rejection stops the writing; checking goes on to report every row.
    fn writing(&self) -> bool {
        self.mode == Mode::ValidRows || self.out.rejected.is_empty()
    }
    fn get<'r>(&self, r: &'r SheetRow, h: &str) -> &'r str {
        cell(self.at, r, h)
    }
    /// Records a row's rejections; false when there were none.
    fn rejected(&mut self, r: &SheetRow, errs: Vec<Rejection>) -> bool {
        if errs.is_empty() {
            return false;
        }
        let room = KEPT_REASONS.saturating_sub(self.out.rejected.len());
        self.out.rejected.extend(errs.into_iter().take(room));
        if self.out.rejected_rows.len() < KEPT_REJECTED_ROWS {
            self.out.rejected_rows.push(r.clone());
        }
        self.out.rejected_count += 1;
        true
    }
    /// The row that first used this key, or None (and the key is remembered).
    fn repeated(&mut self, key: u64, row: u32) -> Option<u32> {
        match self.seen.entry(key) {
            std::collections::hash_map::Entry::Occupied(e) => Some(*e.get()),
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(row);
                None
            }
        }
    }
}

/// Checks every row and writes the accepted ones, chunk by chunk, in one transaction: a crash
/// leaves the old state; in all-or-nothing mode any rejection rolls everything back.
/// `progress(processed)` is called after each chunk.
pub async fn run(
    db: &Db,
    actor: &Actor,
    kind: Kind,
    mode: Mode,
    header: &[String],
    mut rows: RowChunks,
    progress: &(dyn Fn(u64) + Sync),
) -> DbResult<Outcome> {
    let at = map_headers(kind, header).map_err(|m| DbError::invalid("file", m))?;
    let mut p = Progress {
        kind,
        mode,
        at: &at,
        out: Outcome::default(),
        seen: HashMap::new(),
        grids: HashSet::new(),
        next_id: None,
    };
    // Residents point only at houses checked in this import and at those houses' grids.
    let txn = if kind == Kind::Residents {
        db.begin_bulk_write().await?
    } else {
        db.begin_write().await?
    };
    let c = &*txn;
    let deferred = tune(db, c, kind, &mut p).await?;
    let timing = match kind {
        Kind::Residents => residents::write_all(db, actor, c, &mut p, &mut rows, progress).await?,
        Kind::Buildings => {
            let grids = buildings::grids_in_scope(c, &actor.scope).await?;
            while let Some(chunk) = next_chunk(&mut rows).await? {
                p.out.total += chunk.len() as u64;
                buildings::building_chunk(c, actor, &mut p, &grids, chunk).await?;
                progress(p.out.total);
            }
            Timing::default()
        }
        Kind::Houses => {
            while let Some(chunk) = next_chunk(&mut rows).await? {
                p.out.total += chunk.len() as u64;
                houses::house_chunk(c, actor, &mut p, chunk).await?;
                progress(p.out.total);
            }
            Timing::default()
        }
    };
    finish(db, actor, txn, p, deferred, timing).await
}

/// The next chunk of rows, or None at the end of the file.
async fn next_chunk(rows: &mut RowChunks) -> DbResult<Option<Vec<SheetRow>>> {
    rows.recv().await.transpose().map_err(|m| DbError::invalid("file", m))
}

/// SQLite: a larger page cache for the import's connection and, for residents, the row triggers
/// set aside (see `residents::RowTriggers`).
async fn tune<C: ConnectionTrait>(
    db: &Db,
    c: &C,
    kind: Kind,
    p: &mut Progress<'_>,
) -> DbResult<Option<residents::RowTriggers>> {
    if db.backend != crate::Backend::Sqlite {
        return Ok(None);
    }
    // Checking and inserting millions of identity numbers touches their index at random:
    // a larger page cache for this transaction's connection keeps it in memory.
    c.execute_unprepared("PRAGMA cache_size = -393216").await?;
    if kind != Kind::Residents {
        return Ok(None);
    }
    let d = residents::RowTriggers::defer(c).await?;
    p.next_id = Some(d.first_id);
    Ok(Some(d))
}

/// Where the writer's time went (RUST_LOG=zongguan_db=debug): waiting for the checking stage, writing.
#[derive(Default)]
struct Timing {
    waited: std::time::Duration,
    wrote: std::time::Duration,
}

/// Sorts the findings and commits, or rolls back when nothing is to be written.
async fn finish(
    db: &Db,
    actor: &Actor,
    txn: crate::WriteTxn,
    p: Progress<'_>,
    deferred: Option<residents::RowTriggers>,
    timing: Timing,
) -> DbResult<Outcome> {
    let c = &*txn;
    let kind = p.kind;
    let mut out = p.out;
    out.rejected.sort_by_key(|r| r.row);
    out.rejected_rows.sort_by_key(|r| r.row);
    if p.mode == Mode::AllOrNothing && !out.rejected.is_empty() {
        out.accepted = 0;
    }
    if db.backend == crate::Backend::Sqlite {
        c.execute_unprepared("PRAGMA cache_size = -32768").await?;
    }
    if out.accepted == 0 {
        drop(txn);
        return Ok(out);
    }
    let t = std::time::Instant::now();
    if let Some(d) = deferred {
        d.restore(c, &p.grids).await?;
    }
    let restored = t.elapsed();
    audit::append(
        c,
        db.backend,
        actor,
        Event::ok("import", kind.as_str(), "").detail(format!(
            "导入{} {} 行，拒绝 {} 行",
            kind.zh(),
            out.accepted,
            out.rejected_count
        )),
    )
    .await?;
    let t = std::time::Instant::now();
    txn.commit().await?;
    tracing::debug!(
        "import {}: {} rows; waited {:?} for checking, wrote {:?}, restored triggers {restored:?}, committed {:?}",
        kind.as_str(),
        out.accepted,
        timing.waited,
        timing.wrote,
        t.elapsed()
    );
    Ok(out)
}
