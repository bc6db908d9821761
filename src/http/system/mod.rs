//! Users and roles. The system administrator manages accounts; only the security administrator grants roles.
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use zongguan_core::account::{AccountChange, NewAccount, NewPassword};
use zongguan_core::field::named;
use zongguan_core::permission::Permission;
use zongguan_db::auth::{self, Role, RoleInput, User, UserFilter};

use super::{Paging, list_type};
use crate::app::AppState;
use crate::caller::Caller;
use crate::error::{ApiError, ApiJson, ApiPath, ApiQuery, AppResult};

mod forms;
pub use forms::{NewUser, UserUpdate};

list_type!(UserList, User);
list_type!(RoleList, Role);
list_type!(PermissionList, auth::Permission);

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UserQuery {
    /// Part of the username or name.
    pub q: Option<String>,
    pub org_unit_id: Option<i64>,
    /// Role code.
    pub role: Option<String>,
}

/// Accounts in the caller's data scope.
#[utoipa::path(get, path = "/api/v1/users", tag = "system", params(UserQuery, Paging), responses((status = 200, body = UserList), (status = 403, body = ApiError)))]
pub async fn list_users(
    State(st): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<UserQuery>,
    paging: Paging,
) -> AppResult<Json<UserList>> {
    caller.require(Permission::UserRead)?;
    let p = paging.req();
    let f = UserFilter {
        q: q.q,
        org_unit_id: q.org_unit_id,
        role: q.role,
    };
    Ok(Json(auth::list_users(&st.db, &caller.scope, &f, p).await?.into()))
}

#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "system", params(("id" = i64, Path)), responses((status = 200, body = User), (status = 404, body = ApiError)))]
pub async fn get_user(State(st): State<AppState>, caller: Caller, ApiPath(id): ApiPath<i64>) -> AppResult<Json<User>> {
    caller.require(Permission::UserRead)?;
    Ok(Json(auth::get_user(&st.db, &caller.scope, id).await?))
}

/// Create a staff member's account; the user must change the password at first login.
#[utoipa::path(post, path = "/api/v1/users", tag = "system", request_body = NewUser, responses((status = 201, body = User), (status = 409, body = ApiError), (status = 422, body = ApiError)))]
pub async fn create_user(
    State(st): State<AppState>,
    caller: Caller,
    ApiJson(n): ApiJson<NewUser>,
) -> AppResult<(StatusCode, Json<User>)> {
    caller.require(Permission::UserWrite)?;
    let n = NewAccount::try_from(n)?;
    Ok((
        StatusCode::CREATED,
        Json(auth::create_user(&st.db, &caller.actor(), n, true).await?),
    ))
}

#[utoipa::path(put, path = "/api/v1/users/{id}", tag = "system", params(("id" = i64, Path)), request_body = UserUpdate, responses((status = 200, body = User), (status = 404, body = ApiError)))]
pub async fn update_user(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(u): ApiJson<UserUpdate>,
) -> AppResult<Json<User>> {
    caller.require(Permission::UserWrite)?;
    let u = AccountChange::try_from(u)?;
    Ok(Json(auth::update_user(&st.db, &caller.actor(), id, u).await?))
}

/// Lock an account (its sessions end).
#[utoipa::path(post, path = "/api/v1/users/{id}/lock", tag = "system", params(("id" = i64, Path)), responses((status = 200, body = User), (status = 404, body = ApiError)))]
pub async fn lock_user(State(st): State<AppState>, caller: Caller, ApiPath(id): ApiPath<i64>) -> AppResult<Json<User>> {
    caller.require(Permission::UserWrite)?;
    Ok(Json(auth::set_locked(&st.db, &caller.actor(), id, true).await?))
}

