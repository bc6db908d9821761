//! The item suggestion (★ 推荐): training the model from the items and past cases, and the ranked
//! items for a description and a place — the text's first, then the caller's recent items, then
//! the items reported near the place.
use std::collections::HashMap;

use chrono::{DateTime, TimeDelta, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;
use utoipa::ToSchema;
use zongguan_core::case_keywords;
use zongguan_core::item_suggest::{self, MAX_CASES_PER_ITEM, Model, Reason, Trainer};
use zongguan_core::spatial::distance_m;

use super::access::{now, visible};
use super::routing::routing;
use crate::entity::{case_category, case_item, case_record};
use crate::{Actor, Db, DbError, DbResult};

/// A caller's last reports that "recent" reads.
const RECENT_CASES: u64 = 50;
/// "Nearby": reported within this distance of the place, or in its grid, in the last days.
const NEARBY_METERS: f64 = 300.0;
const NEARBY_DAYS: i64 = 90;
/// At most this many past cases are read around a place.
const NEARBY_ROWS: u64 = 5_000;

/// What the items looked like when a model was trained: it moves with every item edit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemsStamp {
    pub items: i64,
    pub last_edit: Option<DateTime<Utc>>,
}

pub async fn items_stamp(db: &Db) -> DbResult<ItemsStamp> {
    let (items, last_edit): (i64, Option<DateTime<Utc>>) = case_item::Entity::find()
        .select_only()
        .column_as(case_item::Column::Code.count(), "n")
        .column_as(case_item::Column::UpdatedAt.max(), "m")
        .into_tuple()
        .one(&db.conn)
        .await?
        .unwrap_or((0, None));
    Ok(ItemsStamp { items, last_edit })
}

/// How a model is trained.
#[derive(Debug, Clone, Copy)]
pub struct TrainOptions {
    /// The latest past cases read per item.
    pub per_item: u64,
    /// Leave out the cases whose id is a multiple of this (the bench tests on them).
    pub hold_out_every: Option<i64>,
}

impl Default for TrainOptions {
    fn default() -> Self {
        Self {
            per_item: MAX_CASES_PER_ITEM as u64,
            hold_out_every: None,
        }
    }
}

/// What the answer says of an item.
struct Label {
    name: String,
    category_code: String,
    category_name: String,
}

/// A trained model with the names it answers in, and the items' stamp it was trained at.
pub struct Trained {
    pub model: Model,
    pub stamp: ItemsStamp,
    /// Enabled items by code.
    labels: HashMap<String, Label>,
}

/// Trains on the enabled items' names and keywords and the latest past cases of each item.
pub async fn train(db: &Db, o: TrainOptions) -> DbResult<Trained> {
    let stamp = items_stamp(db).await?;
    let categories: HashMap<String, String> = case_category::Entity::find()
        .all(&db.conn)
        .await?
        .into_iter()
        .map(|c| (c.code, c.name))
        .collect();
    let items = case_item::Entity::find()
        .filter(case_item::Column::Enabled.eq(true))
        .order_by_asc(case_item::Column::Code)
        .all(&db.conn)
        .await?;
    let mut texts: Vec<(usize, Vec<String>)> = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let mut q = case_record::Entity::find()
            .select_only()
            .column(case_record::Column::Description)
            .filter(case_record::Column::ItemCode.eq(item.code.as_str()));
        if let Some(n) = o.hold_out_every.filter(|n| *n > 1) {
            q = q.filter(id_multiple_of(n, false));
        }
        let rows: Vec<String> = q
            .order_by_desc(case_record::Column::ReportedAt)
            .limit(o.per_item)
            .into_tuple()
            .all(&db.conn)
            .await?;
        texts.push((i, rows));
    }
    let labels = items
        .iter()
        .map(|i| {
            let label = Label {
                name: i.name.clone(),
                category_code: i.category_code.clone(),
                category_name: categories.get(&i.category_code).cloned().unwrap_or_default(),
            };
            (i.code.clone(), label)
        })
        .collect();
    let model = tokio::task::spawn_blocking(move || {
        let mut t = Trainer::default();
        for i in &items {
            t.item(&i.code, &i.name, &case_keywords::split(&i.keywords));
        }
        for (i, rows) in texts {
            for d in rows {
                t.case(&items[i].code, &d);
            }
        }
        t.finish()
    })
    .await
    .map_err(|e| DbError::Db(sea_orm::DbErr::Custom(format!("training the item suggestion: {e}"))))?;
    Ok(Trained { model, stamp, labels })
}

