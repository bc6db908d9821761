//! Accounts and roles: users with their staff record, granted roles, role definitions, the
//! permissions a user holds and the org units of a custom data scope.
use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use zongguan_core::account::{AccountChange, NewAccount, NewPassword};
use zongguan_core::field::named;
use zongguan_core::password;
use zongguan_core::rbac::{self, BUILTIN_ROLES, DataScopeKind, Duty, Scope};

use crate::audit::{self, Event};
use crate::entity::{api_token, app_user, org_unit, role, session, user_role};
use crate::org;
use crate::{Actor, Db, DbError, DbResult, Page, PageReq, page_of, scope};

/// Writes the built-in roles so that code and database agree after an upgrade.
pub async fn sync_builtin_roles(db: &Db) -> DbResult<()> {
    for r in BUILTIN_ROLES {
        let am = role::ActiveModel {
            code: Set(r.code.into()),
            name: Set(r.name.into()),
            description: Set(r.description.into()),
            data_scope: Set(r.data_scope.as_str().into()),
            permissions: Set(r.permissions.iter().map(|p| p.code()).collect::<Vec<_>>().join(",")),
            builtin: Set(true),
        };
        if role::Entity::find_by_id(r.code).one(&db.conn).await?.is_some() {
            am.update(&db.conn).await?;
        } else {
            role::Entity::insert(am).exec_without_returning(&db.conn).await?;
        }
    }
    Ok(())
}

