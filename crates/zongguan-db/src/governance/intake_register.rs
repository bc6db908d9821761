//! The intake register (受理事项总登记本): every matter the centers took in during a month —
//! accepted cases, disputes registered, petitions received and stability incidents learned of — in
//! the columns DOMAIN.md names, under the caller's scope, merged in entry order. Parties are shown
//! masked.
use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Select};
use serde::Serialize;
use utoipa::ToSchema;
use zongguan_core::case_flow::CaseState;
use zongguan_core::dict;
use zongguan_core::governance::Satisfaction;
use zongguan_core::governance::dispute_flow::DisputeState;
use zongguan_core::governance::petition_flow::PetitionState;
use zongguan_core::governance::screening::Period;
use zongguan_core::rbac::Scope;
use zongguan_core::time::{cst_date, cst_midnight};

use crate::entity::{
    case_category, case_event, case_item, case_record, department, dispute, dispute_party, petition, petition_party,
    resident, stability_incident as incident, stability_incident_party as incident_party,
};
use crate::listing::{COUNT_CAP, capped_count, in_order};
use crate::org::unit_names;
use crate::{Db, DbResult, Page, PageReq, scope};

const CASES: scope::Placed<case_record::Column> = scope::Placed {
    unit: case_record::Column::GridId,
    subdistrict: case_record::Column::SubdistrictId,
    community: case_record::Column::CommunityId,
    owner: Some(case_record::Column::CreatedBy),
};

const PETITIONS: scope::Placed<petition::Column> = scope::Placed {
    unit: petition::Column::OrgUnitId,
    subdistrict: petition::Column::SubdistrictId,
    community: petition::Column::CommunityId,
    owner: Some(petition::Column::CreatedBy),
};

#[derive(Debug, Clone)]
pub struct IntakeFilter {
    pub org_unit_id: Option<i64>,
    pub month: Period,
}

/// One line of the register.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct IntakeRow {
    /// `case`, `dispute`, `petition` or `incident`
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
        found.iter().flat_map(|r| [r.subdistrict_id, r.community_id, r.grid_id]),
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

/// A line's place in the register: when it was taken in, then the kind, then the id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Key {
    at: DateTime<Utc>,
    kind: Kind,
    id: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Kind {
    Case,
    Dispute,
    Petition,
    Incident,
}

/// Residents' names, masked, by id.
async fn masked_names<C: ConnectionTrait>(c: &C, ids: impl IntoIterator<Item = i64>) -> DbResult<HashMap<i64, String>> {
    Ok(resident::Entity::find()
        .select_only()
        .column(resident::Column::Id)
        .column(resident::Column::Name)
        .filter(resident::Column::Id.is_in(ids.into_iter().collect::<BTreeSet<_>>()))
        .into_tuple::<(i64, String)>()
        .all(c)
        .await?
        .into_iter()
        .map(|(id, n)| (id, zongguan_core::mask::name(&n)))
        .collect())
}

async fn case_keys(db: &Db, cond: &Condition, f: &IntakeFilter, limit: Option<u64>) -> DbResult<Vec<Key>> {
    let mut q = case_query(f, cond.clone())
        .select_only()
        .column(case_record::Column::ReportedAt)
        .column(case_record::Column::Id)
        .order_by_asc(case_record::Column::ReportedAt)
        .order_by_asc(case_record::Column::Id);
    if let Some(n) = limit {
        q = q.limit(n);
    }
    Ok(q.into_tuple::<(DateTime<Utc>, i64)>()
        .all(&db.conn)
        .await?
        .into_iter()
        .map(|(at, id)| Key {
            at,
            kind: Kind::Case,
            id,
        })
        .collect())
}

fn dispute_query(f: &IntakeFilter, cond: Condition) -> Select<dispute::Entity> {
    dispute::Entity::find()
        .filter(cond)
        .filter(dispute::Column::RegisteredAt.gte(cst_midnight(f.month.start())))
        .filter(dispute::Column::RegisteredAt.lt(cst_midnight(f.month.next().start())))
}

