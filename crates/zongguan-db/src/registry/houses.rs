//! Houses: the rooms of a building, with their use and whether they are let.
use std::collections::HashMap;

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde::Serialize;
use utoipa::ToSchema;
use zongguan_core::rbac::Scope;
use zongguan_core::registry::{Area, NewHouse};

use super::buildings::{building_views, visible_building};
use super::residences::residence_views;
use super::{Building, Residence, buildings_matching};
use crate::audit::{self, Event};
use crate::entity::{building, house, residence};
use crate::{Actor, Db, DbError, DbResult, Page, PageReq, scope};

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct House {
    pub id: i64,
    pub building_id: i64,
    pub building_code: String,
    pub building_name: String,
    pub address: String,
    pub grid_id: i64,
    pub room: String,
    pub area: Option<f64>,
    pub use_type: String,
    pub owner_resident_id: Option<i64>,
    pub owner_org: String,
    pub is_rental: bool,
    pub rental_use: String,
    pub rental_risk_class: Option<String>,
    /// People living there now.
    pub occupants: u64,
}

pub(super) fn house_scope(scope: &Scope) -> Condition {
    scope::unit_column(scope, house::Column::GridId, Some(house::Column::CreatedBy))
}

async fn house_views(db: &Db, rows: Vec<house::Model>) -> DbResult<Vec<House>> {
    let bids: Vec<i64> = rows.iter().map(|r| r.building_id).collect();
    let buildings: HashMap<i64, building::Model> = building::Entity::find()
        .filter(building::Column::Id.is_in(bids))
        .all(&db.conn)
        .await?
        .into_iter()
        .map(|b| (b.id, b))
        .collect();
    let hids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let counts: HashMap<i64, i64> = residence::Entity::find()
        .select_only()
        .column(residence::Column::HouseId)
        .column_as(residence::Column::Id.count(), "n")
        .filter(residence::Column::HouseId.is_in(hids))
        .filter(residence::Column::Until.is_null())
        .group_by(residence::Column::HouseId)
        .into_tuple::<(i64, i64)>()
        .all(&db.conn)
        .await?
        .into_iter()
        .collect();
    Ok(rows
        .into_iter()
        .map(|r| {
            let b = buildings.get(&r.building_id);
            House {
                building_code: b.map(|b| b.code.clone()).unwrap_or_default(),
                building_name: b.map(|b| b.name.clone()).unwrap_or_default(),
                address: b.map(|b| format!("{}{}", b.address, r.room)).unwrap_or_default(),
                occupants: counts.get(&r.id).copied().unwrap_or(0) as u64,
                id: r.id,
                building_id: r.building_id,
                grid_id: r.grid_id,
                room: r.room,
                area: r.area,
                use_type: r.use_type,
                owner_resident_id: r.owner_resident_id,
                owner_org: r.owner_org,
                is_rental: r.is_rental,
                rental_use: r.rental_use,
                rental_risk_class: r.rental_risk_class,
            }
        })
        .collect())
}

#[derive(Debug, Default, Clone)]
pub struct HouseFilter {
    pub org_unit_id: Option<i64>,
    pub building_id: Option<i64>,
    pub use_type: Option<String>,
    pub is_rental: Option<bool>,
    pub q: Option<String>,
}

/// The house columns that place a row in the org tree.
pub(crate) const PLACED: scope::Placed<house::Column> = scope::Placed {
    unit: house::Column::GridId,
    subdistrict: house::Column::SubdistrictId,
    community: house::Column::CommunityId,
    owner: Some(house::Column::CreatedBy),
};

pub async fn list_houses(db: &Db, scope: &Scope, f: &HouseFilter, p: PageReq) -> DbResult<Page<House>> {
    let mut q = house::Entity::find().filter(scope::placed_under(&db.conn, scope, f.org_unit_id, &PLACED).await?);
    if let Some(b) = f.building_id {
        q = q.filter(house::Column::BuildingId.eq(b));
    }
    let use_type = f.use_type.as_deref().filter(|s| !s.is_empty());
    if let Some(t) = use_type {
        q = q.filter(house::Column::UseType.eq(t));
    }
    if let Some(r) = f.is_rental {
        q = q.filter(house::Column::IsRental.eq(r));
    }
    let text = f.q.as_deref().map(str::trim).filter(|s| !s.is_empty());
    if let Some(t) = text {
        q = q.filter(
            Condition::any()
                .add(crate::like::contains(house::Column::Room, t))
                .add(house::Column::BuildingId.in_subquery(buildings_matching(db, t))),
        );
    }
    let counted = if text.is_none() && f.building_id.is_none() && !matches!(scope, Scope::OwnRecords { .. }) {
        let units = super::buildings::units_under(db, scope, f.org_unit_id).await?;
        db.stats
            .with_warm(db, |c| {
                units
                    .iter()
                    .filter_map(|u| c.get(u))
                    .flat_map(|c| c.houses.iter())
                    .filter(|((u, rental), _)| {
                        use_type.is_none_or(|t| t == u) && f.is_rental.is_none_or(|r| r == *rental)
                    })
                    .map(|(_, n)| *n)
                    .sum()
            })
            .await?
    } else {
        None
    };
    let (total, total_exact) = match counted {
        Some(n) => (n, true),
        None => crate::listing::capped_count(&db.conn, q.clone(), crate::listing::COUNT_CAP).await?,
    };
    let sort = crate::listing::SortKey {
        key: None,
        id: house::Column::Id,
        desc: false,
    };
    let page = crate::listing::page_ids(&db.conn, q, &sort, &p, total_exact.then_some(total)).await?;
    let rows = house::Entity::find()
        .filter(house::Column::Id.is_in(page.ids.clone()))
        .all(&db.conn)
        .await?;
    let rows = crate::listing::in_order(&page.ids, rows, |r| r.id);
    Ok(Page {
        items: house_views(db, rows).await?,
        total,
        total_exact,
        next: page.next,
        prev: page.prev,
    })
}

