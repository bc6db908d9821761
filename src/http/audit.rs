//! The audit log and the login log: read-only, for the audit administrator; their XLSX export;
//! and [`denied`], which audits a refusal on a person's record.
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, NaiveDate, SecondsFormat, TimeDelta, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use zongguan_db::audit::{self, AuditFilter, LoginFilter};

use super::Paging;
use crate::app::AppState;
use crate::caller::Caller;
use crate::error::{ApiError, ApiQuery, AppError, AppResult};
use zongguan_core::permission::Permission;

#[derive(Serialize, ToSchema)]
pub struct AuditLog {
    pub id: i64,
    pub at: String,
    pub user_id: Option<i64>,
    pub username: String,
    pub action: String,
    pub object_type: String,
    pub object_id: Option<String>,
    /// success | denied | failure
    pub result: String,
    pub client_addr: String,
    pub detail: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct AuditLogList {
    pub items: Vec<AuditLog>,
    pub total: u64,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    pub username: Option<String>,
    pub action: Option<String>,
    /// `YYYY-MM-DD` or RFC 3339.
    pub from: Option<String>,
    pub to: Option<String>,
}

fn check_date(field: &str, v: &Option<String>) -> AppResult<()> {
    if let Some(s) = v.as_deref().filter(|s| !s.is_empty()) {
        let ok = NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok() || DateTime::parse_from_rfc3339(s).is_ok();
        if !ok {
            return Err(AppError::invalid(field, "日期格式须为 YYYY-MM-DD"));
        }
    }
    Ok(())
}

/// The audit log, newest first (permission `audit:read`).
#[utoipa::path(get, path = "/api/v1/audit-logs", tag = "audit", params(AuditQuery, Paging), responses((status = 200, body = AuditLogList), (status = 403, body = ApiError)))]
pub async fn list_audit_logs(
    State(st): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<AuditQuery>,
    paging: Paging,
) -> AppResult<Json<AuditLogList>> {
    caller.require(Permission::AuditRead)?;
    check_date("from", &q.from)?;
    check_date("to", &q.to)?;
    let p = paging.req();
    let f = AuditFilter {
        username: q.username,
        action: q.action,
        from: q.from,
        to: q.to,
    };
    let page = audit::list(&st.db, &caller.scope, &f, p).await?;
    Ok(Json(AuditLogList {
        total: page.total,
        items: page
            .items
            .into_iter()
            .map(|r| AuditLog {
                id: r.id,
                at: r.at,
                user_id: r.user_id,
                username: r.username,
                action: r.action,
                object_type: r.object_type,
                object_id: r.object_id,
                result: r.result,
                client_addr: r.client_addr,
                detail: r.detail,
            })
            .collect(),
    }))
}

#[derive(Serialize, ToSchema)]
pub struct LoginLog {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub username: String,
    pub user_id: Option<i64>,
    /// success | bad_password | unknown_user | locked | totp_failed
    pub result: String,
    pub client_addr: String,
    pub user_agent: String,
}

#[derive(Serialize, ToSchema)]
pub struct LoginLogList {
    pub items: Vec<LoginLog>,
    pub total: u64,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LoginQuery {
    pub username: Option<String>,
    pub result: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

/// Every login attempt, successful or not (permission `audit:read`).
#[utoipa::path(get, path = "/api/v1/login-logs", tag = "audit", params(LoginQuery, Paging), responses((status = 200, body = LoginLogList), (status = 403, body = ApiError)))]
pub async fn list_login_logs(
    State(st): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<LoginQuery>,
    paging: Paging,
) -> AppResult<Json<LoginLogList>> {
    caller.require(Permission::AuditRead)?;
    let p = paging.req();
    let f = LoginFilter {
        username: q.username,
        result: q.result,
        from: q.from.and_then(|d| d.and_hms_opt(0, 0, 0)).map(|d| d.and_utc()),
        to: q.to.and_then(|d| d.and_hms_opt(23, 59, 59)).map(|d| d.and_utc()),
    };
    let page = audit::list_logins(&st.db, &f, p).await?;
    Ok(Json(LoginLogList {
        total: page.total,
        items: page
            .items
            .into_iter()
            .map(|r| LoginLog {
                id: r.id,
                at: r.at,
                username: r.username,
                user_id: r.user_id,
                result: r.result,
                client_addr: r.client_addr,
                user_agent: r.user_agent,
            })
            .collect(),
    }))
}

/// Audits a refusal on a record: a 403, or a 404 (which is also what an out-of-scope id answers),
/// becomes an audit row with result `denied`; `result` is returned as it came. Handlers of a
/// person's record wrap their checks and their db call in it.
pub async fn denied<T>(
    st: &AppState,
    caller: &Caller,
    action: &str,
    object_type: &str,
    object_id: impl ToString,
    result: AppResult<T>,
) -> AppResult<T> {
    match result {
        Err(e) if e.status == StatusCode::FORBIDDEN || e.status == StatusCode::NOT_FOUND => {
            let why = format!("{} {}：{}", e.status.as_u16(), e.code, e.message);
            audit::denied(&st.db, &caller.actor(), action, object_type, object_id, &why).await?;
            Err(e)
        }
        r => r,
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditExportQuery {
    /// First day, `YYYY-MM-DD` (China time).
    #[param(value_type = String, format = Date)]
    pub from: Option<String>,
    /// Last day, included.
    #[param(value_type = String, format = Date)]
    pub to: Option<String>,
}

fn day(field: &str, v: Option<&str>) -> AppResult<NaiveDate> {
    let s = v
        .filter(|s| !s.is_empty())
        .ok_or_else(|| AppError::invalid(field, "请填写日期（YYYY-MM-DD）"))?;
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| AppError::invalid(field, "日期格式须为 YYYY-MM-DD"))
}

/// A stored moment (RFC 3339, UTC) as the auditor reads it: China time, to the second.
fn cst_text(at: &str) -> String {
    DateTime::parse_from_rfc3339(at)
        .map(|t| {
            t.with_timezone(&zongguan_core::time::cst())
                .format("%Y-%m-%d %H:%M:%S")
                .to_string()
        })
        .unwrap_or_else(|_| at.to_string())
}

fn result_word(r: &str) -> &str {
    match r {
        "success" => "成功",
        "denied" => "拒绝",
        "failure" => "失败",
        other => other,
    }
}

/// The audit log of the days `from`–`to` (China time) as XLSX, oldest first (permission
/// `audit:read`; the export is itself audited).
#[utoipa::path(get, path = "/api/v1/audit-logs/export", tag = "audit", params(AuditExportQuery),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (status = 403, body = ApiError), (status = 422, body = ApiError)))]
pub async fn export_audit_logs(
    State(st): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<AuditExportQuery>,
) -> AppResult<Response> {
    caller.require(Permission::AuditRead)?;
    let from = day("from", q.from.as_deref())?;
    let to = day("to", q.to.as_deref())?;
    if to < from {
        return Err(AppError::invalid("to", "结束日期不能早于开始日期"));
    }
    let stamp = |d: NaiveDate| zongguan_core::time::cst_midnight(d).to_rfc3339_opts(SecondsFormat::Micros, true);
    let (start, end) = (stamp(from), stamp(to + TimeDelta::days(1)));
    let headers = [
        "时间",
        "操作人",
        "操作",
        "对象类型",
        "对象",
        "结果",
        "客户端地址",
        "详情",
    ];
    let mut out = super::registry::Export::new("审计日志", &headers)?;
    let (mut after, mut count) = (0i64, 0u64);
    loop {
        let rows = audit::rows_between(&st.db, &caller.scope, &start, &end, after, 1000).await?;
        let Some(last) = rows.last() else { break };
        after = last.id;
        count += rows.len() as u64;
        for r in rows {
            out.row(&[
                cst_text(&r.at),
                r.username,
                r.action,
                r.object_type,
                r.object_id.unwrap_or_default(),
                result_word(&r.result).to_string(),
                r.client_addr,
                r.detail.unwrap_or_default(),
            ])?;
        }
    }
    audit::record(
        &st.db,
        &caller.actor(),
        audit::Event::ok("export", "audit_log", "").detail(format!("{from} 至 {to}，导出 {count} 条")),
    )
    .await?;
    out.finish(&format!("审计日志_{from}_{to}.xlsx")).await
}
