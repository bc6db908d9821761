//! The workflow's writes: an action on a case in one transaction, and merging a duplicate into another case.
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect,
};
use serde::Deserialize;
use utoipa::ToSchema;
use zongguan_core::calendar::{self, WorkCalendar};
use zongguan_core::case_flow::{self, CaseAction, CaseRole, CaseState, Clock, OPEN_STATES, Outcome, Refusal, Step};
use zongguan_core::time::cst;

use super::access::{facts, is_center, now, roles_for, state_of, visible_case};
use super::routing::{department_by_code, item_by_code, work_calendar};
use super::taxonomy::limit_of;
use super::timeline::{actor_names, event};
use super::views::{CaseDetail, get_case_unchecked};
use crate::audit::{self, Event};
use crate::entity::{app_user, case_assist, case_event, case_item, case_notice, case_record, department, org_unit};
use crate::notifications::{NewNotification, Pending};
use crate::{Actor, Db, DbError, DbResult};
use zongguan_core::permission::Permission;

/// Extension and supervision may add at most this many working days at once.
const MAX_DAYS: u32 = 60;

fn refusal(r: Refusal) -> DbError {
    match r {
        Refusal::NotForRole => DbError::Forbidden(r.to_string()),
        Refusal::NotInState | Refusal::Paused | Refusal::TopLevel => DbError::Conflict(r.to_string()),
    }
}

/// An action on a case. Which fields matter depends on `action`.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionInput {
    /// accept | reject | dispatch | start | feedback | verify | close | return | supervise | escalate | pause | resume | extend
    pub action: String,
    /// The case's `version` as the caller saw it.
    pub version: i64,
    /// reject, return, pause, extend: why.
    pub reason: Option<String>,
    /// feedback: the result; supervise: the instruction; any action: a remark.
    pub note: Option<String>,
    /// verify: whether the result passed.
    pub passed: Option<bool>,
    /// dispatch: the lead department (default: the routed one).
    pub department_code: Option<String>,
    /// dispatch: assisting departments.
    pub assisting_department_codes: Option<Vec<String>>,
    /// extend: working days to add; supervise: a new deadline this many working days from now.
    pub days: Option<u32>,
}

fn text(v: &Option<String>) -> Option<String> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(String::from)
}

fn required(v: &Option<String>, field: &str, what: &str) -> DbResult<String> {
    let t = text(v).ok_or_else(|| DbError::invalid(field, format!("请填写{what}")))?;
    if t.chars().count() > 1000 {
        return Err(DbError::invalid(field, format!("{what}不超过 1000 字")));
    }
    Ok(t)
}

fn days_of(v: Option<u32>, field: &str) -> DbResult<u32> {
    match v {
        Some(d) if (1..=MAX_DAYS).contains(&d) => Ok(d),
        _ => Err(DbError::invalid(field, format!("天数须为 1–{MAX_DAYS} 个工作日"))),
    }
}
/// Takes an action: checks the version, the state and the caller's role on this case, moves the
/// clock, writes the timeline row, the notice (supervision) and the audit row in one transaction.
pub async fn act(db: &Db, u: &Actor, id: i64, input: ActionInput) -> DbResult<CaseDetail> {
    let action = parse_action(&input)?;
    let cal = work_calendar(db).await?;
    let txn = db.begin_write().await?;
    let c = &*txn;
    let cur = visible_case(c, u, id).await?;
    if cur.version != input.version {
        return Err(DbError::Conflict(format!(
            "事件已被他人处理（当前版本 {}，提交的版本 {}），请刷新后重试",
            cur.version, input.version
        )));
    }
    let roles = roles_for(c, u, &cur, Some(action)).await?;
    let from = facts(&cur);
    let (role, out) = case_flow::decide(&from, &action, &roles).map_err(refusal)?;
    let item = item_by_code(db, &cur.item_code).await?.ok_or(DbError::NotFound)?;
    let a = Acting {
        cur: &cur,
        action,
        out,
        input: &input,
        now: now(),
    };
    let Change { mut am, note, assist } = what_changes(c, &a).await?;
    let deadline = move_clock(&mut am, &a, &cal, &item)?;
    save_transition(c, &a, am, deadline).await?;
    if let Some(helpers) = assist {
        replace_assists(c, id, &helpers).await?;
    }
    let names = actor_names(c, u).await?;
    let note = match action {
        CaseAction::Supervise => issue_supervision_notice(c, u, &a, &names.0, deadline, note).await?,
        _ => note,
    };
    // A department acting shows its department; a center or reporter its unit.
    let names = if role == CaseRole::Department {
        names
    } else {
        (names.0, String::new())
    };
    case_event::Entity::insert(event(
        id,
        action.as_str(),
        Some(from.state),
        out.state,
        u,
        &names,
        note,
        a.now,
    ))
    .exec_without_returning(c)
    .await?;
    audit::append(
        c,
        db.backend,
        u,
        Event::ok(action.as_str(), "case", id).detail(format!(
            "{} {} → {}",
            cur.code,
            from.state.as_str(),
            out.state.as_str()
        )),
    )
    .await?;
    let pending = tell_department(c, action, id).await?;
    txn.commit().await?;
    pending.announce(db);
    get_case_unchecked(db, u, id).await
}

