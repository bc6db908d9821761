//! Buildings and houses as a form or a spreadsheet row gives them: the checks both share.
use std::fmt;

use super::location::{Latitude, Longitude};
use crate::dict;
use crate::field::{FieldError, FieldErrors, Refusals, coded, named, optional_text, required};

/// Storeys above ground, 1–200. The field is private: the way in is [`Floors::parse`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Floors(i32);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FloorsError;

impl fmt::Display for FloorsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("层数须在 1–200 之间")
    }
}

impl std::error::Error for FloorsError {}

impl Floors {
    pub fn parse(n: i32) -> Result<Self, FloorsError> {
        if (1..=200).contains(&n) {
            Ok(Self(n))
        } else {
            Err(FloorsError)
        }
    }
    pub fn get(self) -> i32 {
        self.0
    }
}

/// A house's floor area in square metres: more than 0 and less than 100,000.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct Area(f64);

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AreaError(pub f64);

impl fmt::Display for AreaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "面积 {} 须大于 0 且小于 100000 平方米", self.0)
    }
}

impl std::error::Error for AreaError {}

impl Area {
    pub fn parse(a: f64) -> Result<Self, AreaError> {
        if a > 0.0 && a < 100_000.0 {
            Ok(Self(a))
        } else {
            Err(AreaError(a))
        }
    }
    pub fn square_metres(self) -> f64 {
        self.0
    }
}

/// A building's fields as typed, before checking.
#[derive(Debug, Clone, Copy)]
pub struct BuildingDraft<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub address: &'a str,
    pub lon: f64,
    pub lat: f64,
    pub floors: i32,
    /// The code or the Chinese word.
    pub use_type: &'a str,
}

/// A building's checked fields, the same for the form and the import. The fields are private: the
/// way in is [`BuildingFields::parse`].
#[derive(Debug, Clone, PartialEq)]
pub struct BuildingFields {
    code: String,
    name: String,
    address: String,
    lon: Longitude,
    lat: Latitude,
    floors: Floors,
    use_type: &'static str,
}

impl BuildingFields {
    /// Checks every field and reports every refusal, in the form's order.
    pub fn parse(d: &BuildingDraft<'_>) -> Result<Self, FieldErrors> {
        let mut r = Refusals::default();
        let code = r.keep(required("code", "楼栋编码", d.code, 32));
        let name = r.keep(required("name", "楼栋名称", d.name, 100));
        let address = r.keep(optional_text("address", "地址", d.address, 200));
        let lon = r.keep(Longitude::parse(d.lon).map_err(named("lon")));
        let lat = r.keep(Latitude::parse(d.lat).map_err(named("lat")));
        let floors = r.keep(Floors::parse(d.floors).map_err(named("floors")));
        let use_type = r.keep(coded("use_type", "用途", dict::USE_TYPES, d.use_type));
        r.finish()?;
        match (code, name, address, lon, lat, floors, use_type) {
            (Some(code), Some(name), Some(address), Some(lon), Some(lat), Some(floors), Some(use_type)) => Ok(Self {
                code,
                name,
                address,
                lon,
                lat,
                floors,
                use_type,
            }),
            // Every missing value left a refusal, and there was none.
            _ => Err(FieldError::new("code", "楼栋信息不完整").into()),
        }
    }

    pub fn code(&self) -> &str {
        &self.code
    }
    pub fn name(&self) -> &str {
        &self.name
    }
    pub fn address(&self) -> &str {
        &self.address
    }
    pub fn lon(&self) -> Longitude {
        self.lon
    }
    pub fn lat(&self) -> Latitude {
        self.lat
    }
    pub fn floors(&self) -> Floors {
        self.floors
    }
    /// A code of [`dict::USE_TYPES`].
    pub fn use_type(&self) -> &'static str {
        self.use_type
    }
}

/// A building to create or to save over a stored one.
#[derive(Debug, Clone, PartialEq)]
pub struct NewBuilding {
    pub fields: BuildingFields,
    /// Checked against the caller's data scope when written.
    pub grid_id: i64,
    pub structure: String,
    pub property_company_id: Option<i64>,
    pub manager: String,
}

