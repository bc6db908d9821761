//! GeoJSON features in a small box, and one feature with what its popup shows.
use std::collections::HashSet;

use chrono::Utc;
use sea_orm::EntityTrait;
use zongguan_core::geometry;
use zongguan_core::rbac::Scope;

use super::index::overdue;
use super::{Bbox, LAYERS, Layers, Visible, in_bbox};
use crate::entity::{building, case_record, key_enterprise, key_place};
use crate::{Actor, Db, DbResult};

pub const MAX_FEATURES: usize = 5000;

/// A GeoJSON FeatureCollection of one layer inside the box (at most [`MAX_FEATURES`]).
pub fn features(layers: &Layers, actor: &Actor, name: &str, bb: Bbox) -> Option<serde_json::Value> {
    use serde_json::json;
    let visible = Visible::new(actor, &layers.units);
    let point = |lon: f64, lat: f64| json!({"type": "Point", "coordinates": [lon, lat]});
    let mut out: Vec<serde_json::Value> = Vec::new();
    match name {
        "divisions" | "grids" => {
            for u in layers
                .units
                .in_box(bb)
                .filter(|u| (u.level == "grid") == (name == "grids") && visible.unit(u.id))
            {
                out.push(json!({"type": "Feature", "id": u.id, "geometry": geometry::to_geojson(&u.shape),
                    "properties": {"id": u.id, "level": u.level, "code": u.code, "name": u.name, "parent_id": u.parent_id}}));
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
                    out.push(json!({"type": "Feature", "id": b.id, "geometry": point(b.lon, b.lat),
                        "properties": {"id": b.id, "code": &*b.code, "name": &*b.name, "use_type": &*b.use_type, "grid_id": b.grid_id}}));
                }
            }
        }
        "key_places" | "key_enterprises" => {
            for p in layers
                .places
                .iter()
                .filter(|p| p.layer == name && in_bbox(bb, p.lon, p.lat) && visible.row(p.unit_id, p.created_by))
            {
                out.push(json!({"type": "Feature", "id": p.id, "geometry": point(p.lon, p.lat), "properties": {"id": p.id, "name": p.name, "kind": p.kind}}));
            }
        }
        "cases" => {
            let now = Utc::now();
            for c in layers
                .cases
                .values()
                .filter(|c| in_bbox(bb, c.lon, c.lat) && visible.case(c))
            {
                out.push(json!({"type": "Feature", "id": c.id, "geometry": point(c.lon, c.lat),
                    "properties": {"id": c.id, "code": c.code, "state": c.state, "item_code": c.item_code, "overdue": c.overdue(now)}}));
            }
        }
        _ => return None,
    }
    let truncated = out.len() > MAX_FEATURES;
    out.truncate(MAX_FEATURES);
    Some(json!({"type": "FeatureCollection", "features": out, "truncated": truncated}))
}