/// The people of a unit who hold `permission` through one of their roles.
pub async fn unit_users_with<C: sea_orm::ConnectionTrait>(
    c: &C,
    unit_id: i64,
    permission: zongguan_core::permission::Permission,
) -> DbResult<Vec<i64>> {
    let codes: Vec<String> = role::Entity::find()
        .all(c)
        .await?
        .into_iter()
        .filter(|r| r.permissions.split(',').any(|p| p == permission.code()))
        .map(|r| r.code)
        .collect();
    if codes.is_empty() {
        return Ok(vec![]);
    }
    let holders: Vec<i64> = user_role::Entity::find()
        .select_only()
        .column(user_role::Column::UserId)
        .filter(user_role::Column::RoleCode.is_in(codes))
        .into_tuple()
        .all(c)
        .await?;
    Ok(app_user::Entity::find()
        .select_only()
        .column(app_user::Column::Id)
        .filter(app_user::Column::OrgUnitId.eq(unit_id))
        .filter(app_user::Column::Id.is_in(holders))
        .into_tuple()
        .all(c)
        .await?)
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Role {
    pub code: String,
    pub name: String,
    pub description: String,
    /// all | unit_and_below | unit_only | own_grids | own_records | custom
    pub data_scope: String,
    pub permissions: Vec<String>,
    pub builtin: bool,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Permission {
    pub code: String,
    pub name: String,
}

pub fn permission_catalogue() -> Vec<Permission> {
    zongguan_core::permission::Permission::ALL
        .iter()
        .map(|p| Permission {
            code: p.code().into(),
            name: p.name().into(),
        })
        .collect()
}

pub async fn list_roles(db: &Db) -> DbResult<Vec<Role>> {
    Ok(role::Entity::find()
        .order_by_desc(role::Column::Builtin)
        .all(&db.conn)
        .await?
        .into_iter()
        .map(role_view)
        .collect())
}

/// An account as the API shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub org_unit_id: i64,
    pub org_unit_name: String,
    pub department_id: Option<i64>,
    pub department_name: Option<String>,
    pub staff_id: Option<i64>,
    pub roles: Vec<String>,
    /// Locked by an administrator or by too many failed logins.
    pub locked: bool,
    pub locked_until: Option<DateTime<Utc>>,
    pub must_change_password: bool,
    pub totp_enabled: bool,
    pub last_login_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

pub async fn role_codes<C: ConnectionTrait>(c: &C, user_ids: &[i64]) -> DbResult<HashMap<i64, Vec<String>>> {
    let rows = user_role::Entity::find()
        .filter(user_role::Column::UserId.is_in(user_ids.to_vec()))
        .order_by_asc(user_role::Column::RoleCode)
        .all(c)
        .await?;
    let mut out: HashMap<i64, Vec<String>> = HashMap::new();
    for r in rows {
        out.entry(r.user_id).or_default().push(r.role_code);
    }
    Ok(out)
}

/// The union of the permissions of the user's roles.
pub async fn permissions<C: ConnectionTrait>(c: &C, user_id: i64) -> DbResult<Vec<String>> {
    let codes = role_codes(c, &[user_id]).await?.remove(&user_id).unwrap_or_default();
    let roles = role::Entity::find()
        .filter(role::Column::Code.is_in(codes))
        .all(c)
        .await?;
    let set: BTreeSet<String> = roles
        .iter()
        .flat_map(|r| r.permissions.split(','))
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect();
    Ok(set.into_iter().collect())
}

/// The permission codes of a set of roles.
async fn role_permissions<C: ConnectionTrait>(c: &C, codes: &[String]) -> DbResult<Vec<String>> {
    let roles = role::Entity::find()
        .filter(role::Column::Code.is_in(codes.to_vec()))
        .all(c)
        .await?;
    Ok(roles
        .iter()
        .flat_map(|r| r.permissions.split(','))
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect())
}

/// The duties (三权分立) an account holds through its roles.
pub async fn duties_of_user<C: ConnectionTrait>(c: &C, user_id: i64) -> DbResult<BTreeSet<Duty>> {
    let perms = permissions(c, user_id).await?;
    Ok(rbac::duties(perms.iter().map(String::as_str)))
}

/// Whether a user holding these permission codes holds one of the three duties (and so must
/// enrol TOTP when the settings require it).
pub fn holds_duty(permissions: &[String]) -> bool {
    !rbac::duties(permissions.iter().map(String::as_str)).is_empty()
}

/// Refuses an administrator's act on an account that holds (or would hold) a duty the
/// administrator does not: a second person of that duty, or the command line on the server
/// (the system actor, audited as `cli`), does it.
fn guard_duties(actor: &Actor, target: &BTreeSet<Duty>) -> DbResult<()> {
    if actor.user_id.is_none() {
        return Ok(());
    }
    let mine = rbac::duties(actor.permissions.iter().map(String::as_str));
    if rbac::may_manage(&mine, target) {
        return Ok(());
    }
    let names: Vec<&str> = target.difference(&mine).map(|d| d.name()).collect();
    Err(DbError::Forbidden(format!(
        "三权分立：该账号拥有{}职责，只能由同一职责的另一位管理员或在服务器上用命令行办理",
        names.join("、")
    )))
}

/// [`guard_duties`] for an account as it is now.
async fn guard_account<C: ConnectionTrait>(c: &C, actor: &Actor, user_id: i64) -> DbResult<()> {
    guard_duties(actor, &duties_of_user(c, user_id).await?)
}

pub async fn user_views(db: &Db, rows: Vec<app_user::Model>) -> DbResult<Vec<User>> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let roles = role_codes(&db.conn, &ids).await?;
    let units = org::unit_names(&db.conn, rows.iter().map(|r| r.org_unit_id)).await?;
    let depts = org::department_names(&db.conn, rows.iter().filter_map(|r| r.department_id)).await?;
    let now = Utc::now();
    Ok(rows
        .into_iter()
        .map(|r| User {
            roles: roles.get(&r.id).cloned().unwrap_or_default(),
            org_unit_name: units.get(&r.org_unit_id).cloned().unwrap_or_default(),
            department_name: r.department_id.and_then(|d| depts.get(&d).cloned()),
            // `locked_until` is no longer set (failed logins throttle the source, not the account);
            // a lockout stored before that still shows until it ends.
            locked: r.locked || r.locked_until.is_some_and(|u| u > now),
            locked_until: r.locked_until.filter(|u| *u > now),
            id: r.id,
            username: r.username,
            display_name: r.display_name,
            org_unit_id: r.org_unit_id,
            department_id: r.department_id,
            staff_id: r.staff_id,
            must_change_password: r.must_change_password,
            totp_enabled: r.totp_enabled,
            last_login_at: r.last_login_at,
            created_at: r.created_at,
        })
        .collect())
}

fn user_scope(scope: &Scope) -> sea_orm::Condition {
    scope::unit_column(scope, app_user::Column::OrgUnitId, Some(app_user::Column::CreatedBy))
}

#[derive(Debug, Default, Clone)]
pub struct UserFilter {
    pub q: Option<String>,
    pub org_unit_id: Option<i64>,
    pub role: Option<String>,
}

pub async fn list_users(db: &Db, scope: &Scope, f: &UserFilter, p: PageReq) -> DbResult<Page<User>> {
    let mut q = app_user::Entity::find().filter(user_scope(scope));
    if let Some(t) = f.q.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        q = q.filter(
            sea_orm::Condition::any()
                .add(crate::like::contains(app_user::Column::Username, t))
                .add(crate::like::contains(app_user::Column::DisplayName, t)),
        );
    }
    if let Some(u) = f.org_unit_id {
        q = q.filter(app_user::Column::OrgUnitId.eq(u));
    }
    if let Some(r) = f.role.as_deref().filter(|s| !s.is_empty()) {
        q = q.filter(
            app_user::Column::Id.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(user_role::Column::UserId)
                    .from(user_role::Entity)
                    .and_where(user_role::Column::RoleCode.eq(r))
                    .to_owned(),
            ),
        );
    }
    let (rows, total) = page_of(db, q, |q| q.order_by_asc(app_user::Column::Id), p).await?;
    Ok(Page::new(user_views(db, rows).await?, total))
}

