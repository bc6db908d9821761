//! The demo's registries: buildings inside their grids, houses, residents and their residences,
//! made on a generator thread while this task writes the previous grid's rows.
use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, NaiveDate, Utc};
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait, PaginatorTrait, QueryOrder};
use zongguan_core::geometry::{self, Rng};
use zongguan_core::registry::ResidentRecord;

use super::bulk::{defer_indexes, restore_indexes};
use super::people::person;
use super::{Counts, Volume};
use crate::audit::{self, Event};
use crate::entity::{building, house, org_unit, residence, resident};
use crate::{Actor, Backend, Db, DbError, DbResult};

/// A grid to fill: id, code, community name, subdistrict name, outline.
struct GridSeed {
    id: i64,
    code: String,
    community: String,
    subdistrict: String,
    geometry: Option<String>,
}

/// The grids of the first `volume.subdistricts` subdistricts, with their parents' names.
fn chosen_grids(units: &[org_unit::Model], volume: Volume) -> Vec<GridSeed> {
    let by_id: HashMap<i64, &org_unit::Model> = units.iter().map(|u| (u.id, u)).collect();
    let chosen: Vec<i64> = units
        .iter()
        .filter(|u| u.level == "subdistrict")
        .take(volume.subdistricts.unwrap_or(usize::MAX))
        .map(|s| s.id)
        .collect();
    units
        .iter()
        .filter(|u| u.level == "grid")
        .filter_map(|g| {
            let community = g.parent_id.and_then(|c| by_id.get(&c))?;
            let subdistrict = community
                .parent_id
                .filter(|s| chosen.contains(s))
                .and_then(|s| by_id.get(&s))?;
            Some(GridSeed {
                id: g.id,
                code: g.code.clone(),
                community: community.name.clone(),
                subdistrict: subdistrict.name.clone(),
                geometry: g.geometry.clone(),
            })
        })
        .collect()
}

/// Buildings, houses and residents in the grids of the chosen subdistricts; skipped when the
/// district already has buildings. One transaction: all or nothing.
pub async fn registries(db: &Db, seed: u64, volume: Volume, progress: &(dyn Fn(&str, u64) + Sync)) -> DbResult<Counts> {
    if building::Entity::find().count(&db.conn).await? > 0 {
        return Ok(Counts::default());
    }
    let units = org_unit::Entity::find()
        .order_by_asc(org_unit::Column::Sort)
        .order_by_asc(org_unit::Column::Code)
        .all(&db.conn)
        .await?;
    let grids = chosen_grids(&units, volume);
    let actor = Actor::system("demo");
    let txn = db.begin_bulk_write().await?;
    let c = &*txn;
    let maker = Maker {
        db: db.clone(),
        actor: actor.clone(),
        volume,
        today: zongguan_core::time::cst_date(Utc::now()),
        now: Utc::now(),
        next: NextIds {
            building: crate::next_id(c, "building").await?,
            house: crate::next_id(c, "house").await?,
            resident: crate::next_id(c, "resident").await?,
            residence: crate::next_id(c, "residence").await?,
        },
    };
    if db.backend == Backend::Sqlite {
        // The identity-number index takes random inserts: keep it in memory while loading.
        c.execute_unprepared("PRAGMA cache_size = -786432").await?;
    }
    // All inside this transaction: a failure leaves the schema as it was.
    let deferred = defer_indexes(c, db.backend).await?;
    // One thread makes the people (names, numbers, encryption) while this task writes the
    // previous grid's rows: the two cores work side by side.
    let (tx, mut rx) = tokio::sync::mpsc::channel::<GridRows>(2);
    let made = tokio::task::spawn_blocking(move || maker.run(grids, seed, tx));
    let mut counts = Counts::default();
    while let Some(rows) = rx.recv().await {
        counts.buildings += rows.buildings.len() as u64;
        counts.houses += rows.houses.len() as u64;
        counts.residents += rows.residents.len() as u64;
        crate::bulk_insert_models(c, rows.buildings).await?;
        crate::bulk_insert_models(c, rows.houses).await?;
        crate::bulk_insert_models(c, rows.residents).await?;
        crate::bulk_insert_models(c, rows.residences).await?;
        progress("实有人口", counts.residents);
    }
    made.await
        .map_err(|e| DbError::invalid("demo", format!("生成演示数据失败：{e}")))?;
    restore_indexes(c, db.backend, deferred).await?;
    after_explicit_ids(c, db.backend).await?;
    audit::append(
        c,
        db.backend,
        &actor,
        Event::ok("demo_load", "registry", "demo").detail(format!(
            "楼栋 {}，房屋 {}，实有人口 {}",
            counts.buildings, counts.houses, counts.residents
        )),
    )
    .await?;
    txn.commit().await?;
    // Gigabytes of WAL at district scale: into the database file, then cut.
    db.checkpoint_truncate().await?;
    Ok(counts)
}

