//! Who is calling: the session cookie or a personal API token, with roles, permissions and data scope.
use std::collections::HashMap;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode, header};
use sha2::{Digest, Sha256};
use zongguan_core::permission::Permission;
use zongguan_db::entity::app_user;
use zongguan_db::{Actor, Scope, auth};

use crate::app::AppState;
use crate::error::AppError;

pub const COOKIE: &str = "zg_session";

#[derive(Debug, Clone)]
pub struct Caller {
    pub user: app_user::Model,
    pub roles: Vec<String>,
    pub permissions: Vec<String>,
    pub scope: Scope,
    /// Hash of the session id, or none for an API token.
    pub session_id: Option<String>,
    pub csrf_token: Option<String>,
    pub client_addr: String,
}

impl Caller {
    pub fn can(&self, perm: Permission) -> bool {
        self.permissions.iter().any(|p| p == perm.code())
    }
    pub fn require(&self, perm: Permission) -> Result<(), AppError> {
        if self.can(perm) {
            Ok(())
        } else {
            Err(AppError::forbidden(perm.code()))
        }
    }
    /// Any one of `set` suffices.
    pub fn require_any(&self, set: &[Permission]) -> Result<(), AppError> {
        if set.iter().any(|p| self.can(*p)) {
            Ok(())
        } else {
            Err(AppError::forbidden(&zongguan_core::permission::any_of(set)))
        }
    }
    pub fn actor(&self) -> Actor {
        Actor {
            user_id: Some(self.user.id),
            username: self.user.username.clone(),
            name: self.user.display_name.clone(),
            org_unit_id: Some(self.user.org_unit_id),
            department_id: self.user.department_id,
            scope: self.scope.clone(),
            permissions: self.permissions.clone(),
            client_addr: self.client_addr.clone(),
        }
    }
}

pub fn sha256_hex(s: &str) -> String {
    hex::encode(Sha256::digest(s.as_bytes()))
}

pub fn client_addr(parts: &Parts) -> String {
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_else(|| "unknown".into())
}

pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|kv| {
            let (k, v) = kv.trim().split_once('=')?;
            (k == name).then(|| v.to_string())
        })
}

/// Paths a user may still call while a password change or TOTP enrolment is pending.
fn allowed_while_pending(path: &str, totp: bool) -> bool {
    matches!(
        path,
        "/api/v1/auth/me" | "/api/v1/auth/logout" | "/api/v1/auth/password"
    ) || (totp && matches!(path, "/api/v1/auth/totp/setup" | "/api/v1/auth/totp/enable"))
}

/// Callers resolved from a session cookie, kept a short while and dropped as soon as
/// `auth_epoch` moves (any write to users, roles, grants, scopes, units or sessions, on any
/// instance): a request then costs one read instead of the eight that resolve a caller. API
/// tokens are resolved every time (their expiry is theirs to keep).
#[derive(Default)]
pub struct CallerCache {
    inner: std::sync::Mutex<HashMap<String, (Caller, i64, Instant)>>,
}

impl CallerCache {
    /// An entry lives this long, so a session is touched (and its idle limit checked) as before.
    const LIFE: Duration = Duration::from_secs(30);
    const MAX: usize = 100_000;

    fn get(&self, sid: &str, epoch: i64) -> Option<Caller> {
        let map = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        map.get(sid)
            .filter(|(_, e, at)| *e == epoch && at.elapsed() < Self::LIFE)
            .map(|(c, _, _)| c.clone())
    }

    fn put(&self, sid: String, c: Caller, epoch: i64) {
        let mut map = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() >= Self::MAX {
            map.retain(|_, (_, e, at)| *e == epoch && at.elapsed() < Self::LIFE);
            if map.len() >= Self::MAX {
                map.clear();
            }
        }
        map.insert(sid, (c, epoch, Instant::now()));
    }
}

/// A session's caller from the database: the session (touched), the user, roles, permissions, scope.
async fn from_session(state: &AppState, sid: String) -> Result<Caller, AppError> {
    let db = &state.db;
    let s = auth::touch_session(db, &sid, state.idle())
        .await?
        .ok_or_else(AppError::unauthenticated)?;
    let user = auth::find_by_id(db, s.user_id)
        .await?
        .ok_or_else(AppError::unauthenticated)?;
    resolve(state, user, Some(sid), Some(s.csrf_token)).await
}

async fn resolve(
    state: &AppState,
    user: app_user::Model,
    session_id: Option<String>,
    csrf_token: Option<String>,
) -> Result<Caller, AppError> {
    let db = &state.db;
    let roles = auth::role_codes(&db.conn, &[user.id])
        .await?
        .remove(&user.id)
        .unwrap_or_default();
    let permissions = auth::permissions(&db.conn, user.id).await?;
    let scope = zongguan_db::scope::resolve(&db.conn, &user).await?;
    Ok(Caller {
        user,
        roles,
        permissions,
        scope,
        session_id,
        csrf_token,
        client_addr: String::new(),
    })
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        if let Some(c) = parts.extensions.get::<Caller>() {
            return Ok(c.clone());
        }
        let db = &state.db;
        let bearer = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .map(String::from);
        let mut caller = if let Some(token) = bearer {
            let user = auth::user_for_token(db, &sha256_hex(&token))
                .await?
                .ok_or_else(AppError::unauthenticated)?;
            resolve(state, user, None, None).await?
        } else {
            let token = cookie(&parts.headers, COOKIE).ok_or_else(AppError::unauthenticated)?;
            let sid = sha256_hex(&token);
            let epoch = auth::auth_epoch(db).await?;
            match state.callers.get(&sid, epoch) {
                Some(c) => c,
                None => {
                    let c = from_session(state, sid.clone()).await?;
                    state.callers.put(sid, c.clone(), epoch);
                    c
                }
            }
        };
        // CSRF: every state-changing request made with the cookie carries the session's token.
        if let Some(expected) = &caller.csrf_token
            && !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS)
        {
            let sent = parts
                .headers
                .get("x-csrf-token")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            if sent != expected {
                return Err(AppError::new(
                    StatusCode::FORBIDDEN,
                    "csrf_failed",
                    "缺少或错误的 X-CSRF-Token",
                ));
            }
        }
        let user = &caller.user;
        // Only an administrator's lock ends access; failed logins throttle their source instead.
        if user.locked {
            return Err(AppError::new(StatusCode::LOCKED, "account_locked", "账号已锁定"));
        }
        let path = parts.uri.path();
        let totp_pending = state.totp_pending(user, &caller.permissions);
        if (user.must_change_password || totp_pending) && !allowed_while_pending(path, totp_pending) {
            return Err(if user.must_change_password {
                AppError::new(
                    StatusCode::FORBIDDEN,
                    "password_change_required",
                    "首次登录或密码被重置，请先修改密码",
                )
            } else {
                AppError::new(
                    StatusCode::FORBIDDEN,
                    "totp_enrollment_required",
                    "管理员须先启用双因素认证",
                )
            });
        }
        caller.client_addr = client_addr(parts);
        parts.extensions.insert(caller.clone());
        Ok(caller)
    }
}

/// The client's address and user agent, for the login log.
pub struct ClientInfo {
    pub addr: String,
    pub user_agent: String,
}

impl<S: Send + Sync> FromRequestParts<S> for ClientInfo {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self {
            addr: client_addr(parts),
            user_agent: parts
                .headers
                .get(header::USER_AGENT)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_string(),
        })
    }
}
