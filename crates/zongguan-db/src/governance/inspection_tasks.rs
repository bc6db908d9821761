//! Inspection tasks (巡查任务): rental houses a center gives a grid worker to inspect by a day,
//! picked on the map; a task is done by the first inspection of its house recorded after it.
use std::collections::{BTreeSet, HashMap};

use chrono::{NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect,
};
use serde::Serialize;
use utoipa::ToSchema;
use zongguan_core::rbac::Scope;

use super::rental::today;
use crate::audit::{self, Event};
use crate::entity::{app_user, building, grid_assignment, house, inspection_task};
use crate::notifications::{NewNotification, Pending, notify_users};
use crate::registry::HOUSE_PLACED;
use crate::{Actor, Db, DbError, DbResult, Page, PageReq, scope};

/// At most this many houses in one assignment.
pub const MAX_TASK_HOUSES: usize = 500;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct InspectionTask {
    pub id: i64,
    pub house_id: i64,
    /// The building's address and the room.
    pub address: String,
    pub room: String,
    pub grid_id: i64,
    pub assignee_id: i64,
    pub assignee_name: String,
    #[schema(required = true)]
    pub assigned_by: Option<i64>,
    pub due_on: NaiveDate,
    /// `open` | `done`.
    pub state: String,
    /// Open and past its due day.
    pub overdue: bool,
    #[schema(required = true)]
    pub done_by_inspection_id: Option<i64>,
    #[schema(required = true)]
    pub done_at: Option<chrono::DateTime<Utc>>,
    pub created_at: chrono::DateTime<Utc>,
}

const PLACED: scope::Placed<inspection_task::Column> = scope::Placed {
    unit: inspection_task::Column::GridId,
    subdistrict: inspection_task::Column::SubdistrictId,
    community: inspection_task::Column::CommunityId,
    owner: Some(inspection_task::Column::CreatedBy),
};

async fn views<C: ConnectionTrait>(c: &C, rows: Vec<inspection_task::Model>) -> DbResult<Vec<InspectionTask>> {
    let house_ids: Vec<i64> = rows.iter().map(|r| r.house_id).collect();
    let houses: HashMap<i64, (i64, String)> = house::Entity::find()
        .select_only()
        .columns([house::Column::Id, house::Column::BuildingId, house::Column::Room])
        .filter(house::Column::Id.is_in(house_ids))
        .into_tuple::<(i64, i64, String)>()
        .all(c)
        .await?
        .into_iter()
        .map(|(id, b, r)| (id, (b, r)))
        .collect();
    let bids: Vec<i64> = houses.values().map(|(b, _)| *b).collect();
    let addresses: HashMap<i64, String> = building::Entity::find()
        .select_only()
        .columns([building::Column::Id, building::Column::Address])
        .filter(building::Column::Id.is_in(bids))
        .into_tuple::<(i64, String)>()
        .all(c)
        .await?
        .into_iter()
        .collect();
    let uids: Vec<i64> = rows.iter().map(|r| r.assignee_id).collect();
    let names: HashMap<i64, String> = app_user::Entity::find()
        .select_only()
        .columns([app_user::Column::Id, app_user::Column::DisplayName])
        .filter(app_user::Column::Id.is_in(uids))
        .into_tuple::<(i64, String)>()
        .all(c)
        .await?
        .into_iter()
        .collect();
    let today = today();
    Ok(rows
        .into_iter()
        .map(|r| {
            let (b, room) = houses.get(&r.house_id).cloned().unwrap_or_default();
            InspectionTask {
                id: r.id,
                house_id: r.house_id,
                address: addresses.get(&b).cloned().unwrap_or_default(),
                room,
                grid_id: r.grid_id,
                assignee_id: r.assignee_id,
                assignee_name: names.get(&r.assignee_id).cloned().unwrap_or_default(),
                assigned_by: r.assigned_by,
                due_on: r.due_on,
                overdue: r.state == "open" && r.due_on < today,
                state: r.state,
                done_by_inspection_id: r.done_by_inspection_id,
                done_at: r.done_at,
                created_at: r.created_at,
            }
        })
        .collect())
}

