//! Spreadsheet imports of the registries: every row checked, errors named by row and column,
//! and all accepted rows written in one transaction (a crash leaves the old state).
use std::collections::{HashMap, HashSet};

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use zongguan_core::dict;
use zongguan_core::registry::{self as rules, FieldError, ResidentInput};
use zongguan_core::rbac::Scope;

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
            Self::Residents => &["姓名", "证件类型", "证件号码", "性别", "出生日期", "民族", "人口类型", "联系电话", "楼栋编码", "房号", "入住日期", "与户主关系"],
            Self::Buildings => &["楼栋编码", "楼栋名称", "地址", "网格编码", "经度", "纬度", "层数", "用途"],
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
    let missing: Vec<&str> = kind.required_headers().iter().filter(|h| !at.contains_key(*h)).copied().collect();
    if !missing.is_empty() {
        return Err(format!("表头缺少列：{}（请使用下载的模板）", missing.join("、")));
    }
    Ok(at)
}

struct Row<'a> {
    at: &'a HashMap<&'static str, usize>,
    cells: &'a [String],
}

impl Row<'_> {
    fn get(&self, h: &str) -> &str {
        self.at.get(h).and_then(|i| self.cells.get(*i)).map(|s| s.trim()).unwrap_or("")
    }
}

/// Maps a field error to the column it came from.
fn column_of(kind: Kind, field: &str) -> &'static str {
    let pairs: &[(&str, &str)] = match kind {
        Kind::Residents => &[
            ("name", "姓名"), ("id_type", "证件类型"), ("id_number", "证件号码"), ("gender", "性别"), ("birth_date", "出生日期"),
            ("ethnicity", "民族"), ("registration_type", "人口类型"), ("phone", "联系电话"), ("nationality", "证件类型"),
        ],
        Kind::Buildings => &[
            ("code", "楼栋编码"), ("name", "楼栋名称"), ("address", "地址"), ("lon", "经度"), ("lat", "纬度"), ("floors", "层数"), ("use_type", "用途"),
        ],
        Kind::Houses => &[("room", "房号"), ("area", "面积"), ("use_type", "用途")],
    };
    pairs.iter().find(|(f, _)| *f == field).map(|(_, c)| *c).unwrap_or("")
}

