use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "import_job")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub kind: String,
    pub mode: String,
    pub status: String,
    pub file_name: String,
    pub total: i64,
    pub processed: i64,
    pub accepted: i64,
    pub rejected: String,
    pub header: String,
    pub rejected_rows: String,
    pub error: Option<String>,
    pub created_by: Option<i64>,
    pub org_unit_id: Option<i64>,
    pub created_at: DateTimeUtc,
    pub finished_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