pub async fn visible_user<C: ConnectionTrait>(c: &C, scope: &Scope, id: i64) -> DbResult<app_user::Model> {
    app_user::Entity::find_by_id(id)
        .filter(user_scope(scope))
        .one(c)
        .await?
        .ok_or(DbError::NotFound)
}

pub async fn get_user(db: &Db, scope: &Scope, id: i64) -> DbResult<User> {
    let m = visible_user(&db.conn, scope, id).await?;
    Ok(user_views(db, vec![m]).await?.remove(0))
}

pub async fn find_by_username(db: &Db, username: &str) -> DbResult<Option<app_user::Model>> {
    Ok(app_user::Entity::find()
        .filter(app_user::Column::Username.eq(username))
        .one(&db.conn)
        .await?)
}

pub async fn find_by_id(db: &Db, id: i64) -> DbResult<Option<app_user::Model>> {
    Ok(app_user::Entity::find_by_id(id).one(&db.conn).await?)
}

/// Creates the staff record and the account. `must_change` is true when an administrator chose
/// the password (the user changes it at first login).
pub async fn create_user(db: &Db, actor: &Actor, n: NewAccount, must_change: bool) -> DbResult<User> {
    let username = n.username().as_str();
    let hash = n.password().hash();
    let txn = db.begin_write().await?;
    let staff = org::insert_staff(&*txn, db, actor, n.staff()).await?;
    let m = insert_account(&*txn, actor, username, &staff, hash, must_change).await?;
    audit::append(
        &*txn,
        db.backend,
        actor,
        Event::ok("create", "user", m.id).detail(username),
    )
    .await?;
    txn.commit().await?;
    Ok(user_views(db, vec![m]).await?.remove(0))
}

