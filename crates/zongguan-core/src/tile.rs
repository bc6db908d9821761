//! Drawing one XYZ tile: lon/lat into tile coordinates, polygons clipped to the buffer, points clustered.
use std::collections::BTreeMap;

use geo::MultiPolygon;

use crate::coords::{lonlat_to_tile, tile_bbox};
use crate::mvt::{self, Geom, Layer, Value};

/// Cells per tile side when aggregating points.
pub const CLUSTER_CELLS: i32 = 32;
/// Tile-space buffer around a tile, so polygons and labels continue across tile edges.
pub const BUFFER: f64 = 64.0;

/// Projects lon/lat into the tile's coordinates (0..4096 inside).
pub struct TileProj {
    z: u8,
    x: f64,
    y: f64,
}

impl TileProj {
    pub fn new(z: u8, x: u32, y: u32) -> Self {
        Self {
            z,
            x: f64::from(x),
            y: f64::from(y),
        }
    }

    pub fn project(&self, lon: f64, lat: f64) -> (f64, f64) {
        let (tx, ty) = lonlat_to_tile(lon, lat, self.z);
        (
            (tx - self.x) * f64::from(mvt::EXTENT),
            (ty - self.y) * f64::from(mvt::EXTENT),
        )
    }

    /// The polygons in tile coordinates, clipped to the tile and its [`BUFFER`].
    pub fn polygons(&self, m: &MultiPolygon<f64>) -> Geom {
        let (lo, hi) = (-BUFFER, f64::from(mvt::EXTENT) + BUFFER);
        let ring = |r: &geo::LineString<f64>| -> Vec<(i32, i32)> {
            let pts: Vec<(f64, f64)> = r.coords().map(|c| self.project(c.x, c.y)).collect();
            mvt::clip_ring(&pts, lo, hi)
                .into_iter()
                .map(|(x, y)| (x.round() as i32, y.round() as i32))
                .collect()
        };
        Geom::Polygons(
            m.0.iter()
                .map(|p| {
                    let mut rings = vec![ring(p.exterior())];
                    rings.extend(p.interiors().iter().map(ring));
                    rings
                })
                .collect(),
        )
    }
}

/// The tile's box with its [`BUFFER`], `(min lon, min lat, max lon, max lat)`.
pub fn buffered_bbox(z: u8, x: u32, y: u32) -> (f64, f64, f64, f64) {
    let (w, s, e, n) = tile_bbox(z, x, y);
    let (bx, by) = (
        (e - w) * BUFFER / f64::from(mvt::EXTENT),
        (n - s) * BUFFER / f64::from(mvt::EXTENT),
    );
    (w - bx, s - by, e + bx, n + by)
}

