//! Summary counts per org unit: residents by registration type, gender and age band; houses; buildings.
use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;
use utoipa::ToSchema;
use zongguan_core::rbac::Scope;

use super::buildings::building_scope;
use super::houses::house_scope;
use super::residents::resident_scope;
use crate::entity::{building, house, org_unit, resident};
use crate::{Db, DbError, DbResult, org, scope};

#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct UnitSummary {
    pub org_unit_id: i64,
    pub code: String,
    pub name: String,
    pub residents: u64,
    /// By registration type code.
    pub by_registration_type: HashMap<String, u64>,
    pub by_gender: HashMap<String, u64>,
    /// `0-17`, `18-59`, `60+`, `unknown`.
    pub by_age_band: HashMap<String, u64>,
    pub houses: u64,
    pub houses_by_use: HashMap<String, u64>,
    pub rental_houses: u64,
    pub buildings: u64,
}

/// One reported unit's counts while they are summed.
#[derive(Default)]
struct Tally<'a> {
    registration: HashMap<&'a String, u64>,
    gender: HashMap<&'a String, u64>,
    /// 0-17, 18-59, 60+, unknown.
    bands: [u64; 4],
    houses: HashMap<&'a String, u64>,
    rental: u64,
    buildings: u64,
}

/// The top units of the scope: the root for everything, the subtree's unit, the listed units whose
/// parent is not listed (without building the whole tree).
async fn scope_roots(db: &Db, scope: &Scope) -> DbResult<Vec<org_unit::Model>> {
    let q = org_unit::Entity::find()
        .order_by_asc(org_unit::Column::Sort)
        .order_by_asc(org_unit::Column::Code);
    Ok(match scope {
        Scope::All => q.filter(org_unit::Column::ParentId.is_null()).all(&db.conn).await?,
        Scope::Subtree { path } => q.filter(org_unit::Column::Path.eq(path.as_str())).all(&db.conn).await?,
        Scope::Units { ids } => {
            let units = q.filter(org_unit::Column::Id.is_in(ids.clone())).all(&db.conn).await?;
            units
                .into_iter()
                .filter(|u| u.parent_id.is_none_or(|p| !ids.contains(&p)))
                .collect()
        }
        Scope::OwnRecords { .. } => {
            let ids: Vec<i64> = org::tree(db, scope).await?.iter().map(|n| n.id).collect();
            q.filter(org_unit::Column::Id.is_in(ids)).all(&db.conn).await?
        }
    })
}

/// Counts for each child of `org_unit_id` (or the top units of the caller's scope), rolled up from grids.
pub async fn summary(db: &Db, scope: &Scope, org_unit_id: Option<i64>) -> DbResult<Vec<UnitSummary>> {
    let today = chrono::Local::now().date_naive();
    let adult = today.with_year(today.year() - 18).unwrap_or(today);
    let senior = today.with_year(today.year() - 60).unwrap_or(today);
    // The units to report on.
    let units: Vec<org_unit::Model> = match org_unit_id {
        Some(id) => {
            let parent = org_unit::Entity::find_by_id(id)
                .filter(scope::org_units(scope))
                .one(&db.conn)
                .await?
                .ok_or(DbError::NotFound)?;
            let kids = org_unit::Entity::find()
                .filter(org_unit::Column::ParentId.eq(id))
                .filter(scope::org_units(scope))
                .order_by_asc(org_unit::Column::Sort)
                .order_by_asc(org_unit::Column::Code)
                .all(&db.conn)
                .await?;
            if kids.is_empty() { vec![parent] } else { kids }
        }
        None => scope_roots(db, scope).await?,
    };
    // Map every visible unit id to the reported unit whose subtree holds it.
    let all: Vec<(i64, String)> = org_unit::Entity::find()
        .select_only()
        .columns([org_unit::Column::Id, org_unit::Column::Path])
        .filter(scope::org_units(scope))
        .into_tuple()
        .all(&db.conn)
        .await?;
    let mut owner: HashMap<i64, usize> = HashMap::new();
    for (id, path) in &all {
        if let Some(i) = units.iter().position(|u| path.starts_with(&u.path)) {
            owner.insert(*id, i);
        }
    }
    let mut out: Vec<UnitSummary> = units
        .iter()
        .map(|u| UnitSummary {
            org_unit_id: u.id,
            code: u.code.clone(),
            name: u.name.clone(),
            ..Default::default()
        })
        .collect();
    if let Scope::OwnRecords { .. } = scope {
        // Rows the user created: few, and not what the per-unit counts hold.
        summary_sql(db, scope, &owner, &mut out, adult, senior).await?;
        return Ok(out);
    }
    let (adult, senior) = (crate::stats::day_number(adult), crate::stats::day_number(senior));
    db.stats
        .with(db, |counts| {
            // Tallied under borrowed keys, turned into strings once per reported unit.
            let mut tallies: Vec<Tally<'_>> = (0..out.len()).map(|_| Tally::default()).collect();
            for (unit, i) in &owner {
                let (Some(c), Some(t)) = (counts.get(unit), tallies.get_mut(*i)) else {
                    continue;
                };
                for ((reg, gender), (births, unknown)) in &c.people {
                    let n = births.len() as u64 + unknown;
                    *t.registration.entry(reg).or_default() += n;
                    *t.gender.entry(gender).or_default() += n;
                    let young = crate::stats::UnitCounts::born_between(births, adult, i32::MAX);
                    let working = crate::stats::UnitCounts::born_between(births, senior, adult);
                    let bands = [young, working, births.len() as u64 - young - working, *unknown];
                    for (sum, k) in t.bands.iter_mut().zip(bands) {
                        *sum += k;
                    }
                }
                for ((use_type, rental), n) in &c.houses {
                    *t.houses.entry(use_type).or_default() += n;
                    if *rental {
                        t.rental += n;
                    }
                }
                t.buildings += c.buildings;
            }
            for (s, t) in out.iter_mut().zip(tallies) {
                let owned = |m: HashMap<&String, u64>| m.into_iter().map(|(k, v)| (k.clone(), v)).collect();
                s.residents = t.registration.values().sum();
                s.by_registration_type = owned(t.registration);
                s.by_gender = owned(t.gender);
                s.by_age_band = ["0-17", "18-59", "60+", "unknown"]
                    .into_iter()
                    .zip(t.bands)
                    .filter(|(_, k)| *k > 0)
                    .map(|(b, k)| (b.to_string(), k))
                    .collect();
                s.houses = t.houses.values().sum();
                s.houses_by_use = owned(t.houses);
                s.rental_houses = t.rental;
                s.buildings = t.buildings;
            }
        })
        .await?;
    Ok(out)
}

