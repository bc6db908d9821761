//! Spreadsheet imports of the registries: every row checked, errors named by row and column,
//! and all accepted rows written in one transaction (a crash leaves the old state).
use std::collections::{HashMap, HashSet};

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use zongguan_core::dict;
use zongguan_core::rbac::Scope;
use zongguan_core::registry::{self as rules, FieldError, ResidentInput, ResidentRecord};

use crate::audit::{self, Event};
use crate::entity::{building, house, import_job, org_unit, residence, resident};
use crate::registry::{check_building, check_house, resident_model};
use crate::{Actor, Db, DbError, DbResult, scope};

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

#[derive(Debug, Clone, Default)]
pub struct Outcome {
    pub total: u64,
    pub accepted: u64,
    pub rejected: Vec<Rejection>,
    /// The rejected rows as read, for the download to fix and re-import.
    pub rejected_rows: Vec<SheetRow>,
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

/// Grid codes the actor may use, loaded once per import (a district has a few thousand).
async fn grids_in_scope<C: ConnectionTrait>(c: &C, s: &Scope) -> DbResult<HashMap<String, i64>> {
    Ok(org_unit::Entity::find()
        .select_only()
        .columns([org_unit::Column::Code, org_unit::Column::Id])
        .filter(org_unit::Column::Level.eq("grid"))
        .filter(scope::org_units(s))
        .into_tuple::<(String, i64)>()
        .all(c)
        .await?
        .into_iter()
        .collect())
}

/// The chunk's buildings that the actor may use: code → (id, grid).
async fn buildings_by_code<C: ConnectionTrait>(
    c: &C,
    s: &Scope,
    codes: Vec<String>,
) -> DbResult<HashMap<String, (i64, i64)>> {
    Ok(building::Entity::find()
        .select_only()
        .columns([building::Column::Code, building::Column::Id, building::Column::GridId])
        .filter(building::Column::Code.is_in(codes))
        .filter(scope::unit_column(
            s,
            building::Column::GridId,
            Some(building::Column::CreatedBy),
        ))
        .into_tuple::<(String, i64, i64)>()
        .all(c)
        .await?
        .into_iter()
        .map(|(code, id, grid)| (code, (id, grid)))
        .collect())
}

/// The rooms of these buildings: (building, room) → (house id, grid).
async fn rooms_of<C: ConnectionTrait>(c: &C, bids: Vec<i64>) -> DbResult<HashMap<(i64, String), (i64, i64)>> {
    let mut out = HashMap::new();
    for chunk in bids.chunks(1000) {
        let rows: Vec<(i64, String, i64, i64)> = house::Entity::find()
            .select_only()
            .columns([
                house::Column::BuildingId,
                house::Column::Room,
                house::Column::Id,
                house::Column::GridId,
            ])
            .filter(house::Column::BuildingId.is_in(chunk.to_vec()))
            .into_tuple()
            .all(c)
            .await?;
        out.extend(rows.into_iter().map(|(b, r, id, g)| ((b, r), (id, g))));
    }
    Ok(out)
}

/// PostgreSQL: `n` fresh ids from `table`'s sequence, so that child rows can point at rows written
/// in the same batch. (SQLite counts them from the first free id: see `Progress::next_id`.)
async fn reserve_ids<C: ConnectionTrait>(c: &C, table: &str, n: usize) -> DbResult<Vec<i64>> {
    let sql = format!("SELECT nextval(pg_get_serial_sequence('{table}', 'id')) AS m FROM generate_series(1, {n})");
    let rows = c
        .query_all_raw(sea_orm::Statement::from_string(c.get_database_backend(), sql))
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| r.try_get::<i64>("", "m").ok())
        .collect())
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
        self.out.rejected.extend(errs);
        self.out.rejected_rows.push(r.clone());
        true
    }
    /// Records what writing a batch found.
    fn taken(&mut self, w: Written) {
        self.out.accepted += w.accepted;
        for (r, e) in w.taken {
            self.rejected(&r, vec![e]);
        }
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

/// SQLite: the residents' row triggers (search index, count versions) are set aside while an
/// import writes and do their work once at the end, in the same transaction (a rollback brings
/// them back untouched). A trigger that writes to a virtual table makes every INSERT keep a
/// statement journal: a copy of each index page it touches, a page per row with random keys.
struct RowTriggers {
    /// The first id this import gives; every resident from it on is new.
    first_id: i64,
    sql: Vec<String>,
}

impl RowTriggers {
    const NAMES: &'static str = "'resident_fts_insert', 'stat_resident_insert'";

    async fn defer<C: ConnectionTrait>(c: &C) -> DbResult<Self> {
        let b = c.get_database_backend();
        let list = format!(
            "SELECT name AS n, sql AS d FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'resident' AND name IN ({})",
            Self::NAMES
        );
        let mut sql = Vec::new();
        for row in c.query_all_raw(sea_orm::Statement::from_string(b, list)).await? {
            let (n, d): (String, String) = (row.try_get("", "n")?, row.try_get("", "d")?);
            c.execute_unprepared(&format!("DROP TRIGGER {n}")).await?;
            sql.push(d);
        }
        Ok(Self {
            first_id: crate::next_id(c, "resident").await?,
            sql,
        })
    }

    async fn restore<C: ConnectionTrait>(self, c: &C, grids: &HashSet<i64>) -> DbResult<()> {
        let b = c.get_database_backend();
        c.execute_raw(sea_orm::Statement::from_sql_and_values(
            b,
            "INSERT INTO resident_fts (rowid, name) SELECT id, name FROM resident WHERE id >= ?",
            [self.first_id.into()],
        ))
        .await?;
        let units = grids.iter().map(i64::to_string).collect::<Vec<_>>().join(", ");
        c.execute_unprepared(&format!(
            "UPDATE stat_version SET version = version + 1 WHERE org_unit_id IN ({units})"
        ))
        .await?;
        for d in self.sql {
            c.execute_unprepared(&d).await?;
        }
        Ok(())
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
    let today = chrono::Local::now().date_naive();
    // Residents point only at houses checked in this import and at those houses' grids.
    let txn = if kind == Kind::Residents {
        db.begin_bulk_write().await?
    } else {
        db.begin_write().await?
    };
    let c = &*txn;
    let deferred = if db.backend == crate::Backend::Sqlite {
        // Checking and inserting millions of identity numbers touches their index at random:
        // a larger page cache for this transaction's connection keeps it in memory.
        c.execute_unprepared("PRAGMA cache_size = -393216").await?;
        if kind == Kind::Residents {
            let d = RowTriggers::defer(c).await?;
            p.next_id = Some(d.first_id);
            Some(d)
        } else {
            None
        }
    } else {
        None
    };
    let grids = if kind == Kind::Buildings {
        grids_in_scope(c, &actor.scope).await?
    } else {
        HashMap::new()
    };
    // Residents: while the writer writes one chunk, the next is checked and encrypted on another
    // thread and its buildings and rooms are looked up on the reader pool (committed state: the
    // import writes no buildings or houses).
    let stage = |chunk: Vec<SheetRow>, mut places: Places| {
        let (db, actor, at) = (db.clone(), actor.clone(), at.clone());
        tokio::spawn(async move {
            let check = (db.clone(), actor.clone(), at.clone());
            let prepared =
                tokio::task::spawn_blocking(move || prepare_residents(&check.0, &check.1, &check.2, chunk, today))
                    .await
                    .map_err(|e| DbError::invalid("file", format!("检查失败：{e}")))?;
            let here = places.for_chunk(&db.conn, &actor.scope, &at, &prepared).await?;
            Ok::<_, DbError>((prepared, places, here))
        })
    };
    let mut places = Some(Places::default());
    // Where the writer's time goes (RUST_LOG=zongguan_db=debug): waiting for the checking stage, writing.
    let (mut waited, mut wrote) = (std::time::Duration::ZERO, std::time::Duration::ZERO);
    let mut batch: Option<Batch> = None;
    let mut pending: Option<tokio::task::JoinHandle<DbResult<CheckedChunk>>> = None;
    loop {
        let next = rows.recv().await.transpose().map_err(|m| DbError::invalid("file", m))?;
        if kind != Kind::Residents {
            let Some(chunk) = next else { break };
            p.out.total += chunk.len() as u64;
            match kind {
                Kind::Buildings => building_chunk(c, actor, &mut p, &grids, chunk).await?,
                _ => house_chunk(c, actor, &mut p, chunk).await?,
            }
            progress(p.out.total);
            continue;
        }
        let finished = next.is_none();
        // The previous stage hands the building cache back before the next one starts.
        let ready = match pending.take() {
            Some(h) => {
                let t = std::time::Instant::now();
                let (prepared, cache, here) = h
                    .await
                    .map_err(|e| DbError::invalid("file", format!("检查失败：{e}")))??;
                waited += t.elapsed();
                places = Some(cache);
                Some((prepared, here))
            }
            None => None,
        };
        if let Some(chunk) = next {
            pending = Some(stage(chunk, places.take().unwrap_or_default()));
        }
        let t = std::time::Instant::now();
        let checked = match ready {
            Some((prepared, here)) => {
                p.out.total += prepared.len() as u64;
                // The batch before is written while this chunk is checked: its statements run on
                // the connection's own thread while this task builds the next ones.
                let (w, checked) = tokio::join!(
                    write_residents(c, actor, batch.take()),
                    check_residents(c, &mut p, &here, prepared)
                );
                p.taken(w?);
                checked?
            }
            None => None,
        };
        if finished {
            // The last batch: nothing is left to check beside it.
            p.taken(write_residents(c, actor, checked).await?);
        } else {
            batch = checked;
        }
        wrote += t.elapsed();
        progress(p.out.total);
        if finished {
            break;
        }
    }
    let mut out = p.out;
    out.rejected.sort_by_key(|r| r.row);
    out.rejected_rows.sort_by_key(|r| r.row);
    if mode == Mode::AllOrNothing && !out.rejected.is_empty() {
        out.accepted = 0;
    }
    if db.backend == crate::Backend::Sqlite {
        c.execute_unprepared("PRAGMA cache_size = -32768").await?;
    }
    if out.accepted > 0 {
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
                out.rejected_rows.len()
            )),
        )
        .await?;
        let t = std::time::Instant::now();
        txn.commit().await?;
        tracing::debug!(
            "import {}: {} rows; waited {waited:?} for checking, wrote {wrote:?}, restored triggers {restored:?}, committed {:?}",
            kind.as_str(),
            out.accepted,
            t.elapsed()
        );
    } else {
        drop(txn);
    }
    Ok(out)
}

