use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "house")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub building_id: i64,
    pub grid_id: i64,
    pub room: String,
    pub area: Option<f64>,
    pub use_type: String,
    pub owner_resident_id: Option<i64>,
    pub owner_org: String,
    pub is_rental: bool,
    pub rental_use: String,
    /// The confirmed risk class (`RiskClass::as_str`).
    pub rental_risk_class: Option<String>,
    /// `RentalType::as_str` (m0017 onwards).
    pub rental_type: Option<String>,
    pub rental_class_confirmed_by: Option<i64>,
    pub rental_class_confirmed_at: Option<DateTimeUtc>,
    /// The last proposal's class and its reasons (JSON).
    pub rental_proposed_class: Option<String>,
    pub rental_proposal: Option<String>,
    /// `BuildingCondition::as_str`; none when no one has graded the building.
    pub rental_building_condition: Option<String>,
    /// `Compliance::as_str`; none when unknown.
    pub rental_owner_compliance: Option<String>,
    pub last_inspected_on: Option<Date>,
    pub next_due_on: Option<Date>,
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
