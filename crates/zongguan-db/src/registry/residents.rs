//! Residents: one record per identity number, stored encrypted and shown masked; every read audited.
use std::collections::HashMap;

use chrono::{Datelike, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use zongguan_core::dict;
use zongguan_core::phone::Phone;
use zongguan_core::rbac::Scope;
use zongguan_core::registry::{self as rules, ResidentInput, ResidentRecord};

use super::houses::visible_house;
use super::residences::residence_views;
use super::{Residence, buildings_matching, first, trigram_phrase, under_unit};
use crate::audit::{self, Event};
use crate::entity::{house, org_unit, residence, resident};
use crate::{Actor, Db, DbError, DbResult, Page, PageReq, org, scope};

/// A resident in a list: identity number and phone masked.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Resident {
    pub id: i64,
    pub name: String,
    /// id_card | passport | foreign_permanent | hk_macao | taiwan
    pub id_type: String,
    /// Masked (`440307********123X`) unless the caller asked for and may see the full value.
    pub id_number: String,
    pub gender: String,
    pub birth_date: Option<NaiveDate>,
    pub age: Option<i32>,
    /// GB/T 3304 code.
    pub ethnicity: String,
    /// registered | migrant | foreign | left_behind
    pub registration_type: String,
    pub phone: String,
    pub org_unit_id: i64,
    pub org_unit_name: String,
    pub special_groups: Vec<String>,
}

/// The full record of a person.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ResidentDetail {
    #[serde(flatten)]
    pub resident: Resident,
    pub former_name: String,
    pub native_place_code: String,
    pub registered_address_code: String,
    pub registered_address: String,
    pub current_address: String,
    pub education: String,
    pub marital_status: String,
    pub political_status: String,
    pub occupation: String,
    pub employer: String,
    pub nationality: String,
    /// Whether identity number and phone are masked in this answer.
    pub masked: bool,
    pub residences: Vec<Residence>,
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResidentForm {
    pub name: String,
    /// Code or Chinese word; default 居民身份证.
    pub id_type: Option<String>,
    pub id_number: String,
    pub gender: Option<String>,
    pub birth_date: Option<String>,
    pub ethnicity: Option<String>,
    pub registration_type: String,
    pub phone: Option<String>,
    pub nationality: Option<String>,
    pub former_name: Option<String>,
    pub native_place_code: Option<String>,
    pub registered_address_code: Option<String>,
    pub registered_address: Option<String>,
    pub current_address: Option<String>,
    pub education: Option<String>,
    pub marital_status: Option<String>,
    pub political_status: Option<String>,
    pub occupation: Option<String>,
    pub employer: Option<String>,
    /// Special-group kinds (released_prisoner, community_correction, …).
    pub special_groups: Option<Vec<String>>,
    /// Where the person is registered when no house is given (a grid or community in scope).
    pub org_unit_id: Option<i64>,
    /// Moves the person into this house.
    pub house_id: Option<i64>,
    pub relation: Option<String>,
    pub since: Option<String>,
}

impl ResidentForm {
    fn input(&self) -> ResidentInput {
        ResidentInput {
            name: self.name.clone(),
            id_type: self.id_type.clone().unwrap_or_default(),
            id_number: self.id_number.clone(),
            gender: self.gender.clone().unwrap_or_default(),
            birth_date: self.birth_date.clone().unwrap_or_default(),
            ethnicity: self.ethnicity.clone().unwrap_or_default(),
            registration_type: self.registration_type.clone(),
            phone: self.phone.clone().unwrap_or_default(),
            nationality: self.nationality.clone().unwrap_or_default(),
        }
    }
}

fn age_at(birth: Option<NaiveDate>, today: NaiveDate) -> Option<i32> {
    birth.map(|b| {
        let mut a = today.year() - b.year();
        if (today.month(), today.day()) < (b.month(), b.day()) {
            a -= 1;
        }
        a
    })
}

pub(super) fn resident_scope(scope: &Scope) -> Condition {
    scope::unit_column(scope, resident::Column::OrgUnitId, Some(resident::Column::CreatedBy))
}

fn resident_view(r: &resident::Model, unit_name: String, today: NaiveDate) -> Resident {
    Resident {
        id: r.id,
        name: r.name.clone(),
        id_type: r.id_type.clone(),
        id_number: r.id_number_masked.clone(),
        gender: r.gender.clone(),
        birth_date: r.birth_date,
        age: age_at(r.birth_date, today),
        ethnicity: r.ethnicity.clone(),
        registration_type: r.registration_type.clone(),
        phone: r.phone_masked.clone(),
        org_unit_id: r.org_unit_id,
        org_unit_name: unit_name,
        special_groups: r
            .special_groups
            .split(',')
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect(),
    }
}

