//! The inspection checklist, as data: items per rental type, failures general or major hazards.
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;
use utoipa::ToSchema;
use zongguan_core::governance::rental_class::RentalType;

use crate::DbResult;
use crate::entity::rental_checklist;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ChecklistItem {
    pub code: String,
    pub name: String,
    /// A failed answer is a major hazard (重大隐患); otherwise a general one.
    pub major: bool,
    /// The rental types it applies to; empty for every type.
    pub rental_types: Vec<String>,
}

impl ChecklistItem {
    pub fn applies_to(&self, t: Option<RentalType>) -> bool {
        self.rental_types.is_empty() || t.is_some_and(|t| self.rental_types.iter().any(|c| c == t.as_str()))
    }
}

/// The active items in their order; `rental_type` keeps those that apply to it (None: all).
pub async fn checklists<C: ConnectionTrait>(
    c: &C,
    rental_type: Option<RentalType>,
    all: bool,
) -> DbResult<Vec<ChecklistItem>> {
    let rows = rental_checklist::Entity::find()
        .filter(rental_checklist::Column::Active.eq(true))
        .order_by_asc(rental_checklist::Column::Sort)
        .order_by_asc(rental_checklist::Column::Id)
        .all(c)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| ChecklistItem {
            code: r.code,
            name: r.name,
            major: r.major,
            rental_types: r
                .rental_types
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect(),
        })
        .filter(|i| all || i.applies_to(rental_type))
        .collect())
}
