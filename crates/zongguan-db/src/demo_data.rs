//! The demo district's geography and registries: the outline partitioned into subdistricts,
//! communities and grids that nest exactly, buildings inside their grids, houses, and residents
//! who look real (valid ID numbers from the counties migrants come from, an age pyramid, common
//! names, valid mobile prefixes) without being anyone. Deterministic for a seed.
use std::collections::HashMap;

use chrono::{Datelike, Duration, NaiveDate, Utc};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use zongguan_core::geometry::{self, Rng};
use zongguan_core::id_number::check_char;
use zongguan_core::phone::Phone;
use zongguan_core::registry::ResidentRecord;

use crate::audit::{self, Event};
use crate::entity::{building, house, org_unit, residence, resident};
use crate::{Actor, Backend, Db, DbError, DbResult};

/// How much registry data to make.
#[derive(Debug, Clone, Copy)]
pub struct Volume {
    /// Only the first N subdistricts get buildings and people (None: all).
    pub subdistricts: Option<usize>,
    pub buildings_per_grid: u64,
}

#[derive(Debug, Default, Clone, Copy)]
pub struct Counts {
    pub buildings: u64,
    pub houses: u64,
    pub residents: u64,
}

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林",
    "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "肖", "田", "董", "袁", "潘", "蒋",
    "蔡", "余", "杜", "叶", "程", "苏", "魏", "吕", "丁", "任", "沈", "姚", "卢", "钟", "谭", "廖", "韦", "邱", "赖",
    "欧阳",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英", "华",
    "平", "刚", "桂英", "建华", "志强", "晓东", "海燕", "春梅", "子涵", "梓萱", "浩然", "宇轩", "欣怡", "俊杰", "思远",
    "雨桐", "嘉怡", "文博", "佳琪", "国强", "丽华", "红梅", "玉兰", "永刚", "小龙", "家豪", "紫琪",
];
/// County codes of the provinces Shenzhen's migrants come from (GB/T 2260).
const SOURCE_COUNTIES: &[&str] = &[
    "430181", "430521", "431021", "430381", "431122", "450881", "450922", "450921", "450703", "360121", "360281",
    "360730", "362428", "510121", "511621", "510322", "511321", "410221", "411522", "411421", "420115", "421182",
    "420222", "441581", "445281", "441422", "441622", "440882", "350581", "612425", "522121", "500228",
];
const PHONE_PREFIXES: &[&str] = &[
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "155", "157", "158", "159",
    "176", "177", "180", "181", "186", "187", "188", "189", "198", "199",
];
const NATIONS: &[&str] = &["USA", "GBR", "JPN", "KOR", "DEU", "FRA", "CAN", "AUS", "SGP", "MYS"];
const ETHNIC_MINOR: &[&str] = &["03", "06", "07", "08", "09", "12", "13", "15", "18"];

fn birth(rng: &mut Rng, today: NaiveDate, migrant: bool) -> NaiveDate {
    // Migrants: mostly working age; registered: a broader pyramid.
    let age = if migrant {
        match rng.below(100) {
            0..=9 => rng.below(16),
            10..=84 => 18 + rng.below(28),
            _ => 46 + rng.below(20),
        }
    } else {
        match rng.below(100) {
            0..=17 => rng.below(18),
            18..=79 => 18 + rng.below(42),
            _ => 60 + rng.below(28),
        }
    };
    today - Duration::days((age * 365 + rng.below(365)) as i64)
}

fn id_number(rng: &mut Rng, county: &str, born: NaiveDate, male: bool) -> String {
    let mut seq = rng.below(500) * 2;
    if male {
        seq += 1;
    }
    let body = format!("{county}{}{seq:03}", born.format("%Y%m%d"));
    let c = check_char(&body).unwrap_or('0');
    format!("{body}{c}")
}

/// A common Chinese name (surname and given name), as the demo gives its residents.
pub fn person_name(rng: &mut Rng) -> String {
    format!("{}{}", rng.pick(SURNAMES), rng.pick(GIVEN))
}

