use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "org_unit")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub level: String,
    pub code: String,
    pub name: String,
    pub parent_id: Option<i64>,
    pub path: String,
    pub community_name: Option<String>,
    pub sort: i32,
    pub geometry: Option<String>,
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