pub(super) async fn visible_house<C: ConnectionTrait>(c: &C, scope: &Scope, id: i64) -> DbResult<house::Model> {
    house::Entity::find_by_id(id)
        .filter(house_scope(scope))
        .one(c)
        .await?
        .ok_or(DbError::NotFound)
}

/// A house with its building and its occupants, past and present.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HouseDetail {
    pub house: House,
    pub building: Building,
    pub residences: Vec<Residence>,
}

pub async fn get_house(db: &Db, actor: &Actor, id: i64) -> DbResult<HouseDetail> {
    let m = visible_house(&db.conn, &actor.scope, id).await?;
    let b = building::Entity::find_by_id(m.building_id)
        .one(&db.conn)
        .await?
        .ok_or(DbError::NotFound)?;
    let rows = residence::Entity::find()
        .filter(residence::Column::HouseId.eq(id))
        .order_by_desc(residence::Column::Since)
        .all(&db.conn)
        .await?;
    Ok(HouseDetail {
        house: house_views(db, vec![m]).await?.remove(0),
        building: building_views(db, vec![b]).await?.remove(0),
        residences: residence_views(db, rows).await?,
    })
}

pub async fn create_house(db: &Db, actor: &Actor, h: NewHouse) -> DbResult<House> {
    let room = h.fields.room();
    let txn = db.begin_write().await?;
    let b = visible_building(&*txn, &actor.scope, h.building_id)
        .await
        .map_err(|_| DbError::invalid("building_id", "楼栋不存在"))?;
    let now = Utc::now();
    let m = house::ActiveModel {
        building_id: Set(b.id),
        grid_id: Set(b.grid_id),
        room: Set(room.into()),
        area: Set(h.fields.area().map(Area::square_metres)),
        use_type: Set(h.fields.use_type().into()),
        owner_resident_id: Set(h.owner_resident_id),
        owner_org: Set(h.owner_org.clone()),
        is_rental: Set(h.is_rental),
        rental_use: Set(h.rental_use.clone()),
        rental_risk_class: Set(None),
        created_by: Set(actor.user_id),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&*txn)
    .await
    .map_err(|e| DbError::from(e).unique_on("room", &format!("{} 已有房号 {room}", b.code)))?;
    audit::append(
        &*txn,
        db.backend,
        actor,
        Event::ok("create", "house", m.id).detail(format!("{} {}", b.code, m.room)),
    )
    .await?;
    txn.commit().await?;
    Ok(house_views(db, vec![m]).await?.remove(0))
}

/// Saves over a stored house; its building stays (`h.building_id` is not read).
pub async fn update_house(db: &Db, actor: &Actor, id: i64, h: NewHouse) -> DbResult<House> {
    let txn = db.begin_write().await?;
    let cur = visible_house(&*txn, &actor.scope, id).await?;
    let mut am: house::ActiveModel = cur.into();
    am.room = Set(h.fields.room().into());
    am.area = Set(h.fields.area().map(Area::square_metres));
    am.use_type = Set(h.fields.use_type().into());
    am.owner_resident_id = Set(h.owner_resident_id);
    am.owner_org = Set(h.owner_org);
    am.is_rental = Set(h.is_rental);
    am.rental_use = Set(h.rental_use);
    am.updated_at = Set(Utc::now());
    let m = am
        .update(&*txn)
        .await
        .map_err(|e| DbError::from(e).unique_on("room", "该楼栋已有此房号"))?;
    audit::append(&*txn, db.backend, actor, Event::ok("update", "house", id)).await?;
    txn.commit().await?;
    Ok(house_views(db, vec![m]).await?.remove(0))
}
