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
        None => {
            let tree = org::tree(db, scope).await?;
            let ids: Vec<i64> = tree.iter().map(|n| n.id).collect();
            org_unit::Entity::find()
                .filter(org_unit::Column::Id.is_in(ids))
                .all(&db.conn)
                .await?
        }
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
            for (unit, i) in &owner {
                let (Some(c), Some(s)) = (counts.get(unit), out.get_mut(*i)) else {
                    continue;
                };
                for ((reg, gender), (births, unknown)) in &c.people {
                    let n = births.len() as u64 + unknown;
                    s.residents += n;
                    *s.by_registration_type.entry(reg.clone()).or_default() += n;
                    *s.by_gender.entry(gender.clone()).or_default() += n;
                    let young = crate::stats::UnitCounts::born_between(births, adult, i32::MAX);
                    let working = crate::stats::UnitCounts::born_between(births, senior, adult);
                    for (band, k) in [
                        ("0-17", young),
                        ("18-59", working),
                        ("60+", births.len() as u64 - young - working),
                        ("unknown", *unknown),
                    ] {
                        if k > 0 {
                            *s.by_age_band.entry(band.into()).or_default() += k;
                        }
                    }
                }
                for ((use_type, rental), n) in &c.houses {
                    s.houses += n;
                    *s.houses_by_use.entry(use_type.clone()).or_default() += n;
                    if *rental {
                        s.rental_houses += n;
                    }
                }
                s.buildings += c.buildings;
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
