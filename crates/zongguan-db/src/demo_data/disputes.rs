//! The demo's disputes and screening rounds: in every community, disputes of the last four months
//! in every state (one overdue and supervised), parties from its residents; the communities' half-
//! month rounds and the subdistricts' monthly ones, zero reports among them, a few left missing.
use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use zongguan_core::dict;
use zongguan_core::geometry::Rng;
use zongguan_core::governance::dispute_kind::{dispute_number, size_band};
use zongguan_core::governance::screening::{Cadence, Period};

use super::people::person_name;
use crate::entity::{dispute, dispute_event, dispute_party, dispute_screening, org_unit, resident};
use crate::{Db, DbResult};

#[derive(Debug, Default, Clone, Copy)]
pub struct DisputeDemoTally {
    pub disputes: u64,
    pub rounds: u64,
}

const SUMMARIES: &[(&str, &str, &str)] = &[
    (
        "neighbourhood",
        "楼上住户夜间装修噪音扰民，双方多次发生口角",
        "要求停止夜间施工",
    ),
    (
        "neighbourhood",
        "邻居在公共走道堆放杂物，影响通行和消防安全",
        "要求清理杂物",
    ),
    ("family", "夫妻因子女抚养问题发生争执，女方要求离婚", "要求协商抚养费"),
    ("family", "兄弟姐妹因老人赡养费用分摊产生矛盾", "要求明确赡养责任"),
    (
        "labour_wages",
        "某电子厂拖欠员工三个月工资，员工聚集讨薪",
        "要求足额支付工资",
    ),
    ("labour_wages", "装修工程包工头拖欠工人工资", "要求支付劳务费"),
    (
        "land_demolition",
        "旧村改造项目补偿标准争议，部分村民不同意签约",
        "要求提高补偿标准",
    ),
    (
        "property_management",
        "业主不满物业服务质量，拒交物业管理费",
        "要求更换物业公司",
    ),
    (
        "property_management",
        "小区停车位收费标准调整引发业主不满",
        "要求维持原收费标准",
    ),
    ("consumer", "预付式消费健身房突然停业，会员卡无法使用", "要求退还预付款"),
    ("other", "商铺租赁合同到期后押金退还产生争议", "要求退还押金"),
];

const STATES: [&str; 9] = [
    "registered",
    "assigned",
    "assigned",
    "mediating",
    "agreement",
    "failed",
    "closed",
    "closed",
    "closed",
];

/// A timeline row: action, from state, to state, when, note.
type Step<'a> = (&'a str, Option<&'a str>, &'a str, DateTime<Utc>, String);

/// Ten in the morning, China time, `days` ago.
fn at(today: NaiveDate, days: i64) -> DateTime<Utc> {
    zongguan_core::time::cst_midnight(today - Duration::days(days)) + Duration::hours(10)
}

