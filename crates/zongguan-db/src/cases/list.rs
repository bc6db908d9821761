//! Lists of cases: the filtered list, the caller's inbox, and the public requests of Open311.
use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use zongguan_core::case_flow::{CaseState, OPEN_STATES};
use zongguan_core::rbac::Scope;
use zongguan_core::time::cst_midnight;

use super::access::{effective_scope, located_in, now, visible};
use super::routing::department_by_code;
use super::views::{Case, views};
use crate::entity::{case_event, case_record, org_unit};
use crate::{Actor, Db, DbError, DbResult, Page, PageReq};
use zongguan_core::permission::Permission;

#[derive(Debug, Default, Clone)]
pub struct CaseFilter {
    pub state: Option<String>,
    pub item_code: Option<String>,
    pub org_unit_id: Option<i64>,
    pub department_code: Option<String>,
    pub overdue: Option<bool>,
    pub source: Option<String>,
    /// Report dates, China time, inclusive.
    pub date_from: Option<NaiveDate>,
    pub date_to: Option<NaiveDate>,
}

pub(super) async fn filter_condition<C: ConnectionTrait>(
    c: &C,
    f: &CaseFilter,
    now: DateTime<Utc>,
) -> DbResult<Condition> {
    let mut cond = Condition::all();
    if let Some(s) = f.state.as_deref().filter(|s| !s.is_empty()) {
        let mut states = Vec::new();
        for name in s.split(',').map(str::trim) {
            let state = CaseState::parse(name).ok_or_else(|| DbError::invalid("state", format!("未知状态 {name}")))?;
            states.push(state.as_str());
        }
        cond = cond.add(case_record::Column::State.is_in(states));
    }
    if let Some(i) = f.item_code.as_deref().filter(|s| !s.is_empty()) {
        cond = cond.add(case_record::Column::ItemCode.eq(i));
    }
    if let Some(s) = f.source.as_deref().filter(|s| !s.is_empty()) {
        cond = cond.add(case_record::Column::Source.eq(s));
    }
    if let Some(u) = f.org_unit_id {
        let unit = org_unit::Entity::find_by_id(u)
            .one(c)
            .await?
            .ok_or_else(|| DbError::invalid("org_unit_id", "机构不存在"))?;
        if unit.parent_id.is_some() {
            cond = cond.add(located_in(c, &Scope::Subtree { path: unit.path }).await?);
        }
    }
    if let Some(code) = f.department_code.as_deref().filter(|s| !s.is_empty()) {
        let d = department_by_code(c, code)
            .await?
            .ok_or_else(|| DbError::invalid("department_code", format!("成员单位 {code} 不存在")))?;
        cond = cond.add(case_record::Column::DepartmentId.eq(d.id));
    }
    if f.overdue == Some(true) {
        cond = cond
            .add(case_record::Column::State.is_in(OPEN_STATES.map(CaseState::as_str)))
            .add(case_record::Column::Paused.eq(false))
            .add(case_record::Column::DeadlineAt.lt(now));
    }
    if let Some(d) = f.date_from {
        cond = cond.add(case_record::Column::ReportedAt.gte(cst_midnight(d)));
    }
    if let Some(d) = f.date_to {
        cond = cond.add(case_record::Column::ReportedAt.lt(cst_midnight(d + TimeDelta::days(1))));
    }
    Ok(cond)
}

pub async fn list(db: &Db, u: &Actor, f: &CaseFilter, p: PageReq) -> DbResult<Page<Case>> {
    let now = now();
    let q = case_record::Entity::find()
        .filter(visible(&db.conn, u).await?)
        .filter(filter_condition(&db.conn, f, now).await?);
    let (rows, total) = crate::page_of(db, q, |q| q.order_by_desc(case_record::Column::Id), p).await?;
    Ok(Page::new(views(db, rows).await?, total))
}

/// The caller's to-do list: a center's reported, accepted, feedback and verified cases of its
/// units; a department's dispatched and handling cases; a reporter's cases waiting for a check.
pub async fn inbox(db: &Db, u: &Actor, p: PageReq) -> DbResult<Page<Case>> {
    let c = &db.conn;
    let mut any = Condition::any();
    let mut some = false;
    if (u.can(Permission::CaseDispatch) || u.can(Permission::CaseSupervise))
        && let Some(unit) = u.org_unit_id
        && let Some(m) = org_unit::Entity::find_by_id(unit).one(c).await?
    {
        // Cases are owned by centers (never by grids): the centers at or below the caller's unit.
        let mut owned = Condition::all().add(
            case_record::Column::State.is_in(
                [
                    CaseState::Reported,
                    CaseState::Accepted,
                    CaseState::Feedback,
                    CaseState::Verified,
                ]
                .map(CaseState::as_str),
            ),
        );
        if effective_scope(c, &Scope::Subtree { path: m.path.clone() }).await? != Scope::All {
            let centers: Vec<i64> = org_unit::Entity::find()
                .select_only()
                .column(org_unit::Column::Id)
                .filter(org_unit::Column::Path.starts_with(m.path.as_str()))
                .filter(org_unit::Column::Level.ne("grid"))
                .into_tuple()
                .all(c)
                .await?;
            owned = owned.add(case_record::Column::OwnerUnitId.is_in(centers));
        }
        any = any.add(owned);
        some = true;
    }
    if u.can(Permission::CaseHandle)
        && let Some(d) = u.department_id
    {
        any = any.add(Condition::all().add(case_record::Column::DepartmentId.eq(d)).add(
            case_record::Column::State.is_in([CaseState::Dispatched, CaseState::Handling].map(CaseState::as_str)),
        ));
        some = true;
    }
    if u.can(Permission::CaseReport)
        && let Some(uid) = u.user_id
    {
        any = any.add(
            Condition::all()
                .add(case_record::Column::ReporterUserId.eq(uid))
                .add(case_record::Column::State.eq(CaseState::Feedback.as_str())),
        );
        some = true;
    }
    if !some {
        return Ok(Page::new(vec![], 0));
    }
    let q = case_record::Entity::find().filter(any).filter(visible(c, u).await?);
    let (rows, total) = crate::page_of(
        db,
        q,
        |q| {
            q.order_by_asc(case_record::Column::DeadlineAt)
                .order_by_asc(case_record::Column::Id)
        },
        p,
    )
    .await?;
    Ok(Page::new(views(db, rows).await?, total))
}

