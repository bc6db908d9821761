//! Registry counts per org unit, kept in memory and recomputed only for the units whose
//! `stat_version` moved (triggers bump it in every writer's transaction), so district-wide
//! dashboards answer in milliseconds while staying exact.
use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Statement};

use crate::entity::{building, house};
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
    /// Residents with at least one special-group tag.
    pub special_residents: u64,
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

/// `YYYY-MM-DD` as a day number, without a general date parser (millions of them on a cold start).
fn parse_day(s: &str) -> Option<i32> {
    let b = s.as_bytes();
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| s.get(r)?.parse::<u32>().ok();
    NaiveDate::from_ymd_opt(num(0..4)? as i32, num(5..7)?, num(8..10)?).map(day_number)
}

#[derive(Default)]
struct Inner {
    /// The sum and count of every unit's version when last read: versions only grow, so an equal
    /// pair means nothing moved and the per-unit read is skipped.
    seen: Option<(i64, i64)>,
    versions: HashMap<i64, i64>,
    units: HashMap<i64, UnitCounts>,
}

/// Shared by all clones of [`Db`].
#[derive(Default)]
pub struct StatsCache {
    inner: tokio::sync::Mutex<Inner>,
    /// Set once every unit has been counted: before that a list's total is counted in SQL
    /// rather than waiting behind the first full pass.
    warm: std::sync::atomic::AtomicBool,
}

/// Which residents to count: by registration type, gender and birth days `(after, until]`.
#[derive(Debug, Default, Clone, Copy)]
pub struct PeopleFilter<'a> {
    pub registration_type: Option<&'a str>,
    pub gender: Option<&'a str>,
    pub born: Option<(i32, i32)>,
}

impl UnitCounts {
    /// The unit's residents that `f` selects.
    pub fn people_matching(&self, f: &PeopleFilter<'_>) -> u64 {
        self.people
            .iter()
            .filter(|((reg, gender), _)| {
                f.registration_type.is_none_or(|r| r == reg) && f.gender.is_none_or(|g| g == gender)
            })
            .map(|(_, (births, unknown))| match f.born {
                None => births.len() as u64 + unknown,
                Some((after, until)) => Self::born_between(births, after, until),
            })
            .sum()
    }
}

impl StatsCache {
    /// Like [`StatsCache::with`] once the counters are warm; `None` before (the caller counts).
    pub async fn with_warm<T>(&self, db: &Db, f: impl FnOnce(&HashMap<i64, UnitCounts>) -> T) -> DbResult<Option<T>> {
        if !self.warm.load(std::sync::atomic::Ordering::Acquire) {
            return Ok(None);
        }
        self.with(db, f).await.map(Some)
    }

    /// Brings the cache up to date and runs `f` over the counts of every unit.
    pub async fn with<T>(&self, db: &Db, f: impl FnOnce(&HashMap<i64, UnitCounts>) -> T) -> DbResult<T> {
        let mut inner = self.inner.lock().await;
        refresh(db, &mut inner).await?;
        self.warm.store(true, std::sync::atomic::Ordering::Release);
        Ok(f(&inner.units))
    }
}

async fn refresh(db: &Db, inner: &mut Inner) -> DbResult<()> {
    let c = &db.conn;
    let row = c
        .query_one_raw(Statement::from_string(
            c.get_database_backend(),
            "SELECT CAST(COALESCE(SUM(version), 0) AS BIGINT) AS s, COUNT(*) AS n FROM stat_version",
        ))
        .await?;
    let seen = match row {
        Some(r) => Some((r.try_get::<i64>("", "s")?, r.try_get::<i64>("", "n")?)),
        None => None,
    };
    if seen.is_some() && inner.seen == seen {
        return Ok(());
    }
    refresh_units(db, inner).await?;
    // Read before the rows: a write in between moved the sum again and is read next time.
    inner.seen = seen;
    Ok(())
}

