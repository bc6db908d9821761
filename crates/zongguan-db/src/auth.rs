//! Signing in and staying signed in: login bookkeeping (failures, lockout, TOTP), one's own
//! password change, sessions and personal API tokens.
use chrono::{DateTime, Duration, Utc};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;
use utoipa::ToSchema;
use zongguan_core::account::NewPassword;
use zongguan_core::password::{self, PolicyError};

// Accounts and roles moved to `users`; these names stay reachable here so that the server's
// callers (src/) read as before.
use crate::audit::{self, Event};
use crate::entity::{api_token, app_user, session};
pub use crate::users::{
    Permission, Role, RoleInput, User, UserFilter, create_role, create_user, delete_role, duties_of_user, find_by_id,
    find_by_username, get_user, holds_duty, list_roles, list_users, permission_catalogue, permissions, reset_password,
    role_codes, scope_units, set_locked, set_roles, set_scope_units, update_role, update_user, user_views,
};
use crate::{Actor, Db, DbError, DbResult};

/// The user changes their own password (checked against the old one and the policy by the caller).
pub async fn change_own_password(
    db: &Db,
    actor: &Actor,
    user: &app_user::Model,
    new_pw: &NewPassword,
    keep_session: &str,
) -> DbResult<()> {
    if password::reused(new_pw.as_str(), &user.password_hash, user.password_history.as_deref()) {
        return Err(DbError::invalid("new_password", PolicyError::Reused.to_string()));
    }
    let txn = db.begin_write().await?;
    let mut am: app_user::ActiveModel = user.clone().into();
    am.password_hash = Set(new_pw.hash());
    am.password_history = Set(Some(password::push_history(
        user.password_history.as_deref(),
        &user.password_hash,
    )));
    am.must_change_password = Set(false);
    am.password_changed_at = Set(Some(Utc::now()));
    am.updated_at = Set(Utc::now());
    am.update(&*txn).await?;
    // Other sessions of this user end; this one goes on.
    session::Entity::delete_many()
        .filter(session::Column::UserId.eq(user.id))
        .filter(session::Column::Id.ne(keep_session))
        .exec(&*txn)
        .await?;
    audit::append(&*txn, db.backend, actor, Event::ok("change_password", "user", user.id)).await?;
    txn.commit().await
}

pub async fn register_success(db: &Db, user: &app_user::Model) -> DbResult<()> {
    let mut am: app_user::ActiveModel = user.clone().into();
    am.failed_logins = Set(0);
    am.locked_until = Set(None);
    am.last_login_at = Set(Some(Utc::now()));
    am.update(&db.conn).await?;
    Ok(())
}

/// Claims a TOTP step for a user: true when no code of this or a later step was accepted
/// before (a conditional update, so two requests with the same code cannot both win).
pub async fn claim_totp_step(db: &Db, user_id: i64, step: i64) -> DbResult<bool> {
    use sea_orm::sea_query::Expr;
    let r = app_user::Entity::update_many()
        .col_expr(app_user::Column::TotpLastStep, Expr::value(step))
        .filter(app_user::Column::Id.eq(user_id))
        .filter(
            sea_orm::Condition::any()
                .add(app_user::Column::TotpLastStep.is_null())
                .add(app_user::Column::TotpLastStep.lt(step)),
        )
        .exec(&db.conn)
        .await?;
    Ok(r.rows_affected == 1)
}

pub async fn set_totp(db: &Db, actor: &Actor, user_id: i64, secret_enc: Option<String>, enabled: bool) -> DbResult<()> {
    let txn = db.begin_write().await?;
    let u = app_user::Entity::find_by_id(user_id)
        .one(&*txn)
        .await?
        .ok_or(DbError::NotFound)?;
    let mut am: app_user::ActiveModel = u.into();
    am.totp_secret = Set(secret_enc);
    am.totp_enabled = Set(enabled);
    am.update(&*txn).await?;
    let action = if enabled { "enable_totp" } else { "setup_totp" };
    audit::append(&*txn, db.backend, actor, Event::ok(action, "user", user_id)).await?;
    txn.commit().await
}

// ---------- sessions ----------

pub async fn create_session(db: &Db, user_id: i64, id_hash: &str, csrf: &str, addr: &str, ua: &str) -> DbResult<()> {
    let now = Utc::now();
    session::ActiveModel {
        id: Set(id_hash.into()),
        user_id: Set(user_id),
        csrf_token: Set(csrf.into()),
        created_at: Set(now),
        last_seen_at: Set(now),
        client_addr: Set(addr.chars().take(64).collect()),
        user_agent: Set(ua.chars().take(255).collect()),
    }
    .insert(&db.conn)
    .await?;
    Ok(())
}

