//! Property companies, key places and key enterprises: organisations in the registries, each
//! belonging to an org unit (data scope) and with a contact phone kept encrypted.
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, TryIntoModel,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use zongguan_core::dict;
use zongguan_core::rbac::Scope;
use zongguan_core::registry as rules;

use crate::audit::{self, Event};
use crate::entity::{key_enterprise, key_place, org_unit, property_company};
use crate::{Actor, Db, DbError, DbResult, Page, PageReq, org, page_of, scope};

#[derive(Debug, Default, Clone)]
pub struct PlaceFilter {
    pub org_unit_id: Option<i64>,
    /// place_type for key places, industry for key enterprises.
    pub kind: Option<String>,
    pub q: Option<String>,
}

async fn unit_in_scope(db: &Db, s: &Scope, id: i64) -> DbResult<()> {
    org_unit::Entity::find_by_id(id)
        .filter(scope::org_units(s))
        .one(&db.conn)
        .await?
        .map(|_| ())
        .ok_or_else(|| DbError::invalid("org_unit_id", "所属单位不存在或不在您的数据范围内"))
}

async fn under(db: &Db, unit: i64) -> DbResult<Scope> {
    let u = org_unit::Entity::find_by_id(unit)
        .one(&db.conn)
        .await?
        .ok_or_else(|| DbError::invalid("org_unit_id", "机构不存在"))?;
    Ok(Scope::Subtree { path: u.path })
}

/// The encrypted and masked phone to store. A phone sent back masked keeps `current`.
fn phone_fields(
    db: &Db,
    p: &Option<String>,
    current: Option<(Option<String>, String)>,
) -> DbResult<(Option<String>, String)> {
    if let (Some(p), Some(cur)) = (p.as_deref(), current)
        && p.contains('*')
    {
        return Ok(cur);
    }
    match p.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(p) => {
            let p = rules::phone("phone", p)?;
            Ok((Some(db.cipher.encrypt(&p)), zongguan_core::mask::phone(&p)))
        }
        None => Ok((None, String::new())),
    }
}

fn coords(lon: Option<f64>, lat: Option<f64>) -> DbResult<()> {
    if let Some(x) = lon
        && !(73.0..=136.0).contains(&x)
    {
        return Err(DbError::invalid("lon", format!("经度 {x} 不在中国境内（73–136）")));
    }
    if let Some(y) = lat
        && !(3.0..=54.0).contains(&y)
    {
        return Err(DbError::invalid("lat", format!("纬度 {y} 不在中国境内（3–54）")));
    }
    Ok(())
}

// ---------- property companies ----------

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

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PropertyCompanyInput {
    pub name: String,
    pub credit_code: Option<String>,
    pub contact: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub org_unit_id: i64,
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
                .add(property_company::Column::Name.contains(t))
                .add(property_company::Column::Address.contains(t)),
        );
    }
    let (rows, total) = page_of(db, q, |q| q.order_by_asc(property_company::Column::Id), p).await?;
    Ok(Page {
        items: pc_views(db, rows).await?,
        total,
    })
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
    i: PropertyCompanyInput,
) -> DbResult<PropertyCompany> {
    let name = rules::required("name", "企业名称", &i.name, 100)?;
    let credit = match i.credit_code.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(c) => rules::credit_code("credit_code", c)?,
        None => String::new(),
    };
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
    let (phone_enc, phone_masked) = phone_fields(db, &i.phone, current)?;
    am.name = Set(name);
    am.credit_code = Set(credit);
    am.contact = Set(rules::optional_text(
        "contact",
        "联系人",
        i.contact.as_deref().unwrap_or(""),
        50,
    )?);
    am.phone_enc = Set(phone_enc);
    am.phone_masked = Set(phone_masked);
    am.address = Set(rules::optional_text(
        "address",
        "地址",
        i.address.as_deref().unwrap_or(""),
        200,
    )?);
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

// ---------- key places ----------

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

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct KeyPlaceInput {
    pub name: String,
    pub place_type: String,
    pub address: Option<String>,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub org_unit_id: i64,
    pub owner: Option<String>,
    pub person_in_charge: Option<String>,
    pub phone: Option<String>,
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
                .add(key_place::Column::Name.contains(t))
                .add(key_place::Column::Address.contains(t)),
        );
    }
    let (rows, total) = page_of(db, q, |q| q.order_by_asc(key_place::Column::Id), p).await?;
    Ok(Page {
        items: kp_views(db, rows).await?,
        total,
    })
}

