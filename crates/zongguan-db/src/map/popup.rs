//! One feature with what its popup shows (personal data masked) and a link to its record.
use std::collections::HashSet;

use chrono::{FixedOffset, Utc};
use sea_orm::EntityTrait;
use serde::Serialize;
use utoipa::ToSchema;
use zongguan_core::dict;
use zongguan_core::rbac::Scope;

use super::geojson::{FeatureType, Geometry};
use super::index::overdue;
use super::{LAYERS, Layers, Visible};
use crate::entity::{building, case_item, case_record, key_enterprise, key_place};
use crate::{Actor, Db, DbError, DbResult};

/// Deadlines are shown in Beijing time.
const BEIJING: FixedOffset = match FixedOffset::east_opt(8 * 3600) {
    Some(o) => o,
    None => panic!("UTC+8 is a valid offset"),
};

/// A feature for its popup.
// Fields here and below in alphabetical order: see geojson.rs.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PopupFeature {
    /// None for a key place, enterprise or case without a location.
    #[schema(required = true)]
    pub geometry: Option<Geometry>,
    pub id: i64,
    pub properties: Popup,
    #[serde(rename = "type")]
    #[schema(inline)]
    pub kind: FeatureType,
}

/// What a popup shows, by layer: names for people (dictionary words, unit names), every `link` a
/// route of the web app.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(untagged)]
pub enum Popup {
    Unit(UnitPopup),
    Building(BuildingPopup),
    KeyPlace(KeyPlacePopup),
    KeyEnterprise(KeyEnterprisePopup),
    Case(CasePopup),
    Rental(RentalPopup),
    Camera(CameraPopup),
}

/// A rental house: where, its class and next inspection, how many live there now.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RentalPopup {
    pub address: String,
    pub building_name: String,
    /// `green` | `yellow` | `orange` | `red` | `unclassified`.
    pub class: String,
    /// The class's word (绿色 … ; 未分类).
    pub class_label: String,
    /// The class's plate colour.
    pub color: String,
    pub grid_name: String,
    pub id: i64,
    #[schema(required = true)]
    pub last_inspected_on: Option<String>,
    /// `/governance/rental?house=<id>`.
    pub link: String,
    #[schema(required = true)]
    pub next_due_on: Option<String>,
    /// Residents living there now.
    pub occupants: u64,
    /// Past its next inspection day.
    pub overdue: bool,
    pub room: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CameraPopup {
    pub code: String,
    pub grid_name: String,
    pub id: i64,
    #[schema(required = true)]
    pub installed_on: Option<String>,
    /// The kind's word.
    pub kind: String,
    pub link: String,
    pub name: String,
    pub note: String,
    /// `online` | `offline` | `fault`.
    pub status: String,
    /// The status's word.
    pub status_label: String,
}

/// A division or grid, with the registry's counts of everything below it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UnitPopup {
    pub buildings: u64,
    pub code: String,
    /// A grid's workers, joined by 、 (grids only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grid_workers: Option<String>,
    pub houses: u64,
    pub id: i64,
    pub level: String,
    pub link: String,
    pub name: String,
    #[schema(required = true)]
    pub parent_name: Option<String>,
    pub rental_houses: u64,
    pub residents: u64,
}