/// Gives these rental houses (all in the actor's scope) to one grid worker — a user whose staff
/// record is assigned to the grid of every one of them — to inspect by `due_on`. A house that
/// already has an open task for the same worker is not given twice. The worker is told.
pub async fn assign_inspections(
    db: &Db,
    actor: &Actor,
    house_ids: &[i64],
    assignee_id: i64,
    due_on: NaiveDate,
) -> DbResult<Vec<InspectionTask>> {
    let ids: BTreeSet<i64> = house_ids.iter().copied().collect();
    if ids.is_empty() {
        return Err(DbError::invalid("house_ids", "请选择要巡查的出租屋"));
    }
    if ids.len() > MAX_TASK_HOUSES {
        return Err(DbError::invalid(
            "house_ids",
            format!("一次最多分配 {MAX_TASK_HOUSES} 套出租屋"),
        ));
    }
    if due_on < today() {
        return Err(DbError::invalid("due_on", "完成期限不能早于今天"));
    }
    let txn = db.begin_write().await?;
    let houses = house::Entity::find()
        .filter(house::Column::Id.is_in(ids.iter().copied()))
        .filter(house::Column::IsRental.eq(true))
        .filter(scope::placed(&*txn, &actor.scope, &HOUSE_PLACED).await?)
        .all(&*txn)
        .await?;
    if houses.len() != ids.len() {
        let found: BTreeSet<i64> = houses.iter().map(|h| h.id).collect();
        let missing: Vec<String> = ids.difference(&found).map(i64::to_string).collect();
        return Err(DbError::Validation {
            field: "house_ids".into(),
            message: format!("出租屋不存在或不在您的管辖范围内：{}", missing.join("、")),
        });
    }
    let user = app_user::Entity::find_by_id(assignee_id)
        .one(&*txn)
        .await?
        .filter(|u| !u.locked)
        .ok_or_else(|| DbError::invalid("assignee_id", "巡查人员不存在或已停用"))?;
    let grids: BTreeSet<i64> = houses.iter().map(|h| h.grid_id).collect();
    let worker_grids: BTreeSet<i64> = match user.staff_id {
        None => BTreeSet::new(),
        Some(s) => grid_assignment::Entity::find()
            .select_only()
            .column(grid_assignment::Column::GridId)
            .filter(grid_assignment::Column::StaffId.eq(s))
            .into_tuple::<i64>()
            .all(&*txn)
            .await?
            .into_iter()
            .collect(),
    };
    if !grids.is_subset(&worker_grids) {
        return Err(DbError::invalid(
            "assignee_id",
            format!("{} 不是所选出租屋所在网格的网格员", user.display_name),
        ));
    }
    let already: BTreeSet<i64> = inspection_task::Entity::find()
        .select_only()
        .column(inspection_task::Column::HouseId)
        .filter(inspection_task::Column::HouseId.is_in(ids.iter().copied()))
        .filter(inspection_task::Column::AssigneeId.eq(assignee_id))
        .filter(inspection_task::Column::State.eq("open"))
        .into_tuple::<i64>()
        .all(&*txn)
        .await?
        .into_iter()
        .collect();
    let now = Utc::now();
    let mut made = Vec::new();
    for h in houses.iter().filter(|h| !already.contains(&h.id)) {
        let m = inspection_task::ActiveModel {
            house_id: Set(h.id),
            grid_id: Set(h.grid_id),
            subdistrict_id: Set(h.subdistrict_id),
            community_id: Set(h.community_id),
            assignee_id: Set(assignee_id),
            assigned_by: Set(actor.user_id),
            due_on: Set(due_on),
            state: Set("open".into()),
            done_by_inspection_id: Set(None),
            done_at: Set(None),
            created_by: Set(actor.user_id),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&*txn)
        .await?;
        audit::append(
            &*txn,
            db.backend,
            actor,
            Event::ok("assign", "inspection_task", m.id)
                .detail(format!("出租屋 {} 交 {} 巡查，期限 {due_on}", h.id, user.display_name)),
        )
        .await?;
        made.push(m);
    }
    let pending = if made.is_empty() {
        Pending::default()
    } else {
        let n = NewNotification {
            kind: "inspection_task",
            title: format!("新巡查任务：{} 套出租屋", made.len()),
            body: format!("请于 {due_on} 前完成巡查"),
            link: "/governance/inspection-tasks".into(),
            subject_kind: "inspection_task",
            subject_id: made.first().map(|m| m.id),
        };
        notify_users(&*txn, &[assignee_id], &n).await?
    };
    let out = views(&*txn, made).await?;
    txn.commit().await?;
    pending.announce(db);
    Ok(out)
}

/// Marks the open tasks of a house done by this inspection (called inside its transaction).
pub(super) async fn done_by_inspection<C: ConnectionTrait>(c: &C, house_id: i64, inspection_id: i64) -> DbResult<u64> {
    let now = Utc::now();
    let r = inspection_task::Entity::update_many()
        .col_expr(inspection_task::Column::State, sea_orm::sea_query::Expr::value("done"))
        .col_expr(
            inspection_task::Column::DoneByInspectionId,
            sea_orm::sea_query::Expr::value(inspection_id),
        )
        .col_expr(inspection_task::Column::DoneAt, sea_orm::sea_query::Expr::value(now))
        .filter(inspection_task::Column::HouseId.eq(house_id))
        .filter(inspection_task::Column::State.eq("open"))
        .filter(inspection_task::Column::CreatedAt.lte(now))
        .exec(c)
        .await?;
    Ok(r.rows_affected)
}

#[derive(Debug, Default, Clone)]
pub struct TaskFilter {
    /// Only this assignee's tasks (`assignee=me`).
    pub assignee_id: Option<i64>,
    pub org_unit_id: Option<i64>,
    /// `open` | `done`.
    pub state: Option<String>,
}

/// Tasks under the scope (and a worker's own, whatever the scope), newest first.
pub async fn list_inspection_tasks(
    db: &Db,
    scope: &Scope,
    actor_id: Option<i64>,
    f: &TaskFilter,
    p: PageReq,
) -> DbResult<Page<InspectionTask>> {
    let placed = scope::placed_under(&db.conn, scope, f.org_unit_id, &PLACED).await?;
    let mut q = inspection_task::Entity::find();
    q = match (f.assignee_id, actor_id) {
        // One's own tasks are one's own to see.
        (Some(a), Some(me)) if a == me && f.org_unit_id.is_none() => {
            q.filter(inspection_task::Column::AssigneeId.eq(a))
        }
        (Some(a), _) => q.filter(placed).filter(inspection_task::Column::AssigneeId.eq(a)),
        (None, _) => q.filter(placed),
    };
    if let Some(s) = f.state.as_deref() {
        if !matches!(s, "open" | "done") {
            return Err(DbError::invalid("state", "状态须为 open 或 done"));
        }
        q = q.filter(inspection_task::Column::State.eq(s));
    }
    let sort = crate::listing::SortKey {
        key: None,
        id: inspection_task::Column::Id,
        desc: true,
    };
    let mut page = crate::listing::page_rows(&db.conn, q, &sort, &p, |r| r.id).await?;
    let rows = std::mem::take(&mut page.items);
    Ok(page.with_items(views(&db.conn, rows).await?))
}