fn person(rng: &mut Rng, today: NaiveDate) -> ResidentRecord {
    let kind = match rng.below(100) {
        0..=69 => "migrant",
        70..=95 => "registered",
        96..=98 => "left_behind",
        _ => "foreign",
    };
    let male = rng.below(100) < 53;
    let born = birth(rng, today, kind == "migrant");
    let name = person_name(rng);
    let phone = (born < today - Duration::days(16 * 365))
        .then(|| format!("{}{:08}", rng.pick(PHONE_PREFIXES), rng.below(100_000_000)));
    let (id_type, number, nationality, ethnicity) = if kind == "foreign" {
        (
            "passport",
            format!("E{:08}", rng.below(100_000_000)),
            (*rng.pick(NATIONS)).to_string(),
            "",
        )
    } else {
        let county = if kind == "registered" || kind == "left_behind" {
            "440307"
        } else {
            rng.pick(SOURCE_COUNTIES)
        };
        let eth = if rng.below(100) < 94 {
            "01"
        } else {
            rng.pick(ETHNIC_MINOR)
        };
        ("id_card", id_number(rng, county, born, male), String::new(), eth)
    };
    ResidentRecord {
        name,
        id_type,
        id_masked: zongguan_core::mask::id_number(&number),
        id_number: number,
        gender: if male { "male" } else { "female" },
        birth_date: Some(born),
        ethnicity,
        registration_type: kind,
        // Generated from mobile prefixes, so every one parses.
        phone: phone.and_then(|p| Phone::parse(&p).ok()),
        nationality,
    }
}

/// Gives every org unit a polygon (subdistricts, communities and grids partition their parent),
/// unless they have one already.
pub async fn geography(db: &Db, outline: &serde_json::Value) -> DbResult<()> {
    let Some(district_shape) = geometry::from_geojson(outline) else {
        return Err(DbError::invalid("outline", "区界不是多边形"));
    };
    let units = org_unit::Entity::find()
        .order_by_asc(org_unit::Column::Sort)
        .order_by_asc(org_unit::Column::Code)
        .all(&db.conn)
        .await?;
    if units.iter().any(|u| u.level == "grid" && u.geometry.is_some()) {
        return Ok(());
    }
    let mut children: HashMap<i64, Vec<&org_unit::Model>> = HashMap::new();
    for u in &units {
        if let Some(p) = u.parent_id {
            children.entry(p).or_default().push(u);
        }
    }
    let Some(root) = units.iter().find(|u| u.level == "district") else {
        return Ok(());
    };
    let mut shapes: Vec<(i64, serde_json::Value)> = vec![(root.id, geometry::to_geojson(&district_shape))];
    let mut queue = vec![(root.id, district_shape)];
    while let Some((id, shape)) = queue.pop() {
        let kids = children.get(&id).cloned().unwrap_or_default();
        if kids.is_empty() {
            continue;
        }
        for (k, part) in kids.iter().zip(geometry::partition(&shape, kids.len())) {
            shapes.push((k.id, geometry::to_geojson(&part)));
            queue.push((k.id, part));
        }
    }
    let txn = db.begin_write().await?;
    for (id, g) in shapes {
        org_unit::Entity::update_many()
            .col_expr(org_unit::Column::Geometry, sea_orm::sea_query::Expr::val(g.to_string()))
            .filter(org_unit::Column::Id.eq(id))
            .exec(&*txn)
            .await?;
    }
    txn.commit().await
}

const LOADED: &[&str] = &["building", "house", "resident", "residence"];