async fn building_chunk<C: ConnectionTrait>(
    c: &C,
    actor: &Actor,
    p: &mut Progress<'_>,
    grids: &HashMap<String, i64>,
    rows: Vec<SheetRow>,
) -> DbResult<()> {
    let codes: Vec<String> = rows
        .iter()
        .map(|r| p.get(r, "楼栋编码").to_string())
        .filter(|s| !s.is_empty())
        .collect();
    let existing: HashSet<String> = building::Entity::find()
        .select_only()
        .column(building::Column::Code)
        .filter(building::Column::Code.is_in(codes))
        .into_tuple::<String>()
        .all(c)
        .await?
        .into_iter()
        .collect();
    let mut good = Vec::new();
    for r in &rows {
        let mut errs = Vec::new();
        let lon = number(&mut errs, r.row, "经度", p.get(r, "经度"), true);
        let lat = number(&mut errs, r.row, "纬度", p.get(r, "纬度"), true);
        let floors = number(&mut errs, r.row, "层数", p.get(r, "层数"), false)
            .map(|f| f as i32)
            .unwrap_or(1);
        let grid = grids.get(p.get(r, "网格编码")).copied();
        if grid.is_none() {
            reject(
                &mut errs,
                r.row,
                "网格编码",
                format!("网格编码“{}”不存在或不在您的数据范围内", p.get(r, "网格编码")),
            );
        }
        let checked = match check_building(
            p.get(r, "楼栋编码"),
            p.get(r, "楼栋名称"),
            p.get(r, "地址"),
            lon.unwrap_or(114.0),
            lat.unwrap_or(22.0),
            floors,
            p.get(r, "用途"),
        ) {
            Ok(b) => Some(b),
            Err(e) => {
                field_errors(&mut errs, p.kind, r.row, e);
                None
            }
        };
        if let Some(b) = &checked {
            if existing.contains(&b.code) {
                reject(&mut errs, r.row, "楼栋编码", format!("楼栋编码 {} 已存在", b.code));
            } else if let Some(first) = p.repeated(crate::fingerprint(&[&b.code]), r.row) {
                reject(
                    &mut errs,
                    r.row,
                    "楼栋编码",
                    format!("楼栋编码 {} 与第 {first} 行重复", b.code),
                );
            }
        }
        if !p.rejected(r, errs)
            && let (Some(b), Some(g)) = (checked, grid)
        {
            good.push((b, g));
        }
    }
    if p.writing() && !good.is_empty() {
        let now = Utc::now();
        p.out.accepted += good.len() as u64;
        for chunk in good.chunks(1000) {
            building::Entity::insert_many(chunk.iter().map(|(b, g)| building::ActiveModel {
                code: Set(b.code.clone()),
                name: Set(b.name.clone()),
                address: Set(b.address.clone()),
                grid_id: Set(*g),
                lon: Set(b.lon),
                lat: Set(b.lat),
                footprint: Set(None),
                floors: Set(b.floors),
                structure: Set(String::new()),
                use_type: Set(b.use_type.into()),
                property_company_id: Set(None),
                manager: Set(String::new()),
                created_by: Set(actor.user_id),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }))
            .exec_without_returning(c)
            .await?;
        }
    }
    Ok(())
}

