//! Property companies: the companies managing buildings, with a unique social credit code.
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, TryIntoModel,
};
use serde::Serialize;
use utoipa::ToSchema;
use zongguan_core::rbac::Scope;
use zongguan_core::registry::NewPropertyCompany;

use super::shared::{PlaceFilter, phone_fields, under, unit_in_scope};
use crate::audit::{self, Event};
use crate::entity::property_company;
use crate::{Actor, Db, DbError, DbResult, Page, PageReq, org, page_of, scope};

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PropertyCompany {
    pub id: i64,
    pub name: String,
    pub credit_code: String,
    pub contact: String,
    /// Masked.
    pub phone: String,
    pub address: String,
    pub org_unit_id: i64,
    pub org_unit_name: String,
}

async fn pc_views(db: &Db, rows: Vec<property_company::Model>) -> DbResult<Vec<PropertyCompany>> {
    let names = org::unit_names(&db.conn, rows.iter().map(|r| r.org_unit_id)).await?;
    Ok(rows
        .into_iter()
        .map(|r| PropertyCompany {
            org_unit_name: names.get(&r.org_unit_id).cloned().unwrap_or_default(),
            id: r.id,
            name: r.name,
            credit_code: r.credit_code,
            contact: r.contact,
            phone: r.phone_masked,
            address: r.address,
            org_unit_id: r.org_unit_id,
        })
        .collect())
}

fn pc_scope(s: &Scope) -> Condition {
    scope::unit_column(
        s,
        property_company::Column::OrgUnitId,
        Some(property_company::Column::CreatedBy),
    )
}

pub async fn list_property_companies(
    db: &Db,
    s: &Scope,
    f: &PlaceFilter,
    p: PageReq,
) -> DbResult<Page<PropertyCompany>> {
    let mut q = property_company::Entity::find().filter(pc_scope(s));
    if let Some(u) = f.org_unit_id {
        q = q.filter(scope::unit_column(
            &under(db, u).await?,
            property_company::Column::OrgUnitId,
            None,
        ));
    }
    if let Some(t) = f.q.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        q = q.filter(
            Condition::any()
                .add(crate::like::contains(property_company::Column::Name, t))
                .add(crate::like::contains(property_company::Column::Address, t)),
        );
    }
    let (rows, total) = page_of(db, q, |q| q.order_by_asc(property_company::Column::Id), p).await?;
    Ok(Page::new(pc_views(db, rows).await?, total))
}

pub async fn get_property_company(db: &Db, s: &Scope, id: i64) -> DbResult<PropertyCompany> {
    let m = property_company::Entity::find_by_id(id)
        .filter(pc_scope(s))
        .one(&db.conn)
        .await?
        .ok_or(DbError::NotFound)?;
    Ok(pc_views(db, vec![m]).await?.remove(0))
}

pub async fn save_property_company(
    db: &Db,
    actor: &Actor,
    id: Option<i64>,
    i: NewPropertyCompany,
) -> DbResult<PropertyCompany> {
    let credit = i
        .credit_code
        .as_ref()
        .map(|c| c.as_str().to_string())
        .unwrap_or_default();
    unit_in_scope(db, &actor.scope, i.org_unit_id).await?;
    let txn = db.begin_write().await?;
    if !credit.is_empty() {
        let taken = property_company::Entity::find()
            .filter(property_company::Column::CreditCode.eq(&credit))
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
    let (mut am, current): (property_company::ActiveModel, _) = match id {
        Some(id) => {
            let m = property_company::Entity::find_by_id(id)
                .filter(pc_scope(&actor.scope))
                .one(&*txn)
                .await?
                .ok_or(DbError::NotFound)?;
            let cur = (m.phone_enc.clone(), m.phone_masked.clone());
            (m.into(), Some(cur))
        }
        None => (
            property_company::ActiveModel {
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
    am.contact = Set(i.contact);
    am.phone_enc = Set(phone_enc);
    am.phone_masked = Set(phone_masked);
    am.address = Set(i.address);
    am.org_unit_id = Set(i.org_unit_id);
    am.updated_at = Set(now);
    let m = am.save(&*txn).await?.try_into_model()?;
    audit::append(
        &*txn,
        db.backend,
        actor,
        Event::ok(if id.is_some() { "update" } else { "create" }, "property_company", m.id),
    )
    .await?;
    txn.commit().await?;
    Ok(pc_views(db, vec![m]).await?.remove(0))
}