/// Drops the loaded tables' secondary indexes and row triggers, answering how to make them again.
async fn defer_indexes<C: ConnectionTrait>(c: &C, backend: Backend) -> DbResult<Vec<String>> {
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

async fn restore_indexes<C: ConnectionTrait>(c: &C, backend: Backend, again: Vec<String>) -> DbResult<()> {
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

/// Buildings, houses and residents in the grids of the chosen subdistricts; skipped when the
/// district already has buildings. One transaction: all or nothing.
pub async fn registries(db: &Db, seed: u64, volume: Volume, progress: &(dyn Fn(&str, u64) + Sync)) -> DbResult<Counts> {
    if building::Entity::find().count(&db.conn).await? > 0 {
        return Ok(Counts::default());
    }
    let units = org_unit::Entity::find()
        .order_by_asc(org_unit::Column::Sort)
        .order_by_asc(org_unit::Column::Code)
        .all(&db.conn)
        .await?;
    let by_id: HashMap<i64, &org_unit::Model> = units.iter().map(|u| (u.id, u)).collect();
    let subdistricts: Vec<&org_unit::Model> = units.iter().filter(|u| u.level == "subdistrict").collect();
    let chosen: Vec<i64> = subdistricts
        .iter()
        .take(volume.subdistricts.unwrap_or(usize::MAX))
        .map(|s| s.id)
        .collect();
    let grids: Vec<&org_unit::Model> = units
        .iter()
        .filter(|u| u.level == "grid")
        .filter(|g| {
            let community = g.parent_id.and_then(|c| by_id.get(&c));
            community.and_then(|c| c.parent_id).is_some_and(|s| chosen.contains(&s))
        })
        .collect();
    let today = chrono::Local::now().date_naive();
    let now = Utc::now();
    let actor = Actor::system("demo");
    let txn = db.begin_bulk_write().await?;
    let c = &*txn;
    let first_ids = (
        crate::next_id(c, "building").await?,
        crate::next_id(c, "house").await?,
        crate::next_id(c, "resident").await?,
        crate::next_id(c, "residence").await?,
    );
    if db.backend == Backend::Sqlite {
        // The identity-number index takes random inserts: keep it in memory while loading.
        c.execute_unprepared("PRAGMA cache_size = -786432").await?;
    }
    // Bulk load: secondary indexes and row triggers go while the tables fill and come back once,
    // built in one sorted pass (all inside this transaction: a failure leaves the schema as it was).
    let deferred = defer_indexes(c, db.backend).await?;
    // One thread makes the people (names, numbers, encryption) while this task writes the
    // previous grid's rows: the two cores work side by side.
    let grids: Vec<(i64, String, String, String, Option<String>)> = grids
        .iter()
        .map(|g| {
            let community = g
                .parent_id
                .and_then(|c| by_id.get(&c))
                .map(|c| c.name.clone())
                .unwrap_or_default();
            let subdistrict = g
                .parent_id
                .and_then(|c| by_id.get(&c))
                .and_then(|c| c.parent_id)
                .and_then(|s| by_id.get(&s))
                .map(|s| s.name.clone())
                .unwrap_or_default();
            (g.id, g.code.clone(), community, subdistrict, g.geometry.clone())
        })
        .collect();
    let (tx, mut rx) = tokio::sync::mpsc::channel::<GridRows>(2);
    let maker_db = db.clone();
    let maker_actor = actor.clone();
    let maker = tokio::task::spawn_blocking(move || {
        make_rows(&maker_db, &maker_actor, grids, seed, volume, today, now, first_ids, tx)
    });
    let mut counts = Counts::default();
    while let Some(GridRows {
        buildings,
        houses,
        residents,
        residences,
    }) = rx.recv().await
    {
        counts.buildings += buildings.len() as u64;
        counts.houses += houses.len() as u64;
        counts.residents += residents.len() as u64;
        crate::bulk_insert_models(c, buildings).await?;
        crate::bulk_insert_models(c, houses).await?;
        crate::bulk_insert_models(c, residents).await?;
        crate::bulk_insert_models(c, residences).await?;
        progress("实有人口", counts.residents);
    }
    maker
        .await
        .map_err(|e| DbError::invalid("demo", format!("生成演示数据失败：{e}")))?;
    restore_indexes(c, db.backend, deferred).await?;
    if db.backend == Backend::Sqlite {
        c.execute_unprepared("PRAGMA cache_size = -32768").await?;
    }
    if db.backend == Backend::Postgres {
        // Explicit ids were written: move the sequences past them.
        for t in ["building", "house", "resident", "residence"] {
            c.execute_unprepared(&format!(
                "SELECT setval(pg_get_serial_sequence('{t}', 'id'), COALESCE((SELECT MAX(id) FROM {t}), 1))"
            ))
            .await?;
        }
    }
    audit::append(
        c,
        db.backend,
        &actor,
        Event::ok("demo_load", "registry", "demo").detail(format!(
            "楼栋 {}，房屋 {}，实有人口 {}",
            counts.buildings, counts.houses, counts.residents
        )),
    )
    .await?;
    txn.commit().await?;
    // Gigabytes of WAL at district scale: into the database file, then cut.
    db.checkpoint_truncate().await?;
    let _ = today.year();
    Ok(counts)
}

/// One grid's rows, made on the generator thread.
struct GridRows {
    buildings: Vec<building::ActiveModel>,
    houses: Vec<house::ActiveModel>,
    residents: Vec<resident::ActiveModel>,
    residences: Vec<residence::ActiveModel>,
}

type GridSeed = (i64, String, String, String, Option<String>);

#[expect(
    clippy::too_many_arguments,
    reason = "the generator's inputs, passed once to its thread"
)]
fn make_rows(
    db: &Db,
    actor: &Actor,
    grids: Vec<GridSeed>,
    seed: u64,
    volume: Volume,
    today: NaiveDate,
    now: chrono::DateTime<Utc>,
    first_ids: (i64, i64, i64, i64),
    tx: tokio::sync::mpsc::Sender<GridRows>,
) {
    let mut rng = Rng::new(seed);
    let (mut bid, mut hid, mut rid, mut lid) = first_ids;
    // Numbers issued so far, as 64-bit hashes (4 million strings would cost hundreds of MiB).
    let mut issued: std::collections::HashSet<u64> = std::collections::HashSet::new();
    for (grid_id, grid_code, community, subdistrict, geometry) in grids {
        let (mut buildings, mut houses, mut residents, mut residences) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let shape = geometry
            .as_deref()
            .and_then(|s| serde_json::from_str(s).ok())
            .and_then(|v: serde_json::Value| geometry::from_geojson(&v));
        for n in 1..=volume.buildings_per_grid {
            let Some(p) = shape.as_ref().and_then(|s| geometry::random_point_in(s, &mut rng)) else {
                break;
            };
            let floors = 2 + rng.below(8) as i32;
            let use_type = match rng.below(100) {
                0..=79 => "residential",
                80..=89 => "mixed",
                90..=94 => "commercial",
                95..=97 => "industrial",
                _ => "office",
            };
            let village = rng.below(100) < 65;
            buildings.push(building::ActiveModel {
                id: Set(bid),
                code: Set(format!("{grid_code}{n:03}")),
                name: Set(format!("{community}{}{n}栋", if village { "新村" } else { "花园" })),
                address: Set(format!(
                    "深圳市龙岗区{subdistrict}{community}{}{n}栋",
                    if village { "新村" } else { "花园" }
                )),
                grid_id: Set(grid_id),
                lon: Set(p.x()),
                lat: Set(p.y()),
                footprint: Set(None),
                floors: Set(floors),
                structure: Set(if village { "砖混" } else { "框架" }.into()),
                use_type: Set(use_type.into()),
                property_company_id: Set(None),
                manager: Set(String::new()),
                created_by: Set(None),
                created_at: Set(now),
                updated_at: Set(now),
            });
            // Houses: a few rooms per building, most let in urban villages.
            let rooms = 2 + rng.below(4);
            for k in 0..rooms {
                let floor = 1 + (k as i32 % floors);
                let is_rental = village && rng.below(100) < 75 || !village && rng.below(100) < 25;
                houses.push(house::ActiveModel {
                    id: Set(hid),
                    building_id: Set(bid),
                    grid_id: Set(grid_id),
                    room: Set(format!("{floor}{:02}", k + 1)),
                    area: Set(Some((20 + rng.below(100)) as f64)),
                    use_type: Set(if use_type == "industrial" || use_type == "office" {
                        use_type
                    } else {
                        "residential"
                    }
                    .into()),
                    owner_resident_id: Set(None),
                    owner_org: Set(String::new()),
                    is_rental: Set(is_rental),
                    rental_use: Set(if is_rental { "住宅".into() } else { String::new() }),
                    rental_risk_class: Set(None),
                    created_by: Set(None),
                    created_at: Set(now),
                    updated_at: Set(now),
                });
                // About 2.7 people per house: 4 million in Longgang's 1.5 million houses.
                let people = match rng.below(20) {
                    0 => 0,
                    1..=6 => 1 + rng.below(2),
                    _ => 2 + rng.below(4),
                };
                for m in 0..people {
                    // One person, one record: draw again on the rare repeated number.
                    let mut rec = person(&mut rng, today);
                    while !issued.insert(crate::fingerprint(&[&rec.id_number])) {
                        rec = person(&mut rng, today);
                    }
                    let mut am = crate::registry::resident_model(db, actor, &rec, grid_id);
                    am.id = Set(rid);
                    am.current_address = Set(format!("深圳市龙岗区{subdistrict}{community}{n}栋{floor}{:02}", k + 1));
                    if rng.below(1000) < 3 {
                        am.special_groups = Set((*rng.pick(&[
                            "released_prisoner",
                            "community_correction",
                            "mental_disorder",
                            "drug_user",
                        ]))
                        .into());
                    }
                    residents.push(am);
                    let since =
                        (today - Duration::days(rng.below(3 * 365) as i64)).max(rec.birth_date.unwrap_or(today));
                    residences.push(residence::ActiveModel {
                        id: Set(lid),
                        resident_id: Set(rid),
                        house_id: Set(hid),
                        relation: Set(if m == 0 {
                            "01"
                        } else {
                            *rng.pick(&["10", "20", "30", "98", "99"])
                        }
                        .into()),
                        since: Set(since),
                        until: Set(None),
                        created_by: Set(None),
                        created_at: Set(now),
                    });
                    rid += 1;
                    lid += 1;
                }
                hid += 1;
            }
            bid += 1;
        }
        if tx
            .blocking_send(GridRows {
                buildings,
                houses,
                residents,
                residences,
            })
            .is_err()
        {
            return;
        }
    }
}