/// A dispatch or a supervision reaches the department's people in their inbox, live.
async fn tell_department<C: ConnectionTrait>(c: &C, action: CaseAction, id: i64) -> DbResult<Pending> {
    let title = match action {
        CaseAction::Dispatch => "新派遣事件",
        CaseAction::Supervise => "事件督办",
        _ => return Ok(Pending::default()),
    };
    let Some(case) = case_record::Entity::find_by_id(id).one(c).await? else {
        return Ok(Pending::default());
    };
    let Some(dept) = case.department_id else {
        return Ok(Pending::default());
    };
    let users: Vec<i64> = app_user::Entity::find()
        .select_only()
        .column(app_user::Column::Id)
        .filter(app_user::Column::DepartmentId.eq(dept))
        .into_tuple()
        .all(c)
        .await?;
    let n = NewNotification {
        kind: if action == CaseAction::Dispatch {
            "case_dispatch"
        } else {
            "case_supervise"
        },
        title: format!("{title}：{}", case.code),
        body: case.description.chars().take(100).collect(),
        link: format!("/cases/{id}"),
        subject_kind: "case",
        subject_id: Some(id),
    };
    crate::notifications::notify_users(c, &users, &n).await
}

fn parse_action(input: &ActionInput) -> DbResult<CaseAction> {
    CaseAction::parse(input.action.trim(), input.passed).ok_or_else(|| {
        if input.action.trim() == "verify" {
            DbError::invalid("passed", "核查须给出 passed（true 或 false）")
        } else {
            DbError::invalid("action", format!("未知操作 {}", input.action))
        }
    })
}

/// An action under way: the case as read, what was asked, and what the state machine made of it.
struct Acting<'a> {
    cur: &'a case_record::Model,
    action: CaseAction,
    out: Outcome,
    input: &'a ActionInput,
    now: DateTime<Utc>,
}

/// What an action changes besides the state machine's fields.
struct Change {
    am: case_record::ActiveModel,
    /// The timeline row's note.
    note: String,
    /// Dispatch: the assisting departments, which replace those before.
    assist: Option<Vec<department::Model>>,
}

/// `head`, then the caller's remark when there is one.
fn joined(head: String, note: &str) -> String {
    if note.is_empty() {
        head
    } else {
        format!("{head}；{note}")
    }
}

/// What each action needs (a reason, a result, departments, days) and changes besides the state.
async fn what_changes<C: ConnectionTrait>(c: &C, a: &Acting<'_>) -> DbResult<Change> {
    let (cur, input) = (a.cur, a.input);
    let mut am: case_record::ActiveModel = Default::default();
    let mut note = text(&input.note).unwrap_or_default();
    let mut assist = None;
    match a.action {
        CaseAction::Reject | CaseAction::Return | CaseAction::Pause => {
            note = joined(required(&input.reason, "reason", "原因")?, &note);
        }
        CaseAction::Feedback => {
            note = required(&input.note, "note", "处置结果")?;
        }
        CaseAction::Dispatch => {
            let (lead, helpers) = dispatch_departments(c, cur, input).await?;
            let mut n = format!("派遣至 {}", lead.name);
            if !helpers.is_empty() {
                n.push_str(&format!(
                    "，协办：{}",
                    helpers.iter().map(|h| h.name.as_str()).collect::<Vec<_>>().join("、")
                ));
            }
            note = joined(n, &note);
            am.department_id = Set(Some(lead.id));
            am.dispatched_at = Set(Some(a.now));
            assist = Some(helpers);
        }
        CaseAction::Verify { passed } => {
            let v = if passed {
                "核查通过"
            } else {
                "核查不通过，退回重办"
            };
            note = joined(v.into(), &note);
        }
        CaseAction::Extend => {
            let d = days_of(input.days, "days")?;
            let r = required(&input.reason, "reason", "延期原因")?;
            note = format!("延期 {d} 个工作日：{r}");
        }
        CaseAction::Supervise => {
            if let Some(d) = input.days {
                days_of(Some(d), "days")?;
            }
            am.supervision_level = Set(cur.supervision_level + 1);
        }
        CaseAction::Escalate => {
            let parent = parent_center(c, cur).await?;
            am.owner_unit_id = Set(parent.id);
            note = joined(format!("上报至 {}", parent.name), &note);
        }
        CaseAction::Accept | CaseAction::Start | CaseAction::Close | CaseAction::Resume => {}
    }
    Ok(Change { am, note, assist })
}