#[derive(Debug, Default, Clone)]
pub struct ResidentFilter {
    pub org_unit_id: Option<i64>,
    pub registration_type: Option<String>,
    pub special_group: Option<String>,
    pub gender: Option<String>,
    pub age_min: Option<i32>,
    pub age_max: Option<i32>,
    pub q: Option<String>,
    /// Exact identity number (looked up by its keyed hash).
    pub id_number: Option<String>,
    /// name | birth_date | id, with `-` for descending.
    pub sort: Option<String>,
    /// Keyset paging for exports: only ids above this one.
    pub after_id: Option<i64>,
}

pub async fn list_residents(db: &Db, scope: &Scope, f: &ResidentFilter, p: PageReq) -> DbResult<Page<Resident>> {
    let today = chrono::Local::now().date_naive();
    let mut q = resident::Entity::find().filter(resident_scope(scope));
    if let Some(n) = f.id_number.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        q = q.filter(resident::Column::IdNumberHash.eq(db.cipher.keyed_hash_bytes(&n.to_ascii_uppercase())));
    }
    if let Some(u) = f.org_unit_id {
        q = q.filter(under_unit(&db.conn, u, resident::Column::OrgUnitId).await?);
    }
    if let Some(t) = f.registration_type.as_deref().filter(|s| !s.is_empty()) {
        q = q.filter(resident::Column::RegistrationType.eq(t));
    }
    if let Some(g) = f.special_group.as_deref().filter(|s| !s.is_empty()) {
        if dict::code_of(dict::SPECIAL_GROUPS, g).is_none() {
            return Err(DbError::invalid("special_group", "未知的特殊人群类别"));
        }
        q = q.filter(resident::Column::SpecialGroups.contains(g));
    }
    if let Some(g) = f.gender.as_deref().filter(|s| !s.is_empty()) {
        q = q.filter(resident::Column::Gender.eq(g));
    }
    if let Some(a) = f.after_id {
        q = q.filter(resident::Column::Id.gt(a));
    }
    // Age a..=b means born after today-(b+1) years and on or before today-a years.
    if let Some(a) = f.age_min {
        let latest = today.with_year(today.year() - a).unwrap_or(today);
        q = q.filter(resident::Column::BirthDate.lte(latest));
    }
    if let Some(b) = f.age_max {
        let earliest = today.with_year(today.year() - b - 1).unwrap_or(today);
        q = q.filter(resident::Column::BirthDate.gt(earliest));
    }
    if let Some(t) = f.q.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        // By name, or by the building they live in now (its code, name or address).
        use sea_orm::sea_query::ExprTrait;
        let living_in = sea_orm::sea_query::Query::select()
            .column((residence::Entity, residence::Column::ResidentId))
            .from(residence::Entity)
            .inner_join(
                house::Entity,
                sea_orm::sea_query::Expr::col((house::Entity, house::Column::Id))
                    .equals((residence::Entity, residence::Column::HouseId)),
            )
            .and_where(residence::Column::Until.is_null())
            .and_where(
                sea_orm::sea_query::Expr::col((house::Entity, house::Column::BuildingId))
                    .in_subquery(buildings_matching(db, t)),
            )
            .to_owned();
        q = q.filter(
            Condition::any()
                .add(resident_name_matching(db, t))
                .add(resident::Column::Id.in_subquery(living_in)),
        );
    }
    let total = q.clone().count(&db.conn).await?;
    let (col, desc) = match f.sort.as_deref().unwrap_or("id") {
        "name" => (resident::Column::Name, false),
        "-name" => (resident::Column::Name, true),
        "birth_date" => (resident::Column::BirthDate, false),
        "-birth_date" => (resident::Column::BirthDate, true),
        "-id" => (resident::Column::Id, true),
        "id" => (resident::Column::Id, false),
        _ => {
            return Err(DbError::invalid(
                "sort",
                "排序字段须为 name、birth_date 或 id（前加 - 为降序）",
            ));
        }
    };
    let q = if desc {
        q.order_by_desc(col)
    } else {
        q.order_by_asc(col)
    };
    let rows = q
        .order_by_asc(resident::Column::Id)
        .offset(p.offset())
        .limit(p.page_size)
        .all(&db.conn)
        .await?;
    let names = org::unit_names(&db.conn, rows.iter().map(|r| r.org_unit_id)).await?;
    let items = rows
        .iter()
        .map(|r| resident_view(r, names.get(&r.org_unit_id).cloned().unwrap_or_default(), today))
        .collect();
    Ok(Page { items, total })
}

