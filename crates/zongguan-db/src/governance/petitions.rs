//! Petitions (信访): registering one with its petitioners from the registry (a repeat petitioner
//! recognised by ID number, the same matter refused after its re-review), the list on the list
//! path with each clock's standing, and one petition with its timeline and earlier petitions.
use std::collections::HashMap;

use chrono::{NaiveDate, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde::Serialize;
use utoipa::ToSchema;
use zongguan_core::governance::due::{DueStatus, add_days};
use zongguan_core::governance::petition_clock::{PetitionLimits, Term};
use zongguan_core::governance::petition_figures::COLLECTIVE_HEADCOUNT;
use zongguan_core::governance::petition_flow::{
    self, PetitionFacts, PetitionRole, PetitionState, RECEIVED, Refusal, resolved_at_first_contact,
};
use zongguan_core::rbac::Scope;

use super::petition_limits::petition_limits;
use crate::audit::{self, Event};
use crate::entity::{org_unit, petition, petition_event, petition_party, petition_serial, resident};
use crate::registry::RESIDENT_PLACED;
use crate::{Actor, Db, DbError, DbResult, Page, PageReq, scope};

pub(super) fn today() -> NaiveDate {
    zongguan_core::time::cst_date(Utc::now())
}

/// The petition columns that place it in the org tree: the unit responsible.
pub(super) const PLACED: scope::Placed<petition::Column> = scope::Placed {
    unit: petition::Column::OrgUnitId,
    subdistrict: petition::Column::SubdistrictId,
    community: petition::Column::CommunityId,
    owner: Some(petition::Column::CreatedBy),
};

/// The terms that are a unit's duty (the other two are the petitioner's windows).
pub(super) const DUTIES: [Term; 4] = [
    Term::Acceptance,
    Term::Handling,
    Term::ReviewAnswer,
    Term::ReReviewAnswer,
];

/// A petitioner as lists show them: masked.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Petitioner {
    pub resident_id: i64,
    /// `张*三`.
    pub name: String,
    /// `440307********123X`.
    pub id_number: String,
}

/// One petition in a list.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Petition {
    pub id: i64,
    /// `XF2026-000123`.
    pub number: String,
    /// `letter` | `visit` | `phone` | `online` | `hotline_12345` | `higher_assignment`.
    pub channel: String,
    pub received_on: NaiveDate,
    /// A code of the `petition_categories` table.
    pub category: String,
    pub matter: String,
    pub place: String,
    pub headcount: i32,
    /// Five or more people.
    pub collective: bool,
    pub org_unit_id: i64,
    pub org_unit_name: String,
    pub petitioners: Vec<Petitioner>,
    /// No earlier petition by any of the petitioners (by ID number).
    pub first_visit: bool,
    pub repeat_of_id: Option<i64>,
    /// `received` | `accepted` | `not_accepted` | `handling` | `answered` | `review_requested` |
    /// `reviewed` | `re_review_requested` | `re_reviewed` | `closed`.
    pub state: String,
    /// The running term: `acceptance` | `handling` | `review_request` | `review_answer` |
    /// `re_review_request` | `re_review_answer`; none when no clock runs.
    pub term: Option<String>,
    /// The running term's last day.
    pub due_on: Option<NaiveDate>,
    /// Days from today to that day; negative when past.
    pub days_left: Option<i64>,
    /// For a unit's duty: `not_due` | `due` | `overdue`; none for the petitioner's windows.
    pub due_status: Option<String>,
    pub accepted_on: Option<NaiveDate>,
    pub handling_due_on: Option<NaiveDate>,
    pub extensions: i32,
    pub answered_on: Option<NaiveDate>,
    /// Answered on or before the handling term's last day.
    pub answered_on_time: Option<bool>,
    pub satisfaction: Option<String>,
    /// 初信初访一次性化解: a first visit answered with no review asked and no repeat.
    pub resolved_at_first_contact: bool,
}

/// A step on the timeline.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PetitionEvent {
    pub id: i64,
    /// `register` or a `PetitionAction` name (`accept`, `assign`, `extend`, `answer`, …).
    pub action: String,
    pub on: NaiveDate,
    pub actor_name: String,
    pub detail: String,
    pub created_at: chrono::DateTime<Utc>,
}