/// Past cases left out by [`TrainOptions::hold_out_every`]: (item code, description), at most `limit`.
pub async fn held_out_cases(db: &Db, every: i64, limit: u64) -> DbResult<Vec<(String, String)>> {
    Ok(case_record::Entity::find()
        .select_only()
        .column(case_record::Column::ItemCode)
        .column(case_record::Column::Description)
        .filter(id_multiple_of(every.max(2), true))
        .order_by_asc(case_record::Column::Id)
        .limit(limit)
        .into_tuple()
        .all(&db.conn)
        .await?)
}

/// `id % n = 0` (or `<> 0`): the bench's held-out cases.
fn id_multiple_of(n: i64, is: bool) -> sea_orm::sea_query::Expr {
    use sea_orm::sea_query::{Expr, ExprTrait};
    let m = Expr::col((case_record::Entity, case_record::Column::Id)).modulo(n);
    if is { m.eq(0) } else { m.ne(0) }
}

/// Why an item is suggested: the description reads like it, the caller reported it lately, or
/// it was reported often near the place in the last 90 days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum SuggestReason {
    Text,
    Recent,
    Nearby,
}

impl From<Reason> for SuggestReason {
    fn from(r: Reason) -> Self {
        match r {
            Reason::Text => Self::Text,
            Reason::Recent => Self::Recent,
            Reason::Nearby => Self::Nearby,
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ItemSuggestion {
    pub code: String,
    pub name: String,
    pub category_code: String,
    pub category_name: String,
    /// 0–1: the text's posterior, or the item's share of the recent or nearby cases.
    pub score: f32,
    pub reason: SuggestReason,
}

/// A suggestion request, checked at the edge.
#[derive(Debug, Clone, Default)]
pub struct SuggestInput {
    pub text: String,
    /// WGS-84 (lon, lat).
    pub point: Option<(f64, f64)>,
    pub limit: usize,
}

/// The ★ row for a caller: see [`item_suggest::combine`].
pub async fn suggest(db: &Db, actor: &Actor, trained: &Trained, q: &SuggestInput) -> DbResult<Vec<ItemSuggestion>> {
    let known = |code: &str| trained.labels.contains_key(code);
    let text = trained.model.rank(&q.text, q.limit);
    let recent: Vec<(String, f32)> = recent_items(db, actor)
        .await?
        .into_iter()
        .filter(|(c, _)| known(c))
        .collect();
    let nearby: Vec<(String, f32)> = match q.point {
        Some((lon, lat)) => nearby_items(db, actor, lon, lat)
            .await?
            .into_iter()
            .filter(|(c, _)| known(c))
            .collect(),
        None => Vec::new(),
    };
    let row = item_suggest::combine(&text, &borrow(&recent), &borrow(&nearby), q.limit);
    Ok(row
        .into_iter()
        .filter_map(|(code, score, reason)| {
            let l = trained.labels.get(code)?;
            Some(ItemSuggestion {
                code: code.to_string(),
                name: l.name.clone(),
                category_code: l.category_code.clone(),
                category_name: l.category_name.clone(),
                score,
                reason: reason.into(),
            })
        })
        .collect())
}

fn borrow(v: &[(String, f32)]) -> Vec<(&str, f32)> {
    v.iter().map(|(c, s)| (c.as_str(), *s)).collect()
}

/// Counts as (code, share), by `order` then code.
fn shares(counts: Vec<(String, f32, i64)>) -> Vec<(String, f32)> {
    let total: f32 = counts.iter().map(|c| c.1).sum();
    let mut v = counts;
    v.sort_by(|a, b| b.2.cmp(&a.2).then(b.1.total_cmp(&a.1)).then(a.0.cmp(&b.0)));
    v.into_iter()
        .map(|(c, n, _)| (c, if total > 0.0 { n / total } else { 0.0 }))
        .collect()
}

/// The items of the caller's own last reports, the last used first.
async fn recent_items(db: &Db, actor: &Actor) -> DbResult<Vec<(String, f32)>> {
    let Some(uid) = actor.user_id else {
        return Ok(Vec::new());
    };
    let codes: Vec<String> = case_record::Entity::find()
        .select_only()
        .column(case_record::Column::ItemCode)
        .filter(case_record::Column::ReporterUserId.eq(uid))
        .order_by_desc(case_record::Column::ReportedAt)
        .order_by_desc(case_record::Column::Id)
        .limit(RECENT_CASES)
        .into_tuple()
        .all(&db.conn)
        .await?;
    let mut counts: Vec<(String, f32, i64)> = Vec::new();
    for (i, code) in codes.into_iter().enumerate() {
        match counts.iter_mut().find(|c| c.0 == code) {
            Some(c) => c.1 += 1.0,
            // Ordered by last use: the first seen is the latest.
            None => counts.push((code, 1.0, -(i as i64))),
        }
    }
    Ok(shares(counts))
}

/// Items reported in the last 90 days within 300 m of the point (counted twice) or in its grid,
/// among the cases the caller may see. The grids read are those at the point and 300 m around it.
async fn nearby_items(db: &Db, actor: &Actor, lon: f64, lat: f64) -> DbResult<Vec<(String, f32)>> {
    let r = routing(db).await?;
    let here = r.locate(lon, lat);
    let (dlat, dlon) = (
        NEARBY_METERS / 111_320.0,
        NEARBY_METERS / (111_320.0 * lat.to_radians().cos().max(0.1)),
    );
    let mut grids: Vec<i64> = Vec::new();
    for (x, y) in [
        (0.0, 0.0),
        (1.0, 0.0),
        (-1.0, 0.0),
        (0.0, 1.0),
        (0.0, -1.0),
        (0.7, 0.7),
        (0.7, -0.7),
        (-0.7, 0.7),
        (-0.7, -0.7),
    ] {
        if let Some(g) = r.locate(lon + x * dlon, lat + y * dlat)
            && !grids.contains(&g)
        {
            grids.push(g);
        }
    }
    if grids.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<(String, Option<f64>, Option<f64>, i64)> = case_record::Entity::find()
        .select_only()
        .column(case_record::Column::ItemCode)
        .column(case_record::Column::Lon)
        .column(case_record::Column::Lat)
        .column(case_record::Column::GridId)
        .filter(case_record::Column::GridId.is_in(grids))
        .filter(case_record::Column::ReportedAt.gte(now() - TimeDelta::days(NEARBY_DAYS)))
        .filter(visible(&db.conn, actor).await?)
        .order_by_desc(case_record::Column::ReportedAt)
        .limit(NEARBY_ROWS)
        .into_tuple()
        .all(&db.conn)
        .await?;
    let mut counts: HashMap<String, f32> = HashMap::new();
    for (code, clon, clat, grid) in rows {
        let close = matches!((clon, clat), (Some(x), Some(y)) if distance_m(lon, lat, x, y) <= NEARBY_METERS);
        let weight = if close {
            2.0
        } else if Some(grid) == here {
            1.0
        } else {
            0.0
        };
        if weight > 0.0 {
            *counts.entry(code).or_default() += weight;
        }
    }
    Ok(shares(counts.into_iter().map(|(c, n)| (c, n, 0)).collect()))
}
