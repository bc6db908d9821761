use sea_orm::entity::prelude::*;

/// A petitioner of a petition: a resident of the registry (m0020).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "petition_party")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub petition_id: i64,
    pub resident_id: i64,
    /// The resident's keyed ID-number hash: repeat petitioners are found by it.
    pub id_number_hash: Vec<u8>,
    pub sort: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
