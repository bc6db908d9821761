//! GeoJSON geometries (RFC 7946, WGS-84) as the map writes and reads them, typed for the OpenAPI document.
//!
//! The fields of the map's GeoJSON structs are in alphabetical order: the order in which
//! `serde_json::json!` wrote them before they were typed, so the bytes on the wire stay the same.
use geo::{LineString, MultiPolygon};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub enum PointType {
    Point,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub enum PolygonType {
    Polygon,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub enum MultiPolygonType {
    MultiPolygon,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub enum FeatureType {
    Feature,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub enum FeatureCollectionType {
    FeatureCollection,
}

/// A GeoJSON Point.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PointGeometry {
    /// `[lon, lat]`
    pub coordinates: [f64; 2],
    #[serde(rename = "type")]
    #[schema(inline)]
    pub kind: PointType,
}

/// A GeoJSON Polygon: rings of `[lon, lat]`, the exterior first, each closed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PolygonGeometry {
    pub coordinates: Vec<Vec<[f64; 2]>>,
    #[serde(rename = "type")]
    #[schema(inline)]
    pub kind: PolygonType,
}

/// A GeoJSON MultiPolygon: polygons, each as a Polygon's rings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct MultiPolygonGeometry {
    pub coordinates: Vec<Vec<Vec<[f64; 2]>>>,
    #[serde(rename = "type")]
    #[schema(inline)]
    pub kind: MultiPolygonType,
}

/// Where a map feature is: a point, or an area (always a MultiPolygon, at full precision so that
/// children still nest in their parents).
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[serde(untagged)]
pub enum Geometry {
    Point(PointGeometry),
    MultiPolygon(MultiPolygonGeometry),
}

impl Geometry {
    pub fn point(lon: f64, lat: f64) -> Self {
        Self::Point(PointGeometry {
            coordinates: [lon, lat],
            kind: PointType::Point,
        })
    }

    pub fn area(m: &MultiPolygon<f64>) -> Self {
        let ring = |r: &LineString<f64>| r.coords().map(|c| [c.x, c.y]).collect::<Vec<_>>();
        Self::MultiPolygon(MultiPolygonGeometry {
            coordinates: m
                .0
                .iter()
                .map(|p| std::iter::once(p.exterior()).chain(p.interiors()).map(ring).collect())
                .collect(),
            kind: MultiPolygonType::MultiPolygon,
        })
    }
}

/// An area a client sends (a drawn query shape, a grid's outline): a Polygon or a MultiPolygon.
// Handlers read requests with `geometry::from_geojson`, whose refusal names the field: this type
// documents the shape.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum Area {
    Polygon(PolygonGeometry),
    MultiPolygon(MultiPolygonGeometry),
}

#[cfg(test)]
mod tests {
    use super::*;
    use zongguan_core::geometry;

    #[test]
    fn areas_are_written_as_the_core_writes_them() {
        let v = serde_json::json!({"type": "Polygon", "coordinates": [
            [[0.0, 0.0], [4.0, 0.0], [4.0, 2.0], [0.0, 2.0], [0.0, 0.0]],
            [[1.0, 0.5], [1.0, 1.5], [1.5, 1.5], [1.0, 0.5]]
        ]});
        let m = geometry::from_geojson(&v).expect("polygon");
        let typed = serde_json::to_string(&Geometry::area(&m)).expect("json");
        assert_eq!(typed, geometry::to_geojson(&m).to_string());
        assert_eq!(
            serde_json::to_string(&Geometry::point(114.25, 22.7)).expect("json"),
            r#"{"coordinates":[114.25,22.7],"type":"Point"}"#
        );
    }

    #[test]
    fn areas_read_as_polygon_or_multipolygon() {
        let p: Area =
            serde_json::from_str(r#"{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}"#).expect("polygon");
        assert!(matches!(p, Area::Polygon(_)));
        let m: Area = serde_json::from_str(r#"{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]]]}"#)
            .expect("multipolygon");
        assert!(matches!(m, Area::MultiPolygon(_)));
        assert!(serde_json::from_str::<Area>(r#"{"type":"Point","coordinates":[0,0]}"#).is_err());
    }
}
