//! A year of historical cases, written with multi-row inserts in one transaction (no timeline, no
//! audit per case: history, not workflow).
use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use zongguan_core::case_flow::{CaseState, OPEN_STATES, step_of};
use zongguan_core::case_keywords;
use zongguan_core::geometry::{self, Rng};

use super::phrasing;
use crate::audit::{self, Event};
use crate::cases::GridRouting;
use crate::entity::{case_item, case_record, department, org_unit};
use crate::{Actor, Db, DbError, DbResult};

/// A year of historical cases for the bench and the demo. Spread over the grids, items and the
/// last 365 days before today; mostly closed, a backlog of open ones. Returns the number written.
pub async fn case_history(db: &Db, n: u64, seed: u64, progress: &(dyn Fn(u64) + Sync)) -> DbResult<u64> {
    history_in(db, n, seed, None, progress).await
}

/// A few points inside each routable grid, reused: enough for counts and lists.
async fn grid_points(
    db: &Db,
    routing: &GridRouting,
    only: Option<&[i64]>,
    rng: &mut Rng,
) -> DbResult<Vec<(i64, Vec<(f64, f64)>)>> {
    let mut units = org_unit::Entity::find()
        .filter(org_unit::Column::Level.eq("grid"))
        .order_by_asc(org_unit::Column::Id)
        .all(&db.conn)
        .await?;
    if let Some(only) = only {
        units.retain(|u| only.contains(&u.id));
    }
    let mut grids = Vec::new();
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
            .filter_map(|_| geometry::random_point_in(&shape, rng))
            .map(|p| (p.x(), p.y()))
            .collect();
        if !pts.is_empty() && routing.grid(g.id).is_some() {
            grids.push((g.id, pts));
        }
    }
    if grids.is_empty() {
        return Err(DbError::invalid("geometry", "网格没有边界，先运行 demo 生成地理数据"));
    }
    Ok(grids)
}

/// [`case_history`] in the given grids only (None: every grid).
pub(super) async fn history_in(
    db: &Db,
    n: u64,
    seed: u64,
    only: Option<&[i64]>,
    progress: &(dyn Fn(u64) + Sync),
) -> DbResult<u64> {
    let routing = crate::cases::routing(db).await?;
    let mut rng = Rng::new(seed);
    let grids = grid_points(db, &routing, only, &mut rng).await?;
    let items = case_item::Entity::find().all(&db.conn).await?;
    let maker = HistoryMaker {
        routing: &routing,
        words: items.iter().map(|i| case_keywords::split(&i.keywords)).collect(),
        items,
        depts: department::Entity::find()
            .all(&db.conn)
            .await?
            .into_iter()
            .map(|d| (d.code, d.id))
            .collect(),
        now: Utc::now(),
        today: zongguan_core::time::cst_date(Utc::now()),
    };
    let mut seq: HashMap<NaiveDate, u32> = HashMap::new();
    let txn = db.begin_write().await?;
    let mut batch = Vec::with_capacity(500);
    let mut written = 0;
    for _ in 0..n {
        let (grid_id, pts) = &grids[rng.below(grids.len() as u64) as usize];
        let point = pts[rng.below(pts.len() as u64) as usize];
        let Some(row) = maker.row(*grid_id, point, &mut seq, &mut rng) else {
            continue;
        };
        batch.push(row);
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

/// What every historical case is drawn from.
struct HistoryMaker<'a> {
    routing: &'a GridRouting,
    items: Vec<case_item::Model>,
    /// Each item's keywords, in the order of `items`.
    words: Vec<Vec<String>>,
    depts: HashMap<String, i64>,
    now: DateTime<Utc>,
    today: NaiveDate,
}

impl HistoryMaker<'_> {
    /// Older cases are settled but for a few long-running ones.
    fn state(back: i64, rng: &mut Rng) -> CaseState {
        let (closed, rejected) = if back > 30 { (959, 989) } else { (599, 629) };
        let roll = rng.below(1000);
        if roll <= closed {
            CaseState::Closed
        } else if roll <= rejected {
            CaseState::Rejected
        } else {
            OPEN_STATES[rng.below(OPEN_STATES.len() as u64) as usize]
        }
    }

    fn row(
        &self,
        grid_id: i64,
        (lon, lat): (f64, f64),
        seq: &mut HashMap<NaiveDate, u32>,
        rng: &mut Rng,
    ) -> Option<case_record::ActiveModel> {
        let info = self.routing.grid(grid_id)?;
        let which = rng.below(self.items.len() as u64) as usize;
        let item = &self.items[which];
        let (local, district) = crate::cases::department_code_for(&item.department_seq, &info.subdistrict_code);
        let dept = local
            .and_then(|c| self.depts.get(&c))
            .or_else(|| self.depts.get(&district))
            .copied();
        let back = 1 + rng.below(365) as i64;
        let date = self.today - Duration::days(back);
        let s = seq.entry(date).or_default();
        *s += 1;
        let code = format!("SJ{}{:06}", date.format("%Y%m%d"), s);
        let reported = zongguan_core::time::cst_midnight(date) + Duration::seconds(rng.below(86_400) as i64);
        let state = Self::state(back, rng);
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
        let started = (reported + Duration::hours(1 + rng.below(24) as i64)).min(self.now);
        let dispatched = matches!(
            state,
            CaseState::Dispatched | CaseState::Handling | CaseState::Feedback | CaseState::Verified | CaseState::Closed
        );
        let closed = matches!(state, CaseState::Closed | CaseState::Rejected)
            .then(|| (reported + Duration::hours(2 + rng.below(240) as i64)).min(self.now));
        Some(case_record::ActiveModel {
            code: Set(code),
            item_code: Set(item.code.clone()),
            category_code: Set(item.category_code.clone()),
            description: Set(phrasing::describe(&item.name, &self.words[which], "", rng)),
            address: Set(String::new()),
            building_code: Set(None),
            lon: Set(Some(lon)),
            lat: Set(Some(lat)),
            grid_id: Set(grid_id),
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
        })
    }
}
