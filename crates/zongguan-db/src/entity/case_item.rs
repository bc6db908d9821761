use sea_orm::entity::prelude::*;

/// A case item (小类): its default department duty and step limits ("4h", "5wd").
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "case_item")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub code: String,
    pub category_code: String,
    pub name: String,
    pub department_seq: String,
    pub severity: String,
    pub accept_limit: String,
    pub dispatch_limit: String,
    pub handle_limit: String,
    pub verify_limit: String,
    pub enabled: bool,
    pub sort: i32,
    pub updated_at: DateTimeUtc,
    /// The words people use for it, "摆摊、占道" (the item suggestion reads them).
    pub keywords: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