/// An earlier petition of the same petitioners.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EarlierPetition {
    pub id: i64,
    pub number: String,
    pub received_on: NaiveDate,
    pub category: String,
    pub place: String,
    pub state: String,
    pub re_reviewed_on: Option<NaiveDate>,
}

/// One petition with every column the intake register reads, its timeline and history.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PetitionDetail {
    pub petition: Petition,
    pub demand: String,
    pub acceptance_due_on: NaiveDate,
    pub assigned_on: Option<NaiveDate>,
    pub rejected_on: Option<NaiveDate>,
    pub reject_reason: String,
    pub extension_days: i32,
    pub extension_reason: String,
    pub extension_approved_by: Option<String>,
    pub answer: String,
    pub handler_name: String,
    pub review_requested_on: Option<NaiveDate>,
    pub reviewed_on: Option<NaiveDate>,
    pub review_answer: String,
    pub re_review_requested_on: Option<NaiveDate>,
    pub re_reviewed_on: Option<NaiveDate>,
    pub re_review_answer: String,
    pub return_visit_on: Option<NaiveDate>,
    pub feedback: String,
    pub closed_on: Option<NaiveDate>,
    /// Oldest first.
    pub events: Vec<PetitionEvent>,
    /// Earlier petitions of the same petitioners (by ID number) within the caller's scope, newest first.
    pub earlier: Vec<EarlierPetition>,
    /// The steps the state allows now (`accept`, `reject`, `extend`, `answer`, `review`,
    /// `review-answer`, `re-review`, `re-review-answer`, `return-visit`, `close`).
    pub steps: Vec<String>,
}

pub(super) fn state_of(p: &petition::Model) -> PetitionState {
    PetitionState::parse(&p.state).unwrap_or(PetitionState::Received)
}

pub(super) fn term_of(p: &petition::Model) -> Option<Term> {
    p.term.as_deref().and_then(Term::parse)
}

pub(super) fn resolved(p: &petition::Model) -> bool {
    resolved_at_first_contact(p.first_visit, state_of(p), p.review_requested_on.is_some(), p.repeated)
}

/// The facts the flow decides on, today.
pub(super) fn facts(p: &petition::Model, today: NaiveDate) -> PetitionFacts {
    let term = term_of(p);
    let past = p.due_on.is_some_and(|d| today > d);
    PetitionFacts {
        state: state_of(p),
        overdue: past && term.is_some_and(|t| !t.is_window()),
        window_open: !past && term.is_some_and(Term::is_window),
        re_reviewed_on: None,
    }
}

async fn views<C: ConnectionTrait>(
    c: &C,
    rows: Vec<petition::Model>,
    limits: &PetitionLimits,
) -> DbResult<Vec<Petition>> {
    let uids: Vec<i64> = rows.iter().map(|r| r.org_unit_id).collect();
    let units: HashMap<i64, String> = org_unit::Entity::find()
        .select_only()
        .columns([org_unit::Column::Id, org_unit::Column::Name])
        .filter(org_unit::Column::Id.is_in(uids))
        .into_tuple::<(i64, String)>()
        .all(c)
        .await?
        .into_iter()
        .collect();
    let pids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let parties = petition_party::Entity::find()
        .filter(petition_party::Column::PetitionId.is_in(pids))
        .order_by_asc(petition_party::Column::Sort)
        .all(c)
        .await?;
    let rids: Vec<i64> = parties.iter().map(|p| p.resident_id).collect();
    let people: HashMap<i64, (String, String)> = resident::Entity::find()
        .select_only()
        .columns([
            resident::Column::Id,
            resident::Column::Name,
            resident::Column::IdNumberMasked,
        ])
        .filter(resident::Column::Id.is_in(rids))
        .into_tuple::<(i64, String, String)>()
        .all(c)
        .await?
        .into_iter()
        .map(|(i, n, m)| (i, (n, m)))
        .collect();
    let today = today();
    Ok(rows
        .into_iter()
        .map(|r| {
            let term = term_of(&r);
            let petitioners = parties
                .iter()
                .filter(|p| p.petition_id == r.id)
                .map(|p| {
                    let (n, m) = people.get(&p.resident_id).cloned().unwrap_or_default();
                    Petitioner {
                        resident_id: p.resident_id,
                        name: zongguan_core::mask::name(&n),
                        id_number: m,
                    }
                })
                .collect();
            Petition {
                org_unit_name: units.get(&r.org_unit_id).cloned().unwrap_or_default(),
                collective: r.headcount >= COLLECTIVE_HEADCOUNT,
                days_left: r.due_on.map(|d| (d - today).num_days()),
                due_status: match (term, r.due_on) {
                    (Some(t), Some(d)) if !t.is_window() => Some(limits.status(d, today).as_str().into()),
                    _ => None,
                },
                resolved_at_first_contact: resolved(&r),
                petitioners,
                id: r.id,
                number: r.number,
                channel: r.channel,
                received_on: r.received_on,
                category: r.category,
                matter: r.matter,
                place: r.place,
                headcount: r.headcount,
                org_unit_id: r.org_unit_id,
                first_visit: r.first_visit,
                repeat_of_id: r.repeat_of_id,
                state: r.state,
                term: r.term,
                due_on: r.due_on,
                accepted_on: r.accepted_on,
                handling_due_on: r.handling_due_on,
                extensions: r.extensions,
                answered_on: r.answered_on,
                answered_on_time: r.answered_on_time,
                satisfaction: r.satisfaction,
            }
        })
        .collect())
}

