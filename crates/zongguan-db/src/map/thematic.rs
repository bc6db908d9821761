//! Thematic maps (a value per unit, quantile classes) and the case heatmap.
use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
use serde::Serialize;
use utoipa::ToSchema;
use zongguan_core::thematic::{per_100, quantile_breaks};

use super::{UnitShape, Visible};
use crate::entity::case_record;
use crate::{Actor, Db, DbResult};

pub const METRICS: [(&str, &str, &str); 7] = [
    ("residents", "实有人口", "人"),
    ("migrant_share", "流动人口占比", "%"),
    ("rental_per_100", "每百户出租屋", "套"),
    ("open_cases", "在办事件", "件"),
    ("overdue_cases", "超期事件", "件"),
    ("overdue_inspections", "巡查超期出租屋", "套"),
    ("rental_by_class", "严管级和禁止级（橙色、红色）出租屋占比", "%"),
];

/// The metrics drawn from rental houses (they need `rental:read`).
pub const RENTAL_METRICS: [&str; 2] = ["overdue_inspections", "rental_by_class"];

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ThematicValue {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub value: f64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Thematic {
    pub level: String,
    pub metric: String,
    pub title: String,
    pub unit: String,
    pub values: Vec<ThematicValue>,
    /// Class limits, lowest first: `classes + 1` numbers (fewer when values repeat).
    pub breaks: Vec<f64>,
}

/// Grids or communities coloured by a metric.
pub async fn thematic(db: &Db, actor: &Actor, level: &str, metric: &str, classes: usize) -> DbResult<Thematic> {
    let Some((_, title, unit)) = METRICS.iter().find(|m| m.0 == metric) else {
        return Err(crate::DbError::invalid(
            "metric",
            format!("专题指标须为 {}", METRICS.map(|m| m.0).join("、")),
        ));
    };
    if !matches!(level, "grid" | "community" | "subdistrict") {
        return Err(crate::DbError::invalid(
            "level",
            "层级须为 grid、community 或 subdistrict",
        ));
    }
    let layers = db.map.layers(db).await?;
    let visible = Visible::new(actor, &layers.units);
    let targets: Vec<&UnitShape> = layers
        .units
        .list
        .iter()
        .filter(|u| u.level == level && visible.unit(u.id))
        .collect();
    // Sum over each target's subtree by walking every counted unit's path upwards.
    let paths: HashMap<i64, &str> = layers.units.list.iter().map(|u| (u.id, u.path.as_str())).collect();
    let target_ids: HashSet<i64> = targets.iter().map(|u| u.id).collect();
    let ancestors = |unit: i64| -> Vec<i64> {
        paths
            .get(&unit)
            .map(|p| {
                p.split('/')
                    .filter_map(|s| s.parse::<i64>().ok())
                    .filter(|a| target_ids.contains(a))
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut num: HashMap<i64, f64> = HashMap::new();
    let mut den: HashMap<i64, f64> = HashMap::new();
    match metric {
        "residents" | "migrant_share" | "rental_per_100" => {
            db.stats
                .with(db, |units| {
                    for (uid, c) in units {
                        let (n, d) = match metric {
                            "residents" => (c.residents() as f64, 1.0),
                            "migrant_share" => (
                                c.people
                                    .iter()
                                    .filter(|((t, _), _)| t == "migrant")
                                    .map(|(_, (d, u))| d.len() as f64 + *u as f64)
                                    .sum(),
                                c.residents() as f64,
                            ),
                            _ => (
                                c.houses.iter().filter(|((_, r), _)| *r).map(|(_, n)| *n as f64).sum(),
                                c.houses.values().sum::<u64>() as f64,
                            ),
                        };
                        for a in ancestors(*uid) {
                            *num.entry(a).or_default() += n;
                            *den.entry(a).or_default() += d;
                        }
                    }
                })
                .await?;
        }
        "overdue_inspections" | "rental_by_class" => {
            let today = zongguan_core::time::cst_date(Utc::now());
            for h in layers.rental.values().filter(|h| visible.rental_house(h)) {
                let n = if metric == "overdue_inspections" {
                    f64::from(u8::from(h.overdue(today)))
                } else {
                    f64::from(u8::from(matches!(h.class_code(), "orange" | "red")))
                };
                for a in ancestors(h.grid_id) {
                    *num.entry(a).or_default() += n;
                    *den.entry(a).or_default() += 1.0;
                }
            }
        }
        _ => {
            let now = Utc::now();
            for c in layers
                .cases
                .values()
                .filter(|c| visible.case(c) && (metric == "open_cases" || c.overdue(now)))
            {
                for a in ancestors(c.grid_id) {
                    *num.entry(a).or_default() += 1.0;
                }
            }
        }
    }
    let values: Vec<ThematicValue> = targets
        .iter()
        .map(|u| {
            let n = num.get(&u.id).copied().unwrap_or(0.0);
            let value = match metric {
                "migrant_share" | "rental_per_100" | "rental_by_class" => {
                    per_100(n, den.get(&u.id).copied().unwrap_or(0.0))
                }
                _ => n,
            };
            ThematicValue {
                id: u.id,
                code: u.code.clone(),
                name: u.name.clone(),
                value,
            }
        })
        .collect();
    let breaks = quantile_breaks(&values.iter().map(|v| v.value).collect::<Vec<_>>(), classes);
    Ok(Thematic {
        level: level.into(),
        metric: metric.into(),
        title: (*title).into(),
        unit: (*unit).into(),
        values,
        breaks,
    })
}

// ---------- heatmap ----------

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Heat {
    /// `[lon, lat, weight]`, cases binned in cells of about 100 m.
    pub points: Vec<[f64; 3]>,
    pub max: u64,
    pub total: u64,
}

/// Cases reported in `[from, to)` (any state), binned for a heatmap.
pub async fn heat(
    db: &Db,
    actor: &Actor,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    item_code: Option<&str>,
) -> DbResult<Heat> {
    let layers = db.map.layers(db).await?;
    let visible = Visible::new(actor, &layers.units);
    let mut q = case_record::Entity::find()
        .filter(case_record::Column::ReportedAt.gte(from))
        .filter(case_record::Column::ReportedAt.lt(to))
        .filter(case_record::Column::Lon.is_not_null());
    if let Some(i) = item_code.filter(|s| !s.is_empty()) {
        q = q.filter(case_record::Column::ItemCode.eq(i));
    }
    type Row = (Option<f64>, Option<f64>, i64, Option<i64>, Option<i64>);
    let rows: Vec<Row> = q
        .select_only()
        .columns([
            case_record::Column::Lon,
            case_record::Column::Lat,
            case_record::Column::GridId,
            case_record::Column::DepartmentId,
            case_record::Column::ReporterUserId,
        ])
        .into_tuple()
        .all(&db.conn)
        .await?;
    const CELL: f64 = 0.001;
    let mut bins: HashMap<(i64, i64), (f64, f64, u64)> = HashMap::new();
    let mut total = 0;
    for (lon, lat, grid_id, department_id, reporter_user_id) in rows {
        let (Some(lon), Some(lat)) = (lon, lat) else { continue };
        if !visible.case_of(grid_id, department_id, reporter_user_id) {
            continue;
        }
        total += 1;
        let e = bins
            .entry(((lon / CELL).floor() as i64, (lat / CELL).floor() as i64))
            .or_insert((0.0, 0.0, 0));
        e.0 += lon;
        e.1 += lat;
        e.2 += 1;
    }
    let max = bins.values().map(|b| b.2).max().unwrap_or(0);
    let points = bins
        .into_values()
        .map(|(x, y, n)| [x / n as f64, y / n as f64, n as f64])
        .collect();
    Ok(Heat { points, max, total })
}
