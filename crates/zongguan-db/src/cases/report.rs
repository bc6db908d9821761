//! Reporting a case: where it is and goes, possible duplicates, the code of the day, and the writes together.
use std::collections::HashMap;

use chrono::{DateTime, TimeDelta, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use zongguan_core::calendar;
use zongguan_core::case_flow::{CaseState, Level, OPEN_STATES, Step};
use zongguan_core::rbac::Scope;
use zongguan_core::spatial::distance_m;
use zongguan_core::time::cst_date;

use super::access::now;
use super::routing::{GridInfo, GridRouting, item_by_code, routing, work_calendar};
use super::taxonomy::limit_of;
use super::timeline::event;
use super::views::{Case, Location, view_one};
use crate::audit::{self, Event};
use crate::entity::{audit_log, building, case_event, case_item, case_record, department, org_unit};
use crate::{Actor, Backend, Db, DbError, DbResult};

/// Where a case may come from.
pub const SOURCES: &[&str] = &["grid_worker", "phone", "visit", "portal", "open311", "system"];

/// Duplicates: the same item, open, this close and this recent.
const DUPLICATE_METRES: f64 = 100.0;
const DUPLICATE_DAYS: i64 = 7;

/// An open case of the same item nearby, reported in the last 7 days.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DuplicateCase {
    pub id: i64,
    pub code: String,
    pub state: String,
    pub distance_m: f64,
    pub reported_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CreatedCase {
    #[serde(flatten)]
    pub case: Case,
    /// Possible duplicates: open cases of the same item within 100 m and 7 days.
    pub duplicates: Vec<DuplicateCase>,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCase {
    pub item_code: String,
    pub description: String,
    /// WGS-84; either this or `building_code` locates the case.
    pub location: Option<Location>,
    pub building_code: Option<String>,
    pub address: Option<String>,
    /// grid_worker | phone | visit | portal | open311 | system
    pub source: Option<String>,
    /// Who reported it, when not the caller (hotline, Open311).
    #[serde(skip)]
    pub reporter_name: Option<String>,
    #[serde(skip)]
    pub reporter_contact: Option<String>,
    /// Open311: the token the client can poll, stored with the case.
    #[serde(skip)]
    pub open311_token: Option<String>,
    /// Open311: a link to the reporter's photo, kept and returned as given.
    #[serde(skip)]
    pub media_url: Option<String>,
    /// Open311: an `address` no building matches still makes a case, unlocated, held by the
    /// district center for someone to place (other channels must locate their reports).
    #[serde(skip)]
    pub place_later: bool,
}

impl NewCase {
    pub fn new(item_code: &str, description: &str) -> Self {
        Self {
            item_code: item_code.into(),
            description: description.into(),
            location: None,
            building_code: None,
            address: None,
            source: None,
            reporter_name: None,
            reporter_contact: None,
            open311_token: None,
            media_url: None,
            place_later: false,
        }
    }
}

/// Where a case is: grid, community, subdistrict, coordinates.
struct Place {
    grid_id: i64,
    info: GridInfo,
    lon: Option<f64>,
    lat: Option<f64>,
    building_code: Option<String>,
    /// The building's address, for a report that gives none.
    building_address: Option<String>,
    /// Not placed: the grid, community, subdistrict and owner are the district center's unit.
    unlocated: bool,
}

async fn place_of<C: ConnectionTrait>(c: &C, routing: &GridRouting, n: &NewCase) -> DbResult<Place> {
    if let Some(l) = n.location
        && (!(73.0..=136.0).contains(&l.lon) || !(3.0..=54.0).contains(&l.lat))
    {
        return Err(DbError::invalid(
            "location",
            format!("经纬度 ({}, {}) 不在中国境内", l.lon, l.lat),
        ));
    }
    let building_code = n.building_code.as_deref().map(str::trim).filter(|s| !s.is_empty());
    if let Some(code) = building_code {
        let b = crate::registry::building_by_code(c, &Scope::All, code)
            .await?
            .ok_or_else(|| DbError::invalid("building_code", format!("楼栋编码 {code} 不存在")))?;
        return building_place(routing, b, n.location);
    }
    let address = n.address.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let Some(l) = n.location else {
        return match address {
            Some(a) if n.place_later => match building_by_address(c, a).await? {
                Some(b) => building_place(routing, b, None),
                None => district_place(c).await,
            },
            _ => Err(DbError::invalid("location", "请提供事件位置（经纬度）或楼栋编码")),
        };
    };
    let grid_id = routing
        .locate(l.lon, l.lat)
        .ok_or_else(|| DbError::invalid("location", format!("位置 ({}, {}) 不在任何网格内", l.lon, l.lat)))?;
    let info = routing
        .grid(grid_id)
        .cloned()
        .ok_or_else(|| DbError::invalid("location", "网格不存在"))?;
    Ok(Place {
        grid_id,
        info,
        lon: Some(l.lon),
        lat: Some(l.lat),
        building_code: None,
        building_address: None,
        unlocated: false,
    })
}

fn building_place(routing: &GridRouting, b: building::Model, at: Option<Location>) -> DbResult<Place> {
    let info = routing
        .grid(b.grid_id)
        .cloned()
        .ok_or_else(|| DbError::invalid("building_code", "楼栋所在网格不存在"))?;
    let (lon, lat) = at.map(|l| (l.lon, l.lat)).unwrap_or((b.lon, b.lat));
    Ok(Place {
        grid_id: b.grid_id,
        info,
        lon: Some(lon),
        lat: Some(lat),
        building_code: Some(b.code),
        building_address: Some(b.address),
        unlocated: false,
    })
}

/// The one building whose code, name or address is exactly this text; none when none or several are.
async fn building_by_address<C: ConnectionTrait>(c: &C, text: &str) -> DbResult<Option<building::Model>> {
    let mut found = building::Entity::find()
        .filter(
            Condition::any()
                .add(building::Column::Code.eq(text))
                .add(building::Column::Name.eq(text))
                .add(building::Column::Address.eq(text)),
        )
        .order_by_asc(building::Column::Id)
        .limit(2)
        .all(c)
        .await?;
    Ok(if found.len() == 1 { found.pop() } else { None })
}

/// An unlocated case's place: the district center (the root unit) stands for grid, community and
/// subdistrict, so the district sees it and the grids below it do not until it is placed.
async fn district_place<C: ConnectionTrait>(c: &C) -> DbResult<Place> {
    let d = org_unit::Entity::find()
        .filter(org_unit::Column::ParentId.is_null())
        .order_by_asc(org_unit::Column::Id)
        .one(c)
        .await?
        .ok_or_else(|| DbError::invalid("location", "尚未建立区级机构，无法受理未定位的事件"))?;
    Ok(Place {
        grid_id: d.id,
        info: GridInfo {
            grid_code: String::new(),
            grid_name: String::new(),
            community_id: d.id,
            community_code: d.code.clone(),
            community_name: d.name.clone(),
            subdistrict_id: d.id,
            subdistrict_code: d.code,
            subdistrict_name: d.name,
        },
        lon: None,
        lat: None,
        building_code: None,
        building_address: None,
        unlocated: true,
    })
}

async fn duplicates<C: ConnectionTrait>(
    c: &C,
    item: &str,
    lon: f64,
    lat: f64,
    now: DateTime<Utc>,
) -> DbResult<Vec<DuplicateCase>> {
    let dlat = DUPLICATE_METRES / 111_000.0;
    let dlon = dlat / lat.to_radians().cos().max(0.1);
    let rows: Vec<(i64, String, String, f64, f64, DateTime<Utc>)> = case_record::Entity::find()
        .select_only()
        .columns([
            case_record::Column::Id,
            case_record::Column::Code,
            case_record::Column::State,
            case_record::Column::Lon,
            case_record::Column::Lat,
            case_record::Column::ReportedAt,
        ])
        .filter(case_record::Column::ItemCode.eq(item))
        .filter(case_record::Column::ReportedAt.gte(now - TimeDelta::days(DUPLICATE_DAYS)))
        .filter(case_record::Column::State.is_in(OPEN_STATES.map(CaseState::as_str)))
        .filter(case_record::Column::Lat.between(lat - dlat, lat + dlat))
        .filter(case_record::Column::Lon.between(lon - dlon, lon + dlon))
        .order_by_desc(case_record::Column::ReportedAt)
        .limit(20)
        .into_tuple()
        .all(c)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, code, state, olon, olat, at)| DuplicateCase {
            id,
            code,
            state,
            distance_m: (distance_m(lon, lat, olon, olat) * 10.0).round() / 10.0,
            reported_at: at,
        })
        .filter(|d| d.distance_m <= DUPLICATE_METRES)
        .collect())
}