/// The lead department (asked for, else the routed one) and the assisting ones, without repeats.
async fn dispatch_departments<C: ConnectionTrait>(
    c: &C,
    cur: &case_record::Model,
    input: &ActionInput,
) -> DbResult<(department::Model, Vec<department::Model>)> {
    let lead = match text(&input.department_code) {
        Some(code) => department_by_code(c, &code)
            .await?
            .ok_or_else(|| DbError::invalid("department_code", format!("成员单位 {code} 不存在")))?,
        None => match cur.department_id {
            Some(d) => department::Entity::find_by_id(d)
                .one(c)
                .await?
                .ok_or_else(|| DbError::invalid("department_code", "请选择承办部门"))?,
            None => return Err(DbError::invalid("department_code", "请选择承办部门")),
        },
    };
    let mut helpers: Vec<department::Model> = Vec::new();
    for code in input
        .assisting_department_codes
        .iter()
        .flatten()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
    {
        let d = department_by_code(c, code)
            .await?
            .ok_or_else(|| DbError::invalid("assisting_department_codes", format!("成员单位 {code} 不存在")))?;
        if d.id != lead.id && !helpers.iter().any(|h| h.id == d.id) {
            helpers.push(d);
        }
    }
    Ok((lead, helpers))
}

/// The center above the one that owns the case; at the top there is none to escalate to.
async fn parent_center<C: ConnectionTrait>(c: &C, cur: &case_record::Model) -> DbResult<org_unit::Model> {
    let owner = org_unit::Entity::find_by_id(cur.owner_unit_id)
        .one(c)
        .await?
        .ok_or(DbError::NotFound)?;
    match owner.parent_id {
        Some(p) => org_unit::Entity::find_by_id(p).one(c).await?,
        None => None,
    }
    .ok_or_else(|| refusal(Refusal::TopLevel))
}

/// Moves the step clock as the state machine says and answers the new deadline. A step that ends
/// after its deadline marks the case late (for the on-time figures).
fn move_clock(
    am: &mut case_record::ActiveModel,
    a: &Acting<'_>,
    cal: &WorkCalendar,
    item: &case_item::Model,
) -> DbResult<Option<DateTime<Utc>>> {
    let (cur, now) = (a.cur, a.now);
    let ends_step = matches!(a.out.clock, Clock::Start(_) | Clock::Stop) && a.action != CaseAction::Supervise;
    if ends_step && cur.deadline_at.is_some_and(|d| d < now) && !cur.paused {
        am.late = Set(true);
    }
    let mut deadline = cur.deadline_at;
    match a.out.clock {
        Clock::Keep => {}
        Clock::Start(step) => {
            deadline = Some(match (a.action, a.input.days) {
                (CaseAction::Supervise, Some(d)) => cal.add_working_days(now, d),
                _ => calendar::deadline(cal, now, limit_of(item, step)),
            });
            am.step = Set(Some(step.as_str().into()));
            am.step_started_at = Set(Some(now));
        }
        Clock::Stop => {
            deadline = None;
            am.step = Set(None);
            am.step_started_at = Set(None);
        }
        Clock::Pause => {
            am.paused_at = Set(Some(now));
        }
        Clock::Resume => {
            let step = cur.step.as_deref().and_then(Step::parse).unwrap_or(Step::Handle);
            if let (Some(d), Some(p)) = (cur.deadline_at, cur.paused_at) {
                deadline = Some(calendar::resume_deadline(cal, d, &limit_of(item, step), p, now));
            }
            am.paused_at = Set(None);
        }
        Clock::Extend => {
            let days = days_of(a.input.days, "days")?;
            deadline = Some(cal.add_working_days(cur.deadline_at.unwrap_or(now), days));
        }
    }
    Ok(deadline)
}

