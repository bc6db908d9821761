//! The demo's geography: the district outline partitioned into subdistricts, communities and
//! grids that nest exactly.
use std::collections::HashMap;

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use zongguan_core::geometry;

use crate::entity::org_unit;
use crate::{Db, DbError, DbResult};

/// Gives every org unit a polygon (subdistricts, communities and grids partition their parent),
/// unless they have one already.
pub async fn geography(db: &Db, outline: &serde_json::Value) -> DbResult<()> {
    let Some(district_shape) = geometry::from_geojson(outline) else {
        return Err(DbError::invalid("outline", "区界不是多边形"));
    };
    let units = org_unit::Entity::find()
        .order_by_asc(org_unit::Column::Sort)
        .order_by_asc(org_unit::Column::Code)
        .all(&db.conn)
        .await?;
    if units.iter().any(|u| u.level == "grid" && u.geometry.is_some()) {
        return Ok(());
    }
    let mut children: HashMap<i64, Vec<&org_unit::Model>> = HashMap::new();
    for u in &units {
        if let Some(p) = u.parent_id {
            children.entry(p).or_default().push(u);
        }
    }
    let Some(root) = units.iter().find(|u| u.level == "district") else {
        return Ok(());
    };
    let mut shapes: Vec<(i64, serde_json::Value)> = vec![(root.id, geometry::to_geojson(&district_shape))];
    let mut queue = vec![(root.id, district_shape)];
    while let Some((id, shape)) = queue.pop() {
        let kids = children.get(&id).cloned().unwrap_or_default();
        if kids.is_empty() {
            continue;
        }
        for (k, part) in kids.iter().zip(geometry::partition(&shape, kids.len())) {
            shapes.push((k.id, geometry::to_geojson(&part)));
            queue.push((k.id, part));
        }
    }
    let txn = db.begin_write().await?;
    for (id, g) in shapes {
        org_unit::Entity::update_many()
            .col_expr(org_unit::Column::Geometry, sea_orm::sea_query::Expr::val(g.to_string()))
            .filter(org_unit::Column::Id.eq(id))
            .exec(&*txn)
            .await?;
    }
    txn.commit().await
}
