//! Special-group follow-up (重点人员帮扶): the visits each registry special group is owed on the
//! schedule of `stability.rs`, the due and overdue list per unit, visit records (a risk change
//! updates the registry's attention level) and a person's visit history; an hourly job tells the
//! community's officers of overdue visits, once per due day.
use std::collections::HashMap;

use chrono::{NaiveDate, Utc};
use sea_orm::sea_query::Query;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, IntoActiveModel,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::Serialize;
use utoipa::ToSchema;
use zongguan_core::dict;
use zongguan_core::governance::due::DueStatus;
use zongguan_core::governance::stability::{AttentionLevel, VISIT_FORMS, VisitSchedule};
use zongguan_core::permission::Permission;
use zongguan_core::rbac::Scope;

use super::incidents::{RESIDENT_PLACED, masked_people};
use super::stability_settings::visit_schedule;
use crate::audit::{self, Event};
use crate::entity::{notification, resident, special_group_record as sg, special_group_visit as visit};
use crate::notifications::{self, NewNotification};
use crate::org::unit_names;
use crate::{Actor, Db, DbError, DbResult, scope};

/// At most this many group records are weighed for one due list (a community holds far fewer).
const DUE_CAP: u64 = 5000;

fn today() -> NaiveDate {
    zongguan_core::time::cst_date(Utc::now())
}