pub(crate) async fn insert_account<C: ConnectionTrait>(
    c: &C,
    actor: &Actor,
    username: &str,
    staff: &crate::entity::staff::Model,
    hash: String,
    must_change: bool,
) -> DbResult<app_user::Model> {
    let now = Utc::now();
    app_user::ActiveModel {
        username: Set(username.into()),
        display_name: Set(staff.name.clone()),
        password_hash: Set(hash),
        org_unit_id: Set(staff.org_unit_id),
        department_id: Set(staff.department_id),
        staff_id: Set(Some(staff.id)),
        failed_logins: Set(0),
        locked: Set(false),
        must_change_password: Set(must_change),
        password_changed_at: Set(Some(now)),
        totp_enabled: Set(false),
        created_by: Set(actor.user_id),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(c)
    .await
    .map_err(|e| DbError::from(e).unique(&format!("用户名 {username} 已存在")))
}

pub async fn update_user(db: &Db, actor: &Actor, id: i64, u: AccountChange) -> DbResult<User> {
    let txn = db.begin_write().await?;
    let cur = visible_user(&*txn, &actor.scope, id).await?;
    guard_account(&*txn, actor, id).await?;
    let mut am: app_user::ActiveModel = cur.into();
    if let Some(n) = u.display_name() {
        am.display_name = Set(n.into());
    }
    if let Some(o) = u.org_unit_id() {
        org_unit::Entity::find_by_id(o)
            .filter(scope::org_units(&actor.scope))
            .one(&*txn)
            .await?
            .ok_or_else(|| DbError::invalid("org_unit_id", "所属单位不存在"))?;
        am.org_unit_id = Set(o);
    }
    if u.department_id().is_some() {
        org::check_department(&*txn, &actor.scope, u.department_id()).await?;
        am.department_id = Set(u.department_id());
    }
    am.updated_at = Set(Utc::now());
    let m = am.update(&*txn).await?;
    audit::append(&*txn, db.backend, actor, Event::ok("update", "user", id)).await?;
    txn.commit().await?;
    Ok(user_views(db, vec![m]).await?.remove(0))
}

/// Administrator lock (`true`) or unlock (`false`, which also clears a lockout).
pub async fn set_locked(db: &Db, actor: &Actor, id: i64, locked: bool) -> DbResult<User> {
    let txn = db.begin_write().await?;
    let cur = visible_user(&*txn, &actor.scope, id).await?;
    if actor.user_id == Some(id) && locked {
        return Err(DbError::Conflict("不能锁定自己的账号".into()));
    }
    guard_account(&*txn, actor, id).await?;
    let mut am: app_user::ActiveModel = cur.into();
    am.locked = Set(locked);
    if !locked {
        am.locked_until = Set(None);
        am.failed_logins = Set(0);
    }
    am.updated_at = Set(Utc::now());
    let m = am.update(&*txn).await?;
    if locked {
        session::Entity::delete_many()
            .filter(session::Column::UserId.eq(id))
            .exec(&*txn)
            .await?;
    }
    audit::append(
        &*txn,
        db.backend,
        actor,
        Event::ok(if locked { "lock" } else { "unlock" }, "user", id),
    )
    .await?;
    txn.commit().await?;
    Ok(user_views(db, vec![m]).await?.remove(0))
}

/// An administrator resets a password: the user must change it at next login; sessions end and
/// personal API tokens are revoked (a token taken with the old password stays dead after the
/// user sets a new one). The old password joins the history the user's own change is checked
/// against; the temporary one is not checked against it (it must be changed at once anyway).
pub async fn reset_password(db: &Db, actor: &Actor, id: i64, pw: &NewPassword) -> DbResult<()> {
    let txn = db.begin_write().await?;
    let cur = visible_user(&*txn, &actor.scope, id).await?;
    guard_account(&*txn, actor, id).await?;
    pw.not_containing(&cur.username).map_err(named("password"))?;
    let history = password::push_history(cur.password_history.as_deref(), &cur.password_hash);
    let mut am: app_user::ActiveModel = cur.into();
    am.password_hash = Set(pw.hash());
    am.password_history = Set(Some(history));
    am.must_change_password = Set(true);
    am.password_changed_at = Set(Some(Utc::now()));
    am.updated_at = Set(Utc::now());
    am.update(&*txn).await?;
    session::Entity::delete_many()
        .filter(session::Column::UserId.eq(id))
        .exec(&*txn)
        .await?;
    revoke_tokens(&*txn, id).await?;
    audit::append(&*txn, db.backend, actor, Event::ok("reset_password", "user", id)).await?;
    txn.commit().await
}

/// Revokes every live personal API token of a user.
pub(crate) async fn revoke_tokens<C: ConnectionTrait>(c: &C, user_id: i64) -> DbResult<()> {
    api_token::Entity::update_many()
        .col_expr(
            api_token::Column::RevokedAt,
            sea_orm::sea_query::Expr::value(Utc::now()),
        )
        .filter(api_token::Column::UserId.eq(user_id))
        .filter(api_token::Column::RevokedAt.is_null())
        .exec(c)
        .await?;
    Ok(())
}

/// Grants exactly these roles (security administrator). The roles together may not carry
/// permissions of two duties (三权分立), and the administrator may re-role only an account whose
/// duties, before and after, are the administrator's own: a fresh account becomes a holder of a
/// duty only by a holder of that duty (the security administrator can make a second security
/// administrator) or by the command line on the server.
pub async fn set_roles(db: &Db, actor: &Actor, id: i64, codes: Vec<String>) -> DbResult<User> {
    let mut codes = codes;
    codes.sort();
    codes.dedup();
    if actor.user_id == Some(id) {
        return Err(DbError::Conflict("不能修改自己的角色".into()));
    }
    let txn = db.begin_write().await?;
    visible_user(&*txn, &actor.scope, id).await?;
    let known = role::Entity::find()
        .filter(role::Column::Code.is_in(codes.clone()))
        .count(&*txn)
        .await?;
    if known as usize != codes.len() {
        return Err(DbError::invalid("role_codes", "包含不存在的角色"));
    }
    let after = role_permissions(&*txn, &codes).await?;
    if let Some(pair) = rbac::crossed(after.iter().map(String::as_str)) {
        return Err(DbError::invalid("role_codes", rbac::crossing_message(pair)));
    }
    let mut touched = duties_of_user(&*txn, id).await?;
    touched.extend(rbac::duties(after.iter().map(String::as_str)));
    guard_duties(actor, &touched)?;
    user_role::Entity::delete_many()
        .filter(user_role::Column::UserId.eq(id))
        .exec(&*txn)
        .await?;
    if !codes.is_empty() {
        user_role::Entity::insert_many(codes.iter().map(|c| user_role::ActiveModel {
            user_id: Set(id),
            role_code: Set(c.clone()),
        }))
        .exec_without_returning(&*txn)
        .await?;
    }
    audit::append(
        &*txn,
        db.backend,
        actor,
        Event::ok("grant_roles", "user", id).detail(codes.join(",")),
    )
    .await?;
    txn.commit().await?;
    get_user(db, &Scope::All, id).await
}

pub fn scope_kind_name(k: DataScopeKind) -> &'static str {
    k.as_str()
}

