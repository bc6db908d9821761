use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "dispute_screening")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The community or subdistrict that screened.
    pub org_unit_id: i64,
    pub subdistrict_id: Option<i64>,
    pub community_id: Option<i64>,
    /// `2026-10-h1` | `2026-10`.
    pub period: String,
    pub cadence: String,
    pub period_start: Date,
    pub period_end: Date,
    /// `{"<dispute type>": n}`.
    pub by_type: String,
    pub found: i32,
    pub zero_report: bool,
    pub note: String,
    pub reported_by: Option<i64>,
    pub reporter_name: String,
    pub reported_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
