//! Cameras (电子防控): the register of video points, placed in the grid their point lies in.
use chrono::{NaiveDate, Utc};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde::Serialize;
use utoipa::ToSchema;
use zongguan_core::rbac::Scope;

use crate::audit::{self, Event};
use crate::entity::camera;
use crate::{Actor, Db, DbError, DbResult, Page, PageReq, scope};

/// (code, word).
pub const CAMERA_KINDS: [(&str, &str); 4] = [
    ("hd", "高清监控"),
    ("face", "人脸识别"),
    ("vehicle", "车辆卡口"),
    ("other", "其他"),
];
pub const CAMERA_STATUSES: [(&str, &str); 3] = [("online", "在线"), ("offline", "离线"), ("fault", "故障")];

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Camera {
    pub id: i64,
    pub code: String,
    pub name: String,
    /// `hd` | `face` | `vehicle` | `other`.
    pub kind: String,
    /// `online` | `offline` | `fault`.
    pub status: String,
    pub lon: f64,
    pub lat: f64,
    pub grid_id: i64,
    pub grid_name: String,
    #[schema(required = true)]
    pub installed_on: Option<NaiveDate>,
    pub note: String,
    pub updated_at: chrono::DateTime<Utc>,
}

/// A camera as the edge checked it (text trimmed, date parsed); codes are checked here.
#[derive(Debug, Clone)]
pub struct CameraInput {
    pub code: String,
    pub name: String,
    pub kind: String,
    pub status: String,
    pub lon: f64,
    pub lat: f64,
    pub installed_on: Option<NaiveDate>,
    pub note: String,
}

pub(crate) const PLACED: scope::Placed<camera::Column> = scope::Placed {
    unit: camera::Column::GridId,
    subdistrict: camera::Column::SubdistrictId,
    community: camera::Column::CommunityId,
    owner: Some(camera::Column::CreatedBy),
};

async fn view(db: &Db, r: camera::Model) -> DbResult<Camera> {
    let routing = crate::cases::routing(db).await?;
    Ok(Camera {
        grid_name: routing.grid(r.grid_id).map(|g| g.grid_name.clone()).unwrap_or_default(),
        id: r.id,
        code: r.code,
        name: r.name,
        kind: r.kind,
        status: r.status,
        lon: r.lon,
        lat: r.lat,
        grid_id: r.grid_id,
        installed_on: r.installed_on,
        note: r.note,
        updated_at: r.updated_at,
    })
}

fn check(i: &CameraInput) -> DbResult<()> {
    if i.code.is_empty() || i.code.chars().count() > 40 {
        return Err(DbError::invalid("code", "请填写设备编码（不超过 40 字）"));
    }
    if i.name.is_empty() || i.name.chars().count() > 100 {
        return Err(DbError::invalid("name", "请填写设备名称（不超过 100 字）"));
    }
    if !CAMERA_KINDS.iter().any(|(c, _)| *c == i.kind) {
        return Err(DbError::invalid("kind", "设备类型须为 hd、face、vehicle 或 other"));
    }
    if !CAMERA_STATUSES.iter().any(|(c, _)| *c == i.status) {
        return Err(DbError::invalid("status", "状态须为 online、offline 或 fault"));
    }
    if !(i.lon.is_finite() && (-180.0..=180.0).contains(&i.lon)) {
        return Err(DbError::invalid("lon", "经度无效"));
    }
    if !(i.lat.is_finite() && (-90.0..=90.0).contains(&i.lat)) {
        return Err(DbError::invalid("lat", "纬度无效"));
    }
    Ok(())
}

/// The grid the point lies in, and its keys; the grid must be in the actor's scope.
async fn place(db: &Db, actor: &Actor, lon: f64, lat: f64) -> DbResult<(i64, Option<i64>, Option<i64>)> {
    let routing = crate::cases::routing(db).await?;
    let grid = routing
        .locate(lon, lat)
        .ok_or_else(|| DbError::invalid("lon", "该位置不在任何网格内"))?;
    let info = routing.grid(grid).ok_or(DbError::NotFound)?;
    let layers = db.map.layers(db).await?;
    let visible = matches!(actor.scope, Scope::All)
        || layers
            .units
            .get(grid)
            .is_some_and(|u| actor.scope.sees_unit(u.id, &u.path));
    if !visible {
        return Err(DbError::invalid("lon", "该位置不在您的管辖范围内"));
    }
    Ok((grid, Some(info.subdistrict_id), Some(info.community_id)))
}