async fn dispute_keys(db: &Db, cond: &Condition, f: &IntakeFilter, limit: Option<u64>) -> DbResult<Vec<Key>> {
    let mut q = dispute_query(f, cond.clone())
        .select_only()
        .column(dispute::Column::RegisteredAt)
        .column(dispute::Column::Id)
        .order_by_asc(dispute::Column::RegisteredAt)
        .order_by_asc(dispute::Column::Id);
    if let Some(n) = limit {
        q = q.limit(n);
    }
    Ok(q.into_tuple::<(DateTime<Utc>, i64)>()
        .all(&db.conn)
        .await?
        .into_iter()
        .map(|(at, id)| Key {
            at,
            kind: Kind::Dispute,
            id,
        })
        .collect())
}

async fn dispute_rows<C: ConnectionTrait>(c: &C, ids: &[i64]) -> DbResult<Vec<IntakeRow>> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    let found = dispute::Entity::find()
        .filter(dispute::Column::Id.is_in(ids.to_vec()))
        .all(c)
        .await?;
    let parties = dispute_party::Entity::find()
        .filter(dispute_party::Column::DisputeId.is_in(ids.to_vec()))
        .order_by_asc(dispute_party::Column::Sort)
        .all(c)
        .await?;
    let names = masked_names(c, parties.iter().filter_map(|p| p.resident_id)).await?;
    let units = unit_names(
        c,
        found
            .iter()
            .flat_map(|d| [d.subdistrict_id, d.community_id, d.assigned_unit_id])
            .flatten(),
    )
    .await?;
    let name = |id: Option<i64>| id.and_then(|i| units.get(&i)).map_or("", String::as_str);
    Ok(found
        .into_iter()
        .map(|d| {
            let who: Vec<String> = parties
                .iter()
                .filter(|p| p.dispute_id == d.id)
                .filter_map(|p| match p.resident_id {
                    Some(r) => names.get(&r).cloned(),
                    None => Some(p.org_name.clone()).filter(|n| !n.is_empty()),
                })
                .collect();
            let state = DisputeState::parse(&d.state).map_or("", DisputeState::zh);
            let result = [d.result.as_str(), d.agreement_text.as_str()]
                .into_iter()
                .find(|s| !s.trim().is_empty())
                .map_or_else(|| state.to_string(), |r| format!("{state}：{r}"));
            IntakeRow {
                matter_kind: "dispute".into(),
                matter_id: d.id,
                number: d.number.clone(),
                accepted_at: d.registered_at,
                channel: dict::word_of(dict::DISPUTE_CHANNELS, &d.channel).into(),
                party_name: who.join("、"),
                party_phone: String::new(),
                people: Some(d.people_involved),
                category: format!("矛盾纠纷／{}", dict::word_of(dict::DISPUTE_TYPES, &d.dispute_type)),
                content: if d.demand.is_empty() {
                    d.summary.clone()
                } else {
                    format!("{}；诉求：{}", d.summary, d.demand)
                },
                place: format!("{}／{}／{}", name(d.subdistrict_id), name(d.community_id), d.address),
                proposal: String::new(),
                unit_assigned: name(d.assigned_unit_id).to_string(),
                assigned_on: d.assigned_at.map(cst_date),
                deadline: d.deadline.map(cst_date),
                result,
                feedback_on: d.ended_at.map(cst_date),
                satisfaction: d
                    .satisfaction
                    .as_deref()
                    .and_then(Satisfaction::parse)
                    .map(|s| s.zh().to_string())
                    .unwrap_or_default(),
                handler: d.handler_name.clone(),
                remarks: if d.major { "重大矛盾纠纷" } else { "" }.into(),
            }
        })
        .collect())
}

fn petition_query(f: &IntakeFilter, cond: Condition) -> Select<petition::Entity> {
    petition::Entity::find()
        .filter(cond)
        .filter(petition::Column::ReceivedOn.gte(f.month.start()))
        .filter(petition::Column::ReceivedOn.lte(f.month.end()))
}

