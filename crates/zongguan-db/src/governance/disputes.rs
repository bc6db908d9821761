//! Disputes (矛盾纠纷): registered with their parties from the registry, placed by point or unit,
//! then assigned, mediated, ended and closed on the core's state machine; every step a timeline
//! row and an audit row in the same transaction.
use std::collections::HashMap;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde::Serialize;
use utoipa::ToSchema;
use zongguan_core::dict;
use zongguan_core::governance::Satisfaction;
use zongguan_core::governance::dispute_flow::{
    self as flow, Agreement, Clock, DisputeAction, DisputeFacts, DisputeRole, DisputeState, OPEN_STATES, Referral,
    Refusal,
};
use zongguan_core::governance::dispute_kind::{dispute_number, size_band};
use zongguan_core::permission::Permission;
use zongguan_core::rbac::Scope;

use super::dispute_settings::dispute_settings;
use crate::audit::{self, Event};
use crate::entity::{app_user, dispute, dispute_event, dispute_party, dispute_screening, org_unit, resident};
use crate::org::unit_names;
use crate::registry::RESIDENT_PLACED;
use crate::{Actor, Db, DbError, DbResult, Page, PageReq, scope};

pub(crate) const PLACED: scope::Placed<dispute::Column> = scope::Placed {
    unit: dispute::Column::OrgUnitId,
    subdistrict: dispute::Column::SubdistrictId,
    community: dispute::Column::CommunityId,
    owner: Some(dispute::Column::CreatedBy),
};

fn now() -> DateTime<Utc> {
    crate::cases::now()
}

/// A party as the edge checked it: a resident by id (found in the registry by identity number or
/// name), or an organisation by name and credit code.
#[derive(Debug, Clone)]
pub enum PartyInput {
    Resident {
        role: &'static str,
        resident_id: i64,
    },
    Organisation {
        role: &'static str,
        name: String,
        credit_code: String,
    },
}

/// A dispute as the edge checked it (codes from the dicts, text trimmed and bounded).
#[derive(Debug, Clone)]
pub struct NewDispute {
    pub source: &'static str,
    pub channel: &'static str,
    pub dispute_type: &'static str,
    pub people_involved: u32,
    pub major: bool,
    pub risk_level: &'static str,
    pub summary: String,
    pub demand: String,
    pub address: String,
    /// WGS 84 lon/lat: placed in the grid that holds it.
    pub point: Option<(f64, f64)>,
    /// The unit picked when there is no point (or the point lies in no grid).
    pub org_unit_id: Option<i64>,
    pub screening_id: Option<i64>,
    pub parties: Vec<PartyInput>,
}

