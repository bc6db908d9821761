//! Administrative division codes: a GB/T 2260 county code (6 digits) or a 12-digit statistical
//! code, whose first two digits name an existing province.
use std::fmt;

use crate::id_number::PROVINCES;

/// A checked division code. The field is private: the way in is [`DivisionCode::parse`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DivisionCode(String);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DivisionCodeError;

impl fmt::Display for DivisionCodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("行政区划代码须为 6 位或 12 位数字，且省级代码存在")
    }
}

impl std::error::Error for DivisionCodeError {}

impl DivisionCode {
    pub fn parse(s: &str) -> Result<Self, DivisionCodeError> {
        let v = s.trim();
        let ok =
            (v.len() == 6 || v.len() == 12) && v.bytes().all(|b| b.is_ascii_digit()) && PROVINCES.contains(&&v[..2]);
        if ok {
            Ok(Self(v.to_string()))
        } else {
            Err(DivisionCodeError)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The province-level code (the first two digits).
    pub fn province(&self) -> &str {
        &self.0[..2]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn county_and_statistical_codes() {
        assert_eq!(DivisionCode::parse(" 440307 ").map(|d| d.0), Ok("440307".into()));
        let c = DivisionCode::parse("440307003002").expect("12 digits");
        assert_eq!(c.province(), "44");
        assert_eq!(c.as_str(), "440307003002");
    }

    #[test]
    fn refusals() {
        for bad in ["", "44030", "4403071", "44030A", "990307", "4403070030", "４４０３０７"] {
            assert_eq!(DivisionCode::parse(bad), Err(DivisionCodeError), "{bad}");
        }
        assert_eq!(
            DivisionCodeError.to_string(),
            "行政区划代码须为 6 位或 12 位数字，且省级代码存在"
        );
    }
}
