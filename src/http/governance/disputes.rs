//! Disputes (矛盾纠纷): register with parties from the registry, the mediation flow step by step,
//! screening rounds with zero reports and the rounds due, and the monthly tally (page and XLSX).
use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use zongguan_core::dict;
use zongguan_core::field::{self, FieldError};
use zongguan_core::governance::Satisfaction;
use zongguan_core::governance::dispute_flow::{Agreement, DisputeState, Referral};
use zongguan_core::governance::dispute_kind::credit_code;
use zongguan_core::governance::screening::Period;
use zongguan_core::permission::Permission;
use zongguan_db::governance::{
    self, Dispute, DisputeDetail, DisputeFilter, DisputeStep, DisputeTally, NewDispute, PartyInput, RoundFilter,
    RoundInput, ScreeningRound, UnitRounds,
};

use crate::app::AppState;
use crate::caller::Caller;
use crate::error::{ApiError, ApiJson, ApiPath, ApiQuery, AppError, AppResult};
use crate::http::{Paging, list_type};

list_type!(DisputeList, Dispute);
list_type!(ScreeningRoundList, ScreeningRound);
list_type!(UnitRoundsList, UnitRounds);

fn text(field: &'static str, label: &str, s: Option<String>, max: usize) -> Result<String, AppError> {
    Ok(field::optional_text(field, label, s.as_deref().unwrap_or(""), max)?)
}

