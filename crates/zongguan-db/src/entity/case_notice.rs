use sea_orm::entity::prelude::*;

/// A supervision notice (督办通知书).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "case_notice")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub case_id: i64,
    pub kind: String,
    pub serial: String,
    pub issuing_unit_id: Option<i64>,
    pub issuing_unit_name: String,
    pub department_id: Option<i64>,
    pub department_name: String,
    pub original_deadline: Option<DateTimeUtc>,
    pub new_deadline: Option<DateTimeUtc>,
    pub overdue_seconds: i64,
    pub note: String,
    pub issued_by: Option<i64>,
    pub issued_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