/// A building with its current residents, houses and rental houses.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BuildingPopup {
    pub address: String,
    pub code: String,
    pub floors: i32,
    pub grid_name: String,
    pub houses: u32,
    pub id: i64,
    pub link: String,
    pub migrants: u64,
    pub name: String,
    pub rental_houses: u32,
    pub residents: u32,
    /// The use's word, not its code.
    pub use_type: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct KeyPlacePopup {
    pub address: String,
    pub id: i64,
    pub link: String,
    pub name: String,
    pub owner: String,
    pub person_in_charge: String,
    /// Masked.
    pub phone: String,
    /// The place type's word, not its code.
    pub place_type: String,
    pub unit_name: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct KeyEnterprisePopup {
    pub address: String,
    pub hazard_class: String,
    pub id: i64,
    /// The industry's word, not its code.
    pub industry: String,
    pub link: String,
    pub name: String,
    pub person_in_charge: String,
    /// Masked.
    pub phone: String,
    pub staff_count: i32,
    pub unit_name: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CasePopup {
    pub address: String,
    pub code: String,
    /// `YYYY-MM-DD HH:MM`, Beijing time.
    #[schema(required = true)]
    pub deadline_at: Option<String>,
    pub grid_name: String,
    pub id: i64,
    pub item_name: String,
    pub link: String,
    pub overdue: bool,
    pub state: String,
    /// The state's Chinese label.
    pub state_label: String,
}

/// One feature with the fields a popup shows (personal data masked), or NotFound when the record
/// is missing or outside the actor's scope.
pub async fn feature_detail(db: &Db, actor: &Actor, name: &str, id: i64) -> DbResult<PopupFeature> {
    let layers = db.map.layers(db).await?;
    let visible = Visible::new(actor, &layers.units);
    let (geometry, properties) = match name {
        "divisions" | "grids" => unit_popup(db, &layers, &visible, id).await?,
        "buildings" => building_popup(db, &layers, &visible, id).await?,
        "key_places" => key_place_popup(db, &layers, &visible, id).await?,
        "key_enterprises" => key_enterprise_popup(db, &layers, &visible, id).await?,
        "cases" => case_popup(db, &layers, &visible, id).await?,
        "rental_houses" | "overdue_inspections" => rental_popup(db, &layers, &visible, id).await?,
        "cameras" => camera_popup(db, &layers, &visible, id).await?,
        _ => {
            return Err(DbError::invalid("layer", format!("图层须为 {}", LAYERS.join("、"))));
        }
    };
    Ok(PopupFeature {
        geometry,
        id,
        properties,
        kind: FeatureType::Feature,
    })
}

type Answer = DbResult<(Option<Geometry>, Popup)>;

fn unit_name(layers: &Layers, id: i64) -> String {
    layers.units.get(id).map(|u| u.name.clone()).unwrap_or_default()
}

fn point(lon: Option<f64>, lat: Option<f64>) -> Option<Geometry> {
    lon.zip(lat).map(|(x, y)| Geometry::point(x, y))
}

async fn unit_popup(db: &Db, layers: &Layers, visible: &Visible<'_>, id: i64) -> Answer {
    let u = layers
        .units
        .get(id)
        .filter(|u| visible.unit(u.id))
        .ok_or(DbError::NotFound)?;
    // The unit and everything below it.
    let below: HashSet<i64> = layers
        .units
        .list
        .iter()
        .filter(|x| x.path.starts_with(&u.path))
        .map(|x| x.id)
        .collect();
    let (residents, buildings, houses, rental_houses) = db
        .stats
        .with(db, |units| {
            let mut t = (0u64, 0u64, 0u64, 0u64);
            for (_, c) in units.iter().filter(|(uid, _)| below.contains(uid)) {
                t.0 += c.residents();
                t.1 += c.buildings;
                t.2 += c.houses.values().sum::<u64>();
                t.3 += c.houses.iter().filter(|((_, r), _)| *r).map(|(_, n)| n).sum::<u64>();
            }
            t
        })
        .await?;
    let grid_workers = if u.level == "grid" {
        let workers = crate::org::grid_workers(db, &Scope::All, u.id)
            .await
            .map(|w| w.into_iter().map(|s| s.name).collect::<Vec<_>>())
            .unwrap_or_default();
        Some(workers.join("、"))
    } else {
        None
    };
    let p = UnitPopup {
        buildings,
        code: u.code.clone(),
        grid_workers,
        houses,
        id: u.id,
        level: u.level.clone(),
        link: format!("/org/units?id={}", u.id),
        name: u.name.clone(),
        parent_name: u.parent_id.map(|p| unit_name(layers, p)),
        rental_houses,
        residents,
    };
    Ok((Some(Geometry::area(&u.shape)), Popup::Unit(p)))
}

async fn building_popup(db: &Db, layers: &Layers, visible: &Visible<'_>, id: i64) -> Answer {
    let b = building::Entity::find_by_id(id)
        .one(&db.conn)
        .await?
        .ok_or(DbError::NotFound)?;
    if !visible.row(b.grid_id, b.created_by) {
        return Err(DbError::NotFound);
    }
    let counts = db.map.building_counts(db, &[b.grid_id]).await?;
    let bc = counts
        .get(&b.grid_id)
        .and_then(|m| m.get(&b.id))
        .cloned()
        .unwrap_or_default();
    let p = BuildingPopup {
        address: b.address,
        code: b.code,
        floors: b.floors,
        grid_name: unit_name(layers, b.grid_id),
        houses: bc.houses,
        id: b.id,
        link: format!("/registry/buildings?id={}", b.id),
        migrants: bc.migrants(),
        name: b.name,
        rental_houses: bc.rental_houses,
        residents: bc.residents,
        use_type: dict::word_of(dict::USE_TYPES, &b.use_type).into(),
    };
    Ok((Some(Geometry::point(b.lon, b.lat)), Popup::Building(p)))
}

async fn key_place_popup(db: &Db, layers: &Layers, visible: &Visible<'_>, id: i64) -> Answer {
    let p = key_place::Entity::find_by_id(id)
        .one(&db.conn)
        .await?
        .ok_or(DbError::NotFound)?;
    if !visible.row(p.org_unit_id, p.created_by) {
        return Err(DbError::NotFound);
    }
    let popup = KeyPlacePopup {
        address: p.address,
        id: p.id,
        link: format!("/registry/key-places?id={}", p.id),
        name: p.name,
        owner: p.owner,
        person_in_charge: p.person_in_charge,
        phone: p.phone_masked,
        place_type: dict::word_of(dict::PLACE_TYPES, &p.place_type).into(),
        unit_name: unit_name(layers, p.org_unit_id),
    };
    Ok((point(p.lon, p.lat), Popup::KeyPlace(popup)))
}

async fn key_enterprise_popup(db: &Db, layers: &Layers, visible: &Visible<'_>, id: i64) -> Answer {
    let p = key_enterprise::Entity::find_by_id(id)
        .one(&db.conn)
        .await?
        .ok_or(DbError::NotFound)?;
    if !visible.row(p.org_unit_id, p.created_by) {
        return Err(DbError::NotFound);
    }
    let popup = KeyEnterprisePopup {
        address: p.address,
        hazard_class: p.hazard_class,
        id: p.id,
        industry: dict::word_of(dict::INDUSTRIES, &p.industry).into(),
        link: format!("/registry/key-enterprises?id={}", p.id),
        name: p.name,
        person_in_charge: p.person_in_charge,
        phone: p.phone_masked,
        staff_count: p.staff_count,
        unit_name: unit_name(layers, p.org_unit_id),
    };
    Ok((point(p.lon, p.lat), Popup::KeyEnterprise(popup)))
}

async fn case_popup(db: &Db, layers: &Layers, visible: &Visible<'_>, id: i64) -> Answer {
    let k = case_record::Entity::find_by_id(id)
        .one(&db.conn)
        .await?
        .ok_or(DbError::NotFound)?;
    if !visible.case_of(k.grid_id, k.department_id, k.reporter_user_id) {
        return Err(DbError::NotFound);
    }
    let item_name = case_item::Entity::find_by_id(k.item_code.clone())
        .one(&db.conn)
        .await?
        .map(|i| i.name)
        .unwrap_or_default();
    let state_label = zongguan_core::case_flow::CaseState::parse(&k.state)
        .map(|s| s.zh())
        .unwrap_or("");
    let p = CasePopup {
        address: k.address,
        code: k.code,
        deadline_at: k
            .deadline_at
            .map(|d| d.with_timezone(&BEIJING).format("%Y-%m-%d %H:%M").to_string()),
        grid_name: unit_name(layers, k.grid_id),
        id: k.id,
        item_name,
        link: format!("/cases/{}", k.id),
        overdue: k.state != "closed" && overdue(k.deadline_at, k.paused, Utc::now()),
        state: k.state,
        state_label: state_label.into(),
    };
    Ok((point(k.lon, k.lat), Popup::Case(p)))
}

async fn rental_popup(db: &Db, layers: &Layers, visible: &Visible<'_>, id: i64) -> Answer {
    use sea_orm::{ColumnTrait, PaginatorTrait, QueryFilter};
    let h = crate::entity::house::Entity::find_by_id(id)
        .one(&db.conn)
        .await?
        .filter(|h| h.is_rental && visible.rental && visible.row(h.grid_id, h.created_by))
        .ok_or(DbError::NotFound)?;
    let b = building::Entity::find_by_id(h.building_id)
        .one(&db.conn)
        .await?
        .ok_or(DbError::NotFound)?;
    let occupants = crate::entity::residence::Entity::find()
        .filter(crate::entity::residence::Column::HouseId.eq(h.id))
        .filter(crate::entity::residence::Column::Until.is_null())
        .count(&db.conn)
        .await?;
    let class = h.rental_risk_class.clone().unwrap_or_else(|| "unclassified".into());
    let rc = zongguan_core::governance::rental_class::RiskClass::parse(&class);
    let today = zongguan_core::time::cst_date(Utc::now());
    let ymd = |d: Option<chrono::NaiveDate>| d.map(|d| d.format("%Y-%m-%d").to_string());
    let p = RentalPopup {
        address: b.address,
        building_name: b.name,
        class_label: rc.map_or("未分类", |c| c.zh()).into(),
        color: super::features::class_color(&class).into(),
        class,
        grid_name: unit_name(layers, h.grid_id),
        id: h.id,
        last_inspected_on: ymd(h.last_inspected_on),
        link: format!("/governance/rental?house={}", h.id),
        next_due_on: ymd(h.next_due_on),
        occupants,
        overdue: h.next_due_on.is_none_or(|d| d < today),
        room: h.room,
    };
    Ok((Some(Geometry::point(b.lon, b.lat)), Popup::Rental(p)))
}

async fn camera_popup(db: &Db, layers: &Layers, visible: &Visible<'_>, id: i64) -> Answer {
    use crate::governance::{CAMERA_KINDS, CAMERA_STATUSES};
    let c = crate::entity::camera::Entity::find_by_id(id)
        .one(&db.conn)
        .await?
        .filter(|c| visible.cameras && visible.row(c.grid_id, c.created_by))
        .ok_or(DbError::NotFound)?;
    let word =
        |list: &[(&str, &'static str)], code: &str| list.iter().find(|(k, _)| *k == code).map_or("", |(_, w)| *w);
    let p = CameraPopup {
        grid_name: unit_name(layers, c.grid_id),
        id: c.id,
        installed_on: c.installed_on.map(|d| d.format("%Y-%m-%d").to_string()),
        kind: word(&CAMERA_KINDS, &c.kind).into(),
        link: format!("/governance/cameras?id={}", c.id),
        name: c.name,
        note: c.note,
        status_label: word(&CAMERA_STATUSES, &c.status).into(),
        status: c.status,
        code: c.code,
    };
    Ok((Some(Geometry::point(c.lon, c.lat)), Popup::Camera(p)))
}
