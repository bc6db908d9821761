//! The risk class: proposed by the rules from facts (one house, or every rental house in scope)
//! and confirmed by a person, audited.
use std::collections::BTreeMap;

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;
use utoipa::ToSchema;
use zongguan_core::governance::rental_class::{
    BuildingCondition, Compliance, InspectionSchedule, RentalType, RiskClass,
};
use zongguan_core::rbac::Scope;

use super::rental::{ProposalView, RentalHouseDetail, facts_of, get_rental_house, visible_rental};
use super::settings::rental_rules;
use crate::audit::{self, Event};
use crate::entity::house;
use crate::registry::HOUSE_PLACED;
use crate::{Actor, Db, DbResult, scope};

/// Checked at the edge: a person's confirmed class and the facts only a person knows.
#[derive(Debug, Clone)]
pub struct ClassifyInput {
    pub risk_class: RiskClass,
    pub rental_type: Option<RentalType>,
    pub building_condition: Option<BuildingCondition>,
    pub owner_compliance: Option<Compliance>,
    /// Why, when the class differs from the proposal (kept in the audit row).
    pub note: String,
}

/// What a proposal run did.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct ProposeTally {
    pub houses: u64,
    /// Houses whose proposal changed.
    pub changed: u64,
    /// Proposed houses by class code.
    pub by_class: BTreeMap<String, u64>,
    /// Proposals that differ from the confirmed class (or have none confirmed).
    pub to_confirm: u64,
}

/// The next due day from the class and the last visit (a house never visited counts from the day
/// it was recorded).
pub(super) fn next_due(s: &InspectionSchedule, h: &house::Model, class: Option<RiskClass>) -> chrono::NaiveDate {
    s.next_due(class, h.last_inspected_on, zongguan_core::time::cst_date(h.created_at))
}

/// Runs the rules for these houses and stores each proposal that changed.
async fn propose_rows<C: sea_orm::ConnectionTrait>(
    c: &C,
    rows: Vec<house::Model>,
    tally: &mut ProposeTally,
) -> DbResult<()> {
    let rules = rental_rules(c).await?;
    let facts = facts_of(c, &rows, rules.class_rules.case_window_days).await?;
    // Houses whose proposal changes, grouped by what is written: most share a class and its
    // reasons, so a page of 500 is a few UPDATE … WHERE id IN (…), not 500 statements.
    let mut writes: BTreeMap<(String, String, Option<chrono::NaiveDate>), Vec<i64>> = BTreeMap::new();
    for h in rows {
        let Some((core, _, unknown)) = facts.get(&h.id) else {
            continue;
        };
        let p = ProposalView::new(rules.class_rules.propose(core), unknown.clone());
        let json = serde_json::to_string(&p.reasons).unwrap_or_else(|_| "[]".into());
        tally.houses += 1;
        *tally.by_class.entry(p.class.clone()).or_default() += 1;
        if h.rental_risk_class.as_deref() != Some(p.class.as_str()) {
            tally.to_confirm += 1;
        }
        let schedule_missing = h.next_due_on.is_none();
        if h.rental_proposed_class.as_deref() == Some(p.class.as_str())
            && h.rental_proposal.as_deref() == Some(json.as_str())
            && !schedule_missing
        {
            continue;
        }
        tally.changed += 1;
        let class = h.rental_risk_class.as_deref().and_then(RiskClass::parse);
        let due = schedule_missing.then(|| next_due(&rules.inspection_schedule, &h, class));
        writes.entry((p.class, json, due)).or_default().push(h.id);
    }
    for ((class, json, due), ids) in writes {
        let mut u = house::Entity::update_many()
            .col_expr(house::Column::RentalProposedClass, Expr::value(class))
            .col_expr(house::Column::RentalProposal, Expr::value(json));
        if let Some(d) = due {
            u = u.col_expr(house::Column::NextDueOn, Expr::value(d));
        }
        u.filter(house::Column::Id.is_in(ids)).exec(c).await?;
    }
    Ok(())
}

