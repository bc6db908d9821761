//! What a dispute tells its notices (交办 to the mediating unit, 督办 when late, 销案 when closed):
//! the parties by name, the summary and demand, the type and source as the basis, the deadlines
//! and the result.
use chrono::Utc;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use zongguan_core::dict;
use zongguan_core::governance::notice_template::{Field, Values};
use zongguan_core::time::cst_date;

use super::disputes::visible;
use super::notices::{SubjectFacts, date_zh};
use crate::entity::{dispute_party, org_unit, resident};
use crate::{Actor, Db, DbResult};

pub(super) async fn dispute_notice_facts(db: &Db, actor: &Actor, id: i64) -> DbResult<SubjectFacts> {
    let c = &db.conn;
    let d = visible(c, &actor.scope, id).await?;
    let parties = dispute_party::Entity::find()
        .filter(dispute_party::Column::DisputeId.eq(d.id))
        .order_by_asc(dispute_party::Column::Sort)
        .all(c)
        .await?;
    let mut names = Vec::new();
    for p in &parties {
        match p.resident_id {
            Some(r) => {
                if let Some(r) = resident::Entity::find_by_id(r).one(c).await? {
                    names.push(r.name);
                }
            }
            None if !p.org_name.is_empty() => names.push(p.org_name.clone()),
            None => {}
        }
    }
    let addressee = match d.assigned_unit_id.or(Some(d.org_unit_id)) {
        Some(u) => org_unit::Entity::find_by_id(u)
            .one(c)
            .await?
            .map(|u| u.name)
            .unwrap_or_default(),
        None => String::new(),
    };
    let mut values = Values::new();
    values.insert(Field::Party, names.join("、"));
    let summary = if d.demand.trim().is_empty() {
        d.summary.clone()
    } else {
        format!("{}（诉求：{}）", d.summary, d.demand)
    };
    values.insert(Field::Summary, summary);
    values.insert(
        Field::Basis,
        format!(
            "{}，来源：{}{}",
            dict::word_of(dict::DISPUTE_TYPES, &d.dispute_type),
            dict::word_of(dict::DISPUTE_SOURCES, &d.source),
            if d.major { "，属重大矛盾纠纷" } else { "" }
        ),
    );
    let today = cst_date(Utc::now());
    let deadline = d.deadline.map(cst_date);
    if let Some(dl) = deadline.filter(|dl| *dl < today) {
        values.insert(Field::OriginalDeadline, date_zh(dl));
        values.insert(Field::DaysLate, (today - dl).num_days().to_string());
    }
    let result = [d.result.as_str(), d.agreement_text.as_str()]
        .into_iter()
        .find(|s| !s.trim().is_empty())
        .unwrap_or("")
        .to_string();
    values.insert(Field::Result, result);
    if let Some(t) = d.closed_at {
        values.insert(Field::ClosedOn, date_zh(cst_date(t)));
    }
    values.insert(Field::Handler, d.handler_name.clone());
    Ok(SubjectFacts {
        number: d.number.clone(),
        addressee,
        // A supervision states a new deadline, given by the issuer; others the dispute's own.
        deadline: deadline.filter(|dl| *dl >= today),
        unit_id: d.org_unit_id,
        subdistrict_id: d.subdistrict_id,
        community_id: d.community_id,
        values,
    })
}