/// Writes the new state, clock and version, if the case still has the version read.
async fn save_transition<C: ConnectionTrait>(
    c: &C,
    a: &Acting<'_>,
    mut am: case_record::ActiveModel,
    deadline: Option<DateTime<Utc>>,
) -> DbResult<()> {
    let (cur, out) = (a.cur, a.out);
    am.deadline_at = Set(deadline);
    if out.rework {
        am.rework_count = Set(cur.rework_count + 1);
    }
    if out.state == CaseState::Closed {
        am.closed_at = Set(Some(a.now));
    }
    am.state = Set(out.state.as_str().into());
    am.paused = Set(out.paused);
    am.level = Set(out.level.as_str().into());
    am.version = Set(cur.version + 1);
    am.updated_at = Set(a.now);
    // Optimistic: on PostgreSQL two transactions may both have read this version; the second
    // UPDATE waits for the first and then matches no row.
    let res = case_record::Entity::update_many()
        .set(am)
        .filter(case_record::Column::Id.eq(cur.id))
        .filter(case_record::Column::Version.eq(cur.version))
        .exec(c)
        .await?;
    if res.rows_affected != 1 {
        return Err(DbError::Conflict("事件已被他人处理，请刷新后重试".into()));
    }
    Ok(())
}

async fn replace_assists<C: ConnectionTrait>(c: &C, case_id: i64, helpers: &[department::Model]) -> DbResult<()> {
    case_assist::Entity::delete_many()
        .filter(case_assist::Column::CaseId.eq(case_id))
        .exec(c)
        .await?;
    if !helpers.is_empty() {
        case_assist::Entity::insert_many(helpers.iter().map(|h| case_assist::ActiveModel {
            case_id: Set(case_id),
            department_id: Set(h.id),
        }))
        .exec_without_returning(c)
        .await?;
    }
    Ok(())
}