/// The live session with this id, or none if it is unknown or idle longer than `idle`.
/// Refreshes `last_seen_at` (at most once a minute, to spare writes).
pub async fn touch_session(db: &Db, id_hash: &str, idle: Duration) -> DbResult<Option<session::Model>> {
    let Some(s) = session::Entity::find_by_id(id_hash).one(&db.conn).await? else {
        return Ok(None);
    };
    let now = Utc::now();
    if now - s.last_seen_at > idle {
        session::Entity::delete_by_id(id_hash).exec(&db.conn).await?;
        return Ok(None);
    }
    if now - s.last_seen_at > Duration::seconds(60) {
        let mut am: session::ActiveModel = s.clone().into();
        am.last_seen_at = Set(now);
        am.update(&db.conn).await?;
    }
    Ok(Some(s))
}

/// The counter that moves whenever users, roles, grants, scopes, units or sessions change
/// (`m0016_auth_epoch`): resolved callers cached under an older value are stale.
pub async fn auth_epoch(db: &Db) -> DbResult<i64> {
    let row = db
        .conn
        .query_one_raw(sea_orm::Statement::from_string(
            db.conn.get_database_backend(),
            "SELECT version FROM auth_epoch WHERE id = 1",
        ))
        .await?
        .ok_or(DbError::NotFound)?;
    Ok(row.try_get::<i64>("", "version")?)
}

pub async fn delete_session(db: &Db, id_hash: &str) -> DbResult<()> {
    session::Entity::delete_by_id(id_hash).exec(&db.conn).await?;
    Ok(())
}

pub async fn purge_idle_sessions(db: &Db, idle: Duration) -> DbResult<u64> {
    let r = session::Entity::delete_many()
        .filter(session::Column::LastSeenAt.lt(Utc::now() - idle))
        .exec(&db.conn)
        .await?;
    Ok(r.rows_affected)
}

// ---------- personal API tokens ----------

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ApiToken {
    pub id: i64,
    pub name: String,
    /// The first characters, to tell tokens apart.
    pub prefix: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked: bool,
}

impl From<api_token::Model> for ApiToken {
    fn from(m: api_token::Model) -> Self {
        Self {
            id: m.id,
            name: m.name,
            prefix: m.prefix,
            created_at: m.created_at,
            expires_at: m.expires_at,
            last_used_at: m.last_used_at,
            revoked: m.revoked_at.is_some(),
        }
    }
}

pub async fn create_token(
    db: &Db,
    actor: &Actor,
    user_id: i64,
    name: &str,
    hash: &str,
    prefix: &str,
    expires: Option<DateTime<Utc>>,
) -> DbResult<ApiToken> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(DbError::invalid("name", "令牌名称不能为空且不超过 100 个字符"));
    }
    let txn = db.begin_write().await?;
    let m = api_token::ActiveModel {
        user_id: Set(user_id),
        name: Set(name.into()),
        token_hash: Set(hash.into()),
        prefix: Set(prefix.into()),
        created_at: Set(Utc::now()),
        expires_at: Set(expires),
        ..Default::default()
    }
    .insert(&*txn)
    .await?;
    audit::append(
        &*txn,
        db.backend,
        actor,
        Event::ok("create", "api_token", m.id).detail(name.to_string()),
    )
    .await?;
    txn.commit().await?;
    Ok(m.into())
}

pub async fn list_tokens(db: &Db, user_id: i64) -> DbResult<Vec<ApiToken>> {
    Ok(api_token::Entity::find()
        .filter(api_token::Column::UserId.eq(user_id))
        .order_by_desc(api_token::Column::Id)
        .all(&db.conn)
        .await?
        .into_iter()
        .map(ApiToken::from)
        .collect())
}

pub async fn revoke_token(db: &Db, actor: &Actor, user_id: i64, id: i64) -> DbResult<()> {
    let txn = db.begin_write().await?;
    let t = api_token::Entity::find_by_id(id)
        .filter(api_token::Column::UserId.eq(user_id))
        .one(&*txn)
        .await?
        .ok_or(DbError::NotFound)?;
    let mut am: api_token::ActiveModel = t.into();
    am.revoked_at = Set(Some(Utc::now()));
    am.update(&*txn).await?;
    audit::append(&*txn, db.backend, actor, Event::ok("revoke", "api_token", id)).await?;
    txn.commit().await
}

/// The user of a live token, updating its last use.
pub async fn user_for_token(db: &Db, hash: &str) -> DbResult<Option<app_user::Model>> {
    let Some(t) = api_token::Entity::find()
        .filter(api_token::Column::TokenHash.eq(hash))
        .one(&db.conn)
        .await?
    else {
        return Ok(None);
    };
    let now = Utc::now();
    if t.revoked_at.is_some() || t.expires_at.is_some_and(|e| e <= now) {
        return Ok(None);
    }
    let uid = t.user_id;
    if t.last_used_at.is_none_or(|l| now - l > Duration::seconds(60)) {
        let mut am: api_token::ActiveModel = t.into();
        am.last_used_at = Set(Some(now));
        am.update(&db.conn).await?;
    }
    find_by_id(db, uid).await
}
