//! The intake register (受理事项总登记本): every matter the centers accepted in a month — cases
//! today; disputes, petitions and incidents as their modules land — in the columns DOMAIN.md
//! names, under the caller's scope, in entry order. Parties are shown masked.
use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Select};
use serde::Serialize;
use utoipa::ToSchema;
use zongguan_core::case_flow::CaseState;
use zongguan_core::governance::screening::Period;
use zongguan_core::rbac::Scope;
use zongguan_core::time::{cst_date, cst_midnight};

use super::rectification_register::unit_names;
use crate::entity::{case_category, case_event, case_item, case_record, department};
use crate::listing::{COUNT_CAP, SortKey, capped_count, in_order, page_ids};
use crate::{Db, DbResult, Page, PageReq, scope};

const CASES: scope::Placed<case_record::Column> = scope::Placed {
    unit: case_record::Column::GridId,
    subdistrict: case_record::Column::SubdistrictId,
    community: case_record::Column::CommunityId,
    owner: Some(case_record::Column::CreatedBy),
};

#[derive(Debug, Clone)]
pub struct IntakeFilter {
    pub org_unit_id: Option<i64>,
    pub month: Period,
}

/// One line of the register.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct IntakeRow {
    /// `case` (later `dispute`, `petition`, `incident`)
    pub matter_kind: String,
    pub matter_id: i64,
    pub number: String,
    pub accepted_at: DateTime<Utc>,
    /// 来源渠道, as staff name it: 网格员上报, 电话, 来访, 网站, 12345 转办 …
    pub channel: String,
    /// The party's name (a citizen reporter's as given) and phone, masked.
    pub party_name: String,
    pub party_phone: String,
    pub people: Option<i32>,
    /// Up to three levels, joined by ／.
    pub category: String,
    pub content: String,
    /// 街道／社区／网格
    pub place: String,
    pub proposal: String,
    pub unit_assigned: String,
    pub assigned_on: Option<NaiveDate>,
    pub deadline: Option<NaiveDate>,
    pub result: String,
    pub feedback_on: Option<NaiveDate>,
    pub satisfaction: String,
    pub handler: String,
    pub remarks: String,
}

/// 来源渠道 for a case's source.
fn case_channel(source: &str) -> &'static str {
    match source {
        "grid_worker" => "网格员上报",
        "phone" => "电话",
        "visit" => "来访",
        "portal" => "网站",
        "open311" => "平台接入",
        "system" => "系统生成",
        _ => "其他",
    }
}

fn case_query(f: &IntakeFilter, cond: sea_orm::Condition) -> Select<case_record::Entity> {
    case_record::Entity::find()
        .filter(cond)
        .filter(case_record::Column::ReportedAt.gte(cst_midnight(f.month.start())))
        .filter(case_record::Column::ReportedAt.lt(cst_midnight(f.month.next().start())))
        .filter(case_record::Column::State.is_not_in([CaseState::Reported.as_str(), CaseState::Rejected.as_str()]))
        .filter(case_record::Column::MergedIntoId.is_null())
}

