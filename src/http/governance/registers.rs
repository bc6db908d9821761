//! The standard registers (台账) of a month: the intake register (受理事项总登记本) and the
//! rectification register (排查整治登记本), as pages and as XLSX in the paper layout with the
//! unit and month in the head.
use axum::Json;
use axum::extract::State;
use axum::response::Response;
use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::IntoParams;
use zongguan_core::governance::screening::{Cadence, Period};
use zongguan_core::permission::Permission;
use zongguan_core::time::cst_date;
use zongguan_db::entity::org_unit;
use zongguan_db::governance::{
    self, IntakeFilter, IntakeRow, RectificationFilter, RectificationRow, RectificationStatus,
};
use zongguan_db::sea_orm::EntityTrait;

use crate::app::AppState;
use crate::caller::Caller;
use crate::error::{ApiError, ApiQuery, AppError, AppResult};
use crate::http::registry::Export;
use crate::http::{Paging, list_type};

list_type!(IntakeRegister, IntakeRow);
list_type!(RectificationRegister, RectificationRow);

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RegisterQuery {
    /// `YYYY-MM`; default this month.
    pub month: Option<String>,
    /// The unit whose register it is: its matters and those of every unit below it.
    pub org_unit_id: Option<i64>,
    /// Rectification register only: `open` | `overdue` | `rectified`.
    pub status: Option<String>,
}

fn month_of(s: Option<&str>) -> Result<Period, AppError> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(Period::of(Cadence::Month, cst_date(chrono::Utc::now()))),
        Some(m) if m.len() == 7 => {
            Period::parse(m).map_err(|_| AppError::invalid("month", "月份格式应为 YYYY-MM，如 2026-11"))
        }
        Some(_) => Err(AppError::invalid("month", "月份格式应为 YYYY-MM，如 2026-11")),
    }
}

fn status_of(s: Option<&str>) -> Result<Option<RectificationStatus>, AppError> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => RectificationStatus::parse(s)
            .map(Some)
            .ok_or_else(|| AppError::invalid("status", "整改状态应为 open、overdue 或 rectified")),
    }
}

/// The head's unit: the filter's (which must be in the caller's scope: another unit's register
/// is not found), else the caller's own, else the whole district.
async fn unit_name(st: &AppState, caller: &Caller, filter: Option<i64>) -> AppResult<String> {
    let find = |id: i64| org_unit::Entity::find_by_id(id).one(&st.db.conn);
    if let Some(id) = filter {
        let u = find(id)
            .await
            .map_err(zongguan_db::DbError::from)?
            .filter(|u| caller.scope.sees_unit(u.id, &u.path))
            .ok_or_else(AppError::not_found)?;
        return Ok(u.name);
    }
    Ok(match caller.actor().org_unit_id {
        Some(id) => find(id)
            .await
            .map_err(zongguan_db::DbError::from)?
            .map_or_else(|| "全区".to_string(), |u| u.name),
        None => "全区".into(),
    })
}

fn day(d: Option<NaiveDate>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

/// A register's paper layout: its title (also the sheet's and the audit target's name) and columns.
struct Layout {
    title: &'static str,
    target: &'static str,
    heads: &'static [&'static str],
    widths: &'static [f64],
}

/// A register being written as XLSX: numbered lines under the head of the unit and month, an
/// audited export when finished.
struct RegisterSheet {
    layout: &'static Layout,
    unit: String,
    month: Period,
    out: Export,
    lines: u64,
    failed: Option<AppError>,
}

impl RegisterSheet {
    fn start(layout: &'static Layout, unit: String, month: Period) -> AppResult<RegisterSheet> {
        let out = Export::with_head(
            layout.title,
            layout.title,
            &format!("单位：{unit}　　　　月份：{}", month.zh()),
            layout.heads,
            layout.widths,
        )?;
        Ok(RegisterSheet {
            layout,
            unit,
            month,
            out,
            lines: 0,
            failed: None,
        })
    }

    /// One line after its serial (序号); the first write error is kept for `finish`.
    fn line(&mut self, cells: impl IntoIterator<Item = String>) {
        self.lines += 1;
        let row: Vec<String> = std::iter::once(self.lines.to_string()).chain(cells).collect();
        if let Err(e) = self.out.row(&row)
            && self.failed.is_none()
        {
            self.failed = Some(e);
        }
    }

    async fn finish(self, st: &AppState, caller: &Caller) -> AppResult<Response> {
        if let Some(e) = self.failed {
            return Err(e);
        }
        zongguan_db::audit::record(
            &st.db,
            &caller.actor(),
            zongguan_db::audit::Event::ok("export", self.layout.target, self.month.code())
                .detail(format!("{} 导出 {} 条", self.unit, self.lines)),
        )
        .await?;
        self.out
            .finish(&format!(
                "{}-{}-{}.xlsx",
                self.layout.title,
                self.unit,
                self.month.code()
            ))
            .await
    }
}

#[utoipa::path(get, path = "/api/v1/registers/intake", tag = "governance", params(RegisterQuery, Paging), responses((status = 200, body = IntakeRegister), (status = 403, body = ApiError), (status = 422, body = ApiError)))]
pub async fn intake_register(
    State(st): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<RegisterQuery>,
    paging: Paging,
) -> AppResult<Json<IntakeRegister>> {
    caller.require(Permission::RegisterRead)?;
    let f = IntakeFilter {
        org_unit_id: q.org_unit_id,
        month: month_of(q.month.as_deref())?,
    };
    Ok(Json(
        governance::intake_register(&st.db, &caller.scope, &f, paging.req())
            .await?
            .into(),
    ))
}

