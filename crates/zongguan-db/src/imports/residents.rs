//! Importing residents, the large import: checking and encryption on other threads while the
//! writer inserts the chunk before, one person per identity number, a residence for each.
use std::collections::{HashMap, HashSet};

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect,
};
use zongguan_core::rbac::Scope;
use zongguan_core::registry::{ResidentDraft, ResidentRecord, residence as stay};

use super::houses::{buildings_by_code, rooms_of};
use super::{Kind, Progress, Rejection, RowChunks, SheetRow, Timing, cell, field_errors, next_chunk, reject};
use crate::entity::{residence, resident};
use crate::registry::resident_model;
use crate::{Actor, Db, DbError, DbResult};

/// Checks and writes the residents chunk by chunk: while the writer writes one chunk, the next is
/// checked and encrypted on another thread and its buildings and rooms are looked up on the
/// reader pool (committed state: the import writes no buildings or houses).
pub(super) async fn write_all<C: ConnectionTrait>(
    db: &Db,
    actor: &Actor,
    c: &C,
    p: &mut Progress<'_>,
    rows: &mut RowChunks,
    progress: &(dyn Fn(u64) + Sync),
) -> DbResult<Timing> {
    let today = chrono::Local::now().date_naive();
    let at = p.at.clone();
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
    let mut timing = Timing::default();
    let mut batch: Option<Batch> = None;
    let mut pending: Option<tokio::task::JoinHandle<DbResult<CheckedChunk>>> = None;
    loop {
        let next = next_chunk(rows).await?;
        let finished = next.is_none();
        // The previous stage hands the building cache back before the next one starts.
        let ready = match pending.take() {
            Some(h) => {
                let t = std::time::Instant::now();
                let (prepared, cache, here) = h
                    .await
                    .map_err(|e| DbError::invalid("file", format!("检查失败：{e}")))??;
                timing.waited += t.elapsed();
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
                    check_residents(c, p, &here, prepared)
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
        timing.wrote += t.elapsed();
        progress(p.out.total);
        if finished {
            return Ok(timing);
        }
    }
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
            let draft = ResidentDraft {
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
            let rec = ResidentRecord::parse(&draft, today)
                .map_err(|e| field_errors(&mut errs, Kind::Residents, r.row, e.into_vec()))
                .ok();
            if cell(at, &r, "房号").is_empty() {
                reject(&mut errs, r.row, "房号", "房号不能为空");
            }
            let since = match cell(at, &r, "入住日期") {
                "" => Some(today),
                v => stay::since(v)
                    .map_err(|e| reject(&mut errs, r.row, "入住日期", e.message))
                    .ok(),
            };
            let relation = match cell(at, &r, "与户主关系") {
                "" => Some(""),
                v => stay::relation(v)
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

/// A chunk the checking stage hands the writer: its residents, the places known so far, the chunk's own.
type CheckedChunk = (Vec<PreparedResident>, Places, ChunkPlaces);

/// A chunk's accepted residents with their ids, written while the next chunk is checked.
struct Batch {
    /// The residents' insert statements, built while the batch before is written.
    statements: Vec<sea_orm::Statement>,
    ids: Vec<i64>,
    /// id, house, since, relation, the row and its masked number (for a rejection).
    rest: Vec<(i64, i64, chrono::NaiveDate, &'static str, SheetRow, String)>,
}

impl Progress<'_> {
    /// Records what writing a batch found.
    fn taken(&mut self, w: Written) {
        self.out.accepted += w.accepted;
        for (r, e) in w.taken {
            self.rejected(&r, vec![e]);
        }
    }
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

/// SQLite: the residents' row triggers (search index, count versions) are set aside while an
/// import writes and do their work once at the end, in the same transaction (a rollback brings
/// them back untouched). A trigger that writes to a virtual table makes every INSERT keep a
/// statement journal: a copy of each index page it touches, a page per row with random keys.
pub(super) struct RowTriggers {
    /// The first id this import gives; every resident from it on is new.
    pub(super) first_id: i64,
    sql: Vec<String>,
}

impl RowTriggers {
    const NAMES: &'static str = "'resident_fts_insert', 'stat_resident_insert'";

    pub(super) async fn defer<C: ConnectionTrait>(c: &C) -> DbResult<Self> {
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

    pub(super) async fn restore<C: ConnectionTrait>(self, c: &C, grids: &HashSet<i64>) -> DbResult<()> {
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