async fn house_chunk<C: ConnectionTrait>(
    c: &C,
    actor: &Actor,
    p: &mut Progress<'_>,
    rows: Vec<SheetRow>,
) -> DbResult<()> {
    let codes: Vec<String> = rows
        .iter()
        .map(|r| p.get(r, "楼栋编码").to_string())
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let buildings = buildings_by_code(c, &actor.scope, codes).await?;
    let existing = rooms_of(c, buildings.values().map(|b| b.0).collect()).await?;
    let mut good = Vec::new();
    for r in &rows {
        let mut errs = Vec::new();
        let b = buildings.get(p.get(r, "楼栋编码")).copied();
        if b.is_none() {
            reject(
                &mut errs,
                r.row,
                "楼栋编码",
                format!("楼栋编码“{}”不存在或不在您的数据范围内", p.get(r, "楼栋编码")),
            );
        }
        let area = number(&mut errs, r.row, "面积", p.get(r, "面积"), false);
        let rental = match p.get(r, "是否出租") {
            "" => Some(false),
            v => match dict::code_of(dict::YES_NO, v) {
                Some(c) => Some(c == "true"),
                None => {
                    reject(&mut errs, r.row, "是否出租", format!("是否出租“{v}”须为 是 或 否"));
                    None
                }
            },
        };
        let checked = match check_house(p.get(r, "房号"), area, p.get(r, "用途")) {
            Ok(h) => Some(h),
            Err(e) => {
                field_errors(&mut errs, p.kind, r.row, e);
                None
            }
        };
        if let (Some((bid, _)), Some((room, _))) = (b, &checked) {
            if existing.contains_key(&(bid, room.clone())) {
                reject(&mut errs, r.row, "房号", format!("房号 {room} 已存在"));
            } else if let Some(first) = p.repeated(crate::fingerprint(&[&bid.to_string(), room]), r.row) {
                reject(&mut errs, r.row, "房号", format!("房号 {room} 与第 {first} 行重复"));
            }
        }
        if !p.rejected(r, errs)
            && let (Some(b), Some(h), Some(rental)) = (b, checked, rental)
        {
            good.push((b, h, area, rental));
        }
    }
    if p.writing() && !good.is_empty() {
        let now = Utc::now();
        p.out.accepted += good.len() as u64;
        for chunk in good.chunks(1000) {
            house::Entity::insert_many(chunk.iter().map(|((bid, grid), (room, use_type), area, rental)| {
                house::ActiveModel {
                    building_id: Set(*bid),
                    grid_id: Set(*grid),
                    room: Set(room.clone()),
                    area: Set(*area),
                    use_type: Set((*use_type).into()),
                    owner_resident_id: Set(None),
                    owner_org: Set(String::new()),
                    is_rental: Set(*rental),
                    rental_use: Set(String::new()),
                    rental_risk_class: Set(None),
                    created_by: Set(actor.user_id),
                    created_at: Set(now),
                    updated_at: Set(now),
                    ..Default::default()
                }
            }))
            .exec_without_returning(c)
            .await?;
        }
    }
    Ok(())
}

