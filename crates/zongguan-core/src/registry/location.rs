//! A point in mainland China as a form or a spreadsheet gives it. The extent is generous; what it
//! catches is a swapped pair (22.6, 114.1) or a 0,0 left by an empty cell.
use std::fmt;

/// East longitude within 73–136°. The field is private: the way in is [`Longitude::parse`].
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct Longitude(f64);

/// North latitude within 3–54°. The field is private: the way in is [`Latitude::parse`].
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct Latitude(f64);

/// A coordinate outside mainland China, as given.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum OutOfChina {
    Longitude(f64),
    Latitude(f64),
}

impl fmt::Display for OutOfChina {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Longitude(x) => write!(f, "经度 {x} 不在中国境内（73–136）"),
            Self::Latitude(y) => write!(f, "纬度 {y} 不在中国境内（3–54）"),
        }
    }
}

impl std::error::Error for OutOfChina {}

impl Longitude {
    pub fn parse(x: f64) -> Result<Self, OutOfChina> {
        if (73.0..=136.0).contains(&x) {
            Ok(Self(x))
        } else {
            Err(OutOfChina::Longitude(x))
        }
    }
    pub fn degrees(self) -> f64 {
        self.0
    }
}

impl Latitude {
    pub fn parse(y: f64) -> Result<Self, OutOfChina> {
        if (3.0..=54.0).contains(&y) {
            Ok(Self(y))
        } else {
            Err(OutOfChina::Latitude(y))
        }
    }
    pub fn degrees(self) -> f64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_extent_and_its_edges() {
        assert_eq!(Longitude::parse(114.12).map(Longitude::degrees), Ok(114.12));
        assert!(Longitude::parse(73.0).is_ok() && Longitude::parse(136.0).is_ok());
        assert_eq!(Latitude::parse(22.68).map(Latitude::degrees), Ok(22.68));
        assert!(Latitude::parse(3.0).is_ok() && Latitude::parse(54.0).is_ok());
        assert!(Longitude::parse(f64::NAN).is_err());
    }

    #[test]
    fn a_swapped_pair_is_refused_with_the_value_given() {
        assert_eq!(
            Longitude::parse(22.6).map_err(|e| e.to_string()),
            Err("经度 22.6 不在中国境内（73–136）".into())
        );
        assert_eq!(
            Latitude::parse(114.0).map_err(|e| e.to_string()),
            Err("纬度 114 不在中国境内（3–54）".into())
        );
        assert_eq!(
            Longitude::parse(0.0).map_err(|e| e.to_string()),
            Err("经度 0 不在中国境内（73–136）".into())
        );
    }
}