/// Takes the turn of a report and reads, in it, the next case code of the day (`SJ` + China date +
/// sequence) and the audit chain's last row. SQLite: the writer lock is the turn, one read.
/// PostgreSQL: one call of `zg_case_turn` (migration m0007) takes the chain's lock and reads.
async fn case_turn<C: ConnectionTrait>(c: &C, now: DateTime<Utc>) -> DbResult<(String, audit::Tail)> {
    let prefix = format!("SJ{}", cst_date(now).format("%Y%m%d"));
    let backend = c.get_database_backend();
    let sql = if backend == sea_orm::DbBackend::Postgres {
        "SELECT code, audit_id, audit_hash FROM zg_case_turn($1, $2)"
    } else {
        // A range on the unique index, not LIKE: it seeks.
        "SELECT (SELECT code FROM case_record WHERE code >= ? AND code < ? ORDER BY code DESC LIMIT 1) AS code, \
         (SELECT id FROM audit_log ORDER BY id DESC LIMIT 1) AS audit_id, (SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1) AS audit_hash"
    };
    let row = c
        .query_one_raw(sea_orm::Statement::from_sql_and_values(
            backend,
            sql,
            [prefix.clone().into(), format!("{prefix}A").into()],
        ))
        .await?;
    let (last, id, hash) = match row {
        Some(r) => (
            r.try_get::<Option<String>>("", "code")?,
            r.try_get::<Option<i64>>("", "audit_id")?,
            r.try_get::<Option<String>>("", "audit_hash")?,
        ),
        None => (None, None, None),
    };
    let seq = last
        .and_then(|l| l.get(prefix.len()..).and_then(|s| s.parse::<u64>().ok()))
        .unwrap_or(0)
        + 1;
    Ok((format!("{prefix}{seq:06}"), id.zip(hash)))
}