/// A resident row after the checks that need no database, made off the writer's task.
struct PreparedResident {
    row: SheetRow,
    errs: Vec<Rejection>,
    rec: Option<ResidentRecord>,
    model: Option<resident::ActiveModel>,
    hash: Option<Vec<u8>>,
    since: Option<chrono::NaiveDate>,
    relation: Option<&'static str>,
}

fn cell<'r>(at: &HashMap<&'static str, usize>, r: &'r SheetRow, h: &str) -> &'r str {
    at.get(h).and_then(|i| r.cells.get(*i)).map(|s| s.trim()).unwrap_or("")
}

/// Field checks, identity-number rules and encryption of one chunk: pure CPU work.
fn prepare_residents(
    db: &Db,
    actor: &Actor,
    at: &HashMap<&'static str, usize>,
    rows: Vec<SheetRow>,
    today: chrono::NaiveDate,
) -> Vec<PreparedResident> {
    rows.into_iter()
        .map(|r| {
            let get = |h: &str| cell(at, &r, h).to_string();
            let input = ResidentInput {
                name: get("姓名"),
                id_type: get("证件类型"),
                id_number: get("证件号码"),
                gender: get("性别"),
                birth_date: get("出生日期"),
                ethnicity: get("民族"),
                registration_type: get("人口类型"),
                phone: get("联系电话"),
                nationality: String::new(),
            };
            let mut errs = Vec::new();
            let rec = rules::check_resident(&input, today)
                .map_err(|e| field_errors(&mut errs, Kind::Residents, r.row, e))
                .ok();
            if cell(at, &r, "房号").is_empty() {
                reject(&mut errs, r.row, "房号", "房号不能为空");
            }
            let since = match cell(at, &r, "入住日期") {
                "" => Some(today),
                v => rules::date("since", "入住日期", v)
                    .map_err(|e| reject(&mut errs, r.row, "入住日期", e.message))
                    .ok(),
            };
            let relation = match cell(at, &r, "与户主关系") {
                "" => Some(""),
                v => rules::coded("relation", "与户主关系", dict::RELATIONS, v)
                    .map_err(|e| reject(&mut errs, r.row, "与户主关系", e.message))
                    .ok(),
            };
            // The grid is set once the house is known.
            let model = rec.as_ref().map(|rec| {
                let mut m = resident_model(db, actor, rec, 0);
                // The template has no cells for these: left to their default, fewer values to bind.
                use resident::Column as C;
                for c in [
                    C::FormerName,
                    C::NativePlaceCode,
                    C::RegisteredAddressCode,
                    C::RegisteredAddress,
                    C::CurrentAddress,
                    C::Education,
                    C::MaritalStatus,
                    C::PoliticalStatus,
                    C::Occupation,
                    C::Employer,
                    C::SpecialGroups,
                ] {
                    m.not_set(c);
                }
                m
            });
            let hash = model.as_ref().and_then(|m| match &m.id_number_hash {
                Set(h) => Some(h.clone()),
                _ => None,
            });
            PreparedResident {
                row: r,
                errs,
                rec,
                model,
                hash,
                since,
                relation,
            }
        })
        .collect()
}