fn reject(out: &mut Vec<Rejection>, row: u32, column: &str, message: impl Into<String>) {
    out.push(Rejection { row, column: column.into(), message: message.into() });
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

/// Grid codes and building codes the actor may use, loaded once per import.
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

async fn buildings_in_scope<C: ConnectionTrait>(c: &C, s: &Scope) -> DbResult<HashMap<String, (i64, i64)>> {
    Ok(building::Entity::find()
        .select_only()
        .columns([building::Column::Code, building::Column::Id, building::Column::GridId])
        .filter(scope::unit_column(s, building::Column::GridId, Some(building::Column::CreatedBy)))
        .into_tuple::<(String, i64, i64)>()
        .all(c)
        .await?
        .into_iter()
        .map(|(code, id, grid)| (code, (id, grid)))
        .collect())
}

/// Checks every row, then writes the accepted ones in one transaction. `progress(processed)` is
/// called as rows are checked and written.
pub async fn run(db: &Db, actor: &Actor, kind: Kind, mode: Mode, header: &[String], rows: &[SheetRow], progress: &(dyn Fn(u64) + Sync)) -> DbResult<Outcome> {
    let at = map_headers(kind, header).map_err(|m| DbError::invalid("file", m))?;
    let mut out = Outcome { total: rows.len() as u64, ..Default::default() };
    let today = chrono::Local::now().date_naive();
    let txn = db.begin_write().await?;
    let c = &*txn;
    let mut bad_rows: HashSet<u32> = HashSet::new();
    let mut rejected = Vec::new();
    match kind {
        Kind::Buildings => {
            let grids = grids_in_scope(c, &actor.scope).await?;
            let existing: HashSet<String> = building::Entity::find().select_only().column(building::Column::Code).into_tuple::<String>().all(c).await?.into_iter().collect();
            let mut seen: HashMap<String, u32> = HashMap::new();
            let mut good = Vec::new();
            for (i, r) in rows.iter().enumerate() {
                let row = Row { at: &at, cells: &r.cells };
                let before = rejected.len();
                let lon = number(&mut rejected, r.row, "经度", row.get("经度"), true);
                let lat = number(&mut rejected, r.row, "纬度", row.get("纬度"), true);
                let floors = number(&mut rejected, r.row, "层数", row.get("层数"), false).map(|f| f as i32).unwrap_or(1);
                let grid = grids.get(row.get("网格编码")).copied();
                if grid.is_none() {
                    reject(&mut rejected, r.row, "网格编码", format!("网格编码“{}”不存在或不在您的数据范围内", row.get("网格编码")));
                }
                let checked = match check_building(row.get("楼栋编码"), row.get("楼栋名称"), row.get("地址"), lon.unwrap_or(114.0), lat.unwrap_or(22.0), floors, row.get("用途")) {
                    Ok(b) => Some(b),
                    Err(e) => {
                        field_errors(&mut rejected, kind, r.row, e);
                        None
                    }
                };
                if let Some(b) = &checked {
                    if existing.contains(&b.code) {
                        reject(&mut rejected, r.row, "楼栋编码", format!("楼栋编码 {} 已存在", b.code));
                    } else if let Some(first) = seen.get(&b.code) {
                        reject(&mut rejected, r.row, "楼栋编码", format!("楼栋编码 {} 与第 {first} 行重复", b.code));
                    } else {
                        seen.insert(b.code.clone(), r.row);
                    }
                }
                if rejected.len() == before
                    && let (Some(b), Some(g)) = (checked, grid)
                {
                    good.push((b, g));
                } else {
                    bad_rows.insert(r.row);
                }
                if i % 1000 == 0 {
                    progress(i as u64);
                }
            }
            if mode == Mode::ValidRows || rejected.is_empty() {
                let now = Utc::now();
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
                out.accepted = good.len() as u64;
            }
        }
        Kind::Houses => {
            let buildings = buildings_in_scope(c, &actor.scope).await?;
            let mut seen: HashMap<(i64, String), u32> = HashMap::new();
            let mut good = Vec::new();
            for (i, r) in rows.iter().enumerate() {
                let row = Row { at: &at, cells: &r.cells };
                let before = rejected.len();
                let b = buildings.get(row.get("楼栋编码")).copied();
                if b.is_none() {
                    reject(&mut rejected, r.row, "楼栋编码", format!("楼栋编码“{}”不存在或不在您的数据范围内", row.get("楼栋编码")));
                }
                let area = number(&mut rejected, r.row, "面积", row.get("面积"), false);
                let rental = match row.get("是否出租") {
                    "" => Some(false),
                    v => match dict::code_of(dict::YES_NO, v) {
                        Some(c) => Some(c == "true"),
                        None => {
                            reject(&mut rejected, r.row, "是否出租", format!("是否出租“{v}”须为 是 或 否"));
                            None
                        }
                    },
                };
                let checked = match check_house(row.get("房号"), area, row.get("用途")) {
                    Ok(h) => Some(h),
                    Err(e) => {
                        field_errors(&mut rejected, kind, r.row, e);
                        None
                    }
                };
                if let (Some((bid, _)), Some((room, _))) = (b, &checked) {
                    if let Some(first) = seen.get(&(bid, room.clone())) {
                        reject(&mut rejected, r.row, "房号", format!("房号 {room} 与第 {first} 行重复"));
                    } else {
                        seen.insert((bid, room.clone()), r.row);
                    }
                }
                if rejected.len() == before
                    && let (Some(b), Some(h), Some(rental)) = (b, checked, rental)
                {
                    good.push((r.row, b, h, area, rental));
                } else {
                    bad_rows.insert(r.row);
                }
                if i % 1000 == 0 {
                    progress(i as u64);
                }
            }
            // Rooms that already exist are rejected too.
            let bids: Vec<i64> = good.iter().map(|g| g.1.0).collect::<HashSet<_>>().into_iter().collect();
            let mut existing: HashSet<(i64, String)> = HashSet::new();
            for chunk in bids.chunks(500) {
                let rows: Vec<(i64, String)> = house::Entity::find()
                    .select_only()
                    .columns([house::Column::BuildingId, house::Column::Room])
                    .filter(house::Column::BuildingId.is_in(chunk.to_vec()))
                    .into_tuple()
                    .all(c)
                    .await?;
                existing.extend(rows);
            }
            good.retain(|(row, (bid, _), (room, _), _, _)| {
                if existing.contains(&(*bid, room.clone())) {
                    reject(&mut rejected, *row, "房号", format!("房号 {room} 已存在"));
                    bad_rows.insert(*row);
                    false
                } else {
                    true
                }
            });
            if mode == Mode::ValidRows || rejected.is_empty() {
                let now = Utc::now();
                for chunk in good.chunks(1000) {
                    house::Entity::insert_many(chunk.iter().map(|(_, (bid, grid), (room, use_type), area, rental)| house::ActiveModel {
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
                    }))
                    .exec_without_returning(c)
                    .await?;
                }
                out.accepted = good.len() as u64;
            }
        }
        Kind::Residents => {
            let buildings = buildings_in_scope(c, &actor.scope).await?;
            let mut seen: HashMap<String, u32> = HashMap::new();
            let mut good = Vec::new();
            let mut wanted_houses: HashSet<(i64, String)> = HashSet::new();
            for (i, r) in rows.iter().enumerate() {
                let row = Row { at: &at, cells: &r.cells };
                let before = rejected.len();
                let input = ResidentInput {
                    name: row.get("姓名").into(),
                    id_type: row.get("证件类型").into(),
                    id_number: row.get("证件号码").into(),
                    gender: row.get("性别").into(),
                    birth_date: row.get("出生日期").into(),
                    ethnicity: row.get("民族").into(),
                    registration_type: row.get("人口类型").into(),
                    phone: row.get("联系电话").into(),
                    nationality: String::new(),
                };
                let rec = match rules::check_resident(&input, today) {
                    Ok(r) => Some(r),
                    Err(e) => {
                        // A foreign resident's nationality has no column in this template: say so plainly.
                        field_errors(&mut rejected, kind, r.row, e);
                        None
                    }
                };
                let b = buildings.get(row.get("楼栋编码")).copied();
                if b.is_none() {
                    reject(&mut rejected, r.row, "楼栋编码", format!("楼栋编码“{}”不存在或不在您的数据范围内", row.get("楼栋编码")));
                }
                let room = row.get("房号").to_string();
                if room.is_empty() {
                    reject(&mut rejected, r.row, "房号", "房号不能为空");
                }
                let since = match row.get("入住日期") {
                    "" => Some(today),
                    v => rules::date("since", "入住日期", v).map_err(|e| reject(&mut rejected, r.row, "入住日期", e.message)).ok(),
                };
                let relation = match row.get("与户主关系") {
                    "" => Some(""),
                    v => rules::coded("relation", "与户主关系", dict::RELATIONS, v).map_err(|e| reject(&mut rejected, r.row, "与户主关系", e.message)).ok(),
                };
                if let Some(rec) = &rec {
                    if let Some(first) = seen.get(&rec.id_number) {
                        reject(&mut rejected, r.row, "证件号码", format!("证件号码与第 {first} 行重复"));
                    } else {
                        seen.insert(rec.id_number.clone(), r.row);
                    }
                }
                if rejected.len() == before
                    && let (Some(rec), Some(b), Some(since), Some(relation)) = (rec, b, since, relation)
                {
                    wanted_houses.insert((b.0, room.clone()));
                    good.push((r.row, rec, b, room, since, relation));
                } else {
                    bad_rows.insert(r.row);
                }
                if i % 1000 == 0 {
                    progress(i as u64);
                }
            }
            // Houses must exist; identity numbers must be new.
            let bids: Vec<i64> = wanted_houses.iter().map(|w| w.0).collect::<HashSet<_>>().into_iter().collect();
            let mut houses: HashMap<(i64, String), (i64, i64)> = HashMap::new();
            for chunk in bids.chunks(500) {
                let rows: Vec<(i64, String, i64, i64)> = house::Entity::find()
                    .select_only()
                    .columns([house::Column::BuildingId, house::Column::Room, house::Column::Id, house::Column::GridId])
                    .filter(house::Column::BuildingId.is_in(chunk.to_vec()))
                    .into_tuple()
                    .all(c)
                    .await?;
                houses.extend(rows.into_iter().map(|(b, r, id, g)| ((b, r), (id, g))));
            }
            let mut known: HashSet<String> = HashSet::new();
            let hashes: Vec<String> = good.iter().map(|g| db.cipher.keyed_hash(&g.1.id_number)).collect();
            for chunk in hashes.chunks(1000) {
                let rows: Vec<String> = resident::Entity::find()
                    .select_only()
                    .column(resident::Column::IdNumberHash)
                    .filter(resident::Column::IdNumberHash.is_in(chunk.to_vec()))
                    .into_tuple()
                    .all(c)
                    .await?;
                known.extend(rows);
            }
            let mut ready = Vec::new();
            for ((row, rec, (bid, _), room, since, relation), hash) in good.into_iter().zip(hashes) {
                let mut ok = true;
                let house = houses.get(&(bid, room.clone())).copied();
                if house.is_none() {
                    reject(&mut rejected, row, "房号", format!("该楼栋没有房号 {room}，请先登记房屋"));
                    ok = false;
                }
                if known.contains(&hash) {
                    reject(&mut rejected, row, "证件号码", format!("证件号码 {} 已登记", rec.id_masked));
                    ok = false;
                }
                match (ok, house) {
                    (true, Some(h)) => ready.push((rec, h, since, relation, hash)),
                    _ => {
                        bad_rows.insert(row);
                    }
                }
            }
            if mode == Mode::ValidRows || rejected.is_empty() {
                for (n, chunk) in ready.chunks(1000).enumerate() {
                    resident::Entity::insert_many(chunk.iter().map(|(rec, (_, grid), _, _, _)| resident_model(db, actor, rec, *grid))).exec_without_returning(c).await?;
                    let ids: HashMap<String, i64> = resident::Entity::find()
                        .select_only()
                        .columns([resident::Column::IdNumberHash, resident::Column::Id])
                        .filter(resident::Column::IdNumberHash.is_in(chunk.iter().map(|r| r.4.clone()).collect::<Vec<_>>()))
                        .into_tuple::<(String, i64)>()
                        .all(c)
                        .await?
                        .into_iter()
                        .collect();
                    let now = Utc::now();
                    residence::Entity::insert_many(chunk.iter().filter_map(|(_, (house_id, _), since, relation, hash)| {
                        Some(residence::ActiveModel {
                            resident_id: Set(*ids.get(hash)?),
                            house_id: Set(*house_id),
                            relation: Set((*relation).into()),
                            since: Set(*since),
                            until: Set(None),
                            created_by: Set(actor.user_id),
                            created_at: Set(now),
                            ..Default::default()
                        })
                    }))
                    .exec_without_returning(c)
                    .await?;
                    progress(out.total.min(((n + 1) * 1000) as u64));
                }
                out.accepted = ready.len() as u64;
            }
        }
    }
    rejected.sort_by_key(|r| r.row);
    out.rejected_rows = rows.iter().filter(|r| bad_rows.contains(&r.row)).cloned().collect();
    out.rejected = rejected;
    if out.accepted > 0 {
        audit::append(
            c,
            db.backend,
            actor,
            Event::ok("import", kind.as_str(), "").detail(format!("导入{} {} 行，拒绝 {} 行", kind.zh(), out.accepted, out.rejected_rows.len())),
        )
        .await?;
        txn.commit().await?;
    } else {
        drop(txn);
    }
    progress(out.total);
    Ok(out)
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
    let Some(m) = import_job::Entity::find_by_id(id).one(&*w).await? else { return Err(DbError::NotFound) };
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
        .col_expr(import_job::Column::Error, sea_orm::sea_query::Expr::val("服务重启，导入被中断，未写入任何数据，请重新导入"))
        .filter(import_job::Column::Status.is_in(["queued", "running"]))
        .exec(&db.conn)
        .await?;
    Ok(r.rows_affected)
}

/// A job the caller started (or, for the whole-district scope, any job).
pub async fn get_job(db: &Db, actor: &Actor, id: i64) -> DbResult<import_job::Model> {
    let m = import_job::Entity::find_by_id(id).one(&db.conn).await?.ok_or(DbError::NotFound)?;
    if actor.scope != Scope::All && m.created_by != actor.user_id {
        return Err(DbError::NotFound);
    }
    Ok(m)
}