pub(super) async fn visible_resident<C: ConnectionTrait>(c: &C, scope: &Scope, id: i64) -> DbResult<resident::Model> {
    resident::Entity::find_by_id(id)
        .filter(resident_scope(scope))
        .one(c)
        .await?
        .ok_or(DbError::NotFound)
}

/// The full record. Every read is audited; `unmasked` (needs `resident:read_full`) shows the
/// identity number and phone in full and is audited as such.
pub async fn get_resident(db: &Db, actor: &Actor, id: i64, unmasked: bool) -> DbResult<ResidentDetail> {
    let r = visible_resident(&db.conn, &actor.scope, id).await?;
    let today = chrono::Local::now().date_naive();
    let unit = org::unit_names(&db.conn, [r.org_unit_id])
        .await?
        .remove(&r.org_unit_id)
        .unwrap_or_default();
    let mut view = resident_view(&r, unit, today);
    if unmasked {
        view.id_number = db
            .cipher
            .decrypt(&r.id_number_enc)
            .map_err(|_| DbError::Conflict("密文无法解密，请检查数据密钥".into()))?;
        view.phone = r
            .phone_enc
            .as_deref()
            .and_then(|p| db.cipher.decrypt(p).ok())
            .unwrap_or_default();
    }
    let rows = residence::Entity::find()
        .filter(residence::Column::ResidentId.eq(id))
        .order_by_desc(residence::Column::Since)
        .all(&db.conn)
        .await?;
    let residences = residence_views(db, rows).await?;
    audit::record(
        db,
        actor,
        Event::ok(if unmasked { "read_unmasked" } else { "read" }, "resident", id),
    )
    .await?;
    Ok(ResidentDetail {
        resident: view,
        former_name: r.former_name,
        native_place_code: r.native_place_code,
        registered_address_code: r.registered_address_code,
        registered_address: r.registered_address,
        current_address: r.current_address,
        education: r.education,
        marital_status: r.marital_status,
        political_status: r.political_status,
        occupation: r.occupation,
        employer: r.employer,
        nationality: r.nationality,
        masked: !unmasked,
        residences,
    })
}

fn check_division_code(field: &'static str, v: &Option<String>) -> DbResult<String> {
    let v = v.as_deref().unwrap_or("").trim();
    if v.is_empty() {
        return Ok(String::new());
    }
    let ok = (v.len() == 6 || v.len() == 12)
        && v.chars().all(|c| c.is_ascii_digit())
        && zongguan_core::id_number::PROVINCES.contains(&&v[..2]);
    if !ok {
        return Err(DbError::invalid(
            field,
            "行政区划代码须为 6 位或 12 位数字，且省级代码存在",
        ));
    }
    Ok(v.to_string())
}

fn check_special_groups(v: &Option<Vec<String>>) -> DbResult<String> {
    let mut out = Vec::new();
    for g in v.iter().flatten() {
        let c = dict::code_of(dict::SPECIAL_GROUPS, g)
            .ok_or_else(|| DbError::invalid("special_groups", format!("未知的特殊人群类别 {g}")))?;
        if !out.contains(&c) {
            out.push(c);
        }
    }
    Ok(out.join(","))
}

/// A checked resident row ready to insert (used by the API and the import).
pub struct NewResidentRow {
    pub record: ResidentRecord,
    pub org_unit_id: i64,
}