fn code(field: &'static str, label: &str, d: dict::Dict, s: &str) -> Result<&'static str, AppError> {
    // Codes only over the API (the dicts endpoint names them); the Chinese word is for sheets.
    d.iter().find(|(c, _)| *c == s.trim()).map(|(c, _)| *c).ok_or_else(|| {
        let codes: Vec<&str> = d.iter().map(|(c, _)| *c).collect();
        AppError::invalid(field, format!("{label}应为 {} 之一", codes.join("、")))
    })
}

/// `YYYY-MM-DD`, as the end of that China day: a deadline "by the 20th" runs through the 20th.
fn deadline(field: &'static str, s: Option<&str>) -> Result<Option<DateTime<Utc>>, AppError> {
    let Some(d) = field::optional_date(field, "期限", s)? else {
        return Ok(None);
    };
    Ok(Some(
        zongguan_core::time::cst_midnight(zongguan_core::governance::due::add_days(d, 1)) - Duration::seconds(1),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PartyForm {
    /// `applicant` | `respondent`.
    pub role: String,
    /// A resident of the registry (found by identity number or name): nothing else is sent.
    pub resident_id: Option<i64>,
    /// An organisation party instead: its name and unified social credit code.
    pub org_name: Option<String>,
    pub credit_code: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DisputeForm {
    /// `screening` | `walk_in` | `transfer` | `case`.
    pub source: String,
    /// `visit` | `phone` | `hotline` | `website` | `wechat` | `department` | `grid_worker`; default
    /// `visit`.
    pub channel: Option<String>,
    /// A `dispute_types` code.
    pub dispute_type: String,
    pub people_involved: u32,
    #[serde(default)]
    pub major: bool,
    /// `low` | `medium` | `high`; default `low`.
    pub risk_level: Option<String>,
    /// What happened (the register's content).
    pub summary: String,
    /// What the parties ask for.
    pub demand: Option<String>,
    pub address: Option<String>,
    /// WGS 84: the dispute is placed in the grid holding the point.
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    /// The unit where it happened, when there is no point.
    pub org_unit_id: Option<i64>,
    /// The screening round that found it.
    pub screening_id: Option<i64>,
    pub parties: Vec<PartyForm>,
}

impl TryFrom<DisputeForm> for NewDispute {
    type Error = AppError;

    fn try_from(f: DisputeForm) -> Result<Self, AppError> {
        let point = match (f.lon, f.lat) {
            (Some(lon), Some(lat)) => {
                if !(-180.0..=180.0).contains(&lon) {
                    return Err(AppError::invalid("lon", "经度应在 -180 到 180 之间"));
                }
                if !(-90.0..=90.0).contains(&lat) {
                    return Err(AppError::invalid("lat", "纬度应在 -90 到 90 之间"));
                }
                Some((lon, lat))
            }
            (None, None) => None,
            (None, Some(_)) => return Err(AppError::invalid("lon", "请同时填写经度和纬度")),
            (Some(_), None) => return Err(AppError::invalid("lat", "请同时填写经度和纬度")),
        };
        if f.people_involved == 0 {
            return Err(AppError::invalid("people_involved", "涉及人数至少为 1"));
        }
        if f.people_involved > 1_000_000 {
            return Err(AppError::invalid("people_involved", "涉及人数过大"));
        }
        if f.parties.len() > 50 {
            return Err(AppError::invalid("parties", "当事人不能超过 50 个"));
        }
        let mut parties = Vec::new();
        for p in f.parties {
            let role = code(
                "parties",
                "当事人身份",
                &[("applicant", ""), ("respondent", "")],
                &p.role,
            )?;
            parties.push(match (p.resident_id, p.org_name) {
                (Some(id), None) => PartyInput::Resident { role, resident_id: id },
                (None, Some(name)) => PartyInput::Organisation {
                    role,
                    name: field::required("org_name", "单位名称", &name, 200)?,
                    credit_code: match p.credit_code.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
                        Some(c) => credit_code(c)?,
                        None => String::new(),
                    },
                },
                _ => {
                    return Err(AppError::invalid(
                        "parties",
                        "当事人应为实有人口库中的居民（resident_id）或单位（org_name），二者选一",
                    ));
                }
            });
        }
        Ok(NewDispute {
            source: code("source", "来源", dict::DISPUTE_SOURCES, &f.source)?,
            channel: code(
                "channel",
                "受理渠道",
                dict::DISPUTE_CHANNELS,
                f.channel.as_deref().unwrap_or("visit"),
            )?,
            dispute_type: code("dispute_type", "纠纷类型", dict::DISPUTE_TYPES, &f.dispute_type)?,
            people_involved: f.people_involved,
            major: f.major,
            risk_level: code(
                "risk_level",
                "风险等级",
                dict::DISPUTE_RISK_LEVELS,
                f.risk_level.as_deref().unwrap_or("low"),
            )?,
            summary: field::required("summary", "纠纷概要", &f.summary, 4000)?,
            demand: text("demand", "当事人诉求", f.demand, 2000)?,
            address: text("address", "发生地点", f.address, 200)?,
            point,
            org_unit_id: f.org_unit_id,
            screening_id: f.screening_id,
            parties,
        })
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DisputeQuery {
    /// An org unit: its disputes and those of every unit below it.
    pub org_unit_id: Option<i64>,
    /// `registered` | `assigned` | `mediating` | `agreement` | `failed` | `closed`.
    pub state: Option<String>,
    pub dispute_type: Option<String>,
    pub major: Option<bool>,
    /// Only open disputes past their step deadline.
    pub overdue: Option<bool>,
    /// Registered from / to (`YYYY-MM-DD`, inclusive).
    pub from: Option<String>,
    pub to: Option<String>,
    /// The number (`JF2026-000123`) or part of the summary.
    pub q: Option<String>,
}

fn nonempty(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

#[utoipa::path(get, path = "/api/v1/disputes", tag = "governance", params(DisputeQuery, Paging), responses((status = 200, body = DisputeList), (status = 403, body = ApiError), (status = 422, body = ApiError)))]
pub async fn list_disputes(
    State(st): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<DisputeQuery>,
    paging: Paging,
) -> AppResult<Json<DisputeList>> {
    caller.require(Permission::DisputeRead)?;
    let state = match nonempty(&q.state) {
        Some(s) => Some(DisputeState::parse(s).ok_or_else(|| {
            AppError::invalid(
                "state",
                "状态应为 registered、assigned、mediating、agreement、failed 或 closed",
            )
        })?),
        None => None,
    };
    let f = DisputeFilter {
        org_unit_id: q.org_unit_id,
        state,
        dispute_type: nonempty(&q.dispute_type)
            .map(|t| code("dispute_type", "纠纷类型", dict::DISPUTE_TYPES, t))
            .transpose()?,
        major: q.major,
        overdue: q.overdue.unwrap_or(false),
        from: field::optional_date("from", "登记日期起", q.from.as_deref())?,
        to: field::optional_date("to", "登记日期止", q.to.as_deref())?,
        q: q.q,
    };
    Ok(Json(
        governance::list_disputes(&st.db, &caller.scope, &f, paging.req())
            .await?
            .into(),
    ))
}

/// Registers a dispute (audited) with its number `JF<year>-<serial>`; resident parties are ids
/// from the registry, never retyped.
#[utoipa::path(post, path = "/api/v1/disputes", tag = "governance", request_body = DisputeForm, responses((status = 201, body = DisputeDetail), (status = 403, body = ApiError), (status = 422, body = ApiError)))]
pub async fn create_dispute(
    State(st): State<AppState>,
    caller: Caller,
    ApiJson(f): ApiJson<DisputeForm>,
) -> AppResult<(StatusCode, Json<DisputeDetail>)> {
    caller.require(Permission::DisputeWrite)?;
    let n = NewDispute::try_from(f)?;
    Ok((
        StatusCode::CREATED,
        Json(governance::register_dispute(&st.db, &caller.actor(), n).await?),
    ))
}

/// A dispute with its parties (identity numbers and phones masked), timeline and the steps the
/// caller may take now.
#[utoipa::path(get, path = "/api/v1/disputes/{id}", tag = "governance", params(("id" = i64, Path)), responses((status = 200, body = DisputeDetail), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub async fn get_dispute(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<DisputeDetail>> {
    caller.require(Permission::DisputeRead)?;
    Ok(Json(governance::get_dispute(&st.db, &caller.actor(), id).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignForm {
    /// The unit that mediates (交办单位).
    pub unit_id: i64,
    /// The mediator's account, or a name.
    pub mediator_id: Option<i64>,
    pub mediator_name: Option<String>,
    /// `YYYY-MM-DD`; default the mediation limit in working days.
    pub deadline: Option<String>,
    pub note: Option<String>,
}

async fn step(st: &AppState, caller: &Caller, id: i64, s: DisputeStep) -> AppResult<Json<DisputeDetail>> {
    Ok(Json(governance::act(&st.db, &caller.actor(), id, s).await?))
}

/// 交办: to a unit and a mediator with a deadline (from `registered`).
#[utoipa::path(post, path = "/api/v1/disputes/{id}/assign", tag = "governance", params(("id" = i64, Path)), request_body = AssignForm, responses((status = 200, body = DisputeDetail), (status = 403, body = ApiError), (status = 404, body = ApiError), (status = 409, body = ApiError), (status = 422, body = ApiError)))]
pub async fn assign_dispute(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(f): ApiJson<AssignForm>,
) -> AppResult<Json<DisputeDetail>> {
    caller.require(Permission::DisputeAssign)?;
    let s = DisputeStep::Assign {
        unit_id: f.unit_id,
        mediator_id: f.mediator_id,
        mediator_name: text("mediator_name", "调解员", f.mediator_name, 100)?,
        deadline: deadline("deadline", f.deadline.as_deref())?,
        note: text("note", "交办意见", f.note, 1000)?,
    };
    step(&st, &caller, id, s).await
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SessionForm {
    /// `YYYY-MM-DD`; default today.
    pub session_on: Option<String>,
    pub participants: String,
    pub content: String,
}

/// A mediation session (调解记录): date, participants, content.
#[utoipa::path(post, path = "/api/v1/disputes/{id}/sessions", tag = "governance", params(("id" = i64, Path)), request_body = SessionForm, responses((status = 200, body = DisputeDetail), (status = 403, body = ApiError), (status = 404, body = ApiError), (status = 409, body = ApiError), (status = 422, body = ApiError)))]
pub async fn record_dispute_session(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(f): ApiJson<SessionForm>,
) -> AppResult<Json<DisputeDetail>> {
    caller.require(Permission::DisputeWrite)?;
    let today = zongguan_core::time::cst_date(Utc::now());
    let s = DisputeStep::Session {
        on: field::optional_date("session_on", "调解日期", f.session_on.as_deref())?.unwrap_or(today),
        participants: field::required("participants", "参加人员", &f.participants, 500)?,
        content: field::required("content", "调解情况", &f.content, 4000)?,
    };
    step(&st, &caller, id, s).await
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgreementForm {
    pub agreement_text: String,
    /// A written agreement both parties signed; false for an oral one.
    pub signed: bool,
    pub note: Option<String>,
}

/// The mediation ends in an agreement (调解成功).
#[utoipa::path(post, path = "/api/v1/disputes/{id}/agreement", tag = "governance", params(("id" = i64, Path)), request_body = AgreementForm, responses((status = 200, body = DisputeDetail), (status = 403, body = ApiError), (status = 404, body = ApiError), (status = 409, body = ApiError), (status = 422, body = ApiError)))]
pub async fn record_dispute_agreement(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(f): ApiJson<AgreementForm>,
) -> AppResult<Json<DisputeDetail>> {
    caller.require(Permission::DisputeWrite)?;
    let s = DisputeStep::Agree {
        agreement: Agreement::parse(&f.agreement_text, f.signed)?,
        note: text("note", "说明", f.note, 1000)?,
    };
    step(&st, &caller, id, s).await
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FailForm {
    /// `court` | `arbitration` | `petition` | `administrative` | `other`.
    pub referral: String,
    pub reason: String,
}

/// The mediation fails and the dispute is referred elsewhere (调解不成).
#[utoipa::path(post, path = "/api/v1/disputes/{id}/fail", tag = "governance", params(("id" = i64, Path)), request_body = FailForm, responses((status = 200, body = DisputeDetail), (status = 403, body = ApiError), (status = 404, body = ApiError), (status = 409, body = ApiError), (status = 422, body = ApiError)))]
pub async fn fail_dispute(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(f): ApiJson<FailForm>,
) -> AppResult<Json<DisputeDetail>> {
    caller.require(Permission::DisputeWrite)?;
    let referral = Referral::parse(f.referral.trim()).ok_or_else(|| {
        AppError::invalid(
            "referral",
            "去向应为 court、arbitration、petition、administrative 或 other",
        )
    })?;
    let s = DisputeStep::Fail {
        referral,
        reason: field::required("reason", "调解不成的原因", &f.reason, 2000)?,
    };
    step(&st, &caller, id, s).await
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CloseForm {
    /// The party's answer on the return visit: `satisfied` | `basic` | `dissatisfied`.
    pub satisfaction: String,
    pub note: Option<String>,
}

/// The return visit (回访) and the closure (销案), after an agreement or a referral.
#[utoipa::path(post, path = "/api/v1/disputes/{id}/close", tag = "governance", params(("id" = i64, Path)), request_body = CloseForm, responses((status = 200, body = DisputeDetail), (status = 403, body = ApiError), (status = 404, body = ApiError), (status = 409, body = ApiError), (status = 422, body = ApiError)))]
pub async fn close_dispute(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(f): ApiJson<CloseForm>,
) -> AppResult<Json<DisputeDetail>> {
    caller.require(Permission::DisputeAssign)?;
    let satisfaction = Satisfaction::parse(f.satisfaction.trim())
        .ok_or_else(|| AppError::invalid("satisfaction", "满意度应为 satisfied、basic 或 dissatisfied"))?;
    let s = DisputeStep::Close {
        satisfaction,
        note: text("note", "回访情况", f.note, 2000)?,
    };
    step(&st, &caller, id, s).await
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SuperviseForm {
    pub reason: String,
    /// `YYYY-MM-DD`; default the supervision limit in working days.
    pub deadline: Option<String>,
}

/// 督办 an overdue step: a new deadline and the reason.
#[utoipa::path(post, path = "/api/v1/disputes/{id}/supervise", tag = "governance", params(("id" = i64, Path)), request_body = SuperviseForm, responses((status = 200, body = DisputeDetail), (status = 403, body = ApiError), (status = 404, body = ApiError), (status = 409, body = ApiError), (status = 422, body = ApiError)))]
pub async fn supervise_dispute(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(f): ApiJson<SuperviseForm>,
) -> AppResult<Json<DisputeDetail>> {
    caller.require(Permission::DisputeAssign)?;
    let s = DisputeStep::Supervise {
        reason: field::required("reason", "督办事由", &f.reason, 1000)?,
        deadline: deadline("deadline", f.deadline.as_deref())?,
    };
    step(&st, &caller, id, s).await
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScreeningForm {
    /// The community or subdistrict that screened.
    pub org_unit_id: i64,
    /// `2026-10-h1` | `2026-10-h2` (communities) or `2026-10` (subdistricts).
    pub period: String,
    /// Disputes found by `dispute_types` code.
    #[serde(default)]
    pub by_type: BTreeMap<String, u32>,
    /// Nothing found, said explicitly (零报告).
    #[serde(default)]
    pub zero_report: bool,
    pub note: Option<String>,
}

impl TryFrom<ScreeningForm> for RoundInput {
    type Error = AppError;

    fn try_from(f: ScreeningForm) -> Result<Self, AppError> {
        let period = Period::parse(f.period.trim()).map_err(|e| FieldError::new("period", e.to_string()))?;
        let mut by_type = BTreeMap::new();
        for (k, n) in f.by_type {
            let c = governance::dispute_type_code(&k)
                .ok_or_else(|| AppError::invalid("by_type", format!("纠纷类型无效：{k}")))?;
            if n > 100_000 {
                return Err(AppError::invalid("by_type", "数量过大"));
            }
            by_type.insert(c, n);
        }
        Ok(RoundInput {
            org_unit_id: f.org_unit_id,
            period,
            by_type,
            zero_report: f.zero_report,
            note: text("note", "说明", f.note, 2000)?,
        })
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ScreeningQuery {
    pub org_unit_id: Option<i64>,
    /// `2026-10-h1` | `2026-10`.
    pub period: Option<String>,
    pub zero_report: Option<bool>,
}

#[utoipa::path(get, path = "/api/v1/dispute-screenings", tag = "governance", params(ScreeningQuery, Paging), responses((status = 200, body = ScreeningRoundList), (status = 403, body = ApiError), (status = 422, body = ApiError)))]
pub async fn list_dispute_screenings(
    State(st): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<ScreeningQuery>,
    paging: Paging,
) -> AppResult<Json<ScreeningRoundList>> {
    caller.require(Permission::DisputeRead)?;
    let period = match nonempty(&q.period) {
        Some(p) => Some(Period::parse(p).map_err(|e| AppError::invalid("period", e.to_string()))?),
        None => None,
    };
    let f = RoundFilter {
        org_unit_id: q.org_unit_id,
        period,
        zero_report: q.zero_report,
    };
    Ok(Json(
        governance::list_rounds(&st.db, &caller.scope, &f, paging.req())
            .await?
            .into(),
    ))
}

/// Reports a screening round (audited): the disputes found by type, or a zero report.
#[utoipa::path(post, path = "/api/v1/dispute-screenings", tag = "governance", request_body = ScreeningForm, responses((status = 201, body = ScreeningRound), (status = 403, body = ApiError), (status = 409, body = ApiError), (status = 422, body = ApiError)))]
pub async fn report_dispute_screening(
    State(st): State<AppState>,
    caller: Caller,
    ApiJson(f): ApiJson<ScreeningForm>,
) -> AppResult<(StatusCode, Json<ScreeningRound>)> {
    caller.require(Permission::DisputeWrite)?;
    let r = RoundInput::try_from(f)?;
    Ok((
        StatusCode::CREATED,
        Json(governance::report_round(&st.db, &caller.actor(), r).await?),
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RoundsDueQuery {
    pub org_unit_id: Option<i64>,
    /// Missing rounds are counted from this day (`YYYY-MM-DD`); default the first day of the
    /// month three months before this one.
    pub since: Option<String>,
}

/// Each community's and subdistrict's current round and the rounds missing (超期未报).
#[utoipa::path(get, path = "/api/v1/dispute-screenings/due", tag = "governance", params(RoundsDueQuery), responses((status = 200, body = UnitRoundsList), (status = 403, body = ApiError), (status = 404, body = ApiError), (status = 422, body = ApiError)))]
pub async fn dispute_rounds_due(
    State(st): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<RoundsDueQuery>,
) -> AppResult<Json<UnitRoundsList>> {
    caller.require(Permission::DisputeRead)?;
    let today = zongguan_core::time::cst_date(Utc::now());
    let since = match field::optional_date("since", "起始日期", q.since.as_deref())? {
        Some(d) => d,
        None => {
            // The quarter before this month: what a center follows up, not the whole year.
            let first = today.with_day(1).unwrap_or(today);
            first.checked_sub_months(chrono::Months::new(3)).unwrap_or(first)
        }
    };
    Ok(Json(
        governance::rounds_due(&st.db, &caller.scope, q.org_unit_id, since)
            .await?
            .into(),
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TallyQuery {
    /// `2026-11`; default this month.
    pub month: Option<String>,
    pub org_unit_id: Option<i64>,
}

fn month_of(q: &TallyQuery) -> Result<NaiveDate, AppError> {
    match nonempty(&q.month) {
        Some(m) => governance::parse_month(m).ok_or_else(|| AppError::invalid("month", "月份格式应为 YYYY-MM")),
        None => {
            let today = zongguan_core::time::cst_date(Utc::now());
            Ok(governance::parse_month(&today.format("%Y-%m").to_string()).unwrap_or(today))
        }
    }
}

/// The month's tally: screened and mediated by type and size band, major apart, per community
/// with subdistrict subtotals, the total and the year to date.
#[utoipa::path(get, path = "/api/v1/dispute-tally", tag = "governance", params(TallyQuery), responses((status = 200, body = DisputeTally), (status = 403, body = ApiError), (status = 404, body = ApiError), (status = 422, body = ApiError)))]
pub async fn dispute_tally(
    State(st): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<TallyQuery>,
) -> AppResult<Json<DisputeTally>> {
    caller.require(Permission::DisputeRead)?;
    let month = month_of(&q)?;
    Ok(Json(
        governance::dispute_tally(&st.db, &caller.actor(), q.org_unit_id, month).await?,
    ))
}

/// The tally as XLSX (矛盾纠纷排查调处情况统计表), the unit and month in the head.
#[utoipa::path(get, path = "/api/v1/dispute-tally/export", tag = "governance", params(TallyQuery),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (status = 403, body = ApiError), (status = 404, body = ApiError), (status = 422, body = ApiError)))]
pub async fn export_dispute_tally(
    State(st): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<TallyQuery>,
) -> AppResult<Response> {
    caller.require(Permission::DisputeRead)?;
    let month = month_of(&q)?;
    let t = governance::dispute_tally(&st.db, &caller.actor(), q.org_unit_id, month).await?;
    let bytes = super::dispute_sheet::dispute_tally_xlsx(&t)
        .map_err(|e| AppError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", format!("导出失败：{e}")))?;
    Ok(crate::http::imports::xlsx_response(
        bytes,
        &format!("矛盾纠纷排查调处情况{}.xlsx", t.month),
    ))
}