/// One dispute in a list.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Dispute {
    pub id: i64,
    /// `JF2026-000123`.
    pub number: String,
    pub registered_at: DateTime<Utc>,
    /// `screening` | `walk_in` | `transfer` | `case`.
    pub source: String,
    /// `visit` | `phone` | `hotline` | `website` | `wechat` | `department` | `grid_worker`.
    pub channel: String,
    /// A `dispute_types` dict code.
    pub dispute_type: String,
    pub people_involved: i32,
    /// `lt50` | `50_100` | `100_500` | `gt500`.
    pub size_band: String,
    pub major: bool,
    /// `low` | `medium` | `high`.
    pub risk_level: String,
    pub summary: String,
    pub org_unit_id: i64,
    pub org_unit_name: String,
    /// `registered` | `assigned` | `mediating` | `agreement` | `failed` | `closed`.
    pub state: String,
    /// The step whose deadline runs: `assign` | `mediate` | `return_visit`; none when closed.
    pub step: Option<String>,
    pub step_deadline: Option<DateTime<Utc>>,
    pub overdue: bool,
    pub assigned_unit_name: Option<String>,
    pub mediator_name: String,
    /// The parties' names as the register heads them (`张三；某某物业公司`).
    pub party_names: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Party {
    pub id: i64,
    /// `applicant` | `respondent`.
    pub role: String,
    /// `resident` | `organisation`.
    pub kind: String,
    pub resident_id: Option<i64>,
    /// The resident's name, or the organisation's.
    pub name: String,
    pub gender: String,
    /// Masked, from the registry.
    pub id_number: String,
    /// Masked, from the registry.
    pub phone: String,
    pub address: String,
    pub credit_code: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DisputeTimelineRow {
    pub id: i64,
    /// `register` or an action: `assign` | `record_session` | `agree` | `fail` | `return_visit` |
    /// `close` | `supervise`.
    pub action: String,
    pub from_state: Option<String>,
    pub to_state: String,
    pub at: DateTime<Utc>,
    pub actor_name: String,
    pub note: String,
    pub deadline: Option<DateTime<Utc>>,
    pub session_on: Option<NaiveDate>,
    pub participants: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DisputeDetail {
    pub dispute: Dispute,
    pub demand: String,
    pub address: String,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub screening_id: Option<i64>,
    pub parties: Vec<Party>,
    pub assigned_unit_id: Option<i64>,
    pub mediator_id: Option<i64>,
    pub assigned_at: Option<DateTime<Utc>>,
    /// The deadline the assignment wrote (a supervision moves the step deadline, not this one).
    pub deadline: Option<DateTime<Utc>>,
    pub supervisions: i32,
    pub agreement_text: String,
    pub agreement_signed: Option<bool>,
    /// Where a failed mediation was sent: `court` | `arbitration` | `petition` | `administrative` | `other`.
    pub referral: Option<String>,
    pub result: String,
    pub ended_at: Option<DateTime<Utc>>,
    /// `satisfied` | `basic` | `dissatisfied`.
    pub satisfaction: Option<String>,
    pub visited_at: Option<DateTime<Utc>>,
    pub visit_note: String,
    pub closed_at: Option<DateTime<Utc>>,
    /// Who registered it.
    pub handler_name: String,
    pub timeline: Vec<DisputeTimelineRow>,
    /// What the caller may do now: `assign` | `sessions` | `agreement` | `fail` | `close` | `supervise`.
    pub allowed_actions: Vec<String>,
}

fn facts_of(d: &dispute::Model, now: DateTime<Utc>) -> DisputeFacts {
    DisputeFacts {
        state: DisputeState::parse(&d.state).unwrap_or(DisputeState::Registered),
        overdue: d.step_deadline.is_some_and(|t| t < now),
        return_visited: d.return_visited,
    }
}

/// The parties of these disputes with what the registry holds of each resident (masked).
async fn parties_of<C: ConnectionTrait>(c: &C, ids: &[i64]) -> DbResult<HashMap<i64, Vec<Party>>> {
    let rows = dispute_party::Entity::find()
        .filter(dispute_party::Column::DisputeId.is_in(ids.to_vec()))
        .order_by_asc(dispute_party::Column::Sort)
        .order_by_asc(dispute_party::Column::Id)
        .all(c)
        .await?;
    let rids: Vec<i64> = rows.iter().filter_map(|p| p.resident_id).collect();
    let people: HashMap<i64, resident::Model> = resident::Entity::find()
        .filter(resident::Column::Id.is_in(rids))
        .all(c)
        .await?
        .into_iter()
        .map(|r| (r.id, r))
        .collect();
    let mut out: HashMap<i64, Vec<Party>> = HashMap::new();
    for p in rows {
        let r = p.resident_id.and_then(|id| people.get(&id));
        out.entry(p.dispute_id).or_default().push(Party {
            id: p.id,
            role: p.role,
            kind: p.kind,
            resident_id: p.resident_id,
            name: r.map_or_else(|| p.org_name.clone(), |r| r.name.clone()),
            gender: r
                .map(|r| dict::word_of(dict::GENDERS, &r.gender).to_string())
                .unwrap_or_default(),
            id_number: r.map(|r| r.id_number_masked.clone()).unwrap_or_default(),
            phone: r.map(|r| r.phone_masked.clone()).unwrap_or_default(),
            address: r.map(|r| r.current_address.clone()).unwrap_or_default(),
            credit_code: p.credit_code,
        });
    }
    Ok(out)
}

async fn views<C: ConnectionTrait>(c: &C, rows: Vec<dispute::Model>) -> DbResult<Vec<Dispute>> {
    let ids: Vec<i64> = rows.iter().map(|d| d.id).collect();
    let mut uids: Vec<i64> = rows.iter().map(|d| d.org_unit_id).collect();
    uids.extend(rows.iter().filter_map(|d| d.assigned_unit_id));
    let names = unit_names(c, uids).await?;
    let parties = parties_of(c, &ids).await?;
    let now = now();
    Ok(rows
        .into_iter()
        .map(|d| {
            let facts = facts_of(&d, now);
            let step = flow::step_of(&facts);
            Dispute {
                org_unit_name: names.get(&d.org_unit_id).cloned().unwrap_or_default(),
                assigned_unit_name: d.assigned_unit_id.and_then(|u| names.get(&u).cloned()),
                party_names: parties
                    .get(&d.id)
                    .map(|ps| ps.iter().map(|p| p.name.as_str()).collect::<Vec<_>>().join("；"))
                    .unwrap_or_default(),
                step: step.map(|s| s.as_str().into()),
                overdue: step.is_some() && facts.overdue,
                step_deadline: step.and(d.step_deadline),
                id: d.id,
                number: d.number,
                registered_at: d.registered_at,
                source: d.source,
                channel: d.channel,
                dispute_type: d.dispute_type,
                people_involved: d.people_involved,
                size_band: d.size_band,
                major: d.major,
                risk_level: d.risk_level,
                summary: d.summary,
                org_unit_id: d.org_unit_id,
                state: d.state,
                mediator_name: d.mediator_name,
            }
        })
        .collect())
}

/// A dispute the scope reaches; anything else is not found.
pub(super) async fn visible<C: ConnectionTrait>(c: &C, scope: &Scope, id: i64) -> DbResult<dispute::Model> {
    dispute::Entity::find_by_id(id)
        .filter(scope::placed(c, scope, &PLACED).await?)
        .one(c)
        .await?
        .ok_or(DbError::NotFound)
}

/// An org unit the scope reaches, or a 422 naming the field.
async fn visible_unit<C: ConnectionTrait>(c: &C, scope: &Scope, id: i64, field: &str) -> DbResult<org_unit::Model> {
    org_unit::Entity::find_by_id(id)
        .filter(scope::org_units(scope))
        .one(c)
        .await?
        .ok_or_else(|| DbError::invalid(field, "机构不存在或不在您的管辖范围内"))
}

/// The roles the actor holds on this dispute: the center (who may assign) and, for the unit it
/// was assigned to or the mediator named, the mediator.
fn roles_of(actor: &Actor, d: &dispute::Model) -> Vec<DisputeRole> {
    let mut roles = Vec::new();
    if actor.can(Permission::DisputeAssign) {
        roles.push(DisputeRole::Center);
    }
    let mine = (d.mediator_id.is_some() && d.mediator_id == actor.user_id)
        || (d.assigned_unit_id.is_some() && d.assigned_unit_id == actor.org_unit_id);
    if actor.can(Permission::DisputeWrite) && mine {
        roles.push(DisputeRole::Mediator);
    }
    roles
}

/// The API's step names for the actions allowed now (the close request records the return
/// visit and the closure together).
fn allowed(actor: &Actor, d: &dispute::Model) -> Vec<String> {
    let facts = facts_of(d, now());
    let mut out: Vec<String> = Vec::new();
    for role in roles_of(actor, d) {
        for a in flow::allowed_actions(&facts, role) {
            let step = match a {
                "assign" => "assign",
                "record_session" => "sessions",
                "agree" => "agreement",
                "fail" => "fail",
                "return_visit" | "close" => "close",
                "supervise" => "supervise",
                _ => continue,
            };
            if !out.iter().any(|s| s == step) {
                out.push(step.into());
            }
        }
    }
    out
}

pub async fn get_dispute(db: &Db, actor: &Actor, id: i64) -> DbResult<DisputeDetail> {
    let d = visible(&db.conn, &actor.scope, id).await?;
    detail(&db.conn, actor, d).await
}

async fn detail<C: ConnectionTrait>(c: &C, actor: &Actor, d: dispute::Model) -> DbResult<DisputeDetail> {
    let parties = parties_of(c, &[d.id]).await?.remove(&d.id).unwrap_or_default();
    let timeline = dispute_event::Entity::find()
        .filter(dispute_event::Column::DisputeId.eq(d.id))
        .order_by_asc(dispute_event::Column::Id)
        .all(c)
        .await?
        .into_iter()
        .map(|e| DisputeTimelineRow {
            id: e.id,
            action: e.action,
            from_state: e.from_state,
            to_state: e.to_state,
            at: e.at,
            actor_name: e.actor_name,
            note: e.note,
            deadline: e.deadline,
            session_on: e.session_on,
            participants: e.participants,
        })
        .collect();
    let allowed_actions = allowed(actor, &d);
    Ok(DisputeDetail {
        demand: d.demand.clone(),
        address: d.address.clone(),
        lon: d.lon,
        lat: d.lat,
        screening_id: d.screening_id,
        parties,
        assigned_unit_id: d.assigned_unit_id,
        mediator_id: d.mediator_id,
        assigned_at: d.assigned_at,
        deadline: d.deadline,
        supervisions: d.supervisions,
        agreement_text: d.agreement_text.clone(),
        agreement_signed: d.agreement_signed,
        referral: d.referral.clone(),
        result: d.result.clone(),
        ended_at: d.ended_at,
        satisfaction: d.satisfaction.clone(),
        visited_at: d.visited_at,
        visit_note: d.visit_note.clone(),
        closed_at: d.closed_at,
        handler_name: d.handler_name.clone(),
        timeline,
        allowed_actions,
        dispute: views(c, vec![d]).await?.remove(0),
    })
}

/// Registers a dispute: the number is the year's next serial; the place is the grid holding the
/// point, else the unit picked; each resident party must be one the caller can see.
pub async fn register_dispute(db: &Db, actor: &Actor, n: NewDispute) -> DbResult<DisputeDetail> {
    if n.parties.is_empty() {
        return Err(DbError::invalid("parties", "至少填写一方当事人"));
    }
    let grid = match n.point {
        Some((lon, lat)) => crate::cases::routing(db).await?.locate(lon, lat),
        None => None,
    };
    let now = now();
    let settings = dispute_settings(&db.conn).await?;
    let cal = crate::cases::work_calendar(db).await?;
    let txn = db.begin_write().await?;
    let unit = match (grid, n.org_unit_id) {
        (Some(g), _) => org_unit::Entity::find_by_id(g)
            .filter(scope::org_units(&actor.scope))
            .one(&*txn)
            .await?
            .ok_or_else(|| DbError::invalid("lon", "该位置不在您管辖的网格内"))?,
        (None, Some(u)) => visible_unit(&*txn, &actor.scope, u, "org_unit_id").await?,
        (None, None) if n.point.is_some() => {
            return Err(DbError::invalid("org_unit_id", "该位置不在任何网格内，请选择所属单位"));
        }
        (None, None) => {
            return Err(DbError::invalid(
                "org_unit_id",
                "请选择发生地所属单位或在地图上标注位置",
            ));
        }
    };
    if unit.level == "district" {
        return Err(DbError::invalid("org_unit_id", "发生地应具体到街道、社区或网格"));
    }
    if let Some(s) = n.screening_id {
        dispute_screening::Entity::find_by_id(s)
            .filter(scope::placed(&*txn, &actor.scope, &super::screenings::PLACED).await?)
            .one(&*txn)
            .await?
            .ok_or_else(|| DbError::invalid("screening_id", "排查记录不存在"))?;
    }
    let resident_scope = scope::placed(&*txn, &actor.scope, &RESIDENT_PLACED).await?;
    for p in &n.parties {
        if let PartyInput::Resident { resident_id, .. } = p {
            resident::Entity::find_by_id(*resident_id)
                .filter(resident_scope.clone())
                .one(&*txn)
                .await?
                .ok_or_else(|| DbError::invalid("parties", "当事人不在实有人口库中或不在您的管辖范围内"))?;
        }
    }
    let year = zongguan_core::time::cst_date(now).year();
    let serial: Option<i64> = dispute::Entity::find()
        .select_only()
        .column_as(dispute::Column::Serial.max(), "m")
        .filter(dispute::Column::Year.eq(year))
        .into_tuple::<Option<i64>>()
        .one(&*txn)
        .await?
        .flatten();
    let serial = serial.unwrap_or(0) + 1;
    let due = settings.limits.due(&cal, Clock::Start(flow::Step::Assign), now);
    let d = dispute::ActiveModel {
        year: Set(year),
        serial: Set(serial),
        number: Set(dispute_number(year, serial)),
        registered_at: Set(now),
        source: Set(n.source.into()),
        channel: Set(n.channel.into()),
        dispute_type: Set(n.dispute_type.into()),
        people_involved: Set(i32::try_from(n.people_involved).unwrap_or(i32::MAX)),
        size_band: Set(size_band(n.people_involved).into()),
        major: Set(n.major),
        risk_level: Set(n.risk_level.into()),
        summary: Set(n.summary.clone()),
        demand: Set(n.demand.clone()),
        address: Set(n.address.clone()),
        lon: Set(n.point.map(|p| p.0)),
        lat: Set(n.point.map(|p| p.1)),
        org_unit_id: Set(unit.id),
        subdistrict_id: Set(unit.subdistrict_id),
        community_id: Set(unit.community_id),
        screening_id: Set(n.screening_id),
        state: Set(DisputeState::Registered.as_str().into()),
        return_visited: Set(false),
        step_deadline: Set(due),
        step_started_at: Set(Some(now)),
        supervisions: Set(0),
        agreement_text: Set(String::new()),
        result: Set(String::new()),
        visit_note: Set(String::new()),
        mediator_name: Set(String::new()),
        created_by: Set(actor.user_id),
        handler_name: Set(actor.name.clone()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&*txn)
    .await
    .map_err(|e| DbError::from(e).unique("登记编号冲突，请重试"))?;
    for (i, p) in n.parties.iter().enumerate() {
        let (role, kind, rid, name, code) = match p {
            PartyInput::Resident { role, resident_id } => {
                (*role, "resident", Some(*resident_id), String::new(), String::new())
            }
            PartyInput::Organisation {
                role,
                name,
                credit_code,
            } => (*role, "organisation", None, name.clone(), credit_code.clone()),
        };
        dispute_party::ActiveModel {
            dispute_id: Set(d.id),
            sort: Set(i as i32),
            role: Set(role.into()),
            kind: Set(kind.into()),
            resident_id: Set(rid),
            org_name: Set(name),
            credit_code: Set(code),
            ..Default::default()
        }
        .insert(&*txn)
        .await?;
    }
    event(
        &*txn,
        actor,
        &d,
        "register",
        None,
        DisputeState::Registered,
        "",
        due,
        None,
        "",
    )
    .await?;
    audit::append(
        &*txn,
        db.backend,
        actor,
        Event::ok("register", "dispute", d.id).detail(format!("{} {}", d.number, d.dispute_type)),
    )
    .await?;
    let out = detail(&*txn, actor, d).await?;
    txn.commit().await?;
    Ok(out)
}

#[expect(clippy::too_many_arguments, reason = "one timeline row's columns")]
async fn event<C: ConnectionTrait>(
    c: &C,
    actor: &Actor,
    d: &dispute::Model,
    action: &str,
    from: Option<DisputeState>,
    to: DisputeState,
    note: &str,
    deadline: Option<DateTime<Utc>>,
    session_on: Option<NaiveDate>,
    participants: &str,
) -> DbResult<()> {
    dispute_event::ActiveModel {
        dispute_id: Set(d.id),
        action: Set(action.into()),
        from_state: Set(from.map(|s| s.as_str().into())),
        to_state: Set(to.as_str().into()),
        at: Set(now()),
        actor_id: Set(actor.user_id),
        actor_name: Set(actor.name.clone()),
        note: Set(note.into()),
        deadline: Set(deadline),
        session_on: Set(session_on),
        participants: Set(participants.into()),
        ..Default::default()
    }
    .insert(c)
    .await?;
    Ok(())
}

/// One step of the flow, as the edge checked it.
#[derive(Debug, Clone)]
pub enum DisputeStep {
    /// 交办 to a unit (and a mediator, a user of it or a name), with a deadline or the limit's.
    Assign {
        unit_id: i64,
        mediator_id: Option<i64>,
        mediator_name: String,
        deadline: Option<DateTime<Utc>>,
        note: String,
    },
    Session {
        on: NaiveDate,
        participants: String,
        content: String,
    },
    Agree {
        agreement: Agreement,
        note: String,
    },
    Fail {
        referral: Referral,
        reason: String,
    },
    /// 回访 and 销案 together.
    Close {
        satisfaction: Satisfaction,
        note: String,
    },
    Supervise {
        reason: String,
        deadline: Option<DateTime<Utc>>,
    },
}

impl DisputeStep {
    fn action(&self) -> DisputeAction {
        match self {
            DisputeStep::Assign { .. } => DisputeAction::Assign,
            DisputeStep::Session { .. } => DisputeAction::RecordSession,
            DisputeStep::Agree { .. } => DisputeAction::Agree,
            DisputeStep::Fail { .. } => DisputeAction::Fail,
            DisputeStep::Close { .. } => DisputeAction::ReturnVisit,
            DisputeStep::Supervise { .. } => DisputeAction::Supervise,
        }
    }
}

fn refused(r: Refusal, state: DisputeState, action: DisputeAction) -> DbError {
    match r {
        Refusal::NotInState => DbError::Conflict(format!("该矛盾纠纷当前为「{}」，不能{}", state.zh(), action.zh())),
        Refusal::NotForRole => DbError::Forbidden(format!("您不是该矛盾纠纷的交办单位或承办单位，不能{}", action.zh())),
        Refusal::NotOverdue | Refusal::NotVisited => DbError::Conflict(r.to_string()),
    }
}

/// Takes one step: the core decides, the row moves, the timeline and the audit log record it.
pub async fn act(db: &Db, actor: &Actor, id: i64, step: DisputeStep) -> DbResult<DisputeDetail> {
    let settings = dispute_settings(&db.conn).await?;
    let cal = crate::cases::work_calendar(db).await?;
    let txn = db.begin_write().await?;
    let d = visible(&*txn, &actor.scope, id).await?;
    let now = now();
    let facts = facts_of(&d, now);
    let action = step.action();
    let roles = roles_of(actor, &d);
    let (_, out) = flow::decide(&facts, action, &roles).map_err(|r| refused(r, facts.state, action))?;
    let mut am: dispute::ActiveModel = d.clone().into();
    am.state = Set(out.state.as_str().into());
    am.return_visited = Set(out.return_visited);
    am.updated_at = Set(now);
    let mut due = settings.limits.due(&cal, out.clock, now);
    let (mut session_on, mut participants) = (None, String::new());
    let note = match &step {
        DisputeStep::Assign {
            unit_id,
            mediator_id,
            mediator_name,
            deadline,
            note: n,
        } => {
            let unit = visible_unit(&*txn, &actor.scope, *unit_id, "unit_id").await?;
            let name = match mediator_id {
                Some(u) => app_user::Entity::find_by_id(*u)
                    .one(&*txn)
                    .await?
                    .map(|u| u.display_name)
                    .ok_or_else(|| DbError::invalid("mediator_id", "调解员账号不存在"))?,
                None if mediator_name.is_empty() => {
                    return Err(DbError::invalid("mediator_name", "请填写调解员"));
                }
                None => mediator_name.clone(),
            };
            let d = flow::assignment_deadline(&cal, &settings.limits, now, *deadline)
                .map_err(|e| DbError::invalid("deadline", e.to_string()))?;
            due = Some(d);
            am.assigned_unit_id = Set(Some(unit.id));
            am.mediator_id = Set(*mediator_id);
            am.mediator_name = Set(name.clone());
            am.assigned_at = Set(Some(now));
            am.deadline = Set(Some(d));
            format!(
                "交办{}，调解员{}{}",
                unit.name,
                name,
                if n.is_empty() { String::new() } else { format!("：{n}") }
            )
        }
        DisputeStep::Session {
            on,
            participants: p,
            content,
        } => {
            if *on > zongguan_core::time::cst_date(now) {
                return Err(DbError::invalid("session_on", "调解日期不能晚于今天"));
            }
            session_on = Some(*on);
            participants = p.clone();
            content.clone()
        }
        DisputeStep::Agree { agreement, note: n } => {
            am.agreement_text = Set(agreement.text().into());
            am.agreement_signed = Set(Some(agreement.signed()));
            am.ended_at = Set(Some(now));
            let how = if agreement.signed() {
                "达成书面协议"
            } else {
                "达成口头协议"
            };
            am.result = Set(format!("调解成功，{how}"));
            if n.is_empty() {
                how.into()
            } else {
                format!("{how}：{n}")
            }
        }
        DisputeStep::Fail { referral, reason } => {
            am.referral = Set(Some(referral.as_str().into()));
            am.ended_at = Set(Some(now));
            am.result = Set(format!("调解不成，{}", referral.zh()));
            format!("{}：{reason}", referral.zh())
        }
        DisputeStep::Close { satisfaction, note: n } => {
            am.satisfaction = Set(Some(satisfaction.as_str().into()));
            am.visited_at = Set(Some(now));
            am.visit_note = Set(n.clone());
            format!(
                "回访：{}{}",
                satisfaction.zh(),
                if n.is_empty() { String::new() } else { format!("，{n}") }
            )
        }
        DisputeStep::Supervise { reason, deadline } => {
            if let Some(t) = deadline {
                if *t <= now {
                    return Err(DbError::invalid("deadline", "督办期限须晚于当前时间"));
                }
                due = Some(*t);
            }
            am.supervisions = Set(d.supervisions + 1);
            format!("督办：{reason}")
        }
    };
    match out.clock {
        Clock::Keep => {}
        Clock::Stop => {
            am.step_deadline = Set(None);
            am.step_started_at = Set(None);
        }
        Clock::Start(_) | Clock::Supervise(_) => {
            am.step_deadline = Set(due);
            if matches!(out.clock, Clock::Start(_)) {
                am.step_started_at = Set(Some(now));
            }
        }
    }
    let mut m = am.update(&*txn).await?;
    event(
        &*txn,
        actor,
        &m,
        action.as_str(),
        Some(facts.state),
        out.state,
        &note,
        due,
        session_on,
        &participants,
    )
    .await?;
    if let DisputeStep::Close { .. } = step {
        // The visit is recorded: now the closure (销案), decided again on the new facts.
        let facts = facts_of(&m, now);
        let (_, out) = flow::decide(&facts, DisputeAction::Close, &roles)
            .map_err(|r| refused(r, facts.state, DisputeAction::Close))?;
        let mut am: dispute::ActiveModel = m.into();
        am.state = Set(out.state.as_str().into());
        am.closed_at = Set(Some(now));
        am.step_deadline = Set(None);
        am.step_started_at = Set(None);
        m = am.update(&*txn).await?;
        event(
            &*txn,
            actor,
            &m,
            "close",
            Some(facts.state),
            out.state,
            "销案",
            None,
            None,
            "",
        )
        .await?;
    }
    audit::append(
        &*txn,
        db.backend,
        actor,
        Event::ok(action.as_str(), "dispute", id).detail(format!(
            "{} {} → {}",
            m.number,
            facts.state.as_str(),
            m.state
        )),
    )
    .await?;
    let pending = tell_mediator(&*txn, action, &m).await?;
    let out = detail(&*txn, actor, m).await?;
    txn.commit().await?;
    pending.announce(db);
    Ok(out)
}

/// An assignment or a supervision reaches the mediator and the assigned unit's officers in their
/// inbox, live.
async fn tell_mediator<C: ConnectionTrait>(
    c: &C,
    action: DisputeAction,
    d: &dispute::Model,
) -> DbResult<crate::notifications::Pending> {
    use crate::notifications::{NewNotification, Pending, notify_users};
    let title = match action {
        DisputeAction::Assign => "矛盾纠纷交办",
        DisputeAction::Supervise => "矛盾纠纷督办",
        _ => return Ok(Pending::default()),
    };
    let n = NewNotification {
        kind: if action == DisputeAction::Assign {
            "dispute_assign"
        } else {
            "dispute_supervise"
        },
        title: format!("{title}：{}", d.number),
        body: d.summary.chars().take(100).collect(),
        link: format!("/governance/disputes?open={}", d.id),
        subject_kind: "dispute",
        subject_id: Some(d.id),
    };
    // Each person once, whether officer of the unit, mediator or both.
    let mut users = match d.assigned_unit_id {
        Some(u) => crate::users::unit_users_with(c, u, zongguan_core::permission::Permission::DisputeAssign).await?,
        None => vec![],
    };
    users.extend(d.mediator_id);
    notify_users(c, &users, &n).await
}

#[derive(Debug, Default, Clone)]
pub struct DisputeFilter {
    pub org_unit_id: Option<i64>,
    pub state: Option<DisputeState>,
    pub dispute_type: Option<&'static str>,
    pub major: Option<bool>,
    /// Open disputes whose running step is past its deadline.
    pub overdue: bool,
    /// Registered on or after / before (China dates, inclusive).
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// The number, or part of the summary.
    pub q: Option<String>,
}

/// Disputes under the scope and the org filter, newest first, on the list path.
pub async fn list_disputes(db: &Db, scope: &Scope, f: &DisputeFilter, p: PageReq) -> DbResult<Page<Dispute>> {
    let mut q = dispute::Entity::find().filter(scope::placed_under(&db.conn, scope, f.org_unit_id, &PLACED).await?);
    if let Some(s) = f.state {
        q = q.filter(dispute::Column::State.eq(s.as_str()));
    }
    if let Some(t) = f.dispute_type {
        q = q.filter(dispute::Column::DisputeType.eq(t));
    }
    if let Some(m) = f.major {
        q = q.filter(dispute::Column::Major.eq(m));
    }
    if f.overdue {
        q = q
            .filter(dispute::Column::State.is_in(OPEN_STATES.iter().map(|s| s.as_str())))
            .filter(dispute::Column::StepDeadline.lt(now()));
    }
    if let Some(d) = f.from {
        q = q.filter(dispute::Column::RegisteredAt.gte(zongguan_core::time::cst_midnight(d)));
    }
    if let Some(d) = f.to {
        q = q.filter(dispute::Column::RegisteredAt.lt(zongguan_core::time::cst_midnight(
            zongguan_core::governance::due::add_days(d, 1),
        )));
    }
    if let Some(t) = f.q.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        q = q.filter(
            Condition::any()
                .add(dispute::Column::Number.eq(t.to_uppercase()))
                .add(crate::like::contains(dispute::Column::Summary, t)),
        );
    }
    let sort = crate::listing::SortKey {
        key: None,
        id: dispute::Column::Id,
        desc: true,
    };
    let mut page = crate::listing::page_rows(&db.conn, q, &sort, &p, |r| r.id).await?;
    let rows = std::mem::take(&mut page.items);
    Ok(page.with_items(views(&db.conn, rows).await?))
}
