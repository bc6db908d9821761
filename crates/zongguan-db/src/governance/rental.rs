//! Rental houses (出租屋): the list on the list path, one house with its tenants, facts, proposal
//! and visits, and the refusal of a new residence in a red house.
use std::collections::{HashMap, HashSet};

use chrono::{Duration, NaiveDate, Utc};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;
use utoipa::ToSchema;
use zongguan_core::governance::due::{DueStatus, add_days, due_status};
use zongguan_core::governance::rental_class::{
    BuildingCondition, Compliance, InspectionSchedule, Proposal, RentalFacts as CoreFacts, RiskClass, Sanitation,
    check_may_let,
};
use zongguan_core::rbac::Scope;

use super::inspections::{Inspection, inspections_of};
use super::settings::rental_rules;
use crate::entity::{
    building, case_record, house, org_unit, rental_inspection, residence, resident, special_group_record,
};
use crate::registry::{HOUSE_PLACED, buildings_matching};
use crate::{Db, DbError, DbResult, Page, PageReq, scope};

/// The China date today.
pub(super) fn today() -> NaiveDate {
    zongguan_core::time::cst_date(Utc::now())
}

/// One rental house in a list.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RentalHouse {
    pub id: i64,
    pub building_id: i64,
    pub building_code: String,
    pub address: String,
    pub room: String,
    pub grid_id: i64,
    pub grid_name: String,
    pub area: Option<f64>,
    /// `urban_village` | `commercial_estate` | `dormitory` | `public_rental` | `other`; none until set.
    pub rental_type: Option<String>,
    /// The confirmed class: `green` | `yellow` | `orange` | `red`; none until a person confirms one.
    pub risk_class: Option<String>,
    /// The rules' last proposal, when it was run.
    pub proposed_class: Option<String>,
    pub occupants: u64,
    pub last_inspected_on: Option<NaiveDate>,
    /// None for a house never inspected nor scheduled: it counts as overdue.
    pub next_due_on: Option<NaiveDate>,
    /// `not_due` | `due` | `overdue`.
    pub due_status: String,
}

#[derive(Debug, Default, Clone)]
pub struct RentalFilter {
    pub org_unit_id: Option<i64>,
    /// A class code, or `unclassified`.
    pub risk_class: Option<String>,
    pub rental_type: Option<String>,
    pub due_status: Option<DueStatus>,
    pub q: Option<String>,
}

pub(super) fn status_of(next: Option<NaiveDate>, today: NaiveDate, s: &InspectionSchedule) -> DueStatus {
    next.map_or(DueStatus::Overdue, |d| due_status(d, today, s.lead_days))
}

pub(super) async fn rental_views<C: ConnectionTrait>(c: &C, rows: Vec<house::Model>) -> DbResult<Vec<RentalHouse>> {
    let schedule = rental_rules(c).await?.inspection_schedule;
    let bids: Vec<i64> = rows.iter().map(|r| r.building_id).collect();
    let buildings: HashMap<i64, building::Model> = building::Entity::find()
        .filter(building::Column::Id.is_in(bids))
        .all(c)
        .await?
        .into_iter()
        .map(|b| (b.id, b))
        .collect();
    let gids: Vec<i64> = rows.iter().map(|r| r.grid_id).collect();
    let grids: HashMap<i64, String> = org_unit::Entity::find()
        .select_only()
        .columns([org_unit::Column::Id, org_unit::Column::Name])
        .filter(org_unit::Column::Id.is_in(gids))
        .into_tuple::<(i64, String)>()
        .all(c)
        .await?
        .into_iter()
        .collect();
    let hids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let counts = occupants(c, &hids).await?;
    let today = today();
    Ok(rows
        .into_iter()
        .map(|r| {
            let b = buildings.get(&r.building_id);
            RentalHouse {
                building_code: b.map(|b| b.code.clone()).unwrap_or_default(),
                address: b.map(|b| format!("{}{}", b.address, r.room)).unwrap_or_default(),
                grid_name: grids.get(&r.grid_id).cloned().unwrap_or_default(),
                occupants: counts.get(&r.id).copied().unwrap_or(0),
                due_status: status_of(r.next_due_on, today, &schedule).as_str().into(),
                id: r.id,
                building_id: r.building_id,
                room: r.room,
                grid_id: r.grid_id,
                area: r.area,
                rental_type: r.rental_type,
                risk_class: r.rental_risk_class,
                proposed_class: r.rental_proposed_class,
                last_inspected_on: r.last_inspected_on,
                next_due_on: r.next_due_on,
            }
        })
        .collect())
}

