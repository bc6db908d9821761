//! Screening rounds (排查): a community's half-month round or a subdistrict's monthly one, the
//! disputes it found by type or an explicit zero report (零报告), and the rounds due or missing.
use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{NaiveDate, Utc};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;
use utoipa::ToSchema;
use zongguan_core::dict;
use zongguan_core::governance::screening::{Period, RoundStatus};
use zongguan_core::org::OrgLevel;
use zongguan_core::rbac::Scope;

use super::dispute_settings::dispute_settings;
use crate::audit::{self, Event};
use crate::entity::{dispute_screening, org_unit};
use crate::org::unit_names;
use crate::{Actor, Db, DbError, DbResult, Page, PageReq, scope};

pub(crate) const PLACED: scope::Placed<dispute_screening::Column> = scope::Placed {
    unit: dispute_screening::Column::OrgUnitId,
    subdistrict: dispute_screening::Column::SubdistrictId,
    community: dispute_screening::Column::CommunityId,
    owner: Some(dispute_screening::Column::ReportedBy),
};

fn today() -> NaiveDate {
    zongguan_core::time::cst_date(Utc::now())
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ScreeningRound {
    pub id: i64,
    pub org_unit_id: i64,
    pub org_unit_name: String,
    /// `2026-10-h1` | `2026-10-h2` | `2026-10`.
    pub period: String,
    /// `2026年10月上半月`.
    pub period_label: String,
    /// `half_month` | `month`.
    pub cadence: String,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    /// Disputes found, by `dispute_types` code (types with none left out).
    pub by_type: BTreeMap<String, u32>,
    pub found: i32,
    pub zero_report: bool,
    pub note: String,
    pub reporter_name: String,
    pub reported_at: chrono::DateTime<Utc>,
    /// Reported after the period's due day.
    pub late: bool,
}

fn view(r: dispute_screening::Model, names: &HashMap<i64, String>, grace: u32) -> ScreeningRound {
    let due = zongguan_core::governance::due::add_days(r.period_end, grace);
    ScreeningRound {
        org_unit_name: names.get(&r.org_unit_id).cloned().unwrap_or_default(),
        period_label: Period::parse(&r.period).map(|p| p.zh()).unwrap_or_default(),
        by_type: serde_json::from_str(&r.by_type).unwrap_or_default(),
        late: zongguan_core::time::cst_date(r.reported_at) > due,
        id: r.id,
        org_unit_id: r.org_unit_id,
        period: r.period,
        cadence: r.cadence,
        period_start: r.period_start,
        period_end: r.period_end,
        found: r.found,
        zero_report: r.zero_report,
        note: r.note,
        reporter_name: r.reporter_name,
        reported_at: r.reported_at,
    }
}

/// A round as the edge checked it: the period parsed, the counts by known type codes.
#[derive(Debug, Clone)]
pub struct RoundInput {
    pub org_unit_id: i64,
    pub period: Period,
    pub by_type: BTreeMap<&'static str, u32>,
    pub zero_report: bool,
    pub note: String,
}

/// Reports a unit's round, once per period: the core checks the level's cadence, that the period
/// has begun, and that nothing found is said explicitly.
pub async fn report_round(db: &Db, actor: &Actor, r: RoundInput) -> DbResult<ScreeningRound> {
    let settings = dispute_settings(&db.conn).await?.screening;
    let txn = db.begin_write().await?;
    let unit = org_unit::Entity::find_by_id(r.org_unit_id)
        .filter(scope::org_units(&actor.scope))
        .one(&*txn)
        .await?
        .ok_or_else(|| DbError::invalid("org_unit_id", "机构不存在或不在您的管辖范围内"))?;
    let level = OrgLevel::parse(&unit.level).map_err(|e| DbError::invalid("org_unit_id", e.to_string()))?;
    let found: u32 = r.by_type.values().sum();
    settings
        .check_round(level, r.period, found, r.zero_report, today())
        .map_err(|e| {
            let field = match e {
                zongguan_core::governance::screening::RoundRefusal::NoRounds => "org_unit_id",
                zongguan_core::governance::screening::RoundRefusal::WrongCadence(_)
                | zongguan_core::governance::screening::RoundRefusal::NotStarted(_) => "period",
                _ => "zero_report",
            };
            DbError::invalid(field, e.to_string())
        })?;
    let by_type: BTreeMap<&str, u32> = r
        .by_type
        .iter()
        .filter(|(_, n)| **n > 0)
        .map(|(k, n)| (*k, *n))
        .collect();
    let m = dispute_screening::ActiveModel {
        org_unit_id: Set(unit.id),
        subdistrict_id: Set(unit.subdistrict_id),
        community_id: Set(unit.community_id),
        period: Set(r.period.code()),
        cadence: Set(r.period.cadence().as_str().into()),
        period_start: Set(r.period.start()),
        period_end: Set(r.period.end()),
        by_type: Set(serde_json::to_string(&by_type).unwrap_or_else(|_| "{}".into())),
        found: Set(i32::try_from(found).unwrap_or(i32::MAX)),
        zero_report: Set(r.zero_report),
        note: Set(r.note.clone()),
        reported_by: Set(actor.user_id),
        reporter_name: Set(actor.name.clone()),
        reported_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&*txn)
    .await
    .map_err(|e| DbError::from(e).unique_on("period", &format!("{}已报送{}的排查", unit.name, r.period.zh())))?;
    audit::append(
        &*txn,
        db.backend,
        actor,
        Event::ok("report", "dispute_screening", m.id).detail(format!(
            "{} {} {}",
            unit.name,
            m.period,
            if m.zero_report {
                "零报告".to_string()
            } else {
                format!("排查出 {found} 件")
            }
        )),
    )
    .await?;
    txn.commit().await?;
    let n = HashMap::from([(unit.id, unit.name)]);
    Ok(view(m, &n, settings.grace_days))
}

#[derive(Debug, Default, Clone)]
pub struct RoundFilter {
    pub org_unit_id: Option<i64>,
    pub period: Option<Period>,
    pub zero_report: Option<bool>,
}

/// Rounds under the scope, newest first.
pub async fn list_rounds(db: &Db, scope: &Scope, f: &RoundFilter, p: PageReq) -> DbResult<Page<ScreeningRound>> {
    let grace = dispute_settings(&db.conn).await?.screening.grace_days;
    let mut q =
        dispute_screening::Entity::find().filter(scope::placed_under(&db.conn, scope, f.org_unit_id, &PLACED).await?);
    if let Some(p) = f.period {
        q = q.filter(dispute_screening::Column::Period.eq(p.code()));
    }
    if let Some(z) = f.zero_report {
        q = q.filter(dispute_screening::Column::ZeroReport.eq(z));
    }
    let sort = crate::listing::SortKey {
        key: None,
        id: dispute_screening::Column::Id,
        desc: true,
    };
    let mut page = crate::listing::page_rows(&db.conn, q, &sort, &p, |r| r.id).await?;
    let rows = std::mem::take(&mut page.items);
    let n = unit_names(&db.conn, rows.iter().map(|r| r.org_unit_id)).await?;
    Ok(page.with_items(rows.into_iter().map(|r| view(r, &n, grace)).collect()))
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PeriodStatus {
    pub period: String,
    pub period_label: String,
    pub due_on: NaiveDate,
    /// `upcoming` | `open` | `reported` | `missing`.
    pub status: String,
}

/// Where one unit's rounds stand: the current period and every missing one since `since`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UnitRounds {
    pub org_unit_id: i64,
    pub org_unit_name: String,
    /// `community` | `subdistrict`.
    pub level: String,
    /// `half_month` | `month`.
    pub cadence: String,
    pub current: PeriodStatus,
    /// Past due and not reported, oldest first.
    pub missing: Vec<PeriodStatus>,
    pub last_reported: Option<String>,
}

/// The communities and subdistricts under the scope (and the filter unit) with their current
/// round and the rounds missing since `since`; units with something missing first.
pub async fn rounds_due(
    db: &Db,
    scope: &Scope,
    org_unit_id: Option<i64>,
    since: NaiveDate,
) -> DbResult<Vec<UnitRounds>> {
    let settings = dispute_settings(&db.conn).await?.screening;
    let mut q = org_unit::Entity::find()
        .filter(scope::org_units(scope))
        .filter(org_unit::Column::Level.is_in(["community", "subdistrict"]));
    if let Some(id) = org_unit_id {
        // A unit outside the scope is not found, as a record would be.
        let u = org_unit::Entity::find_by_id(id)
            .filter(scope::org_units(scope))
            .one(&db.conn)
            .await?
            .ok_or(DbError::NotFound)?;
        q = q.filter(org_unit::Column::Path.starts_with(u.path.as_str()));
    }
    let units = q.order_by_asc(org_unit::Column::Path).all(&db.conn).await?;
    let ids: Vec<i64> = units.iter().map(|u| u.id).collect();
    let since_start = since.min(today());
    let reported: Vec<(i64, String)> = dispute_screening::Entity::find()
        .select_only()
        .columns([dispute_screening::Column::OrgUnitId, dispute_screening::Column::Period])
        .filter(dispute_screening::Column::OrgUnitId.is_in(ids))
        .filter(dispute_screening::Column::PeriodEnd.gte(since_start))
        .into_tuple()
        .all(&db.conn)
        .await?;
    let mut by_unit: HashMap<i64, HashSet<String>> = HashMap::new();
    for (u, p) in reported {
        by_unit.entry(u).or_default().insert(p);
    }
    let today = today();
    let status = |p: Period, done: bool| PeriodStatus {
        period: p.code(),
        period_label: p.zh(),
        due_on: settings.due(p),
        status: settings.status(p, done, today).as_str().into(),
    };
    let mut out = Vec::new();
    for u in units {
        let Some(level) = OrgLevel::parse(&u.level).ok() else {
            continue;
        };
        let Some(cadence) = settings.cadence(level) else {
            continue;
        };
        let done = by_unit.remove(&u.id).unwrap_or_default();
        let periods: Vec<Period> = done.iter().filter_map(|p| Period::parse(p).ok()).collect();
        let current = Period::of(cadence, today);
        let missing = settings
            .missing(cadence, since_start, &periods, today)
            .into_iter()
            .map(|p| status(p, false))
            .collect();
        let last_reported = periods
            .iter()
            .filter(|p| p.cadence() == cadence)
            .max()
            .map(|p| p.code());
        out.push(UnitRounds {
            org_unit_id: u.id,
            org_unit_name: u.name,
            level: u.level,
            cadence: cadence.as_str().into(),
            current: status(current, periods.contains(&current)),
            missing,
            last_reported,
        });
    }
    out.sort_by_key(|u| (u.missing.is_empty(), u.current.status != RoundStatus::Open.as_str()));
    Ok(out)
}

/// The type codes a round may count, checked at the edge.
pub fn dispute_type_code(code: &str) -> Option<&'static str> {
    dict::DISPUTE_TYPES.iter().find(|(c, _)| *c == code).map(|(c, _)| *c)
}
