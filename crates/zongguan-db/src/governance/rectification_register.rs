//! The rectification register (排查整治登记本): every inspection finding of a month with its
//! rectification, under the caller's scope, in entry order — a page for the screen, every row for
//! the export.
use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDate;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Select};
use serde::Serialize;
use utoipa::ToSchema;
use zongguan_core::governance::screening::Period;
use zongguan_core::rbac::Scope;
use zongguan_core::time::cst_date;

use super::rental::today;
use crate::entity::{building, house, rental_inspection};
use crate::org::unit_names;
use crate::{Db, DbResult, Page, PageReq, scope};

const PLACED: scope::Placed<rental_inspection::Column> = scope::Placed {
    unit: rental_inspection::Column::GridId,
    subdistrict: rental_inspection::Column::SubdistrictId,
    community: rental_inspection::Column::CommunityId,
    owner: Some(rental_inspection::Column::CreatedBy),
};

/// Where a finding's rectification stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RectificationStatus {
    Open,
    Overdue,
    Rectified,
}

impl RectificationStatus {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "open" => Some(Self::Open),
            "overdue" => Some(Self::Overdue),
            "rectified" => Some(Self::Rectified),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Overdue => "overdue",
            Self::Rectified => "rectified",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            Self::Open => "整改中",
            Self::Overdue => "逾期未整改",
            Self::Rectified => "已整改",
        }
    }
}

#[derive(Debug, Clone)]
pub struct RectificationFilter {
    pub org_unit_id: Option<i64>,
    pub month: Period,
    pub status: Option<RectificationStatus>,
}

/// One line of the register, in the columns staff keep on paper.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RectificationRow {
    pub id: i64,
    pub inspected_on: NaiveDate,
    pub house_id: i64,
    /// The building's address and the room.
    pub place: String,
    pub community_name: String,
    pub grid_name: String,
    /// 出租屋巡查 (the register will carry other inspections' findings as they come).
    pub category: String,
    pub findings: String,
    /// 一般隐患 | 重大隐患
    pub level: String,
    pub hazards: i32,
    pub major_hazards: i32,
    pub rectification: String,
    pub rectify_by: Option<NaiveDate>,
    /// `open` | `overdue` | `rectified`
    pub status: String,
    pub status_zh: String,
    pub rectified_on: Option<NaiveDate>,
    pub inspector_name: String,
    pub owner_signature: String,
}

fn query(f: &RectificationFilter, cond: sea_orm::Condition) -> Select<rental_inspection::Entity> {
    let mut q = rental_inspection::Entity::find()
        .filter(cond)
        .filter(rental_inspection::Column::InspectedOn.gte(f.month.start()))
        .filter(rental_inspection::Column::InspectedOn.lte(f.month.end()))
        .filter(rental_inspection::Column::RectifyBy.is_not_null());
    let today = today();
    q = match f.status {
        None => q,
        Some(RectificationStatus::Rectified) => q.filter(rental_inspection::Column::RectifiedAt.is_not_null()),
        Some(RectificationStatus::Open) => q
            .filter(rental_inspection::Column::RectifiedAt.is_null())
            .filter(rental_inspection::Column::RectifyBy.gte(today)),
        Some(RectificationStatus::Overdue) => q
            .filter(rental_inspection::Column::RectifiedAt.is_null())
            .filter(rental_inspection::Column::RectifyBy.lt(today)),
    };
    q
}

