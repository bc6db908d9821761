//! Geometry helpers in pure Rust, so SQLite and PostgreSQL behave the same.
//!
//! GeoJSON in and out, equal-area partition of a polygon (the demo's subdistricts, communities and
//! grids), random points inside a polygon, circles, and how a part (a grid) lies against a drawn shape.
use geo::{
    Area, BooleanOps, BoundingRect, Centroid, Contains, Coord, Intersects, MultiPolygon, Point, Polygon, Rect,
    Validation,
};
use rstar::{AABB, RTree, RTreeObject};

/// Reads a GeoJSON Polygon or MultiPolygon geometry.
pub fn from_geojson(v: &serde_json::Value) -> Option<MultiPolygon<f64>> {
    let ring = |r: &serde_json::Value| -> Option<geo::LineString<f64>> {
        let pts: Option<Vec<Coord<f64>>> = r
            .as_array()?
            .iter()
            .map(|p| {
                Some(Coord {
                    x: p.get(0)?.as_f64()?,
                    y: p.get(1)?.as_f64()?,
                })
            })
            .collect();
        Some(geo::LineString::new(pts?))
    };
    let polygon = |p: &serde_json::Value| -> Option<Polygon<f64>> {
        let rings = p.as_array()?;
        let exterior = ring(rings.first()?)?;
        let holes: Option<Vec<_>> = rings[1..].iter().map(ring).collect();
        Some(Polygon::new(exterior, holes?))
    };
    let coords = v.get("coordinates")?;
    match v.get("type")?.as_str()? {
        "Polygon" => Some(MultiPolygon::new(vec![polygon(coords)?])),
        "MultiPolygon" => coords
            .as_array()?
            .iter()
            .map(polygon)
            .collect::<Option<Vec<_>>>()
            .map(MultiPolygon::new),
        _ => None,
    }
}

/// A GeoJSON MultiPolygon geometry at full precision, so that children still nest in parents.
pub fn to_geojson(m: &MultiPolygon<f64>) -> serde_json::Value {
    let ring = |r: &geo::LineString<f64>| r.coords().map(|c| serde_json::json!([c.x, c.y])).collect::<Vec<_>>();
    let polys: Vec<serde_json::Value> =
        m.0.iter()
            .map(|p| {
                let mut rings = vec![serde_json::Value::Array(ring(p.exterior()))];
                rings.extend(p.interiors().iter().map(|r| serde_json::Value::Array(ring(r))));
                serde_json::Value::Array(rings)
            })
            .collect();
    serde_json::json!({"type": "MultiPolygon", "coordinates": polys})
}

fn clip(m: &MultiPolygon<f64>, r: Rect<f64>) -> MultiPolygon<f64> {
    m.intersection(&MultiPolygon::new(vec![r.to_polygon()]))
}

/// Splits `m` into `k` parts of equal area by recursive cuts across the longer side. The parts
/// tile `m` exactly, so children nest in their parent by construction.
pub fn partition(m: &MultiPolygon<f64>, k: usize) -> Vec<MultiPolygon<f64>> {
    if k <= 1 {
        return vec![m.clone()];
    }
    let Some(bb) = m.bounding_rect() else {
        return vec![m.clone(); k];
    };
    let total = m.unsigned_area();
    let k1 = k / 2;
    let want = total * k1 as f64 / k as f64;
    let vertical = bb.width() >= bb.height();
    let (lo, hi) = if vertical {
        (bb.min().x, bb.max().x)
    } else {
        (bb.min().y, bb.max().y)
    };
    let pad = 1.0;
    let first_part = |c: f64| -> Rect<f64> {
        if vertical {
            Rect::new(
                Coord {
                    x: bb.min().x - pad,
                    y: bb.min().y - pad,
                },
                Coord {
                    x: c,
                    y: bb.max().y + pad,
                },
            )
        } else {
            Rect::new(
                Coord {
                    x: bb.min().x - pad,
                    y: bb.min().y - pad,
                },
                Coord {
                    x: bb.max().x + pad,
                    y: c,
                },
            )
        }
    };
    let (mut a, mut b) = (lo, hi);
    for _ in 0..40 {
        let mid = (a + b) / 2.0;
        if clip(m, first_part(mid)).unsigned_area() < want {
            a = mid
        } else {
            b = mid
        }
    }
    let cut = (a + b) / 2.0;
    let left = clip(m, first_part(cut));
    let right_rect = if vertical {
        Rect::new(
            Coord {
                x: cut,
                y: bb.min().y - pad,
            },
            Coord {
                x: bb.max().x + pad,
                y: bb.max().y + pad,
            },
        )
    } else {
        Rect::new(
            Coord {
                x: bb.min().x - pad,
                y: cut,
            },
            Coord {
                x: bb.max().x + pad,
                y: bb.max().y + pad,
            },
        )
    };
    let right = clip(m, right_rect);
    let mut out = partition(&left, k1);
    out.extend(partition(&right, k - k1));
    out
}