#[derive(Debug, Default, Clone)]
pub struct PetitionFilter {
    pub org_unit_id: Option<i64>,
    pub state: Option<PetitionState>,
    /// On the running duty (acceptance, handling, review, re-review).
    pub due_status: Option<DueStatus>,
    pub channel: Option<String>,
    pub category: Option<String>,
    /// Petitions of this resident, or of anyone with the same ID number.
    pub resident_id: Option<i64>,
    pub first_visit: Option<bool>,
    pub collective: Option<bool>,
    /// Part of the number or of the matter.
    pub q: Option<String>,
}

/// Petitions under the scope and the org filter, newest first: one key from `placed_under`, ids
/// from the index, the total counted to the cap.
pub async fn list_petitions(db: &Db, scope: &Scope, f: &PetitionFilter, p: PageReq) -> DbResult<Page<Petition>> {
    let limits = petition_limits(&db.conn).await?;
    let mut q = petition::Entity::find().filter(scope::placed_under(&db.conn, scope, f.org_unit_id, &PLACED).await?);
    if let Some(s) = f.state {
        q = q.filter(petition::Column::State.eq(s.as_str()));
    }
    if let Some(s) = f.due_status {
        let today = today();
        let soon = add_days(today, limits.warning_days);
        q = q.filter(petition::Column::Term.is_in(DUTIES.map(Term::as_str)));
        q = q.filter(match s {
            DueStatus::Overdue => Condition::all().add(petition::Column::DueOn.lt(today)),
            DueStatus::Due => Condition::all()
                .add(petition::Column::DueOn.gte(today))
                .add(petition::Column::DueOn.lte(soon)),
            DueStatus::NotDue => Condition::all().add(petition::Column::DueOn.gt(soon)),
        });
    }
    if let Some(c) = f.channel.as_deref() {
        q = q.filter(petition::Column::Channel.eq(c));
    }
    if let Some(c) = f.category.as_deref() {
        q = q.filter(petition::Column::Category.eq(c));
    }
    if let Some(v) = f.first_visit {
        q = q.filter(petition::Column::FirstVisit.eq(v));
    }
    if let Some(v) = f.collective {
        q = q.filter(if v {
            petition::Column::Headcount.gte(COLLECTIVE_HEADCOUNT)
        } else {
            petition::Column::Headcount.lt(COLLECTIVE_HEADCOUNT)
        });
    }
    if let Some(rid) = f.resident_id {
        let hash = resident::Entity::find_by_id(rid)
            .select_only()
            .column(resident::Column::IdNumberHash)
            .into_tuple::<Vec<u8>>()
            .one(&db.conn)
            .await?
            .ok_or_else(|| DbError::invalid("resident_id", "实有人口中没有此人"))?;
        q = q.filter(
            petition::Column::Id.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(petition_party::Column::PetitionId)
                    .from(petition_party::Entity)
                    .and_where(petition_party::Column::IdNumberHash.eq(hash))
                    .to_owned(),
            ),
        );
    }
    if let Some(t) = f.q.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        q = q.filter(
            Condition::any()
                .add(crate::like::contains(petition::Column::Number, t))
                .add(crate::like::contains(petition::Column::Matter, t)),
        );
    }
    let sort = crate::listing::SortKey {
        key: None,
        id: petition::Column::Id,
        desc: true,
    };
    let mut page = crate::listing::page_rows(&db.conn, q, &sort, &p, |r| r.id).await?;
    let rows = std::mem::take(&mut page.items);
    Ok(page.with_items(views(&db.conn, rows, &limits).await?))
}

