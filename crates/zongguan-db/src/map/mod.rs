//! The map office (图上办公): layers in memory, and the tiles, features, queries and thematic maps drawn from them.
mod access;
mod features;
mod geojson;
mod gov_layers;
mod index;
mod popup;
mod query;
mod search;
mod thematic;
mod tiles;

pub use access::{CASE_READERS, Visible, reads_cameras, reads_cases, reads_rental};
pub use features::{
    BuildingProperties, CameraProperties, CaseProperties, Feature, FeatureCollection, FeatureProperties, MAX_FEATURES,
    PlaceProperties, RentalProperties, UnitProperties, features,
};
pub use geojson::{Area, Geometry, MultiPolygonGeometry, PointGeometry, PolygonGeometry};
pub use index::{BuildingCounts, BuildingPt, CasePt, Layers, MapIndex, PlacePt, UnitShape, Units};
pub use popup::{
    BuildingPopup, CameraPopup, CasePopup, KeyEnterprisePopup, KeyPlacePopup, Popup, PopupFeature, RentalPopup,
    UnitPopup, feature_detail,
};
pub use query::{QueryBuilding, QueryCounts, QueryPoint, QueryRentalHouse, QueryResult, query, split_grids};
pub use search::{SearchHit, search};
pub use thematic::{Heat, METRICS, RENTAL_METRICS, Thematic, ThematicValue, heat, thematic};
pub use tiles::tile;

pub use gov_layers::{CameraPt, RentalPt};

pub const LAYERS: [&str; 9] = [
    "divisions",
    "grids",
    "buildings",
    "key_places",
    "key_enterprises",
    "cases",
    "rental_houses",
    "overdue_inspections",
    "cameras",
];

/// The layers of rental houses (their classes, due days and occupants need `rental:read`).
pub const RENTAL_LAYERS: [&str; 2] = ["rental_houses", "overdue_inspections"];

/// (min lon, min lat, max lon, max lat).
pub type Bbox = (f64, f64, f64, f64);

fn in_bbox(b: Bbox, lon: f64, lat: f64) -> bool {
    lon >= b.0 && lon <= b.2 && lat >= b.1 && lat <= b.3
}
