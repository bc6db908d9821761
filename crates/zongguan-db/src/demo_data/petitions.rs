//! The demo's petitions: in each chosen community a dozen matters walked through the real flow to
//! every state — waiting, overdue, extended, answered, reviewed, re-reviewed, closed, not
//! accepted — with a repeat petitioner and a collective visit among them.
use chrono::{Duration, NaiveDate, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use zongguan_core::dict::PETITION_CATEGORIES;
use zongguan_core::geometry::Rng;
use zongguan_core::governance::Satisfaction;

use crate::demo::Scale;
use crate::entity::{org_unit, resident};
use crate::governance::{PetitionInput, PetitionStep, StepInput, create_petition, petition_step};
use crate::{Actor, Db, DbResult};

/// Communities that get petitions: a few at the small scale, every one with residents at district scale.
pub fn petition_communities(scale: Scale) -> Option<usize> {
    match scale {
        Scale::Small => Some(6),
        Scale::District => None,
    }
}

const MATTERS: [(&str, &str, &str); 6] = [
    ("反映旧村改造补偿款未足额发放", "足额发放补偿款", "旧村改造片区"),
    ("反映小区电梯长期停运无人维修", "尽快修复电梯", "小区"),
    ("反映工地拖欠工人工资", "结清拖欠工资", "建筑工地"),
    ("反映夜间施工噪音扰民", "禁止夜间施工", "施工现场"),
    ("反映商铺占道经营影响通行", "清理占道经营", "商业街"),
    ("反映垃圾转运站异味严重", "整改异味问题", "垃圾转运站"),
];

/// How many petitions were written.
#[derive(Debug, Default, Clone, Copy)]
pub struct PetitionTally {
    pub petitions: u64,
}

type Steps = &'static [(PetitionStep, i64)];

/// (received days ago, headcount, the steps with their days ago).
const PLAN: [(i64, i32, Steps); 12] = [
    (2, 1, &[]),
    (20, 1, &[]),
    (12, 1, &[(PetitionStep::Accept, 10)]),
    (80, 1, &[(PetitionStep::Accept, 75)]),
    (70, 1, &[(PetitionStep::Accept, 65), (PetitionStep::Extend, 10)]),
    (40, 1, &[(PetitionStep::Accept, 38), (PetitionStep::Answer, 5)]),
    (
        100,
        1,
        &[
            (PetitionStep::Accept, 98),
            (PetitionStep::Answer, 60),
            (PetitionStep::ReturnVisit, 55),
            (PetitionStep::Close, 25),
        ],
    ),
    (
        120,
        1,
        &[
            (PetitionStep::Accept, 118),
            (PetitionStep::Answer, 90),
            (PetitionStep::Review, 70),
            (PetitionStep::ReviewAnswer, 50),
        ],
    ),
    (
        150,
        1,
        &[
            (PetitionStep::Accept, 148),
            (PetitionStep::Answer, 120),
            (PetitionStep::Review, 100),
            (PetitionStep::ReviewAnswer, 80),
            (PetitionStep::ReReview, 60),
            (PetitionStep::ReReviewAnswer, 40),
        ],
    ),
    (30, 12, &[(PetitionStep::Accept, 28)]),
    (25, 1, &[(PetitionStep::Reject, 20)]),
    (
        130,
        1,
        &[
            (PetitionStep::Accept, 128),
            (PetitionStep::Answer, 60),
            (PetitionStep::ReturnVisit, 55),
            (PetitionStep::Close, 20),
        ],
    ),
];

pub async fn petitions(db: &Db, seed: u64, communities: Option<usize>) -> DbResult<PetitionTally> {
    let mut tally = PetitionTally::default();
    let (Ok(officer), Ok(leader)) = (
        Actor::load(db, "district_officer", "local").await,
        Actor::load(db, "leader", "local").await,
    ) else {
        return Ok(tally);
    };
    let today = zongguan_core::time::cst_date(Utc::now());
    let ago = |n: i64| -> NaiveDate { today - Duration::days(n) };
    let mut rng = Rng::new(seed ^ 0x5045_5449);
    let units = org_unit::Entity::find()
        .filter(org_unit::Column::Level.eq("community"))
        .order_by_asc(org_unit::Column::Id)
        .all(&db.conn)
        .await?;
    let mut done = 0usize;
    for unit in units {
        if communities.is_some_and(|n| done >= n) {
            break;
        }
        let people: Vec<i64> = resident::Entity::find()
            .select_only()
            .column(resident::Column::Id)
            .filter(resident::Column::CommunityId.eq(unit.id))
            .order_by_asc(resident::Column::Id)
            .limit(40)
            .into_tuple()
            .all(&db.conn)
            .await?;
        if people.len() < PLAN.len() {
            continue;
        }
        done += 1;
        let mut whos = [0i64; PLAN.len()];
        // Oldest first, so numbers run with the dates received.
        let mut order: Vec<usize> = (0..PLAN.len()).collect();
        order.sort_by_key(|k| std::cmp::Reverse(PLAN[*k].0));
        for k in order {
            let (received, headcount, steps) = &PLAN[k];
            // The petitioners of the answered and the closed matter come back: repeat visits.
            let who = match k {
                9 => whos[5],
                10 => whos[6],
                _ => people[(k * 3 + rng.below(3) as usize) % people.len()],
            };
            whos[k] = who;
            let (matter, demand, place) = MATTERS[rng.below(MATTERS.len() as u64) as usize];
            let category = PETITION_CATEGORIES[rng.below(PETITION_CATEGORIES.len() as u64 - 1) as usize].0;
            let channel = zongguan_core::dict::PETITION_CHANNELS
                [rng.below(zongguan_core::dict::PETITION_CHANNELS.len() as u64) as usize]
                .0;
            let input = PetitionInput {
                channel: channel.into(),
                received_on: ago(*received),
                resident_ids: vec![who],
                headcount: Some(*headcount),
                category: category.into(),
                matter: if *headcount > 1 {
                    format!("{}（集体访）", matter)
                } else {
                    matter.into()
                },
                demand: demand.into(),
                place: format!("{}{}", unit.name, place),
                org_unit_id: unit.id,
                repeat_of_id: None,
            };
            // A repeat of an earlier matter on another category and place is its own matter.
            let p = match create_petition(db, &officer, input).await {
                Ok(p) => p,
                Err(crate::DbError::Conflict(_)) => continue,
                Err(e) => return Err(e),
            };
            tally.petitions += 1;
            let id = p.petition.id;
            for (s, days) in steps.iter() {
                let satisfaction = match (s, k) {
                    (PetitionStep::ReturnVisit, 11) => Some(Satisfaction::Dissatisfied),
                    (PetitionStep::ReturnVisit, _) => Some(Satisfaction::Satisfied),
                    _ => None,
                };
                let input = StepInput {
                    on: ago(*days),
                    text: match s {
                        PetitionStep::Answer => "经调查核实，已督促责任单位依法处理，并将处理情况告知信访人。".into(),
                        PetitionStep::ReviewAnswer => "经复查，原处理意见事实清楚、适用依据正确，予以维持。".into(),
                        PetitionStep::ReReviewAnswer => "经复核，维持复查意见。".into(),
                        PetitionStep::ReturnVisit => "电话回访".into(),
                        _ => String::new(),
                    },
                    reason: match s {
                        PetitionStep::Reject => "该诉求已进入诉讼程序，依法不予受理".into(),
                        PetitionStep::Extend => "涉及多个部门，需现场核查".into(),
                        _ => String::new(),
                    },
                    days: (*s == PetitionStep::Extend).then_some(30),
                    org_unit_id: None,
                    satisfaction,
                };
                let actor = if *s == PetitionStep::Extend { &leader } else { &officer };
                petition_step(db, actor, id, *s, input).await?;
            }
        }
    }
    Ok(tally)
}