/// The post (岗位) written on the staff record of a demo account.
pub fn role_post(role: &str) -> &'static str {
    rbac::builtin_role(role).map(|r| r.name).unwrap_or("工作人员")
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleInput {
    /// Lower-case letters, digits and underscores; fixed once created.
    pub code: Option<String>,
    pub name: String,
    pub description: Option<String>,
    /// all | unit_and_below | unit_only | own_grids | own_records | custom
    pub data_scope: String,
    pub permissions: Vec<String>,
}

fn check_role_input(r: &RoleInput) -> DbResult<(String, String, Vec<String>)> {
    let name = r.name.trim().to_string();
    if name.is_empty() || name.chars().count() > 50 {
        return Err(DbError::invalid("name", "角色名称不能为空且不超过 50 个字符"));
    }
    let kind = DataScopeKind::parse(&r.data_scope).ok_or_else(|| {
        DbError::invalid(
            "data_scope",
            "数据权限须为 all、unit_and_below、unit_only、own_grids、own_records 或 custom",
        )
    })?;
    let mut perms = r.permissions.clone();
    perms.sort();
    perms.dedup();
    if let Some(p) = perms
        .iter()
        .find(|p| zongguan_core::permission::Permission::parse(p).is_none())
    {
        return Err(DbError::invalid("permissions", format!("未知的权限 {p}")));
    }
    // Separation of duties: a custom role may not mix audit reading with anything else, nor grant roles.
    if perms.iter().any(|p| p == "role:grant") {
        return Err(DbError::invalid("permissions", "授予角色的权限只属于安全管理员"));
    }
    if perms.iter().any(|p| p == "audit:read") && perms.len() > 1 {
        return Err(DbError::invalid("permissions", "查看审计日志的权限不能与其他权限组合"));
    }
    if let Some(pair) = rbac::crossed(perms.iter().map(String::as_str)) {
        return Err(DbError::invalid("permissions", rbac::crossing_message(pair)));
    }
    Ok((name, kind.as_str().to_string(), perms))
}

