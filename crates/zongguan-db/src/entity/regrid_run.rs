use sea_orm::entity::prelude::*;

/// One re-assignment of buildings to grids by point-in-polygon, and what it moved.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "regrid_run")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// running | done | failed
    pub status: String,
    pub trigger_unit_id: Option<i64>,
    pub checked: i64,
    pub moved: i64,
    pub outside: i64,
    pub houses_moved: i64,
    pub residents_moved: i64,
    /// JSON list of the moved buildings (the first 2,000).
    pub moves: String,
    pub error: Option<String>,
    pub created_by: Option<i64>,
    pub started_at: DateTimeUtc,
    pub finished_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