/// Back to normal after a load that wrote its own ids.
async fn after_explicit_ids<C: ConnectionTrait>(c: &C, backend: Backend) -> DbResult<()> {
    match backend {
        Backend::Sqlite => {
            c.execute_unprepared("PRAGMA cache_size = -32768").await?;
        }
        // Explicit ids were written: move the sequences past them.
        Backend::Postgres => {
            for t in ["building", "house", "resident", "residence"] {
                c.execute_unprepared(&format!(
                    "SELECT setval(pg_get_serial_sequence('{t}', 'id'), COALESCE((SELECT MAX(id) FROM {t}), 1))"
                ))
                .await?;
            }
        }
    }
    Ok(())
}

/// One grid's rows, made on the generator thread.
#[derive(Default)]
struct GridRows {
    buildings: Vec<building::ActiveModel>,
    houses: Vec<house::ActiveModel>,
    residents: Vec<resident::ActiveModel>,
    residences: Vec<residence::ActiveModel>,
}

/// The next id of each table (the rows carry their ids so houses can name their building).
struct NextIds {
    building: i64,
    house: i64,
    resident: i64,
    residence: i64,
}

/// The generator: everything it needs, moved once onto its thread.
struct Maker {
    db: Db,
    actor: Actor,
    volume: Volume,
    today: NaiveDate,
    now: DateTime<Utc>,
    next: NextIds,
}

/// Where a house is, for its residents' addresses.
struct HouseAt<'a> {
    grid: &'a GridSeed,
    house_id: i64,
    address: String,
}

impl Maker {
    fn run(mut self, grids: Vec<GridSeed>, seed: u64, tx: tokio::sync::mpsc::Sender<GridRows>) {
        let mut rng = Rng::new(seed);
        // Numbers issued so far, as 64-bit hashes (4 million strings would cost hundreds of MiB).
        let mut issued: HashSet<u64> = HashSet::new();
        for grid in &grids {
            let rows = self.grid_rows(grid, &mut rng, &mut issued);
            if tx.blocking_send(rows).is_err() {
                return;
            }
        }
    }

    fn grid_rows(&mut self, grid: &GridSeed, rng: &mut Rng, issued: &mut HashSet<u64>) -> GridRows {
        let mut rows = GridRows::default();
        let shape = grid
            .geometry
            .as_deref()
            .and_then(|s| serde_json::from_str(s).ok())
            .and_then(|v: serde_json::Value| geometry::from_geojson(&v));
        for n in 1..=self.volume.buildings_per_grid {
            let Some(p) = shape.as_ref().and_then(|s| geometry::random_point_in(s, rng)) else {
                break;
            };
            self.building(grid, n, (p.x(), p.y()), rng, issued, &mut rows);
        }
        rows
    }

