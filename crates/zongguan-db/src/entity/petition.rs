use sea_orm::entity::prelude::*;

/// A petition (信访事项) with its running clock and each step's dates (m0020).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "petition")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// `XF2026-000123`, serial per China year.
    pub number: String,
    pub channel: String,
    pub received_on: Date,
    pub category: String,
    pub matter: String,
    pub demand: String,
    pub place: String,
    pub headcount: i32,
    /// The unit responsible; with its subdistrict and community it places the petition.
    pub org_unit_id: i64,
    pub subdistrict_id: Option<i64>,
    pub community_id: Option<i64>,
    pub first_visit: bool,
    /// The earlier petition on the same matter this one repeats.
    pub repeat_of_id: Option<i64>,
    /// A later petition repeats this one.
    pub repeated: bool,
    /// `PetitionState::as_str`.
    pub state: String,
    /// The running term (`Term::as_str`) and its last day.
    pub term: Option<String>,
    pub due_on: Option<Date>,
    pub acceptance_due_on: Date,
    pub accepted_on: Option<Date>,
    pub assigned_on: Option<Date>,
    pub rejected_on: Option<Date>,
    pub reject_reason: String,
    pub handling_due_on: Option<Date>,
    pub extensions: i32,
    pub extension_days: i32,
    pub extension_reason: String,
    pub extension_approved_by: Option<i64>,
    pub answered_on: Option<Date>,
    pub answered_on_time: Option<bool>,
    pub answer: String,
    pub handler_id: Option<i64>,
    pub handler_name: String,
    pub review_requested_on: Option<Date>,
    pub reviewed_on: Option<Date>,
    pub review_answer: String,
    pub re_review_requested_on: Option<Date>,
    pub re_reviewed_on: Option<Date>,
    pub re_review_answer: String,
    pub return_visit_on: Option<Date>,
    pub satisfaction: Option<String>,
    pub feedback: String,
    pub closed_on: Option<Date>,
    pub created_by: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
