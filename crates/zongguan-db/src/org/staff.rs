//! Staff: the people working in centers and departments, with their phone kept encrypted.
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use serde::Serialize;
use utoipa::ToSchema;
use zongguan_core::mask;
use zongguan_core::org::{NewStaffFields, StaffChange};
use zongguan_core::phone::Phone;
use zongguan_core::rbac::Scope;

use super::departments::visible_department;
use super::units::visible_unit;
use super::{SimpleFilter, department_names, unit_names};
use crate::audit::{self, Event};
use crate::entity::{app_user, grid_assignment, staff};
use crate::{Actor, Db, DbError, DbResult, Page, PageReq, page_of, scope};

/// A person working in a center or department. `phone` is masked.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Staff {
    pub id: i64,
    pub name: String,
    /// male | female
    pub gender: String,
    pub phone: Option<String>,
    pub org_unit_id: i64,
    pub org_unit_name: String,
    pub department_id: Option<i64>,
    pub department_name: Option<String>,
    pub post: String,
    pub user_id: Option<i64>,
    pub username: Option<String>,
    pub grid_ids: Vec<i64>,
}

fn staff_scope(scope: &Scope) -> sea_orm::Condition {
    scope::unit_column(scope, staff::Column::OrgUnitId, Some(staff::Column::CreatedBy))
}

pub(super) async fn staff_views(db: &Db, rows: Vec<staff::Model>) -> DbResult<Vec<Staff>> {
    let units = unit_names(&db.conn, rows.iter().map(|r| r.org_unit_id)).await?;
    let depts = department_names(&db.conn, rows.iter().filter_map(|r| r.department_id)).await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let users: Vec<(i64, String, Option<i64>)> = app_user::Entity::find()
        .select_only()
        .columns([
            app_user::Column::Id,
            app_user::Column::Username,
            app_user::Column::StaffId,
        ])
        .filter(app_user::Column::StaffId.is_in(ids.clone()))
        .into_tuple()
        .all(&db.conn)
        .await?;
    let grids: Vec<(i64, i64)> = grid_assignment::Entity::find()
        .select_only()
        .columns([grid_assignment::Column::StaffId, grid_assignment::Column::GridId])
        .filter(grid_assignment::Column::StaffId.is_in(ids))
        .into_tuple()
        .all(&db.conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let user = users.iter().find(|u| u.2 == Some(r.id));
            Staff {
                phone: r
                    .phone_enc
                    .as_deref()
                    .and_then(|e| db.cipher.decrypt(e).ok())
                    .map(|p| mask::phone(&p)),
                org_unit_name: units.get(&r.org_unit_id).cloned().unwrap_or_default(),
                department_name: r.department_id.and_then(|d| depts.get(&d).cloned()),
                user_id: user.map(|u| u.0),
                username: user.map(|u| u.1.clone()),
                grid_ids: grids.iter().filter(|g| g.0 == r.id).map(|g| g.1).collect(),
                id: r.id,
                name: r.name,
                gender: r.gender,
                org_unit_id: r.org_unit_id,
                department_id: r.department_id,
                post: r.post,
            }
        })
        .collect())
}

pub async fn list_staff(db: &Db, scope: &Scope, f: &SimpleFilter, p: PageReq) -> DbResult<Page<Staff>> {
    let mut q = staff::Entity::find().filter(staff_scope(scope));
    if let Some(u) = f.org_unit_id {
        q = q.filter(staff::Column::OrgUnitId.eq(u));
    }
    if let Some(t) = f.q.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        q = q.filter(
            sea_orm::Condition::any()
                .add(crate::like::contains(staff::Column::Name, t))
                .add(crate::like::contains(staff::Column::Post, t)),
        );
    }
    let (rows, total) = page_of(db, q, |q| q.order_by_asc(staff::Column::Id), p).await?;
    Ok(Page::new(staff_views(db, rows).await?, total))
}

async fn visible_staff<C: ConnectionTrait>(c: &C, scope: &Scope, id: i64) -> DbResult<staff::Model> {
    staff::Entity::find_by_id(id)
        .filter(staff_scope(scope))
        .one(c)
        .await?
        .ok_or(DbError::NotFound)
}