/// One person in one special group, with the next visit owed.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DueVisit {
    /// The registry's special-group record.
    pub record_id: i64,
    pub resident_id: i64,
    /// Masked: `张*三`.
    pub name: String,
    /// Masked.
    pub id_number: String,
    /// A code of `special_groups`.
    pub group_kind: String,
    pub group_name: String,
    /// `general` | `medium` | `serious`.
    pub attention_level: String,
    pub interval_days: u32,
    pub last_visited_on: Option<NaiveDate>,
    pub due_on: NaiveDate,
    /// Negative when past.
    pub days_left: i64,
    /// `not_due` | `due` | `overdue`.
    pub status: String,
    pub org_unit_id: i64,
    pub org_unit_name: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DueList {
    /// Earliest due first.
    pub items: Vec<DueVisit>,
    pub total: u64,
    pub overdue: u64,
    pub due: u64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Visit {
    pub id: i64,
    pub record_id: i64,
    pub resident_id: i64,
    pub group_kind: String,
    pub visited_on: NaiveDate,
    /// `interview` (面谈) | `phone` (电话) | `home_visit` (走访).
    pub form: String,
    pub visitor_name: String,
    pub situation: String,
    pub level_before: String,
    /// The attention level after the visit, when it changed.
    pub level_after: Option<String>,
    pub created_at: chrono::DateTime<Utc>,
}

impl From<visit::Model> for Visit {
    fn from(v: visit::Model) -> Self {
        Visit {
            id: v.id,
            record_id: v.record_id,
            resident_id: v.resident_id,
            group_kind: v.group_kind,
            visited_on: v.visited_on,
            form: v.form,
            visitor_name: v.visitor_name,
            situation: v.situation,
            level_before: v.level_before,
            level_after: v.level_after,
            created_at: v.created_at,
        }
    }
}

/// Open group records with a schedule, of residents the condition reaches.
async fn open_records<C: ConnectionTrait>(
    c: &C,
    residents: Condition,
    schedule: &VisitSchedule,
    today: NaiveDate,
) -> DbResult<Vec<(sg::Model, resident::Model)>> {
    let rows = sg::Entity::find()
        .filter(
            sg::Column::ResidentId.in_subquery(
                Query::select()
                    .column(resident::Column::Id)
                    .from(resident::Entity)
                    .cond_where(residents)
                    .to_owned(),
            ),
        )
        .filter(sg::Column::Kind.is_in(schedule.groups.keys().cloned().collect::<Vec<_>>()))
        .filter(
            Condition::any()
                .add(sg::Column::Until.is_null())
                .add(sg::Column::Until.gte(today)),
        )
        .order_by_asc(sg::Column::Id)
        .limit(DUE_CAP)
        .all(c)
        .await?;
    let people: HashMap<i64, resident::Model> = resident::Entity::find()
        .filter(resident::Column::Id.is_in(rows.iter().map(|r| r.resident_id).collect::<Vec<_>>()))
        .all(c)
        .await?
        .into_iter()
        .map(|r| (r.id, r))
        .collect();
    Ok(rows
        .into_iter()
        .filter_map(|r| people.get(&r.resident_id).cloned().map(|p| (r, p)))
        .collect())
}

async fn due_rows<C: ConnectionTrait>(c: &C, residents: Condition, today: NaiveDate) -> DbResult<Vec<DueVisit>> {
    let schedule = visit_schedule(c).await?;
    let recs = open_records(c, residents, &schedule, today).await?;
    let last: HashMap<i64, NaiveDate> = visit::Entity::find()
        .select_only()
        .column(visit::Column::RecordId)
        .column_as(visit::Column::VisitedOn.max(), "last")
        .filter(visit::Column::RecordId.is_in(recs.iter().map(|(r, _)| r.id).collect::<Vec<_>>()))
        .group_by(visit::Column::RecordId)
        .into_tuple::<(i64, NaiveDate)>()
        .all(c)
        .await?
        .into_iter()
        .collect();
    let units = unit_names(c, recs.iter().map(|(_, p)| p.org_unit_id)).await?;
    let masked = masked_people(c, recs.iter().map(|(_, p)| p.id).collect()).await?;
    let mut out: Vec<DueVisit> = recs
        .into_iter()
        .filter_map(|(r, p)| {
            let level = AttentionLevel::parse(&r.attention_level).unwrap_or(AttentionLevel::General);
            let since = r.since.unwrap_or_else(|| zongguan_core::time::cst_date(r.created_at));
            let lastv = last.get(&r.id).copied();
            let due = schedule.next_due(&r.kind, level, lastv, since)?;
            let status = schedule.status(&r.kind, level, lastv, since, today)?;
            let (name, id_number) = masked.get(&p.id).cloned().unwrap_or_default();
            Some(DueVisit {
                record_id: r.id,
                resident_id: p.id,
                name,
                id_number,
                group_name: dict::word_of(dict::SPECIAL_GROUPS, &r.kind).into(),
                interval_days: schedule.interval(&r.kind, level).unwrap_or(0),
                group_kind: r.kind,
                attention_level: level.as_str().into(),
                last_visited_on: lastv,
                due_on: due,
                days_left: (due - today).num_days(),
                status: status.as_str().into(),
                org_unit_id: p.org_unit_id,
                org_unit_name: units.get(&p.org_unit_id).cloned().unwrap_or_default(),
            })
        })
        .collect();
    out.sort_by_key(|d| (d.due_on, d.record_id));
    Ok(out)
}

/// The visits owed under the scope and the org filter, earliest first; `status` keeps one
/// standing. Computed on read from the registry's groups and the last visit.
pub async fn due_visits(
    db: &Db,
    scope: &Scope,
    org_unit_id: Option<i64>,
    status: Option<DueStatus>,
    group: Option<String>,
    limit: usize,
) -> DbResult<DueList> {
    let cond = scope::placed_under(&db.conn, scope, org_unit_id, &RESIDENT_PLACED).await?;
    let rows = due_rows(&db.conn, cond, today()).await?;
    let rows: Vec<DueVisit> = rows
        .into_iter()
        .filter(|r| group.as_deref().is_none_or(|g| r.group_kind == g))
        .collect();
    let count = |s: DueStatus| rows.iter().filter(|r| r.status == s.as_str()).count() as u64;
    let (overdue, due) = (count(DueStatus::Overdue), count(DueStatus::Due));
    let rows: Vec<DueVisit> = rows
        .into_iter()
        .filter(|r| status.is_none_or(|s| r.status == s.as_str()))
        .collect();
    Ok(DueList {
        total: rows.len() as u64,
        items: rows.into_iter().take(limit).collect(),
        overdue,
        due,
    })
}

/// A visit as the edge checked it.
#[derive(Debug, Clone)]
pub struct VisitInput {
    pub record_id: i64,
    pub visited_on: NaiveDate,
    pub form: String,
    pub situation: String,
    /// The attention level after the visit; a change updates the registry.
    pub level_after: Option<AttentionLevel>,
}

async fn visible_record<C: ConnectionTrait>(c: &C, scope: &Scope, id: i64) -> DbResult<(sg::Model, resident::Model)> {
    let r = sg::Entity::find_by_id(id).one(c).await?.ok_or(DbError::NotFound)?;
    let p = resident::Entity::find_by_id(r.resident_id)
        .filter(scope::placed(c, scope, &RESIDENT_PLACED).await?)
        .one(c)
        .await?
        .ok_or(DbError::NotFound)?;
    Ok((r, p))
}

/// Records a visit (audited); a changed attention level is written to the registry's record.
pub async fn record_visit(db: &Db, actor: &Actor, i: VisitInput) -> DbResult<Visit> {
    if i.visited_on > today() {
        return Err(DbError::invalid("visited_on", "走访日期不能晚于今天"));
    }
    if dict::word_of(VISIT_FORMS, &i.form).is_empty() {
        return Err(DbError::invalid("form", "走访形式无效"));
    }
    let txn = db.begin_write().await?;
    let (r, p) = visible_record(&*txn, &actor.scope, i.record_id).await?;
    if r.until.is_some_and(|u| u < i.visited_on) {
        return Err(DbError::Conflict("此人已不在该特殊人群中".into()));
    }
    let before = r.attention_level.clone();
    let after = i.level_after.map(|l| l.as_str().to_string()).filter(|a| *a != before);
    let v = visit::ActiveModel {
        resident_id: Set(p.id),
        record_id: Set(r.id),
        group_kind: Set(r.kind.clone()),
        visited_on: Set(i.visited_on),
        form: Set(i.form.clone()),
        visitor_name: Set(actor.name.clone()),
        visitor_id: Set(actor.user_id),
        situation: Set(i.situation.clone()),
        level_before: Set(before.clone()),
        level_after: Set(after.clone()),
        org_unit_id: Set(p.org_unit_id),
        subdistrict_id: Set(p.subdistrict_id),
        community_id: Set(p.community_id),
        created_by: Set(actor.user_id),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&*txn)
    .await?;
    if let Some(a) = &after {
        let mut am = r.into_active_model();
        am.attention_level = Set(a.clone());
        am.updated_at = Set(Utc::now());
        am.update(&*txn).await?;
    }
    audit::append(
        &*txn,
        db.backend,
        actor,
        Event::ok("visit", "resident", p.id).detail(match &after {
            Some(a) => format!("{} {} {before} → {a}", v.group_kind, v.visited_on),
            None => format!("{} {}", v.group_kind, v.visited_on),
        }),
    )
    .await?;
    txn.commit().await?;
    Ok(v.into())
}

/// A person's visits, newest first (the person must be in scope).
pub async fn visit_history(db: &Db, scope: &Scope, resident_id: i64) -> DbResult<Vec<Visit>> {
    resident::Entity::find_by_id(resident_id)
        .filter(scope::placed(&db.conn, scope, &RESIDENT_PLACED).await?)
        .one(&db.conn)
        .await?
        .ok_or(DbError::NotFound)?;
    Ok(visit::Entity::find()
        .filter(visit::Column::ResidentId.eq(resident_id))
        .order_by_desc(visit::Column::VisitedOn)
        .order_by_desc(visit::Column::Id)
        .limit(500)
        .all(&db.conn)
        .await?
        .into_iter()
        .map(Visit::from)
        .collect())
}

/// Tells each overdue person's community officers (holders of `followup:write` in the community
/// unit), once per record and due day; answers how many messages were written.
pub async fn alert_overdue_visits(db: &Db) -> DbResult<usize> {
    let today = today();
    let rows = due_rows(&db.conn, Condition::all(), today).await?;
    let txn = db.begin_write().await?;
    let mut pending = notifications::Pending::default();
    for r in rows.iter().filter(|r| r.status == DueStatus::Overdue.as_str()) {
        let since = r.due_on.and_hms_opt(0, 0, 0).map(|d| d.and_utc()).unwrap_or_default();
        let told = notification::Entity::find()
            .filter(notification::Column::Kind.eq("visit_overdue"))
            .filter(notification::Column::SubjectId.eq(r.record_id))
            .filter(notification::Column::CreatedAt.gte(since))
            .count(&*txn)
            .await?;
        if told > 0 {
            continue;
        }
        let community = resident::Entity::find_by_id(r.resident_id)
            .select_only()
            .column(resident::Column::CommunityId)
            .into_tuple::<Option<i64>>()
            .one(&*txn)
            .await?
            .flatten();
        let Some(unit) = community else { continue };
        pending.extend(
            notifications::notify_unit(
                &*txn,
                unit,
                Permission::FollowupWrite,
                &NewNotification {
                    kind: "visit_overdue",
                    title: format!("走访逾期：{}（{}）", r.name, r.group_name),
                    body: format!("应于 {} 前走访，已逾期 {} 天", r.due_on, -r.days_left),
                    link: format!("/governance/special-groups?resident={}", r.resident_id),
                    subject_kind: "special_group_record",
                    subject_id: Some(r.record_id),
                },
            )
            .await?,
        );
    }
    txn.commit().await?;
    let n = pending.len();
    pending.announce(db);
    Ok(n)
}
