//! Stability incidents (维稳事件): registration with parties from the registry, the report up
//! the chain level by level on the clocks of `stability.rs`, follow-ups and closure; a large
//! incident reaches the district's officers at once.
use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, IntoActiveModel,
    QueryFilter, QueryOrder, QuerySelect,
};
use serde::Serialize;
use utoipa::ToSchema;
use zongguan_core::governance::stability::{IncidentLevel, report_late, reports_to};
use zongguan_core::org::OrgLevel;
use zongguan_core::permission::Permission;
use zongguan_core::rbac::Scope;

use super::petitions::unit_in_scope;
use super::stability_settings::incident_settings;
use crate::audit::{self, Event};
use crate::entity::{
    org_unit, resident, stability_incident as inc, stability_incident_follow_up as fup,
    stability_incident_party as party, stability_incident_report as report,
};
use crate::notifications::{self, NewNotification};
use crate::org::unit_names;
pub(super) use crate::registry::RESIDENT_PLACED;
use crate::{Actor, Db, DbError, DbResult, Page, PageReq, scope};

pub(super) const PLACED: scope::Placed<inc::Column> = scope::Placed {
    unit: inc::Column::OrgUnitId,
    subdistrict: inc::Column::SubdistrictId,
    community: inc::Column::CommunityId,
    owner: Some(inc::Column::CreatedBy),
};

