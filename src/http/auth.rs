//! Login, logout, the current session, password change, TOTP and personal API tokens.
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use rand::RngCore;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use zongguan_core::account::NewPassword;
use zongguan_core::field::named;
use zongguan_core::{password, totp};
use zongguan_db::audit::{self, Event};
use zongguan_db::auth::{self, ApiToken, User};
use zongguan_db::entity::app_user;
use zongguan_db::{Actor, Scope};

use crate::app::AppState;
use crate::caller::{COOKIE, Caller, ClientInfo, sha256_hex};
use crate::error::{ApiError, ApiJson, ApiPath, AppError, AppResult};
use crate::throttle;

use super::list_type;
use zongguan_core::permission::Permission;

list_type!(ApiTokenList, ApiToken);

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
    /// Six digits from the authenticator app, when TOTP is enabled for the account.
    pub totp_code: Option<String>,
}

/// The signed-in user, their roles, permissions and the CSRF token for state-changing requests.
#[derive(Serialize, ToSchema)]
pub struct Session {
    pub user: User,
    pub roles: Vec<String>,
    #[schema(value_type = Vec<crate::openapi::PermissionCode>)]
    pub permissions: Vec<String>,
    pub csrf_token: String,
    pub must_change_password: bool,
    pub must_enroll_totp: bool,
    pub idle_timeout_minutes: i64,
}

fn random_token(bytes: usize) -> String {
    let mut b = vec![0u8; bytes];
    rand::thread_rng().fill_bytes(&mut b);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
}

async fn session_view(st: &AppState, user: &app_user::Model, roles: Vec<String>, csrf: String) -> AppResult<Session> {
    let permissions = auth::permissions(&st.db.conn, user.id).await?;
    let view = auth::user_views(&st.db, vec![user.clone()]).await?.remove(0);
    Ok(Session {
        must_enroll_totp: st.totp_pending(user, &permissions),
        must_change_password: user.must_change_password,
        user: view,
        roles,
        permissions,
        csrf_token: csrf,
        idle_timeout_minutes: st.config.security.idle_timeout_minutes,
    })
}

fn actor_for(user: &app_user::Model, client: &ClientInfo) -> Actor {
    Actor {
        user_id: Some(user.id),
        username: user.username.clone(),
        name: user.display_name.clone(),
        org_unit_id: Some(user.org_unit_id),
        department_id: user.department_id,
        scope: Scope::OwnRecords { user_id: user.id },
        permissions: vec![],
        client_addr: client.addr.clone(),
    }
}

/// A refusal to try again before `wait` has passed: 429 with `Retry-After` in seconds.
fn too_many(wait: chrono::Duration, message: impl Into<String>) -> Response {
    let secs = (wait.num_milliseconds().max(0) + 999) / 1000;
    let mut r = AppError::new(StatusCode::TOO_MANY_REQUESTS, "too_many_attempts", message).into_response();
    if let Ok(v) = HeaderValue::from_str(&secs.max(1).to_string()) {
        r.headers_mut().insert(header::RETRY_AFTER, v);
    }
    r
}

fn minutes(wait: chrono::Duration) -> i64 {
    (wait.num_seconds() + 59) / 60
}

