use sea_orm::entity::prelude::*;

/// A duty log: what happened on a shift (m0023).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "watch_log")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub team_id: i64,
    pub on_day: Date,
    pub shift: String,
    pub content: String,
    pub actor_id: Option<i64>,
    pub actor_name: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
