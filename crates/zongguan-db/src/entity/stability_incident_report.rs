use sea_orm::entity::prelude::*;

/// One report of an incident to the level above (m0023).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "stability_incident_report")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub incident_id: i64,
    pub from_level: String,
    pub to_level: String,
    pub to_unit_id: Option<i64>,
    pub due_at: DateTimeUtc,
    pub reported_at: DateTimeUtc,
    pub on_time: bool,
    pub actor_id: Option<i64>,
    pub actor_name: String,
    pub note: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