/// Log in with username and password (and TOTP code when enabled); sets the session cookie.
/// Unknown, locked and wrong answer alike (401). Failures are counted per account from one
/// client address and requests per address: past either, 429 with `Retry-After`. Failures never
/// lock the account nor end its sessions.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = Session), (status = 401, body = ApiError), (status = 429, body = ApiError)))]
pub async fn login(
    State(st): State<AppState>,
    client: ClientInfo,
    ApiJson(req): ApiJson<LoginRequest>,
) -> AppResult<Response> {
    let db = &st.db;
    let log = |user_id: Option<i64>, result: &'static str| {
        let (db, name, addr, ua) = (
            db.clone(),
            req.username.clone(),
            client.addr.clone(),
            client.user_agent.clone(),
        );
        async move { audit::record_login(&db, &name, user_id, result, &addr, &ua).await }
    };
    let bad = || AppError::new(StatusCode::UNAUTHORIZED, "invalid_credentials", "用户名或密码错误");
    let now = chrono::Utc::now();
    let username = req.username.trim();
    // `login_attempts_per_minute` requests pass; the one after waits.
    let source = format!("login:{}", client.addr);
    if let Some(wait) = st.throttles.retry_after(&source, st.login_rate(), now) {
        log(None, "throttled").await?;
        return Ok(too_many(wait, "登录请求过于频繁，请稍后再试"));
    }
    st.throttles.hit(&source, st.login_rate(), now);
    let key = throttle::account_from(username, &client.addr);
    let failures = st.failure_throttle();
    let user = auth::find_by_username(db, username).await?;
    if let Some(wait) = st.throttles.retry_after(&key, failures, now) {
        log(user.as_ref().map(|u| u.id), "throttled").await?;
        return Ok(too_many(
            wait,
            format!("密码错误次数过多，请 {} 分钟后再试", minutes(wait)),
        ));
    }
    let fail = |user_id: Option<i64>, result: &'static str| {
        st.throttles.hit(&key, failures, now);
        log(user_id, result)
    };
    let Some(user) = user else {
        // Spend the same time as a real check so that timing does not reveal which usernames exist.
        password::verify(
            &req.password,
            "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$dGhpc2lzbm90YXJlYWxoYXNoYnV0aXRpc2xvbmc",
        );
        fail(None, "unknown_user").await?;
        return Err(bad());
    };
    let password_ok = password::verify(&req.password, &user.password_hash);
    if user.locked {
        // Answered as an unknown user: a locked account does not reveal that it exists.
        fail(Some(user.id), "locked").await?;
        return Err(bad());
    }
    if !password_ok {
        fail(Some(user.id), "bad_password").await?;
        return Err(bad());
    }
    if user.totp_enabled {
        let Some(code) = req.totp_code.as_deref().filter(|c| !c.trim().is_empty()) else {
            return Err(
                AppError::new(StatusCode::UNAUTHORIZED, "totp_required", "请输入动态验证码").field("totp_code"),
            );
        };
        let secret = user
            .totp_secret
            .as_deref()
            .and_then(|s| db.cipher.decrypt(s).ok())
            .unwrap_or_default();
        let Some(step) = totp::matching_step(&secret, code, now.timestamp()) else {
            fail(Some(user.id), "totp_failed").await?;
            return Err(
                AppError::new(StatusCode::UNAUTHORIZED, "invalid_credentials", "动态验证码错误").field("totp_code"),
            );
        };
        // A code is accepted once: a second login with it (a code seen over a shoulder or
        // taken from the wire) is refused.
        if !auth::claim_totp_step(db, user.id, step).await? {
            fail(Some(user.id), "totp_replayed").await?;
            return Err(AppError::new(
                StatusCode::UNAUTHORIZED,
                "invalid_credentials",
                "动态验证码已使用过，请等待验证器显示下一个验证码",
            )
            .field("totp_code"));
        }
    }
    st.throttles.clear(&key);
    auth::register_success(db, &user).await?;
    log(Some(user.id), "success").await?;
    let token = random_token(32);
    let csrf = random_token(24);
    auth::create_session(
        db,
        user.id,
        &sha256_hex(&token),
        &csrf,
        &client.addr,
        &client.user_agent,
    )
    .await?;
    audit::record(db, &actor_for(&user, &client), Event::ok("login", "session", user.id)).await?;
    let roles = auth::role_codes(&db.conn, &[user.id])
        .await?
        .remove(&user.id)
        .unwrap_or_default();
    let body = session_view(&st, &user, roles, csrf).await?;
    let secure = if st.config.security.cookie_secure {
        "; Secure"
    } else {
        ""
    };
    let cookie = format!("{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict{secure}");
    let mut resp = Json(body).into_response();
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        resp.headers_mut().insert(header::SET_COOKIE, v);
    }
    Ok(resp)
}

/// End the session and clear the cookie.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", responses((status = 204)))]
pub async fn logout(State(st): State<AppState>, caller: Caller) -> AppResult<Response> {
    if let Some(sid) = &caller.session_id {
        auth::delete_session(&st.db, sid).await?;
    }
    audit::record(&st.db, &caller.actor(), Event::ok("logout", "session", caller.user.id)).await?;
    let mut resp = StatusCode::NO_CONTENT.into_response();
    resp.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_static("zg_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"),
    );
    Ok(resp)
}

/// The current session (a reloaded page recovers its CSRF token here).
#[utoipa::path(get, path = "/api/v1/auth/me", tag = "auth", responses((status = 200, body = Session), (status = 401, body = ApiError)))]
pub async fn me(State(st): State<AppState>, caller: Caller) -> AppResult<Json<Session>> {
    let csrf = caller.csrf_token.clone().unwrap_or_default();
    Ok(Json(session_view(&st, &caller.user, caller.roles.clone(), csrf).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    pub old_password: String,
    pub new_password: String,
}

/// Change one's own password (required at first login after an administrator set it). Wrong old
/// passwords are counted per client address and per account: past the limit, 429 with
/// `Retry-After` (a stolen session cannot guess the password). The new one may not be any of the
/// last five.
#[utoipa::path(post, path = "/api/v1/auth/password", tag = "auth", request_body = PasswordChange,
    responses((status = 204), (status = 422, body = ApiError), (status = 429, body = ApiError)))]