/// A point feature's id and properties.
pub type PointFeature = (Option<u64>, Vec<(&'static str, Value)>);

/// Adds points `(lon, lat, what)`: each as its own feature, or when `cluster`, one feature per
/// cell of [`CLUSTER_CELLS`]² at the cell's mean position — the point's own feature when it is
/// alone there, else a cluster with `cluster` and `count`.
pub fn add_points<T>(
    layer: &mut Layer,
    proj: &TileProj,
    cluster: bool,
    points: Vec<(f64, f64, T)>,
    feature: impl Fn(T) -> PointFeature,
) {
    let projected: Vec<((f64, f64), T)> = points
        .into_iter()
        .map(|(lon, lat, f)| (proj.project(lon, lat), f))
        .collect();
    if !cluster {
        for ((x, y), f) in projected {
            let (id, props) = feature(f);
            layer.add(id, &Geom::Point(x.round() as i32, y.round() as i32), &props);
        }
        return;
    }
    let cell = mvt::EXTENT as i32 / CLUSTER_CELLS;
    // Per cell: summed x, summed y, points, and the point itself while it is alone.
    type Cell<T> = (f64, f64, i64, Option<T>);
    let mut cells: BTreeMap<(i32, i32), Cell<T>> = BTreeMap::new();
    for ((x, y), f) in projected {
        let k = ((x as i32).div_euclid(cell), (y as i32).div_euclid(cell));
        let e = cells.entry(k).or_insert((0.0, 0.0, 0, None));
        e.0 += x;
        e.1 += y;
        e.2 += 1;
        e.3 = if e.2 == 1 { Some(f) } else { None };
    }
    for (sx, sy, n, single) in cells.into_values() {
        let at = Geom::Point((sx / n as f64).round() as i32, (sy / n as f64).round() as i32);
        match single {
            Some(f) => {
                let (id, props) = feature(f);
                layer.add(id, &at, &props)
            }
            None => layer.add(None, &at, &[("cluster", Value::Bool(true)), ("count", Value::Int(n))]),
        };
    }
}

/// Adds weighted points `(lon, lat, weight)` (a grid's buildings) summed per cell as cluster
/// features at the weighted mean position.
pub fn add_totals(layer: &mut Layer, proj: &TileProj, points: Vec<(f64, f64, u32)>) {
    let cell = mvt::EXTENT as i32 / CLUSTER_CELLS;
    let mut cells: BTreeMap<(i32, i32), (f64, f64, f64)> = BTreeMap::new();
    for (lon, lat, n) in points {
        let (x, y) = proj.project(lon, lat);
        let w = f64::from(n);
        let e = cells
            .entry(((x as i32).div_euclid(cell), (y as i32).div_euclid(cell)))
            .or_insert((0.0, 0.0, 0.0));
        e.0 += x * w;
        e.1 += y * w;
        e.2 += w;
    }
    for (sx, sy, n) in cells.into_values() {
        let at = Geom::Point((sx / n).round() as i32, (sy / n).round() as i32);
        layer.add(
            None,
            &at,
            &[("cluster", Value::Bool(true)), ("count", Value::Int(n as i64))],
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coords::tile_bbox;
    use crate::mvt::{DecodedFeature, decode, encode};

    // The zoom-14 tile over 平湖.
    const Z: u8 = 14;
    const X: u32 = 13383;
    const Y: u32 = 7135;

    fn features(layer: Layer) -> Vec<DecodedFeature> {
        decode(&encode(&[layer]))
            .expect("decodes")
            .into_iter()
            .flat_map(|l| l.features)
            .collect()
    }

    fn near(a: (f64, f64), b: (f64, f64)) -> bool {
        (a.0 - b.0).abs() < 1e-6 && (a.1 - b.1).abs() < 1e-6
    }

    #[test]
    fn the_tile_spans_zero_to_the_extent() {
        let (w, s, e, n) = tile_bbox(Z, X, Y);
        let p = TileProj::new(Z, X, Y);
        let full = f64::from(mvt::EXTENT);
        assert!(near(p.project(w, n), (0.0, 0.0)), "north-west corner at the origin");
        assert!(near(p.project(e, s), (full, full)), "south-east corner at the extent");
        let (mid_x, mid_y) = p.project((w + e) / 2.0, (s + n) / 2.0);
        assert!((mid_x - full / 2.0).abs() < 1e-6, "x is linear in longitude");
        assert!(mid_y > 0.0 && mid_y < full, "y inside");
        // The buffer adds BUFFER/EXTENT of the tile on each side.
        let (bw, bs, be, bn) = buffered_bbox(Z, X, Y);
        let share = BUFFER / full;
        assert!(((w - bw) / (e - w) - share).abs() < 1e-9 && ((be - e) / (e - w) - share).abs() < 1e-9);
        assert!(bs < s && bn > n);
    }

    #[test]
    fn polygons_are_clipped_to_the_buffer() {
        let (w, s, e, n) = tile_bbox(Z, X, Y);
        let (dx, dy) = (e - w, n - s);
        // Twice as wide as the tile: cut at the buffer on both sides.
        let wide = MultiPolygon::new(vec![
            geo::Rect::new(
                geo::Coord {
                    x: w - dx / 2.0,
                    y: s + dy / 4.0,
                },
                geo::Coord {
                    x: e + dx / 2.0,
                    y: n - dy / 4.0,
                },
            )
            .to_polygon(),
        ]);
        let Geom::Polygons(polys) = TileProj::new(Z, X, Y).polygons(&wide) else {
            panic!("polygons")
        };
        let ring = &polys[0][0];
        let (lo, hi) = (-BUFFER as i32, mvt::EXTENT as i32 + BUFFER as i32);
        assert!(ring.iter().all(|(x, _)| (lo..=hi).contains(x)), "{ring:?}");
        assert!(ring.iter().any(|(x, _)| *x == lo) && ring.iter().any(|(x, _)| *x == hi));
    }

    #[test]
    fn points_cluster_per_cell() {
        let (w, s, e, n) = tile_bbox(Z, X, Y);
        let proj = TileProj::new(Z, X, Y);
        let (cx, cy) = ((w + e) / 2.0, (s + n) / 2.0);
        let cell = (e - w) / f64::from(CLUSTER_CELLS);
        // Two points in one cell, one alone in another cell.
        let points = vec![
            (cx + cell * 0.1, cy, 1),
            (cx + cell * 0.3, cy, 2),
            (cx + cell * 5.5, cy, 3),
        ];
        let feature = |id: u64| (Some(id), vec![("id", Value::Int(id as i64))]);

        let mut flat = Layer::new("buildings");
        add_points(&mut flat, &proj, false, points.clone(), feature);
        let f = features(flat);
        assert_eq!(f.iter().map(|f| f.id).collect::<Vec<_>>(), [Some(1), Some(2), Some(3)]);

        let mut clustered = Layer::new("buildings");
        add_points(&mut clustered, &proj, true, points, feature);
        let f = features(clustered);
        assert_eq!(f.len(), 2, "{f:?}");
        let cluster = f.iter().find(|f| f.id.is_none()).expect("a cluster");
        assert_eq!(
            (&cluster.props["cluster"], &cluster.props["count"]),
            (&Value::Bool(true), &Value::Int(2))
        );
        let (x1, _) = proj.project(cx + cell * 0.1, cy);
        let (x2, _) = proj.project(cx + cell * 0.3, cy);
        assert_eq!(cluster.rings[0][0].0, ((x1 + x2) / 2.0).round() as i32, "at the mean");
        assert!(f.iter().any(|f| f.id == Some(3)), "a lone point keeps its own feature");
    }

    #[test]
    fn totals_are_weighted() {
        let (w, s, e, n) = tile_bbox(Z, X, Y);
        let proj = TileProj::new(Z, X, Y);
        let (cx, cy) = ((w + e) / 2.0, (s + n) / 2.0);
        let cell = (e - w) / f64::from(CLUSTER_CELLS);
        let mut l = Layer::new("buildings");
        add_totals(&mut l, &proj, vec![(cx + cell * 0.1, cy, 3), (cx + cell * 0.5, cy, 1)]);
        let f = features(l);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].props["count"], Value::Int(4));
        let (x1, _) = proj.project(cx + cell * 0.1, cy);
        let (x2, _) = proj.project(cx + cell * 0.5, cy);
        assert_eq!(f[0].rings[0][0].0, ((x1 * 3.0 + x2) / 4.0).round() as i32);
    }
}
