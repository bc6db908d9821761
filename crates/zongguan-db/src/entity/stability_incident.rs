use sea_orm::entity::prelude::*;

/// A stability incident (维稳事件) (m0023).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "stability_incident")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub kind: String,
    pub level: String,
    pub headcount: i32,
    pub title: String,
    pub description: String,
    pub address: String,
    pub lng: Option<f64>,
    pub lat: Option<f64>,
    pub occurred_at: DateTimeUtc,
    pub learned_at: DateTimeUtc,
    pub state: String,
    pub at_level: String,
    pub report_due_at: Option<DateTimeUtc>,
    pub closed_at: Option<DateTimeUtc>,
    pub closing_note: String,
    pub district_told: bool,
    pub org_unit_id: i64,
    pub subdistrict_id: Option<i64>,
    pub community_id: Option<i64>,
    pub created_by: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
