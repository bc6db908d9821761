use sea_orm::entity::prelude::*;

/// A photo of a case, stored in the object store under `object_key`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "case_photo")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub case_id: i64,
    /// report | feedback
    pub stage: String,
    pub content_type: String,
    pub size: i64,
    pub object_key: String,
    pub thumb_key: Option<String>,
    pub uploaded_by: Option<i64>,
    pub uploaded_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
