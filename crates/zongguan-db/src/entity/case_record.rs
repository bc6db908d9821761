use sea_orm::entity::prelude::*;

/// A case: where it is, who has it, and its clock.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "case_record")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub code: String,
    pub item_code: String,
    pub category_code: String,
    pub description: String,
    pub address: String,
    pub building_code: Option<String>,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub grid_id: i64,
    pub community_id: i64,
    pub subdistrict_id: i64,
    pub owner_unit_id: i64,
    pub level: String,
    pub department_id: Option<i64>,
    pub source: String,
    pub state: String,
    pub paused: bool,
    pub version: i64,
    pub step: Option<String>,
    pub step_started_at: Option<DateTimeUtc>,
    pub deadline_at: Option<DateTimeUtc>,
    pub paused_at: Option<DateTimeUtc>,
    pub supervision_level: i32,
    pub rework_count: i32,
    pub late: bool,
    pub merged_into_id: Option<i64>,
    pub reporter_user_id: Option<i64>,
    pub reporter_name: String,
    /// The contact's masked form; the contact itself is sealed in `reporter_contact_enc`.
    pub reporter_contact: String,
    pub reporter_contact_enc: Option<String>,
    pub media_url: String,
    /// No location yet: the district center holds the case until someone places it.
    pub unlocated: bool,
    pub open311_token: Option<String>,
    pub reported_at: DateTimeUtc,
    pub dispatched_at: Option<DateTimeUtc>,
    pub closed_at: Option<DateTimeUtc>,
    pub created_by: Option<i64>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
