//! Registry records as the web forms and the spreadsheet import give them: raw values in, checked
//! values out, each refusal naming its field. The form and the import call the same functions, so
//! the same bad value gets the same message from both.
mod building;
mod credit_code;
mod key_enterprise;
mod key_place;
mod location;
mod property_company;
pub mod residence;
mod resident;
mod special_group;

pub use building::{
    Area, AreaError, BuildingDraft, BuildingFields, Floors, FloorsError, HouseFields, NewBuilding, NewHouse,
};
pub use credit_code::{CreditCode, CreditCodeError};
pub use key_enterprise::{KeyEnterpriseDraft, NewKeyEnterprise};
pub use key_place::{KeyPlaceDraft, NewKeyPlace};
pub use location::{Latitude, Longitude, OutOfChina};
pub use property_company::{NewPropertyCompany, PropertyCompanyDraft};
pub use residence::NewResidence;
pub use resident::{
    NewResident, Placement, PlacementDraft, ResidentChange, ResidentDetails, ResidentDetailsDraft, ResidentDraft,
    ResidentRecord,
};
pub use special_group::{NewSpecialGroup, SpecialGroupDraft};

// The names the db layer calls until it moves to the values above (removed with the last caller).
pub use crate::field::{FieldError, coded, date, optional_text, required};
pub type ResidentInput = ResidentDraft;

pub fn check_resident(r: &ResidentDraft, today: chrono::NaiveDate) -> Result<ResidentRecord, Vec<FieldError>> {
    ResidentRecord::parse(r, today).map_err(crate::field::FieldErrors::into_vec)
}

pub fn phone(field: &'static str, v: &str) -> Result<String, FieldError> {
    crate::phone::Phone::parse(v)
        .map(|p| p.as_str().to_string())
        .map_err(crate::field::named(field))
}

pub fn credit_code(field: &'static str, v: &str) -> Result<String, FieldError> {
    CreditCode::parse(v)
        .map(|c| c.as_str().to_string())
        .map_err(crate::field::named(field))
}
