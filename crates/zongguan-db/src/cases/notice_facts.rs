//! What a case tells a notice about it (交办 to its department, 督办 when late, 销案 when closed),
//! read under the caller's view of cases.
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use zongguan_core::governance::notice_template::{Field, Values};
use zongguan_core::time::cst_date;

use super::access::visible_case;
use super::routing::item_by_code;
use crate::entity::{case_event, case_notice, department, org_unit};
use crate::governance::{SubjectFacts, date_zh};
use crate::{Actor, Db, DbError, DbResult};

pub async fn notice_facts(db: &Db, actor: &Actor, id: i64) -> DbResult<SubjectFacts> {
    let c = &db.conn;
    let case = visible_case(c, actor, id).await?;
    let item = item_by_code(db, &case.item_code).await?;
    let addressee = match case.department_id {
        Some(d) => department::Entity::find_by_id(d).one(c).await?.map(|d| d.name),
        None => None,
    };
    let addressee = match addressee {
        Some(a) => a,
        None => org_unit::Entity::find_by_id(case.owner_unit_id)
            .one(c)
            .await?
            .map(|u| u.name)
            .ok_or(DbError::NotFound)?,
    };
    let mut values = Values::new();
    values.insert(Field::Party, case.reporter_name.clone());
    let what = item.as_ref().map_or(String::new(), |i| format!("【{}】", i.name));
    values.insert(
        Field::Summary,
        format!("{what}{}（地址：{}）", case.description, case.address),
    );
    if let Some(i) = &item {
        values.insert(Field::Basis, format!("{}事件，按职责交办", i.name));
    }
    if let Some(n) = case_notice::Entity::find()
        .filter(case_notice::Column::CaseId.eq(case.id))
        .order_by_desc(case_notice::Column::Id)
        .one(c)
        .await?
    {
        if let Some(d) = n.original_deadline {
            values.insert(Field::OriginalDeadline, date_zh(cst_date(d)));
        }
        values.insert(Field::DaysLate, (n.overdue_seconds.max(0) / 86_400).to_string());
    }
    if let Some(e) = case_event::Entity::find()
        .filter(case_event::Column::CaseId.eq(case.id))
        .filter(case_event::Column::Action.is_in(["feedback", "close"]))
        .order_by_desc(case_event::Column::Id)
        .one(c)
        .await?
        && !e.note.is_empty()
    {
        values.insert(Field::Result, e.note);
    }
    if let Some(t) = case.closed_at {
        values.insert(Field::ClosedOn, date_zh(cst_date(t)));
    }
    Ok(SubjectFacts {
        number: case.code.clone(),
        addressee,
        deadline: case.deadline_at.map(cst_date),
        unit_id: case.grid_id,
        subdistrict_id: Some(case.subdistrict_id),
        community_id: Some(case.community_id),
        values,
    })
}
