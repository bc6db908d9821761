//! The features of one layer in a small box, as a GeoJSON FeatureCollection.
use chrono::Utc;
use serde::Serialize;
use utoipa::ToSchema;

use super::geojson::{FeatureCollectionType, FeatureType, Geometry};
use super::{Bbox, Layers, Visible, in_bbox};
use crate::Actor;

pub const MAX_FEATURES: usize = 5000;

/// One layer's features in a box.
// Fields here and below in alphabetical order: see geojson.rs.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FeatureCollection {
    /// At most 5,000.
    pub features: Vec<Feature>,
    /// More features were in the box than were sent: zoom in for all of them.
    pub truncated: bool,
    #[serde(rename = "type")]
    #[schema(inline)]
    pub kind: FeatureCollectionType,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Feature {
    pub geometry: Geometry,
    pub id: i64,
    pub properties: FeatureProperties,
    #[serde(rename = "type")]
    #[schema(inline)]
    pub kind: FeatureType,
}

impl Feature {
    fn new(id: i64, geometry: Geometry, properties: FeatureProperties) -> Self {
        Self {
            geometry,
            id,
            properties,
            kind: FeatureType::Feature,
        }
    }
}

/// What a feature carries, by layer: divisions and grids, buildings, key places and
/// enterprises, cases.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(untagged)]
pub enum FeatureProperties {
    Unit(UnitProperties),
    Building(BuildingProperties),
    Place(PlaceProperties),
    Case(CaseProperties),
    Rental(RentalProperties),
    Camera(CameraProperties),
}

/// A rental house (at its building's point).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RentalProperties {
    pub building_id: i64,
    /// `green` | `yellow` | `orange` | `red` | `unclassified`.
    pub class: String,
    /// The class's plate colour, `#rrggbb` (grey when unclassified).
    pub color: String,
    pub id: i64,
    /// `YYYY-MM-DD`.
    #[schema(required = true)]
    pub next_due_on: Option<String>,
    /// Past its next inspection day.
    pub overdue: bool,
    pub room: String,
}

/// A camera.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CameraProperties {
    pub code: String,
    pub id: i64,
    /// `hd` | `face` | `vehicle` | `other`.
    pub kind: String,
    pub name: String,
    /// `online` | `offline` | `fault`.
    pub status: String,
}

/// The plate colour of a class code; grey for unclassified.
pub fn class_color(code: &str) -> &'static str {
    zongguan_core::governance::rental_class::RiskClass::parse(code).map_or("#9e9e9e", |c| c.hex())
}

pub(super) fn rental_properties(h: &super::RentalPt, today: chrono::NaiveDate) -> RentalProperties {
    RentalProperties {
        building_id: h.building_id,
        class: h.class_code().into(),
        color: class_color(h.class_code()).into(),
        id: h.id,
        next_due_on: h.next_due_on.map(|d| d.format("%Y-%m-%d").to_string()),
        overdue: h.overdue(today),
        room: h.room.clone(),
    }
}

/// A division or a grid.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UnitProperties {
    pub code: String,
    pub id: i64,
    /// district | subdistrict | community | grid
    pub level: String,
    pub name: String,
    #[schema(required = true)]
    pub parent_id: Option<i64>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BuildingProperties {
    pub code: String,
    pub grid_id: i64,
    pub id: i64,
    pub name: String,
    /// A `use_types` code.
    pub use_type: String,
}

/// A key place or a key enterprise.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PlaceProperties {
    pub id: i64,
    /// The place type (`place_types`), or the enterprise's industry (`industries`).
    pub kind: String,
    pub name: String,
}

/// An open case.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CaseProperties {
    pub code: String,
    pub id: i64,
    pub item_code: String,
    pub overdue: bool,
    pub state: String,
}

