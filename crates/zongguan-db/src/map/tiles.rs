//! Vector tiles of one layer, points clustered at low zoom.
use chrono::Utc;
use zongguan_core::mvt::{self, Layer, Value};
use zongguan_core::tile::{TileProj, add_points, add_totals, buffered_bbox};

use super::{Bbox, BuildingPt, LAYERS, Layers, Visible, in_bbox};
use crate::Actor;

/// Point layers are aggregated below these zooms (and whenever a tile would hold too many points).
const BUILDING_CLUSTER_BELOW: u8 = 16;
/// Below this zoom buildings are summed per grid before they are clustered.
const GRID_TOTALS_BELOW: u8 = 14;
const POINT_CLUSTER_BELOW: u8 = 14;
const MAX_POINTS_PER_TILE: usize = 4000;

/// What one layer's drawing needs: the snapshot, what the actor sees, the tile and its buffered box.
struct Frame<'a> {
    layers: &'a Layers,
    visible: Visible<'a>,
    proj: TileProj,
    bb: Bbox,
    z: u8,
}

impl Frame<'_> {
    /// Clustered below `below`, and whenever the tile would hold too many points.
    fn cluster(&self, below: u8, points: usize) -> bool {
        self.z < below || points > MAX_POINTS_PER_TILE
    }
}

/// One layer's vector tile.
pub fn tile(layers: &Layers, actor: &Actor, name: &str, z: u8, x: u32, y: u32) -> Option<Vec<u8>> {
    if !LAYERS.contains(&name) || z > 22 || x >= (1u32 << z) || y >= (1u32 << z) {
        return None;
    }
    let f = Frame {
        layers,
        visible: Visible::new(actor, &layers.units),
        proj: TileProj::new(z, x, y),
        bb: buffered_bbox(z, x, y),
        z,
    };
    let mut layer = Layer::new(name);
    match name {
        "divisions" | "grids" => unit_polygons(&mut layer, &f, name == "grids"),
        "buildings" if z < GRID_TOTALS_BELOW && !f.visible.own_records() => building_totals(&mut layer, &f),
        "buildings" => building_points(&mut layer, &f),
        "key_places" | "key_enterprises" => place_points(&mut layer, &f, name),
        "rental_houses" | "overdue_inspections" => rental_points(&mut layer, &f, name == "overdue_inspections"),
        "cameras" => camera_points(&mut layer, &f),
        _ => case_points(&mut layer, &f),
    }
    Some(mvt::encode(&[layer]))
}

fn unit_polygons(layer: &mut Layer, f: &Frame<'_>, want_grid: bool) {
    for u in f.layers.units.in_box(f.bb) {
        if (u.level == "grid") != want_grid || !f.visible.unit(u.id) {
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
        layer.add(Some(u.id as u64), &f.proj.polygons(&u.shape), &props);
    }
}

/// Far out, one weighted point per grid (its buildings' mean position in the tile), then cells: no
/// per-building work beyond a sum.
fn building_totals(layer: &mut Layer, f: &Frame<'_>) {
    let mut pts = Vec::new();
    for g in f
        .layers
        .units
        .in_box(f.bb)
        .filter(|u| u.level == "grid" && f.visible.unit(u.id))
    {
        let Some(list) = f.layers.buildings.get(&g.id) else {
            continue;
        };
        let (mut x, mut y, mut n) = (0.0, 0.0, 0u32);
        for b in list.iter().filter(|b| in_bbox(f.bb, b.lon, b.lat)) {
            x += b.lon;
            y += b.lat;
            n += 1;
        }
        if n > 0 {
            pts.push((x / f64::from(n), y / f64::from(n), n));
        }
    }
    add_totals(layer, &f.proj, pts);
}

fn building_points(layer: &mut Layer, f: &Frame<'_>) {
    let mut pts: Vec<(f64, f64, &BuildingPt)> = Vec::new();
    for g in f.layers.units.in_box(f.bb).filter(|u| u.level == "grid") {
        let Some(list) = f.layers.buildings.get(&g.id) else {
            continue;
        };
        pts.extend(
            list.iter()
                .filter(|b| in_bbox(f.bb, b.lon, b.lat) && f.visible.row(b.grid_id, b.created_by))
                .map(|b| (b.lon, b.lat, b)),
        );
    }
    let cluster = f.cluster(BUILDING_CLUSTER_BELOW, pts.len());
    add_points(layer, &f.proj, cluster, pts, |b| {
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

fn place_points(layer: &mut Layer, f: &Frame<'_>, name: &str) {
    let pts: Vec<_> = f
        .layers
        .places
        .iter()
        .filter(|p| p.layer == name && in_bbox(f.bb, p.lon, p.lat) && f.visible.row(p.unit_id, p.created_by))
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
    let cluster = f.cluster(POINT_CLUSTER_BELOW, pts.len());
    add_points(layer, &f.proj, cluster, pts, |p| p);
}

fn case_points(layer: &mut Layer, f: &Frame<'_>) {
    let now = Utc::now();
    let pts: Vec<_> = f
        .layers
        .cases
        .values()
        .filter(|c| in_bbox(f.bb, c.lon, c.lat) && f.visible.case(c))
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
    let cluster = f.cluster(POINT_CLUSTER_BELOW, pts.len());
    add_points(layer, &f.proj, cluster, pts, |c| c);
}

/// Rental houses at their building's point, with the class, its colour and the due state.
fn rental_points(layer: &mut Layer, f: &Frame<'_>, only_overdue: bool) {
    let today = zongguan_core::time::cst_date(Utc::now());
    let pts: Vec<_> = f
        .layers
        .rental
        .values()
        .filter(|h| in_bbox(f.bb, h.lon, h.lat) && f.visible.rental_house(h) && (!only_overdue || h.overdue(today)))
        .map(|h| {
            let props = vec![
                ("id", Value::Int(h.id)),
                ("room", h.room.clone().into()),
                ("class", h.class_code().to_string().into()),
                ("color", super::features::class_color(h.class_code()).to_string().into()),
                ("overdue", Value::Bool(h.overdue(today))),
            ];
            (h.lon, h.lat, (Some(h.id as u64), props))
        })
        .collect();
    let cluster = f.cluster(POINT_CLUSTER_BELOW, pts.len());
    add_points(layer, &f.proj, cluster, pts, |p| p);
}

fn camera_points(layer: &mut Layer, f: &Frame<'_>) {
    let pts: Vec<_> = f
        .layers
        .cameras
        .iter()
        .filter(|c| in_bbox(f.bb, c.lon, c.lat) && f.visible.camera(c))
        .map(|c| {
            let props = vec![
                ("id", Value::Int(c.id)),
                ("code", c.code.clone().into()),
                ("name", c.name.clone().into()),
                ("kind", c.kind.clone().into()),
                ("status", c.status.clone().into()),
            ];
            (c.lon, c.lat, (Some(c.id as u64), props))
        })
        .collect();
    let cluster = f.cluster(POINT_CLUSTER_BELOW, pts.len());
    add_points(layer, &f.proj, cluster, pts, |p| p);
}