async fn rows<C: ConnectionTrait>(c: &C, found: Vec<rental_inspection::Model>) -> DbResult<Vec<RectificationRow>> {
    let house_ids: BTreeSet<i64> = found.iter().map(|r| r.house_id).collect();
    let houses: HashMap<i64, house::Model> = house::Entity::find()
        .filter(house::Column::Id.is_in(house_ids))
        .all(c)
        .await?
        .into_iter()
        .map(|h| (h.id, h))
        .collect();
    let building_ids: BTreeSet<i64> = houses.values().map(|h| h.building_id).collect();
    let buildings: HashMap<i64, String> = building::Entity::find()
        .select_only()
        .column(building::Column::Id)
        .column(building::Column::Address)
        .filter(building::Column::Id.is_in(building_ids))
        .into_tuple::<(i64, String)>()
        .all(c)
        .await?
        .into_iter()
        .collect();
    let unit_ids: BTreeSet<i64> = found
        .iter()
        .flat_map(|r| [Some(r.grid_id), r.community_id])
        .flatten()
        .collect();
    let units = unit_names(c, unit_ids).await?;
    let today = today();
    Ok(found
        .into_iter()
        .map(|r| {
            let status = if r.rectified_at.is_some() {
                RectificationStatus::Rectified
            } else if r.rectify_by.is_some_and(|d| d < today) {
                RectificationStatus::Overdue
            } else {
                RectificationStatus::Open
            };
            let place = houses.get(&r.house_id).map_or(String::new(), |h| {
                format!("{}{}", buildings.get(&h.building_id).map_or("", String::as_str), h.room)
            });
            RectificationRow {
                id: r.id,
                inspected_on: r.inspected_on,
                house_id: r.house_id,
                place,
                community_name: r
                    .community_id
                    .and_then(|id| units.get(&id).cloned())
                    .unwrap_or_default(),
                grid_name: units.get(&r.grid_id).cloned().unwrap_or_default(),
                category: "出租屋巡查".into(),
                level: if r.major_hazards > 0 {
                    "重大隐患"
                } else {
                    "一般隐患"
                }
                .into(),
                findings: r.findings,
                hazards: r.hazards,
                major_hazards: r.major_hazards,
                rectification: r.rectification,
                rectify_by: r.rectify_by,
                status: status.as_str().into(),
                status_zh: status.zh().into(),
                rectified_on: r.rectified_at.map(cst_date),
                inspector_name: r.inspector_name,
                owner_signature: r.owner_signature,
            }
        })
        .collect())
}

/// A page of the register, in entry order.
pub async fn rectification_register(
    db: &Db,
    scope: &Scope,
    f: &RectificationFilter,
    p: PageReq,
) -> DbResult<Page<RectificationRow>> {
    let cond = scope::placed_under(&db.conn, scope, f.org_unit_id, &PLACED).await?;
    let q = query(f, cond);
    // In the register's own order, inspection date then id, read from the partial indexes of
    // m0026 (a month's lines are one range); pages by number, the total capped.
    let (total, total_exact) = crate::listing::capped_count(&db.conn, q.clone(), crate::listing::COUNT_CAP).await?;
    let ids: Vec<i64> = q
        .select_only()
        .column(rental_inspection::Column::Id)
        .order_by_asc(rental_inspection::Column::InspectedOn)
        .order_by_asc(rental_inspection::Column::Id)
        .offset(p.offset())
        .limit(p.page_size)
        .into_tuple()
        .all(&db.conn)
        .await?;
    let found = rental_inspection::Entity::find()
        .filter(rental_inspection::Column::Id.is_in(ids.clone()))
        .all(&db.conn)
        .await?;
    let found = crate::listing::in_order(&ids, found, |r| r.id);
    Ok(Page {
        items: rows(&db.conn, found).await?,
        total,
        total_exact,
        next: None,
        prev: None,
    })
}

/// Every row of the register in entry order, a batch at a time (the export).
pub async fn each_rectification_row(
    db: &Db,
    scope: &Scope,
    f: &RectificationFilter,
    mut each: impl FnMut(&RectificationRow) -> DbResult<()>,
) -> DbResult<u64> {
    const BATCH: u64 = 2000;
    let cond = scope::placed_under(&db.conn, scope, f.org_unit_id, &PLACED).await?;
    let mut after: Option<(chrono::NaiveDate, i64)> = None;
    let mut n = 0;
    loop {
        let mut q = query(f, cond.clone());
        if let Some((day, id)) = after {
            q = q.filter(
                sea_orm::Condition::any()
                    .add(rental_inspection::Column::InspectedOn.gt(day))
                    .add(
                        sea_orm::Condition::all()
                            .add(rental_inspection::Column::InspectedOn.eq(day))
                            .add(rental_inspection::Column::Id.gt(id)),
                    ),
            );
        }
        let found = q
            .order_by_asc(rental_inspection::Column::InspectedOn)
            .order_by_asc(rental_inspection::Column::Id)
            .limit(BATCH)
            .all(&db.conn)
            .await?;
        let Some(last) = found.last().map(|r| (r.inspected_on, r.id)) else {
            return Ok(n);
        };
        let full = found.len() as u64 == BATCH;
        for r in rows(&db.conn, found).await? {
            each(&r)?;
            n += 1;
        }
        if !full {
            return Ok(n);
        }
        after = Some(last);
    }
}
