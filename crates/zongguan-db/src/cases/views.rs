//! What a case looks like to the caller: list rows, the detail, and the actions the caller may take now.
use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use zongguan_core::calendar::{self, Urgency};
use zongguan_core::case_flow::{self, CaseAction, CaseFacts, CaseRole, OPEN_STATES};

use super::access::{facts, now, roles_for, state_of, visible_case};
use super::routing::{GridRouting, routing};
use crate::entity::{case_alert, case_assist, case_event, case_item, case_notice, case_photo, case_record, department};
use crate::{Actor, Db, DbError, DbResult};
use zongguan_core::permission::Permission;

#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
pub struct Location {
    pub lon: f64,
    pub lat: f64,
}

/// A case as lists and the detail show it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Case {
    pub id: i64,
    /// `SJ` + report date + daily sequence, e.g. `SJ20261126000123`.
    pub code: String,
    pub item_code: String,
    pub item_name: String,
    pub category_code: String,
    pub description: String,
    pub address: String,
    pub building_code: Option<String>,
    pub location: Option<Location>,
    pub grid_id: i64,
    pub grid_code: String,
    pub grid_name: String,
    pub community_id: i64,
    pub community_code: String,
    pub community_name: String,
    pub subdistrict_id: i64,
    pub subdistrict_code: String,
    pub subdistrict_name: String,
    /// The center that owns the case now (community, or higher after escalation).
    pub owner_unit_id: i64,
    /// community | subdistrict | district
    pub level: String,
    /// The lead department.
    pub department_id: Option<i64>,
    pub department_code: Option<String>,
    pub department_name: Option<String>,
    /// grid_worker | phone | visit | portal | open311 | system
    pub source: String,
    /// reported | accepted | rejected | dispatched | handling | feedback | verified | closed
    pub state: String,
    pub state_name: String,
    pub paused: bool,
    /// Send it back with every action; a stale value answers 409.
    pub version: i64,
    /// The step whose deadline runs: accept | dispatch | handle | verify | close.
    pub step: Option<String>,
    pub step_started_at: Option<DateTime<Utc>>,
    pub deadline_at: Option<DateTime<Utc>>,
    pub overdue: bool,
    /// normal | yellow (80 % of the time used) | red (overdue)
    pub urgency: String,
    pub supervision_level: i32,
    pub rework_count: i32,
    pub merged_into_id: Option<i64>,
    /// Reported with an address no building matched: the district center holds the case until it
    /// is placed (`grid_*`, `community_*` and `subdistrict_*` are then the district's or empty).
    pub unlocated: bool,
    pub reporter_name: String,
    /// The reporter's contact, masked (`a***@b.cn 138****5678`); in full from
    /// `GET /api/v1/cases/{id}?unmasked=true` with `resident:read_full` (audited).
    pub reporter_contact: String,
    /// A link to a photo an Open311 client sent with the report.
    pub media_url: String,
    pub reported_at: DateTime<Utc>,
    pub dispatched_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
    /// The thumbnail lists show: of the first photo taken on report, else of the first after-photo.
    pub thumb_url: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TimelineRow {
    pub id: i64,
    pub action: String,
    pub action_name: String,
    pub from_state: Option<String>,
    pub to_state: String,
    pub actor_name: String,
    /// The actor's center (org unit) name.
    pub unit_name: String,
    /// The actor's department, when a department acted.
    pub department_name: String,
    pub note: String,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Photo {
    pub id: i64,
    /// report | feedback
    pub stage: String,
    pub content_type: String,
    pub size: i64,
    pub has_thumbnail: bool,
    pub url: String,
    pub thumb_url: String,
    pub uploaded_at: DateTime<Utc>,
}

/// A supervision notice of a case (named apart from the governance `Notice` in OpenAPI).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = CaseNotice)]
pub struct Notice {
    pub id: i64,
    /// supervision
    pub kind: String,
    /// e.g. `平湖街道督〔2026〕3号`
    pub serial: String,
    pub issuing_unit_name: String,
    pub department_name: String,
    pub original_deadline: Option<DateTime<Utc>>,
    pub new_deadline: Option<DateTime<Utc>>,
    /// How late the case was when supervised.
    pub overdue_seconds: i64,
    pub note: String,
    pub issued_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DepartmentRef {
    pub id: i64,
    pub code: String,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Alert {
    pub step: String,
    pub deadline_at: DateTime<Utc>,
    pub raised_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CaseDetail {
    #[serde(flatten)]
    pub case: Case,
    pub assisting_departments: Vec<DepartmentRef>,
    pub timeline: Vec<TimelineRow>,
    pub photos: Vec<Photo>,
    pub notices: Vec<Notice>,
    /// Overdue alerts raised by the background job.
    pub alerts: Vec<Alert>,
    /// What the caller may do now (the UI's buttons); `merge` for the owning center.
    pub allowed_actions: Vec<String>,
}

fn is_overdue(m: &case_record::Model, now: DateTime<Utc>) -> bool {
    !m.paused && OPEN_STATES.contains(&state_of(m)) && m.deadline_at.is_some_and(|d| d < now)
}

fn urgency_of(m: &case_record::Model, now: DateTime<Utc>) -> Urgency {
    match (m.step_started_at, m.deadline_at) {
        (Some(s), Some(d)) if OPEN_STATES.contains(&state_of(m)) => {
            calendar::urgency(s, d, if m.paused { m.paused_at.unwrap_or(now) } else { now })
        }
        _ => Urgency::Normal,
    }
}

pub(super) async fn views(db: &Db, rows: Vec<case_record::Model>) -> DbResult<Vec<Case>> {
    let now = now();
    let routing = routing(db).await?;
    let depts: HashMap<i64, (String, String)> = rows
        .iter()
        .filter_map(|r| r.department_id)
        .filter_map(|i| {
            routing
                .department_by_id(i)
                .map(|d| (i, (d.code.clone(), d.name.clone())))
        })
        .collect();
    let codes: HashSet<String> = rows.iter().map(|r| r.item_code.clone()).collect();
    let items: HashMap<String, String> = case_item::Entity::find()
        .select_only()
        .columns([case_item::Column::Code, case_item::Column::Name])
        .filter(case_item::Column::Code.is_in(codes))
        .into_tuple::<(String, String)>()
        .all(&db.conn)
        .await?
        .into_iter()
        .collect();
    // One thumbnail per case: the report stage sorts before feedback, then the first taken.
    let mut thumbs: HashMap<i64, String> = HashMap::new();
    let photos: Vec<(i64, i64, String)> = case_photo::Entity::find()
        .select_only()
        .columns([
            case_photo::Column::CaseId,
            case_photo::Column::Id,
            case_photo::Column::Stage,
        ])
        .filter(case_photo::Column::CaseId.is_in(rows.iter().map(|r| r.id)))
        .filter(case_photo::Column::ThumbKey.is_not_null())
        .order_by_desc(case_photo::Column::Stage)
        .order_by_asc(case_photo::Column::Id)
        .into_tuple()
        .all(&db.conn)
        .await?;
    for (case_id, photo_id, _) in photos {
        thumbs
            .entry(case_id)
            .or_insert_with(|| format!("/api/v1/cases/{case_id}/photos/{photo_id}/thumb"));
    }
    Ok(rows
        .into_iter()
        .map(|m| {
            let thumb = thumbs.remove(&m.id);
            Case {
                thumb_url: thumb,
                ..view_one(m, &routing, &depts, &items, now)
            }
        })
        .collect())
}

pub(super) fn view_one(
    m: case_record::Model,
    routing: &GridRouting,
    depts: &HashMap<i64, (String, String)>,
    items: &HashMap<String, String>,
    now: DateTime<Utc>,
) -> Case {
    let g = routing.grid(m.grid_id).cloned();
    let d = m.department_id.and_then(|i| depts.get(&i)).cloned();
    let state = state_of(&m);
    Case {
        overdue: is_overdue(&m, now),
        urgency: urgency_of(&m, now).as_str().into(),
        item_name: items.get(&m.item_code).cloned().unwrap_or_default(),
        location: m.lon.zip(m.lat).map(|(lon, lat)| Location { lon, lat }),
        grid_code: g.as_ref().map(|g| g.grid_code.clone()).unwrap_or_default(),
        grid_name: g.as_ref().map(|g| g.grid_name.clone()).unwrap_or_default(),
        community_code: g.as_ref().map(|g| g.community_code.clone()).unwrap_or_default(),
        community_name: g.as_ref().map(|g| g.community_name.clone()).unwrap_or_default(),
        subdistrict_code: g.as_ref().map(|g| g.subdistrict_code.clone()).unwrap_or_default(),
        subdistrict_name: g.as_ref().map(|g| g.subdistrict_name.clone()).unwrap_or_default(),
        department_code: d.as_ref().map(|d| d.0.clone()),
        department_name: d.map(|d| d.1),
        state_name: state.zh().into(),
        id: m.id,
        code: m.code,
        item_code: m.item_code,
        category_code: m.category_code,
        description: m.description,
        address: m.address,
        building_code: m.building_code,
        grid_id: m.grid_id,
        community_id: m.community_id,
        subdistrict_id: m.subdistrict_id,
        owner_unit_id: m.owner_unit_id,
        level: m.level,
        department_id: m.department_id,
        source: m.source,
        state: m.state,
        paused: m.paused,
        version: m.version,
        step: m.step,
        step_started_at: m.step_started_at,
        deadline_at: m.deadline_at,
        supervision_level: m.supervision_level,
        rework_count: m.rework_count,
        merged_into_id: m.merged_into_id,
        unlocated: m.unlocated,
        reporter_name: m.reporter_name,
        reporter_contact: m.reporter_contact,
        media_url: m.media_url,
        reported_at: m.reported_at,
        dispatched_at: m.dispatched_at,
        closed_at: m.closed_at,
        updated_at: m.updated_at,
        thumb_url: None,
    }
}

pub async fn get_case(db: &Db, u: &Actor, id: i64) -> DbResult<CaseDetail> {
    let m = visible_case(&db.conn, u, id).await?;
    detail(db, u, m).await
}

pub(super) async fn detail(db: &Db, u: &Actor, m: case_record::Model) -> DbResult<CaseDetail> {
    let c = &db.conn;
    let roles = roles_for(c, u, &m, None).await?;
    let allowed_actions = allowed_actions(u, &roles, &facts(&m));
    let timeline = case_event::Entity::find()
        .filter(case_event::Column::CaseId.eq(m.id))
        .order_by_asc(case_event::Column::Id)
        .all(c)
        .await?;
    let photos = case_photo::Entity::find()
        .filter(case_photo::Column::CaseId.eq(m.id))
        .order_by_asc(case_photo::Column::Id)
        .all(c)
        .await?;
    let notices = case_notice::Entity::find()
        .filter(case_notice::Column::CaseId.eq(m.id))
        .order_by_asc(case_notice::Column::Id)
        .all(c)
        .await?;
    let alerts = case_alert::Entity::find()
        .filter(case_alert::Column::CaseId.eq(m.id))
        .order_by_asc(case_alert::Column::Id)
        .all(c)
        .await?;
    let assisting_departments = assisting_departments(c, m.id).await?;
    let case = views(db, vec![m]).await?.remove(0);
    let id = case.id;
    Ok(CaseDetail {
        assisting_departments,
        timeline: timeline.into_iter().map(TimelineRow::from).collect(),
        photos: photos.into_iter().map(|p| photo_view(id, p)).collect(),
        notices: notices.into_iter().map(Notice::from).collect(),
        alerts: alerts.into_iter().map(Alert::from).collect(),
        allowed_actions,
        case,
    })
}

/// The UI's buttons: each action one of the caller's roles may take now, where a center also
/// needs the permission for it; `merge` for the center of a case that can still move.
fn allowed_actions(u: &Actor, roles: &[CaseRole], f: &CaseFacts) -> Vec<String> {
    let mut allowed: Vec<String> = CaseAction::ALL
        .into_iter()
        .filter(|a| {
            roles.iter().any(|r| {
                let needs = match (r, a) {
                    (CaseRole::Center, CaseAction::Supervise) => u.can(Permission::CaseSupervise),
                    (CaseRole::Center, _) => u.can(Permission::CaseDispatch),
                    _ => true,
                };
                needs && case_flow::transition(f, a, *r).is_ok()
            })
        })
        .map(|a| a.as_str().into())
        .collect();
    if roles.contains(&CaseRole::Center) && u.can(Permission::CaseDispatch) && !f.state.is_terminal() && !f.paused {
        allowed.push("merge".into());
    }
    allowed
}

async fn assisting_departments<C: ConnectionTrait>(c: &C, case_id: i64) -> DbResult<Vec<DepartmentRef>> {
    let ids: Vec<i64> = case_assist::Entity::find()
        .select_only()
        .column(case_assist::Column::DepartmentId)
        .filter(case_assist::Column::CaseId.eq(case_id))
        .into_tuple()
        .all(c)
        .await?;
    if ids.is_empty() {
        return Ok(vec![]);
    }
    Ok(department::Entity::find()
        .filter(department::Column::Id.is_in(ids))
        .order_by_asc(department::Column::Code)
        .all(c)
        .await?
        .into_iter()
        .map(|d| DepartmentRef {
            id: d.id,
            code: d.code,
            name: d.name,
        })
        .collect())
}

impl From<case_event::Model> for TimelineRow {
    fn from(e: case_event::Model) -> Self {
        Self {
            action_name: action_zh(&e.action).into(),
            id: e.id,
            action: e.action,
            from_state: e.from_state,
            to_state: e.to_state,
            actor_name: e.actor_name,
            unit_name: e.unit_name,
            department_name: e.department_name,
            note: e.note,
            at: e.at,
        }
    }
}

impl From<case_notice::Model> for Notice {
    fn from(n: case_notice::Model) -> Self {
        Self {
            id: n.id,
            kind: n.kind,
            serial: n.serial,
            issuing_unit_name: n.issuing_unit_name,
            department_name: n.department_name,
            original_deadline: n.original_deadline,
            new_deadline: n.new_deadline,
            overdue_seconds: n.overdue_seconds,
            note: n.note,
            issued_at: n.issued_at,
        }
    }
}

impl From<case_alert::Model> for Alert {
    fn from(a: case_alert::Model) -> Self {
        Self {
            step: a.step,
            deadline_at: a.deadline_at,
            raised_at: a.raised_at,
        }
    }
}

fn action_zh(a: &str) -> &'static str {
    match a {
        "report" => "上报",
        "merge" => "合并",
        "merged_from" => "并入案件",
        "photo" => "上传照片",
        _ => CaseAction::parse(a, Some(true)).map(|a| a.zh()).unwrap_or("操作"),
    }
}

pub(super) fn photo_view(case_id: i64, p: case_photo::Model) -> Photo {
    Photo {
        url: format!("/api/v1/cases/{case_id}/photos/{}", p.id),
        thumb_url: format!("/api/v1/cases/{case_id}/photos/{}/thumb", p.id),
        has_thumbnail: p.thumb_key.is_some(),
        id: p.id,
        stage: p.stage,
        content_type: p.content_type,
        size: p.size,
        uploaded_at: p.uploaded_at,
    }
}

pub(super) async fn get_case_unchecked(db: &Db, u: &Actor, id: i64) -> DbResult<CaseDetail> {
    let m = case_record::Entity::find_by_id(id)
        .one(&db.conn)
        .await?
        .ok_or(DbError::NotFound)?;
    detail(db, u, m).await
}