/// Unlock an account, also ending the login throttle on it from every address.
#[utoipa::path(post, path = "/api/v1/users/{id}/unlock", tag = "system", params(("id" = i64, Path)), responses((status = 200, body = User), (status = 404, body = ApiError)))]
pub async fn unlock_user(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<User>> {
    caller.require(Permission::UserWrite)?;
    let u = auth::set_locked(&st.db, &caller.actor(), id, false).await?;
    // Unlocking also lets every address try this account again at once.
    st.throttles.clear_prefix(&crate::throttle::account_prefix(&u.username));
    Ok(Json(u))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordReset {
    pub password: String,
}

/// Set a new password; the user must change it at next login.
#[utoipa::path(post, path = "/api/v1/users/{id}/password", tag = "system", params(("id" = i64, Path)), request_body = PasswordReset, responses((status = 204), (status = 422, body = ApiError)))]
pub async fn reset_user_password(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(r): ApiJson<PasswordReset>,
) -> AppResult<StatusCode> {
    caller.require(Permission::UserWrite)?;
    let pw = NewPassword::parse(&r.password).map_err(named("password"))?;
    auth::reset_password(&st.db, &caller.actor(), id, &pw).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleGrant {
    pub role_codes: Vec<String>,
}

/// Grant exactly these roles (security administrator only).
#[utoipa::path(put, path = "/api/v1/users/{id}/roles", tag = "system", params(("id" = i64, Path)), request_body = RoleGrant, responses((status = 200, body = User), (status = 403, body = ApiError), (status = 422, body = ApiError)))]
pub async fn set_user_roles(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(g): ApiJson<RoleGrant>,
) -> AppResult<Json<User>> {
    caller.require(Permission::RoleGrant)?;
    Ok(Json(auth::set_roles(&st.db, &caller.actor(), id, g.role_codes).await?))
}

/// Roles with their data scope and permissions.
#[utoipa::path(get, path = "/api/v1/roles", tag = "system", responses((status = 200, body = RoleList)))]
pub async fn list_roles(State(st): State<AppState>, caller: Caller) -> AppResult<Json<RoleList>> {
    caller.require(Permission::RoleRead)?;
    Ok(Json(auth::list_roles(&st.db).await?.into()))
}

/// The permission catalogue.
#[utoipa::path(get, path = "/api/v1/permissions", tag = "system", responses((status = 200, body = PermissionList)))]
pub async fn list_permissions(caller: Caller) -> AppResult<Json<PermissionList>> {
    caller.require(Permission::RoleRead)?;
    Ok(Json(auth::permission_catalogue().into()))
}

/// Define a role with its data scope and permissions (security administrator).
#[utoipa::path(post, path = "/api/v1/roles", tag = "system", request_body = RoleInput, responses((status = 201, body = Role), (status = 409, body = ApiError), (status = 422, body = ApiError)))]
pub async fn create_role(
    State(st): State<AppState>,
    caller: Caller,
    ApiJson(r): ApiJson<RoleInput>,
) -> AppResult<(StatusCode, Json<Role>)> {
    caller.require(Permission::RoleGrant)?;
    Ok((
        StatusCode::CREATED,
        Json(auth::create_role(&st.db, &caller.actor(), r).await?),
    ))
}

/// Change a non-built-in role.
#[utoipa::path(put, path = "/api/v1/roles/{code}", tag = "system", params(("code" = String, Path)), request_body = RoleInput, responses((status = 200, body = Role), (status = 404, body = ApiError), (status = 409, body = ApiError)))]
pub async fn update_role(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(code): ApiPath<String>,
    ApiJson(r): ApiJson<RoleInput>,
) -> AppResult<Json<Role>> {
    caller.require(Permission::RoleGrant)?;
    Ok(Json(auth::update_role(&st.db, &caller.actor(), &code, r).await?))
}

/// Delete a non-built-in role that nobody holds.
#[utoipa::path(delete, path = "/api/v1/roles/{code}", tag = "system", params(("code" = String, Path)), responses((status = 204), (status = 404, body = ApiError), (status = 409, body = ApiError)))]
pub async fn delete_role(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(code): ApiPath<String>,
) -> AppResult<StatusCode> {
    caller.require(Permission::RoleGrant)?;
    auth::delete_role(&st.db, &caller.actor(), &code).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScopeUnits {
    pub org_unit_ids: Vec<i64>,
}

/// The org units of the user's custom data scope (used by roles whose scope is `custom`).
#[utoipa::path(get, path = "/api/v1/users/{id}/scope-units", tag = "system", params(("id" = i64, Path)), responses((status = 200, body = ScopeUnits), (status = 404, body = ApiError)))]
pub async fn get_scope_units(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<ScopeUnits>> {
    caller.require(Permission::UserRead)?;
    Ok(Json(ScopeUnits {
        org_unit_ids: auth::scope_units(&st.db, &caller.scope, id).await?,
    }))
}

/// Set the custom data scope's org units (security administrator).
#[utoipa::path(put, path = "/api/v1/users/{id}/scope-units", tag = "system", params(("id" = i64, Path)), request_body = ScopeUnits, responses((status = 200, body = ScopeUnits), (status = 422, body = ApiError)))]
pub async fn set_scope_units(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(s): ApiJson<ScopeUnits>,
) -> AppResult<Json<ScopeUnits>> {
    caller.require(Permission::RoleGrant)?;
    Ok(Json(ScopeUnits {
        org_unit_ids: auth::set_scope_units(&st.db, &caller.actor(), id, s.org_unit_ids).await?,
    }))
}