/// People living in each house now.
async fn occupants<C: ConnectionTrait>(c: &C, hids: &[i64]) -> DbResult<HashMap<i64, u64>> {
    Ok(residence::Entity::find()
        .select_only()
        .column(residence::Column::HouseId)
        .column_as(residence::Column::Id.count(), "n")
        .filter(residence::Column::HouseId.is_in(hids.to_vec()))
        .filter(residence::Column::Until.is_null())
        .group_by(residence::Column::HouseId)
        .into_tuple::<(i64, i64)>()
        .all(c)
        .await?
        .into_iter()
        .map(|(h, n)| (h, n as u64))
        .collect())
}

/// Rental houses under the scope and the org filter: one key from `placed_under`, ids from the
/// index in id order, the total counted to the cap.
pub async fn list_rental_houses(db: &Db, scope: &Scope, f: &RentalFilter, p: PageReq) -> DbResult<Page<RentalHouse>> {
    let mut q = house::Entity::find()
        .filter(scope::placed_under(&db.conn, scope, f.org_unit_id, &HOUSE_PLACED).await?)
        .filter(house::Column::IsRental.eq(true));
    match f.risk_class.as_deref().filter(|s| !s.is_empty()) {
        None => {}
        Some("unclassified") => q = q.filter(house::Column::RentalRiskClass.is_null()),
        Some(c) => {
            let c = RiskClass::parse(c).ok_or_else(|| {
                DbError::invalid("risk_class", "风险等级应为 green、yellow、orange、red 或 unclassified")
            })?;
            q = q.filter(house::Column::RentalRiskClass.eq(c.as_str()));
        }
    }
    if let Some(t) = f.rental_type.as_deref().filter(|s| !s.is_empty()) {
        let t = zongguan_core::governance::rental_class::RentalType::parse(t)
            .ok_or_else(|| DbError::invalid("rental_type", "出租屋类型无效"))?;
        q = q.filter(house::Column::RentalType.eq(t.as_str()));
    }
    if let Some(s) = f.due_status {
        let today = today();
        let lead = rental_rules(&db.conn).await?.inspection_schedule.lead_days;
        q = q.filter(match s {
            DueStatus::Overdue => Condition::any()
                .add(house::Column::NextDueOn.lt(today))
                .add(house::Column::NextDueOn.is_null()),
            DueStatus::Due => Condition::all()
                .add(house::Column::NextDueOn.gte(today))
                .add(house::Column::NextDueOn.lte(add_days(today, lead))),
            DueStatus::NotDue => Condition::all().add(house::Column::NextDueOn.gt(add_days(today, lead))),
        });
    }
    if let Some(t) = f.q.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        q = q.filter(
            Condition::any()
                .add(crate::like::contains(house::Column::Room, t))
                .add(house::Column::BuildingId.in_subquery(buildings_matching(db, t))),
        );
    }
    let sort = crate::listing::SortKey {
        key: None,
        id: house::Column::Id,
        desc: false,
    };
    let mut page = crate::listing::page_rows(&db.conn, q, &sort, &p, |r| r.id).await?;
    let rows = std::mem::take(&mut page.items);
    Ok(page.with_items(rental_views(&db.conn, rows).await?))
}

