//! The demo's stability work: in each chosen community incidents in every state (a report owed
//! and late, one reported up, a large one the district was told of, one closed), special-group
//! members visited over the last months with some overdue, and a watch team with a roster and logs.
use chrono::{Duration, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use zongguan_core::governance::stability::IncidentLevel;
use zongguan_core::registry::NewSpecialGroup;

use crate::entity::{org_unit, resident};
use crate::governance::{
    IncidentInput, TeamInput, VisitInput, add_follow_up, add_log, add_member, add_roster, close_incident,
    create_incident, create_team, record_visit, report_up,
};
use crate::{Actor, Db, DbResult};

#[derive(Debug, Default, Clone, Copy)]
pub struct StabilityTally {
    pub incidents: usize,
    pub visits: usize,
    pub teams: usize,
}

/// (group, attention level, joined days ago, visits days ago): the last two never visited in time.
const PEOPLE: [(&str, &str, i64, &[i64]); 6] = [
    ("community_correction", "general", 200, &[150, 120, 90, 60, 28]),
    ("mental_disorder", "medium", 180, &[150, 120, 95, 64, 20]),
    ("drug_user", "medium", 120, &[100, 86, 72, 58, 44, 30, 16, 3]),
    ("released_prisoner", "general", 300, &[260, 170, 80]),
    ("community_correction", "serious", 60, &[50, 40]),
    ("at_risk_youth", "serious", 45, &[]),
];

pub async fn stability(db: &Db, communities: Option<usize>) -> DbResult<StabilityTally> {
    let mut tally = StabilityTally::default();
    let Ok(officer) = Actor::load(db, "district_officer", "local").await else {
        return Ok(tally);
    };
    let now = Utc::now();
    let today = zongguan_core::time::cst_date(now);
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
            .order_by_desc(resident::Column::Id)
            .limit(12)
            .into_tuple()
            .all(&db.conn)
            .await?;
        if people.len() < 12 {
            continue;
        }
        done += 1;
        let incident = |kind: &str, level, title: &str, hours_ago: i64, party: i64, headcount| IncidentInput {
            kind: kind.into(),
            level,
            headcount,
            title: format!("{}{title}", unit.name),
            description: String::new(),
            org_unit_id: unit.id,
            address: unit.name.clone(),
            lng: None,
            lat: None,
            occurred_at: now - Duration::hours(hours_ago + 1),
            learned_at: now - Duration::hours(hours_ago),
            resident_ids: vec![party],
        };
        // Late: learned three hours ago, not yet reported.
        create_incident(
            db,
            &officer,
            incident(
                "labor_dispute",
                IncidentLevel::General,
                "工人聚集讨薪",
                3,
                people[0],
                15,
            ),
        )
        .await?;
        let up = create_incident(
            db,
            &officer,
            incident("land_dispute", IncidentLevel::General, "拆迁户聚集", 1, people[1], 8),
        )
        .await?;
        report_up(db, &officer, up.incident.id, "已电话报告街道".into()).await?;
        create_incident(
            db,
            &officer,
            incident(
                "mass_gathering",
                IncidentLevel::Large,
                "业主聚集堵路",
                0,
                people[2],
                120,
            ),
        )
        .await?;
        let done_one = create_incident(
            db,
            &officer,
            incident("public_security", IncidentLevel::General, "邻里冲突", 30, people[3], 3),
        )
        .await?;
        let id = done_one.incident.id;
        report_up(db, &officer, id, String::new()).await?;
        report_up(db, &officer, id, String::new()).await?;
        add_follow_up(db, &officer, id, "派出所、司法所联合调解，双方达成和解".into()).await?;
        close_incident(db, &officer, id, "已化解".into()).await?;
        tally.incidents += 4;

        for (k, (group, level, since, visits)) in PEOPLE.iter().enumerate() {
            let rec = crate::registry::add_special_group(
                db,
                &officer,
                people[6 + k],
                NewSpecialGroup {
                    kind: group,
                    attention_level: level,
                    youth_type: if *group == "at_risk_youth" { "idle" } else { "" },
                    detail: String::new(),
                    since: Some(today - Duration::days(*since)),
                    until: None,
                },
            )
            .await?;
            for (n, ago) in visits.iter().enumerate() {
                record_visit(
                    db,
                    &officer,
                    VisitInput {
                        record_id: rec.id,
                        visited_on: today - Duration::days(*ago),
                        form: ["home_visit", "phone", "interview"][n % 3].into(),
                        situation: "情绪稳定，按时报到，家属配合".into(),
                        level_after: None,
                    },
                )
                .await?;
                tally.visits += 1;
            }
        }

        let team = create_team(
            db,
            &officer,
            TeamInput {
                name: format!("{}治安巡逻队", unit.name),
                kind: "security_patrol".into(),
                leader_name: "社区综治专干".into(),
                note: String::new(),
                org_unit_id: unit.id,
            },
        )
        .await?;
        let tid = team.team.id;
        let mut t = team;
        for r in &people[4..6] {
            t = add_member(db, &officer, tid, None, Some(*r), "队员".into()).await?;
        }
        let members: Vec<i64> = t.member_list.iter().map(|m| m.id).collect();
        for d in 0..7 {
            add_roster(
                db,
                &officer,
                tid,
                today - Duration::days(d),
                "night".into(),
                members.clone(),
                String::new(),
            )
            .await?;
        }
        add_log(
            db,
            &officer,
            tid,
            today - Duration::days(1),
            "night".into(),
            "夜间巡逻工业区一圈，未见异常".into(),
        )
        .await?;
        tally.teams += 1;
    }
    Ok(tally)
}
