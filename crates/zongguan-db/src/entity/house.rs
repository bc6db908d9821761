use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "house")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub building_id: i64,
    pub grid_id: i64,
    pub room: String,
    pub area: Option<f64>,
    pub use_type: String,
    pub owner_resident_id: Option<i64>,
    pub owner_org: String,
    pub is_rental: bool,
    pub rental_use: String,
    pub rental_risk_class: Option<String>,
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
