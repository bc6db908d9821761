//! Residents: one record per identity number, stored encrypted and shown masked; every read audited.
use std::collections::HashMap;

use chrono::{Datelike, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde::Serialize;
use utoipa::ToSchema;
use zongguan_core::dict;
use zongguan_core::division::DivisionCode;
use zongguan_core::phone::Phone;
use zongguan_core::rbac::Scope;
use zongguan_core::registry::{NewResident, Placement, ResidentDetails, ResidentEdit, ResidentRecord};

use super::houses::visible_house;
use super::residences::residence_views;
use super::{Residence, buildings_matching, trigram_phrase};
use crate::audit::{self, Event};
use crate::entity::{building, house, org_unit, residence, resident};
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

/// The resident columns that place a row in the org tree.
pub(crate) const PLACED: scope::Placed<resident::Column> = scope::Placed {
    unit: resident::Column::OrgUnitId,
    subdistrict: resident::Column::SubdistrictId,
    community: resident::Column::CommunityId,
    owner: Some(resident::Column::CreatedBy),
};

/// What the search box holds: an identity number, its last six characters, a surname or the
/// start of a name (one or two characters, from the name index), or longer text (trigram index:
/// names and the buildings people live in).
enum Text<'a> {
    Number(String),
    Tail(String),
    NameStart(&'a str),
    Phrase(&'a str),
}

impl<'a> Text<'a> {
    fn of(t: &'a str) -> Self {
        let id_like = t.bytes().all(|b| b.is_ascii_digit() || b == b'x' || b == b'X');
        match t.len() {
            15 | 18 if id_like => Text::Number(t.to_ascii_uppercase()),
            6 if id_like => Text::Tail(t.to_ascii_uppercase()),
            _ if t.chars().count() <= 2 => Text::NameStart(t),
            _ => Text::Phrase(t),
        }
    }
}

/// Keyed hash of an identity number's last six characters (a domain apart from the full number's).
pub(crate) fn id_tail_hash(db: &Db, number: &str) -> Vec<u8> {
    let n = number.to_ascii_uppercase();
    let tail = n.get(n.len().saturating_sub(6)..).unwrap_or(&n);
    db.cipher.keyed_hash_bytes(&format!("id-tail:{tail}"))
}

fn sort_key(sort: Option<&str>, by_name: bool) -> DbResult<(Option<resident::Column>, bool)> {
    Ok(match sort.unwrap_or(if by_name { "name" } else { "id" }) {
        "name" => (Some(resident::Column::Name), false),
        "-name" => (Some(resident::Column::Name), true),
        "birth_date" => (Some(resident::Column::BirthDate), false),
        "-birth_date" => (Some(resident::Column::BirthDate), true),
        "-id" => (None, true),
        "id" => (None, false),
        _ => {
            return Err(DbError::invalid(
                "sort",
                "排序字段须为 name、birth_date 或 id（前加 - 为降序）",
            ));
        }
    })
}

/// Birth days `(after, until]` for an age band, as the counters hold them.
fn born_between(today: NaiveDate, f: &ResidentFilter) -> Option<(i32, i32)> {
    if f.age_min.is_none() && f.age_max.is_none() {
        return None;
    }
    let day = crate::stats::day_number;
    let until = f
        .age_min
        .map_or(i32::MAX, |a| day(today.with_year(today.year() - a).unwrap_or(today)));
    let after = f.age_max.map_or(i32::MIN, |b| {
        day(today.with_year(today.year() - b - 1).unwrap_or(today))
    });
    Some((after, until))
}

/// The total from the per-unit counters (exact, the summary's figures), when the filter is one
/// they hold and they are warm.
async fn counted_total(db: &Db, scope: &Scope, f: &ResidentFilter, today: NaiveDate) -> DbResult<Option<u64>> {
    if matches!(scope, Scope::OwnRecords { .. }) {
        return Ok(None);
    }
    // Everything: every unit the counters hold, without listing them.
    let units = match (scope, f.org_unit_id) {
        (Scope::All, None) => None,
        _ => Some(super::buildings::units_under(db, scope, f.org_unit_id).await?),
    };
    let pf = crate::stats::PeopleFilter {
        registration_type: f.registration_type.as_deref().filter(|s| !s.is_empty()),
        gender: f.gender.as_deref().filter(|s| !s.is_empty()),
        born: born_between(today, f),
    };
    db.stats
        .with_warm(db, |counts| match &units {
            None => counts.values().map(|c| c.people_matching(&pf)).sum(),
            Some(units) => units
                .iter()
                .filter_map(|u| counts.get(u))
                .map(|c| c.people_matching(&pf))
                .sum(),
        })
        .await
}

pub async fn list_residents(db: &Db, scope: &Scope, f: &ResidentFilter, p: PageReq) -> DbResult<Page<Resident>> {
    for (field, age) in [("age_min", f.age_min), ("age_max", f.age_max)] {
        if age.is_some_and(|a| !(0..=150).contains(&a)) {
            return Err(DbError::invalid(field, "年龄须在 0 到 150 之间"));
        }
    }
    let today = zongguan_core::time::cst_date(chrono::Utc::now());
    let mut q = resident::Entity::find().filter(scope::placed_under(&db.conn, scope, f.org_unit_id, &PLACED).await?);
    if let Some(n) = f.id_number.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        q = q.filter(resident::Column::IdNumberHash.eq(db.cipher.keyed_hash_bytes(&n.to_ascii_uppercase())));
    }
    if let Some(t) = f.registration_type.as_deref().filter(|s| !s.is_empty()) {
        q = q.filter(resident::Column::RegistrationType.eq(t));
    }
    let special = f.special_group.as_deref().filter(|s| !s.is_empty());
    if let Some(g) = special {
        if dict::code_of(dict::SPECIAL_GROUPS, g).is_none() {
            return Err(DbError::invalid("special_group", "未知的特殊人群类别"));
        }
        q = q.filter(crate::like::contains(resident::Column::SpecialGroups, g));
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
    let text = f.q.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(Text::of);
    match &text {
        None => {}
        Some(Text::Number(n)) => q = q.filter(resident::Column::IdNumberHash.eq(db.cipher.keyed_hash_bytes(n))),
        Some(Text::Tail(n)) => q = q.filter(resident::Column::IdTailHash.eq(id_tail_hash(db, n))),
        Some(Text::NameStart(t)) if t.chars().count() == 2 => q = q.filter(with_piece(t)),
        Some(Text::NameStart(t)) => {
            q = q
                .filter(resident::Column::Name.gte(*t))
                .filter(resident::Column::Name.lt(format!("{t}\u{10FFFF}")));
        }
        Some(Text::Phrase(t)) => {
            q = match phrase_ids(db, scope, t).await? {
                Some(ids) => q.filter(resident::Column::Id.is_in(ids)),
                None => q.filter(phrase_matching(db, t)),
            }
        }
    }
    let plain = text.is_none() && f.id_number.is_none() && f.after_id.is_none() && special.is_none();
    let counted = if plain {
        counted_total(db, scope, f, today).await?
    } else {
        None
    };
    let (total, total_exact) = match counted {
        Some(n) => (n, true),
        None => crate::listing::capped_count(&db.conn, q.clone(), crate::listing::COUNT_CAP).await?,
    };
    let surname = matches!(&text, Some(Text::NameStart(t)) if t.chars().count() == 1);
    let (key, desc) = sort_key(f.sort.as_deref(), surname)?;
    let (ids, next, prev) = if matches!(key, Some(resident::Column::BirthDate)) {
        // Nullable and ordered differently by the two databases: shallow pages by offset only.
        let q = q.select_only().column(resident::Column::Id);
        let q = if desc {
            q.order_by_desc(resident::Column::BirthDate)
        } else {
            q.order_by_asc(resident::Column::BirthDate)
        };
        let ids: Vec<i64> = q
            .order_by_asc(resident::Column::Id)
            .offset(p.offset())
            .limit(p.page_size)
            .into_tuple()
            .all(&db.conn)
            .await?;
        (ids, None, None)
    } else {
        let sort = crate::listing::SortKey {
            key,
            id: resident::Column::Id,
            desc,
        };
        let page = crate::listing::page_ids(&db.conn, q, &sort, &p, total_exact.then_some(total)).await?;
        (page.ids, page.next, page.prev)
    };
    let rows = resident::Entity::find()
        .filter(resident::Column::Id.is_in(ids.clone()))
        .all(&db.conn)
        .await?;
    let rows = crate::listing::in_order(&ids, rows, |r| r.id);
    let names = org::unit_names(&db.conn, rows.iter().map(|r| r.org_unit_id)).await?;
    let items = rows
        .iter()
        .map(|r| resident_view(r, names.get(&r.org_unit_id).cloned().unwrap_or_default(), today))
        .collect();
    Ok(Page {
        items,
        total,
        total_exact,
        next,
        prev,
    })
}

/// People with `t` (two characters) anywhere in their name (张小 → 张小明, 小明 → 张小明), from
/// the name pieces of `m0018_name_bigrams`, in id order.
fn with_piece(t: &str) -> Condition {
    use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
    let pieces = Query::select()
        .column(Alias::new("resident_id"))
        .from(Alias::new("resident_bigram"))
        .and_where(Expr::col(Alias::new("token")).eq(t))
        .to_owned();
    Condition::all().add(resident::Column::Id.in_subquery(pieces))
}

/// Past this many matches a phrase is filtered in the query rather than listed.
const PHRASE_IDS: u64 = 5_000;
/// Past this many matching buildings a phrase is an area (a community's name), not an address.
const PHRASE_BUILDINGS: u64 = 500;

/// The people a phrase matches — by name, or living now in a matching building of the scope —
/// listed when few (the usual case), so the page is read by key instead of scanning the scope.
async fn phrase_ids(db: &Db, scope: &Scope, t: &str) -> DbResult<Option<Vec<i64>>> {
    let named: Vec<i64> = resident::Entity::find()
        .select_only()
        .column(resident::Column::Id)
        .filter(resident_name_matching(db, t))
        .limit(PHRASE_IDS + 1)
        .into_tuple()
        .all(&db.conn)
        .await?;
    if named.len() as u64 > PHRASE_IDS {
        return Ok(None);
    }
    // Buildings, then their houses, then who lives there now, each by key: a join the planner
    // would drive from every current residence in the district.
    let buildings: Vec<i64> = building::Entity::find()
        .select_only()
        .column(building::Column::Id)
        .filter(building::Column::Id.in_subquery(buildings_matching(db, t)))
        .filter(scope::placed(&db.conn, scope, &super::buildings::PLACED).await?)
        .limit(PHRASE_BUILDINGS + 1)
        .into_tuple()
        .all(&db.conn)
        .await?;
    if buildings.len() as u64 > PHRASE_BUILDINGS {
        return Ok(None);
    }
    let houses: Vec<i64> = if buildings.is_empty() {
        Vec::new()
    } else {
        house::Entity::find()
            .select_only()
            .column(house::Column::Id)
            .filter(house::Column::BuildingId.is_in(buildings))
            .limit(PHRASE_IDS + 1)
            .into_tuple()
            .all(&db.conn)
            .await?
    };
    if houses.len() as u64 > PHRASE_IDS {
        return Ok(None);
    }
    let living: Vec<i64> = if houses.is_empty() {
        Vec::new()
    } else {
        residence::Entity::find()
            .select_only()
            .column(residence::Column::ResidentId)
            .filter(residence::Column::HouseId.is_in(houses))
            .filter(residence::Column::Until.is_null())
            .limit(PHRASE_IDS + 1)
            .into_tuple()
            .all(&db.conn)
            .await?
    };
    if living.len() as u64 > PHRASE_IDS {
        return Ok(None);
    }
    let mut ids = named;
    ids.extend(living);
    ids.sort_unstable();
    ids.dedup();
    Ok(Some(ids))
}

/// By name, or by the building they live in now (its code, name or address).
fn phrase_matching(db: &Db, t: &str) -> Condition {
    use sea_orm::sea_query::{Expr, ExprTrait, Query};
    let living_in = Query::select()
        .column((residence::Entity, residence::Column::ResidentId))
        .from(residence::Entity)
        .inner_join(
            house::Entity,
            Expr::col((house::Entity, house::Column::Id)).equals((residence::Entity, residence::Column::HouseId)),
        )
        .and_where(residence::Column::Until.is_null())
        .and_where(Expr::col((house::Entity, house::Column::BuildingId)).in_subquery(buildings_matching(db, t)))
        .to_owned();
    Condition::any()
        .add(resident_name_matching(db, t))
        .add(resident::Column::Id.in_subquery(living_in))
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
        id_tail_hash: Set(Some(id_tail_hash(db, &r.id_number))),
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

fn apply_details(am: &mut resident::ActiveModel, d: &ResidentDetails) {
    let code = |c: &Option<DivisionCode>| c.as_ref().map(|c| c.as_str().to_string()).unwrap_or_default();
    am.former_name = Set(d.former_name.clone());
    am.native_place_code = Set(code(&d.native_place_code));
    am.registered_address_code = Set(code(&d.registered_address_code));
    am.registered_address = Set(d.registered_address.clone());
    am.current_address = Set(d.current_address.clone());
    am.education = Set(d.education.clone());
    am.marital_status = Set(d.marital_status.clone());
    am.political_status = Set(d.political_status.clone());
    am.occupation = Set(d.occupation.clone());
    am.employer = Set(d.employer.clone());
    am.special_groups = Set(d.special_groups.join(","));
}

/// A number registered outside the caller's scope: one person, one record ("enter once"), so the
/// entry is refused — without the other record's id or masked number, which would tell an
/// outsider who lives where — and the attempt is audited for the auditor to see.
async fn registered_elsewhere(db: &Db, txn: crate::WriteTxn, actor: &Actor, existing: i64) -> DbError {
    let logged = async {
        audit::append(
            &*txn,
            db.backend,
            actor,
            Event::ok("create", "resident", existing)
                .result("denied")
                .detail("证件号码已在辖区外登记"),
        )
        .await?;
        txn.commit().await
    };
    if let Err(e) = logged.await {
        return e;
    }
    DbError::Taken {
        field: "id_number".into(),
        message: "该证件号码已在其他社区登记。按“一人一档”不重复建档，请联系登记所在社区办理迁出，或由上级综管中心协调"
            .into(),
    }
}

pub async fn create_resident(db: &Db, actor: &Actor, n: NewResident) -> DbResult<ResidentDetail> {
    let rec = &n.record;
    let txn = db.begin_write().await?;
    if let Some(existing) = id_for_number(&*txn, db, &rec.id_number).await? {
        if visible_resident(&*txn, &actor.scope, existing).await.is_err() {
            return Err(registered_elsewhere(db, txn, actor, existing).await);
        }
        return Err(DbError::Duplicate {
            field: "id_number".into(),
            message: format!("证件号码 {} 已登记，请打开已有记录", rec.id_masked),
            existing_id: existing,
        });
    }
    let (unit, house) = match &n.placement {
        Placement::House(r) => {
            let h = visible_house(&*txn, &actor.scope, r.house_id)
                .await
                .map_err(|_| DbError::invalid("house_id", "房屋不存在"))?;
            crate::governance::refuse_if_not_to_let(&h)?;
            (h.grid_id, Some((h, r)))
        }
        Placement::Unit(u) => {
            org_unit::Entity::find_by_id(*u)
                .filter(scope::org_units(&actor.scope))
                .one(&*txn)
                .await?
                .ok_or_else(|| DbError::invalid("org_unit_id", "所属网格或社区不存在"))?;
            (*u, None)
        }
    };
    let mut am = resident_model(db, actor, rec, unit);
    apply_details(&mut am, &n.details);
    let m = am
        .insert(&*txn)
        .await
        .map_err(|e| DbError::from(e).unique("证件号码已登记"))?;
    if let Some((h, r)) = house {
        residence::ActiveModel {
            resident_id: Set(m.id),
            house_id: Set(h.id),
            relation: Set(r.relation.into()),
            since: Set(r.since),
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

/// Updates a record. An identity number or phone kept by the edit (left out or sent back masked)
/// keeps the stored value, so that staff who may not see them in full can still edit the rest.
pub async fn update_resident(db: &Db, actor: &Actor, id: i64, edit: ResidentEdit) -> DbResult<ResidentDetail> {
    let today = chrono::Local::now().date_naive();
    let txn = db.begin_write().await?;
    let cur = visible_resident(&*txn, &actor.scope, id).await?;
    let change = edit.resolve(
        || {
            db.cipher
                .decrypt(&cur.id_number_enc)
                .map_err(|_| DbError::Conflict("密文无法解密，请检查数据密钥".into()))
        },
        || cur.phone_enc.as_deref().and_then(|p| db.cipher.decrypt(p).ok()),
        today,
    )?;
    let rec = &change.record;
    if let Some(other) = id_for_number(&*txn, db, &rec.id_number).await?
        && other != id
    {
        if visible_resident(&*txn, &actor.scope, other).await.is_err() {
            return Err(registered_elsewhere(db, txn, actor, other).await);
        }
        return Err(DbError::Duplicate {
            field: "id_number".into(),
            message: "该证件号码属于另一条记录".into(),
            existing_id: other,
        });
    }
    let fresh = resident_model(db, actor, rec, cur.org_unit_id);
    let mut am: resident::ActiveModel = cur.into();
    am.name = fresh.name;
    am.id_type = fresh.id_type;
    am.id_number_enc = fresh.id_number_enc;
    am.id_number_hash = fresh.id_number_hash;
    am.id_tail_hash = fresh.id_tail_hash;
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
    apply_details(&mut am, &change.details);
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
        None => Condition::all().add(crate::like::contains(resident::Column::Name, t)),
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

/// Fills `id_tail_hash` for rows written before migration 15, whose key SQL cannot reach (see
/// `m0015_unit_keys`); a number that no longer decrypts gets an empty hash and is not retried.
pub async fn fill_id_tails(db: &Db) -> DbResult<u64> {
    use sea_orm::sea_query::Expr;
    let mut done = 0;
    loop {
        let rows: Vec<(i64, String)> = resident::Entity::find()
            .select_only()
            .columns([resident::Column::Id, resident::Column::IdNumberEnc])
            .filter(resident::Column::IdTailHash.is_null())
            .limit(5000)
            .into_tuple()
            .all(&db.conn)
            .await?;
        if rows.is_empty() {
            return Ok(done);
        }
        let txn = db.begin_write().await?;
        for (id, enc) in &rows {
            let tail = db.cipher.decrypt(enc).map(|n| id_tail_hash(db, &n)).unwrap_or_default();
            resident::Entity::update_many()
                .col_expr(resident::Column::IdTailHash, Expr::value(tail))
                .filter(resident::Column::Id.eq(*id))
                .exec(&*txn)
                .await?;
        }
        txn.commit().await?;
        done += rows.len() as u64;
    }
}
