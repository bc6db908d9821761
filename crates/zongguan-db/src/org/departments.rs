//! Member departments (成员单位) of a district, subdistrict or community center.
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder,
};
use serde::Serialize;
use utoipa::ToSchema;
use zongguan_core::org::{DepartmentChange, NewDepartmentFields};
use zongguan_core::rbac::Scope;

use super::unit_names;
use super::units::visible_unit;
use crate::audit::{self, Event};
use crate::entity::{app_user, department, staff};
use crate::{Actor, Db, DbError, DbResult, Page, PageReq, page_of, scope};

/// A member department (成员单位) of a center.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Department {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub org_unit_id: i64,
    pub org_unit_name: String,
    pub duties: String,
    pub phone: String,
}

#[derive(Debug, Default, Clone)]
pub struct SimpleFilter {
    pub org_unit_id: Option<i64>,
    pub q: Option<String>,
}

async fn department_views(db: &Db, rows: Vec<department::Model>) -> DbResult<Vec<Department>> {
    let names = unit_names(&db.conn, rows.iter().map(|r| r.org_unit_id)).await?;
    Ok(rows
        .into_iter()
        .map(|r| Department {
            org_unit_name: names.get(&r.org_unit_id).cloned().unwrap_or_default(),
            id: r.id,
            code: r.code,
            name: r.name,
            org_unit_id: r.org_unit_id,
            duties: r.duties,
            phone: r.phone,
        })
        .collect())
}

fn dept_scope(scope: &Scope) -> sea_orm::Condition {
    scope::unit_column(
        scope,
        department::Column::OrgUnitId,
        Some(department::Column::CreatedBy),
    )
}

pub async fn list_departments(db: &Db, scope: &Scope, f: &SimpleFilter, p: PageReq) -> DbResult<Page<Department>> {
    let mut q = department::Entity::find().filter(dept_scope(scope));
    if let Some(u) = f.org_unit_id {
        q = q.filter(department::Column::OrgUnitId.eq(u));
    }
    if let Some(t) = f.q.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        q = q.filter(
            sea_orm::Condition::any()
                .add(crate::like::contains(department::Column::Name, t))
                .add(crate::like::contains(department::Column::Code, t)),
        );
    }
    let (rows, total) = page_of(db, q, |q| q.order_by_asc(department::Column::Code), p).await?;
    Ok(Page::new(department_views(db, rows).await?, total))
}

pub(super) async fn visible_department<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    id: i64,
) -> DbResult<department::Model> {
    department::Entity::find_by_id(id)
        .filter(dept_scope(scope))
        .one(c)
        .await?
        .ok_or(DbError::NotFound)
}

pub async fn get_department(db: &Db, scope: &Scope, id: i64) -> DbResult<Department> {
    let m = visible_department(&db.conn, scope, id).await?;
    Ok(department_views(db, vec![m]).await?.remove(0))
}

pub async fn create_department(db: &Db, actor: &Actor, n: NewDepartmentFields) -> DbResult<Department> {
    let code = n.code();
    let txn = db.begin_write().await?;
    let unit = visible_unit(&*txn, &actor.scope, n.org_unit_id())
        .await
        .map_err(|_| DbError::invalid("org_unit_id", "所属中心不存在"))?;
    if unit.level == "grid" {
        return Err(DbError::invalid("org_unit_id", "成员单位须隶属于区、街道或社区中心"));
    }
    let now = Utc::now();
    let m = department::ActiveModel {
        code: Set(code.into()),
        name: Set(n.name().into()),
        org_unit_id: Set(unit.id),
        duties: Set(n.duties().into()),
        phone: Set(n.phone().into()),
        created_by: Set(actor.user_id),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&*txn)
    .await
    .map_err(|e| DbError::from(e).unique(&format!("编码 {code} 已存在")))?;
    audit::append(
        &*txn,
        db.backend,
        actor,
        Event::ok("create", "department", m.id).detail(m.name.clone()),
    )
    .await?;
    txn.commit().await?;
    Ok(department_views(db, vec![m]).await?.remove(0))
}

pub async fn update_department(db: &Db, actor: &Actor, id: i64, u: DepartmentChange) -> DbResult<Department> {
    let txn = db.begin_write().await?;
    let cur = visible_department(&*txn, &actor.scope, id).await?;
    let mut am: department::ActiveModel = cur.into();
    if let Some(c) = u.code() {
        am.code = Set(c.into());
    }
    if let Some(n) = u.name() {
        am.name = Set(n.into());
    }
    if let Some(d) = u.duties() {
        am.duties = Set(d.into());
    }
    if let Some(p) = u.phone() {
        am.phone = Set(p.into());
    }
    am.updated_at = Set(Utc::now());
    let m = am
        .update(&*txn)
        .await
        .map_err(|e| DbError::from(e).unique("编码已存在"))?;
    audit::append(&*txn, db.backend, actor, Event::ok("update", "department", id)).await?;
    txn.commit().await?;
    Ok(department_views(db, vec![m]).await?.remove(0))
}

pub async fn delete_department(db: &Db, actor: &Actor, id: i64) -> DbResult<()> {
    let txn = db.begin_write().await?;
    let cur = visible_department(&*txn, &actor.scope, id).await?;
    let used = staff::Entity::find()
        .filter(staff::Column::DepartmentId.eq(id))
        .count(&*txn)
        .await?
        + app_user::Entity::find()
            .filter(app_user::Column::DepartmentId.eq(id))
            .count(&*txn)
            .await?;
    if used > 0 {
        return Err(DbError::Conflict(format!("{} 还有人员或用户，不能删除", cur.name)));
    }
    department::Entity::delete_by_id(id).exec(&*txn).await?;
    audit::append(
        &*txn,
        db.backend,
        actor,
        Event::ok("delete", "department", id).detail(cur.name),
    )
    .await?;
    txn.commit().await
}
