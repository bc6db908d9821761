//! Today's demo cases: in every chosen community one case per stage of [`LIVE_STAGES`], reported
//! by the grid's worker and moved on by the demo accounts through the same workflow the API runs,
//! so every inbox has work and every timeline real steps.
use std::collections::HashMap;

use sea_orm::{ColumnTrait, EntityTrait, JoinType, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
use zongguan_core::geometry::{self, Rng};

use super::history::history_in;
use super::phrasing;
use super::{CaseTally, CaseVolume, LIVE_STAGES};
use crate::cases::{self, ActionInput, NewCase};
use crate::entity::{app_user, building, case_record, grid_assignment, org_unit};
use crate::{Actor, Db, DbError, DbResult};

/// The demo's cases: a year of history in the chosen grids (for the statistics, the heatmap and
/// the evaluation), and today's cases in every chosen community. Adds nothing when cases exist.
pub async fn cases(db: &Db, seed: u64, v: CaseVolume) -> DbResult<CaseTally> {
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
    let history = history_in(
        db,
        grid_ids.len() as u64 * v.history_per_grid,
        seed,
        Some(&grid_ids),
        &|_| {},
    )
    .await?;
    let mut cast = Cast::load(db, &grid_ids).await?;
    let mut rng = Rng::new(seed ^ 0x5eed_ca5e);
    let mut live = 0;
    for community in communities.iter().take(v.communities.unwrap_or(usize::MAX)) {
        let center = cast
            .center_of(community.id, "community_")
            .ok_or_else(|| missing(&community.name))?;
        let subdistrict = community
            .parent_id
            .and_then(|s| cast.center_of(s, "subdistrict_"))
            .ok_or_else(|| missing("街道中心"))?;
        let community_grids: Vec<&org_unit::Model> = grids
            .iter()
            .copied()
            .filter(|g| g.parent_id == Some(community.id))
            .collect();
        for (k, stage) in LIVE_STAGES.iter().enumerate() {
            let grid = community_grids[k % community_grids.len()];
            let Some(worker) = cast.workers.get(&grid.id).cloned() else {
                continue;
            };
            let Some(new) = new_case(db, grid, &mut rng).await? else {
                continue;
            };
            let made = cases::create(db, cast.user(db, &worker).await?, new).await?;
            live += 1;
            let mut walk = Walk {
                db,
                cast: &mut cast,
                id: made.case.id,
                version: made.case.version,
            };
            let handler = made.case.department_id.and_then(|d| walk.cast.handler_of(d));
            let people = Roles {
                center: &center,
                subdistrict: &subdistrict,
                worker: &worker,
                handler: handler.as_deref(),
            };
            walk.to(stage, &people).await?;
        }
    }
    Ok(CaseTally { history, live })
}

fn missing(what: &str) -> DbError {
    DbError::invalid("demo", format!("演示账号缺少{what}"))
}

/// A case at one of the grid's buildings, or at a point inside the grid.
async fn new_case(db: &Db, grid: &org_unit::Model, rng: &mut Rng) -> DbResult<Option<NewCase>> {
    let items: Vec<(&str, &str)> = zongguan_core::case_taxonomy::CATEGORIES
        .iter()
        .flat_map(|c| c.items.iter().map(|i| (i.code, i.name)))
        .collect();
    let (item, item_name) = items[rng.below(items.len() as u64) as usize];
    let words = zongguan_core::case_keywords::split(&zongguan_core::case_keywords::seeded(item));
    let near: Vec<(String, String)> = building::Entity::find()
        .select_only()
        .columns([building::Column::Code, building::Column::Name])
        .filter(building::Column::GridId.eq(grid.id))
        .limit(12)
        .into_tuple()
        .all(&db.conn)
        .await?;
    let mut new = NewCase::new(item, "");
    if near.is_empty() {
        let shape = grid
            .geometry
            .as_deref()
            .and_then(|s| serde_json::from_str(s).ok())
            .and_then(|v: serde_json::Value| geometry::from_geojson(&v));
        let Some(p) = shape.as_ref().and_then(|s| geometry::random_point_in(s, rng)) else {
            return Ok(None);
        };
        new.location = Some(cases::Location { lon: p.x(), lat: p.y() });
        new.description = phrasing::describe(item_name, &words, "", rng);
    } else {
        let (code, name) = &near[rng.below(near.len() as u64) as usize];
        new.building_code = Some(code.clone());
        new.description = phrasing::describe(item_name, &words, &format!("{name}附近"), rng);
    }
    new.source = Some("grid_worker".into());
    Ok(Some(new))
}

/// The demo accounts who move cases on, loaded once.
struct Cast {
    /// Each grid's worker, by the grid assignment.
    workers: HashMap<i64, String>,
    /// (username, org unit, department) of every account.
    accounts: Vec<(String, i64, Option<i64>)>,
    users: HashMap<String, Actor>,
}

impl Cast {
    async fn load(db: &Db, grid_ids: &[i64]) -> DbResult<Self> {
        let workers = app_user::Entity::find()
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
            .filter(grid_assignment::Column::GridId.is_in(grid_ids.to_vec()))
            .order_by_asc(app_user::Column::Username)
            .into_tuple::<(i64, String)>()
            .all(&db.conn)
            .await?
            .into_iter()
            .collect();
        let accounts = app_user::Entity::find()
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
        Ok(Self {
            workers,
            accounts,
            users: HashMap::new(),
        })
    }

    /// A unit's center account.
    fn center_of(&self, unit: i64, prefix: &str) -> Option<String> {
        self.accounts
            .iter()
            .find(|a| a.1 == unit && a.2.is_none() && a.0.starts_with(prefix))
            .map(|a| a.0.clone())
    }

    /// A department's handler.
    fn handler_of(&self, dept: i64) -> Option<String> {
        self.accounts.iter().find(|a| a.2 == Some(dept)).map(|a| a.0.clone())
    }

    async fn user(&mut self, db: &Db, name: &str) -> DbResult<&Actor> {
        if !self.users.contains_key(name) {
            let u = Actor::load(db, name, "demo").await?;
            self.users.insert(name.to_string(), u);
        }
        Ok(&self.users[name])
    }
}

/// Who acts on one community's live cases.
struct Roles<'a> {
    center: &'a str,
    subdistrict: &'a str,
    worker: &'a str,
    handler: Option<&'a str>,
}

