use sea_orm::entity::prelude::*;

/// A follow-up visit to a resident of a special group (m0023).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "special_group_visit")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub resident_id: i64,
    pub record_id: i64,
    pub group_kind: String,
    pub visited_on: Date,
    pub form: String,
    pub visitor_name: String,
    pub visitor_id: Option<i64>,
    pub situation: String,
    pub level_before: String,
    pub level_after: Option<String>,
    pub org_unit_id: i64,
    pub subdistrict_id: Option<i64>,
    pub community_id: Option<i64>,
    pub created_by: Option<i64>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
