//! The demo's rental houses: a type, a confirmed class, the rules' proposal and a year of
//! inspections — some houses overdue, some with hazards waiting for rectification.
use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate, Utc};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, sea_query::Expr};
use zongguan_core::geometry::Rng;
use zongguan_core::governance::rental_class::{InspectionSchedule, RentalType, RiskClass};

use crate::entity::{house, rental_inspection};
use crate::{Db, DbResult};

/// Ten in the morning, China time.
fn at(d: NaiveDate) -> chrono::DateTime<Utc> {
    zongguan_core::time::cst_midnight(d) + Duration::hours(10)
}

/// How many rental houses got classes and how many visits were written.
#[derive(Debug, Default, Clone, Copy)]
pub struct RentalTally {
    pub houses: u64,
    pub inspections: u64,
}

const CHECKS: [&str; 7] = [
    "fire_exit",
    "extinguisher",
    "wiring",
    "gas",
    "crowding",
    "tenant_registration",
    "sanitation",
];
const MAJOR: [&str; 3] = ["fire_exit", "wiring", "gas"];

pub async fn rental(db: &Db, seed: u64) -> DbResult<RentalTally> {
    let schedule = InspectionSchedule::default();
    let today = zongguan_core::time::cst_date(Utc::now());
    let start = today - Duration::days(365);
    let mut rng = Rng::new(seed ^ 0x5245_4e54);
    let mut tally = RentalTally::default();
    let mut after = 0i64;
    let mut batches = 0u32;
    loop {
        let rows: Vec<(i64, i64, Option<i64>, Option<i64>)> = house::Entity::find()
            .select_only()
            .columns([
                house::Column::Id,
                house::Column::GridId,
                house::Column::SubdistrictId,
                house::Column::CommunityId,
            ])
            .filter(house::Column::IsRental.eq(true))
            .filter(house::Column::Id.gt(after))
            .order_by_asc(house::Column::Id)
            .limit(1000)
            .into_tuple()
            .all(&db.conn)
            .await?;
        let Some(last) = rows.last() else { break };
        after = last.0;
        let txn = db.begin_write().await?;
        let mut visits = Vec::new();
        for (id, grid, sub, com) in &rows {
            let class = match rng.below(100) {
                0..60 => RiskClass::Green,
                60..85 => RiskClass::Yellow,
                85..96 => RiskClass::Orange,
                _ => RiskClass::Red,
            };
            let kind = RentalType::ALL[match rng.below(100) {
                0..55 => 0,
                55..80 => 1,
                80..90 => 2,
                90..95 => 3,
                _ => 4,
            }];
            let every = i64::from(schedule.interval(Some(class)));
            // One house in six has fallen behind: its visits stopped a while ago.
            let behind = rng.below(6) == 0;
            let mut day = start + Duration::days(rng.below(every as u64) as i64);
            let stop = if behind {
                today - Duration::days(every + 3 + rng.below(20) as i64)
            } else {
                today
            };
            let mut last_on: Option<NaiveDate> = None;
            while day <= stop {
                let mut answers = BTreeMap::new();
                for c in CHECKS {
                    answers.insert(c.to_string(), "pass".to_string());
                }
                let is_last = day + Duration::days(every) > stop;
                // Hazards on one visit in eight; the last visit's may still be open.
                let (mut hazards, mut major) = (0, 0);
                if rng.below(8) == 0 {
                    let c = CHECKS[rng.below(CHECKS.len() as u64) as usize];
                    answers.insert(c.into(), "fail".into());
                    if MAJOR.contains(&c) {
                        major = 1;
                    } else {
                        hazards = 1;
                    }
                }
                let found = hazards + major > 0;
                let rectify_by = found.then(|| day + Duration::days(7));
                let rectified = found && !(is_last && rng.below(2) == 0);
                let next = day + Duration::days(every);
                visits.push(rental_inspection::ActiveModel {
                    house_id: Set(*id),
                    grid_id: Set(*grid),
                    subdistrict_id: Set(*sub),
                    community_id: Set(*com),
                    inspected_on: Set(day),
                    inspector_id: Set(None),
                    inspector_name: Set("网格员".into()),
                    risk_class: Set(Some(class.as_str().into())),
                    answers: Set(serde_json::to_string(&answers).unwrap_or_default()),
                    sanitation: Set(if rng.below(10) == 0 { "fair" } else { "good" }.into()),
                    hazards: Set(hazards),
                    major_hazards: Set(major),
                    findings: Set(if found {
                        "检查发现隐患，已告知房东".into()
                    } else {
                        String::new()
                    }),
                    rectification: Set(if found {
                        "限期整改并报网格员复查".into()
                    } else {
                        String::new()
                    }),
                    rectify_by: Set(rectify_by),
                    rectified_at: Set(if rectified {
                        Some(at(day + Duration::days(3)))
                    } else {
                        None
                    }),
                    rectified_by: Set(None),
                    owner_signature: Set("房东".into()),
                    next_due_on: Set(next),
                    created_by: Set(None),
                    created_at: Set(at(day)),
                    ..Default::default()
                });
                last_on = Some(day);
                day = next;
            }
            let next_due = last_on.map_or(today, |d| d + Duration::days(every));
            house::Entity::update_many()
                .col_expr(house::Column::RentalType, Expr::value(kind.as_str()))
                .col_expr(house::Column::RentalRiskClass, Expr::value(class.as_str()))
                .col_expr(house::Column::RentalProposedClass, Expr::value(class.as_str()))
                .col_expr(house::Column::RentalClassConfirmedAt, Expr::value(Utc::now()))
                .col_expr(house::Column::LastInspectedOn, Expr::value(last_on))
                .col_expr(house::Column::NextDueOn, Expr::value(next_due))
                .filter(house::Column::Id.eq(*id))
                .exec(&*txn)
                .await?;
            tally.houses += 1;
        }
        tally.inspections += visits.len() as u64;
        for chunk in visits.chunks(300) {
            rental_inspection::Entity::insert_many(chunk.to_vec())
                .exec_without_returning(&*txn)
                .await?;
        }
        txn.commit().await?;
        // A year of visits is gigabytes of pages: let the WAL be copied back and reused every few
        // batches, or it grows with the whole load (the background checkpoint is passive and
        // never catches up with back-to-back writes).
        batches += 1;
        if batches.is_multiple_of(10) {
            db.checkpoint().await?;
        }
    }
    db.checkpoint_truncate().await?;
    Ok(tally)
}
