use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "inspection_task")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub house_id: i64,
    pub grid_id: i64,
    pub subdistrict_id: Option<i64>,
    pub community_id: Option<i64>,
    /// The grid worker's user.
    pub assignee_id: i64,
    pub assigned_by: Option<i64>,
    pub due_on: Date,
    /// `open` | `done`.
    pub state: String,
    pub done_by_inspection_id: Option<i64>,
    pub done_at: Option<DateTimeUtc>,
    pub created_by: Option<i64>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
