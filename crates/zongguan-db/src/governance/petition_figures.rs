//! The monthly petition figures for a unit: accepted, first and repeat visits, on-time closure,
//! resolved at first contact and satisfaction, each rate with its numerator and denominator.
//!
//! What counts, for a month: registered = received in it; accepted = accepted in it; first and
//! repeat visits among those registered; on-time closure = answered in it on or before the
//! handling term's last day (extension included), over all answered in it; resolved at first
//! contact = first visits answered in it that needed no review and were not repeated, over all
//! first visits answered in it; satisfaction = return visits in it answered satisfied or basically
//! satisfied, over all return visits in it.
use chrono::{Datelike, NaiveDate};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter};
use serde::Serialize;
use utoipa::ToSchema;
use zongguan_core::governance::Satisfaction;
use zongguan_core::governance::petition_figures::{COLLECTIVE_HEADCOUNT, Rate};
use zongguan_core::rbac::Scope;

use super::petitions::{PLACED, resolved};
use crate::entity::petition;
use crate::{Db, DbError, DbResult, scope};

/// A rate: `percent` rounded half up to two decimals, none when the denominator is 0.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RateFigure {
    pub numerator: u64,
    pub denominator: u64,
    pub percent: Option<f64>,
}

impl From<Rate> for RateFigure {
    fn from(r: Rate) -> Self {
        RateFigure {
            numerator: r.numerator,
            denominator: r.denominator,
            percent: r.percent,
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PetitionFigures {
    /// `YYYY-MM`.
    pub month: String,
    pub org_unit_id: Option<i64>,
    pub registered: u64,
    pub accepted: u64,
    pub not_accepted: u64,
    pub first_visits: u64,
    pub repeat_visits: u64,
    pub collective: u64,
    pub answered: u64,
    pub on_time: RateFigure,
    pub first_contact: RateFigure,
    pub satisfaction: RateFigure,
}

/// The month `YYYY-MM` as its first and last day.
pub fn month_range(month: &str) -> DbResult<(NaiveDate, NaiveDate)> {
    let bad = || DbError::invalid("month", "月份格式应为 YYYY-MM");
    if month.len() != 7 {
        return Err(bad());
    }
    let first = NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d").map_err(|_| bad())?;
    let next = if first.month() == 12 {
        NaiveDate::from_ymd_opt(first.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(first.year(), first.month() + 1, 1)
    }
    .ok_or_else(bad)?;
    Ok((first, next.pred_opt().ok_or_else(bad)?))
}

pub async fn petition_figures(
    db: &Db,
    scope: &Scope,
    org_unit_id: Option<i64>,
    month: &str,
) -> DbResult<PetitionFigures> {
    let (first, last) = month_range(month)?;
    // Another unit's figures are not found, as its petitions are not.
    if let Some(id) = org_unit_id {
        super::petitions::unit_in_scope(&db.conn, scope, id)
            .await
            .map_err(|_| DbError::NotFound)?;
    }
    let inside = |c: petition::Column| Condition::all().add(c.gte(first)).add(c.lte(last));
    let rows = petition::Entity::find()
        .filter(scope::placed_under(&db.conn, scope, org_unit_id, &PLACED).await?)
        .filter(
            Condition::any()
                .add(inside(petition::Column::ReceivedOn))
                .add(inside(petition::Column::AcceptedOn))
                .add(inside(petition::Column::RejectedOn))
                .add(inside(petition::Column::AnsweredOn))
                .add(inside(petition::Column::ReturnVisitOn)),
        )
        .all(&db.conn)
        .await?;
    let within = |d: Option<NaiveDate>| d.is_some_and(|d| d >= first && d <= last);
    let count = |f: &dyn Fn(&petition::Model) -> bool| rows.iter().filter(|r| f(r)).count() as u64;
    let registered = |r: &petition::Model| within(Some(r.received_on));
    let answered = |r: &petition::Model| within(r.answered_on);
    let visited = |r: &petition::Model| within(r.return_visit_on);
    let satisfied = |r: &petition::Model| {
        r.satisfaction
            .as_deref()
            .and_then(Satisfaction::parse)
            .is_some_and(Satisfaction::counts_as_satisfied)
    };
    Ok(PetitionFigures {
        month: month.to_string(),
        org_unit_id,
        registered: count(&registered),
        accepted: count(&|r| within(r.accepted_on)),
        not_accepted: count(&|r| within(r.rejected_on)),
        first_visits: count(&|r| registered(r) && r.first_visit),
        repeat_visits: count(&|r| registered(r) && !r.first_visit),
        collective: count(&|r| registered(r) && r.headcount >= COLLECTIVE_HEADCOUNT),
        answered: count(&answered),
        on_time: Rate::new(
            count(&|r| answered(r) && r.answered_on_time == Some(true)),
            count(&answered),
        )
        .into(),
        first_contact: Rate::new(
            count(&|r| answered(r) && r.first_visit && resolved(r)),
            count(&|r| answered(r) && r.first_visit),
        )
        .into(),
        satisfaction: Rate::new(count(&|r| visited(r) && satisfied(r)), count(&visited)).into(),
    })
}