async fn refresh_units(db: &Db, inner: &mut Inner) -> DbResult<()> {
    let c = &db.conn;
    let versions: Vec<(i64, i64)> = crate::entity::stat_version::Entity::find()
        .select_only()
        .columns([
            crate::entity::stat_version::Column::OrgUnitId,
            crate::entity::stat_version::Column::Version,
        ])
        .into_tuple()
        .all(c)
        .await?;
    let changed: Vec<i64> = versions
        .iter()
        .filter(|(u, v)| inner.versions.get(u) != Some(v))
        .map(|(u, _)| *u)
        .collect();
    if changed.is_empty() {
        return Ok(());
    }
    // Read the rows after the versions: a write committed in between is counted now and
    // recounted next time (its version is newer than the one stored), never lost.
    let full = changed.len() > FULL_PASS;
    let mut fresh: HashMap<i64, UnitCounts> = changed.iter().map(|u| (*u, UnitCounts::default())).collect();
    let parts = if full {
        vec![None]
    } else {
        changed.chunks(200).map(|c| Some(c.to_vec())).collect()
    };
    for part in parts {
        count_units(db, part, &mut fresh).await?;
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

/// Counts the residents, houses and buildings of `part` (None: every unit) into `fresh`.
async fn count_units(db: &Db, part: Option<Vec<i64>>, fresh: &mut HashMap<i64, UnitCounts>) -> DbResult<()> {
    let c = &db.conn;
    let full = part.is_none();
    let part = part.unwrap_or_default();
    // One row per (unit, type, gender) with its birth dates joined: a few thousand rows for a
    // district instead of millions, read off the covering index.
    let only = if full {
        String::new()
    } else {
        format!(
            "WHERE org_unit_id IN ({})",
            part.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
        )
    };
    let dates = match db.backend {
        crate::Backend::Sqlite => "group_concat(birth_date, ',')",
        crate::Backend::Postgres => "string_agg(birth_date::text, ',')",
    };
    let sql = format!(
        "SELECT org_unit_id AS u, registration_type AS r, gender AS g, {dates} AS d, COUNT(*) - COUNT(birth_date) AS n FROM resident {only} GROUP BY org_unit_id, registration_type, gender"
    );
    for row in c
        .query_all_raw(Statement::from_string(c.get_database_backend(), sql))
        .await?
    {
        let unit: i64 = row.try_get("", "u")?;
        let Some(u) = fresh.get_mut(&unit) else { continue };
        let dates: Option<String> = row.try_get("", "d")?;
        let unknown: i64 = row.try_get("", "n")?;
        let e = u
            .people
            .entry((row.try_get("", "r")?, row.try_get("", "g")?))
            .or_default();
        e.0.extend(dates.as_deref().unwrap_or("").split(',').filter_map(parse_day));
        e.1 += unknown as u64;
    }
    let sql = format!(
        "SELECT org_unit_id AS u, special_groups AS s, COUNT(*) AS n FROM resident {} special_groups <> '' GROUP BY org_unit_id, special_groups",
        if full {
            "WHERE".to_string()
        } else {
            format!("{only} AND")
        }
    );
    for row in c
        .query_all_raw(Statement::from_string(c.get_database_backend(), sql))
        .await?
    {
        let unit: i64 = row.try_get("", "u")?;
        let Some(u) = fresh.get_mut(&unit) else { continue };
        let groups: String = row.try_get("", "s")?;
        let n: i64 = row.try_get("", "n")?;
        u.special_residents += n as u64;
        for g in groups.split(',').filter(|g| !g.is_empty()) {
            *u.special_groups.entry(g.to_string()).or_default() += n as u64;
        }
    }
    let mut q = house::Entity::find()
        .select_only()
        .columns([house::Column::GridId, house::Column::UseType, house::Column::IsRental])
        .column_as(house::Column::Id.count(), "n")
        .group_by(house::Column::GridId)
        .group_by(house::Column::UseType)
        .group_by(house::Column::IsRental);
    if !full {
        q = q.filter(house::Column::GridId.is_in(part.clone()));
    }
    let rows: Vec<(i64, String, bool, i64)> = q.into_tuple().all(c).await?;
    for (unit, use_type, rental, n) in rows {
        if let Some(u) = fresh.get_mut(&unit) {
            *u.houses.entry((use_type, rental)).or_default() += n as u64;
        }
    }
    let mut q = building::Entity::find()
        .select_only()
        .column(building::Column::GridId)
        .column_as(building::Column::Id.count(), "n")
        .group_by(building::Column::GridId);
    if !full {
        q = q.filter(building::Column::GridId.is_in(part));
    }
    let rows: Vec<(i64, i64)> = q.into_tuple().all(c).await?;
    for (unit, n) in rows {
        if let Some(u) = fresh.get_mut(&unit) {
            u.buildings += n as u64;
        }
    }
    Ok(())
}
