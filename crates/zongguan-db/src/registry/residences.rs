//! Residences: who lives in which house from when to when; moving out ends a residence, never deletes it.
use std::collections::HashMap;

use chrono::NaiveDate;
use chrono::Utc;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use zongguan_core::registry::NewResidence;
use zongguan_core::registry::residence as rules;

use super::houses::visible_house;
use super::residents::visible_resident;
use super::{ResidentDetail, get_resident};
use crate::audit::{self, Event};
use crate::entity::{building, house, residence, resident};
use crate::{Actor, Db, DbError, DbResult};

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Residence {
    pub id: i64,
    pub resident_id: i64,
    pub resident_name: String,
    pub house_id: i64,
    pub building_code: String,
    pub room: String,
    pub address: String,
    /// GB/T 4761 code.
    pub relation: String,
    pub since: NaiveDate,
    pub until: Option<NaiveDate>,
}

pub(super) async fn residence_views(db: &Db, rows: Vec<residence::Model>) -> DbResult<Vec<Residence>> {
    let hids: Vec<i64> = rows.iter().map(|r| r.house_id).collect();
    let houses: HashMap<i64, house::Model> = house::Entity::find()
        .filter(house::Column::Id.is_in(hids))
        .all(&db.conn)
        .await?
        .into_iter()
        .map(|h| (h.id, h))
        .collect();
    let bids: Vec<i64> = houses.values().map(|h| h.building_id).collect();
    let buildings: HashMap<i64, building::Model> = building::Entity::find()
        .filter(building::Column::Id.is_in(bids))
        .all(&db.conn)
        .await?
        .into_iter()
        .map(|b| (b.id, b))
        .collect();
    let rids: Vec<i64> = rows.iter().map(|r| r.resident_id).collect();
    let names: HashMap<i64, String> = resident::Entity::find()
        .select_only()
        .columns([resident::Column::Id, resident::Column::Name])
        .filter(resident::Column::Id.is_in(rids))
        .into_tuple::<(i64, String)>()
        .all(&db.conn)
        .await?
        .into_iter()
        .collect();
    Ok(rows
        .into_iter()
        .map(|r| {
            let h = houses.get(&r.house_id);
            let b = h.and_then(|h| buildings.get(&h.building_id));
            Residence {
                id: r.id,
                resident_id: r.resident_id,
                resident_name: names
                    .get(&r.resident_id)
                    .map(|n| zongguan_core::mask::name(n))
                    .unwrap_or_default(),
                house_id: r.house_id,
                building_code: b.map(|b| b.code.clone()).unwrap_or_default(),
                room: h.map(|h| h.room.clone()).unwrap_or_default(),
                address: match (b, h) {
                    (Some(b), Some(h)) => format!("{}{}", b.address, h.room),
                    _ => String::new(),
                },
                relation: r.relation,
                since: r.since,
                until: r.until,
            }
        })
        .collect())
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MoveIn {
    pub house_id: i64,
    /// GB/T 4761 code or word (本人, 配偶, …).
    pub relation: Option<String>,
    /// `YYYY-MM-DD`; default today.
    pub since: Option<String>,
}

/// Moves a resident into a house; a current residence elsewhere ends the day before.
pub async fn move_in(db: &Db, actor: &Actor, resident_id: i64, m: MoveIn) -> DbResult<ResidentDetail> {
    let today = chrono::Local::now().date_naive();
    let NewResidence { since, relation, .. } =
        NewResidence::parse(m.house_id, m.relation.as_deref(), m.since.as_deref(), today)?;
    let txn = db.begin_write().await?;
    let r = visible_resident(&*txn, &actor.scope, resident_id).await?;
    let h = visible_house(&*txn, &actor.scope, m.house_id)
        .await
        .map_err(|_| DbError::invalid("house_id", "房屋不存在"))?;
    crate::governance::refuse_if_not_to_let(&h)?;
    let current = residence::Entity::find()
        .filter(residence::Column::ResidentId.eq(resident_id))
        .filter(residence::Column::Until.is_null())
        .all(&*txn)
        .await?;
    for c in current {
        if c.house_id == h.id {
            return Err(DbError::Conflict("已居住在该房屋".into()));
        }
        if since <= c.since {
            return Err(DbError::invalid(
                "since",
                format!("入住日期须晚于当前居住登记的入住日期 {}", c.since),
            ));
        }
        let end = since.pred_opt().unwrap_or(since);
        let mut am: residence::ActiveModel = c.into();
        am.until = Set(Some(end));
        am.update(&*txn).await?;
    }
    residence::ActiveModel {
        resident_id: Set(resident_id),
        house_id: Set(h.id),
        relation: Set(relation.into()),
        since: Set(since),
        until: Set(None),
        created_by: Set(actor.user_id),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&*txn)
    .await?;
    let mut am: resident::ActiveModel = r.into();
    am.org_unit_id = Set(h.grid_id);
    am.updated_at = Set(Utc::now());
    am.update(&*txn).await?;
    audit::append(
        &*txn,
        db.backend,
        actor,
        Event::ok("move_in", "resident", resident_id).detail(format!("house {}", h.id)),
    )
    .await?;
    txn.commit().await?;
    get_resident(db, actor, resident_id, false).await
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MoveOut {
    /// `YYYY-MM-DD`; default today.
    pub until: Option<String>,
}

/// Ends the current residence. The row stays: a house keeps its history of occupants.
pub async fn move_out(db: &Db, actor: &Actor, resident_id: i64, m: MoveOut) -> DbResult<ResidentDetail> {
    let today = chrono::Local::now().date_naive();
    let until = rules::until(m.until.as_deref(), today)?;
    let txn = db.begin_write().await?;
    visible_resident(&*txn, &actor.scope, resident_id).await?;
    let current = residence::Entity::find()
        .filter(residence::Column::ResidentId.eq(resident_id))
        .filter(residence::Column::Until.is_null())
        .all(&*txn)
        .await?;
    if current.is_empty() {
        return Err(DbError::Conflict("该人员当前没有居住登记".into()));
    }
    for c in current {
        if until < c.since {
            return Err(DbError::invalid(
                "until",
                format!("迁出日期不能早于入住日期 {}", c.since),
            ));
        }
        let mut am: residence::ActiveModel = c.into();
        am.until = Set(Some(until));
        am.update(&*txn).await?;
    }
    // Touching the resident bumps its unit's counts version, so the map's per-building figures follow.
    resident::Entity::update_many()
        .col_expr(resident::Column::UpdatedAt, sea_orm::sea_query::Expr::value(Utc::now()))
        .filter(resident::Column::Id.eq(resident_id))
        .exec(&*txn)
        .await?;
    audit::append(&*txn, db.backend, actor, Event::ok("move_out", "resident", resident_id)).await?;
    txn.commit().await?;
    get_resident(db, actor, resident_id, false).await
}