pub async fn disputes(db: &Db, seed: u64) -> DbResult<DisputeDemoTally> {
    let mut rng = Rng::new(seed ^ 0x4449_5350);
    let today = zongguan_core::time::cst_date(Utc::now());
    let now = Utc::now();
    let mut tally = DisputeDemoTally::default();
    let communities = org_unit::Entity::find()
        .filter(org_unit::Column::Level.eq("community"))
        .order_by_asc(org_unit::Column::Path)
        .all(&db.conn)
        .await?;
    let mut serials: BTreeMap<i32, i64> = BTreeMap::new();
    for (ci, c) in communities.iter().enumerate() {
        let grids: Vec<i64> = org_unit::Entity::find()
            .select_only()
            .column(org_unit::Column::Id)
            .filter(org_unit::Column::ParentId.eq(c.id))
            .into_tuple()
            .all(&db.conn)
            .await?;
        let people: Vec<i64> = resident::Entity::find()
            .select_only()
            .column(resident::Column::Id)
            .filter(resident::Column::CommunityId.eq(c.id))
            .limit(30)
            .into_tuple()
            .all(&db.conn)
            .await?;
        let txn = db.begin_write().await?;
        for (i, state) in STATES.iter().enumerate() {
            let (t, summary, demand) = *rng.pick(SUMMARIES);
            // Closed ones are older; registered ones are fresh (one in the community's first slot overdue).
            let age = match *state {
                "registered" => 0,
                "assigned" if i == 1 => 20 + rng.below(10) as i64,
                "assigned" | "mediating" => 2 + rng.below(5) as i64,
                "agreement" | "failed" => 8 + rng.below(10) as i64,
                _ => 15 + rng.below(100) as i64,
            };
            let reg = (at(today, age) + Duration::minutes(i as i64 * 7)).min(now - Duration::hours(1));
            let year = zongguan_core::time::cst_date(reg).year();
            let serial = serials.entry(year).or_insert(0);
            *serial += 1;
            let people_n: u32 = match rng.below(100) {
                0..=69 => 2 + rng.below(8) as u32,
                70..=84 => 50 + rng.below(50) as u32,
                85..=96 => 100 + rng.below(300) as u32,
                _ => 501 + rng.below(200) as u32,
            };
            let major = people_n >= 100 || t == "land_demolition";
            let unit = grids.get(i % grids.len().max(1)).copied().unwrap_or(c.id);
            let mediator = person_name(&mut rng);
            let assigned = *state != "registered";
            let t_assign = reg + Duration::days(1);
            let t_session = reg + Duration::days(3);
            let t_end = reg + Duration::days(6);
            let t_close = reg + Duration::days(9);
            let ended = matches!(*state, "agreement" | "failed" | "closed");
            let failed = *state == "failed" || (*state == "closed" && i == 8 && rng.below(2) == 0);
            let step_deadline = match *state {
                "registered" => Some(reg + Duration::days(2)),
                "assigned" if i == 1 => Some(now - Duration::days(3)),
                "assigned" | "mediating" => Some(t_assign + Duration::days(15)),
                "agreement" | "failed" => Some(t_end + Duration::days(7)),
                _ => None,
            };
            let d = dispute::ActiveModel {
                year: Set(year),
                serial: Set(*serial),
                number: Set(dispute_number(year, *serial)),
                registered_at: Set(reg),
                source: Set(dict::DISPUTE_SOURCES[(ci + i) % dict::DISPUTE_SOURCES.len()].0.into()),
                channel: Set(dict::DISPUTE_CHANNELS[(ci * 3 + i) % dict::DISPUTE_CHANNELS.len()]
                    .0
                    .into()),
                dispute_type: Set(t.into()),
                people_involved: Set(people_n as i32),
                size_band: Set(size_band(people_n).into()),
                major: Set(major),
                risk_level: Set(if major {
                    "high"
                } else if people_n >= 50 {
                    "medium"
                } else {
                    "low"
                }
                .into()),
                summary: Set(summary.into()),
                demand: Set(demand.into()),
                address: Set(format!("{}辖区", c.name)),
                org_unit_id: Set(unit),
                subdistrict_id: Set(c.subdistrict_id),
                community_id: Set(Some(c.id)),
                state: Set((*state).into()),
                return_visited: Set(*state == "closed"),
                step_deadline: Set(step_deadline),
                step_started_at: Set(Some(reg)),
                assigned_unit_id: Set(assigned.then_some(c.id)),
                mediator_name: Set(if assigned { mediator.clone() } else { String::new() }),
                assigned_at: Set(assigned.then_some(t_assign)),
                deadline: Set(assigned.then_some(t_assign + Duration::days(15))),
                supervisions: Set(0),
                agreement_text: Set(if ended && !failed {
                    "双方自愿达成如下协议：一方于十日内履行，另一方不再追究".into()
                } else {
                    String::new()
                }),
                agreement_signed: Set((ended && !failed).then_some(true)),
                referral: Set((ended && failed).then(|| "court".to_string())),
                result: Set(if !ended {
                    String::new()
                } else if failed {
                    "调解不成，引导诉讼".into()
                } else {
                    "调解成功，达成书面协议".into()
                }),
                ended_at: Set(ended.then_some(t_end)),
                satisfaction: Set(
                    (*state == "closed").then(|| if rng.below(10) < 8 { "satisfied" } else { "basic" }.to_string())
                ),
                visited_at: Set((*state == "closed").then_some(t_close)),
                visit_note: Set(String::new()),
                closed_at: Set((*state == "closed").then_some(t_close)),
                created_by: Set(None),
                handler_name: Set(format!("{}综管中心", c.name)),
                created_at: Set(reg),
                updated_at: Set(reg),
                ..Default::default()
            }
            .insert(&*txn)
            .await?;
            let mut parties = Vec::new();
            if let Some(p) = people.get((i * 2) % people.len().max(1)) {
                parties.push(("applicant", Some(*p), String::new()));
            }
            match people.get((i * 2 + 1) % people.len().max(1)) {
                Some(p) if t == "neighbourhood" || t == "family" => {
                    parties.push(("respondent", Some(*p), String::new()))
                }
                _ => parties.push((
                    "respondent",
                    None,
                    format!("深圳市{}实业有限公司", c.name.trim_end_matches("社区")),
                )),
            }
            for (k, (role, rid, name)) in parties.into_iter().enumerate() {
                dispute_party::ActiveModel {
                    dispute_id: Set(d.id),
                    sort: Set(k as i32),
                    role: Set(role.into()),
                    kind: Set(if rid.is_some() { "resident" } else { "organisation" }.into()),
                    resident_id: Set(rid),
                    org_name: Set(name),
                    credit_code: Set(String::new()),
                    ..Default::default()
                }
                .insert(&*txn)
                .await?;
            }
            let mut events: Vec<Step<'_>> = vec![("register", None, "registered", reg, String::new())];
            if assigned {
                events.push((
                    "assign",
                    Some("registered"),
                    "assigned",
                    t_assign,
                    format!("交办{}，调解员{mediator}", c.name),
                ));
            }
            if matches!(*state, "mediating" | "agreement" | "closed") && !failed {
                events.push((
                    "record_session",
                    Some("assigned"),
                    "mediating",
                    t_session,
                    "组织双方当面调解，听取陈述".into(),
                ));
            }
            if ended {
                if failed {
                    events.push((
                        "fail",
                        Some("assigned"),
                        "failed",
                        t_end,
                        "引导诉讼：一方拒绝调解".into(),
                    ));
                } else {
                    events.push(("agree", Some("mediating"), "agreement", t_end, "达成书面协议".into()));
                }
            }
            if *state == "closed" {
                let from = if failed { "failed" } else { "agreement" };
                events.push(("return_visit", Some(from), from, t_close, "回访：满意".into()));
                events.push(("close", Some(from), "closed", t_close, "销案".into()));
            }
            for (action, from, to, when, note) in events {
                dispute_event::ActiveModel {
                    dispute_id: Set(d.id),
                    action: Set(action.into()),
                    from_state: Set(from.map(String::from)),
                    to_state: Set(to.into()),
                    at: Set(when),
                    actor_id: Set(None),
                    actor_name: Set(format!("{}综管中心", c.name)),
                    note: Set(note),
                    deadline: Set(None),
                    session_on: Set((action == "record_session").then(|| zongguan_core::time::cst_date(when))),
                    participants: Set(if action == "record_session" {
                        format!("双方当事人、{mediator}")
                    } else {
                        String::new()
                    }),
                    ..Default::default()
                }
                .insert(&*txn)
                .await?;
            }
            tally.disputes += 1;
        }
        // Half-month rounds of the last four months; every fifth community leaves one missing.
        let mut p = Period::of(Cadence::HalfMonth, today - Duration::days(120));
        let current = Period::of(Cadence::HalfMonth, today);
        let mut k = 0;
        while p < current {
            k += 1;
            if !(ci % 5 == 4 && k == 6) {
                round(&*txn, c, p, &mut rng).await?;
                tally.rounds += 1;
            }
            p = p.next();
        }
        txn.commit().await?;
    }
    let subdistricts = org_unit::Entity::find()
        .filter(org_unit::Column::Level.eq("subdistrict"))
        .all(&db.conn)
        .await?;
    let txn = db.begin_write().await?;
    for s in &subdistricts {
        let mut p = Period::of(Cadence::Month, today - Duration::days(110));
        let current = Period::of(Cadence::Month, today);
        while p < current {
            round(&*txn, s, p, &mut rng).await?;
            tally.rounds += 1;
            p = p.next();
        }
    }
    txn.commit().await?;
    Ok(tally)
}

