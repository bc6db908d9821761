//! The governance layers in memory: rental houses at their building's point (read incrementally
//! by `house.updated_at`, so a classification or an inspection shows at once) and cameras
//! (reloaded when their row signature moves; they are few).
use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, Statement};

use crate::entity::{building, house};
use crate::{Db, DbResult};

#[derive(Debug, Clone)]
pub struct RentalPt {
    pub id: i64,
    pub building_id: i64,
    pub grid_id: i64,
    pub lon: f64,
    pub lat: f64,
    pub room: String,
    /// The confirmed class's code; None when unclassified.
    pub class: Option<String>,
    pub next_due_on: Option<NaiveDate>,
    pub created_by: Option<i64>,
}

impl RentalPt {
    /// Past its next inspection day (never scheduled counts as overdue, as on the rental list).
    pub fn overdue(&self, today: NaiveDate) -> bool {
        self.next_due_on.is_none_or(|d| d < today)
    }
    /// The class code, `unclassified` when none is confirmed.
    pub fn class_code(&self) -> &str {
        self.class.as_deref().unwrap_or("unclassified")
    }
}

#[derive(Debug, Clone)]
pub struct CameraPt {
    pub id: i64,
    pub grid_id: i64,
    pub lon: f64,
    pub lat: f64,
    pub code: String,
    pub name: String,
    pub kind: String,
    pub status: String,
    pub created_by: Option<i64>,
}

#[derive(Default)]
pub(super) struct GovState {
    rental_since: Option<DateTime<Utc>>,
    cameras_sig: Option<String>,
}

/// Rental houses: every one on the first read, then the houses changed since (with an overlap,
/// as a transaction may commit a little after the time it stamped); a house no longer let leaves.
pub(super) async fn refresh_rental(
    db: &Db,
    st: &mut GovState,
    rental: &mut Arc<HashMap<i64, RentalPt>>,
) -> DbResult<()> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
    let c = &db.conn;
    let mut q = house::Entity::find();
    q = match st.rental_since {
        None => q.filter(house::Column::IsRental.eq(true)),
        Some(t) => q.filter(house::Column::UpdatedAt.gte(t - Duration::seconds(5))),
    };
    type Row = (
        i64,
        i64,
        i64,
        String,
        bool,
        Option<String>,
        Option<NaiveDate>,
        Option<i64>,
        DateTime<Utc>,
    );
    let rows: Vec<Row> = q
        .select_only()
        .columns([
            house::Column::Id,
            house::Column::BuildingId,
            house::Column::GridId,
            house::Column::Room,
            house::Column::IsRental,
            house::Column::RentalRiskClass,
            house::Column::NextDueOn,
            house::Column::CreatedBy,
            house::Column::UpdatedAt,
        ])
        .into_tuple()
        .all(c)
        .await?;
    let first = st.rental_since.is_none();
    if !first && rows.is_empty() {
        return Ok(());
    }
    let mut points: HashMap<i64, (f64, f64)> = HashMap::new();
    let bids: std::collections::BTreeSet<i64> = rows.iter().filter(|r| r.4).map(|r| r.1).collect();
    let bids: Vec<i64> = bids.into_iter().collect();
    for part in bids.chunks(5000) {
        let pts: Vec<(i64, f64, f64)> = building::Entity::find()
            .select_only()
            .columns([building::Column::Id, building::Column::Lon, building::Column::Lat])
            .filter(building::Column::Id.is_in(part.to_vec()))
            .into_tuple()
            .all(c)
            .await?;
        points.extend(pts.into_iter().map(|(id, x, y)| (id, (x, y))));
    }
    let mut newest = st.rental_since;
    let map = Arc::make_mut(rental);
    for (id, building_id, grid_id, room, is_rental, class, next_due_on, created_by, updated) in rows {
        newest = newest.max(Some(updated));
        let Some((lon, lat)) = points.get(&building_id).copied().filter(|_| is_rental) else {
            map.remove(&id);
            continue;
        };
        map.insert(
            id,
            RentalPt {
                id,
                building_id,
                grid_id,
                lon,
                lat,
                room,
                class,
                next_due_on,
                created_by,
            },
        );
    }
    st.rental_since = Some(newest.unwrap_or_else(Utc::now));
    Ok(())
}

pub(super) async fn refresh_cameras(db: &Db, st: &mut GovState, cameras: &mut Arc<Vec<CameraPt>>) -> DbResult<()> {
    use sea_orm::EntityTrait;
    let c = &db.conn;
    let sig_sql = "SELECT COUNT(*) AS a, MAX(updated_at) AS b, MAX(id) AS c FROM camera";
    let sig = match c
        .query_one_raw(Statement::from_string(c.get_database_backend(), sig_sql))
        .await?
    {
        Some(r) => format!(
            "{:?}/{:?}/{:?}",
            r.try_get::<i64>("", "a").ok(),
            r.try_get::<Option<DateTime<Utc>>>("", "b").ok().flatten(),
            r.try_get::<Option<i64>>("", "c").ok().flatten()
        ),
        None => String::new(),
    };
    if st.cameras_sig.as_deref() == Some(sig.as_str()) {
        return Ok(());
    }
    let list = crate::entity::camera::Entity::find()
        .all(c)
        .await?
        .into_iter()
        .map(|m| CameraPt {
            id: m.id,
            grid_id: m.grid_id,
            lon: m.lon,
            lat: m.lat,
            code: m.code,
            name: m.name,
            kind: m.kind,
            status: m.status,
            created_by: m.created_by,
        })
        .collect();
    *cameras = Arc::new(list);
    st.cameras_sig = Some(sig);
    Ok(())
}