async fn case_rows<C: ConnectionTrait>(c: &C, found: Vec<case_record::Model>) -> DbResult<Vec<IntakeRow>> {
    let ids: Vec<i64> = found.iter().map(|r| r.id).collect();
    let events = case_event::Entity::find()
        .filter(case_event::Column::CaseId.is_in(ids))
        .filter(case_event::Column::Action.is_in(["accept", "feedback"]))
        .order_by_asc(case_event::Column::Id)
        .all(c)
        .await?;
    let mut accepted: HashMap<i64, case_event::Model> = HashMap::new();
    let mut feedback: HashMap<i64, case_event::Model> = HashMap::new();
    // The first acceptance; the last feedback.
    for e in events {
        if e.action == "accept" {
            accepted.entry(e.case_id).or_insert(e);
        } else {
            feedback.insert(e.case_id, e);
        }
    }
    let items: HashMap<String, case_item::Model> = case_item::Entity::find()
        .filter(case_item::Column::Code.is_in(found.iter().map(|r| r.item_code.clone()).collect::<BTreeSet<_>>()))
        .all(c)
        .await?
        .into_iter()
        .map(|i| (i.code.clone(), i))
        .collect();
    let categories: HashMap<String, String> = case_category::Entity::find()
        .all(c)
        .await?
        .into_iter()
        .map(|k| (k.code, k.name))
        .collect();
    let depts: HashMap<i64, String> = department::Entity::find()
        .select_only()
        .column(department::Column::Id)
        .column(department::Column::Name)
        .filter(department::Column::Id.is_in(found.iter().filter_map(|r| r.department_id).collect::<BTreeSet<_>>()))
        .into_tuple::<(i64, String)>()
        .all(c)
        .await?
        .into_iter()
        .collect();
    let units = unit_names(
        c,
        found
            .iter()
            .flat_map(|r| [r.subdistrict_id, r.community_id, r.grid_id])
            .collect(),
    )
    .await?;
    let name = |id: i64| units.get(&id).map_or("", String::as_str);
    Ok(found
        .into_iter()
        .map(|r| {
            let item = items.get(&r.item_code);
            let category = match item {
                Some(i) => format!(
                    "{}／{}",
                    categories.get(&i.category_code).map_or("", String::as_str),
                    i.name
                ),
                None => r.item_code.clone(),
            };
            let acc = accepted.get(&r.id);
            let fb = feedback.get(&r.id);
            let state = CaseState::parse(&r.state).map_or("", CaseState::zh);
            let result = match fb.map(|e| e.note.as_str()).filter(|n| !n.is_empty()) {
                Some(n) => format!("{state}：{n}"),
                None => state.to_string(),
            };
            IntakeRow {
                matter_kind: "case".into(),
                matter_id: r.id,
                number: r.code.clone(),
                accepted_at: acc.map_or(r.reported_at, |e| e.at),
                channel: case_channel(&r.source).into(),
                party_name: r.reporter_name.clone(),
                party_phone: r.reporter_contact.clone(),
                people: None,
                category,
                content: r.description.clone(),
                place: format!(
                    "{}／{}／{}",
                    name(r.subdistrict_id),
                    name(r.community_id),
                    name(r.grid_id)
                ),
                proposal: acc.map(|e| e.note.clone()).unwrap_or_default(),
                unit_assigned: r.department_id.and_then(|d| depts.get(&d).cloned()).unwrap_or_default(),
                assigned_on: r.dispatched_at.map(cst_date),
                deadline: r.deadline_at.map(cst_date),
                result,
                feedback_on: fb.map(|e| cst_date(e.at)),
                satisfaction: String::new(),
                handler: acc.map(|e| e.actor_name.clone()).unwrap_or_default(),
                remarks: r.address.clone(),
            }
        })
        .collect())
}

/// A page of the register, in entry order.
pub async fn intake_register(db: &Db, scope: &Scope, f: &IntakeFilter, p: PageReq) -> DbResult<Page<IntakeRow>> {
    let cond = scope::placed_under(&db.conn, scope, f.org_unit_id, &CASES).await?;
    let q = case_query(f, cond);
    let (total, total_exact) = capped_count(&db.conn, q.clone(), COUNT_CAP).await?;
    let sort = SortKey {
        key: None,
        id: case_record::Column::Id,
        desc: false,
    };
    let page = page_ids(&db.conn, q, &sort, &p, total_exact.then_some(total)).await?;
    let found = case_record::Entity::find()
        .filter(case_record::Column::Id.is_in(page.ids.clone()))
        .all(&db.conn)
        .await?;
    let found = in_order(&page.ids, found, |r| r.id);
    Ok(Page {
        items: case_rows(&db.conn, found).await?,
        total,
        total_exact,
        next: page.next,
        prev: page.prev,
    })
}

/// Every row of the month in entry order, a batch at a time (the export).
pub async fn each_intake_row(
    db: &Db,
    scope: &Scope,
    f: &IntakeFilter,
    mut each: impl FnMut(&IntakeRow) -> DbResult<()>,
) -> DbResult<u64> {
    const BATCH: u64 = 2000;
    let cond = scope::placed_under(&db.conn, scope, f.org_unit_id, &CASES).await?;
    let (mut after, mut n) = (0, 0);
    loop {
        let found = case_query(f, cond.clone())
            .filter(case_record::Column::Id.gt(after))
            .order_by_asc(case_record::Column::Id)
            .limit(BATCH)
            .all(&db.conn)
            .await?;
        let Some(last) = found.last().map(|r| r.id) else {
            return Ok(n);
        };
        let full = found.len() as u64 == BATCH;
        for r in case_rows(&db.conn, found).await? {
            each(&r)?;
            n += 1;
        }
        if !full {
            return Ok(n);
        }
        after = last;
    }
}