pub async fn get_staff(db: &Db, scope: &Scope, id: i64) -> DbResult<Staff> {
    let m = visible_staff(&db.conn, scope, id).await?;
    Ok(staff_views(db, vec![m]).await?.remove(0))
}

/// Checks that a department may be chosen for a person or an account.
pub(crate) async fn check_department<C: ConnectionTrait>(c: &C, scope: &Scope, dept: Option<i64>) -> DbResult<()> {
    if let Some(d) = dept {
        visible_department(c, scope, d)
            .await
            .map_err(|_| DbError::invalid("department_id", "成员单位不存在"))?;
    }
    Ok(())
}

pub(crate) async fn insert_staff<C: ConnectionTrait>(
    c: &C,
    db: &Db,
    actor: &Actor,
    n: &NewStaffFields,
) -> DbResult<staff::Model> {
    visible_unit(c, &actor.scope, n.org_unit_id())
        .await
        .map_err(|_| DbError::invalid("org_unit_id", "所属单位不存在"))?;
    check_department(c, &actor.scope, n.department_id()).await?;
    let phone = n.phone().map(Phone::as_str);
    let now = Utc::now();
    Ok(staff::ActiveModel {
        name: Set(n.name().into()),
        gender: Set(n.gender().as_str().into()),
        phone_hash: Set(phone.map(|p| db.cipher.keyed_hash(p))),
        phone_enc: Set(phone.map(|p| db.cipher.encrypt(p))),
        org_unit_id: Set(n.org_unit_id()),
        department_id: Set(n.department_id()),
        post: Set(n.post().into()),
        created_by: Set(actor.user_id),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(c)
    .await?)
}

pub async fn create_staff(db: &Db, actor: &Actor, n: NewStaffFields) -> DbResult<Staff> {
    let txn = db.begin_write().await?;
    let m = insert_staff(&*txn, db, actor, &n).await?;
    audit::append(
        &*txn,
        db.backend,
        actor,
        Event::ok("create", "staff", m.id).detail(m.name.clone()),
    )
    .await?;
    txn.commit().await?;
    Ok(staff_views(db, vec![m]).await?.remove(0))
}

pub async fn update_staff(db: &Db, actor: &Actor, id: i64, u: StaffChange) -> DbResult<Staff> {
    let txn = db.begin_write().await?;
    let cur = visible_staff(&*txn, &actor.scope, id).await?;
    let mut am: staff::ActiveModel = cur.into();
    if let Some(n) = u.name() {
        am.name = Set(n.into());
    }
    if let Some(g) = u.gender() {
        am.gender = Set(g.as_str().into());
    }
    if let Some(p) = u.phone() {
        let p = p.map(Phone::as_str);
        am.phone_hash = Set(p.map(|p| db.cipher.keyed_hash(p)));
        am.phone_enc = Set(p.map(|p| db.cipher.encrypt(p)));
    }
    if u.department_id().is_some() {
        check_department(&*txn, &actor.scope, u.department_id()).await?;
        am.department_id = Set(u.department_id());
    }
    if let Some(p) = u.post() {
        am.post = Set(p.into());
    }
    am.updated_at = Set(Utc::now());
    let m = am.update(&*txn).await?;
    audit::append(&*txn, db.backend, actor, Event::ok("update", "staff", id)).await?;
    txn.commit().await?;
    Ok(staff_views(db, vec![m]).await?.remove(0))
}

pub async fn delete_staff(db: &Db, actor: &Actor, id: i64) -> DbResult<()> {
    let txn = db.begin_write().await?;
    let cur = visible_staff(&*txn, &actor.scope, id).await?;
    if app_user::Entity::find()
        .filter(app_user::Column::StaffId.eq(id))
        .count(&*txn)
        .await?
        > 0
    {
        return Err(DbError::Conflict(format!("{} 有用户账号，请先处理账号", cur.name)));
    }
    staff::Entity::delete_by_id(id).exec(&*txn).await?;
    audit::append(
        &*txn,
        db.backend,
        actor,
        Event::ok("delete", "staff", id).detail(cur.name),
    )
    .await?;
    txn.commit().await
}