const INTAKE: Layout = Layout {
    title: "受理事项总登记本",
    target: "intake_register",
    heads: &[
        "序号",
        "编号",
        "受理时间",
        "来源渠道",
        "当事人",
        "联系电话",
        "涉及人数",
        "事项类别",
        "内容及诉求",
        "发生地点",
        "拟办意见",
        "承办单位",
        "交办日期",
        "办结期限",
        "办理结果",
        "反馈日期",
        "回访满意度",
        "经办人",
        "备注",
    ],
    widths: &[
        6.0, 16.0, 17.0, 10.0, 10.0, 14.0, 8.0, 18.0, 36.0, 28.0, 16.0, 16.0, 11.0, 11.0, 24.0, 11.0, 10.0, 10.0, 20.0,
    ],
};

/// The month's intake register as XLSX (受理事项总登记本).
#[utoipa::path(get, path = "/api/v1/registers/intake/export", tag = "governance", params(RegisterQuery),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (status = 403, body = ApiError), (status = 422, body = ApiError)))]
pub async fn export_intake_register(
    State(st): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<RegisterQuery>,
) -> AppResult<Response> {
    caller.require(Permission::RegisterRead)?;
    let month = month_of(q.month.as_deref())?;
    let unit = unit_name(&st, &caller, q.org_unit_id).await?;
    let f = IntakeFilter {
        org_unit_id: q.org_unit_id,
        month,
    };
    let mut sheet = RegisterSheet::start(&INTAKE, unit, month)?;
    governance::each_intake_row(&st.db, &caller.scope, &f, |r| {
        sheet.line([
            r.number.clone(),
            r.accepted_at
                .with_timezone(&zongguan_core::time::cst())
                .format("%Y-%m-%d %H:%M")
                .to_string(),
            r.channel.clone(),
            r.party_name.clone(),
            r.party_phone.clone(),
            r.people.map(|p| p.to_string()).unwrap_or_default(),
            r.category.clone(),
            r.content.clone(),
            r.place.clone(),
            r.proposal.clone(),
            r.unit_assigned.clone(),
            day(r.assigned_on),
            day(r.deadline),
            r.result.clone(),
            day(r.feedback_on),
            r.satisfaction.clone(),
            r.handler.clone(),
            r.remarks.clone(),
        ]);
        Ok(())
    })
    .await?;
    sheet.finish(&st, &caller).await
}

#[utoipa::path(get, path = "/api/v1/registers/rectification", tag = "governance", params(RegisterQuery, Paging), responses((status = 200, body = RectificationRegister), (status = 403, body = ApiError), (status = 422, body = ApiError)))]
pub async fn rectification_register(
    State(st): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<RegisterQuery>,
    paging: Paging,
) -> AppResult<Json<RectificationRegister>> {
    caller.require(Permission::RegisterRead)?;
    let f = RectificationFilter {
        org_unit_id: q.org_unit_id,
        month: month_of(q.month.as_deref())?,
        status: status_of(q.status.as_deref())?,
    };
    Ok(Json(
        governance::rectification_register(&st.db, &caller.scope, &f, paging.req())
            .await?
            .into(),
    ))
}

const RECTIFICATION: Layout = Layout {
    title: "排查整治登记本",
    target: "rectification_register",
    heads: &[
        "序号",
        "排查日期",
        "排查地点",
        "所属社区",
        "所属网格",
        "排查类别",
        "发现问题及隐患",
        "隐患等级",
        "整改要求",
        "整改期限",
        "整改情况",
        "整改完成日期",
        "排查人",
        "责任人签字",
    ],
    widths: &[
        6.0, 11.0, 30.0, 14.0, 14.0, 10.0, 36.0, 9.0, 28.0, 11.0, 11.0, 12.0, 10.0, 10.0,
    ],
};

/// The month's rectification register as XLSX (排查整治登记本).
#[utoipa::path(get, path = "/api/v1/registers/rectification/export", tag = "governance", params(RegisterQuery),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (status = 403, body = ApiError), (status = 422, body = ApiError)))]
pub async fn export_rectification_register(
    State(st): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<RegisterQuery>,
) -> AppResult<Response> {
    caller.require(Permission::RegisterRead)?;
    let month = month_of(q.month.as_deref())?;
    let unit = unit_name(&st, &caller, q.org_unit_id).await?;
    let f = RectificationFilter {
        org_unit_id: q.org_unit_id,
        month,
        status: status_of(q.status.as_deref())?,
    };
    let mut sheet = RegisterSheet::start(&RECTIFICATION, unit, month)?;
    governance::each_rectification_row(&st.db, &caller.scope, &f, |r| {
        sheet.line([
            r.inspected_on.to_string(),
            r.place.clone(),
            r.community_name.clone(),
            r.grid_name.clone(),
            r.category.clone(),
            r.findings.clone(),
            r.level.clone(),
            r.rectification.clone(),
            day(r.rectify_by),
            r.status_zh.clone(),
            day(r.rectified_on),
            r.inspector_name.clone(),
            r.owner_signature.clone(),
        ]);
        Ok(())
    })
    .await?;
    sheet.finish(&st, &caller).await
}