/// Buildings and their rooms met so far in this import: files list a building's people together,
/// so most chunks find theirs here. Bounded to keep memory flat.
#[derive(Default)]
struct Places {
    /// code → (building id, grid), or None when it does not exist or is out of scope.
    buildings: HashMap<String, Option<(i64, i64)>>,
    rooms: HashMap<(i64, String), (i64, i64)>,
}

/// The buildings and rooms one chunk names, handed from the lookup stage to the writer.
#[derive(Default)]
struct ChunkPlaces {
    buildings: HashMap<String, Option<(i64, i64)>>,
    rooms: HashMap<(i64, String), (i64, i64)>,
}

impl Places {
    /// Looks up the chunk's building codes not met before and hands back the chunk's own places.
    async fn for_chunk<C: ConnectionTrait>(
        &mut self,
        c: &C,
        s: &Scope,
        at: &HashMap<&'static str, usize>,
        rows: &[PreparedResident],
    ) -> DbResult<ChunkPlaces> {
        self.load(c, s, rows.iter().map(|x| cell(at, &x.row, "楼栋编码").to_string()))
            .await?;
        let mut here = ChunkPlaces::default();
        for x in rows {
            let code = cell(at, &x.row, "楼栋编码");
            let b = self.buildings.get(code).copied().flatten();
            here.buildings.insert(code.to_string(), b);
            if let Some((bid, _)) = b {
                let key = (bid, cell(at, &x.row, "房号").to_string());
                if let Some(h) = self.rooms.get(&key) {
                    here.rooms.insert(key, *h);
                }
            }
        }
        Ok(here)
    }