/// Channels whose cases the public may read back; cases from grid workers and hotlines stay internal.
pub const PUBLIC_SOURCES: [&str; 2] = ["open311", "portal"];

#[derive(Debug, Default, Clone)]
pub struct PublicFilter {
    /// Case codes: when given, every other filter is left out (GeoReport v2).
    pub codes: Vec<String>,
    /// Any of these items; empty: every item.
    pub item_codes: Vec<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    /// Some(true): open only; Some(false): closed only.
    pub open: Option<bool>,
    pub limit: u64,
}

pub async fn public_cases(db: &Db, f: &PublicFilter) -> DbResult<Vec<Case>> {
    let mut q = case_record::Entity::find().filter(case_record::Column::Source.is_in(PUBLIC_SOURCES));
    if !f.codes.is_empty() {
        q = q.filter(case_record::Column::Code.is_in(f.codes.clone()));
    } else {
        if !f.item_codes.is_empty() {
            q = q.filter(case_record::Column::ItemCode.is_in(f.item_codes.clone()));
        }
        if let Some(t) = f.from {
            q = q.filter(case_record::Column::ReportedAt.gte(t));
        }
        if let Some(t) = f.to {
            q = q.filter(case_record::Column::ReportedAt.lte(t));
        }
        match f.open {
            Some(true) => q = q.filter(case_record::Column::State.is_in(OPEN_STATES.map(CaseState::as_str))),
            Some(false) => q = q.filter(case_record::Column::State.is_not_in(OPEN_STATES.map(CaseState::as_str))),
            None => {}
        }
    }
    let rows = q
        .order_by_desc(case_record::Column::Id)
        .limit(f.limit.max(1))
        .all(&db.conn)
        .await?;
    views(db, rows).await
}

/// The case code behind an Open311 token.
pub async fn code_for_token(db: &Db, token: &str) -> DbResult<Option<String>> {
    Ok(case_record::Entity::find()
        .select_only()
        .column(case_record::Column::Code)
        .filter(case_record::Column::Open311Token.eq(token))
        .into_tuple()
        .one(&db.conn)
        .await?)
}

/// A timeline row of a public case, as Open311's service request updates show it.
#[derive(Debug, Clone)]
pub struct PublicUpdate {
    pub id: i64,
    pub case_code: String,
    /// The timeline action (`report`, `accept`, `dispatch`, …, `merge`).
    pub action: String,
    pub action_name: String,
    /// The state the row left the case in.
    pub to_state: String,
    pub note: String,
    pub at: DateTime<Utc>,
    /// The report's photo link, on the `report` row.
    pub media_url: String,
}

/// The timeline rows of public cases between two times, oldest first, at most `limit`; photo rows
/// change nothing a client shows and are left out.
pub async fn public_updates(
    db: &Db,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    limit: u64,
) -> DbResult<Vec<PublicUpdate>> {
    use sea_orm::sea_query::Query;
    let rows = case_event::Entity::find()
        .filter(case_event::Column::At.gte(from))
        .filter(case_event::Column::At.lte(to))
        .filter(case_event::Column::Action.is_not_in(["photo", "merged_from"]))
        .filter(
            case_event::Column::CaseId.in_subquery(
                Query::select()
                    .column(case_record::Column::Id)
                    .from(case_record::Entity)
                    .and_where(case_record::Column::Source.is_in(PUBLIC_SOURCES))
                    .to_owned(),
            ),
        )
        .order_by_asc(case_event::Column::At)
        .order_by_asc(case_event::Column::Id)
        .limit(limit.max(1))
        .all(&db.conn)
        .await?;
    let cases: std::collections::HashMap<i64, (String, String)> = case_record::Entity::find()
        .select_only()
        .columns([
            case_record::Column::Id,
            case_record::Column::Code,
            case_record::Column::MediaUrl,
        ])
        .filter(case_record::Column::Id.is_in(rows.iter().map(|r| r.case_id)))
        .into_tuple::<(i64, String, String)>()
        .all(&db.conn)
        .await?
        .into_iter()
        .map(|(id, code, media)| (id, (code, media)))
        .collect();
    Ok(rows
        .into_iter()
        .filter_map(|e| {
            let (code, media) = cases.get(&e.case_id)?.clone();
            let row = super::views::TimelineRow::from(e);
            Some(PublicUpdate {
                id: row.id,
                case_code: code,
                media_url: if row.action == "report" { media } else { String::new() },
                action_name: row.action_name,
                action: row.action,
                to_state: row.to_state,
                note: row.note,
                at: row.at,
            })
        })
        .collect())
}
