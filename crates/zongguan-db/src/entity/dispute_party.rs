use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "dispute_party")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub dispute_id: i64,
    pub sort: i32,
    /// `applicant` | `respondent`.
    pub role: String,
    /// `resident` | `organisation`.
    pub kind: String,
    pub resident_id: Option<i64>,
    pub org_name: String,
    pub credit_code: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
