use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "dispute")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub year: i32,
    pub serial: i64,
    /// `JF2026-000123`.
    pub number: String,
    pub registered_at: DateTimeUtc,
    pub source: String,
    pub channel: String,
    pub dispute_type: String,
    pub people_involved: i32,
    pub size_band: String,
    pub major: bool,
    pub risk_level: String,
    pub summary: String,
    pub demand: String,
    pub address: String,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    /// The grid of the point, or the unit picked; its subdistrict and community beside it.
    pub org_unit_id: i64,
    pub subdistrict_id: Option<i64>,
    pub community_id: Option<i64>,
    pub screening_id: Option<i64>,
    pub state: String,
    pub return_visited: bool,
    pub step_deadline: Option<DateTimeUtc>,
    pub step_started_at: Option<DateTimeUtc>,
    pub assigned_unit_id: Option<i64>,
    pub mediator_id: Option<i64>,
    pub mediator_name: String,
    pub assigned_at: Option<DateTimeUtc>,
    pub deadline: Option<DateTimeUtc>,
    pub supervisions: i32,
    pub agreement_text: String,
    pub agreement_signed: Option<bool>,
    pub referral: Option<String>,
    pub result: String,
    pub ended_at: Option<DateTimeUtc>,
    pub satisfaction: Option<String>,
    pub visited_at: Option<DateTimeUtc>,
    pub visit_note: String,
    pub closed_at: Option<DateTimeUtc>,
    pub created_by: Option<i64>,
    pub handler_name: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
