use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "camera")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub code: String,
    pub name: String,
    /// `CAMERA_KINDS` code.
    pub kind: String,
    /// `online` | `offline` | `fault`.
    pub status: String,
    pub lon: f64,
    pub lat: f64,
    pub grid_id: i64,
    pub subdistrict_id: Option<i64>,
    pub community_id: Option<i64>,
    pub installed_on: Option<Date>,
    pub note: String,
    pub created_by: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