/// Issues the supervision notice (its serial, the original and new deadline, how late the case
/// was) and answers the timeline note, which names it.
async fn issue_supervision_notice<C: ConnectionTrait>(
    c: &C,
    u: &Actor,
    a: &Acting<'_>,
    unit_name: &str,
    deadline: Option<DateTime<Utc>>,
    note: String,
) -> DbResult<String> {
    let (cur, now) = (a.cur, a.now);
    let (serial, _) = crate::governance::next_serial(
        c,
        u.org_unit_id.unwrap_or(0),
        unit_name,
        zongguan_core::governance::notice_serial::NoticeKind::Supervision,
        now,
    )
    .await?;
    let dept = match cur.department_id {
        Some(d) => department::Entity::find_by_id(d)
            .one(c)
            .await?
            .map(|d| d.name)
            .unwrap_or_default(),
        None => String::new(),
    };
    let n = format!(
        "督办 {serial}：请于 {} 前办结并书面反馈",
        deadline
            .map(|d| d.with_timezone(&cst()).format("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_default()
    );
    case_notice::ActiveModel {
        case_id: Set(cur.id),
        kind: Set("supervision".into()),
        serial: Set(serial),
        issuing_unit_id: Set(u.org_unit_id),
        issuing_unit_name: Set(unit_name.into()),
        department_id: Set(cur.department_id),
        department_name: Set(dept),
        original_deadline: Set(cur.deadline_at),
        new_deadline: Set(deadline),
        overdue_seconds: Set(cur.deadline_at.map(|d| (now - d).num_seconds().max(0)).unwrap_or(0)),
        note: Set(note.clone()),
        issued_by: Set(u.user_id),
        issued_at: Set(now),
        ..Default::default()
    }
    .insert(c)
    .await?;
    Ok(joined(n, &note))
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MergeInput {
    /// The case this one duplicates; it stays open.
    pub into: i64,
    /// This case's version, when the caller has it.
    pub version: Option<i64>,
    pub note: Option<String>,
}

/// Closes a duplicate as merged into another open case; both timelines record it.
pub async fn merge(db: &Db, u: &Actor, id: i64, input: MergeInput) -> DbResult<CaseDetail> {
    if input.into == id {
        return Err(DbError::invalid("into", "不能并入自身"));
    }
    let txn = db.begin_write().await?;
    let c = &*txn;
    let cur = visible_case(c, u, id).await?;
    let target = visible_case(c, u, input.into)
        .await
        .map_err(|_| DbError::invalid("into", "目标事件不存在或不在您的数据范围内"))?;
    check_merge(c, u, &cur, &target, input.version).await?;
    let now = now();
    close_as_merged(c, &cur, &target, now).await?;
    let names = actor_names(c, u).await?;
    let names = (names.0, String::new());
    let extra = text(&input.note).map(|n| format!("；{n}")).unwrap_or_default();
    let target_state = state_of(&target);
    case_event::Entity::insert(event(
        id,
        "merge",
        Some(state_of(&cur)),
        CaseState::Closed,
        u,
        &names,
        format!("并入 {}{extra}", target.code),
        now,
    ))
    .exec_without_returning(c)
    .await?;
    case_event::Entity::insert(event(
        target.id,
        "merged_from",
        Some(target_state),
        target_state,
        u,
        &names,
        format!("{} 并入本案{extra}", cur.code),
        now,
    ))
    .exec_without_returning(c)
    .await?;
    audit::append(
        c,
        db.backend,
        u,
        Event::ok("merge", "case", id).detail(format!("{} → {}", cur.code, target.code)),
    )
    .await?;
    txn.commit().await?;
    get_case_unchecked(db, u, id).await
}

/// Whether this case may be merged into the target, refused in the order the caller can act on:
/// a stale version, a case that cannot move, a closed target, then the caller's role.
async fn check_merge<C: ConnectionTrait>(
    c: &C,
    u: &Actor,
    cur: &case_record::Model,
    target: &case_record::Model,
    version: Option<i64>,
) -> DbResult<()> {
    if version.is_some_and(|v| v != cur.version) {
        return Err(DbError::Conflict("事件已被他人处理，请刷新后重试".into()));
    }
    let f = facts(cur);
    if f.state.is_terminal() || f.paused {
        return Err(DbError::Conflict(Refusal::NotInState.to_string()));
    }
    if !OPEN_STATES.contains(&state_of(target)) {
        return Err(DbError::invalid(
            "into",
            format!("目标事件 {} 已办结，不能并入", target.code),
        ));
    }
    if !(u.can(Permission::CaseDispatch) && is_center(c, u, cur).await?) {
        return Err(DbError::Forbidden(Refusal::NotForRole.to_string()));
    }
    Ok(())
}

/// Closes the case as merged (late if its deadline had passed) and moves the target's version on,
/// so a caller holding the target's old version learns that it changed.
async fn close_as_merged<C: ConnectionTrait>(
    c: &C,
    cur: &case_record::Model,
    target: &case_record::Model,
    now: DateTime<Utc>,
) -> DbResult<()> {
    let late = cur.deadline_at.is_some_and(|d| d < now);
    let res = case_record::Entity::update_many()
        .col_expr(case_record::Column::State, Expr::val(CaseState::Closed.as_str()))
        .col_expr(case_record::Column::MergedIntoId, Expr::val(target.id))
        .col_expr(case_record::Column::Step, Expr::val(Option::<String>::None))
        .col_expr(
            case_record::Column::StepStartedAt,
            Expr::val(Option::<DateTime<Utc>>::None),
        )
        .col_expr(
            case_record::Column::DeadlineAt,
            Expr::val(Option::<DateTime<Utc>>::None),
        )
        .col_expr(case_record::Column::ClosedAt, Expr::val(now))
        .col_expr(case_record::Column::Late, Expr::val(cur.late || late))
        .col_expr(case_record::Column::Version, Expr::val(cur.version + 1))
        .col_expr(case_record::Column::UpdatedAt, Expr::val(now))
        .filter(case_record::Column::Id.eq(cur.id))
        .filter(case_record::Column::Version.eq(cur.version))
        .exec(c)
        .await?;
    if res.rows_affected != 1 {
        return Err(DbError::Conflict("事件已被他人处理，请刷新后重试".into()));
    }
    case_record::Entity::update_many()
        .col_expr(
            case_record::Column::Version,
            sea_orm::sea_query::ExprTrait::add(Expr::col(case_record::Column::Version), 1),
        )
        .filter(case_record::Column::Id.eq(target.id))
        .exec(c)
        .await?;
    Ok(())
}