/// A year of historical cases for the bench and the demo, written with multi-row inserts in one
/// transaction (no timeline, no audit: history, not workflow). Spread over the grids, items and the
/// last 365 days before today; mostly closed, a backlog of open ones. Returns the number written.
pub async fn case_history(db: &Db, n: u64, seed: u64, progress: &(dyn Fn(u64) + Sync)) -> DbResult<u64> {
    history_in(db, n, seed, None, progress).await
}

/// [`case_history`] in the given grids only (None: every grid).
async fn history_in(
    db: &Db,
    n: u64,
    seed: u64,
    only: Option<&[i64]>,
    progress: &(dyn Fn(u64) + Sync),
) -> DbResult<u64> {
    use crate::entity::{case_item, case_record, department};
    use zongguan_core::case_flow::{CaseState, OPEN_STATES, step_of};
    let routing = crate::cases::routing(db).await?;
    let mut units = org_unit::Entity::find()
        .filter(org_unit::Column::Level.eq("grid"))
        .order_by_asc(org_unit::Column::Id)
        .all(&db.conn)
        .await?;
    if let Some(only) = only {
        units.retain(|u| only.contains(&u.id));
    }
    let mut rng = Rng::new(seed);
    // A few points inside each grid, reused: enough for counts and lists.
    let mut grids: Vec<(i64, Vec<(f64, f64)>)> = Vec::new();
    for g in &units {
        let Some(shape) = g
            .geometry
            .as_deref()
            .and_then(|s| serde_json::from_str(s).ok())
            .and_then(|v: serde_json::Value| geometry::from_geojson(&v))
        else {
            continue;
        };
        let pts: Vec<(f64, f64)> = (0..8)
            .filter_map(|_| geometry::random_point_in(&shape, &mut rng))
            .map(|p| (p.x(), p.y()))
            .collect();
        if !pts.is_empty() && routing.grid(g.id).is_some() {
            grids.push((g.id, pts));
        }
    }
    if grids.is_empty() {
        return Err(DbError::invalid("geometry", "网格没有边界，先运行 demo 生成地理数据"));
    }
    let items = case_item::Entity::find().all(&db.conn).await?;
    let depts: HashMap<String, i64> = department::Entity::find()
        .all(&db.conn)
        .await?
        .into_iter()
        .map(|d| (d.code, d.id))
        .collect();
    let now = Utc::now();
    let today = zongguan_core::time::cst_date(now);
    let mut seq: HashMap<NaiveDate, u32> = HashMap::new();
    let txn = db.begin_write().await?;
    let mut batch = Vec::with_capacity(500);
    let mut written = 0;
    for _ in 0..n {
        let (grid_id, pts) = &grids[rng.below(grids.len() as u64) as usize];
        let (lon, lat) = pts[rng.below(pts.len() as u64) as usize];
        let Some(info) = routing.grid(*grid_id) else { continue };
        let item = &items[rng.below(items.len() as u64) as usize];
        let (local, district) = crate::cases::department_code_for(&item.department_seq, &info.subdistrict_code);
        let dept = local
            .and_then(|c| depts.get(&c))
            .or_else(|| depts.get(&district))
            .copied();
        let back = 1 + rng.below(365) as i64;
        let date = today - Duration::days(back);
        let s = seq.entry(date).or_default();
        *s += 1;
        let code = format!("SJ{}{:06}", date.format("%Y%m%d"), s);
        let reported = zongguan_core::time::cst_midnight(date) + Duration::seconds(rng.below(86_400) as i64);
        let roll = rng.below(1000);
        // Older cases are settled but for a few long-running ones.
        let state = if back > 30 {
            match roll {
                0..=959 => CaseState::Closed,
                960..=989 => CaseState::Rejected,
                _ => OPEN_STATES[rng.below(OPEN_STATES.len() as u64) as usize],
            }
        } else {
            match roll {
                0..=599 => CaseState::Closed,
                600..=629 => CaseState::Rejected,
                _ => OPEN_STATES[rng.below(OPEN_STATES.len() as u64) as usize],
            }
        };
        let step = step_of(state);
        let (source, reporter) = *rng.pick(&[
            ("grid_worker", "网格员"),
            ("grid_worker", "网格员"),
            ("grid_worker", "网格员"),
            ("phone", "市民（来电）"),
            ("visit", "市民（来访）"),
            ("portal", "市民（网上）"),
        ]);
        // Nothing in the past happened after now: a stamp in the future would make every reader
        // that follows `updated_at` read the row again until that time comes.
        let started = (reported + Duration::hours(1 + rng.below(24) as i64)).min(now);
        let dispatched = matches!(
            state,
            CaseState::Dispatched | CaseState::Handling | CaseState::Feedback | CaseState::Verified | CaseState::Closed
        );
        let closed = matches!(state, CaseState::Closed | CaseState::Rejected)
            .then(|| (reported + Duration::hours(2 + rng.below(240) as i64)).min(now));
        batch.push(case_record::ActiveModel {
            code: Set(code),
            item_code: Set(item.code.clone()),
            category_code: Set(item.category_code.clone()),
            description: Set(case_text(&item.name, "", &mut rng)),
            address: Set(String::new()),
            building_code: Set(None),
            lon: Set(Some(lon)),
            lat: Set(Some(lat)),
            grid_id: Set(*grid_id),
            community_id: Set(info.community_id),
            subdistrict_id: Set(info.subdistrict_id),
            owner_unit_id: Set(info.community_id),
            level: Set("community".into()),
            department_id: Set(dept),
            source: Set(source.into()),
            state: Set(state.as_str().into()),
            paused: Set(false),
            version: Set(1 + rng.below(8) as i64),
            step: Set(step.map(|s| s.as_str().into())),
            step_started_at: Set(step.map(|_| started)),
            deadline_at: Set(step.map(|_| started + Duration::days(3))),
            paused_at: Set(None),
            supervision_level: Set(i32::from(rng.below(100) < 2)),
            rework_count: Set(i32::from(rng.below(100) < 4)),
            late: Set(rng.below(100) < 8),
            merged_into_id: Set(None),
            reporter_user_id: Set(None),
            reporter_name: Set(reporter.into()),
            reporter_contact: Set(String::new()),
            open311_token: Set(None),
            reported_at: Set(reported),
            dispatched_at: Set(dispatched.then(|| reported + Duration::hours(3))),
            closed_at: Set(closed),
            created_by: Set(None),
            updated_at: Set(closed.unwrap_or(started)),
            ..Default::default()
        });
        if batch.len() == 500 {
            written += batch.len() as u64;
            case_record::Entity::insert_many(std::mem::take(&mut batch))
                .exec_without_returning(&*txn)
                .await?;
            progress(written);
        }
    }
    if !batch.is_empty() {
        written += batch.len() as u64;
        case_record::Entity::insert_many(batch)
            .exec_without_returning(&*txn)
            .await?;
    }
    audit::append(
        &*txn,
        db.backend,
        &Actor::system("demo"),
        Event::ok("case_history", "system", "demo").detail(format!("历史事件 {written} 件")),
    )
    .await?;
    txn.commit().await?;
    crate::cases::refresh_planner_stats(db).await?;
    progress(written);
    Ok(written)
}