/// One case moved through the workflow.
struct Walk<'a> {
    db: &'a Db,
    cast: &'a mut Cast,
    id: i64,
    version: i64,
}

impl Walk<'_> {
    async fn act(&mut self, who: &str, action: &str, f: &dyn Fn(&mut ActionInput)) -> DbResult<()> {
        let mut input = ActionInput {
            action: action.into(),
            version: self.version,
            ..Default::default()
        };
        f(&mut input);
        let u = self.cast.user(self.db, who).await?;
        self.version = match cases::act(self.db, u, self.id, input).await {
            Ok(d) => d.case.version,
            Err(e) => return Err(DbError::invalid("demo", format!("演示事件 {action}（{who}）：{e}"))),
        };
        Ok(())
    }

    /// Takes the case to `stage` by the steps a real case takes.
    async fn to(&mut self, stage: &str, r: &Roles<'_>) -> DbResult<()> {
        let path: &[&str] = match stage {
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
            let handler = r.handler.ok_or_else(|| missing("处置部门"))?;
            match *step {
                "accept" | "dispatch" | "close" => self.act(r.center, step, &|_| {}).await?,
                "reject" => {
                    self.act(r.center, step, &|i| {
                        i.reason = Some("重复上报，已有同类事件在办".into())
                    })
                    .await?
                }
                "start" => self.act(handler, step, &|_| {}).await?,
                "feedback" => {
                    self.act(handler, step, &|i| i.note = Some("已到现场处置完毕，问题已整改".into()))
                        .await?
                }
                _ => self.act(r.worker, step, &|i| i.passed = Some(true)).await?,
            }
        }
        let handler = r.handler.unwrap_or_default();
        match stage {
            "supervised" => {
                self.act(r.subdistrict, "supervise", &|i| {
                    i.note = Some("群众反映强烈，请加快办理".into());
                    i.days = Some(2);
                })
                .await
            }
            "paused" => {
                self.act(r.center, "pause", &|i| i.reason = Some("等待业主返深配合整改".into()))
                    .await
            }
            "returned" => {
                self.act(handler, "return", &|i| {
                    i.reason = Some("不属于本部门职责，请重新派遣".into())
                })
                .await
            }
            _ => Ok(()),
        }
    }
}
