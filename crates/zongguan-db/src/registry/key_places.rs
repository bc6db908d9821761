//! Key places: schools, hospitals, markets, stations and other places watched closely.
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, TryIntoModel,
};
use serde::Serialize;
use utoipa::ToSchema;
use zongguan_core::rbac::Scope;
use zongguan_core::registry::{Latitude, Longitude, NewKeyPlace};

use super::shared::{PlaceFilter, phone_fields, under, unit_in_scope};
use crate::audit::{self, Event};
use crate::entity::key_place;
use crate::{Actor, Db, DbError, DbResult, Page, PageReq, org, page_of, scope};

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct KeyPlace {
    pub id: i64,
    pub name: String,
    /// school | hospital | market | station | entertainment | internet_cafe | hotel | religious | other
    pub place_type: String,
    pub address: String,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub org_unit_id: i64,
    pub org_unit_name: String,
    pub owner: String,
    pub person_in_charge: String,
    /// Masked.
    pub phone: String,
}

async fn kp_views(db: &Db, rows: Vec<key_place::Model>) -> DbResult<Vec<KeyPlace>> {
    let names = org::unit_names(&db.conn, rows.iter().map(|r| r.org_unit_id)).await?;
    Ok(rows
        .into_iter()
        .map(|r| KeyPlace {
            org_unit_name: names.get(&r.org_unit_id).cloned().unwrap_or_default(),
            id: r.id,
            name: r.name,
            place_type: r.place_type,
            address: r.address,
            lon: r.lon,
            lat: r.lat,
            org_unit_id: r.org_unit_id,
            owner: r.owner,
            person_in_charge: r.person_in_charge,
            phone: r.phone_masked,
        })
        .collect())
}

fn kp_scope(s: &Scope) -> Condition {
    scope::unit_column(s, key_place::Column::OrgUnitId, Some(key_place::Column::CreatedBy))
}

pub async fn list_key_places(db: &Db, s: &Scope, f: &PlaceFilter, p: PageReq) -> DbResult<Page<KeyPlace>> {
    let mut q = key_place::Entity::find().filter(kp_scope(s));
    if let Some(u) = f.org_unit_id {
        q = q.filter(scope::unit_column(
            &under(db, u).await?,
            key_place::Column::OrgUnitId,
            None,
        ));
    }
    if let Some(k) = f.kind.as_deref().filter(|s| !s.is_empty()) {
        q = q.filter(key_place::Column::PlaceType.eq(k));
    }
    if let Some(t) = f.q.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        q = q.filter(
            Condition::any()
                .add(crate::like::contains(key_place::Column::Name, t))
                .add(crate::like::contains(key_place::Column::Address, t)),
        );
    }
    let (rows, total) = page_of(db, q, |q| q.order_by_asc(key_place::Column::Id), p).await?;
    Ok(Page::new(kp_views(db, rows).await?, total))
}

pub async fn get_key_place(db: &Db, s: &Scope, id: i64) -> DbResult<KeyPlace> {
    let m = key_place::Entity::find_by_id(id)
        .filter(kp_scope(s))
        .one(&db.conn)
        .await?
        .ok_or(DbError::NotFound)?;
    Ok(kp_views(db, vec![m]).await?.remove(0))
}

pub async fn save_key_place(db: &Db, actor: &Actor, id: Option<i64>, i: NewKeyPlace) -> DbResult<KeyPlace> {
    unit_in_scope(db, &actor.scope, i.org_unit_id).await?;
    let txn = db.begin_write().await?;
    let now = Utc::now();
    let (mut am, current): (key_place::ActiveModel, _) = match id {
        Some(id) => {
            let m = key_place::Entity::find_by_id(id)
                .filter(kp_scope(&actor.scope))
                .one(&*txn)
                .await?
                .ok_or(DbError::NotFound)?;
            let cur = (m.phone_enc.clone(), m.phone_masked.clone());
            (m.into(), Some(cur))
        }
        None => (
            key_place::ActiveModel {
                created_by: Set(actor.user_id),
                created_at: Set(now),
                ..Default::default()
            },
            None,
        ),
    };
    let (phone_enc, phone_masked) = phone_fields(db, &i.phone, current);
    am.name = Set(i.name);
    am.place_type = Set(i.place_type.into());
    am.address = Set(i.address);
    am.lon = Set(i.lon.map(Longitude::degrees));
    am.lat = Set(i.lat.map(Latitude::degrees));
    am.org_unit_id = Set(i.org_unit_id);
    am.owner = Set(i.owner);
    am.person_in_charge = Set(i.person_in_charge);
    am.phone_enc = Set(phone_enc);
    am.phone_masked = Set(phone_masked);
    am.updated_at = Set(now);
    let m = am.save(&*txn).await?.try_into_model()?;
    audit::append(
        &*txn,
        db.backend,
        actor,
        Event::ok(if id.is_some() { "update" } else { "create" }, "key_place", m.id),
    )
    .await?;
    txn.commit().await?;
    Ok(kp_views(db, vec![m]).await?.remove(0))
}