async fn petition_keys(db: &Db, cond: &Condition, f: &IntakeFilter, limit: Option<u64>) -> DbResult<Vec<Key>> {
    let mut q = petition_query(f, cond.clone())
        .select_only()
        .column(petition::Column::ReceivedOn)
        .column(petition::Column::Id)
        .order_by_asc(petition::Column::ReceivedOn)
        .order_by_asc(petition::Column::Id);
    if let Some(n) = limit {
        q = q.limit(n);
    }
    Ok(q.into_tuple::<(NaiveDate, i64)>()
        .all(&db.conn)
        .await?
        .into_iter()
        .map(|(d, id)| Key {
            at: cst_midnight(d),
            kind: Kind::Petition,
            id,
        })
        .collect())
}

/// The register's conditions per source, from the caller's scope and the unit filter.
struct Sources {
    cases: Condition,
    disputes: Condition,
    petitions: Condition,
    incidents: Condition,
}

async fn sources(db: &Db, scope: &Scope, f: &IntakeFilter) -> DbResult<Sources> {
    Ok(Sources {
        cases: scope::placed_under(&db.conn, scope, f.org_unit_id, &CASES).await?,
        disputes: scope::placed_under(&db.conn, scope, f.org_unit_id, &super::disputes::PLACED).await?,
        petitions: scope::placed_under(&db.conn, scope, f.org_unit_id, &PETITIONS).await?,
        incidents: scope::placed_under(&db.conn, scope, f.org_unit_id, &super::incidents::PLACED).await?,
    })
}

/// The first `limit` keys of the merged register (all of them without a limit).
async fn keys(db: &Db, src: &Sources, f: &IntakeFilter, limit: Option<u64>) -> DbResult<Vec<Key>> {
    let mut all = case_keys(db, &src.cases, f, limit).await?;
    all.extend(dispute_keys(db, &src.disputes, f, limit).await?);
    all.extend(petition_keys(db, &src.petitions, f, limit).await?);
    all.extend(incident_keys(db, &src.incidents, f, limit).await?);
    all.sort_unstable();
    if let Some(n) = limit {
        all.truncate(usize::try_from(n).unwrap_or(usize::MAX));
    }
    Ok(all)
}

/// The lines of these keys, in their order.
async fn rows_of(db: &Db, keys: &[Key]) -> DbResult<Vec<IntakeRow>> {
    let ids = |k: Kind| keys.iter().filter(|x| x.kind == k).map(|x| x.id).collect::<Vec<_>>();
    let case_ids = ids(Kind::Case);
    let found = case_record::Entity::find()
        .filter(case_record::Column::Id.is_in(case_ids.clone()))
        .all(&db.conn)
        .await?;
    let mut by_key: HashMap<(Kind, i64), IntakeRow> = case_rows(&db.conn, in_order(&case_ids, found, |r| r.id))
        .await?
        .into_iter()
        .map(|r| ((Kind::Case, r.matter_id), r))
        .collect();
    by_key.extend(
        dispute_rows(&db.conn, &ids(Kind::Dispute))
            .await?
            .into_iter()
            .map(|r| ((Kind::Dispute, r.matter_id), r)),
    );
    by_key.extend(
        petition_rows(&db.conn, &ids(Kind::Petition))
            .await?
            .into_iter()
            .map(|r| ((Kind::Petition, r.matter_id), r)),
    );
    by_key.extend(
        incident_rows(&db.conn, &ids(Kind::Incident))
            .await?
            .into_iter()
            .map(|r| ((Kind::Incident, r.matter_id), r)),
    );
    Ok(keys.iter().filter_map(|k| by_key.remove(&(k.kind, k.id))).collect())
}