/// Proposes a class for one house in scope (stored beside the house) and answers the house.
pub async fn propose_one(db: &Db, actor: &Actor, id: i64) -> DbResult<RentalHouseDetail> {
    let txn = db.begin_write().await?;
    let h = visible_rental(&*txn, &actor.scope, id).await?;
    let mut tally = ProposeTally::default();
    propose_rows(&*txn, vec![h], &mut tally).await?;
    audit::append(&*txn, db.backend, actor, Event::ok("propose_class", "house", id)).await?;
    txn.commit().await?;
    get_rental_house(db, &actor.scope, id).await
}

/// Proposes a class for every rental house in the caller's scope, a page of ids at a time, each
/// page its own short write.
pub async fn propose_all(db: &Db, actor: &Actor, org_unit_id: Option<i64>) -> DbResult<ProposeTally> {
    const CHUNK: u64 = 500;
    let scope: &Scope = &actor.scope;
    let cond = scope::placed_under(&db.conn, scope, org_unit_id, &HOUSE_PLACED).await?;
    let mut tally = ProposeTally::default();
    let mut after = 0i64;
    loop {
        let ids: Vec<i64> = house::Entity::find()
            .select_only()
            .column(house::Column::Id)
            .filter(cond.clone())
            .filter(house::Column::IsRental.eq(true))
            .filter(house::Column::Id.gt(after))
            .order_by_asc(house::Column::Id)
            .limit(CHUNK)
            .into_tuple()
            .all(&db.conn)
            .await?;
        let Some(last) = ids.last().copied() else { break };
        after = last;
        let txn = db.begin_write().await?;
        let rows = house::Entity::find()
            .filter(house::Column::Id.is_in(ids.clone()))
            .all(&*txn)
            .await?;
        propose_rows(&*txn, rows, &mut tally).await?;
        txn.commit().await?;
        if (ids.len() as u64) < CHUNK {
            break;
        }
    }
    let txn = db.begin_write().await?;
    audit::append(
        &*txn,
        db.backend,
        actor,
        Event::ok("propose_class", "house", "scope").detail(format!(
            "{} 套，变化 {} 套，待确认 {} 套",
            tally.houses, tally.changed, tally.to_confirm
        )),
    )
    .await?;
    txn.commit().await?;
    Ok(tally)
}

/// A person confirms the class (and records the facts they know); the next due day follows it.
pub async fn confirm_class(db: &Db, actor: &Actor, id: i64, input: ClassifyInput) -> DbResult<RentalHouseDetail> {
    let txn = db.begin_write().await?;
    let h = visible_rental(&*txn, &actor.scope, id).await?;
    let schedule = rental_rules(&*txn).await?.inspection_schedule;
    let before = h.rental_risk_class.clone().unwrap_or_else(|| "none".into());
    let due = next_due(&schedule, &h, Some(input.risk_class));
    let mut am: house::ActiveModel = h.into();
    am.rental_risk_class = Set(Some(input.risk_class.as_str().into()));
    am.rental_class_confirmed_by = Set(actor.user_id);
    am.rental_class_confirmed_at = Set(Some(Utc::now()));
    if let Some(t) = input.rental_type {
        am.rental_type = Set(Some(t.as_str().into()));
    }
    if let Some(b) = input.building_condition {
        am.rental_building_condition = Set(Some(b.as_str().into()));
    }
    if let Some(o) = input.owner_compliance {
        am.rental_owner_compliance = Set(Some(o.as_str().into()));
    }
    am.next_due_on = Set(Some(due));
    am.updated_at = Set(Utc::now());
    am.update(&*txn).await?;
    let mut detail = format!("{before} → {}", input.risk_class.as_str());
    if !input.note.is_empty() {
        detail.push('：');
        detail.push_str(&input.note);
    }
    audit::append(
        &*txn,
        db.backend,
        actor,
        Event::ok("classify", "house", id).detail(detail),
    )
    .await?;
    txn.commit().await?;
    get_rental_house(db, &actor.scope, id).await
}