/// `$n` placeholders moved up by `by`, to join built statements into one (values are bound, so
/// the text holds no other `$`).
fn shift_placeholders(sql: &str, by: usize) -> String {
    let mut out = String::with_capacity(sql.len() + 32);
    let mut rest = sql;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..=i]);
        rest = &rest[i + 1..];
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        match rest[..digits].parse::<usize>() {
            Ok(n) => out.push_str(&(n + by).to_string()),
            Err(_) => out.push_str(&rest[..digits]),
        }
        rest = &rest[digits..];
    }
    out.push_str(rest);
    out
}

/// Reports a case: routes it to its grid, community center and department, starts the accept
/// clock, looks for duplicates, writes the first timeline row and the audit row in one transaction.
pub async fn create(db: &Db, u: &Actor, n: NewCase) -> DbResult<CreatedCase> {
    let texts = Texts::of(db, &n)?;
    // Everything that only reads comes before the writer lock, so concurrent reports overlap it.
    let item_code = n.item_code.trim();
    let item = item_by_code(db, item_code)
        .await?
        .filter(|i| i.enabled)
        .ok_or_else(|| DbError::invalid("item_code", format!("事件小类 {item_code} 不存在或已停用")))?;
    let routing = routing(db).await?;
    let cal = work_calendar(db).await?;
    let place = place_of(&db.conn, &routing, &n).await?;
    let dept = routing
        .routed_department(&item.department_seq, &place.info.subdistrict_code)
        .cloned();
    // Duplicates are suggestions for the center: a report committed while this one waits for the
    // lock is missed as if it came a moment later, and the center can still merge the two.
    // PostgreSQL looks before the turn, so concurrent reports overlap it; SQLite inside it, on the
    // writer's connection, whose pages are warm (a pool connection has dropped its cache since the
    // last report's commit, and re-reading cold pages cost more than the turn it saves).
    let point = place.lon.zip(place.lat);
    let mut dups = match (db.backend, point) {
        (Backend::Postgres, Some((lon, lat))) => duplicates(&db.conn, &item.code, lon, lat, now()).await?,
        _ => vec![],
    };
    let id = reserve_id(db).await?;
    let names = reporter_names(&routing, u);
    let to = if place.unlocated {
        format!("{}（地址未能定位，待中心定位）", place.info.community_name)
    } else {
        place.info.community_name.clone()
    };
    let note = match &dept {
        Some(d) => format!("自动分拨：{to}，承办部门 {}", d.name),
        None => format!("自动分拨：{to}"),
    };

    let txn = db.begin_write().await?;
    if let (Backend::Sqlite, Some((lon, lat))) = (db.backend, point) {
        dups = duplicates(&*txn, &item.code, lon, lat, now()).await?;
    }
    // Case codes are a daily sequence: creators take turns. On PostgreSQL the audit chain's lock,
    // which the audit row needs anyway, is that turn (SQLite's writer lock is, there).
    let day = now();
    let (code, tail) = case_turn(&*txn, day).await?;
    // Stamped inside the turn, so report times follow the codes (unless the wait crossed midnight:
    // then the code's day wins).
    let now = Some(now()).filter(|t| cst_date(*t) == cst_date(day)).unwrap_or(day);
    let stamp = Stamp {
        id,
        code: &code,
        now,
        deadline: calendar::deadline(&cal, now, limit_of(&item, Step::Accept)),
    };
    let am = new_record(u, &n, texts, &item, place, dept.as_ref(), stamp);
    let m = insert_report(&*txn, id, am, |id| {
        (
            event(id, "report", None, CaseState::Reported, u, &names, note, now),
            audit::row_after(
                tail,
                u,
                Event::ok("create", "case", id).detail(format!("{code} {}", item.name)),
            ),
        )
    })
    .await?;
    txn.commit().await?;
    let mut depts = HashMap::new();
    if let Some(d) = dept {
        depts.insert(d.id, (d.code, d.name));
    }
    let items = HashMap::from([(item.code.clone(), item.name.clone())]);
    Ok(CreatedCase {
        case: view_one(m, &routing, &depts, &items, now),
        duplicates: dups,
    })
}

