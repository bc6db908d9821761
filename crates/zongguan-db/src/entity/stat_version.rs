use sea_orm::entity::prelude::*;

/// Bumped by triggers whenever a counted row of the org unit changes (see `stats.rs`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "stat_version")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub org_unit_id: i64,
    pub version: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
