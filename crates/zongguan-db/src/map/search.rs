//! Search by name, code or address, to fly to an area, a building or a place.

use geo::BoundingRect;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
use serde::Serialize;
use utoipa::ToSchema;

use super::Visible;
use crate::entity::building;
use crate::{Actor, Db, DbResult};

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SearchHit {
    pub layer: String,
    pub id: i64,
    pub label: String,
    pub lon: f64,
    pub lat: f64,
    /// The shape's box for areas; none for points.
    pub bbox: Option<[f64; 4]>,
}

/// Org units by name or code, buildings by code, name or address, key places and enterprises by name.
pub async fn search(db: &Db, actor: &Actor, q: &str, limit: usize) -> DbResult<Vec<SearchHit>> {
    use geo::Centroid;
    let q = q.trim();
    if q.is_empty() {
        return Ok(vec![]);
    }
    let layers = db.map.layers(db).await?;
    let visible = Visible::new(actor, &layers.units);
    let mut hits = Vec::new();
    for u in layers
        .units
        .list
        .iter()
        .filter(|u| visible.unit(u.id) && (u.name.contains(q) || u.code.starts_with(q)))
        .take(limit)
    {
        let (Some(r), Some(c)) = (u.shape.bounding_rect(), u.shape.centroid()) else {
            continue;
        };
        let layer = if u.level == "grid" { "grids" } else { "divisions" };
        hits.push(SearchHit {
            layer: layer.into(),
            id: u.id,
            label: format!("{} {}", u.name, u.code),
            lon: c.x(),
            lat: c.y(),
            bbox: Some([r.min().x, r.min().y, r.max().x, r.max().y]),
        });
    }
    type Found = (i64, String, String, String, f64, f64, i64, Option<i64>);
    let found: Vec<Found> = building::Entity::find()
        .select_only()
        .columns([
            building::Column::Id,
            building::Column::Code,
            building::Column::Name,
            building::Column::Address,
            building::Column::Lon,
            building::Column::Lat,
            building::Column::GridId,
            building::Column::CreatedBy,
        ])
        .filter(building::Column::Id.in_subquery(crate::registry::buildings_matching(db, q)))
        .limit(limit as u64 * 4)
        .into_tuple()
        .all(&db.conn)
        .await?;
    for (id, code, name, address, lon, lat, ..) in found.into_iter().filter(|b| visible.row(b.6, b.7)).take(limit) {
        hits.push(SearchHit {
            layer: "buildings".into(),
            id,
            label: format!("{name}（{code}）{address}"),
            lon,
            lat,
            bbox: None,
        });
    }
    for p in layers
        .places
        .iter()
        .filter(|p| p.name.contains(q) && visible.row(p.unit_id, p.created_by))
        .take(limit)
    {
        hits.push(SearchHit {
            layer: p.layer.into(),
            id: p.id,
            label: p.name.clone(),
            lon: p.lon,
            lat: p.lat,
            bbox: None,
        });
    }
    Ok(hits)
}
