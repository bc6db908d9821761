//! The registry's request bodies and their conversion into checked core values: the one place a
//! form's raw fields are checked, before any database work.
use serde::Deserialize;
use utoipa::ToSchema;
use zongguan_core::field::{FieldError, FieldErrors};
use zongguan_core::registry::{
    BuildingDraft, BuildingFields, HouseFields, KeyEnterpriseDraft, KeyPlaceDraft, NewBuilding, NewHouse,
    NewKeyEnterprise, NewKeyPlace, NewPropertyCompany, NewResident, NewSpecialGroup, PlacementDraft,
    PropertyCompanyDraft, ResidentDetailsDraft, ResidentDraft, ResidentEdit, SpecialGroupDraft,
};

fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BuildingInput {
    pub code: String,
    pub name: String,
    pub address: Option<String>,
    pub grid_id: i64,
    pub lon: f64,
    pub lat: f64,
    pub floors: Option<i32>,
    pub structure: Option<String>,
    pub use_type: String,
    pub property_company_id: Option<i64>,
    pub manager: Option<String>,
}

impl TryFrom<BuildingInput> for NewBuilding {
    type Error = FieldErrors;

    fn try_from(b: BuildingInput) -> Result<Self, FieldErrors> {
        let fields = BuildingFields::parse(&BuildingDraft {
            code: &b.code,
            name: &b.name,
            address: b.address.as_deref().unwrap_or(""),
            lon: b.lon,
            lat: b.lat,
            floors: b.floors.unwrap_or(1),
            use_type: &b.use_type,
        })?;
        Ok(Self {
            fields,
            grid_id: b.grid_id,
            structure: b.structure.unwrap_or_default(),
            property_company_id: b.property_company_id,
            manager: b.manager.unwrap_or_default(),
        })
    }
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HouseInput {
    pub building_id: i64,
    pub room: String,
    pub area: Option<f64>,
    pub use_type: String,
    pub owner_resident_id: Option<i64>,
    pub owner_org: Option<String>,
    pub is_rental: Option<bool>,
    pub rental_use: Option<String>,
}

impl TryFrom<HouseInput> for NewHouse {
    type Error = FieldErrors;

    fn try_from(h: HouseInput) -> Result<Self, FieldErrors> {
        Ok(Self {
            fields: HouseFields::parse(&h.room, h.area, &h.use_type)?,
            building_id: h.building_id,
            owner_resident_id: h.owner_resident_id,
            owner_org: h.owner_org.unwrap_or_default(),
            is_rental: h.is_rental.unwrap_or(false),
            rental_use: h.rental_use.unwrap_or_default(),
        })
    }
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResidentForm {
    pub name: String,
    /// Code or Chinese word; default 居民身份证.
    pub id_type: Option<String>,
    pub id_number: String,
    pub gender: Option<String>,
    pub birth_date: Option<String>,
    pub ethnicity: Option<String>,
    pub registration_type: String,
    pub phone: Option<String>,
    pub nationality: Option<String>,
    pub former_name: Option<String>,
    pub native_place_code: Option<String>,
    pub registered_address_code: Option<String>,
    pub registered_address: Option<String>,
    pub current_address: Option<String>,
    pub education: Option<String>,
    pub marital_status: Option<String>,
    pub political_status: Option<String>,
    pub occupation: Option<String>,
    pub employer: Option<String>,
    /// Special-group kinds (released_prisoner, community_correction, …).
    pub special_groups: Option<Vec<String>>,
    /// Where the person is registered when no house is given (a grid or community in scope).
    pub org_unit_id: Option<i64>,
    /// Moves the person into this house.
    pub house_id: Option<i64>,
    pub relation: Option<String>,
    pub since: Option<String>,
}

impl ResidentForm {
    fn drafts(self) -> (ResidentDraft, ResidentDetailsDraft) {
        let d = ResidentDraft {
            name: self.name,
            id_type: self.id_type.unwrap_or_default(),
            id_number: self.id_number,
            gender: self.gender.unwrap_or_default(),
            birth_date: self.birth_date.unwrap_or_default(),
            ethnicity: self.ethnicity.unwrap_or_default(),
            registration_type: self.registration_type,
            phone: self.phone.unwrap_or_default(),
            nationality: self.nationality.unwrap_or_default(),
        };
        let details = ResidentDetailsDraft {
            former_name: self.former_name.unwrap_or_default(),
            native_place_code: self.native_place_code.unwrap_or_default(),
            registered_address_code: self.registered_address_code.unwrap_or_default(),
            registered_address: self.registered_address.unwrap_or_default(),
            current_address: self.current_address.unwrap_or_default(),
            education: self.education.unwrap_or_default(),
            marital_status: self.marital_status.unwrap_or_default(),
            political_status: self.political_status.unwrap_or_default(),
            occupation: self.occupation.unwrap_or_default(),
            employer: self.employer.unwrap_or_default(),
            special_groups: self.special_groups.unwrap_or_default(),
        };
        (d, details)
    }
}

impl TryFrom<ResidentForm> for NewResident {
    type Error = FieldErrors;

    fn try_from(f: ResidentForm) -> Result<Self, FieldErrors> {
        let (house_id, org_unit_id) = (f.house_id, f.org_unit_id);
        let (relation, since) = (f.relation.clone(), f.since.clone());
        let (d, details) = f.drafts();
        let at = PlacementDraft {
            house_id,
            org_unit_id,
            relation: relation.as_deref(),
            since: since.as_deref(),
        };
        NewResident::parse(&d, &details, &at, today())
    }
}

impl TryFrom<ResidentForm> for ResidentEdit {
    type Error = FieldErrors;