/// Sutherland–Hodgman clipping of one ring to the box `min`–`max`; the result may run along the
/// box's edges (harmless for drawing and for areas).
pub fn clip_ring(ring: &[(f64, f64)], min: (f64, f64), max: (f64, f64)) -> Vec<(f64, f64)> {
    let mut out: Vec<(f64, f64)> = ring.to_vec();
    let edges: [(usize, f64, bool); 4] = [(0, min.0, true), (0, max.0, false), (1, min.1, true), (1, max.1, false)];
    for (axis, bound, keep_above) in edges {
        if out.is_empty() {
            break;
        }
        let inside = |p: &(f64, f64)| {
            let v = if axis == 0 { p.0 } else { p.1 };
            if keep_above { v >= bound } else { v <= bound }
        };
        let cut = |a: &(f64, f64), b: &(f64, f64)| {
            let (av, bv) = if axis == 0 { (a.0, b.0) } else { (a.1, b.1) };
            let t = (bound - av) / (bv - av);
            (a.0 + t * (b.0 - a.0), a.1 + t * (b.1 - a.1))
        };
        let input = std::mem::take(&mut out);
        for i in 0..input.len() {
            let cur = &input[i];
            let prev = &input[(i + input.len() - 1) % input.len()];
            match (inside(prev), inside(cur)) {
                (true, true) => out.push(*cur),
                (true, false) => out.push(cut(prev, cur)),
                (false, true) => {
                    out.push(cut(prev, cur));
                    out.push(*cur);
                }
                (false, false) => {}
            }
        }
    }
    out
}

/// The part of `m` inside the box, ring by ring (linear time: a cheap first cut before an overlay
/// of a large shape with a small one).
pub fn clip_to_box(m: &MultiPolygon<f64>, r: Rect<f64>) -> MultiPolygon<f64> {
    let (min, max) = ((r.min().x, r.min().y), (r.max().x, r.max().y));
    let ring = |l: &geo::LineString<f64>| -> Option<geo::LineString<f64>> {
        let pts: Vec<(f64, f64)> = l.coords().map(|c| (c.x, c.y)).collect();
        let c = clip_ring(&pts, min, max);
        (c.len() >= 3).then(|| geo::LineString::from(c))
    };
    MultiPolygon::new(
        m.0.iter()
            .filter_map(|p| {
                let ext = ring(p.exterior())?;
                Some(Polygon::new(ext, p.interiors().iter().filter_map(ring).collect()))
            })
            .collect(),
    )
}

/// Area in square metres (local equirectangular scale at the shape's centroid).
pub fn area_m2(m: &MultiPolygon<f64>) -> f64 {
    let lat = m.centroid().map(|c| c.y()).unwrap_or(0.0);
    let (mx, my) = crate::coords::metres_per_degree(lat);
    m.unsigned_area() * mx * my
}