/// One feature with the fields a popup shows (personal data masked), or NotFound when the record
/// is missing or outside the actor's scope.
pub async fn feature_detail(db: &Db, actor: &Actor, name: &str, id: i64) -> DbResult<serde_json::Value> {
    use serde_json::json;
    use zongguan_core::dict;
    let layers = db.map.layers(db).await?;
    let visible = Visible::new(actor, &layers.units);
    let c = &db.conn;
    let point = |lon: f64, lat: f64| json!({"type": "Point", "coordinates": [lon, lat]});
    let unit_name = |id: i64| layers.units.get(id).map(|u| u.name.clone()).unwrap_or_default();
    let (geometry, props) = match name {
        "divisions" | "grids" => {
            let u = layers
                .units
                .get(id)
                .filter(|u| visible.unit(u.id))
                .ok_or(crate::DbError::NotFound)?;
            // The unit and everything below it.
            let below: HashSet<i64> = layers
                .units
                .list
                .iter()
                .filter(|x| x.path.starts_with(&u.path))
                .map(|x| x.id)
                .collect();
            let (residents, buildings, houses, rental) = db
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
            let mut p = json!({"id": u.id, "code": u.code, "name": u.name, "level": u.level,
                "parent_name": u.parent_id.map(unit_name), "residents": residents, "buildings": buildings, "houses": houses, "rental_houses": rental,
                "link": format!("/org/units?id={}", u.id)});
            if u.level == "grid" {
                let workers = crate::org::grid_workers(db, &Scope::All, u.id)
                    .await
                    .map(|w| w.into_iter().map(|s| s.name).collect::<Vec<_>>())
                    .unwrap_or_default();
                p["grid_workers"] = json!(workers.join("、"));
            }
            (geometry::to_geojson(&u.shape), p)
        }
        "buildings" => {
            let b = building::Entity::find_by_id(id)
                .one(c)
                .await?
                .ok_or(crate::DbError::NotFound)?;
            if !visible.row(b.grid_id, b.created_by) {
                return Err(crate::DbError::NotFound);
            }
            let counts = db.map.building_counts(db, &[b.grid_id]).await?;
            let bc = counts
                .get(&b.grid_id)
                .and_then(|m| m.get(&b.id))
                .cloned()
                .unwrap_or_default();
            (
                point(b.lon, b.lat),
                json!({"id": b.id, "code": b.code, "name": b.name, "address": b.address, "floors": b.floors,
                    "use_type": dict::word_of(dict::USE_TYPES, &b.use_type), "grid_name": unit_name(b.grid_id),
                    "residents": bc.residents, "migrants": bc.migrants(),
                    "houses": bc.houses, "rental_houses": bc.rental_houses, "link": format!("/registry/buildings?id={}", b.id)}),
            )
        }
        "key_places" => {
            let p = key_place::Entity::find_by_id(id)
                .one(c)
                .await?
                .ok_or(crate::DbError::NotFound)?;
            if !visible.row(p.org_unit_id, p.created_by) {
                return Err(crate::DbError::NotFound);
            }
            (
                p.lon
                    .zip(p.lat)
                    .map(|(x, y)| point(x, y))
                    .unwrap_or(serde_json::Value::Null),
                json!({"id": p.id, "name": p.name, "place_type": dict::word_of(dict::PLACE_TYPES, &p.place_type), "address": p.address,
                    "owner": p.owner, "person_in_charge": p.person_in_charge, "phone": p.phone_masked, "unit_name": unit_name(p.org_unit_id),
                    "link": format!("/registry/key-places?id={}", p.id)}),
            )
        }
        "key_enterprises" => {
            let p = key_enterprise::Entity::find_by_id(id)
                .one(c)
                .await?
                .ok_or(crate::DbError::NotFound)?;
            if !visible.row(p.org_unit_id, p.created_by) {
                return Err(crate::DbError::NotFound);
            }
            (
                p.lon
                    .zip(p.lat)
                    .map(|(x, y)| point(x, y))
                    .unwrap_or(serde_json::Value::Null),
                json!({"id": p.id, "name": p.name, "industry": dict::word_of(dict::INDUSTRIES, &p.industry), "hazard_class": p.hazard_class,
                    "staff_count": p.staff_count, "address": p.address, "person_in_charge": p.person_in_charge, "phone": p.phone_masked,
                    "unit_name": unit_name(p.org_unit_id), "link": format!("/registry/key-enterprises?id={}", p.id)}),
            )
        }
        "cases" => {
            let k = case_record::Entity::find_by_id(id)
                .one(c)
                .await?
                .ok_or(crate::DbError::NotFound)?;
            if !visible.case_of(k.grid_id, k.department_id, k.reporter_user_id) {
                return Err(crate::DbError::NotFound);
            }
            let item = crate::entity::case_item::Entity::find_by_id(k.item_code.clone())
                .one(c)
                .await?
                .map(|i| i.name)
                .unwrap_or_default();
            let state_label = zongguan_core::case_flow::CaseState::parse(&k.state)
                .map(|s| s.zh())
                .unwrap_or("");
            (
                k.lon
                    .zip(k.lat)
                    .map(|(x, y)| point(x, y))
                    .unwrap_or(serde_json::Value::Null),
                json!({"id": k.id, "code": k.code, "item_name": item, "state": k.state, "state_label": state_label,
                    "deadline_at": k.deadline_at.map(|d| d.with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).expect("UTC+8")).format("%Y-%m-%d %H:%M").to_string()),
                    "overdue": !k.state.eq("closed") && overdue(k.deadline_at, k.paused, Utc::now()), "address": k.address, "grid_name": unit_name(k.grid_id),
                    "link": format!("/cases/{}", k.id)}),
            )
        }
        _ => {
            return Err(crate::DbError::invalid(
                "layer",
                format!("图层须为 {}", LAYERS.join("、")),
            ));
        }
    };
    Ok(json!({"type": "Feature", "id": id, "geometry": geometry, "properties": props}))
}