/// A report's own texts, checked, and the reporter's contact sealed.
struct Texts {
    description: String,
    address: String,
    source: String,
    contact_enc: Option<String>,
    contact_masked: String,
}

impl Texts {
    fn of(db: &Db, n: &NewCase) -> DbResult<Self> {
        let description = n.description.trim().to_string();
        // GeoReport v2 allows 4,000 characters; the staff's own forms keep to 2,000.
        let limit = if n.source.as_deref() == Some("open311") {
            4000
        } else {
            2000
        };
        if description.is_empty() || description.chars().count() > limit {
            return Err(DbError::invalid(
                "description",
                format!("事件描述不能为空，且不超过 {limit} 字"),
            ));
        }
        if n.media_url.as_deref().is_some_and(|u| u.chars().count() > 1000) {
            return Err(DbError::invalid("media_url", "media_url 不超过 1000 字"));
        }
        let address = n.address.as_deref().map(str::trim).unwrap_or("").to_string();
        if address.chars().count() > 200 {
            return Err(DbError::invalid("address", "地址不超过 200 字"));
        }
        let source = n.source.clone().unwrap_or_else(|| "grid_worker".into());
        if !SOURCES.contains(&source.as_str()) {
            return Err(DbError::invalid("source", format!("来源须为 {}", SOURCES.join("、"))));
        }
        let (contact_enc, contact_masked) = super::contact::sealed(db, n.reporter_contact.as_deref().unwrap_or(""));
        Ok(Self {
            description,
            address,
            source,
            contact_enc,
            contact_masked,
        })
    }
}

/// PostgreSQL: the id comes from the sequence before the turn, so the case, its timeline row and
/// its audit row (which names the id) go in as one statement while the turn is held. SQLite: none,
/// the insert answers it.
async fn reserve_id(db: &Db) -> DbResult<Option<i64>> {
    match db.backend {
        Backend::Postgres => {
            let row = db
                .conn
                .query_one_raw(sea_orm::Statement::from_string(
                    sea_orm::DbBackend::Postgres,
                    "SELECT nextval(pg_get_serial_sequence('case_record', 'id')) AS id",
                ))
                .await?;
            Ok(Some(row.ok_or(DbError::NotFound)?.try_get::<i64>("", "id")?))
        }
        Backend::Sqlite => Ok(None),
    }
}

/// The reporter's center and department names for the timeline, from the routing cache: the hot
/// path reads no table for them.
fn reporter_names(routing: &GridRouting, u: &Actor) -> (String, String) {
    (
        u.org_unit_id
            .and_then(|i| routing.unit_names.get(&i))
            .cloned()
            .unwrap_or_default(),
        u.department_id
            .and_then(|i| routing.department_by_id(i))
            .map(|d| d.name.clone())
            .unwrap_or_default(),
    )
}