/// Overlap or spill-over up to this share of a unit's own area is drawing noise (a sliver).
pub const SLIVER_SHARE: f64 = 0.005;

/// Why a unit's shape does not fit among its neighbours.
#[derive(Debug, Clone, PartialEq)]
pub enum Misfit {
    /// Not a valid polygon (self-intersecting ring, too few points, …).
    Invalid(String),
    /// Part of the shape lies outside the parent's shape.
    LeavesParent { area_m2: f64 },
    /// The shape overlaps the sibling at this index.
    Overlaps { sibling: usize, area_m2: f64 },
}

/// A drawn or uploaded shape's vertices, in all: a grid traced from a survey has a few hundred; the
/// bound keeps one shape from holding the writer (and every check after it) for seconds.
pub const MAX_VERTICES: usize = 20_000;

/// The shape's coordinates are numbers inside mainland China's extent (as every point in the
/// registries), and there are no more than [`MAX_VERTICES`] of them. Cheap: run it first.
pub fn check_coordinates(shape: &MultiPolygon<f64>) -> Result<(), String> {
    let mut n = 0usize;
    for c in shape
        .0
        .iter()
        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
        .flat_map(|r| r.0.iter())
    {
        n += 1;
        if n > MAX_VERTICES {
            return Err(format!("顶点超过 {MAX_VERTICES} 个，请简化后再提交"));
        }
        // NaN and infinities fall outside the ranges too.
        if !((73.0..=136.0).contains(&c.x) && (3.0..=54.0).contains(&c.y)) {
            return Err(format!(
                "坐标 ({}, {}) 不在中国境内（经度 73–136，纬度 3–54）",
                c.x, c.y
            ));
        }
    }
    Ok(())
}

/// Checks that `shape` lies within `parent` and overlaps none of `siblings` by more than a sliver.
pub fn check_fit(
    shape: &MultiPolygon<f64>,
    parent: Option<&MultiPolygon<f64>>,
    siblings: &[&MultiPolygon<f64>],
) -> Result<(), Misfit> {
    if shape.0.is_empty() || shape.0.iter().any(|p| p.exterior().0.len() < 4) {
        return Err(Misfit::Invalid("多边形至少需要 3 个不同的顶点".into()));
    }
    check_coordinates(shape).map_err(Misfit::Invalid)?;
    if !shape.is_valid() {
        return Err(Misfit::Invalid("多边形无效：边自相交、环重叠或洞在外环之外".into()));
    }
    let own = area_m2(shape);
    if own <= 0.0 {
        return Err(Misfit::Invalid("多边形面积为零".into()));
    }
    let sliver = own * SLIVER_SHARE;
    if let Some(p) = parent
        && p.is_valid()
    {
        let outside = area_m2(&shape.difference(p));
        if outside > sliver {
            return Err(Misfit::LeavesParent { area_m2: outside });
        }
    }
    let bb = shape.bounding_rect();
    for (i, s) in siblings.iter().enumerate() {
        let near = match (bb, s.bounding_rect()) {
            (Some(a), Some(b)) => a.intersects(&b),
            _ => false,
        };
        if !near || !s.is_valid() {
            continue;
        }
        let overlap = area_m2(&shape.intersection(*s));
        if overlap > sliver.min(area_m2(s) * SLIVER_SHARE) {
            return Err(Misfit::Overlaps {
                sibling: i,
                area_m2: overlap,
            });
        }
    }
    Ok(())
}

/// A circle on the ground as a 64-sided polygon (local equirectangular scale at its centre).
pub fn circle(lon: f64, lat: f64, radius_m: f64) -> MultiPolygon<f64> {
    let (mx, my) = crate::coords::metres_per_degree(lat);
    let ring: Vec<Coord<f64>> = (0..=64)
        .map(|i| {
            let a = f64::from(i % 64) / 64.0 * std::f64::consts::TAU;
            Coord {
                x: lon + radius_m * a.cos() / mx,
                y: lat + radius_m * a.sin() / my,
            }
        })
        .collect();
    MultiPolygon::new(vec![Polygon::new(geo::LineString::new(ring), vec![])])
}