/// A rental house the scope reaches; anything else is not found.
pub(super) async fn visible_rental<C: ConnectionTrait>(c: &C, scope: &Scope, id: i64) -> DbResult<house::Model> {
    house::Entity::find_by_id(id)
        .filter(house::Column::IsRental.eq(true))
        .filter(scope::placed(c, scope, &HOUSE_PLACED).await?)
        .one(c)
        .await?
        .ok_or(DbError::NotFound)
}

/// A resident living in the house now (the tenant register is the residences, no second list).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Tenant {
    pub resident_id: i64,
    /// Masked (`张*三`).
    pub name: String,
    pub registration_type: String,
    pub relation: String,
    pub since: NaiveDate,
    /// Belongs to a special group now.
    pub special_group: bool,
}

/// The facts the proposal read, as stored or counted; none where no one has recorded them.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RentalFacts {
    pub building_condition: Option<String>,
    pub owner_compliance: Option<String>,
    pub major_hazards: u32,
    pub hazards: u32,
    /// From the last inspection; none before the first.
    pub sanitation: Option<String>,
    pub occupants: u32,
    pub area: Option<f64>,
    pub special_group_tenants: u32,
    pub recent_cases: u32,
    pub case_window_days: u32,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReasonView {
    pub class: String,
    pub text: String,
}

/// A class the rules propose and every fact that led to it; `unknown` names the facts no one has
/// recorded, which the rules read as their mildest value.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProposalView {
    pub class: String,
    pub reasons: Vec<ReasonView>,
    pub unknown: Vec<String>,
}