/// What the turn gives a new case: its id (when reserved), code, report time and first deadline.
struct Stamp<'a> {
    id: Option<i64>,
    code: &'a str,
    now: DateTime<Utc>,
    deadline: DateTime<Utc>,
}

/// The new case as reported: at the community center, waiting for acceptance.
fn new_record(
    u: &Actor,
    n: &NewCase,
    texts: Texts,
    item: &case_item::Model,
    place: Place,
    dept: Option<&department::Model>,
    stamp: Stamp<'_>,
) -> case_record::ActiveModel {
    let Stamp {
        id,
        code,
        now,
        deadline,
    } = stamp;
    case_record::ActiveModel {
        id: id.map(Set).unwrap_or_default(),
        code: Set(code.into()),
        item_code: Set(item.code.clone()),
        category_code: Set(item.category_code.clone()),
        description: Set(texts.description),
        address: Set(if texts.address.is_empty() {
            place.building_address.unwrap_or_default()
        } else {
            texts.address
        }),
        building_code: Set(place.building_code),
        lon: Set(place.lon),
        lat: Set(place.lat),
        grid_id: Set(place.grid_id),
        community_id: Set(place.info.community_id),
        subdistrict_id: Set(place.info.subdistrict_id),
        owner_unit_id: Set(place.info.community_id),
        level: Set(if place.unlocated {
            Level::District
        } else {
            Level::Community
        }
        .as_str()
        .into()),
        unlocated: Set(place.unlocated),
        media_url: Set(n.media_url.clone().unwrap_or_default()),
        department_id: Set(dept.map(|d| d.id)),
        source: Set(texts.source),
        state: Set(CaseState::Reported.as_str().into()),
        paused: Set(false),
        version: Set(1),
        step: Set(Some(Step::Accept.as_str().into())),
        step_started_at: Set(Some(now)),
        deadline_at: Set(Some(deadline)),
        paused_at: Set(None),
        supervision_level: Set(0),
        rework_count: Set(0),
        late: Set(false),
        merged_into_id: Set(None),
        reporter_user_id: Set(u.user_id),
        reporter_name: Set(n.reporter_name.clone().unwrap_or_else(|| u.name.clone())),
        reporter_contact: Set(texts.contact_masked),
        reporter_contact_enc: Set(texts.contact_enc),
        open311_token: Set(n.open311_token.clone()),
        reported_at: Set(now),
        dispatched_at: Set(None),
        closed_at: Set(None),
        created_by: Set(u.user_id),
        updated_at: Set(now),
    }
}

/// Writes the case, its first timeline row and its audit row, the rows made by `rows` for the
/// case's id. With an id reserved (PostgreSQL) the three are one statement; else the case's insert
/// answers the id, and the rows follow.
async fn insert_report<C: ConnectionTrait>(
    c: &C,
    id: Option<i64>,
    am: case_record::ActiveModel,
    rows: impl FnOnce(i64) -> (case_event::ActiveModel, audit_log::ActiveModel),
) -> DbResult<case_record::Model> {
    let taken = |e: sea_orm::DbErr| DbError::from(e).unique("事件编号冲突，请重试");
    let Some(id) = id else {
        let m = am.insert(c).await.map_err(taken)?;
        let (timeline_row, audit_row) = rows(m.id);
        case_event::Entity::insert(timeline_row)
            .exec_without_returning(c)
            .await?;
        audit_log::Entity::insert(audit_row).exec_without_returning(c).await?;
        return Ok(m);
    };
    use sea_orm::QueryTrait;
    let pg = sea_orm::DbBackend::Postgres;
    let (timeline_row, audit_row) = rows(id);
    let parts = [
        case_record::Entity::insert(am).build(pg),
        case_event::Entity::insert(timeline_row).build(pg),
        audit_log::Entity::insert(audit_row).build(pg),
    ];
    let mut sqls = Vec::new();
    let mut values = Vec::new();
    for p in parts {
        sqls.push(shift_placeholders(&p.sql, values.len()));
        values.extend(p.values.map(|v| v.0).unwrap_or_default());
    }
    let sql = format!(
        "WITH c AS ({} RETURNING *), e AS ({}), a AS ({}) SELECT * FROM c",
        sqls[0], sqls[1], sqls[2]
    );
    case_record::Entity::find()
        .from_raw_sql(sea_orm::Statement::from_sql_and_values(pg, sql, values))
        .one(c)
        .await
        .map_err(taken)?
        .ok_or(DbError::NotFound)
}
