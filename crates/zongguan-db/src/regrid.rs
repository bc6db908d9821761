//! Re-assigning buildings to grids by point-in-polygon after grid shapes change. A building that
//! moves takes its houses and its current residents with it (data scope follows the grid), in one
//! transaction; the run records what moved.
use chrono::Utc;
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
    QueryTrait,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use zongguan_core::rbac::Scope;

use crate::audit::{self, Event};
use crate::entity::{building, house, org_unit, regrid_run, residence, resident};
use crate::{Actor, Db, DbError, DbResult};

/// Moves kept in a run's record.
const KEPT_MOVES: usize = 2000;

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RegridMove {
    pub building_id: i64,
    pub building_code: String,
    pub building_name: String,
    /// `code name` of the grid before and after.
    pub from_grid: String,
    pub to_grid: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RegridRun {
    pub id: i64,
    /// running | done | failed
    pub status: String,
    pub trigger_unit_id: Option<i64>,
    /// Buildings checked.
    pub checked: i64,
    pub moved: i64,
    /// Buildings whose point lies in no grid (left where they were).
    pub outside: i64,
    pub houses_moved: i64,
    pub residents_moved: i64,
    /// The moved buildings (the first 2,000).
    pub moves: Vec<RegridMove>,
    pub error: Option<String>,
    pub started_at: chrono::DateTime<Utc>,
    pub finished_at: Option<chrono::DateTime<Utc>>,
}

impl From<regrid_run::Model> for RegridRun {
    fn from(m: regrid_run::Model) -> Self {
        Self {
            id: m.id,
            status: m.status,
            trigger_unit_id: m.trigger_unit_id,
            checked: m.checked,
            moved: m.moved,
            outside: m.outside,
            houses_moved: m.houses_moved,
            residents_moved: m.residents_moved,
            moves: serde_json::from_str(&m.moves).unwrap_or_default(),
            error: m.error,
            started_at: m.started_at,
            finished_at: m.finished_at,
        }
    }
}

/// Records a run as running; `run` then does it (the server's jobs spawn it).
pub async fn create(db: &Db, actor: &Actor, trigger_unit_id: Option<i64>) -> DbResult<i64> {
    let m = regrid_run::ActiveModel {
        status: Set("running".into()),
        trigger_unit_id: Set(trigger_unit_id),
        moves: Set("[]".into()),
        created_by: Set(actor.user_id),
        started_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&db.conn)
    .await?;
    Ok(m.id)
}

/// Does the run now (the job, the CLI and the bench call this) and records its outcome.
pub async fn run(db: &Db, actor: &Actor, id: i64) -> DbResult<RegridRun> {
    let _one = db.map.regrid_lock.lock().await;
    let outcome = reassign(db, actor, id).await;
    let mut am: regrid_run::ActiveModel = regrid_run::Entity::find_by_id(id)
        .one(&db.conn)
        .await?
        .ok_or(DbError::NotFound)?
        .into();
    am.finished_at = Set(Some(Utc::now()));
    match &outcome {
        Ok(o) => {
            am.status = Set("done".into());
            am.checked = Set(o.checked);
            am.moved = Set(o.moves.len() as i64);
            am.outside = Set(o.outside);
            am.houses_moved = Set(o.houses);
            am.residents_moved = Set(o.residents);
            am.moves = Set(
                serde_json::to_string(&o.moves.iter().take(KEPT_MOVES).collect::<Vec<_>>())
                    .unwrap_or_else(|_| "[]".into()),
            );
        }
        Err(e) => {
            am.status = Set("failed".into());
            am.error = Set(Some(e.to_string()));
        }
    }
    let m = am.update(&db.conn).await?;
    outcome.map(|_| m.into())
}

struct Outcome {
    checked: i64,
    outside: i64,
    houses: i64,
    residents: i64,
    moves: Vec<RegridMove>,
}

async fn reassign(db: &Db, actor: &Actor, run_id: i64) -> DbResult<Outcome> {
    let routing = crate::cases::routing(db).await?;
    // The buildings as the map holds them (brought up to date first): no 400,000-row read.
    let layers = db.map.layers(db).await?;
    let r = routing.clone();
    let (moves, outside, checked) = tokio::task::spawn_blocking(move || {
        let mut moves: Vec<(i64, String, String, i64, i64)> = Vec::new();
        let (mut outside, mut checked) = (0i64, 0i64);
        for b in layers.buildings.values().flat_map(|l| l.iter()) {
            checked += 1;
            match r.locate(b.lon, b.lat) {
                Some(g) if g != b.grid_id => moves.push((b.id, b.code.to_string(), b.name.to_string(), b.grid_id, g)),
                Some(_) => {}
                None => outside += 1,
            }
        }
        moves.sort_by_key(|m| m.0);
        (moves, outside, checked)
    })
    .await
    .map_err(|e| DbError::Db(sea_orm::DbErr::Custom(format!("regrid: {e}"))))?;

    let (mut houses, mut residents) = (0i64, 0i64);
    if !moves.is_empty() {
        let txn = db.begin_write().await?;
        let now = Utc::now();
        let mut by_target: std::collections::BTreeMap<i64, Vec<i64>> = std::collections::BTreeMap::new();
        for (id, _, _, _, to) in &moves {
            by_target.entry(*to).or_default().push(*id);
        }
        for (to, ids) in by_target {
            for chunk in ids.chunks(500) {
                building::Entity::update_many()
                    .col_expr(building::Column::GridId, Expr::value(to))
                    .col_expr(building::Column::UpdatedAt, Expr::value(now))
                    .filter(building::Column::Id.is_in(chunk.to_vec()))
                    .exec(&*txn)
                    .await?;
                houses += house::Entity::update_many()
                    .col_expr(house::Column::GridId, Expr::value(to))
                    .filter(house::Column::BuildingId.is_in(chunk.to_vec()))
                    .filter(house::Column::GridId.ne(to))
                    .exec(&*txn)
                    .await?
                    .rows_affected as i64;
                let living_here = Query::select()
                    .column((residence::Entity, residence::Column::ResidentId))
                    .from(residence::Entity)
                    .inner_join(
                        house::Entity,
                        Expr::col((house::Entity, house::Column::Id))
                            .equals((residence::Entity, residence::Column::HouseId)),
                    )
                    .and_where(Expr::col((residence::Entity, residence::Column::Until)).is_null())
                    .and_where(Expr::col((house::Entity, house::Column::BuildingId)).is_in(chunk.to_vec()))
                    .to_owned();
                residents += resident::Entity::update_many()
                    .col_expr(resident::Column::OrgUnitId, Expr::value(to))
                    .filter(resident::Column::Id.in_subquery(living_here))
                    .filter(resident::Column::OrgUnitId.ne(to))
                    .exec(&*txn)
                    .await?
                    .rows_affected as i64;
            }
        }
        audit::append(
            &*txn,
            db.backend,
            actor,
            Event::ok("regrid", "regrid_run", run_id).detail(format!(
                "楼栋 {} 栋、房屋 {houses} 套、人口 {residents} 人调整网格",
                moves.len()
            )),
        )
        .await?;
        txn.commit().await?;
    }
    let label = |g: i64| {
        routing
            .grid(g)
            .map(|i| format!("{} {}", i.grid_code, i.grid_name))
            .unwrap_or_else(|| g.to_string())
    };
    let moves = moves
        .into_iter()
        .map(|(building_id, building_code, building_name, from, to)| RegridMove {
            building_id,
            building_code,
            building_name,
            from_grid: label(from),
            to_grid: label(to),
        })
        .collect();
    Ok(Outcome {
        checked,
        outside,
        houses,
        residents,
        moves,
    })
}

/// One run as `scope` may see it: district-wide users see every run; others only runs started
/// for a unit inside their scope, with the moves of the buildings they can see (404 otherwise).
pub async fn get(db: &Db, scope: &Scope, id: i64) -> DbResult<RegridRun> {
    let m = regrid_run::Entity::find_by_id(id)
        .one(&db.conn)
        .await?
        .ok_or(DbError::NotFound)?;
    let mut seen = visible(db, scope, vec![m]).await?;
    seen.pop().ok_or(DbError::NotFound)
}

/// The latest `limit` runs `scope` may see (as [`get`]).
pub async fn recent(db: &Db, scope: &Scope, limit: u64) -> DbResult<Vec<RegridRun>> {
    let mut q = regrid_run::Entity::find().order_by_desc(regrid_run::Column::Id);
    if *scope != Scope::All {
        let units = org_unit::Entity::find()
            .select_only()
            .column(org_unit::Column::Id)
            .filter(crate::scope::org_units(scope))
            .into_query();
        q = q.filter(regrid_run::Column::TriggerUnitId.in_subquery(units));
    }
    let rows = q.limit(limit).all(&db.conn).await?;
    visible(db, scope, rows).await
}

async fn visible(db: &Db, scope: &Scope, rows: Vec<regrid_run::Model>) -> DbResult<Vec<RegridRun>> {
    let mut out = Vec::with_capacity(rows.len());
    for m in rows {
        let mut run = RegridRun::from(m);
        if *scope != Scope::All {
            let Some(unit) = run.trigger_unit_id else { continue };
            let inside = org_unit::Entity::find_by_id(unit)
                .filter(crate::scope::org_units(scope))
                .count(&db.conn)
                .await?
                > 0;
            if !inside {
                continue;
            }
            let ids: Vec<i64> = run.moves.iter().map(|mv| mv.building_id).collect();
            let seen: Vec<i64> = building::Entity::find()
                .select_only()
                .column(building::Column::Id)
                .filter(building::Column::Id.is_in(ids))
                .filter(crate::scope::unit_column(scope, building::Column::GridId, None))
                .into_tuple()
                .all(&db.conn)
                .await?;
            run.moves.retain(|mv| seen.contains(&mv.building_id));
        }
        out.push(run);
    }
    Ok(out)
}