async fn petition_rows<C: ConnectionTrait>(c: &C, ids: &[i64]) -> DbResult<Vec<IntakeRow>> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    let found = petition::Entity::find()
        .filter(petition::Column::Id.is_in(ids.to_vec()))
        .all(c)
        .await?;
    let parties = petition_party::Entity::find()
        .filter(petition_party::Column::PetitionId.is_in(ids.to_vec()))
        .order_by_asc(petition_party::Column::Sort)
        .all(c)
        .await?;
    let names = masked_names(c, parties.iter().map(|p| p.resident_id)).await?;
    let units = unit_names(
        c,
        found
            .iter()
            .flat_map(|p| [p.subdistrict_id, p.community_id, Some(p.org_unit_id)])
            .flatten(),
    )
    .await?;
    let name = |id: Option<i64>| id.and_then(|i| units.get(&i)).map_or("", String::as_str);
    Ok(found
        .into_iter()
        .map(|p| {
            let who: Vec<String> = parties
                .iter()
                .filter(|x| x.petition_id == p.id)
                .filter_map(|x| names.get(&x.resident_id).cloned())
                .collect();
            let state = PetitionState::parse(&p.state).map_or("", PetitionState::zh);
            let result = if p.answer.is_empty() {
                state.to_string()
            } else {
                format!("{state}：{}", p.answer.lines().next().unwrap_or(""))
            };
            IntakeRow {
                matter_kind: "petition".into(),
                matter_id: p.id,
                number: p.number.clone(),
                accepted_at: cst_midnight(p.received_on),
                channel: format!("信访（{}）", dict::word_of(dict::PETITION_CHANNELS, &p.channel)),
                party_name: who.join("、"),
                party_phone: String::new(),
                people: Some(p.headcount),
                category: format!("信访／{}", dict::word_of(dict::PETITION_CATEGORIES, &p.category)),
                content: if p.demand.is_empty() {
                    p.matter.clone()
                } else {
                    format!("{}；诉求：{}", p.matter, p.demand)
                },
                place: format!("{}／{}／{}", name(p.subdistrict_id), name(p.community_id), p.place),
                proposal: String::new(),
                unit_assigned: units.get(&p.org_unit_id).cloned().unwrap_or_default(),
                assigned_on: p.assigned_on,
                deadline: p.handling_due_on,
                result,
                feedback_on: p.answered_on,
                satisfaction: p
                    .satisfaction
                    .as_deref()
                    .and_then(Satisfaction::parse)
                    .map(|s| s.zh().to_string())
                    .unwrap_or_default(),
                handler: p.handler_name.clone(),
                remarks: if p.first_visit { "初信初访" } else { "重复信访" }.into(),
            }
        })
        .collect())
}

fn incident_query(f: &IntakeFilter, cond: Condition) -> Select<incident::Entity> {
    incident::Entity::find()
        .filter(cond)
        .filter(incident::Column::LearnedAt.gte(cst_midnight(f.month.start())))
        .filter(incident::Column::LearnedAt.lt(cst_midnight(f.month.next().start())))
}

async fn incident_keys(db: &Db, cond: &Condition, f: &IntakeFilter, limit: Option<u64>) -> DbResult<Vec<Key>> {
    let mut q = incident_query(f, cond.clone())
        .select_only()
        .column(incident::Column::LearnedAt)
        .column(incident::Column::Id)
        .order_by_asc(incident::Column::LearnedAt)
        .order_by_asc(incident::Column::Id);
    if let Some(n) = limit {
        q = q.limit(n);
    }
    Ok(q.into_tuple::<(DateTime<Utc>, i64)>()
        .all(&db.conn)
        .await?
        .into_iter()
        .map(|(at, id)| Key {
            at,
            kind: Kind::Incident,
            id,
        })
        .collect())
}

/// An incident's register number: the year it was learned of and its id (incidents carry no
/// serial of their own).
fn incident_number(m: &incident::Model) -> String {
    use chrono::Datelike;
    format!("WW{}{:06}", cst_date(m.learned_at).year(), m.id)
}