    async fn load<C: ConnectionTrait>(
        &mut self,
        c: &C,
        s: &Scope,
        codes: impl Iterator<Item = String>,
    ) -> DbResult<()> {
        let missing: Vec<String> = codes
            .filter(|c| !self.buildings.contains_key(c))
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        if missing.is_empty() {
            return Ok(());
        }
        if self.buildings.len() > 200_000 {
            self.buildings.clear();
            self.rooms.clear();
        }
        let found = buildings_by_code(c, s, missing.clone()).await?;
        self.rooms
            .extend(rooms_of(c, found.values().map(|b| b.0).collect()).await?);
        for code in missing {
            let b = found.get(&code).copied();
            self.buildings.insert(code, b);
        }
        Ok(())
    }
}

/// A chunk's accepted residents with their ids, written while the next chunk is checked.
/// A chunk the checking stage hands the writer: its residents, the places known so far, the chunk's own.
type CheckedChunk = (Vec<PreparedResident>, Places, ChunkPlaces);

struct Batch {
    /// The residents' insert statements, built while the batch before is written.
    statements: Vec<sea_orm::Statement>,
    ids: Vec<i64>,
    /// id, house, since, relation, the row and its masked number (for a rejection).
    rest: Vec<(i64, i64, chrono::NaiveDate, &'static str, SheetRow, String)>,
}

/// What writing a batch found: rows accepted, and rows whose number the unique index already held.
#[derive(Default)]
struct Written {
    accepted: u64,
    taken: Vec<(SheetRow, Rejection)>,
}

/// Decides each row of a chunk: rejected with its reasons, or accepted into a batch with its id.
async fn check_residents<C: ConnectionTrait>(
    c: &C,
    p: &mut Progress<'_>,
    places: &ChunkPlaces,
    prepared: Vec<PreparedResident>,
) -> DbResult<Option<Batch>> {
    // Numbers registered before: while a chunk writes, the unique index finds them in the insert
    // itself (no lookup ahead, and a concurrent import on PostgreSQL meets a rejection, not an
    // error); a chunk that only checks (all-or-nothing after a rejection) looks them up. Decided
    // once per chunk, so a writing chunk inserts all its good rows (rolled back if need be).
    let writing = p.writing();
    let known: HashSet<Vec<u8>> = if writing {
        HashSet::new()
    } else {
        let hashes: Vec<Vec<u8>> = prepared.iter().filter_map(|x| x.hash.clone()).collect();
        resident::Entity::find()
            .select_only()
            .column(resident::Column::IdNumberHash)
            .filter(resident::Column::IdNumberHash.is_in(hashes))
            .into_tuple()
            .all(c)
            .await?
            .into_iter()
            .collect()
    };
    let mut ready = Vec::new();
    for x in prepared {
        let PreparedResident {
            row: r,
            mut errs,
            rec,
            model,
            hash,
            since,
            relation,
        } = x;
        let code = p.get(&r, "楼栋编码");
        let room = p.get(&r, "房号");
        let house = match places.buildings.get(code).copied().flatten() {
            None => {
                reject(
                    &mut errs,
                    r.row,
                    "楼栋编码",
                    format!("楼栋编码“{code}”不存在或不在您的数据范围内"),
                );
                None
            }
            Some(_) if room.is_empty() => None,
            Some((bid, _)) => {
                let h = places.rooms.get(&(bid, room.to_string())).copied();
                if h.is_none() {
                    reject(&mut errs, r.row, "房号", format!("该楼栋没有房号 {room}，请先登记房屋"));
                }
                h
            }
        };
        if let Some(rec) = &rec {
            if let Some(first) = p.repeated(crate::fingerprint(&[&rec.id_number]), r.row) {
                reject(&mut errs, r.row, "证件号码", format!("证件号码与第 {first} 行重复"));
            } else if hash.as_ref().is_some_and(|h| known.contains(h)) {
                reject(
                    &mut errs,
                    r.row,
                    "证件号码",
                    format!("证件号码 {} 已登记", rec.id_masked),
                );
            }
        }
        errs.sort_by_key(|e| column_order(&e.column));
        if !p.rejected(&r, errs)
            && let (Some(mut m), Some((house_id, grid)), Some(since), Some(relation)) = (model, house, since, relation)
        {
            m.org_unit_id = Set(grid);
            p.grids.insert(grid);
            ready.push((
                m,
                house_id,
                since,
                relation,
                r,
                rec.map(|x| x.id_masked).unwrap_or_default(),
            ));
        }
    }
    if !writing || ready.is_empty() {
        return Ok(None);
    }
    let ids = match p.next_id.as_mut() {
        // SQLite: counted here, so a chunk gets its ids while the one before is still being written.
        Some(next) => {
            let first = *next;
            *next += ready.len() as i64;
            (first..*next).collect()
        }
        None => reserve_ids(c, "resident", ready.len()).await?,
    };
    let mut models = Vec::with_capacity(ready.len());
    let mut rest = Vec::with_capacity(ready.len());
    for ((mut m, house_id, since, relation, r, masked), id) in ready.into_iter().zip(ids.iter().copied()) {
        m.id = Set(id);
        models.push(m);
        rest.push((id, house_id, since, relation, r, masked));
    }
    let statements = crate::insert_new_statements(c.get_database_backend(), models, "id_number_hash")?;
    Ok(Some(Batch { statements, ids, rest }))
}

/// Writes a batch's residents and their residences.
async fn write_residents<C: ConnectionTrait>(c: &C, actor: &Actor, batch: Option<Batch>) -> DbResult<Written> {
    let Some(Batch { statements, ids, rest }) = batch else {
        return Ok(Written::default());
    };
    let left_out = crate::insert_new(c, "resident", statements, &ids).await?;
    let now = Utc::now();
    let mut out = Written::default();
    let mut residences = Vec::with_capacity(rest.len());
    for (id, house_id, since, relation, r, masked) in rest {
        if left_out.contains(&id) {
            let e = Rejection {
                row: r.row,
                column: "证件号码".into(),
                message: format!("证件号码 {masked} 已登记"),
            };
            out.taken.push((r, e));
            continue;
        }
        residences.push(residence::ActiveModel {
            resident_id: Set(id),
            house_id: Set(house_id),
            relation: Set(relation.into()),
            since: Set(since),
            until: Set(None),
            created_by: Set(actor.user_id),
            created_at: Set(now),
            ..Default::default()
        });
    }
    out.accepted = residences.len() as u64;
    crate::bulk_insert_models(c, residences).await?;
    Ok(out)
}

/// Rejections of a row in the template's column order.
fn column_order(column: &str) -> usize {
    Kind::Residents
        .headers()
        .iter()
        .position(|h| *h == column)
        .unwrap_or(usize::MAX)
}

// ---------- jobs ----------

/// An import job as the API shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ImportJob {
    pub id: i64,
    /// residents | buildings | houses
    pub kind: String,
    /// all_or_nothing | valid_rows
    pub mode: String,
    /// queued | running | done | failed
    pub status: String,
    pub file_name: String,
    pub total: u64,
    pub processed: u64,
    pub accepted: u64,
    pub rejected: Vec<Rejection>,
    /// Why a failed job failed (e.g. a missing header).
    pub error: Option<String>,
}

