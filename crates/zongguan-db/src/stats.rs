//! Registry counts per org unit, kept in memory and recomputed only for the units whose
//! `stat_version` moved (triggers bump it in every writer's transaction), so district-wide
//! dashboards answer in milliseconds while staying exact.
use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};

use crate::entity::{building, house, resident};
use crate::{Db, DbResult};

/// Above this many changed units one full pass beats many `IN (…)` lists.
const FULL_PASS: usize = 400;

/// The counts of one org unit (its own rows, not its subtree).
#[derive(Debug, Default, Clone)]
pub struct UnitCounts {
    /// (registration type, gender) → birth dates as days from the common era, sorted; and how
    /// many have no birth date. Sorted dates turn any age band into two binary searches.
    pub people: HashMap<(String, String), (Vec<i32>, u64)>,
    /// How many residents carry each special-group tag.
    pub special_groups: HashMap<String, u64>,
    /// (use, is rental) → houses.
    pub houses: HashMap<(String, bool), u64>,
    pub buildings: u64,
}

impl UnitCounts {
    pub fn residents(&self) -> u64 {
        self.people.values().map(|(d, u)| d.len() as u64 + u).sum()
    }
    /// Residents born after `after` and on or before `until` (days from CE), any type.
    pub fn born_between(births: &[i32], after: i32, until: i32) -> u64 {
        let lo = births.partition_point(|&d| d <= after);
        let hi = births.partition_point(|&d| d <= until);
        hi.saturating_sub(lo) as u64
    }
}

pub fn day_number(d: NaiveDate) -> i32 {
    d.num_days_from_ce()
}

#[derive(Default)]
struct Inner {
    versions: HashMap<i64, i64>,
    units: HashMap<i64, UnitCounts>,
}

/// Shared by all clones of [`Db`].
#[derive(Default)]
pub struct StatsCache {
    inner: tokio::sync::Mutex<Inner>,
}

impl StatsCache {
    /// Brings the cache up to date and runs `f` over the counts of every unit.
    pub async fn with<T>(&self, db: &Db, f: impl FnOnce(&HashMap<i64, UnitCounts>) -> T) -> DbResult<T> {
        let mut inner = self.inner.lock().await;
        refresh(db, &mut inner).await?;
        Ok(f(&inner.units))
    }
}

async fn refresh(db: &Db, inner: &mut Inner) -> DbResult<()> {
    let c = &db.conn;
    let versions: Vec<(i64, i64)> = crate::entity::stat_version::Entity::find().select_only().columns([crate::entity::stat_version::Column::OrgUnitId, crate::entity::stat_version::Column::Version]).into_tuple().all(c).await?;
    let changed: Vec<i64> = versions.iter().filter(|(u, v)| inner.versions.get(u) != Some(v)).map(|(u, _)| *u).collect();
    if changed.is_empty() {
        return Ok(());
    }
    // Read the rows after the versions: a write committed in between is counted now and
    // recounted next time (its version is newer than the one stored), never lost.
    let full = changed.len() > FULL_PASS;
    let mut fresh: HashMap<i64, UnitCounts> = changed.iter().map(|u| (*u, UnitCounts::default())).collect();
    for part in if full { vec![Vec::new()] } else { changed.chunks(200).map(|c| c.to_vec()).collect() } {
        let mut q = resident::Entity::find().select_only().columns([resident::Column::OrgUnitId, resident::Column::RegistrationType, resident::Column::Gender, resident::Column::BirthDate, resident::Column::SpecialGroups]);
        if !full {
            q = q.filter(resident::Column::OrgUnitId.is_in(part.clone()));
        }
        let rows: Vec<(i64, String, String, Option<NaiveDate>, String)> = q.into_tuple().all(c).await?;
        for (unit, reg, gender, birth, special) in rows {
            let Some(u) = fresh.get_mut(&unit) else { continue };
            let e = u.people.entry((reg, gender)).or_default();
            match birth {
                Some(b) => e.0.push(day_number(b)),
                None => e.1 += 1,
            }
            if !special.is_empty() {
                for g in special.split(',').filter(|g| !g.is_empty()) {
                    *u.special_groups.entry(g.to_string()).or_default() += 1;
                }
            }
        }
        let mut q = house::Entity::find().select_only().columns([house::Column::GridId, house::Column::UseType, house::Column::IsRental]).column_as(house::Column::Id.count(), "n").group_by(house::Column::GridId).group_by(house::Column::UseType).group_by(house::Column::IsRental);
        if !full {
            q = q.filter(house::Column::GridId.is_in(part.clone()));
        }
        let rows: Vec<(i64, String, bool, i64)> = q.into_tuple().all(c).await?;
        for (unit, use_type, rental, n) in rows {
            if let Some(u) = fresh.get_mut(&unit) {
                *u.houses.entry((use_type, rental)).or_default() += n as u64;
            }
        }
        let mut q = building::Entity::find().select_only().column(building::Column::GridId).column_as(building::Column::Id.count(), "n").group_by(building::Column::GridId);
        if !full {
            q = q.filter(building::Column::GridId.is_in(part));
        }
        let rows: Vec<(i64, i64)> = q.into_tuple().all(c).await?;
        for (unit, n) in rows {
            if let Some(u) = fresh.get_mut(&unit) {
                u.buildings += n as u64;
            }
        }
    }
    for u in fresh.values_mut() {
        for (dates, _) in u.people.values_mut() {
            dates.sort_unstable();
        }
    }
    let now: HashMap<i64, i64> = versions.into_iter().collect();
    for u in changed {
        if let Some(v) = now.get(&u) {
            inner.versions.insert(u, *v);
        }
        if let Some(counts) = fresh.remove(&u) {
            inner.units.insert(u, counts);
        }
    }
    Ok(())
}
