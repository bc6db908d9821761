//! Community watch teams (群防群治): teams placed in a unit, their members (staff or residents of
//! the registry), duty rosters and duty logs. Every write audits.
use chrono::{NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, ModelTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use serde::Serialize;
use utoipa::ToSchema;
use zongguan_core::rbac::Scope;

use super::incidents::{RESIDENT_PLACED, masked_people};
use super::petitions::unit_in_scope;
use crate::audit::{self, Event};
use crate::entity::{resident, staff, watch_log, watch_roster, watch_team as team, watch_team_member as member};
use crate::org::unit_names;
use crate::{Actor, Db, DbError, DbResult, Page, PageReq, scope};

const PLACED: scope::Placed<team::Column> = scope::Placed {
    unit: team::Column::OrgUnitId,
    subdistrict: team::Column::SubdistrictId,
    community: team::Column::CommunityId,
    owner: Some(team::Column::CreatedBy),
};

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WatchTeam {
    pub id: i64,
    pub name: String,
    /// A code of `WATCH_TEAM_KINDS`.
    pub kind: String,
    pub leader_name: String,
    pub note: String,
    pub org_unit_id: i64,
    pub org_unit_name: String,
    pub members: u64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WatchMember {
    pub id: i64,
    pub staff_id: Option<i64>,
    pub resident_id: Option<i64>,
    /// Staff by name; residents masked.
    pub name: String,
    pub duty: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WatchRoster {
    pub id: i64,
    pub on_day: NaiveDate,
    /// `day` | `night` | `all_day`.
    pub shift: String,
    pub member_ids: Vec<i64>,
    pub note: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WatchLog {
    pub id: i64,
    pub on_day: NaiveDate,
    pub shift: String,
    pub content: String,
    pub actor_name: String,
    pub created_at: chrono::DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WatchTeamDetail {
    pub team: WatchTeam,
    pub member_list: Vec<WatchMember>,
    /// Newest day first, the last 100.
    pub rosters: Vec<WatchRoster>,
    /// Newest day first, the last 100.
    pub logs: Vec<WatchLog>,
}

#[derive(Debug, Clone)]
pub struct TeamInput {
    pub name: String,
    pub kind: String,
    pub leader_name: String,
    pub note: String,
    pub org_unit_id: i64,
}

async fn views<C: ConnectionTrait>(c: &C, rows: Vec<team::Model>) -> DbResult<Vec<WatchTeam>> {
    let units = unit_names(c, rows.iter().map(|r| r.org_unit_id)).await?;
    let counts: Vec<(i64, i64)> = member::Entity::find()
        .select_only()
        .column(member::Column::TeamId)
        .column_as(member::Column::Id.count(), "n")
        .filter(member::Column::TeamId.is_in(rows.iter().map(|r| r.id).collect::<Vec<_>>()))
        .group_by(member::Column::TeamId)
        .into_tuple()
        .all(c)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| WatchTeam {
            org_unit_name: units.get(&r.org_unit_id).cloned().unwrap_or_default(),
            members: counts.iter().find(|(t, _)| *t == r.id).map_or(0, |(_, n)| *n as u64),
            id: r.id,
            name: r.name,
            kind: r.kind,
            leader_name: r.leader_name,
            note: r.note,
            org_unit_id: r.org_unit_id,
        })
        .collect())
}

pub async fn list_teams(
    db: &Db,
    scope: &Scope,
    org_unit_id: Option<i64>,
    kind: Option<String>,
    p: PageReq,
) -> DbResult<Page<WatchTeam>> {
    let mut q = team::Entity::find().filter(scope::placed_under(&db.conn, scope, org_unit_id, &PLACED).await?);
    if let Some(k) = kind {
        q = q.filter(team::Column::Kind.eq(k));
    }
    let sort = crate::listing::SortKey {
        key: None,
        id: team::Column::Id,
        desc: true,
    };
    let mut page = crate::listing::page_rows(&db.conn, q, &sort, &p, |r| r.id).await?;
    let rows = std::mem::take(&mut page.items);
    Ok(page.with_items(views(&db.conn, rows).await?))
}

async fn visible<C: ConnectionTrait>(c: &C, scope: &Scope, id: i64) -> DbResult<team::Model> {
    team::Entity::find_by_id(id)
        .filter(scope::placed(c, scope, &PLACED).await?)
        .one(c)
        .await?
        .ok_or(DbError::NotFound)
}

async fn detail<C: ConnectionTrait>(c: &C, t: team::Model) -> DbResult<WatchTeamDetail> {
    let members = member::Entity::find()
        .filter(member::Column::TeamId.eq(t.id))
        .order_by_asc(member::Column::Id)
        .all(c)
        .await?;
    let staff_names: Vec<(i64, String)> = staff::Entity::find()
        .select_only()
        .columns([staff::Column::Id, staff::Column::Name])
        .filter(staff::Column::Id.is_in(members.iter().filter_map(|m| m.staff_id).collect::<Vec<_>>()))
        .into_tuple()
        .all(c)
        .await?;
    let people = masked_people(c, members.iter().filter_map(|m| m.resident_id).collect()).await?;
    let member_list = members
        .into_iter()
        .map(|m| WatchMember {
            name: match (m.staff_id, m.resident_id) {
                (Some(s), _) => staff_names
                    .iter()
                    .find(|(i, _)| *i == s)
                    .map(|(_, n)| n.clone())
                    .unwrap_or_default(),
                (None, Some(r)) => people.get(&r).map(|p| p.0.clone()).unwrap_or_default(),
                _ => String::new(),
            },
            id: m.id,
            staff_id: m.staff_id,
            resident_id: m.resident_id,
            duty: m.duty,
        })
        .collect();
    let rosters = watch_roster::Entity::find()
        .filter(watch_roster::Column::TeamId.eq(t.id))
        .order_by_desc(watch_roster::Column::OnDay)
        .order_by_desc(watch_roster::Column::Id)
        .limit(100)
        .all(c)
        .await?
        .into_iter()
        .map(|r| WatchRoster {
            id: r.id,
            on_day: r.on_day,
            shift: r.shift,
            member_ids: r.member_ids.split(',').filter_map(|s| s.parse().ok()).collect(),
            note: r.note,
        })
        .collect();
    let logs = watch_log::Entity::find()
        .filter(watch_log::Column::TeamId.eq(t.id))
        .order_by_desc(watch_log::Column::OnDay)
        .order_by_desc(watch_log::Column::Id)
        .limit(100)
        .all(c)
        .await?
        .into_iter()
        .map(|l| WatchLog {
            id: l.id,
            on_day: l.on_day,
            shift: l.shift,
            content: l.content,
            actor_name: l.actor_name,
            created_at: l.created_at,
        })
        .collect();
    Ok(WatchTeamDetail {
        team: views(c, vec![t]).await?.remove(0),
        member_list,
        rosters,
        logs,
    })
}

pub async fn get_team(db: &Db, scope: &Scope, id: i64) -> DbResult<WatchTeamDetail> {
    detail(&db.conn, visible(&db.conn, scope, id).await?).await
}

pub async fn create_team(db: &Db, actor: &Actor, i: TeamInput) -> DbResult<WatchTeamDetail> {
    let txn = db.begin_write().await?;
    let unit = unit_in_scope(&*txn, &actor.scope, i.org_unit_id).await?;
    let now = Utc::now();
    let t = team::ActiveModel {
        name: Set(i.name),
        kind: Set(i.kind),
        leader_name: Set(i.leader_name),
        note: Set(i.note),
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
    audit::append(
        &*txn,
        db.backend,
        actor,
        Event::ok("create", "watch_team", t.id).detail(t.name.clone()),
    )
    .await?;
    txn.commit().await?;
    detail(&db.conn, t).await
}

pub async fn update_team(db: &Db, actor: &Actor, id: i64, i: TeamInput) -> DbResult<WatchTeamDetail> {
    let txn = db.begin_write().await?;
    let t = visible(&*txn, &actor.scope, id).await?;
    let unit = unit_in_scope(&*txn, &actor.scope, i.org_unit_id).await?;
    let mut am = t.into_active_model();
    am.name = Set(i.name);
    am.kind = Set(i.kind);
    am.leader_name = Set(i.leader_name);
    am.note = Set(i.note);
    am.org_unit_id = Set(unit.id);
    am.subdistrict_id = Set(unit.subdistrict_id);
    am.community_id = Set(unit.community_id);
    am.updated_at = Set(Utc::now());
    let t = am.update(&*txn).await?;
    audit::append(&*txn, db.backend, actor, Event::ok("update", "watch_team", t.id)).await?;
    txn.commit().await?;
    detail(&db.conn, t).await
}

/// Deletes a team with its members, rosters and logs (audited).
pub async fn delete_team(db: &Db, actor: &Actor, id: i64) -> DbResult<()> {
    let txn = db.begin_write().await?;
    let t = visible(&*txn, &actor.scope, id).await?;
    watch_log::Entity::delete_many()
        .filter(watch_log::Column::TeamId.eq(t.id))
        .exec(&*txn)
        .await?;
    watch_roster::Entity::delete_many()
        .filter(watch_roster::Column::TeamId.eq(t.id))
        .exec(&*txn)
        .await?;
    member::Entity::delete_many()
        .filter(member::Column::TeamId.eq(t.id))
        .exec(&*txn)
        .await?;
    let name = t.name.clone();
    t.delete(&*txn).await?;
    audit::append(
        &*txn,
        db.backend,
        actor,
        Event::ok("delete", "watch_team", id).detail(name),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Adds a member: one of the staff, or a resident of the registry the caller's scope reaches.
pub async fn add_member(
    db: &Db,
    actor: &Actor,
    id: i64,
    staff_id: Option<i64>,
    resident_id: Option<i64>,
    duty: String,
) -> DbResult<WatchTeamDetail> {
    let txn = db.begin_write().await?;
    let t = visible(&*txn, &actor.scope, id).await?;
    match (staff_id, resident_id) {
        (Some(s), None) => {
            staff::Entity::find_by_id(s)
                .one(&*txn)
                .await?
                .ok_or_else(|| DbError::invalid("staff_id", "队伍人员中没有此人"))?;
        }
        (None, Some(r)) => {
            resident::Entity::find_by_id(r)
                .filter(scope::placed(&*txn, &actor.scope, &RESIDENT_PLACED).await?)
                .one(&*txn)
                .await?
                .ok_or_else(|| DbError::invalid("resident_id", "实有人口中没有此人（按身份证号或姓名查找）"))?;
        }
        _ => return Err(DbError::invalid("staff_id", "成员须为一名工作人员或一名实有人口")),
    }
    let dup = member::Entity::find()
        .filter(member::Column::TeamId.eq(t.id))
        .filter(match (staff_id, resident_id) {
            (Some(s), _) => member::Column::StaffId.eq(s),
            (_, r) => member::Column::ResidentId.eq(r),
        })
        .one(&*txn)
        .await?;
    if dup.is_some() {
        return Err(DbError::Conflict("此人已是队伍成员".into()));
    }
    let m = member::ActiveModel {
        team_id: Set(t.id),
        staff_id: Set(staff_id),
        resident_id: Set(resident_id),
        duty: Set(duty),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&*txn)
    .await?;
    audit::append(
        &*txn,
        db.backend,
        actor,
        Event::ok("add_member", "watch_team", t.id).detail(m.id.to_string()),
    )
    .await?;
    txn.commit().await?;
    detail(&db.conn, t).await
}

pub async fn remove_member(db: &Db, actor: &Actor, id: i64, member_id: i64) -> DbResult<WatchTeamDetail> {
    let txn = db.begin_write().await?;
    let t = visible(&*txn, &actor.scope, id).await?;
    let m = member::Entity::find_by_id(member_id)
        .filter(member::Column::TeamId.eq(t.id))
        .one(&*txn)
        .await?
        .ok_or(DbError::NotFound)?;
    m.delete(&*txn).await?;
    audit::append(
        &*txn,
        db.backend,
        actor,
        Event::ok("remove_member", "watch_team", t.id).detail(member_id.to_string()),
    )
    .await?;
    txn.commit().await?;
    detail(&db.conn, t).await
}

/// Puts members on duty for a day and shift; each must be a member of the team.
pub async fn add_roster(
    db: &Db,
    actor: &Actor,
    id: i64,
    on_day: NaiveDate,
    shift: String,
    member_ids: Vec<i64>,
    note: String,
) -> DbResult<WatchTeamDetail> {
    let txn = db.begin_write().await?;
    let t = visible(&*txn, &actor.scope, id).await?;
    let known: Vec<i64> = member::Entity::find()
        .select_only()
        .column(member::Column::Id)
        .filter(member::Column::TeamId.eq(t.id))
        .into_tuple()
        .all(&*txn)
        .await?;
    if member_ids.is_empty() || member_ids.iter().any(|m| !known.contains(m)) {
        return Err(DbError::invalid("member_ids", "值班人员须从本队成员中选择"));
    }
    let r = watch_roster::ActiveModel {
        team_id: Set(t.id),
        on_day: Set(on_day),
        shift: Set(shift),
        member_ids: Set(member_ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")),
        note: Set(note),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&*txn)
    .await?;
    audit::append(
        &*txn,
        db.backend,
        actor,
        Event::ok("add_roster", "watch_team", t.id).detail(format!("{} {}", r.on_day, r.shift)),
    )
    .await?;
    txn.commit().await?;
    detail(&db.conn, t).await
}

/// Takes a roster off (one made by mistake, or a plan that changed); duty logs stay as written.
pub async fn remove_roster(db: &Db, actor: &Actor, id: i64, roster_id: i64) -> DbResult<WatchTeamDetail> {
    let txn = db.begin_write().await?;
    let t = visible(&*txn, &actor.scope, id).await?;
    let r = watch_roster::Entity::find_by_id(roster_id)
        .filter(watch_roster::Column::TeamId.eq(t.id))
        .one(&*txn)
        .await?
        .ok_or(DbError::NotFound)?;
    let what = format!("{} {}", r.on_day, r.shift);
    r.delete(&*txn).await?;
    audit::append(
        &*txn,
        db.backend,
        actor,
        Event::ok("remove_roster", "watch_team", t.id).detail(what),
    )
    .await?;
    txn.commit().await?;
    detail(&db.conn, t).await
}

/// Writes what happened on a shift (a day not in the future).
pub async fn add_log(
    db: &Db,
    actor: &Actor,
    id: i64,
    on_day: NaiveDate,
    shift: String,
    content: String,
) -> DbResult<WatchTeamDetail> {
    if on_day > zongguan_core::time::cst_date(Utc::now()) {
        return Err(DbError::invalid("on_day", "值勤日期不能晚于今天"));
    }
    let txn = db.begin_write().await?;
    let t = visible(&*txn, &actor.scope, id).await?;
    let l = watch_log::ActiveModel {
        team_id: Set(t.id),
        on_day: Set(on_day),
        shift: Set(shift),
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
        Event::ok("add_log", "watch_team", t.id).detail(l.id.to_string()),
    )
    .await?;
    txn.commit().await?;
    detail(&db.conn, t).await
}