impl From<import_job::Model> for ImportJob {
    fn from(m: import_job::Model) -> Self {
        Self {
            id: m.id,
            kind: m.kind,
            mode: m.mode,
            status: m.status,
            file_name: m.file_name,
            total: m.total as u64,
            processed: m.processed as u64,
            accepted: m.accepted as u64,
            rejected: serde_json::from_str(&m.rejected).unwrap_or_default(),
            error: m.error,
        }
    }
}

pub async fn create_job(db: &Db, actor: &Actor, kind: Kind, mode: Mode, file_name: &str) -> DbResult<ImportJob> {
    let m = import_job::ActiveModel {
        kind: Set(kind.as_str().into()),
        mode: Set(mode.as_str().into()),
        status: Set("queued".into()),
        file_name: Set(file_name.chars().take(200).collect()),
        total: Set(0),
        processed: Set(0),
        accepted: Set(0),
        rejected: Set("[]".into()),
        header: Set("[]".into()),
        rejected_rows: Set("[]".into()),
        error: Set(None),
        created_by: Set(actor.user_id),
        org_unit_id: Set(actor.org_unit_id),
        created_at: Set(Utc::now()),
        finished_at: Set(None),
        ..Default::default()
    }
    .insert(&db.conn)
    .await?;
    Ok(m.into())
}