/// The summary straight from the tables, for scopes the per-unit counts cannot answer.
async fn summary_sql(
    db: &Db,
    scope: &Scope,
    owner: &HashMap<i64, usize>,
    out: &mut [UnitSummary],
    adult: NaiveDate,
    senior: NaiveDate,
) -> DbResult<()> {
    // The age band is computed in SQL so that the database returns a few rows per grid.
    // The two dates are computed here, never user input, so they are written as literals (bound
    // parameters are spelt differently on the two backends inside custom SQL).
    let band = sea_orm::sea_query::Expr::cust(format!(
        "CASE WHEN birth_date IS NULL THEN 'unknown' WHEN birth_date > '{}' THEN '0-17' WHEN birth_date > '{}' THEN '18-59' ELSE '60+' END",
        adult.format("%Y-%m-%d"),
        senior.format("%Y-%m-%d")
    ));
    let rows: Vec<(i64, String, String, String, i64)> = resident::Entity::find()
        .select_only()
        .columns([
            resident::Column::OrgUnitId,
            resident::Column::RegistrationType,
            resident::Column::Gender,
        ])
        .column_as(band, "band")
        .column_as(resident::Column::Id.count(), "n")
        .filter(resident_scope(scope))
        .group_by(resident::Column::OrgUnitId)
        .group_by(resident::Column::RegistrationType)
        .group_by(resident::Column::Gender)
        .group_by(sea_orm::sea_query::Expr::cust("band"))
        .into_tuple()
        .all(&db.conn)
        .await?;
    for (unit, reg, gender, band, n) in rows {
        if let Some(&i) = owner.get(&unit) {
            let s = &mut out[i];
            let n = n as u64;
            s.residents += n;
            *s.by_registration_type.entry(reg).or_default() += n;
            *s.by_gender.entry(gender).or_default() += n;
            *s.by_age_band.entry(band).or_default() += n;
        }
    }
    let rows: Vec<(i64, String, bool, i64)> = house::Entity::find()
        .select_only()
        .columns([house::Column::GridId, house::Column::UseType, house::Column::IsRental])
        .column_as(house::Column::Id.count(), "n")
        .filter(house_scope(scope))
        .group_by(house::Column::GridId)
        .group_by(house::Column::UseType)
        .group_by(house::Column::IsRental)
        .into_tuple()
        .all(&db.conn)
        .await?;
    for (grid, use_type, rental, n) in rows {
        if let Some(&i) = owner.get(&grid) {
            let s = &mut out[i];
            s.houses += n as u64;
            *s.houses_by_use.entry(use_type).or_default() += n as u64;
            if rental {
                s.rental_houses += n as u64;
            }
        }
    }
    let rows: Vec<(i64, i64)> = building::Entity::find()
        .select_only()
        .column(building::Column::GridId)
        .column_as(building::Column::Id.count(), "n")
        .filter(building_scope(scope))
        .group_by(building::Column::GridId)
        .into_tuple()
        .all(&db.conn)
        .await?;
    for (grid, n) in rows {
        if let Some(&i) = owner.get(&grid) {
            out[i].buildings += n as u64;
        }
    }
    Ok(())
}