async fn incident_rows<C: ConnectionTrait>(c: &C, ids: &[i64]) -> DbResult<Vec<IntakeRow>> {
    use zongguan_core::governance::stability::{INCIDENT_KINDS, IncidentLevel};
    if ids.is_empty() {
        return Ok(vec![]);
    }
    let found = incident::Entity::find()
        .filter(incident::Column::Id.is_in(ids.to_vec()))
        .all(c)
        .await?;
    let parties = incident_party::Entity::find()
        .filter(incident_party::Column::IncidentId.is_in(ids.to_vec()))
        .order_by_asc(incident_party::Column::Sort)
        .all(c)
        .await?;
    let names = masked_names(c, parties.iter().map(|p| p.resident_id)).await?;
    let units = unit_names(
        c,
        found
            .iter()
            .flat_map(|m| [m.subdistrict_id, m.community_id, Some(m.org_unit_id)])
            .flatten(),
    )
    .await?;
    let name = |id: Option<i64>| id.and_then(|i| units.get(&i)).map_or("", String::as_str);
    Ok(found
        .into_iter()
        .map(|m| {
            let who: Vec<String> = parties
                .iter()
                .filter(|x| x.incident_id == m.id)
                .filter_map(|x| names.get(&x.resident_id).cloned())
                .collect();
            let state = match m.state.as_str() {
                "reporting" => "逐级上报中",
                "reported" => "已报区级",
                "closed" => "已办结",
                _ => "",
            };
            let result = if m.closing_note.is_empty() {
                state.to_string()
            } else {
                format!("{state}：{}", m.closing_note)
            };
            let level = IncidentLevel::parse(&m.level).map_or("", IncidentLevel::zh);
            IntakeRow {
                matter_kind: "incident".into(),
                matter_id: m.id,
                number: incident_number(&m),
                accepted_at: m.learned_at,
                channel: "排查上报".into(),
                party_name: who.join("、"),
                party_phone: String::new(),
                people: Some(m.headcount),
                category: format!("维稳事件／{}", dict::word_of(INCIDENT_KINDS, &m.kind)),
                content: if m.description.is_empty() {
                    m.title.clone()
                } else {
                    format!("{}：{}", m.title, m.description)
                },
                place: format!("{}／{}／{}", name(m.subdistrict_id), name(m.community_id), m.address),
                proposal: String::new(),
                unit_assigned: name(Some(m.org_unit_id)).to_string(),
                assigned_on: None,
                deadline: m.report_due_at.map(cst_date),
                result,
                feedback_on: m.closed_at.map(cst_date),
                satisfaction: String::new(),
                handler: String::new(),
                remarks: format!("{level}{}", if m.district_told { "，已报区" } else { "" }),
            }
        })
        .collect())
}

/// A page of the register, in entry order (the month's lines of every source, merged).
pub async fn intake_register(db: &Db, scope: &Scope, f: &IntakeFilter, p: PageReq) -> DbResult<Page<IntakeRow>> {
    let src = sources(db, scope, f).await?;
    let (cases, cases_exact) = capped_count(&db.conn, case_query(f, src.cases.clone()), COUNT_CAP).await?;
    let (disputes, disputes_exact) = capped_count(&db.conn, dispute_query(f, src.disputes.clone()), COUNT_CAP).await?;
    let (petitions, petitions_exact) =
        capped_count(&db.conn, petition_query(f, src.petitions.clone()), COUNT_CAP).await?;
    let (incidents, incidents_exact) =
        capped_count(&db.conn, incident_query(f, src.incidents.clone()), COUNT_CAP).await?;
    let offset = (p.page.max(1) - 1) * p.page_size;
    let first = keys(db, &src, f, Some(offset + p.page_size)).await?;
    let page: Vec<Key> = first
        .into_iter()
        .skip(usize::try_from(offset).unwrap_or(usize::MAX))
        .collect();
    Ok(Page {
        items: rows_of(db, &page).await?,
        total: cases + disputes + petitions + incidents,
        total_exact: cases_exact && disputes_exact && petitions_exact && incidents_exact,
        next: None,
        prev: None,
    })
}

/// Every line of the month in entry order, a batch at a time (the export).
pub async fn each_intake_row(
    db: &Db,
    scope: &Scope,
    f: &IntakeFilter,
    mut each: impl FnMut(&IntakeRow) -> DbResult<()>,
) -> DbResult<u64> {
    const BATCH: usize = 2000;
    let src = sources(db, scope, f).await?;
    let all = keys(db, &src, f, None).await?;
    let mut n = 0;
    for chunk in all.chunks(BATCH) {
        for r in rows_of(db, chunk).await? {
            each(&r)?;
            n += 1;
        }
    }
    Ok(n)
}