fn role_view(r: role::Model) -> Role {
    Role {
        permissions: r
            .permissions
            .split(',')
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect(),
        code: r.code,
        name: r.name,
        description: r.description,
        data_scope: r.data_scope,
        builtin: r.builtin,
    }
}

pub async fn create_role(db: &Db, actor: &Actor, r: RoleInput) -> DbResult<Role> {
    let code = r.code.clone().unwrap_or_default().trim().to_string();
    if !(2..=50).contains(&code.len())
        || !code
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    {
        return Err(DbError::invalid("code", "角色编码须为 2–50 位小写字母、数字或下划线"));
    }
    let (name, scope, perms) = check_role_input(&r)?;
    let txn = db.begin_write().await?;
    if role::Entity::find_by_id(code.clone()).one(&*txn).await?.is_some() {
        return Err(DbError::Conflict(format!("角色编码 {code} 已存在")));
    }
    let m = role::ActiveModel {
        code: Set(code.clone()),
        name: Set(name),
        description: Set(r.description.unwrap_or_default()),
        data_scope: Set(scope),
        permissions: Set(perms.join(",")),
        builtin: Set(false),
    };
    role::Entity::insert(m).exec_without_returning(&*txn).await?;
    audit::append(
        &*txn,
        db.backend,
        actor,
        Event::ok("create", "role", &code).detail(perms.join(",")),
    )
    .await?;
    let out = role::Entity::find_by_id(code)
        .one(&*txn)
        .await?
        .ok_or(DbError::NotFound)?;
    txn.commit().await?;
    Ok(role_view(out))
}

pub async fn update_role(db: &Db, actor: &Actor, code: &str, r: RoleInput) -> DbResult<Role> {
    let (name, scope, perms) = check_role_input(&r)?;
    let txn = db.begin_write().await?;
    let cur = role::Entity::find_by_id(code)
        .one(&*txn)
        .await?
        .ok_or(DbError::NotFound)?;
    if cur.builtin {
        return Err(DbError::Conflict("内置角色不能修改".into()));
    }
    check_holders(&*txn, actor, code, &perms).await?;
    let mut am: role::ActiveModel = cur.into();
    am.name = Set(name);
    am.description = Set(r.description.unwrap_or_default());
    am.data_scope = Set(scope);
    am.permissions = Set(perms.join(","));
    let m = am.update(&*txn).await?;
    audit::append(
        &*txn,
        db.backend,
        actor,
        Event::ok("update", "role", code).detail(perms.join(",")),
    )
    .await?;
    txn.commit().await?;
    Ok(role_view(m))
}