    /// A building with a few rooms, most let in urban villages, and their occupants.
    fn building(
        &mut self,
        grid: &GridSeed,
        n: u64,
        (lon, lat): (f64, f64),
        rng: &mut Rng,
        issued: &mut HashSet<u64>,
        rows: &mut GridRows,
    ) {
        let floors = 2 + rng.below(8) as i32;
        let use_type = match rng.below(100) {
            0..=79 => "residential",
            80..=89 => "mixed",
            90..=94 => "commercial",
            95..=97 => "industrial",
            _ => "office",
        };
        let village = rng.below(100) < 65;
        let estate = if village { "新村" } else { "花园" };
        let (community, subdistrict) = (&grid.community, &grid.subdistrict);
        let bid = self.next.building;
        rows.buildings.push(building::ActiveModel {
            id: Set(bid),
            // Set by the triggers, or in one pass after the load (`bulk::restore_indexes`).
            subdistrict_id: sea_orm::ActiveValue::NotSet,
            community_id: sea_orm::ActiveValue::NotSet,
            code: Set(format!("{}{n:03}", grid.code)),
            name: Set(format!("{community}{estate}{n}栋")),
            address: Set(format!("深圳市龙岗区{subdistrict}{community}{estate}{n}栋")),
            grid_id: Set(grid.id),
            lon: Set(lon),
            lat: Set(lat),
            footprint: Set(None),
            floors: Set(floors),
            structure: Set(if village { "砖混" } else { "框架" }.into()),
            use_type: Set(use_type.into()),
            property_company_id: Set(None),
            manager: Set(String::new()),
            created_by: Set(None),
            created_at: Set(self.now),
            updated_at: Set(self.now),
        });
        let house_use = if use_type == "industrial" || use_type == "office" {
            use_type
        } else {
            "residential"
        };
        for k in 0..2 + rng.below(4) {
            let floor = 1 + (k as i32 % floors);
            let room = format!("{floor}{:02}", k + 1);
            let is_rental = village && rng.below(100) < 75 || !village && rng.below(100) < 25;
            rows.houses.push(house::ActiveModel {
                id: Set(self.next.house),
                subdistrict_id: sea_orm::ActiveValue::NotSet,
                community_id: sea_orm::ActiveValue::NotSet,
                building_id: Set(bid),
                grid_id: Set(grid.id),
                room: Set(room.clone()),
                area: Set(Some((20 + rng.below(100)) as f64)),
                use_type: Set(house_use.into()),
                owner_resident_id: Set(None),
                owner_org: Set(String::new()),
                is_rental: Set(is_rental),
                rental_use: Set(if is_rental { "住宅".into() } else { String::new() }),
                rental_risk_class: Set(None),
                rental_type: Set(None),
                rental_class_confirmed_by: Set(None),
                rental_class_confirmed_at: Set(None),
                rental_proposed_class: Set(None),
                rental_proposal: Set(None),
                rental_building_condition: Set(None),
                rental_owner_compliance: Set(None),
                last_inspected_on: Set(None),
                next_due_on: Set(None),
                created_by: Set(None),
                created_at: Set(self.now),
                updated_at: Set(self.now),
            });
            let at = HouseAt {
                grid,
                house_id: self.next.house,
                address: format!("深圳市龙岗区{subdistrict}{community}{n}栋{room}"),
            };
            self.occupants(&at, rng, issued, rows);
            self.next.house += 1;
        }
        self.next.building += 1;
    }

    /// About 2.7 people per house: 4 million in Longgang's 1.5 million houses.
    fn occupants(&mut self, at: &HouseAt<'_>, rng: &mut Rng, issued: &mut HashSet<u64>, rows: &mut GridRows) {
        let people = match rng.below(20) {
            0 => 0,
            1..=6 => 1 + rng.below(2),
            _ => 2 + rng.below(4),
        };
        for m in 0..people {
            // One person, one record: draw again on the rare repeated number.
            let mut rec: ResidentRecord = person(rng, self.today);
            while !issued.insert(crate::fingerprint(&[&rec.id_number])) {
                rec = person(rng, self.today);
            }
            let rid = self.next.resident;
            let mut am = crate::registry::resident_model(&self.db, &self.actor, &rec, at.grid.id);
            am.id = Set(rid);
            am.current_address = Set(at.address.clone());
            if rng.below(1000) < 3 {
                am.special_groups = Set((*rng.pick(&[
                    "released_prisoner",
                    "community_correction",
                    "mental_disorder",
                    "drug_user",
                ]))
                .into());
            }
            rows.residents.push(am);
            let since =
                (self.today - Duration::days(rng.below(3 * 365) as i64)).max(rec.birth_date.unwrap_or(self.today));
            let relation = if m == 0 {
                "01"
            } else {
                *rng.pick(&["10", "20", "30", "98", "99"])
            };
            rows.residences.push(residence::ActiveModel {
                id: Set(self.next.residence),
                resident_id: Set(rid),
                house_id: Set(at.house_id),
                relation: Set(relation.into()),
                since: Set(since),
                until: Set(None),
                created_by: Set(None),
                created_at: Set(self.now),
            });
            self.next.resident += 1;
            self.next.residence += 1;
        }
    }
}