pub(crate) fn resident_model(db: &Db, actor: &Actor, r: &ResidentRecord, org_unit_id: i64) -> resident::ActiveModel {
    let now = Utc::now();
    resident::ActiveModel {
        name: Set(r.name.clone()),
        id_type: Set(r.id_type.into()),
        id_number_enc: Set(db.cipher.encrypt(&r.id_number)),
        id_number_hash: Set(db.cipher.keyed_hash_bytes(&r.id_number)),
        id_number_masked: Set(r.id_masked.clone()),
        gender: Set(r.gender.into()),
        birth_date: Set(r.birth_date),
        ethnicity: Set(r.ethnicity.into()),
        registration_type: Set(r.registration_type.into()),
        phone_enc: Set(r.phone.as_ref().map(|p| db.cipher.encrypt(p.as_str()))),
        phone_hash: Set(r.phone.as_ref().map(|p| db.cipher.keyed_hash(p.as_str()))),
        phone_masked: Set(r.phone.as_ref().map(Phone::masked).unwrap_or_default()),
        nationality: Set(r.nationality.clone()),
        former_name: Set(String::new()),
        native_place_code: Set(String::new()),
        registered_address_code: Set(String::new()),
        registered_address: Set(String::new()),
        current_address: Set(String::new()),
        education: Set(String::new()),
        marital_status: Set(String::new()),
        political_status: Set(String::new()),
        occupation: Set(String::new()),
        employer: Set(String::new()),
        special_groups: Set(String::new()),
        org_unit_id: Set(org_unit_id),
        created_by: Set(actor.user_id),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
}

/// The id of the resident with this identity number, if any (whatever the caller's scope:
/// one person, one record).
pub async fn id_for_number<C: ConnectionTrait>(c: &C, db: &Db, id_number: &str) -> DbResult<Option<i64>> {
    Ok(resident::Entity::find()
        .select_only()
        .column(resident::Column::Id)
        .filter(resident::Column::IdNumberHash.eq(db.cipher.keyed_hash_bytes(id_number)))
        .into_tuple::<i64>()
        .one(c)
        .await?)
}

fn apply_extra(am: &mut resident::ActiveModel, f: &ResidentForm) -> DbResult<()> {
    let text = |field: &'static str, label: &str, v: &Option<String>, max: usize| -> DbResult<String> {
        Ok(rules::optional_text(field, label, v.as_deref().unwrap_or(""), max)?)
    };
    am.former_name = Set(text("former_name", "曾用名", &f.former_name, 50)?);
    am.native_place_code = Set(check_division_code("native_place_code", &f.native_place_code)?);
    am.registered_address_code = Set(check_division_code(
        "registered_address_code",
        &f.registered_address_code,
    )?);
    am.registered_address = Set(text("registered_address", "户籍地址", &f.registered_address, 200)?);
    am.current_address = Set(text("current_address", "现住址", &f.current_address, 200)?);
    am.education = Set(text("education", "文化程度", &f.education, 20)?);
    am.marital_status = Set(text("marital_status", "婚姻状况", &f.marital_status, 20)?);
    am.political_status = Set(text("political_status", "政治面貌", &f.political_status, 20)?);
    am.occupation = Set(text("occupation", "职业", &f.occupation, 50)?);
    am.employer = Set(text("employer", "服务处所", &f.employer, 100)?);
    am.special_groups = Set(check_special_groups(&f.special_groups)?);
    Ok(())
}

