use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "resident")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub name: String,
    pub id_type: String,
    pub id_number_enc: String,
    /// [`zongguan_core::crypto::FieldCipher::keyed_hash_bytes`] of the number (m0010).
    pub id_number_hash: Vec<u8>,
    pub id_number_masked: String,
    pub gender: String,
    pub birth_date: Option<Date>,
    pub former_name: String,
    pub ethnicity: String,
    pub registration_type: String,
    pub native_place_code: String,
    pub registered_address_code: String,
    pub registered_address: String,
    pub current_address: String,
    pub phone_enc: Option<String>,
    pub phone_hash: Option<String>,
    pub phone_masked: String,
    pub education: String,
    pub marital_status: String,
    pub political_status: String,
    pub occupation: String,
    pub employer: String,
    pub nationality: String,
    pub special_groups: String,
    pub org_unit_id: i64,
    /// The row's subdistrict and community (kept by triggers, see `m0015_unit_keys`).
    pub subdistrict_id: Option<i64>,
    pub community_id: Option<i64>,
    /// Keyed hash of the identity number's last six characters (search by them).
    pub id_tail_hash: Option<Vec<u8>>,
    pub created_by: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