async fn round<C: sea_orm::ConnectionTrait>(c: &C, unit: &org_unit::Model, p: Period, rng: &mut Rng) -> DbResult<()> {
    let zero = rng.below(100) < 40;
    let mut by_type = BTreeMap::new();
    if !zero {
        for _ in 0..1 + rng.below(3) {
            let t = rng.pick(dict::DISPUTE_TYPES).0;
            *by_type.entry(t).or_insert(0u32) += 1 + rng.below(2) as u32;
        }
    }
    let found: u32 = by_type.values().sum();
    dispute_screening::ActiveModel {
        org_unit_id: Set(unit.id),
        subdistrict_id: Set(unit.subdistrict_id),
        community_id: Set(unit.community_id),
        period: Set(p.code()),
        cadence: Set(p.cadence().as_str().into()),
        period_start: Set(p.start()),
        period_end: Set(p.end()),
        by_type: Set(serde_json::to_string(&by_type).unwrap_or_else(|_| "{}".into())),
        found: Set(found as i32),
        zero_report: Set(zero),
        note: Set(if zero {
            "本期未排查出矛盾纠纷".into()
        } else {
            String::new()
        }),
        reported_by: Set(None),
        reporter_name: Set(format!("{}综管中心", unit.name)),
        reported_at: Set(zongguan_core::time::cst_midnight(p.end()) + Duration::hours(16)),
        ..Default::default()
    }
    .insert(c)
    .await?;
    Ok(())
}