pub async fn create_resident(db: &Db, actor: &Actor, f: ResidentForm) -> DbResult<ResidentDetail> {
    let today = chrono::Local::now().date_naive();
    let rec = rules::check_resident(&f.input(), today).map_err(first)?;
    let since = f
        .since
        .as_deref()
        .filter(|s| !s.trim().is_empty())
        .map(|s| rules::date("since", "入住日期", s))
        .transpose()?;
    let relation = match f.relation.as_deref().filter(|s| !s.trim().is_empty()) {
        Some(r) => Some(rules::coded("relation", "与户主关系", dict::RELATIONS, r)?),
        None => None,
    };
    let txn = db.begin_write().await?;
    if let Some(existing) = id_for_number(&*txn, db, &rec.id_number).await? {
        return Err(DbError::Duplicate {
            field: "id_number".into(),
            message: format!("证件号码 {} 已登记，请打开已有记录", rec.id_masked),
            existing_id: existing,
        });
    }
    let (unit, house) = match (f.house_id, f.org_unit_id) {
        (Some(h), _) => {
            let h = visible_house(&*txn, &actor.scope, h)
                .await
                .map_err(|_| DbError::invalid("house_id", "房屋不存在"))?;
            (h.grid_id, Some(h))
        }
        (None, Some(u)) => {
            org_unit::Entity::find_by_id(u)
                .filter(scope::org_units(&actor.scope))
                .one(&*txn)
                .await?
                .ok_or_else(|| DbError::invalid("org_unit_id", "所属网格或社区不存在"))?;
            (u, None)
        }
        (None, None) => return Err(DbError::invalid("house_id", "请选择居住房屋或所属网格")),
    };
    let mut am = resident_model(db, actor, &rec, unit);
    apply_extra(&mut am, &f)?;
    let m = am
        .insert(&*txn)
        .await
        .map_err(|e| DbError::from(e).unique("证件号码已登记"))?;
    if let Some(h) = house {
        residence::ActiveModel {
            resident_id: Set(m.id),
            house_id: Set(h.id),
            relation: Set(relation.unwrap_or("").into()),
            since: Set(since.unwrap_or(today)),
            until: Set(None),
            created_by: Set(actor.user_id),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(&*txn)
        .await?;
    }
    audit::append(
        &*txn,
        db.backend,
        actor,
        Event::ok("create", "resident", m.id).detail(rec.id_masked.clone()),
    )
    .await?;
    txn.commit().await?;
    get_resident(db, actor, m.id, false).await
}

/// Updates a record. An identity number or phone left out or sent back masked keeps the stored
/// value, so that staff who may not see them in full can still edit the rest.
pub async fn update_resident(db: &Db, actor: &Actor, id: i64, mut f: ResidentForm) -> DbResult<ResidentDetail> {
    let today = chrono::Local::now().date_naive();
    let txn = db.begin_write().await?;
    let cur = visible_resident(&*txn, &actor.scope, id).await?;
    if f.id_number.trim().is_empty() || f.id_number.contains('*') {
        f.id_number = db
            .cipher
            .decrypt(&cur.id_number_enc)
            .map_err(|_| DbError::Conflict("密文无法解密，请检查数据密钥".into()))?;
    }
    match f.phone.as_deref() {
        None => f.phone = cur.phone_enc.as_deref().and_then(|p| db.cipher.decrypt(p).ok()),
        Some(p) if p.contains('*') => f.phone = cur.phone_enc.as_deref().and_then(|p| db.cipher.decrypt(p).ok()),
        _ => {}
    }
    let rec = rules::check_resident(&f.input(), today).map_err(first)?;
    if let Some(other) = id_for_number(&*txn, db, &rec.id_number).await?
        && other != id
    {
        return Err(DbError::Duplicate {
            field: "id_number".into(),
            message: "该证件号码属于另一条记录".into(),
            existing_id: other,
        });
    }
    let fresh = resident_model(db, actor, &rec, cur.org_unit_id);
    let mut am: resident::ActiveModel = cur.into();
    am.name = fresh.name;
    am.id_type = fresh.id_type;
    am.id_number_enc = fresh.id_number_enc;
    am.id_number_hash = fresh.id_number_hash;
    am.id_number_masked = fresh.id_number_masked;
    am.gender = fresh.gender;
    am.birth_date = fresh.birth_date;
    am.ethnicity = fresh.ethnicity;
    am.registration_type = fresh.registration_type;
    am.phone_enc = fresh.phone_enc;
    am.phone_hash = fresh.phone_hash;
    am.phone_masked = fresh.phone_masked;
    am.nationality = fresh.nationality;
    am.updated_at = Set(Utc::now());
    apply_extra(&mut am, &f)?;
    am.update(&*txn).await?;
    audit::append(&*txn, db.backend, actor, Event::ok("update", "resident", id)).await?;
    txn.commit().await?;
    get_resident(db, actor, id, false).await
}

fn resident_name_matching(db: &Db, t: &str) -> Condition {
    use sea_orm::sea_query::{Alias, Expr, Query};
    match trigram_phrase(db, t) {
        Some(phrase) => Condition::all().add(
            resident::Column::Id.in_subquery(
                Query::select()
                    .expr(Expr::col(Alias::new("rowid")))
                    .from(Alias::new("resident_fts"))
                    .and_where(Expr::cust_with_values("resident_fts MATCH ?", [phrase]))
                    .to_owned(),
            ),
        ),
        None => Condition::all().add(resident::Column::Name.contains(t)),
    }
}

/// Identity numbers and phones in full, for an export by someone allowed to see them.
pub async fn unmasked_values(db: &Db, ids: &[i64]) -> DbResult<HashMap<i64, (String, String)>> {
    let rows: Vec<(i64, String, Option<String>)> = resident::Entity::find()
        .select_only()
        .columns([
            resident::Column::Id,
            resident::Column::IdNumberEnc,
            resident::Column::PhoneEnc,
        ])
        .filter(resident::Column::Id.is_in(ids.to_vec()))
        .into_tuple()
        .all(&db.conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, n, p)| {
            let n = db.cipher.decrypt(&n).unwrap_or_default();
            let p = p.and_then(|p| db.cipher.decrypt(&p).ok()).unwrap_or_default();
            (id, (n, p))
        })
        .collect())
}