/// A petition the scope reaches; anything else is not found.
pub(super) async fn visible_petition<C: ConnectionTrait>(c: &C, scope: &Scope, id: i64) -> DbResult<petition::Model> {
    petition::Entity::find_by_id(id)
        .filter(scope::placed(c, scope, &PLACED).await?)
        .one(c)
        .await?
        .ok_or(DbError::NotFound)
}

/// The path names of the steps, in the order the drawer shows them.
pub(super) fn step_names(facts: &PetitionFacts) -> Vec<String> {
    use zongguan_core::governance::petition_flow::PetitionAction as A;
    let roles = [PetitionRole::Center, PetitionRole::Handler, PetitionRole::Reviewer];
    [
        (A::Accept, "accept"),
        (A::Reject, "reject"),
        (A::Extend, "extend"),
        (A::Answer, "answer"),
        (A::RequestReview, "review"),
        (A::AnswerReview, "review-answer"),
        (A::RequestReReview, "re-review"),
        (A::AnswerReReview, "re-review-answer"),
        (A::ReturnVisit, "return-visit"),
        (A::Close, "close"),
    ]
    .into_iter()
    .filter(|(a, _)| petition_flow::decide(facts, *a, &roles).is_ok())
    .map(|(_, n)| n.to_string())
    .collect()
}

async fn earlier_of<C: ConnectionTrait>(
    c: &C,
    scope: Option<&Scope>,
    hashes: Vec<Vec<u8>>,
    except: Option<i64>,
) -> DbResult<Vec<petition::Model>> {
    let ids = petition_party::Entity::find()
        .select_only()
        .column(petition_party::Column::PetitionId)
        .filter(petition_party::Column::IdNumberHash.is_in(hashes))
        .distinct()
        .into_tuple::<i64>()
        .all(c)
        .await?;
    let mut q = petition::Entity::find().filter(petition::Column::Id.is_in(ids));
    if let Some(x) = except {
        q = q.filter(petition::Column::Id.ne(x));
    }
    if let Some(s) = scope {
        q = q.filter(scope::placed(c, s, &PLACED).await?);
    }
    Ok(q.order_by_desc(petition::Column::ReceivedOn)
        .order_by_desc(petition::Column::Id)
        .limit(50)
        .all(c)
        .await?)
}

pub async fn get_petition(db: &Db, scope: &Scope, id: i64) -> DbResult<PetitionDetail> {
    detail(&db.conn, scope, visible_petition(&db.conn, scope, id).await?).await
}

pub(super) async fn detail<C: ConnectionTrait>(c: &C, scope: &Scope, p: petition::Model) -> DbResult<PetitionDetail> {
    let limits = petition_limits(c).await?;
    let hashes = petition_party::Entity::find()
        .select_only()
        .column(petition_party::Column::IdNumberHash)
        .filter(petition_party::Column::PetitionId.eq(p.id))
        .into_tuple::<Vec<u8>>()
        .all(c)
        .await?;
    let earlier = earlier_of(c, Some(scope), hashes, Some(p.id))
        .await?
        .into_iter()
        .filter(|e| (e.received_on, e.id) < (p.received_on, p.id))
        .map(|e| EarlierPetition {
            id: e.id,
            number: e.number,
            received_on: e.received_on,
            category: e.category,
            place: e.place,
            state: e.state,
            re_reviewed_on: e.re_reviewed_on,
        })
        .collect();
    let events = petition_event::Entity::find()
        .filter(petition_event::Column::PetitionId.eq(p.id))
        .order_by_asc(petition_event::Column::Id)
        .all(c)
        .await?
        .into_iter()
        .map(|e| PetitionEvent {
            id: e.id,
            action: e.action,
            on: e.on_day,
            actor_name: e.actor_name,
            detail: e.detail,
            created_at: e.created_at,
        })
        .collect();
    let approver = match p.extension_approved_by {
        Some(u) => crate::entity::app_user::Entity::find_by_id(u)
            .one(c)
            .await?
            .map(|u| u.display_name),
        None => None,
    };
    let steps = step_names(&facts(&p, today()));
    Ok(PetitionDetail {
        demand: p.demand.clone(),
        acceptance_due_on: p.acceptance_due_on,
        assigned_on: p.assigned_on,
        rejected_on: p.rejected_on,
        reject_reason: p.reject_reason.clone(),
        extension_days: p.extension_days,
        extension_reason: p.extension_reason.clone(),
        extension_approved_by: approver,
        answer: p.answer.clone(),
        handler_name: p.handler_name.clone(),
        review_requested_on: p.review_requested_on,
        reviewed_on: p.reviewed_on,
        review_answer: p.review_answer.clone(),
        re_review_requested_on: p.re_review_requested_on,
        re_reviewed_on: p.re_reviewed_on,
        re_review_answer: p.re_review_answer.clone(),
        return_visit_on: p.return_visit_on,
        feedback: p.feedback.clone(),
        closed_on: p.closed_on,
        events,
        earlier,
        steps,
        petition: views(c, vec![p], &limits).await?.remove(0),
    })
}

