//! Which polygon holds a point: an R-tree over bounding boxes, then an exact point-in-polygon test.
use geo::{BoundingRect, Coord, Intersects, MultiPolygon, Point};
use rstar::{AABB, RTree, RTreeObject};

struct Entry {
    bbox: AABB<[f64; 2]>,
    slot: usize,
}

impl RTreeObject for Entry {
    type Envelope = AABB<[f64; 2]>;
    fn envelope(&self) -> Self::Envelope {
        self.bbox
    }
}

/// Polygons keyed by an id (a grid's org unit id). Build once, query many times.
pub struct PolygonIndex<K> {
    tree: RTree<Entry>,
    shapes: Vec<(K, MultiPolygon<f64>)>,
}

impl<K: Copy> PolygonIndex<K> {
    pub fn new(shapes: Vec<(K, MultiPolygon<f64>)>) -> Self {
        let entries = shapes
            .iter()
            .enumerate()
            .filter_map(|(slot, (_, m))| {
                let r = m.bounding_rect()?;
                Some(Entry {
                    bbox: AABB::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]),
                    slot,
                })
            })
            .collect();
        Self {
            tree: RTree::bulk_load(entries),
            shapes,
        }
    }

    pub fn len(&self) -> usize {
        self.shapes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.shapes.is_empty()
    }

    /// The id of a polygon holding (lon, lat), its boundary included (a point on the edge between
    /// two grids belongs to one of them, not to neither); the lowest slot wins on a shared edge, so
    /// the answer is stable.
    pub fn locate(&self, lon: f64, lat: f64) -> Option<K> {
        if !lon.is_finite() || !lat.is_finite() {
            return None;
        }
        let p = Point(Coord { x: lon, y: lat });
        let mut hits: Vec<usize> = self
            .tree
            .locate_in_envelope_intersecting(&AABB::from_point([lon, lat]))
            .filter(|e| self.shapes.get(e.slot).is_some_and(|(_, m)| m.intersects(&p)))
            .map(|e| e.slot)
            .collect();
        hits.sort_unstable();
        hits.first().and_then(|s| self.shapes.get(*s)).map(|(k, _)| *k)
    }
}

/// Great-circle distance in metres (haversine on the mean Earth radius), for "within 100 m".
pub fn distance_m(lon1: f64, lat1: f64, lon2: f64, lat2: f64) -> f64 {
    const R: f64 = 6_371_008.8;
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = p2 - p1;
    let dl = (lon2 - lon1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * R * a.sqrt().asin()
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Rect, coord};

    fn square(x: f64, y: f64, side: f64) -> MultiPolygon<f64> {
        MultiPolygon::new(vec![
            Rect::new(coord! { x: x, y: y }, coord! { x: x + side, y: y + side }).to_polygon(),
        ])
    }

    #[test]
    fn finds_the_polygon_and_nothing_outside() {
        let idx = PolygonIndex::new(vec![
            (1, square(0.0, 0.0, 1.0)),
            (2, square(1.0, 0.0, 1.0)),
            (3, square(0.0, 1.0, 1.0)),
        ]);
        assert_eq!(idx.len(), 3);
        assert_eq!(idx.locate(0.5, 0.5), Some(1));
        assert_eq!(idx.locate(1.5, 0.5), Some(2));
        assert_eq!(idx.locate(0.2, 1.7), Some(3));
        assert_eq!(idx.locate(1.5, 1.5), None);
        assert_eq!(idx.locate(f64::NAN, 0.5), None);
    }

    #[test]
    fn a_triangle_excludes_its_bounding_box_corner() {
        let tri = geo::Polygon::new(
            geo::LineString::from(vec![(0.0, 0.0), (1.0, 0.0), (0.0, 1.0), (0.0, 0.0)]),
            vec![],
        );
        let idx = PolygonIndex::new(vec![(9, MultiPolygon::new(vec![tri]))]);
        assert_eq!(idx.locate(0.2, 0.2), Some(9));
        assert_eq!(idx.locate(0.9, 0.9), None);
    }

    #[test]
    fn edges_vertices_and_holes() {
        // Two squares sharing an edge: a point on the edge or on a shared vertex belongs to one of
        // them, the same one every time (the lower slot), never to none.
        let idx = PolygonIndex::new(vec![(1, square(0.0, 0.0, 1.0)), (2, square(1.0, 0.0, 1.0))]);
        assert_eq!(idx.locate(1.0, 0.5), Some(1), "on the shared edge");
        assert_eq!(idx.locate(1.0, 1.0), Some(1), "on the shared corner");
        assert_eq!(idx.locate(2.0, 0.5), Some(2), "on the outer edge");
        assert_eq!(idx.locate(1.0 - 1e-12, 0.5), Some(1));
        assert_eq!(idx.locate(1.0 + 1e-12, 0.5), Some(2));
        // A ring with a hole: the hole is outside; a point in the hole of one polygon may lie in another.
        let outer = geo::LineString::from(vec![(0.0, 0.0), (4.0, 0.0), (4.0, 4.0), (0.0, 4.0), (0.0, 0.0)]);
        let hole = geo::LineString::from(vec![(1.0, 1.0), (3.0, 1.0), (3.0, 3.0), (1.0, 3.0), (1.0, 1.0)]);
        let donut = MultiPolygon::new(vec![geo::Polygon::new(outer, vec![hole])]);
        let idx = PolygonIndex::new(vec![(7, donut), (8, square(1.0, 1.0, 2.0))]);
        assert_eq!(idx.locate(0.5, 0.5), Some(7));
        assert_eq!(idx.locate(2.0, 2.0), Some(8), "the hole is filled by the island");
        assert_eq!(idx.locate(5.0, 2.0), None);
        assert_eq!(idx.locate(f64::INFINITY, 2.0), None);
    }

    #[test]
    fn distances_in_metres() {
        // 0.001° of latitude is about 111 m anywhere.
        let d = distance_m(114.2, 22.7, 114.2, 22.701);
        assert!((d - 111.2).abs() < 0.5, "{d}");
        assert_eq!(distance_m(114.0, 22.0, 114.0, 22.0), 0.0);
    }
}
