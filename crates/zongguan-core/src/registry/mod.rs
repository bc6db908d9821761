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
    ResidentEdit, ResidentRecord,
};
pub use special_group::{NewSpecialGroup, SpecialGroupDraft};
