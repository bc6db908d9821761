//! The timeline row every write adds, with the names of who acted.
use chrono::{DateTime, Utc};
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait};
use zongguan_core::case_flow::CaseState;

use crate::entity::{case_event, department, org_unit};
use crate::{Actor, DbResult};

/// Center (org unit) and department names of the actor, for the timeline.
pub(super) async fn actor_names<C: ConnectionTrait>(c: &C, u: &Actor) -> DbResult<(String, String)> {
    let unit = match u.org_unit_id {
        Some(id) => org_unit::Entity::find_by_id(id)
            .one(c)
            .await?
            .map(|m| m.name)
            .unwrap_or_default(),
        None => String::new(),
    };
    let dept = match u.department_id {
        Some(id) => department::Entity::find_by_id(id)
            .one(c)
            .await?
            .map(|m| m.name)
            .unwrap_or_default(),
        None => String::new(),
    };
    Ok((unit, dept))
}

#[expect(clippy::too_many_arguments, reason = "one timeline row names all of these")]
pub(super) fn event(
    case_id: i64,
    action: &str,
    from: Option<CaseState>,
    to: CaseState,
    u: &Actor,
    names: &(String, String),
    note: String,
    at: DateTime<Utc>,
) -> case_event::ActiveModel {
    case_event::ActiveModel {
        case_id: Set(case_id),
        action: Set(action.into()),
        from_state: Set(from.map(|s| s.as_str().into())),
        to_state: Set(to.as_str().into()),
        actor_user_id: Set(u.user_id),
        actor_name: Set(u.name.clone()),
        unit_id: Set(u.org_unit_id),
        unit_name: Set(names.0.clone()),
        department_id: Set(u.department_id),
        department_name: Set(names.1.clone()),
        note: Set(note),
        at: Set(at),
        ..Default::default()
    }
}