/// The features of one layer inside the box (at most [`MAX_FEATURES`]); None for an unknown layer.
pub fn features(layers: &Layers, actor: &Actor, name: &str, bb: Bbox) -> Option<FeatureCollection> {
    let visible = Visible::new(actor, &layers.units);
    let mut out: Vec<Feature> = Vec::new();
    match name {
        "divisions" | "grids" => {
            for u in layers
                .units
                .in_box(bb)
                .filter(|u| (u.level == "grid") == (name == "grids") && visible.unit(u.id))
            {
                let p = UnitProperties {
                    code: u.code.clone(),
                    id: u.id,
                    level: u.level.clone(),
                    name: u.name.clone(),
                    parent_id: u.parent_id,
                };
                out.push(Feature::new(u.id, Geometry::area(&u.shape), FeatureProperties::Unit(p)));
            }
        }
        "buildings" => {
            for g in layers.units.in_box(bb).filter(|u| u.level == "grid") {
                for b in layers
                    .buildings
                    .get(&g.id)
                    .iter()
                    .flat_map(|l| l.iter())
                    .filter(|b| in_bbox(bb, b.lon, b.lat) && visible.row(b.grid_id, b.created_by))
                {
                    let p = BuildingProperties {
                        code: b.code.to_string(),
                        grid_id: b.grid_id,
                        id: b.id,
                        name: b.name.to_string(),
                        use_type: b.use_type.to_string(),
                    };
                    out.push(Feature::new(
                        b.id,
                        Geometry::point(b.lon, b.lat),
                        FeatureProperties::Building(p),
                    ));
                }
            }
        }
        "key_places" | "key_enterprises" => {
            for p in layers
                .places
                .iter()
                .filter(|p| p.layer == name && in_bbox(bb, p.lon, p.lat) && visible.row(p.unit_id, p.created_by))
            {
                let props = PlaceProperties {
                    id: p.id,
                    kind: p.kind.clone(),
                    name: p.name.clone(),
                };
                out.push(Feature::new(
                    p.id,
                    Geometry::point(p.lon, p.lat),
                    FeatureProperties::Place(props),
                ));
            }
        }
        "cases" => {
            let now = Utc::now();
            for c in layers
                .cases
                .values()
                .filter(|c| in_bbox(bb, c.lon, c.lat) && visible.case(c))
            {
                let p = CaseProperties {
                    code: c.code.clone(),
                    id: c.id,
                    item_code: c.item_code.clone(),
                    overdue: c.overdue(now),
                    state: c.state.clone(),
                };
                out.push(Feature::new(
                    c.id,
                    Geometry::point(c.lon, c.lat),
                    FeatureProperties::Case(p),
                ));
            }
        }
        "rental_houses" | "overdue_inspections" => {
            let today = zongguan_core::time::cst_date(Utc::now());
            let only_overdue = name == "overdue_inspections";
            let mut hs: Vec<_> = layers
                .rental
                .values()
                .filter(|h| in_bbox(bb, h.lon, h.lat) && visible.rental_house(h) && (!only_overdue || h.overdue(today)))
                .collect();
            hs.sort_by_key(|h| h.id);
            for h in hs {
                out.push(Feature::new(
                    h.id,
                    Geometry::point(h.lon, h.lat),
                    FeatureProperties::Rental(rental_properties(h, today)),
                ));
            }
        }
        "cameras" => {
            for c in layers
                .cameras
                .iter()
                .filter(|c| in_bbox(bb, c.lon, c.lat) && visible.camera(c))
            {
                let p = CameraProperties {
                    code: c.code.clone(),
                    id: c.id,
                    kind: c.kind.clone(),
                    name: c.name.clone(),
                    status: c.status.clone(),
                };
                out.push(Feature::new(
                    c.id,
                    Geometry::point(c.lon, c.lat),
                    FeatureProperties::Camera(p),
                ));
            }
        }
        _ => return None,
    }
    let truncated = out.len() > MAX_FEATURES;
    out.truncate(MAX_FEATURES);
    Some(FeatureCollection {
        features: out,
        truncated,
        kind: FeatureCollectionType::FeatureCollection,
    })
}