/// A party as lists show them: masked.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct IncidentParty {
    pub resident_id: i64,
    pub name: String,
    pub id_number: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Incident {
    pub id: i64,
    /// A code of `INCIDENT_KINDS`.
    pub kind: String,
    /// `general` | `large` | `major` | `extraordinary`.
    pub level: String,
    pub headcount: i32,
    pub title: String,
    pub address: String,
    pub lng: Option<f64>,
    pub lat: Option<f64>,
    pub occurred_at: DateTime<Utc>,
    pub learned_at: DateTime<Utc>,
    /// `reporting` (climbing the chain) | `reported` (at the district) | `closed`.
    pub state: String,
    /// The level holding it now: `grid` | `community` | `subdistrict` | `district`.
    pub at_level: String,
    /// When the report to the next level is owed; none at the top or once closed.
    pub report_due_at: Option<DateTime<Utc>>,
    /// That report is owed and its moment has passed.
    pub report_overdue: bool,
    pub org_unit_id: i64,
    pub org_unit_name: String,
    pub parties: Vec<IncidentParty>,
    /// The district's officers were told when it was recorded.
    pub district_told: bool,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct IncidentReport {
    pub id: i64,
    pub from_level: String,
    pub to_level: String,
    pub to_unit_name: String,
    pub due_at: DateTime<Utc>,
    pub reported_at: DateTime<Utc>,
    pub on_time: bool,
    pub actor_name: String,
    pub note: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct IncidentFollowUp {
    pub id: i64,
    pub content: String,
    pub actor_name: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct IncidentDetail {
    pub incident: Incident,
    pub description: String,
    pub closed_at: Option<DateTime<Utc>>,
    pub closing_note: String,
    /// Oldest first.
    pub reports: Vec<IncidentReport>,
    /// Oldest first.
    pub follow_ups: Vec<IncidentFollowUp>,
    /// `report-up`, `follow-ups`, `close` as the state allows now.
    pub steps: Vec<String>,
}

#[derive(Debug, Default, Clone)]
pub struct IncidentFilter {
    pub org_unit_id: Option<i64>,
    pub state: Option<String>,
    pub level: Option<IncidentLevel>,
    /// Owing a report past its moment.
    pub overdue: Option<bool>,
    pub q: Option<String>,
}

#[derive(Debug, Clone)]
pub struct IncidentInput {
    pub kind: String,
    pub level: IncidentLevel,
    pub headcount: i32,
    pub title: String,
    pub description: String,
    pub org_unit_id: i64,
    pub address: String,
    pub lng: Option<f64>,
    pub lat: Option<f64>,
    pub occurred_at: DateTime<Utc>,
    pub learned_at: DateTime<Utc>,
    /// Residents of the registry.
    pub resident_ids: Vec<i64>,
}

/// Masked name and ID number of residents.
pub(super) async fn masked_people<C: ConnectionTrait>(
    c: &C,
    ids: Vec<i64>,
) -> DbResult<HashMap<i64, (String, String)>> {
    Ok(resident::Entity::find()
        .select_only()
        .columns([
            resident::Column::Id,
            resident::Column::Name,
            resident::Column::IdNumberMasked,
        ])
        .filter(resident::Column::Id.is_in(ids))
        .into_tuple::<(i64, String, String)>()
        .all(c)
        .await?
        .into_iter()
        .map(|(i, n, m)| (i, (zongguan_core::mask::name(&n), m)))
        .collect())
}

async fn views<C: ConnectionTrait>(c: &C, rows: Vec<inc::Model>) -> DbResult<Vec<Incident>> {
    let units = unit_names(c, rows.iter().map(|r| r.org_unit_id)).await?;
    let parties = party::Entity::find()
        .filter(party::Column::IncidentId.is_in(rows.iter().map(|r| r.id).collect::<Vec<_>>()))
        .order_by_asc(party::Column::Sort)
        .all(c)
        .await?;
    let people = masked_people(c, parties.iter().map(|p| p.resident_id).collect()).await?;
    let now = Utc::now();
    Ok(rows
        .into_iter()
        .map(|r| Incident {
            org_unit_name: units.get(&r.org_unit_id).cloned().unwrap_or_default(),
            parties: parties
                .iter()
                .filter(|p| p.incident_id == r.id)
                .map(|p| {
                    let (name, id_number) = people.get(&p.resident_id).cloned().unwrap_or_default();
                    IncidentParty {
                        resident_id: p.resident_id,
                        name,
                        id_number,
                    }
                })
                .collect(),
            report_overdue: r.report_due_at.is_some_and(|d| report_late(d, None, now)),
            id: r.id,
            kind: r.kind,
            level: r.level,
            headcount: r.headcount,
            title: r.title,
            address: r.address,
            lng: r.lng,
            lat: r.lat,
            occurred_at: r.occurred_at,
            learned_at: r.learned_at,
            state: r.state,
            at_level: r.at_level,
            report_due_at: r.report_due_at,
            org_unit_id: r.org_unit_id,
            district_told: r.district_told,
        })
        .collect())
}

/// Incidents under the scope and the org filter, newest first.
pub async fn list_incidents(db: &Db, scope: &Scope, f: &IncidentFilter, p: PageReq) -> DbResult<Page<Incident>> {
    let mut q = inc::Entity::find().filter(scope::placed_under(&db.conn, scope, f.org_unit_id, &PLACED).await?);
    if let Some(s) = f.state.as_deref() {
        q = q.filter(inc::Column::State.eq(s));
    }
    if let Some(l) = f.level {
        q = q.filter(inc::Column::Level.eq(l.as_str()));
    }
    if let Some(o) = f.overdue {
        let now = Utc::now();
        q = q.filter(if o {
            Condition::all().add(inc::Column::ReportDueAt.lt(now))
        } else {
            Condition::any()
                .add(inc::Column::ReportDueAt.is_null())
                .add(inc::Column::ReportDueAt.gte(now))
        });
    }
    if let Some(t) = f.q.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        q = q.filter(crate::like::contains(inc::Column::Title, t));
    }
    let sort = crate::listing::SortKey {
        key: None,
        id: inc::Column::Id,
        desc: true,
    };
    let mut page = crate::listing::page_rows(&db.conn, q, &sort, &p, |r| r.id).await?;
    let rows = std::mem::take(&mut page.items);
    Ok(page.with_items(views(&db.conn, rows).await?))
}

async fn visible<C: ConnectionTrait>(c: &C, scope: &Scope, id: i64) -> DbResult<inc::Model> {
    inc::Entity::find_by_id(id)
        .filter(scope::placed(c, scope, &PLACED).await?)
        .one(c)
        .await?
        .ok_or(DbError::NotFound)
}

fn steps(m: &inc::Model) -> Vec<String> {
    if m.state == "closed" {
        return vec![];
    }
    let mut s = vec![];
    if m.at_level != OrgLevel::District.as_str() {
        s.push("report-up".into());
    }
    s.push("follow-ups".into());
    s.push("close".into());
    s
}

async fn detail<C: ConnectionTrait>(c: &C, m: inc::Model) -> DbResult<IncidentDetail> {
    let reports = report::Entity::find()
        .filter(report::Column::IncidentId.eq(m.id))
        .order_by_asc(report::Column::Id)
        .all(c)
        .await?;
    let names = unit_names(c, reports.iter().filter_map(|r| r.to_unit_id)).await?;
    let follow_ups = fup::Entity::find()
        .filter(fup::Column::IncidentId.eq(m.id))
        .order_by_asc(fup::Column::Id)
        .all(c)
        .await?
        .into_iter()
        .map(|f| IncidentFollowUp {
            id: f.id,
            content: f.content,
            actor_name: f.actor_name,
            created_at: f.created_at,
        })
        .collect();
    Ok(IncidentDetail {
        description: m.description.clone(),
        closed_at: m.closed_at,
        closing_note: m.closing_note.clone(),
        reports: reports
            .into_iter()
            .map(|r| IncidentReport {
                id: r.id,
                to_unit_name: r.to_unit_id.and_then(|u| names.get(&u).cloned()).unwrap_or_default(),
                from_level: r.from_level,
                to_level: r.to_level,
                due_at: r.due_at,
                reported_at: r.reported_at,
                on_time: r.on_time,
                actor_name: r.actor_name,
                note: r.note,
            })
            .collect(),
        follow_ups,
        steps: steps(&m),
        incident: views(c, vec![m]).await?.remove(0),
    })
}

pub async fn get_incident(db: &Db, scope: &Scope, id: i64) -> DbResult<IncidentDetail> {
    detail(&db.conn, visible(&db.conn, scope, id).await?).await
}

/// The unit of `level` above (or at) `u`: its community, subdistrict or the district on its path.
async fn unit_at<C: ConnectionTrait>(c: &C, u: &org_unit::Model, level: OrgLevel) -> DbResult<Option<i64>> {
    Ok(match level {
        OrgLevel::Community => u.community_id,
        OrgLevel::Subdistrict => u.subdistrict_id,
        OrgLevel::Grid => Some(u.id),
        OrgLevel::District => {
            let ids: Vec<i64> = u.path.split('/').filter_map(|s| s.parse().ok()).collect();
            org_unit::Entity::find()
                .select_only()
                .column(org_unit::Column::Id)
                .filter(org_unit::Column::Id.is_in(ids))
                .filter(org_unit::Column::Level.eq(OrgLevel::District.as_str()))
                .into_tuple::<i64>()
                .one(c)
                .await?
        }
    })
}

/// Records an incident (audited). Its report to the next level is owed within the level's limit
/// from when the unit learned of it; from the set level up the district's officers are told now.
pub async fn create_incident(db: &Db, actor: &Actor, i: IncidentInput) -> DbResult<IncidentDetail> {
    let now = Utc::now();
    if i.learned_at > now + chrono::TimeDelta::minutes(5) {
        return Err(DbError::invalid("learned_at", "获悉时间不能晚于现在"));
    }
    if i.occurred_at > i.learned_at {
        return Err(DbError::invalid("occurred_at", "发生时间不能晚于获悉时间"));
    }
    let settings = incident_settings(&db.conn).await?;
    let txn = db.begin_write().await?;
    let mut rids: Vec<i64> = vec![];
    for r in &i.resident_ids {
        if !rids.contains(r) {
            rids.push(*r);
        }
    }
    let people = if rids.is_empty() {
        vec![]
    } else {
        resident::Entity::find()
            .filter(resident::Column::Id.is_in(rids.clone()))
            .filter(scope::placed(&*txn, &actor.scope, &RESIDENT_PLACED).await?)
            .all(&*txn)
            .await?
    };
    if people.len() != rids.len() {
        return Err(DbError::invalid(
            "resident_ids",
            "当事人须从实有人口中选择（按身份证号或姓名查找）",
        ));
    }
    let unit = unit_in_scope(&*txn, &actor.scope, i.org_unit_id).await?;
    let at = OrgLevel::parse(&unit.level).map_err(|_| DbError::invalid("org_unit_id", "机构层级无效"))?;
    let due = settings.next_report(i.level, at, i.learned_at);
    let tell = settings.notify_district_at_once(i.level);
    let m = inc::ActiveModel {
        kind: Set(i.kind.clone()),
        level: Set(i.level.as_str().into()),
        headcount: Set(i.headcount.max(people.len() as i32)),
        title: Set(i.title.clone()),
        description: Set(i.description.clone()),
        address: Set(i.address.clone()),
        lng: Set(i.lng),
        lat: Set(i.lat),
        occurred_at: Set(i.occurred_at),
        learned_at: Set(i.learned_at),
        state: Set(if due.is_some() { "reporting" } else { "reported" }.into()),
        at_level: Set(at.as_str().into()),
        report_due_at: Set(due.map(|d| d.due)),
        closed_at: Set(None),
        closing_note: Set(String::new()),
        district_told: Set(false),
        org_unit_id: Set(unit.id),
        subdistrict_id: Set(unit.subdistrict_id),
        community_id: Set(unit.community_id),
        created_by: Set(actor.user_id),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&*txn)
    .await?;
    for (k, p) in rids.iter().enumerate() {
        let Some(r) = people.iter().find(|x| x.id == *p) else {
            continue;
        };
        party::ActiveModel {
            incident_id: Set(m.id),
            resident_id: Set(r.id),
            id_number_hash: Set(r.id_number_hash.clone()),
            sort: Set(k as i32),
            ..Default::default()
        }
        .insert(&*txn)
        .await?;
    }
    let mut pending = notifications::Pending::default();
    let m = if tell && let Some(district) = unit_at(&*txn, &unit, OrgLevel::District).await? {
        pending = notifications::notify_unit(
            &*txn,
            district,
            Permission::IncidentRead,
            &NewNotification {
                kind: "large_incident",
                title: format!("{}维稳事件：{}", i.level.zh(), i.title),
                body: format!("{}（{} 人），{}", unit.name, i.headcount, i.address),
                link: format!("/governance/incidents?open={}", m.id),
                subject_kind: "stability_incident",
                subject_id: Some(m.id),
            },
        )
        .await?;
        let mut am = m.into_active_model();
        am.district_told = Set(true);
        am.update(&*txn).await?
    } else {
        m
    };
    audit::append(
        &*txn,
        db.backend,
        actor,
        Event::ok("create", "stability_incident", m.id).detail(format!("{} {}", i.level.as_str(), i.title)),
    )
    .await?;
    txn.commit().await?;
    pending.announce(db);
    detail(&db.conn, m).await
}

fn closed_refusal(m: &inc::Model) -> DbResult<()> {
    if m.state == "closed" {
        Err(DbError::Conflict("事件已办结".into()))
    } else {
        Ok(())
    }
}

/// Reports the incident to the next level (audited): on time or late against the owed moment;
/// the next level's clock starts now.
pub async fn report_up(db: &Db, actor: &Actor, id: i64, note: String) -> DbResult<IncidentDetail> {
    let settings = incident_settings(&db.conn).await?;
    let txn = db.begin_write().await?;
    let m = visible(&*txn, &actor.scope, id).await?;
    closed_refusal(&m)?;
    let at = OrgLevel::parse(&m.at_level).unwrap_or(OrgLevel::District);
    let (Some(to), Some(due)) = (reports_to(at), m.report_due_at) else {
        return Err(DbError::Conflict("事件已上报至区级，无需再上报".into()));
    };
    let level = IncidentLevel::parse(&m.level).unwrap_or(IncidentLevel::General);
    let now = Utc::now();
    let on_time = !report_late(due, Some(now), now);
    let unit = org_unit::Entity::find_by_id(m.org_unit_id)
        .one(&*txn)
        .await?
        .ok_or(DbError::NotFound)?;
    let to_unit = unit_at(&*txn, &unit, to).await?;
    report::ActiveModel {
        incident_id: Set(m.id),
        from_level: Set(at.as_str().into()),
        to_level: Set(to.as_str().into()),
        to_unit_id: Set(to_unit),
        due_at: Set(due),
        reported_at: Set(now),
        on_time: Set(on_time),
        actor_id: Set(actor.user_id),
        actor_name: Set(actor.name.clone()),
        note: Set(note),
        ..Default::default()
    }
    .insert(&*txn)
    .await?;
    let next = settings.next_report(level, to, now);
    let mut am = m.into_active_model();
    am.at_level = Set(to.as_str().into());
    am.report_due_at = Set(next.map(|n| n.due));
    am.state = Set(if next.is_some() { "reporting" } else { "reported" }.into());
    am.updated_at = Set(now);
    let m = am.update(&*txn).await?;
    audit::append(
        &*txn,
        db.backend,
        actor,
        Event::ok("report_up", "stability_incident", m.id).detail(format!(
            "{} → {}{}",
            at.label(),
            to.label(),
            if on_time { "" } else { "（超时）" }
        )),
    )
    .await?;
    txn.commit().await?;
    detail(&db.conn, m).await
}

/// Adds a follow-up record (audited); none once closed.
pub async fn add_follow_up(db: &Db, actor: &Actor, id: i64, content: String) -> DbResult<IncidentDetail> {
    let txn = db.begin_write().await?;
    let m = visible(&*txn, &actor.scope, id).await?;
    closed_refusal(&m)?;
    let f = fup::ActiveModel {
        incident_id: Set(m.id),
        content: Set(content),
        actor_id: Set(actor.user_id),
        actor_name: Set(actor.name.clone()),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&*txn)
    .await?;
    audit::append(
        &*txn,
        db.backend,
        actor,
        Event::ok("follow_up", "stability_incident", m.id).detail(f.id.to_string()),
    )
    .await?;
    txn.commit().await?;
    detail(&db.conn, m).await
}

/// Closes the incident (audited): no report is owed after.
pub async fn close_incident(db: &Db, actor: &Actor, id: i64, note: String) -> DbResult<IncidentDetail> {
    let txn = db.begin_write().await?;
    let m = visible(&*txn, &actor.scope, id).await?;
    closed_refusal(&m)?;
    let now = Utc::now();
    let mut am = m.into_active_model();
    am.state = Set("closed".into());
    am.closed_at = Set(Some(now));
    am.closing_note = Set(note);
    am.report_due_at = Set(None);
    am.updated_at = Set(now);
    let m = am.update(&*txn).await?;
    audit::append(&*txn, db.backend, actor, Event::ok("close", "stability_incident", m.id)).await?;
    txn.commit().await?;
    detail(&db.conn, m).await
}
