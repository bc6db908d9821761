//! Vector tiles of one layer, points clustered at low zoom.
use std::collections::BTreeMap;

use chrono::Utc;
use geo::MultiPolygon;
use zongguan_core::coords::{lonlat_to_tile, tile_bbox};
use zongguan_core::mvt::{self, Geom, Layer, Value};

use super::{Bbox, BuildingPt, LAYERS, Layers, Visible};
use crate::Actor;

/// Point layers are aggregated below these zooms (and whenever a tile would hold too many points).
const BUILDING_CLUSTER_BELOW: u8 = 16;
/// Below this zoom buildings are summed per grid before they are clustered.
const GRID_TOTALS_BELOW: u8 = 14;
const POINT_CLUSTER_BELOW: u8 = 14;
const MAX_POINTS_PER_TILE: usize = 4000;
/// Cells per tile side when aggregating points.
const CLUSTER_CELLS: i32 = 32;
/// Tile-space buffer around a tile, so polygons and labels continue across tile edges.
const BUFFER: f64 = 64.0;

/// Projects lon/lat into the tile's coordinates (0..4096 inside).
struct TileProj {
    z: u8,
    x: f64,
    y: f64,
}

impl TileProj {
    fn new(z: u8, x: u32, y: u32) -> Self {
        Self {
            z,
            x: f64::from(x),
            y: f64::from(y),
        }
    }
    fn project(&self, lon: f64, lat: f64) -> (f64, f64) {
        let (tx, ty) = lonlat_to_tile(lon, lat, self.z);
        (
            (tx - self.x) * f64::from(mvt::EXTENT),
            (ty - self.y) * f64::from(mvt::EXTENT),
        )
    }
    fn polygons(&self, m: &MultiPolygon<f64>) -> Geom {
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

fn buffered_bbox(z: u8, x: u32, y: u32) -> Bbox {
    let (w, s, e, n) = tile_bbox(z, x, y);
    let (bx, by) = (
        (e - w) * BUFFER / f64::from(mvt::EXTENT),
        (n - s) * BUFFER / f64::from(mvt::EXTENT),
    );
    (w - bx, s - by, e + bx, n + by)
}

pub(super) fn in_bbox(b: Bbox, lon: f64, lat: f64) -> bool {
    lon >= b.0 && lon <= b.2 && lat >= b.1 && lat <= b.3
}

/// A point feature's id and properties.
type PointFeature = (Option<u64>, Vec<(&'static str, Value)>);

/// Adds points, aggregated per cell when `cluster` or when there are too many.
fn add_points<T>(
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
    if !cluster && projected.len() <= MAX_POINTS_PER_TILE {
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

/// Adds weighted points (a grid's buildings) summed per cell as cluster features.
fn add_totals(layer: &mut Layer, proj: &TileProj, points: Vec<(f64, f64, u32)>) {
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

/// One layer's vector tile.
pub fn tile(layers: &Layers, actor: &Actor, name: &str, z: u8, x: u32, y: u32) -> Option<Vec<u8>> {
    if !LAYERS.contains(&name) || z > 22 || x >= (1u32 << z) || y >= (1u32 << z) {
        return None;
    }
    let proj = TileProj::new(z, x, y);
    let bb = buffered_bbox(z, x, y);
    let visible = Visible::new(actor, &layers.units);
    let mut layer = Layer::new(name);
    match name {
        "divisions" | "grids" => {
            let want_grid = name == "grids";
            for u in layers.units.in_box(bb) {
                if (u.level == "grid") != want_grid || !visible.unit(u.id) {
                    continue;
                }
                let mut props = vec![
                    ("id", Value::Int(u.id)),
                    ("code", u.code.clone().into()),
                    ("name", u.name.clone().into()),
                ];
                if want_grid {
                    props.push(("parent_id", Value::Int(u.parent_id.unwrap_or(0))));
                } else {
                    props.push(("level", u.level.clone().into()));
                }
                layer.add(Some(u.id as u64), &proj.polygons(&u.shape), &props);
            }
        }
        "buildings" if z < GRID_TOTALS_BELOW && !visible.own_records() => {
            // Far out, one weighted point per grid (its buildings' mean position in the tile), then
            // cells: no per-building work beyond a sum.
            let mut pts = Vec::new();
            for g in layers
                .units
                .in_box(bb)
                .filter(|u| u.level == "grid" && visible.unit(u.id))
            {
                let Some(list) = layers.buildings.get(&g.id) else {
                    continue;
                };
                let (mut x, mut y, mut n) = (0.0, 0.0, 0u32);
                for b in list.iter().filter(|b| in_bbox(bb, b.lon, b.lat)) {
                    x += b.lon;
                    y += b.lat;
                    n += 1;
                }
                if n > 0 {
                    pts.push((x / f64::from(n), y / f64::from(n), n));
                }
            }
            add_totals(&mut layer, &proj, pts);
        }
        "buildings" => {
            let mut pts: Vec<(f64, f64, &BuildingPt)> = Vec::new();
            for g in layers.units.in_box(bb).filter(|u| u.level == "grid") {
                let Some(list) = layers.buildings.get(&g.id) else {
                    continue;
                };
                pts.extend(
                    list.iter()
                        .filter(|b| in_bbox(bb, b.lon, b.lat) && visible.row(b.grid_id, b.created_by))
                        .map(|b| (b.lon, b.lat, b)),
                );
            }
            add_points(&mut layer, &proj, z < BUILDING_CLUSTER_BELOW, pts, |b| {
                (
                    Some(b.id as u64),
                    vec![
                        ("id", Value::Int(b.id)),
                        ("code", Value::Str(b.code.to_string())),
                        ("name", Value::Str(b.name.to_string())),
                        ("use_type", Value::Str(b.use_type.to_string())),
                    ],
                )
            });
        }
        "key_places" | "key_enterprises" => {
            let pts = layers
                .places
                .iter()
                .filter(|p| p.layer == name && in_bbox(bb, p.lon, p.lat) && visible.row(p.unit_id, p.created_by))
                .map(|p| {
                    let mut props = vec![("id", Value::Int(p.id)), ("name", p.name.clone().into())];
                    if name == "key_places" {
                        props.push(("place_type", p.kind.clone().into()));
                    } else {
                        props.push(("industry", p.kind.clone().into()));
                        props.push(("hazard_class", p.hazard_class.clone().into()));
                    }
                    (p.lon, p.lat, (Some(p.id as u64), props))
                })
                .collect();
            add_points(&mut layer, &proj, z < POINT_CLUSTER_BELOW, pts, |f| f);
        }
        _ => {
            let now = Utc::now();
            let pts = layers
                .cases
                .values()
                .filter(|c| in_bbox(bb, c.lon, c.lat) && visible.case(c))
                .map(|c| {
                    let props = vec![
                        ("id", Value::Int(c.id)),
                        ("code", c.code.clone().into()),
                        ("state", c.state.clone().into()),
                        ("item_code", c.item_code.clone().into()),
                        ("overdue", Value::Bool(c.overdue(now))),
                    ];
                    (c.lon, c.lat, (Some(c.id as u64), props))
                })
                .collect();
            add_points(&mut layer, &proj, z < POINT_CLUSTER_BELOW, pts, |f| f);
        }
    }
    Some(mvt::encode(&[layer]))
}
