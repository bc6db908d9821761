//! Key enterprises of the key industries (hazardous chemicals, hotels, recycling, logistics, …).
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, TryIntoModel,
};
use serde::Serialize;
use utoipa::ToSchema;
use zongguan_core::rbac::Scope;
use zongguan_core::registry::{Latitude, Longitude, NewKeyEnterprise};

use super::shared::{PlaceFilter, phone_fields, under, unit_in_scope};
use crate::audit::{self, Event};
use crate::entity::key_enterprise;
use crate::{Actor, Db, DbError, DbResult, Page, PageReq, org, page_of, scope};

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct KeyEnterprise {
    pub id: i64,
    pub name: String,
    pub credit_code: String,
    /// hazardous_chemicals | hotel | recycling | logistics | printing | pawn | vehicle_repair | other
    pub industry: String,
    pub hazard_class: String,
    pub staff_count: i32,
    pub licence_numbers: String,
    pub address: String,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub org_unit_id: i64,
    pub org_unit_name: String,
    pub person_in_charge: String,
    /// Masked.
    pub phone: String,
}

async fn ke_views(db: &Db, rows: Vec<key_enterprise::Model>) -> DbResult<Vec<KeyEnterprise>> {
    let names = org::unit_names(&db.conn, rows.iter().map(|r| r.org_unit_id)).await?;
    Ok(rows
        .into_iter()
        .map(|r| KeyEnterprise {
            org_unit_name: names.get(&r.org_unit_id).cloned().unwrap_or_default(),
            id: r.id,
            name: r.name,
            credit_code: r.credit_code,
            industry: r.industry,
            hazard_class: r.hazard_class,
            staff_count: r.staff_count,
            licence_numbers: r.licence_numbers,
            address: r.address,
            lon: r.lon,
            lat: r.lat,
            org_unit_id: r.org_unit_id,
            person_in_charge: r.person_in_charge,
            phone: r.phone_masked,
        })
        .collect())
}

fn ke_scope(s: &Scope) -> Condition {
    scope::unit_column(
        s,
        key_enterprise::Column::OrgUnitId,
        Some(key_enterprise::Column::CreatedBy),
    )
}

pub async fn list_key_enterprises(db: &Db, s: &Scope, f: &PlaceFilter, p: PageReq) -> DbResult<Page<KeyEnterprise>> {
    let mut q = key_enterprise::Entity::find().filter(ke_scope(s));
    if let Some(u) = f.org_unit_id {
        q = q.filter(scope::unit_column(
            &under(db, u).await?,
            key_enterprise::Column::OrgUnitId,
            None,
        ));
    }
    if let Some(k) = f.kind.as_deref().filter(|s| !s.is_empty()) {
        q = q.filter(key_enterprise::Column::Industry.eq(k));
    }
    if let Some(t) = f.q.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        q = q.filter(
            Condition::any()
                .add(crate::like::contains(key_enterprise::Column::Name, t))
                .add(crate::like::contains(key_enterprise::Column::Address, t)),
        );
    }
    let (rows, total) = page_of(db, q, |q| q.order_by_asc(key_enterprise::Column::Id), p).await?;
    Ok(Page::new(ke_views(db, rows).await?, total))
}

pub async fn get_key_enterprise(db: &Db, s: &Scope, id: i64) -> DbResult<KeyEnterprise> {
    let m = key_enterprise::Entity::find_by_id(id)
        .filter(ke_scope(s))
        .one(&db.conn)
        .await?
        .ok_or(DbError::NotFound)?;
    Ok(ke_views(db, vec![m]).await?.remove(0))
}

pub async fn save_key_enterprise(
    db: &Db,
    actor: &Actor,
    id: Option<i64>,
    i: NewKeyEnterprise,
) -> DbResult<KeyEnterprise> {
    let credit = i
        .credit_code
        .as_ref()
        .map(|c| c.as_str().to_string())
        .unwrap_or_default();
    unit_in_scope(db, &actor.scope, i.org_unit_id).await?;
    let txn = db.begin_write().await?;
    if !credit.is_empty() {
        let taken = key_enterprise::Entity::find()
            .filter(key_enterprise::Column::CreditCode.eq(&credit))
            .one(&*txn)
            .await?;
        if taken.is_some_and(|t| Some(t.id) != id) {
            return Err(DbError::Taken {
                field: "credit_code".into(),
                message: format!("统一社会信用代码 {credit} 已登记"),
            });
        }
    }
    let now = Utc::now();
    let (mut am, current): (key_enterprise::ActiveModel, _) = match id {
        Some(id) => {
            let m = key_enterprise::Entity::find_by_id(id)
                .filter(ke_scope(&actor.scope))
                .one(&*txn)
                .await?
                .ok_or(DbError::NotFound)?;
            let cur = (m.phone_enc.clone(), m.phone_masked.clone());
            (m.into(), Some(cur))
        }
        None => (
            key_enterprise::ActiveModel {
                created_by: Set(actor.user_id),
                created_at: Set(now),
                ..Default::default()
            },
            None,
        ),
    };
    let (phone_enc, phone_masked) = phone_fields(db, &i.phone, current);
    am.name = Set(i.name);
    am.credit_code = Set(credit);
    am.industry = Set(i.industry.into());
    am.hazard_class = Set(i.hazard_class);
    am.staff_count = Set(i.staff_count);
    am.licence_numbers = Set(i.licence_numbers);
    am.address = Set(i.address);
    am.lon = Set(i.lon.map(Longitude::degrees));
    am.lat = Set(i.lat.map(Latitude::degrees));
    am.org_unit_id = Set(i.org_unit_id);
    am.person_in_charge = Set(i.person_in_charge);
    am.phone_enc = Set(phone_enc);
    am.phone_masked = Set(phone_masked);
    am.updated_at = Set(now);
    let m = am.save(&*txn).await?.try_into_model()?;
    audit::append(
        &*txn,
        db.backend,
        actor,
        Event::ok(if id.is_some() { "update" } else { "create" }, "key_enterprise", m.id),
    )
    .await?;
    txn.commit().await?;
    Ok(ke_views(db, vec![m]).await?.remove(0))
}