/// Endings of a case's description, as grid workers write them.
const CASE_TAILS: &[&str] = &[
    "请尽快处理",
    "现场已拍照取证",
    "群众反映强烈",
    "已现场劝导，需职能部门处理",
    "存在安全隐患，请相关部门跟进",
    "已告知当事人限期整改",
];

/// A description as a grid worker writes it: where, what, and a closing remark.
fn case_text(item: &str, place: &str, rng: &mut Rng) -> String {
    let tail = rng.pick(CASE_TAILS);
    if place.is_empty() {
        format!("巡查发现{item}，{tail}。")
    } else {
        format!("{place}发现{item}，{tail}。")
    }
}

/// How many cases the demo makes.
#[derive(Debug, Clone, Copy)]
pub struct CaseVolume {
    /// Only the grids of the first N subdistricts, as in [`Volume`] (None: all).
    pub subdistricts: Option<usize>,
    /// Closed and open cases of the last year per grid (Longgang: about 500 a grid a year).
    pub history_per_grid: u64,
    /// Communities that get today's cases walked through the workflow (None: every one chosen).
    pub communities: Option<usize>,
}

#[derive(Debug, Default, Clone, Copy)]
pub struct CaseTally {
    pub history: u64,
    pub live: u64,
}

/// Where each community's live demo cases are left, one case per stage.
pub const LIVE_STAGES: &[&str] = &[
    "reported",
    "accepted",
    "dispatched",
    "handling",
    "supervised",
    "paused",
    "feedback",
    "verified",
    "closed",
    "rejected",
    "returned",
];