pub async fn get_key_place(db: &Db, s: &Scope, id: i64) -> DbResult<KeyPlace> {
    let m = key_place::Entity::find_by_id(id)
        .filter(kp_scope(s))
        .one(&db.conn)
        .await?
        .ok_or(DbError::NotFound)?;
    Ok(kp_views(db, vec![m]).await?.remove(0))
}

pub async fn save_key_place(db: &Db, actor: &Actor, id: Option<i64>, i: KeyPlaceInput) -> DbResult<KeyPlace> {
    let name = rules::required("name", "场所名称", &i.name, 100)?;
    let place_type = rules::coded("place_type", "场所类型", dict::PLACE_TYPES, &i.place_type)?;
    coords(i.lon, i.lat)?;
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
    let (phone_enc, phone_masked) = phone_fields(db, &i.phone, current)?;
    am.name = Set(name);
    am.place_type = Set(place_type.into());
    am.address = Set(rules::optional_text(
        "address",
        "地址",
        i.address.as_deref().unwrap_or(""),
        200,
    )?);
    am.lon = Set(i.lon);
    am.lat = Set(i.lat);
    am.org_unit_id = Set(i.org_unit_id);
    am.owner = Set(rules::optional_text(
        "owner",
        "产权单位",
        i.owner.as_deref().unwrap_or(""),
        100,
    )?);
    am.person_in_charge = Set(rules::optional_text(
        "person_in_charge",
        "负责人",
        i.person_in_charge.as_deref().unwrap_or(""),
        50,
    )?);
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

// ---------- key enterprises ----------

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

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct KeyEnterpriseInput {
    pub name: String,
    pub credit_code: Option<String>,
    pub industry: String,
    pub hazard_class: Option<String>,
    pub staff_count: Option<i32>,
    pub licence_numbers: Option<String>,
    pub address: Option<String>,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub org_unit_id: i64,
    pub person_in_charge: Option<String>,
    pub phone: Option<String>,
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
                .add(key_enterprise::Column::Name.contains(t))
                .add(key_enterprise::Column::Address.contains(t)),
        );
    }
    let (rows, total) = page_of(db, q, |q| q.order_by_asc(key_enterprise::Column::Id), p).await?;
    Ok(Page {
        items: ke_views(db, rows).await?,
        total,
    })
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
    i: KeyEnterpriseInput,
) -> DbResult<KeyEnterprise> {
    let name = rules::required("name", "企业名称", &i.name, 100)?;
    let industry = rules::coded("industry", "行业", dict::INDUSTRIES, &i.industry)?;
    let credit = match i.credit_code.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(c) => rules::credit_code("credit_code", c)?,
        None => String::new(),
    };
    let staff = i.staff_count.unwrap_or(0);
    if !(0..=1_000_000).contains(&staff) {
        return Err(DbError::invalid("staff_count", "从业人数须在 0–1000000 之间"));
    }
    coords(i.lon, i.lat)?;
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
    let (phone_enc, phone_masked) = phone_fields(db, &i.phone, current)?;
    am.name = Set(name);
    am.credit_code = Set(credit);
    am.industry = Set(industry.into());
    am.hazard_class = Set(rules::optional_text(
        "hazard_class",
        "危险等级",
        i.hazard_class.as_deref().unwrap_or(""),
        10,
    )?);
    am.staff_count = Set(staff);
    am.licence_numbers = Set(rules::optional_text(
        "licence_numbers",
        "许可证号",
        i.licence_numbers.as_deref().unwrap_or(""),
        200,
    )?);
    am.address = Set(rules::optional_text(
        "address",
        "地址",
        i.address.as_deref().unwrap_or(""),
        200,
    )?);
    am.lon = Set(i.lon);
    am.lat = Set(i.lat);
    am.org_unit_id = Set(i.org_unit_id);
    am.person_in_charge = Set(rules::optional_text(
        "person_in_charge",
        "负责人",
        i.person_in_charge.as_deref().unwrap_or(""),
        50,
    )?);
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
