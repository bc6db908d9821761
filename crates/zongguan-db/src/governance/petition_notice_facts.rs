//! What a petition tells its letters (受理 / 不予受理告知书, 处理 / 复查 / 复核意见书): the
//! petitioners by name, the dates, the matter, the answer of the step the letter concludes and
//! the terms from the limits in force.
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use zongguan_core::governance::notice_serial::NoticeKind;
use zongguan_core::governance::notice_template::{Field, Values};

use super::notices::{SubjectFacts, date_zh};
use super::petition_limits::petition_limits;
use super::petitions::visible_petition;
use crate::entity::{petition_party, resident};
use crate::{Actor, Db, DbResult};

pub(super) async fn petition_notice_facts(db: &Db, actor: &Actor, id: i64, kind: NoticeKind) -> DbResult<SubjectFacts> {
    let c = &db.conn;
    let p = visible_petition(c, &actor.scope, id).await?;
    let parties = petition_party::Entity::find()
        .filter(petition_party::Column::PetitionId.eq(p.id))
        .order_by_asc(petition_party::Column::Sort)
        .all(c)
        .await?;
    let mut names = Vec::new();
    for party in &parties {
        if let Some(r) = resident::Entity::find_by_id(party.resident_id).one(c).await? {
            names.push(r.name);
        }
    }
    let petitioner = match names.as_slice() {
        [] => String::new(),
        [one] if p.headcount <= 1 => one.clone(),
        [first, ..] if p.headcount as usize > names.len() => format!("{first}等{}人", p.headcount),
        all => all.join("、"),
    };
    let limits = petition_limits(c).await?;
    let mut values = Values::new();
    values.insert(Field::Petitioner, petitioner.clone());
    values.insert(Field::Party, petitioner.clone());
    values.insert(Field::ReceivedOn, date_zh(p.received_on));
    let matter = if p.demand.trim().is_empty() {
        p.matter.clone()
    } else {
        format!("{}（诉求：{}）", p.matter, p.demand)
    };
    values.insert(Field::Matter, matter.clone());
    values.insert(Field::Summary, matter);
    if let Some(d) = p.accepted_on {
        values.insert(Field::AcceptedOn, date_zh(d));
    }
    values.insert(Field::HandlingTerm, limits.handling.zh());
    values.insert(Field::Reason, p.reject_reason.clone());
    let (answer, term) = match kind {
        NoticeKind::PetitionReviewAnswer => (&p.review_answer, limits.re_review_request),
        NoticeKind::PetitionReReviewAnswer => (&p.re_review_answer, limits.re_review_request),
        _ => (&p.answer, limits.review_request),
    };
    // The stored answer ends with the petitioner's rights; the letter's template states them.
    let answer: Vec<&str> = answer
        .lines()
        .filter(|l| !(l.contains("上一级机关复查") || l.contains("请求复核") || l.contains("不再受理")))
        .collect();
    values.insert(Field::Answer, answer.join("\n"));
    values.insert(Field::ReviewTerm, term.zh());
    values.insert(Field::Handler, p.handler_name.clone());
    Ok(SubjectFacts {
        number: p.number.clone(),
        addressee: petitioner,
        deadline: p.handling_due_on,
        unit_id: p.org_unit_id,
        subdistrict_id: p.subdistrict_id,
        community_id: p.community_id,
        values,
    })
}