pub async fn set_running(db: &Db, id: i64, total: u64) -> DbResult<()> {
    let w = db.begin_write().await?;
    import_job::Entity::update_many()
        .col_expr(import_job::Column::Status, sea_orm::sea_query::Expr::val("running"))
        .col_expr(import_job::Column::Total, sea_orm::sea_query::Expr::val(total as i64))
        .filter(import_job::Column::Id.eq(id))
        .exec(&*w)
        .await?;
    w.commit().await
}

pub async fn finish_job(db: &Db, id: i64, header: &[String], result: Result<&Outcome, String>) -> DbResult<()> {
    let w = db.begin_write().await?;
    let Some(m) = import_job::Entity::find_by_id(id).one(&*w).await? else {
        return Err(DbError::NotFound);
    };
    let mut am: import_job::ActiveModel = m.into();
    match result {
        Ok(o) => {
            am.status = Set("done".into());
            am.total = Set(o.total as i64);
            am.processed = Set(o.total as i64);
            am.accepted = Set(o.accepted as i64);
            am.rejected = Set(serde_json::to_string(&o.rejected).unwrap_or_else(|_| "[]".into()));
            am.rejected_rows = Set(serde_json::to_string(&o.rejected_rows).unwrap_or_else(|_| "[]".into()));
            am.header = Set(serde_json::to_string(header).unwrap_or_else(|_| "[]".into()));
        }
        Err(e) => {
            am.status = Set("failed".into());
            am.error = Set(Some(e));
        }
    }
    am.finished_at = Set(Some(Utc::now()));
    am.update(&*w).await?;
    w.commit().await
}

/// Jobs left `queued` or `running` by a stopped server: their transaction never committed.
pub async fn fail_interrupted(db: &Db) -> DbResult<u64> {
    let r = import_job::Entity::update_many()
        .col_expr(import_job::Column::Status, sea_orm::sea_query::Expr::val("failed"))
        .col_expr(
            import_job::Column::Error,
            sea_orm::sea_query::Expr::val("服务重启，导入被中断，未写入任何数据，请重新导入"),
        )
        .filter(import_job::Column::Status.is_in(["queued", "running"]))
        .exec(&db.conn)
        .await?;
    Ok(r.rows_affected)
}

/// A job the caller started (or, for the whole-district scope, any job).
pub async fn get_job(db: &Db, actor: &Actor, id: i64) -> DbResult<import_job::Model> {
    let m = import_job::Entity::find_by_id(id)
        .one(&db.conn)
        .await?
        .ok_or(DbError::NotFound)?;
    if actor.scope != Scope::All && m.created_by != actor.user_id {
        return Err(DbError::NotFound);
    }
    Ok(m)
}
