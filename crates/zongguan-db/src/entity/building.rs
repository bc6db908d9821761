use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "building")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub code: String,
    pub name: String,
    pub address: String,
    pub grid_id: i64,
    pub lon: f64,
    pub lat: f64,
    pub footprint: Option<String>,
    pub floors: i32,
    pub structure: String,
    pub use_type: String,
    pub property_company_id: Option<i64>,
    pub manager: String,
    /// The row's subdistrict and community (kept by triggers, see `m0015_unit_keys`).
    pub subdistrict_id: Option<i64>,
    pub community_id: Option<i64>,
    pub created_by: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