/// The demo's cases: a year of history in the chosen grids (for the statistics, the heatmap and
/// the evaluation), and in every chosen community one case of today per stage of
/// [`LIVE_STAGES`], reported by the grid's worker and moved on by the demo accounts through the
/// same workflow the API runs, so every inbox has work and every timeline real steps. Adds
/// nothing when cases exist.
pub async fn cases(db: &Db, seed: u64, v: CaseVolume) -> DbResult<CaseTally> {
    use crate::cases::{self, ActionInput, NewCase};
    use crate::entity::{app_user, case_record, grid_assignment};
    use sea_orm::{JoinType, QuerySelect};
    if case_record::Entity::find().count(&db.conn).await? > 0 {
        return Ok(CaseTally::default());
    }
    let units = org_unit::Entity::find()
        .order_by_asc(org_unit::Column::Sort)
        .order_by_asc(org_unit::Column::Code)
        .all(&db.conn)
        .await?;
    let chosen: Vec<&org_unit::Model> = units
        .iter()
        .filter(|u| u.level == "subdistrict")
        .take(v.subdistricts.unwrap_or(usize::MAX))
        .collect();
    let communities: Vec<&org_unit::Model> = units
        .iter()
        .filter(|u| u.level == "community" && chosen.iter().any(|s| Some(s.id) == u.parent_id))
        .collect();
    let grids: Vec<&org_unit::Model> = units
        .iter()
        .filter(|u| u.level == "grid" && communities.iter().any(|c| Some(c.id) == u.parent_id))
        .collect();
    let grid_ids: Vec<i64> = grids.iter().map(|g| g.id).collect();
    let mut tally = CaseTally {
        history: history_in(
            db,
            grid_ids.len() as u64 * v.history_per_grid,
            seed,
            Some(&grid_ids),
            &|_| {},
        )
        .await?,
        live: 0,
    };

    // Each grid's worker, by the grid assignment.
    let workers: HashMap<i64, String> = app_user::Entity::find()
        .select_only()
        .column(grid_assignment::Column::GridId)
        .column(app_user::Column::Username)
        .join_rev(
            JoinType::InnerJoin,
            grid_assignment::Entity::belongs_to(app_user::Entity)
                .from(grid_assignment::Column::StaffId)
                .to(app_user::Column::StaffId)
                .into(),
        )
        .filter(grid_assignment::Column::GridId.is_in(grid_ids.clone()))
        .order_by_asc(app_user::Column::Username)
        .into_tuple::<(i64, String)>()
        .all(&db.conn)
        .await?
        .into_iter()
        .collect();
    // Each unit's center account and each department's handler.
    let accounts: Vec<(String, i64, Option<i64>)> = app_user::Entity::find()
        .select_only()
        .columns([
            app_user::Column::Username,
            app_user::Column::OrgUnitId,
            app_user::Column::DepartmentId,
        ])
        .order_by_asc(app_user::Column::Username)
        .into_tuple()
        .all(&db.conn)
        .await?;
    let center_of = |unit: i64, prefix: &str| {
        accounts
            .iter()
            .find(|a| a.1 == unit && a.2.is_none() && a.0.starts_with(prefix))
            .map(|a| a.0.clone())
    };
    let handler_of = |dept: i64| accounts.iter().find(|a| a.2 == Some(dept)).map(|a| a.0.clone());
    let items: Vec<String> = zongguan_core::case_taxonomy::CATEGORIES
        .iter()
        .flat_map(|c| c.items.iter().map(|i| i.code.to_string()))
        .collect();
    let item_names: HashMap<&str, &str> = zongguan_core::case_taxonomy::CATEGORIES
        .iter()
        .flat_map(|c| c.items.iter().map(|i| (i.code, i.name)))
        .collect();
    let mut rng = Rng::new(seed ^ 0x5eed_ca5e);
    let mut users: HashMap<String, Actor> = HashMap::new();
    async fn user<'a>(db: &Db, users: &'a mut HashMap<String, Actor>, name: &str) -> DbResult<&'a Actor> {
        if !users.contains_key(name) {
            let u = Actor::load(db, name, "demo").await?;
            users.insert(name.to_string(), u);
        }
        Ok(&users[name])
    }
    let missing = |what: &str| DbError::invalid("demo", format!("演示账号缺少{what}"));
    for community in communities.iter().take(v.communities.unwrap_or(usize::MAX)) {
        let center = center_of(community.id, "community_").ok_or_else(|| missing(&community.name))?;
        let subdistrict = community
            .parent_id
            .and_then(|s| center_of(s, "subdistrict_"))
            .ok_or_else(|| missing("街道中心"))?;
        let community_grids: Vec<i64> = grids
            .iter()
            .filter(|g| g.parent_id == Some(community.id))
            .map(|g| g.id)
            .collect();
        for (k, stage) in LIVE_STAGES.iter().enumerate() {
            let grid = community_grids[k % community_grids.len()];
            let Some(worker) = workers.get(&grid) else { continue };
            let item = &items[rng.below(items.len() as u64) as usize];
            // At one of the grid's buildings, or at a point inside the grid.
            let near: Vec<(String, String)> = building::Entity::find()
                .select_only()
                .columns([building::Column::Code, building::Column::Name])
                .filter(building::Column::GridId.eq(grid))
                .limit(12)
                .into_tuple()
                .all(&db.conn)
                .await?;
            let mut new = NewCase::new(item, "");
            if near.is_empty() {
                let shape = units
                    .iter()
                    .find(|u| u.id == grid)
                    .and_then(|g| g.geometry.as_deref())
                    .and_then(|s| serde_json::from_str(s).ok())
                    .and_then(|v: serde_json::Value| geometry::from_geojson(&v));
                let Some(p) = shape.as_ref().and_then(|s| geometry::random_point_in(s, &mut rng)) else {
                    continue;
                };
                new.location = Some(cases::Location { lon: p.x(), lat: p.y() });
                new.description = case_text(item_names.get(item.as_str()).copied().unwrap_or_default(), "", &mut rng);
            } else {
                let (code, name) = &near[rng.below(near.len() as u64) as usize];
                new.building_code = Some(code.clone());
                new.description = case_text(
                    item_names.get(item.as_str()).copied().unwrap_or_default(),
                    &format!("{name}附近"),
                    &mut rng,
                );
            }
            new.source = Some("grid_worker".into());
            let made = cases::create(db, user(db, &mut users, worker).await?, new).await?;
            tally.live += 1;
            let (id, mut version, dept) = (made.case.id, made.case.version, made.case.department_id);
            let mut act = async |who: &str, action: &str, f: &dyn Fn(&mut ActionInput)| -> DbResult<()> {
                let mut input = ActionInput {
                    action: action.into(),
                    version,
                    ..Default::default()
                };
                f(&mut input);
                let u = user(db, &mut users, who).await?;
                version = match cases::act(db, u, id, input).await {
                    Ok(d) => d.case.version,
                    Err(e) => return Err(DbError::invalid("demo", format!("演示事件 {action}（{who}）：{e}"))),
                };
                Ok(())
            };
            let path: &[&str] = match *stage {
                "reported" => &[],
                "accepted" => &["accept"],
                "rejected" => &["reject"],
                "dispatched" | "returned" => &["accept", "dispatch"],
                "handling" | "supervised" | "paused" => &["accept", "dispatch", "start"],
                "feedback" => &["accept", "dispatch", "start", "feedback"],
                "verified" => &["accept", "dispatch", "start", "feedback", "verify"],
                _ => &["accept", "dispatch", "start", "feedback", "verify", "close"],
            };
            for step in path {
                let handler = dept.and_then(handler_of).ok_or_else(|| missing("处置部门"))?;
                match *step {
                    "accept" | "dispatch" | "close" => act(&center, step, &|_| {}).await?,
                    "reject" => act(&center, step, &|i| i.reason = Some("重复上报，已有同类事件在办".into())).await?,
                    "start" => act(&handler, step, &|_| {}).await?,
                    "feedback" => {
                        act(&handler, step, &|i| {
                            i.note = Some("已到现场处置完毕，问题已整改".into())
                        })
                        .await?
                    }
                    _ => act(worker, step, &|i| i.passed = Some(true)).await?,
                }
            }
            let handler = dept.and_then(handler_of).unwrap_or_default();
            match *stage {
                "supervised" => {
                    act(&subdistrict, "supervise", &|i| {
                        i.note = Some("群众反映强烈，请加快办理".into());
                        i.days = Some(2);
                    })
                    .await?
                }
                "paused" => act(&center, "pause", &|i| i.reason = Some("等待业主返深配合整改".into())).await?,
                "returned" => {
                    act(&handler, "return", &|i| {
                        i.reason = Some("不属于本部门职责，请重新派遣".into())
                    })
                    .await?
                }
                _ => {}
            }
        }
    }
    Ok(tally)
}
