//! Counts by state, item and department with the evaluation figures, in memory and (as reference) in SQL.
use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use serde::Serialize;
use utoipa::ToSchema;
use zongguan_core::case_flow::{CaseState, OPEN_STATES};
use zongguan_core::rbac::Scope;

use super::access::{Area, Visible, located, now, visibility, visible};
use super::counts::{Counted, DISPATCHED_STATES, Figures, Tally};
use super::list::{CaseFilter, filter_condition};
use crate::entity::{case_assist, case_item, case_record, department, org_unit};
use crate::{Actor, Db, DbError, DbResult};

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StateCount {
    pub state: String,
    pub state_name: String,
    pub count: u64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ItemCount {
    pub item_code: String,
    pub item_name: String,
    pub count: u64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DepartmentCount {
    pub department_id: Option<i64>,
    pub department_code: Option<String>,
    pub department_name: Option<String>,
    pub count: u64,
    #[serde(flatten)]
    pub figures: Figures,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CaseStats {
    pub total: u64,
    pub by_state: Vec<StateCount>,
    pub by_item: Vec<ItemCount>,
    pub by_department: Vec<DepartmentCount>,
    #[serde(flatten)]
    pub figures: Figures,
}

#[derive(Debug, Default, Clone)]
pub struct StatsFilter {
    pub org_unit_id: Option<i64>,
    pub date_from: Option<NaiveDate>,
    pub date_to: Option<NaiveDate>,
}

/// Counts by state, item and department with the evaluation figures, for the cases the caller
/// sees (in a unit and a range of report dates when asked): a scan of the in-memory copy of every
/// case, brought up to date first, so the answer is what [`stats_sql`] would give.
pub async fn stats(db: &Db, u: &Actor, f: &StatsFilter) -> DbResult<CaseStats> {
    let c = &db.conn;
    let now = now();
    let visible = match visibility(c, u).await? {
        None => None,
        Some(v) => {
            let assisted = match v.department {
                Some(d) => case_assist::Entity::find()
                    .select_only()
                    .column(case_assist::Column::CaseId)
                    .filter(case_assist::Column::DepartmentId.eq(d))
                    .into_tuple()
                    .all(c)
                    .await?
                    .into_iter()
                    .collect(),
                None => HashSet::new(),
            };
            Some(Visible {
                area: v.located.area(c).await?,
                reporter: v.reporter,
                department: v.department,
                assisted,
            })
        }
    };
    let area = match f.org_unit_id {
        Some(id) => {
            let unit = org_unit::Entity::find_by_id(id)
                .one(c)
                .await?
                .ok_or_else(|| DbError::invalid("org_unit_id", "机构不存在"))?;
            if unit.parent_id.is_some() {
                located(c, &Scope::Subtree { path: unit.path }).await?.area(c).await?
            } else {
                Area::Everywhere
            }
        }
        None => Area::Everywhere,
    };
    let day = |d: NaiveDate| crate::stats::day_number(d);
    let q = Counted {
        visible,
        area,
        day_from: f.date_from.map(day),
        day_to: f.date_to.map(day),
    };
    match db.cases.counts.tally(db, &q, now).await? {
        Some(t) => named(c, t).await,
        None => stats_sql(db, u, f).await,
    }
}

/// Keeps the in-memory copy of every case current (`serve` warms it at start).
pub async fn warm_counts(db: &Db) -> DbResult<()> {
    db.cases.counts.warm(db).await
}

/// The counts of [`stats`] grouped in SQL: the reference the in-memory path is tested against,
/// and what answers when that copy cannot hold the cases.
pub async fn stats_sql(db: &Db, u: &Actor, f: &StatsFilter) -> DbResult<CaseStats> {
    let c = &db.conn;
    let now = now();
    let filter = CaseFilter {
        org_unit_id: f.org_unit_id,
        date_from: f.date_from,
        date_to: f.date_to,
        ..Default::default()
    };
    let cond = Condition::all()
        .add(visible(c, u).await?)
        .add(filter_condition(c, &filter, now).await?);
    // One pass over the covering index (state, department, item, late, rework).
    let rows: Vec<GroupRow> = case_record::Entity::find()
        .select_only()
        .columns([
            case_record::Column::State,
            case_record::Column::DepartmentId,
            case_record::Column::ItemCode,
            case_record::Column::Late,
            case_record::Column::ReworkCount,
        ])
        .column_as(Expr::cust("COUNT(*)"), "n")
        .filter(cond.clone())
        .group_by(case_record::Column::State)
        .group_by(case_record::Column::DepartmentId)
        .group_by(case_record::Column::ItemCode)
        .group_by(case_record::Column::Late)
        .group_by(case_record::Column::ReworkCount)
        .into_tuple()
        .all(c)
        .await?;
    // Counted here, not with GROUP BY: the plan then stays on the covering (state, deadline) index.
    let overdue_rows: Vec<Option<i64>> = case_record::Entity::find()
        .select_only()
        .column(case_record::Column::DepartmentId)
        .filter(cond)
        .filter(case_record::Column::State.is_in(OPEN_STATES.map(CaseState::as_str)))
        .filter(case_record::Column::Paused.eq(false))
        .filter(case_record::Column::DeadlineAt.lt(now))
        .into_tuple()
        .all(c)
        .await?;
    named(c, tally_of(rows, overdue_rows)).await
}

/// One row of the grouped count: state, department, item, late, rework count, cases.
type GroupRow = (String, Option<i64>, String, bool, i32, i64);

/// The grouped rows and the overdue cases' departments added up as the in-memory scan does.
fn tally_of(rows: Vec<GroupRow>, overdue_rows: Vec<Option<i64>>) -> Tally {
    let mut overdue: BTreeMap<Option<i64>, i64> = BTreeMap::new();
    for d in overdue_rows {
        *overdue.entry(d).or_default() += 1;
    }
    let mut t = Tally::default();
    for (state, dept, item, late, rework, n) in rows {
        let n = n as u64;
        let known = CaseState::parse(&state);
        *t.by_state.entry(state.clone()).or_default() += n;
        *t.by_item.entry(item).or_default() += n;
        let (count, fig) = t.by_dept.entry(dept).or_default();
        *count += n;
        for x in [&mut *fig, &mut t.all] {
            x.reported += n;
            if known.is_some_and(|s| DISPATCHED_STATES.contains(&s)) {
                x.dispatched += n;
            }
            if rework > 0 {
                x.reworked += n;
            }
            if known == Some(CaseState::Closed) {
                x.closed += n;
                x.due_for_closure += n;
                if !late {
                    x.closed_on_time += n;
                }
            }
        }
    }
    for (dept, n) in overdue {
        let (_, fig) = t.by_dept.entry(dept).or_default();
        for x in [&mut *fig, &mut t.all] {
            x.overdue += n as u64;
            x.due_for_closure += n as u64;
        }
    }
    t
}

/// Rates, names of items and departments, and the order the page shows.
async fn named<C: ConnectionTrait>(c: &C, t: Tally) -> DbResult<CaseStats> {
    let Tally {
        by_state,
        by_item,
        by_dept,
        mut all,
    } = t;
    all.rates();
    let ids: Vec<i64> = by_dept.keys().flatten().copied().collect();
    let depts: HashMap<i64, (String, String)> = if ids.is_empty() {
        HashMap::new()
    } else {
        department::Entity::find()
            .select_only()
            .columns([
                department::Column::Id,
                department::Column::Code,
                department::Column::Name,
            ])
            .filter(department::Column::Id.is_in(ids))
            .into_tuple::<(i64, String, String)>()
            .all(c)
            .await?
            .into_iter()
            .map(|(i, c, n)| (i, (c, n)))
            .collect()
    };
    let items: HashMap<String, String> = case_item::Entity::find()
        .select_only()
        .columns([case_item::Column::Code, case_item::Column::Name])
        .into_tuple::<(String, String)>()
        .all(c)
        .await?
        .into_iter()
        .collect();
    let total = all.reported;
    let mut by_department: Vec<DepartmentCount> = by_dept
        .into_iter()
        .map(|(id, (count, mut figures))| {
            figures.rates();
            let d = id.and_then(|i| depts.get(&i));
            DepartmentCount {
                department_id: id,
                department_code: d.map(|d| d.0.clone()),
                department_name: d.map(|d| d.1.clone()),
                count,
                figures,
            }
        })
        .collect();
    by_department.sort_by(|a, b| b.count.cmp(&a.count).then(a.department_code.cmp(&b.department_code)));
    let mut by_item: Vec<ItemCount> = by_item
        .into_iter()
        .map(|(code, count)| ItemCount {
            item_name: items.get(&code).cloned().unwrap_or_default(),
            item_code: code,
            count,
        })
        .collect();
    by_item.sort_by(|a, b| b.count.cmp(&a.count).then(a.item_code.cmp(&b.item_code)));
    Ok(CaseStats {
        total,
        by_state: CaseState::ALL
            .iter()
            .map(|s| StateCount {
                state: s.as_str().into(),
                state_name: s.zh().into(),
                count: by_state.get(s.as_str()).copied().unwrap_or(0),
            })
            .collect(),
        by_item,
        by_department,
        figures: all,
    })
}