/// How a part (a grid) lies against a shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    Inside,
    Cut,
    Outside,
}

/// Share of a part's area that may lie outside a shape drawn along the same edges (float noise in
/// the overlay, a few square metres) for the part to count as wholly inside.
const COVER_TOLERANCE: f64 = 1e-5;

struct Edge(AABB<[f64; 2]>);

impl RTreeObject for Edge {
    type Envelope = AABB<[f64; 2]>;
    fn envelope(&self) -> Self::Envelope {
        self.0
    }
}

/// A shape ready to be asked about many parts: its edges in an R-tree. A part whose box meets
/// none of them is wholly inside or wholly outside, and one vertex decides which; only parts on
/// the shape's edge need an overlay.
pub struct ShapeEdges<'a> {
    shape: &'a MultiPolygon<f64>,
    edges: RTree<Edge>,
}

impl<'a> ShapeEdges<'a> {
    pub fn new(shape: &'a MultiPolygon<f64>) -> Self {
        let edges = RTree::bulk_load(
            shape
                .0
                .iter()
                .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
                .flat_map(|r| {
                    r.lines()
                        .map(|l| Edge(AABB::from_corners([l.start.x, l.start.y], [l.end.x, l.end.y])))
                })
                .collect(),
        );
        Self { shape, edges }
    }

    /// Where `part` lies. A part drawn along the shape's own edges may poke out, or a neighbour
    /// poke in, by float noise: up to [`COVER_TOLERANCE`] of the part's area is not counted.
    pub fn relate(&self, part: &MultiPolygon<f64>) -> Relation {
        let Some(pr) = part.bounding_rect() else {
            return Relation::Outside;
        };
        let near_edge = self
            .edges
            .locate_in_envelope_intersecting(&AABB::from_corners([pr.min().x, pr.min().y], [pr.max().x, pr.max().y]))
            .next()
            .is_some();
        if !near_edge {
            return match part.0.first().and_then(|p| p.exterior().0.first()) {
                Some(v) if self.shape.contains(&Point::from(*v)) => Relation::Inside,
                _ => Relation::Outside,
            };
        }
        // On the shape's edge: overlay the part with the piece of the shape near it.
        let own_area = part.unsigned_area();
        let margin = (pr.width().max(pr.height())) * 0.01;
        let near = clip_to_box(
            self.shape,
            Rect::new(
                Coord {
                    x: pr.min().x - margin,
                    y: pr.min().y - margin,
                },
                Coord {
                    x: pr.max().x + margin,
                    y: pr.max().y + margin,
                },
            ),
        );
        let shared = near.intersection(part).unsigned_area();
        if shared <= own_area * COVER_TOLERANCE {
            Relation::Outside
        } else if shared >= own_area * (1.0 - COVER_TOLERANCE) {
            Relation::Inside
        } else {
            Relation::Cut
        }
    }
}

/// SplitMix64: a small deterministic generator for demo data (same seed, same district).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed ^ 0x9E37_79B9_7F4A_7C15)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next_u64() % n }
    }
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len() as u64) as usize]
    }
}

