//! Base registries (人-房-地): buildings, houses, residents and where they live, special groups,
//! summary counts, and the property companies, key places and key enterprises filed under org units.
//! Entered once, shared by every department; every query takes the caller's data scope.
mod buildings;
mod houses;
mod key_enterprises;
mod key_places;
mod property_companies;
mod residences;
mod residents;
mod shared;
mod special_groups;
mod summary;

pub(crate) use buildings::buildings_matching;
pub use buildings::{
    Building, BuildingFilter, building_by_code, create_building, get_building, list_buildings, update_building,
};
pub(crate) use houses::PLACED as HOUSE_PLACED;
pub use houses::{House, HouseDetail, HouseFilter, create_house, get_house, list_houses, update_house};
pub use key_enterprises::{KeyEnterprise, get_key_enterprise, list_key_enterprises, save_key_enterprise};
pub use key_places::{KeyPlace, get_key_place, list_key_places, save_key_place};
pub use property_companies::{PropertyCompany, get_property_company, list_property_companies, save_property_company};
pub use residences::{MoveIn, MoveOut, Residence, move_in, move_out};
pub(crate) use residents::PLACED as RESIDENT_PLACED;
pub(crate) use residents::resident_model;
pub use residents::{
    NewResidentRow, Resident, ResidentDetail, ResidentFilter, create_resident, fill_id_tails, get_resident,
    id_for_number, list_residents, unmasked_values, update_resident,
};
pub use shared::PlaceFilter;
pub use special_groups::{SpecialGroupRecord, add_special_group, special_groups};
pub use summary::{UnitSummary, summary};

use zongguan_core::field::{FieldError, FieldErrors};

use crate::{Db, DbError};

impl From<FieldError> for DbError {
    fn from(e: FieldError) -> Self {
        DbError::invalid(e.field, e.message)
    }
}

impl From<FieldErrors> for DbError {
    fn from(e: FieldErrors) -> Self {
        e.into_first().into()
    }
}

/// Three characters or more go through the trigram index (FTS5 on SQLite, pg_trgm serves LIKE
/// on PostgreSQL); shorter text has no trigram and is matched with LIKE.
fn trigram_phrase(db: &Db, t: &str) -> Option<String> {
    (db.backend == crate::Backend::Sqlite && t.chars().count() >= 3).then(|| format!("\"{}\"", t.replace('"', "\"\"")))
}