/// A house's checked fields, the same for the form and the import. The fields are private: the
/// way in is [`HouseFields::parse`].
#[derive(Debug, Clone, PartialEq)]
pub struct HouseFields {
    room: String,
    area: Option<Area>,
    use_type: &'static str,
}

impl HouseFields {
    /// Checks every field and reports every refusal, in the form's order.
    pub fn parse(room: &str, area: Option<f64>, use_type: &str) -> Result<Self, FieldErrors> {
        let mut r = Refusals::default();
        let room = r.keep(required("room", "房号", room, 20));
        let area = r.keep(area.map(Area::parse).transpose().map_err(named("area")));
        let use_type = r.keep(coded("use_type", "用途", dict::USE_TYPES, use_type));
        r.finish()?;
        match (room, area, use_type) {
            (Some(room), Some(area), Some(use_type)) => Ok(Self { room, area, use_type }),
            // Every missing value left a refusal, and there was none.
            _ => Err(FieldError::new("room", "房屋信息不完整").into()),
        }
    }

    pub fn room(&self) -> &str {
        &self.room
    }
    pub fn area(&self) -> Option<Area> {
        self.area
    }
    /// A code of [`dict::USE_TYPES`].
    pub fn use_type(&self) -> &'static str {
        self.use_type
    }
}

/// A house to create (in `building_id`) or to save over a stored one (its building stays).
#[derive(Debug, Clone, PartialEq)]
pub struct NewHouse {
    pub building_id: i64,
    pub fields: HouseFields,
    pub owner_resident_id: Option<i64>,
    pub owner_org: String,
    pub is_rental: bool,
    pub rental_use: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> BuildingDraft<'static> {
        BuildingDraft {
            code: " LAT-A1 ",
            name: "良安田新村1栋",
            address: "平湖街道良安田新村1栋",
            lon: 114.12,
            lat: 22.68,
            floors: 6,
            use_type: "住宅",
        }
    }

    fn fields_of(e: FieldErrors) -> Vec<&'static str> {
        e.into_vec().iter().map(|e| e.field).collect()
    }

    #[test]
    fn a_building() {
        let b = BuildingFields::parse(&draft()).expect("valid");
        assert_eq!(b.code(), "LAT-A1");
        assert_eq!(b.use_type(), "residential");
        assert_eq!(b.floors().get(), 6);
        assert_eq!(b.lon().degrees(), 114.12);
    }

    #[test]
    fn every_refused_field_of_a_building() {
        let d = BuildingDraft {
            code: "",
            name: " ",
            address: &"字".repeat(201),
            lon: 22.6,
            lat: 114.1,
            floors: 0,
            use_type: "别墅",
        };
        let e = BuildingFields::parse(&d).expect_err("invalid");
        assert_eq!(e.first().message, "楼栋编码不能为空");
        assert_eq!(
            fields_of(e),
            ["code", "name", "address", "lon", "lat", "floors", "use_type"]
        );
        let e = BuildingFields::parse(&BuildingDraft { floors: 201, ..draft() }).expect_err("too tall");
        assert_eq!(e.into_first(), FieldError::new("floors", "层数须在 1–200 之间"));
        let e = BuildingFields::parse(&BuildingDraft {
            code: &"C".repeat(33),
            ..draft()
        })
        .expect_err("long code");
        assert_eq!(e.into_first().message, "楼栋编码不能超过 32 个字符");
    }

    #[test]
    fn a_house() {
        let h = HouseFields::parse(" 101 ", Some(45.5), "residential").expect("valid");
        assert_eq!(h.room(), "101");
        assert_eq!(h.area().map(Area::square_metres), Some(45.5));
        assert!(HouseFields::parse("102", None, "住宅").is_ok_and(|h| h.area().is_none()));
    }

    #[test]
    fn every_refused_field_of_a_house() {
        let e = HouseFields::parse("", Some(0.0), "别墅").expect_err("invalid");
        assert_eq!(fields_of(e.clone()), ["room", "area", "use_type"]);
        assert_eq!(e.into_vec()[1].message, "面积 0 须大于 0 且小于 100000 平方米");
        for bad in [-3.5, 100_000.0, f64::NAN] {
            assert!(HouseFields::parse("1", Some(bad), "住宅").is_err(), "{bad}");
        }
    }
}