impl ProposalView {
    pub(super) fn new(p: Proposal, unknown: Vec<String>) -> Self {
        ProposalView {
            class: p.class.as_str().into(),
            reasons: p
                .reasons
                .into_iter()
                .map(|r| ReasonView {
                    class: r.class.as_str().into(),
                    text: r.text,
                })
                .collect(),
            unknown,
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RentalHouseDetail {
    pub house: RentalHouse,
    pub confirmed_by: Option<String>,
    pub confirmed_at: Option<chrono::DateTime<Utc>>,
    pub building_condition: Option<String>,
    pub owner_compliance: Option<String>,
    pub facts: RentalFacts,
    /// What the rules propose now, from the facts above.
    pub proposal: ProposalView,
    pub tenants: Vec<Tenant>,
    /// Nobody is registered as living there.
    pub no_tenant: bool,
    /// Residence-permit dates are not in the registry yet, so "permit expired" cannot be flagged.
    pub permit_data: bool,
    /// The last visits, newest first.
    pub inspections: Vec<Inspection>,
}

/// The facts of several houses at once (the proposal for a whole scope reads them by the page).
pub(super) async fn facts_of<C: ConnectionTrait>(
    c: &C,
    houses: &[house::Model],
    window_days: u32,
) -> DbResult<HashMap<i64, (CoreFacts, RentalFacts, Vec<String>)>> {
    let hids: Vec<i64> = houses.iter().map(|h| h.id).collect();
    let lived: Vec<(i64, i64)> = residence::Entity::find()
        .select_only()
        .columns([residence::Column::HouseId, residence::Column::ResidentId])
        .filter(residence::Column::HouseId.is_in(hids.clone()))
        .filter(residence::Column::Until.is_null())
        .into_tuple()
        .all(c)
        .await?;
    let rids: Vec<i64> = lived.iter().map(|(_, r)| *r).collect();
    let special: HashSet<i64> = special_group_record::Entity::find()
        .select_only()
        .column(special_group_record::Column::ResidentId)
        .filter(special_group_record::Column::ResidentId.is_in(rids))
        .filter(special_group_record::Column::Until.is_null())
        .into_tuple::<i64>()
        .all(c)
        .await?
        .into_iter()
        .collect();
    let open: Vec<(i64, i32, i32)> = rental_inspection::Entity::find()
        .select_only()
        .columns([
            rental_inspection::Column::HouseId,
            rental_inspection::Column::Hazards,
            rental_inspection::Column::MajorHazards,
        ])
        .filter(rental_inspection::Column::HouseId.is_in(hids.clone()))
        .filter(rental_inspection::Column::RectifiedAt.is_null())
        .filter(
            Condition::any()
                .add(rental_inspection::Column::Hazards.gt(0))
                .add(rental_inspection::Column::MajorHazards.gt(0)),
        )
        .into_tuple()
        .all(c)
        .await?;
    let last_days: Vec<NaiveDate> = houses
        .iter()
        .filter_map(|h| h.last_inspected_on)
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let mut sanitation: HashMap<i64, (NaiveDate, i64, String)> = HashMap::new();
    if !last_days.is_empty() {
        let rows: Vec<(i64, i64, NaiveDate, String)> = rental_inspection::Entity::find()
            .select_only()
            .columns([
                rental_inspection::Column::Id,
                rental_inspection::Column::HouseId,
                rental_inspection::Column::InspectedOn,
                rental_inspection::Column::Sanitation,
            ])
            .filter(rental_inspection::Column::HouseId.is_in(hids.clone()))
            .filter(rental_inspection::Column::InspectedOn.is_in(last_days))
            .into_tuple()
            .all(c)
            .await?;
        for (id, h, on, s) in rows {
            let e = sanitation.entry(h).or_insert((on, id, s.clone()));
            if (on, id) > (e.0, e.1) {
                *e = (on, id, s);
            }
        }
    }
    let bids: Vec<i64> = houses.iter().map(|h| h.building_id).collect();
    let codes: HashMap<i64, String> = building::Entity::find()
        .select_only()
        .columns([building::Column::Id, building::Column::Code])
        .filter(building::Column::Id.is_in(bids))
        .into_tuple::<(i64, String)>()
        .all(c)
        .await?
        .into_iter()
        .collect();
    let since = Utc::now() - Duration::days(i64::from(window_days));
    let cases: HashMap<String, i64> = case_record::Entity::find()
        .select_only()
        .column(case_record::Column::BuildingCode)
        .column_as(case_record::Column::Id.count(), "n")
        .filter(case_record::Column::BuildingCode.is_in(codes.values().cloned().collect::<Vec<_>>()))
        .filter(case_record::Column::ReportedAt.gte(since))
        .group_by(case_record::Column::BuildingCode)
        .into_tuple::<(Option<String>, i64)>()
        .all(c)
        .await?
        .into_iter()
        .filter_map(|(k, n)| k.map(|k| (k, n)))
        .collect();
    let mut out = HashMap::new();
    for h in houses {
        let mut unknown = Vec::new();
        let building = h
            .rental_building_condition
            .as_deref()
            .and_then(BuildingCondition::parse);
        if building.is_none() {
            unknown.push("building_condition".to_string());
        }
        let owner = h.rental_owner_compliance.as_deref().and_then(Compliance::parse);
        if owner.is_none() {
            unknown.push("owner_compliance".to_string());
        }
        let san = sanitation.get(&h.id).and_then(|(_, _, s)| Sanitation::parse(s));
        if san.is_none() {
            unknown.push("sanitation".to_string());
        }
        if h.area.is_none() {
            unknown.push("area".to_string());
        }
        let here: Vec<i64> = lived.iter().filter(|(hh, _)| *hh == h.id).map(|(_, r)| *r).collect();
        let (hazards, major) = open
            .iter()
            .filter(|(hh, _, _)| *hh == h.id)
            .fold((0u32, 0u32), |(a, b), (_, g, m)| (a + *g as u32, b + *m as u32));
        let recent = codes
            .get(&h.building_id)
            .and_then(|code| cases.get(code))
            .copied()
            .unwrap_or(0) as u32;
        let sg = here.iter().filter(|r| special.contains(r)).count() as u32;
        let core = CoreFacts {
            building: building.unwrap_or(BuildingCondition::Safe),
            owner_compliance: owner.unwrap_or(Compliance::Compliant),
            major_hazards: major,
            hazards,
            sanitation: san.unwrap_or(Sanitation::Good),
            occupants: here.len() as u32,
            area_m2: h.area,
            special_group_tenants: sg,
            recent_cases: recent,
        };
        let view = RentalFacts {
            building_condition: building.map(|b| b.as_str().into()),
            owner_compliance: owner.map(|o| o.as_str().into()),
            major_hazards: major,
            hazards,
            sanitation: san.map(|s| s.as_str().into()),
            occupants: here.len() as u32,
            area: h.area,
            special_group_tenants: sg,
            recent_cases: recent,
            case_window_days: window_days,
        };
        out.insert(h.id, (core, view, unknown));
    }
    Ok(out)
}

pub async fn get_rental_house(db: &Db, scope: &Scope, id: i64) -> DbResult<RentalHouseDetail> {
    let h = visible_rental(&db.conn, scope, id).await?;
    let rules = rental_rules(&db.conn).await?;
    let (core, facts, unknown) = facts_of(&db.conn, std::slice::from_ref(&h), rules.class_rules.case_window_days)
        .await?
        .remove(&h.id)
        .ok_or(DbError::NotFound)?;
    let proposal = ProposalView::new(rules.class_rules.propose(&core), unknown);
    let rows = residence::Entity::find()
        .filter(residence::Column::HouseId.eq(id))
        .filter(residence::Column::Until.is_null())
        .order_by_asc(residence::Column::Since)
        .all(&db.conn)
        .await?;
    let rids: Vec<i64> = rows.iter().map(|r| r.resident_id).collect();
    let people: HashMap<i64, (String, String)> = resident::Entity::find()
        .select_only()
        .columns([
            resident::Column::Id,
            resident::Column::Name,
            resident::Column::RegistrationType,
        ])
        .filter(resident::Column::Id.is_in(rids.clone()))
        .into_tuple::<(i64, String, String)>()
        .all(&db.conn)
        .await?
        .into_iter()
        .map(|(i, n, t)| (i, (n, t)))
        .collect();
    let special: HashSet<i64> = special_group_record::Entity::find()
        .select_only()
        .column(special_group_record::Column::ResidentId)
        .filter(special_group_record::Column::ResidentId.is_in(rids))
        .filter(special_group_record::Column::Until.is_null())
        .into_tuple::<i64>()
        .all(&db.conn)
        .await?
        .into_iter()
        .collect();
    let tenants: Vec<Tenant> = rows
        .into_iter()
        .map(|r| {
            let (name, t) = people.get(&r.resident_id).cloned().unwrap_or_default();
            Tenant {
                resident_id: r.resident_id,
                name: zongguan_core::mask::name(&name),
                registration_type: t,
                relation: r.relation,
                since: r.since,
                special_group: special.contains(&r.resident_id),
            }
        })
        .collect();
    let confirmed_by = match h.rental_class_confirmed_by {
        Some(u) => crate::entity::app_user::Entity::find_by_id(u)
            .one(&db.conn)
            .await?
            .map(|u| u.display_name),
        None => None,
    };
    let inspections = inspections_of(&db.conn, id, 20).await?;
    Ok(RentalHouseDetail {
        confirmed_by,
        confirmed_at: h.rental_class_confirmed_at,
        building_condition: h.rental_building_condition.clone(),
        owner_compliance: h.rental_owner_compliance.clone(),
        facts,
        proposal,
        no_tenant: tenants.is_empty(),
        permit_data: false,
        tenants,
        inspections,
        house: rental_views(&db.conn, vec![h]).await?.remove(0),
    })
}

/// A new residence may not begin in a red (禁止级) house: refused naming the reason.
pub fn refuse_if_not_to_let(h: &house::Model) -> DbResult<()> {
    check_may_let(h.rental_risk_class.as_deref().and_then(RiskClass::parse))
        .map_err(|e| DbError::invalid("house_id", e.to_string()))
}
