//! Inspections (巡查) of rental houses: a visit with its checklist answers, hazards and the
//! rectification demanded; the next due day follows the class; rectified findings are marked so.
use std::collections::BTreeMap;

use chrono::{NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::Serialize;
use utoipa::ToSchema;
use zongguan_core::governance::rental_class::{RentalType, RiskClass, Sanitation};
use zongguan_core::rbac::Scope;

use super::checklists::checklists;
use super::classify::next_due;
use super::rental::{today, visible_rental};
use super::settings::rental_rules;
use crate::audit::{self, Event};
use crate::entity::{house, rental_inspection};
use crate::{Actor, Db, DbError, DbResult, Page, PageReq, scope};

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Inspection {
    pub id: i64,
    pub house_id: i64,
    pub inspected_on: NaiveDate,
    pub inspector_name: String,
    /// The house's class at the time.
    pub risk_class: Option<String>,
    /// Checklist code → `pass` | `fail` | `na`.
    pub answers: BTreeMap<String, String>,
    pub sanitation: String,
    pub hazards: i32,
    pub major_hazards: i32,
    pub findings: String,
    pub rectification: String,
    pub rectify_by: Option<NaiveDate>,
    pub rectified_at: Option<chrono::DateTime<Utc>>,
    pub owner_signature: String,
    pub next_due_on: NaiveDate,
    /// Hazards found and the deadline passed without rectification.
    pub rectification_overdue: bool,
    /// The case its finding became, if it did.
    pub case_id: Option<i64>,
}

fn view(r: rental_inspection::Model, today: NaiveDate) -> Inspection {
    let open = r.rectified_at.is_none() && r.hazards + r.major_hazards > 0;
    Inspection {
        rectification_overdue: open && r.rectify_by.is_some_and(|d| d < today),
        answers: serde_json::from_str(&r.answers).unwrap_or_default(),
        id: r.id,
        house_id: r.house_id,
        inspected_on: r.inspected_on,
        inspector_name: r.inspector_name,
        risk_class: r.risk_class,
        sanitation: r.sanitation,
        hazards: r.hazards,
        major_hazards: r.major_hazards,
        findings: r.findings,
        rectification: r.rectification,
        rectify_by: r.rectify_by,
        rectified_at: r.rectified_at,
        owner_signature: r.owner_signature,
        next_due_on: r.next_due_on,
        case_id: r.case_id,
    }
}

/// The last `n` visits to a house, newest first (the caller has checked the house is visible).
pub async fn inspections_of<C: ConnectionTrait>(c: &C, house_id: i64, n: u64) -> DbResult<Vec<Inspection>> {
    let today = today();
    Ok(rental_inspection::Entity::find()
        .filter(rental_inspection::Column::HouseId.eq(house_id))
        .order_by_desc(rental_inspection::Column::InspectedOn)
        .order_by_desc(rental_inspection::Column::Id)
        .limit(n)
        .all(c)
        .await?
        .into_iter()
        .map(|r| view(r, today))
        .collect())
}

/// A visit as the edge checked it (dates parsed, text trimmed); the answers are checked here
/// against the checklist.
#[derive(Debug, Clone)]
pub struct InspectionInput {
    pub inspected_on: NaiveDate,
    /// Items left out are answered `pass` (an all-clear visit sends none).
    pub answers: BTreeMap<String, String>,
    pub sanitation: Sanitation,
    pub findings: String,
    pub rectification: String,
    pub rectify_by: Option<NaiveDate>,
    pub owner_signature: String,
}

pub async fn record_inspection(db: &Db, actor: &Actor, house_id: i64, i: InspectionInput) -> DbResult<Inspection> {
    let today = today();
    if i.inspected_on > today {
        return Err(DbError::invalid("inspected_on", "巡查日期不能晚于今天"));
    }
    let txn = db.begin_write().await?;
    let h = visible_rental(&*txn, &actor.scope, house_id).await?;
    let rental_type = h.rental_type.as_deref().and_then(RentalType::parse);
    let items = checklists(&*txn, rental_type, false).await?;
    let mut answers = BTreeMap::new();
    for (code, a) in &i.answers {
        if !items.iter().any(|it| &it.code == code) {
            return Err(DbError::invalid(
                "answers",
                format!("检查项 {code} 不在该出租屋的检查表中"),
            ));
        }
        if !matches!(a.as_str(), "pass" | "fail" | "na") {
            return Err(DbError::invalid(
                "answers",
                format!("检查项 {code} 的结果应为 pass、fail 或 na"),
            ));
        }
    }
    let (mut hazards, mut major) = (0, 0);
    let mut failed = Vec::new();
    for it in &items {
        let a = i.answers.get(&it.code).map_or("pass", String::as_str);
        if a == "fail" {
            if it.major {
                major += 1;
            } else {
                hazards += 1;
            }
            failed.push(it.name.clone());
        }
        answers.insert(it.code.clone(), a.to_string());
    }
    let found = hazards + major > 0;
    if found && i.rectify_by.is_none() {
        return Err(DbError::invalid("rectify_by", "发现隐患时须限期整改，请填写整改期限"));
    }
    if let Some(d) = i.rectify_by {
        if !found {
            return Err(DbError::invalid("rectify_by", "未发现隐患，无需整改期限"));
        }
        if d < i.inspected_on {
            return Err(DbError::invalid("rectify_by", "整改期限不能早于巡查日期"));
        }
    }
    let findings = if found && i.findings.is_empty() {
        format!("不合格：{}", failed.join("；"))
    } else {
        i.findings.clone()
    };
    let schedule = rental_rules(&*txn).await?.inspection_schedule;
    let class = h.rental_risk_class.as_deref().and_then(RiskClass::parse);
    let last = h.last_inspected_on.map_or(i.inspected_on, |d| d.max(i.inspected_on));
    let mut with_last = h.clone();
    with_last.last_inspected_on = Some(last);
    let due = next_due(&schedule, &with_last, class);
    let m = rental_inspection::ActiveModel {
        house_id: Set(h.id),
        grid_id: Set(h.grid_id),
        subdistrict_id: Set(h.subdistrict_id),
        community_id: Set(h.community_id),
        inspected_on: Set(i.inspected_on),
        inspector_id: Set(actor.user_id),
        inspector_name: Set(actor.name.clone()),
        risk_class: Set(h.rental_risk_class.clone()),
        answers: Set(serde_json::to_string(&answers).unwrap_or_else(|_| "{}".into())),
        sanitation: Set(i.sanitation.as_str().into()),
        hazards: Set(hazards),
        major_hazards: Set(major),
        findings: Set(findings),
        rectification: Set(i.rectification.clone()),
        rectify_by: Set(i.rectify_by),
        rectified_at: Set(None),
        rectified_by: Set(None),
        owner_signature: Set(i.owner_signature.clone()),
        next_due_on: Set(due),
        created_by: Set(actor.user_id),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&*txn)
    .await?;
    super::inspection_tasks::done_by_inspection(&*txn, h.id, m.id).await?;
    let mut am: house::ActiveModel = h.into();
    am.last_inspected_on = Set(Some(last));
    am.next_due_on = Set(Some(due));
    am.updated_at = Set(Utc::now());
    am.update(&*txn).await?;
    audit::append(
        &*txn,
        db.backend,
        actor,
        Event::ok("inspect", "house", house_id).detail(format!(
            "{} 隐患 {hazards} 重大隐患 {major}，下次 {due}",
            i.inspected_on
        )),
    )
    .await?;
    txn.commit().await?;
    Ok(view(m, today))
}

/// The inspection columns that place a row in the org tree (set from the house when written).
const PLACED: scope::Placed<rental_inspection::Column> = scope::Placed {
    unit: rental_inspection::Column::GridId,
    subdistrict: rental_inspection::Column::SubdistrictId,
    community: rental_inspection::Column::CommunityId,
    owner: Some(rental_inspection::Column::CreatedBy),
};

async fn visible_inspection<C: ConnectionTrait>(c: &C, scope: &Scope, id: i64) -> DbResult<rental_inspection::Model> {
    rental_inspection::Entity::find_by_id(id)
        .filter(scope::placed(c, scope, &PLACED).await?)
        .one(c)
        .await?
        .ok_or(DbError::NotFound)
}

/// Marks a visit's hazards rectified (once).
pub async fn mark_rectified(db: &Db, actor: &Actor, id: i64) -> DbResult<Inspection> {
    let txn = db.begin_write().await?;
    let r = visible_inspection(&*txn, &actor.scope, id).await?;
    if r.hazards + r.major_hazards == 0 {
        return Err(DbError::Conflict("该次巡查未发现隐患，无需整改".into()));
    }
    if r.rectified_at.is_some() {
        return Err(DbError::Conflict("该次巡查的隐患已整改".into()));
    }
    let mut am: rental_inspection::ActiveModel = r.into();
    am.rectified_at = Set(Some(Utc::now()));
    am.rectified_by = Set(actor.user_id);
    let m = am.update(&*txn).await?;
    audit::append(
        &*txn,
        db.backend,
        actor,
        Event::ok("rectified", "rental_inspection", id),
    )
    .await?;
    txn.commit().await?;
    Ok(view(m, today()))
}

#[derive(Debug, Default, Clone)]
pub struct InspectionFilter {
    pub org_unit_id: Option<i64>,
    pub house_id: Option<i64>,
    /// Only visits whose hazards are not rectified yet.
    pub open: bool,
    /// Only open ones past their deadline (the rectification register's overdue view).
    pub overdue: bool,
}

/// Visits under the scope, newest first by id; the open and overdue views are ranges on
/// `(key, rectify_by)`.
pub async fn list_inspections(db: &Db, scope: &Scope, f: &InspectionFilter, p: PageReq) -> DbResult<Page<Inspection>> {
    let mut q =
        rental_inspection::Entity::find().filter(scope::placed_under(&db.conn, scope, f.org_unit_id, &PLACED).await?);
    if let Some(h) = f.house_id {
        q = q.filter(rental_inspection::Column::HouseId.eq(h));
    }
    let today = today();
    if f.open || f.overdue {
        q = q
            .filter(rental_inspection::Column::RectifyBy.is_not_null())
            .filter(rental_inspection::Column::RectifiedAt.is_null());
    }
    if f.overdue {
        q = q.filter(rental_inspection::Column::RectifyBy.lt(today));
    }
    let sort = crate::listing::SortKey {
        key: None,
        id: rental_inspection::Column::Id,
        desc: true,
    };
    let mut page = crate::listing::page_rows(&db.conn, q, &sort, &p, |r| r.id).await?;
    let rows = std::mem::take(&mut page.items);
    Ok(page.with_items(rows.into_iter().map(|r| view(r, today)).collect()))
}
