use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "rental_inspection")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub house_id: i64,
    /// The house's grid, community and subdistrict when the visit was written.
    pub grid_id: i64,
    pub subdistrict_id: Option<i64>,
    pub community_id: Option<i64>,
    pub inspected_on: Date,
    pub inspector_id: Option<i64>,
    pub inspector_name: String,
    /// The house's class at the time.
    pub risk_class: Option<String>,
    /// `{"<checklist code>": "pass" | "fail" | "na"}`.
    pub answers: String,
    pub sanitation: String,
    pub hazards: i32,
    pub major_hazards: i32,
    pub findings: String,
    pub rectification: String,
    pub rectify_by: Option<Date>,
    pub rectified_at: Option<DateTimeUtc>,
    pub rectified_by: Option<i64>,
    pub owner_signature: String,
    pub next_due_on: Date,
    pub created_by: Option<i64>,
    pub created_at: DateTimeUtc,
    /// When the community was told its rectification is overdue (m0022).
    pub overdue_notified_at: Option<DateTimeUtc>,
    /// The case made from its finding, if one was (m0022).
    pub case_id: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