    /// An identity number left empty or sent back masked, and a phone left out or sent back
    /// masked, keep the stored values.
    fn try_from(f: ResidentForm) -> Result<Self, FieldErrors> {
        let keep_id_number = f.id_number.trim().is_empty() || f.id_number.contains('*');
        let keep_phone = f.phone.as_deref().is_none_or(|p| p.contains('*'));
        let (d, details) = f.drafts();
        ResidentEdit::parse(d, details, keep_id_number, keep_phone, today())
    }
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SpecialGroupInput {
    pub kind: String,
    pub attention_level: Option<String>,
    pub youth_type: Option<String>,
    pub detail: Option<String>,
    pub since: Option<String>,
    pub until: Option<String>,
}

impl TryFrom<SpecialGroupInput> for NewSpecialGroup {
    type Error = FieldError;

    fn try_from(i: SpecialGroupInput) -> Result<Self, FieldError> {
        NewSpecialGroup::parse(&SpecialGroupDraft {
            kind: &i.kind,
            attention_level: i.attention_level.as_deref(),
            youth_type: i.youth_type.as_deref(),
            detail: i.detail.as_deref(),
            since: i.since.as_deref(),
            until: i.until.as_deref(),
        })
    }
}

/// A form that saves over a stored record: a phone sent back masked keeps the stored one.
pub struct Edit<T>(pub T);

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PropertyCompanyInput {
    pub name: String,
    pub credit_code: Option<String>,
    pub contact: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub org_unit_id: i64,
}

impl PropertyCompanyInput {
    fn parse(&self, existing: bool) -> Result<NewPropertyCompany, FieldError> {
        NewPropertyCompany::parse(
            &PropertyCompanyDraft {
                name: &self.name,
                credit_code: self.credit_code.as_deref(),
                contact: self.contact.as_deref(),
                phone: self.phone.as_deref(),
                address: self.address.as_deref(),
                org_unit_id: self.org_unit_id,
            },
            existing,
        )
    }
}

impl TryFrom<PropertyCompanyInput> for NewPropertyCompany {
    type Error = FieldError;

    fn try_from(i: PropertyCompanyInput) -> Result<Self, FieldError> {
        i.parse(false)
    }
}

impl TryFrom<Edit<PropertyCompanyInput>> for NewPropertyCompany {
    type Error = FieldError;

    fn try_from(Edit(i): Edit<PropertyCompanyInput>) -> Result<Self, FieldError> {
        i.parse(true)
    }
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct KeyPlaceInput {
    pub name: String,
    pub place_type: String,
    pub address: Option<String>,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub org_unit_id: i64,
    pub owner: Option<String>,
    pub person_in_charge: Option<String>,
    pub phone: Option<String>,
}

impl KeyPlaceInput {
    fn parse(&self, existing: bool) -> Result<NewKeyPlace, FieldError> {
        NewKeyPlace::parse(
            &KeyPlaceDraft {
                name: &self.name,
                place_type: &self.place_type,
                address: self.address.as_deref(),
                lon: self.lon,
                lat: self.lat,
                org_unit_id: self.org_unit_id,
                owner: self.owner.as_deref(),
                person_in_charge: self.person_in_charge.as_deref(),
                phone: self.phone.as_deref(),
            },
            existing,
        )
    }
}

impl TryFrom<KeyPlaceInput> for NewKeyPlace {
    type Error = FieldError;

    fn try_from(i: KeyPlaceInput) -> Result<Self, FieldError> {
        i.parse(false)
    }
}

impl TryFrom<Edit<KeyPlaceInput>> for NewKeyPlace {
    type Error = FieldError;

    fn try_from(Edit(i): Edit<KeyPlaceInput>) -> Result<Self, FieldError> {
        i.parse(true)
    }
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct KeyEnterpriseInput {
    pub name: String,
    pub credit_code: Option<String>,
    pub industry: String,
    pub hazard_class: Option<String>,
    pub staff_count: Option<i32>,
    pub licence_numbers: Option<String>,
    pub address: Option<String>,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub org_unit_id: i64,
    pub person_in_charge: Option<String>,
    pub phone: Option<String>,
}

impl KeyEnterpriseInput {
    fn parse(&self, existing: bool) -> Result<NewKeyEnterprise, FieldError> {
        NewKeyEnterprise::parse(
            &KeyEnterpriseDraft {
                name: &self.name,
                credit_code: self.credit_code.as_deref(),
                industry: &self.industry,
                hazard_class: self.hazard_class.as_deref(),
                staff_count: self.staff_count,
                licence_numbers: self.licence_numbers.as_deref(),
                address: self.address.as_deref(),
                lon: self.lon,
                lat: self.lat,
                org_unit_id: self.org_unit_id,
                person_in_charge: self.person_in_charge.as_deref(),
                phone: self.phone.as_deref(),
            },
            existing,
        )
    }
}

impl TryFrom<KeyEnterpriseInput> for NewKeyEnterprise {
    type Error = FieldError;

    fn try_from(i: KeyEnterpriseInput) -> Result<Self, FieldError> {
        i.parse(false)
    }
}

impl TryFrom<Edit<KeyEnterpriseInput>> for NewKeyEnterprise {
    type Error = FieldError;

    fn try_from(Edit(i): Edit<KeyEnterpriseInput>) -> Result<Self, FieldError> {
        i.parse(true)
    }
}