/// A petition as the edge checked it (codes known, text trimmed and bounded).
#[derive(Debug, Clone)]
pub struct PetitionInput {
    pub channel: String,
    pub received_on: NaiveDate,
    /// Residents of the registry, the first one leading.
    pub resident_ids: Vec<i64>,
    /// None: the petitioners named.
    pub headcount: Option<i32>,
    pub category: String,
    pub matter: String,
    pub demand: String,
    pub place: String,
    /// The unit responsible.
    pub org_unit_id: i64,
    /// The earlier petition this one repeats, as staff picked it.
    pub repeat_of_id: Option<i64>,
}

/// The next number of the year, taken in the caller's transaction (rolled back with it).
async fn next_number<C: ConnectionTrait>(c: &C, year: i32) -> DbResult<String> {
    petition_serial::Entity::insert(petition_serial::ActiveModel {
        year: Set(year),
        last: Set(0),
    })
    .on_conflict(
        OnConflict::column(petition_serial::Column::Year)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(c)
    .await?;
    // The update takes the row's lock, so two writers never read the same number.
    petition_serial::Entity::update_many()
        .col_expr(
            petition_serial::Column::Last,
            Expr::col(petition_serial::Column::Last).add(1),
        )
        .filter(petition_serial::Column::Year.eq(year))
        .exec(c)
        .await?;
    let n = petition_serial::Entity::find_by_id(year)
        .one(c)
        .await?
        .map_or(1, |r| r.last);
    Ok(format!("XF{year}-{n:06}"))
}

/// The unit responsible: one the caller's scope reaches.
pub(super) async fn unit_in_scope<C: ConnectionTrait>(c: &C, scope: &Scope, id: i64) -> DbResult<org_unit::Model> {
    let u = org_unit::Entity::find_by_id(id)
        .one(c)
        .await?
        .ok_or_else(|| DbError::invalid("org_unit_id", "机构不存在"))?;
    if !scope.sees_unit(u.id, &u.path) {
        return Err(DbError::invalid("org_unit_id", "责任单位不在本人数据范围内"));
    }
    Ok(u)
}

pub(super) async fn event<C: ConnectionTrait>(
    c: &C,
    actor: &Actor,
    petition_id: i64,
    action: &str,
    on: NaiveDate,
    detail: String,
) -> DbResult<()> {
    petition_event::ActiveModel {
        petition_id: Set(petition_id),
        action: Set(action.into()),
        on_day: Set(on),
        actor_id: Set(actor.user_id),
        actor_name: Set(actor.name.clone()),
        detail: Set(detail),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(c)
    .await?;
    Ok(())
}

/// Registers a petition. The petitioners are residents found in the registry; an earlier petition
/// of any of them (by ID number) makes this a repeat visit. The same matter — the earlier petition
/// staff picked, or else one of the same petitioner with the same category and place — is refused
/// once it was re-reviewed.
pub async fn create_petition(db: &Db, actor: &Actor, i: PetitionInput) -> DbResult<PetitionDetail> {
    let today = today();
    if i.received_on > today {
        return Err(DbError::invalid("received_on", "收到日期不能晚于今天"));
    }
    let cal = crate::cases::work_calendar(db).await?;
    let limits = petition_limits(&db.conn).await?;
    let txn = db.begin_write().await?;
    let mut rids: Vec<i64> = Vec::with_capacity(i.resident_ids.len());
    for r in &i.resident_ids {
        if !rids.contains(r) {
            rids.push(*r);
        }
    }
    let people = resident::Entity::find()
        .filter(resident::Column::Id.is_in(rids.clone()))
        .filter(scope::placed(&*txn, &actor.scope, &RESIDENT_PLACED).await?)
        .all(&*txn)
        .await?;
    if rids.is_empty() || people.len() != rids.len() {
        return Err(DbError::invalid(
            "resident_ids",
            "信访人须从实有人口中选择（按身份证号或姓名查找）",
        ));
    }
    let n = rids.len() as i32;
    let headcount = i.headcount.unwrap_or(n);
    if headcount < n {
        return Err(DbError::invalid(
            "headcount",
            format!("人数不能少于登记的信访人（{n} 人）"),
        ));
    }
    let unit = unit_in_scope(&*txn, &actor.scope, i.org_unit_id).await?;
    let hashes: Vec<Vec<u8>> = people.iter().map(|p| p.id_number_hash.clone()).collect();
    let earlier: Vec<petition::Model> = earlier_of(&*txn, None, hashes, None)
        .await?
        .into_iter()
        .filter(|e| e.received_on <= i.received_on)
        .collect();
    let same_matter = match i.repeat_of_id {
        Some(rid) => Some(
            earlier
                .iter()
                .find(|e| e.id == rid)
                .ok_or_else(|| DbError::invalid("repeat_of_id", "所选原信访事项不是这些信访人此前提出的"))?,
        ),
        None => earlier.iter().find(|e| {
            e.category == i.category && !i.place.is_empty() && e.place == i.place && e.state != "not_accepted"
        }),
    };
    if let Some(e) = same_matter
        && let Some(on) = e.re_reviewed_on
    {
        return Err(DbError::Conflict(format!(
            "{}（原信访事项 {}）",
            Refusal::ReReviewed { on },
            e.number
        )));
    }
    let number = next_number(&*txn, chrono::Datelike::year(&i.received_on)).await?;
    let due = limits.due(&cal, Term::Acceptance, i.received_on);
    let now = Utc::now();
    let m = petition::ActiveModel {
        number: Set(number.clone()),
        channel: Set(i.channel.clone()),
        received_on: Set(i.received_on),
        category: Set(i.category.clone()),
        matter: Set(i.matter.clone()),
        demand: Set(i.demand.clone()),
        place: Set(i.place.clone()),
        headcount: Set(headcount),
        org_unit_id: Set(unit.id),
        subdistrict_id: Set(unit.subdistrict_id),
        community_id: Set(unit.community_id),
        first_visit: Set(earlier.is_empty()),
        repeat_of_id: Set(same_matter.map(|e| e.id)),
        repeated: Set(false),
        state: Set(RECEIVED.state.as_str().into()),
        term: Set(Some(Term::Acceptance.as_str().into())),
        due_on: Set(Some(due)),
        acceptance_due_on: Set(due),
        created_by: Set(actor.user_id),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&*txn)
    .await?;
    if let Some(e) = same_matter {
        petition::Entity::update_many()
            .col_expr(petition::Column::Repeated, Expr::value(true))
            .filter(petition::Column::Id.eq(e.id))
            .exec(&*txn)
            .await?;
    }
    for (k, p) in people.iter().enumerate() {
        let sort = rids.iter().position(|r| *r == p.id).unwrap_or(k) as i32;
        petition_party::ActiveModel {
            petition_id: Set(m.id),
            resident_id: Set(p.id),
            id_number_hash: Set(p.id_number_hash.clone()),
            sort: Set(sort),
            ..Default::default()
        }
        .insert(&*txn)
        .await?;
    }
    let mut what = format!("{number} 受理告知期限 {due}");
    if !earlier.is_empty() {
        what.push_str(&format!("；重复信访（此前 {} 件）", earlier.len()));
    }
    event(&*txn, actor, m.id, "register", i.received_on, what.clone()).await?;
    audit::append(
        &*txn,
        db.backend,
        actor,
        Event::ok("create", "petition", m.id).detail(what),
    )
    .await?;
    txn.commit().await?;
    detail(&db.conn, &actor.scope, m).await
}