async fn code_free<C: ConnectionTrait>(c: &C, code: &str, except: Option<i64>) -> DbResult<()> {
    let mut q = camera::Entity::find().filter(camera::Column::Code.eq(code));
    if let Some(id) = except {
        q = q.filter(camera::Column::Id.ne(id));
    }
    if q.one(c).await?.is_some() {
        return Err(DbError::Taken {
            field: "code".into(),
            message: format!("设备编码 {code} 已被使用"),
        });
    }
    Ok(())
}

async fn visible_camera<C: ConnectionTrait>(c: &C, scope: &Scope, id: i64) -> DbResult<camera::Model> {
    camera::Entity::find_by_id(id)
        .filter(scope::placed(c, scope, &PLACED).await?)
        .one(c)
        .await?
        .ok_or(DbError::NotFound)
}

pub async fn create_camera(db: &Db, actor: &Actor, i: CameraInput) -> DbResult<Camera> {
    check(&i)?;
    let (grid, sub, com) = place(db, actor, i.lon, i.lat).await?;
    let txn = db.begin_write().await?;
    code_free(&*txn, &i.code, None).await?;
    let now = Utc::now();
    let m = camera::ActiveModel {
        code: Set(i.code.clone()),
        name: Set(i.name),
        kind: Set(i.kind),
        status: Set(i.status),
        lon: Set(i.lon),
        lat: Set(i.lat),
        grid_id: Set(grid),
        subdistrict_id: Set(sub),
        community_id: Set(com),
        installed_on: Set(i.installed_on),
        note: Set(i.note),
        created_by: Set(actor.user_id),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&*txn)
    .await?;
    audit::append(
        &*txn,
        db.backend,
        actor,
        Event::ok("create", "camera", m.id).detail(i.code),
    )
    .await?;
    txn.commit().await?;
    view(db, m).await
}

pub async fn update_camera(db: &Db, actor: &Actor, id: i64, i: CameraInput) -> DbResult<Camera> {
    check(&i)?;
    visible_camera(&db.conn, &actor.scope, id).await?;
    let (grid, sub, com) = place(db, actor, i.lon, i.lat).await?;
    let txn = db.begin_write().await?;
    let old = visible_camera(&*txn, &actor.scope, id).await?;
    code_free(&*txn, &i.code, Some(id)).await?;
    let mut am: camera::ActiveModel = old.into();
    am.code = Set(i.code.clone());
    am.name = Set(i.name);
    am.kind = Set(i.kind);
    am.status = Set(i.status.clone());
    am.lon = Set(i.lon);
    am.lat = Set(i.lat);
    am.grid_id = Set(grid);
    am.subdistrict_id = Set(sub);
    am.community_id = Set(com);
    am.installed_on = Set(i.installed_on);
    am.note = Set(i.note);
    am.updated_at = Set(Utc::now());
    let m = am.update(&*txn).await?;
    audit::append(
        &*txn,
        db.backend,
        actor,
        Event::ok("update", "camera", id).detail(format!("{} {}", i.code, i.status)),
    )
    .await?;
    txn.commit().await?;
    view(db, m).await
}

pub async fn delete_camera(db: &Db, actor: &Actor, id: i64) -> DbResult<()> {
    let txn = db.begin_write().await?;
    let old = visible_camera(&*txn, &actor.scope, id).await?;
    camera::Entity::delete_by_id(id).exec(&*txn).await?;
    audit::append(
        &*txn,
        db.backend,
        actor,
        Event::ok("delete", "camera", id).detail(old.code),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

#[derive(Debug, Default, Clone)]
pub struct CameraFilter {
    pub org_unit_id: Option<i64>,
    pub kind: Option<String>,
    pub status: Option<String>,
    /// Part of the code or the name.
    pub q: Option<String>,
}

pub async fn list_cameras(db: &Db, scope: &Scope, f: &CameraFilter, p: PageReq) -> DbResult<Page<Camera>> {
    let mut q = camera::Entity::find().filter(scope::placed_under(&db.conn, scope, f.org_unit_id, &PLACED).await?);
    if let Some(k) = f.kind.as_deref() {
        q = q.filter(camera::Column::Kind.eq(k));
    }
    if let Some(s) = f.status.as_deref() {
        q = q.filter(camera::Column::Status.eq(s));
    }
    if let Some(t) = f.q.as_deref() {
        q = q.filter(
            sea_orm::Condition::any()
                .add(camera::Column::Code.contains(t))
                .add(camera::Column::Name.contains(t)),
        );
    }
    let sort = crate::listing::SortKey {
        key: None,
        id: camera::Column::Id,
        desc: true,
    };
    let mut page = crate::listing::page_rows(&db.conn, q, &sort, &p, |r| r.id).await?;
    let mut items = Vec::with_capacity(page.items.len());
    for r in std::mem::take(&mut page.items) {
        items.push(view(db, r).await?);
    }
    Ok(page.with_items(items))
}
