use sea_orm::entity::prelude::*;

/// One row of a case's timeline, written in the transaction of the transition.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "case_event")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub case_id: i64,
    pub action: String,
    pub from_state: Option<String>,
    pub to_state: String,
    pub actor_user_id: Option<i64>,
    pub actor_name: String,
    pub unit_id: Option<i64>,
    pub unit_name: String,
    pub department_id: Option<i64>,
    pub department_name: String,
    pub note: String,
    pub at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