pub async fn change_password(
    State(st): State<AppState>,
    caller: Caller,
    ApiJson(req): ApiJson<PasswordChange>,
) -> AppResult<Response> {
    let now = chrono::Utc::now();
    let keys = [
        format!("pw:{}", caller.client_addr),
        format!("pw:user:{}", caller.user.id),
    ];
    let failures = st.failure_throttle();
    if let Some(wait) = keys.iter().find_map(|k| st.throttles.retry_after(k, failures, now)) {
        return Ok(too_many(
            wait,
            format!("原密码错误次数过多，请 {} 分钟后再试", minutes(wait)),
        ));
    }
    if !password::verify(&req.old_password, &caller.user.password_hash) {
        for k in &keys {
            st.throttles.hit(k, failures, now);
        }
        return Err(AppError::invalid("old_password", "原密码不正确"));
    }
    let new_pw = NewPassword::for_user(&req.new_password, &caller.user.username).map_err(named("new_password"))?;
    auth::change_own_password(
        &st.db,
        &caller.actor(),
        &caller.user,
        &new_pw,
        caller.session_id.as_deref().unwrap_or(""),
    )
    .await?;
    st.throttles.clear(&keys[1]);
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[derive(Serialize, ToSchema)]
pub struct TotpSetup {
    /// Base32 secret to type into an authenticator app.
    pub secret: String,
    pub otpauth_uri: String,
}

/// Start TOTP enrolment: a new secret, not yet active.
#[utoipa::path(post, path = "/api/v1/auth/totp/setup", tag = "auth", responses((status = 200, body = TotpSetup), (status = 409, body = ApiError)))]
pub async fn totp_setup(State(st): State<AppState>, caller: Caller) -> AppResult<Json<TotpSetup>> {
    if caller.user.totp_enabled {
        return Err(AppError::new(StatusCode::CONFLICT, "conflict", "双因素认证已启用"));
    }
    let secret = totp::new_secret();
    auth::set_totp(
        &st.db,
        &caller.actor(),
        caller.user.id,
        Some(st.db.cipher.encrypt(&secret)),
        false,
    )
    .await?;
    Ok(Json(TotpSetup {
        otpauth_uri: totp::otpauth_uri(&secret, &caller.user.username, "zongguan"),
        secret,
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TotpCode {
    pub code: String,
}

/// Finish enrolment with a code from the app; from then on login asks for it.
#[utoipa::path(post, path = "/api/v1/auth/totp/enable", tag = "auth", request_body = TotpCode, responses((status = 204), (status = 422, body = ApiError)))]
pub async fn totp_enable(
    State(st): State<AppState>,
    caller: Caller,
    ApiJson(req): ApiJson<TotpCode>,
) -> AppResult<StatusCode> {
    let secret = caller
        .user
        .totp_secret
        .as_deref()
        .and_then(|s| st.db.cipher.decrypt(s).ok());
    let Some(secret) = secret else {
        return Err(AppError::new(StatusCode::CONFLICT, "conflict", "请先生成密钥"));
    };
    let Some(step) = totp::matching_step(&secret, &req.code, chrono::Utc::now().timestamp()) else {
        return Err(AppError::invalid("code", "动态验证码错误"));
    };
    // The code that enrolled is spent: it does not log in afterwards.
    if !auth::claim_totp_step(&st.db, caller.user.id, step).await? {
        return Err(AppError::invalid("code", "动态验证码已使用过，请等待下一个验证码"));
    }
    auth::set_totp(
        &st.db,
        &caller.actor(),
        caller.user.id,
        caller.user.totp_secret.clone(),
        true,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The caller's personal API tokens.
#[utoipa::path(get, path = "/api/v1/auth/tokens", tag = "auth", responses((status = 200, body = ApiTokenList)))]
pub async fn list_tokens(State(st): State<AppState>, caller: Caller) -> AppResult<Json<ApiTokenList>> {
    Ok(Json(auth::list_tokens(&st.db, caller.user.id).await?.into()))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewToken {
    pub name: String,
    /// 1–365 days; default 90.
    pub expires_in_days: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct CreatedToken {
    /// Shown once: send it as `Authorization: Bearer …`.
    pub token: String,
    pub info: ApiToken,
}

/// Create a personal API token for integrations (permission `token:create`).
#[utoipa::path(post, path = "/api/v1/auth/tokens", tag = "auth", request_body = NewToken,
    responses((status = 201, body = CreatedToken), (status = 403, body = ApiError)))]
pub async fn create_token(
    State(st): State<AppState>,
    caller: Caller,
    ApiJson(req): ApiJson<NewToken>,
) -> AppResult<(StatusCode, Json<CreatedToken>)> {
    caller.require(Permission::TokenCreate)?;
    if caller.session_id.is_none() {
        return Err(AppError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "令牌不能用来创建令牌",
        ));
    }
    let days = req.expires_in_days.unwrap_or(90);
    if !(1..=365).contains(&days) {
        return Err(AppError::invalid("expires_in_days", "有效期须为 1–365 天"));
    }
    let token = format!("zg_{}", random_token(32));
    let info = auth::create_token(
        &st.db,
        &caller.actor(),
        caller.user.id,
        &req.name,
        &sha256_hex(&token),
        &token[..10],
        Some(chrono::Utc::now() + chrono::Duration::days(days)),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(CreatedToken { token, info })))
}

/// Revoke one of the caller's tokens.
#[utoipa::path(delete, path = "/api/v1/auth/tokens/{id}", tag = "auth", params(("id" = i64, Path)), responses((status = 204), (status = 404, body = ApiError)))]
pub async fn revoke_token(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<StatusCode> {
    auth::revoke_token(&st.db, &caller.actor(), caller.user.id, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