/// A role's new permissions may not make any holder cross duties, and an administrator may not
/// change the permissions of a holder of a duty that is not theirs (that is re-roling them).
async fn check_holders<C: ConnectionTrait>(c: &C, actor: &Actor, code: &str, new_perms: &[String]) -> DbResult<()> {
    let holders: Vec<i64> = user_role::Entity::find()
        .select_only()
        .column(user_role::Column::UserId)
        .filter(user_role::Column::RoleCode.eq(code))
        .into_tuple()
        .all(c)
        .await?;
    if holders.is_empty() {
        return Ok(());
    }
    let roles_of = role_codes(c, &holders).await?;
    let names: HashMap<i64, String> = app_user::Entity::find()
        .filter(app_user::Column::Id.is_in(holders.clone()))
        .all(c)
        .await?
        .into_iter()
        .map(|u| (u.id, u.username))
        .collect();
    for id in holders {
        let others: Vec<String> = roles_of
            .get(&id)
            .into_iter()
            .flatten()
            .filter(|r| r.as_str() != code)
            .cloned()
            .collect();
        let mut after = role_permissions(c, &others).await?;
        after.extend(new_perms.iter().cloned());
        let who = names.get(&id).map(String::as_str).unwrap_or("?");
        if let Some(pair) = rbac::crossed(after.iter().map(String::as_str)) {
            return Err(DbError::invalid(
                "permissions",
                format!("持有该角色的账号 {who} 将违反{}", rbac::crossing_message(pair)),
            ));
        }
        let mut touched = duties_of_user(c, id).await?;
        touched.extend(rbac::duties(after.iter().map(String::as_str)));
        guard_duties(actor, &touched)?;
    }
    Ok(())
}

pub async fn delete_role(db: &Db, actor: &Actor, code: &str) -> DbResult<()> {
    let txn = db.begin_write().await?;
    let cur = role::Entity::find_by_id(code)
        .one(&*txn)
        .await?
        .ok_or(DbError::NotFound)?;
    if cur.builtin {
        return Err(DbError::Conflict("内置角色不能删除".into()));
    }
    if user_role::Entity::find()
        .filter(user_role::Column::RoleCode.eq(code))
        .count(&*txn)
        .await?
        > 0
    {
        return Err(DbError::Conflict("还有用户持有该角色，不能删除".into()));
    }
    role::Entity::delete_by_id(code).exec(&*txn).await?;
    audit::append(&*txn, db.backend, actor, Event::ok("delete", "role", code)).await?;
    txn.commit().await
}

/// The org units of a user's custom data scope.
pub async fn scope_units(db: &Db, scope: &Scope, user_id: i64) -> DbResult<Vec<i64>> {
    visible_user(&db.conn, scope, user_id).await?;
    Ok(crate::entity::user_scope_unit::Entity::find()
        .select_only()
        .column(crate::entity::user_scope_unit::Column::OrgUnitId)
        .filter(crate::entity::user_scope_unit::Column::UserId.eq(user_id))
        .into_tuple()
        .all(&db.conn)
        .await?)
}

pub async fn set_scope_units(db: &Db, actor: &Actor, user_id: i64, mut ids: Vec<i64>) -> DbResult<Vec<i64>> {
    use crate::entity::user_scope_unit as usu;
    ids.sort_unstable();
    ids.dedup();
    let txn = db.begin_write().await?;
    visible_user(&*txn, &actor.scope, user_id).await?;
    guard_account(&*txn, actor, user_id).await?;
    let known = org_unit::Entity::find()
        .filter(org_unit::Column::Id.is_in(ids.clone()))
        .count(&*txn)
        .await?;
    if known as usize != ids.len() {
        return Err(DbError::invalid("org_unit_ids", "包含不存在的机构"));
    }
    usu::Entity::delete_many()
        .filter(usu::Column::UserId.eq(user_id))
        .exec(&*txn)
        .await?;
    if !ids.is_empty() {
        usu::Entity::insert_many(ids.iter().map(|o| usu::ActiveModel {
            user_id: Set(user_id),
            org_unit_id: Set(*o),
        }))
        .exec_without_returning(&*txn)
        .await?;
    }
    audit::append(
        &*txn,
        db.backend,
        actor,
        Event::ok("set_scope_units", "user", user_id).detail(format!("{ids:?}")),
    )
    .await?;
    txn.commit().await?;
    Ok(ids)
}
