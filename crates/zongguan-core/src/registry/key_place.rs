//! Key places (schools, hospitals, markets, stations, …) as the form gives them.
use super::location::{Latitude, Longitude};
use crate::dict;
use crate::field::{FieldError, coded, named, optional_text, required};
use crate::phone::PhoneEdit;

/// A key place as typed, before checking.
#[derive(Debug, Clone, Copy, Default)]
pub struct KeyPlaceDraft<'a> {
    pub name: &'a str,
    pub place_type: &'a str,
    pub address: Option<&'a str>,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub org_unit_id: i64,
    pub owner: Option<&'a str>,
    pub person_in_charge: Option<&'a str>,
    pub phone: Option<&'a str>,
}

/// A checked key place.
#[derive(Debug, Clone, PartialEq)]
pub struct NewKeyPlace {
    pub name: String,
    /// A code of [`dict::PLACE_TYPES`].
    pub place_type: &'static str,
    pub address: String,
    pub lon: Option<Longitude>,
    pub lat: Option<Latitude>,
    /// Checked against the caller's data scope when written.
    pub org_unit_id: i64,
    pub owner: String,
    pub person_in_charge: String,
    pub phone: PhoneEdit,
}

/// Either coordinate may be given alone; each is checked on its own.
pub(super) fn optional_point(
    lon: Option<f64>,
    lat: Option<f64>,
) -> Result<(Option<Longitude>, Option<Latitude>), FieldError> {
    Ok((
        lon.map(Longitude::parse).transpose().map_err(named("lon"))?,
        lat.map(Latitude::parse).transpose().map_err(named("lat"))?,
    ))
}

impl NewKeyPlace {
    /// Checks the fields in the form's order and stops at the first refusal. `existing`: the form
    /// saves over a stored record, so a phone sent back masked keeps the stored one.
    pub fn parse(d: &KeyPlaceDraft<'_>, existing: bool) -> Result<Self, FieldError> {
        let name = required("name", "场所名称", d.name, 100)?;
        let place_type = coded("place_type", "场所类型", dict::PLACE_TYPES, d.place_type)?;
        let (lon, lat) = optional_point(d.lon, d.lat)?;
        Ok(Self {
            name,
            place_type,
            lon,
            lat,
            phone: PhoneEdit::parse(d.phone, existing).map_err(named("phone"))?,
            address: optional_text("address", "地址", d.address.unwrap_or(""), 200)?,
            owner: optional_text("owner", "产权单位", d.owner.unwrap_or(""), 100)?,
            person_in_charge: optional_text("person_in_charge", "负责人", d.person_in_charge.unwrap_or(""), 50)?,
            org_unit_id: d.org_unit_id,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_place_and_its_refusals() {
        let d = KeyPlaceDraft {
            name: "良安田小学",
            place_type: "学校",
            lat: Some(22.0),
            org_unit_id: 4,
            ..Default::default()
        };
        let p = NewKeyPlace::parse(&d, false).expect("a latitude alone is kept");
        assert_eq!((p.place_type, p.lon), ("school", None));
        assert_eq!(p.lat.map(Latitude::degrees), Some(22.0));
        let field = |d: KeyPlaceDraft<'_>| NewKeyPlace::parse(&d, false).map_err(|e| e.field);
        assert_eq!(
            field(KeyPlaceDraft {
                place_type: "机场",
                ..d
            }),
            Err("place_type")
        );
        assert_eq!(field(KeyPlaceDraft { lon: Some(200.0), ..d }), Err("lon"));
        assert_eq!(field(KeyPlaceDraft { lat: Some(90.0), ..d }), Err("lat"));
        let long = "字".repeat(201);
        assert_eq!(
            field(KeyPlaceDraft {
                phone: Some("x"),
                address: Some(&long),
                ..d
            }),
            Err("phone"),
            "the phone comes before the address"
        );
        assert_eq!(
            field(KeyPlaceDraft {
                owner: Some(&long),
                ..d
            }),
            Err("owner")
        );
    }
}
