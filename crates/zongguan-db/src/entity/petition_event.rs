use sea_orm::entity::prelude::*;

/// One step of a petition's timeline (m0020).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "petition_event")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub petition_id: i64,
    /// `PetitionAction::as_str`, or `register`.
    pub action: String,
    /// The day the step took effect.
    pub on_day: Date,
    pub actor_id: Option<i64>,
    pub actor_name: String,
    pub detail: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
