use sea_orm::entity::prelude::*;

/// A notice as issued: its serial, its subject, its archived (encrypted) document.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "notice")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub kind: String,
    pub serial: String,
    pub year: i32,
    pub number: i32,
    pub issuing_unit_id: i64,
    pub issuing_unit_name: String,
    pub subject_kind: String,
    pub subject_id: i64,
    pub subject_number: String,
    pub addressee: String,
    pub unit_id: i64,
    pub subdistrict_id: Option<i64>,
    pub community_id: Option<i64>,
    pub deadline: Option<Date>,
    pub file_key: String,
    pub file_sha256: String,
    pub file_size: i64,
    pub issued_by: Option<i64>,
    pub issued_by_name: String,
    pub issued_at: DateTimeUtc,
    pub voided_at: Option<DateTimeUtc>,
    pub voided_by: Option<i64>,
    pub void_reason: String,
    pub returned_at: Option<DateTimeUtc>,
    pub return_receiver: String,
    pub return_result: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
