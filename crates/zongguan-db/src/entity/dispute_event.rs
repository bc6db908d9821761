use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "dispute_event")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub dispute_id: i64,
    /// `register` or a [`zongguan_core::governance::dispute_flow::DisputeAction`] name.
    pub action: String,
    pub from_state: Option<String>,
    pub to_state: String,
    pub at: DateTimeUtc,
    pub actor_id: Option<i64>,
    pub actor_name: String,
    pub note: String,
    /// The step deadline the action set.
    pub deadline: Option<DateTimeUtc>,
    /// A mediation session's date and participants (`note` holds its content).
    pub session_on: Option<Date>,
    pub participants: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