/// A random point strictly inside `m` (rejection sampling in the bounding box).
pub fn random_point_in(m: &MultiPolygon<f64>, rng: &mut Rng) -> Option<Point<f64>> {
    let bb = m.bounding_rect()?;
    for _ in 0..1000 {
        let p = Point::new(
            bb.min().x + rng.unit() * bb.width(),
            bb.min().y + rng.unit() * bb.height(),
        );
        if m.contains(&p) {
            return Some(p);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::Intersects;

    fn square() -> MultiPolygon<f64> {
        let v =
            serde_json::json!({"type":"Polygon","coordinates":[[[0.0,0.0],[4.0,0.0],[4.0,2.0],[0.0,2.0],[0.0,0.0]]]});
        from_geojson(&v).expect("polygon")
    }

    #[test]
    fn partition_tiles_the_parent_with_equal_areas() {
        let m = square();
        let parts = partition(&m, 7);
        assert_eq!(parts.len(), 7);
        let total: f64 = parts.iter().map(|p| p.unsigned_area()).sum();
        assert!((total - 8.0).abs() < 1e-6, "parts cover the parent: {total}");
        for p in &parts {
            assert!((p.unsigned_area() - 8.0 / 7.0).abs() < 1e-4, "equal areas");
        }
        // Neighbours share edges but no area.
        for (i, a) in parts.iter().enumerate() {
            for b in &parts[i + 1..] {
                let overlap = a.intersection(b).unsigned_area();
                assert!(overlap < 8.0 * 1e-8, "no overlap beyond float noise: {overlap}");
            }
        }
    }

    #[test]
    fn random_points_fall_inside_and_repeat_with_the_seed() {
        let parts = partition(&square(), 3);
        let mut a = Rng::new(42);
        let mut b = Rng::new(42);
        for p in &parts {
            let x = random_point_in(p, &mut a).expect("point");
            assert!(p.contains(&x) && p.intersects(&x));
            assert_eq!(Some(x), random_point_in(p, &mut b));
        }
    }

    fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> MultiPolygon<f64> {
        MultiPolygon::new(vec![
            Rect::new(Coord { x: x0, y: y0 }, Coord { x: x1, y: y1 }).to_polygon(),
        ])
    }

    #[test]
    fn fit_nesting_overlap_and_slivers() {
        // A community of about 1 km × 1 km near Longgang, split into two grids.
        let community = rect(114.20, 22.70, 114.21, 22.71);
        let west = rect(114.20, 22.70, 114.205, 22.71);
        let east = rect(114.205, 22.70, 114.21, 22.71);
        assert!(
            (area_m2(&community) - 1_137_800.0).abs() < 5_000.0,
            "{}",
            area_m2(&community)
        );
        assert_eq!(
            check_fit(&east, Some(&community), &[&west]),
            Ok(()),
            "edge-sharing neighbours fit"
        );
        // Overlapping the neighbour by 1/5 of its width is refused, naming that sibling.
        let greedy = rect(114.204, 22.70, 114.21, 22.71);
        assert!(matches!(
            check_fit(&greedy, Some(&community), &[&west]),
            Err(Misfit::Overlaps { sibling: 0, .. })
        ));
        // A sliver (a snapping error of about 1 m) is accepted.
        let sloppy = rect(114.20499, 22.70, 114.21, 22.71);
        assert_eq!(check_fit(&sloppy, Some(&community), &[&west]), Ok(()));
        // Leaving the community is refused; a grid inside but away from siblings fits.
        let spill = rect(114.205, 22.70, 114.215, 22.71);
        assert!(
            matches!(check_fit(&spill, Some(&community), &[]), Err(Misfit::LeavesParent { area_m2 }) if area_m2 > 400_000.0)
        );
        assert_eq!(
            check_fit(&rect(114.201, 22.701, 114.202, 22.702), Some(&community), &[]),
            Ok(())
        );
        // A bow-tie is not a polygon.
        let bow = MultiPolygon::new(vec![Polygon::new(
            geo::LineString::from(vec![(0.0, 0.0), (1.0, 1.0), (1.0, 0.0), (0.0, 1.0), (0.0, 0.0)]),
            vec![],
        )]);
        assert!(matches!(check_fit(&bow, None, &[]), Err(Misfit::Invalid(_))));
    }

    #[test]
    fn clipping_to_a_box_keeps_the_area_inside() {
        // An L-shaped polygon cut by a box: the overlay of the clipped shape equals the full overlay.
        let l = MultiPolygon::new(vec![Polygon::new(
            geo::LineString::from(vec![
                (0.0, 0.0),
                (4.0, 0.0),
                (4.0, 1.0),
                (1.0, 1.0),
                (1.0, 4.0),
                (0.0, 4.0),
                (0.0, 0.0),
            ]),
            vec![],
        )]);
        let b = Rect::new(Coord { x: 0.5, y: 0.5 }, Coord { x: 2.5, y: 2.5 });
        let clipped = clip_to_box(&l, b);
        let boxed = MultiPolygon::new(vec![b.to_polygon()]);
        assert!((clipped.unsigned_area() - l.intersection(&boxed).unsigned_area()).abs() < 1e-12);
        assert!((clipped.unsigned_area() - (2.0 * 0.5 + 0.5 * 1.5)).abs() < 1e-12);
        assert!(
            clip_to_box(&l, Rect::new(Coord { x: 5.0, y: 5.0 }, Coord { x: 6.0, y: 6.0 }))
                .0
                .is_empty()
        );
    }

    #[test]
    fn circles_have_the_radius() {
        let c = circle(114.25, 22.72, 500.0);
        let area = area_m2(&c);
        let want = std::f64::consts::PI * 500.0 * 500.0;
        assert!((area - want).abs() / want < 0.01, "{area} vs {want}");
    }

    #[test]
    fn parts_lie_inside_outside_or_cut() {
        // A community of two grids side by side, and a shape drawn along its outline.
        let community = rect(114.20, 22.70, 114.21, 22.71);
        let west = rect(114.20, 22.70, 114.205, 22.71);
        let east = rect(114.205, 22.70, 114.21, 22.71);
        let shape = ShapeEdges::new(&community);
        assert_eq!(
            shape.relate(&west),
            Relation::Inside,
            "on the shape's own edges: inside"
        );
        assert_eq!(shape.relate(&east), Relation::Inside);
        // Away from every edge: one vertex decides.
        assert_eq!(shape.relate(&rect(114.202, 22.702, 114.203, 22.703)), Relation::Inside);
        assert_eq!(shape.relate(&rect(114.30, 22.80, 114.31, 22.81)), Relation::Outside);
        // A neighbour sharing an edge only is outside; one that crosses it is cut.
        assert_eq!(shape.relate(&rect(114.21, 22.70, 114.22, 22.71)), Relation::Outside);
        assert_eq!(shape.relate(&rect(114.208, 22.70, 114.22, 22.71)), Relation::Cut);
        // Float noise along the shared edge does not cut a grid (1e-9 degrees, a tenth of a millimetre).
        let shifted = rect(114.205 - 1e-9, 22.70, 114.21, 22.71);
        assert_eq!(shape.relate(&shifted), Relation::Inside);
        // Inside a hole is outside.
        let ring = MultiPolygon::new(vec![Polygon::new(
            rect(114.20, 22.70, 114.21, 22.71).0[0].exterior().clone(),
            vec![rect(114.203, 22.703, 114.207, 22.707).0[0].exterior().clone()],
        )]);
        let holed = ShapeEdges::new(&ring);
        assert_eq!(holed.relate(&rect(114.204, 22.704, 114.206, 22.706)), Relation::Outside);
        assert_eq!(holed.relate(&rect(114.202, 22.704, 114.206, 22.706)), Relation::Cut);
        assert_eq!(
            holed.relate(&MultiPolygon::new(vec![])),
            Relation::Outside,
            "an empty part"
        );
    }

    #[test]
    fn geojson_roundtrip() {
        let m = square();
        let v = to_geojson(&m);
        assert_eq!(v["type"], "MultiPolygon");
        let back = from_geojson(&v).expect("back");
        assert!((back.unsigned_area() - 8.0).abs() < 1e-9);
        assert!(from_geojson(&serde_json::json!({"type":"Point","coordinates":[1,2]})).is_none());
    }
}
