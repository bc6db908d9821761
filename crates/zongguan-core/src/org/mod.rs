//! The org tree's levels (district → subdistrict → community → grid) and the codes of its units;
//! org units, departments and staff as a form gives them, checked before any database work.
use std::fmt;

mod department;
mod staff;
mod unit;

pub use department::{DepartmentChange, DepartmentChangeDraft, DepartmentDraft, NewDepartmentFields};
pub use staff::{Gender, GenderError, NewStaffFields, StaffChange, StaffChangeDraft, StaffDraft};
pub use unit::{NewOrgUnitFields, OrgUnitChange, OrgUnitChangeDraft, OrgUnitDraft, UnitShape};

/// The level of an org unit. Stored and sent as `district`, `subdistrict`, `community`, `grid`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OrgLevel {
    District,
    Subdistrict,
    Community,
    Grid,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgLevelError;

impl fmt::Display for OrgLevelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("层级须为 district、subdistrict、community 或 grid")
    }
}

impl std::error::Error for OrgLevelError {}

impl OrgLevel {
    pub const ALL: [OrgLevel; 4] = [Self::District, Self::Subdistrict, Self::Community, Self::Grid];

    pub fn parse(s: &str) -> Result<Self, OrgLevelError> {
        Self::ALL.into_iter().find(|l| l.as_str() == s).ok_or(OrgLevelError)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::District => "district",
            Self::Subdistrict => "subdistrict",
            Self::Community => "community",
            Self::Grid => "grid",
        }
    }

    /// The UI's word.
    pub fn label(self) -> &'static str {
        match self {
            Self::District => "区",
            Self::Subdistrict => "街道",
            Self::Community => "社区",
            Self::Grid => "网格",
        }
    }

    /// The level of the units directly below; grids have none.
    pub fn child(self) -> Option<Self> {
        match self {
            Self::District => Some(Self::Subdistrict),
            Self::Subdistrict => Some(Self::Community),
            Self::Community => Some(Self::Grid),
            Self::Grid => None,
        }
    }

    /// How many digits a code of this level has, and how many of them it shares with its parent's.
    fn code_shape(self) -> (usize, usize) {
        match self {
            Self::District | Self::Subdistrict => (12, 6),
            Self::Community => (12, 9),
            Self::Grid => (14, 12),
        }
    }
}

/// Why a unit's code was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UnitCodeError {
    /// Not this many digits.
    Digits(usize),
    /// Does not start with these leading digits of the parent's code.
    Prefix { digits: usize, prefix: String },
}

impl fmt::Display for UnitCodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Digits(n) => write!(f, "编码须为 {n} 位数字"),
            Self::Prefix { digits, prefix } => write!(f, "编码须以上级编码的前 {digits} 位 {prefix} 开头"),
        }
    }
}

impl std::error::Error for UnitCodeError {}

fn digits(code: &str, n: usize) -> Result<(), UnitCodeError> {
    if code.len() == n && code.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(UnitCodeError::Digits(n))
    }
}

/// A grid's code: its community's 12-digit code and a 2-digit sequence. The field is private: the
/// way in is [`GridCode::parse`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct GridCode(String);

impl GridCode {
    pub fn parse(s: &str) -> Result<Self, UnitCodeError> {
        let s = s.trim();
        digits(s, 14)?;
        Ok(Self(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The code of the community the grid belongs to.
    pub fn community_code(&self) -> &str {
        &self.0[..12]
    }
}

/// An org unit's code, checked for its level and against its parent's: 12 digits for a district,
/// subdistrict or community (its statistical division code), a [`GridCode`] for a grid; a child's
/// code begins with its parent's first 6 (subdistrict), 9 (community) or 12 (grid) digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UnitCode(String);

impl UnitCode {
    pub fn parse(level: OrgLevel, code: &str, parent_code: Option<&str>) -> Result<Self, UnitCodeError> {
        let code = code.trim();
        let (len, _) = level.code_shape();
        match level {
            OrgLevel::Grid => {
                GridCode::parse(code)?;
            }
            _ => digits(code, len)?,
        }
        let c = Self(code.to_string());
        if let Some(p) = parent_code {
            c.check_parent(level, p)?;
        }
        Ok(c)
    }

    /// Whether the code begins as a child's of this level must under a parent of `parent_code`
    /// (for a code parsed before its parent was read).
    pub fn check_parent(&self, level: OrgLevel, parent_code: &str) -> Result<(), UnitCodeError> {
        let (_, shared) = level.code_shape();
        let prefix = parent_code.get(..shared).unwrap_or(parent_code);
        if self.0.starts_with(prefix) {
            Ok(())
        } else {
            Err(UnitCodeError::Prefix {
                digits: shared,
                prefix: prefix.to_string(),
            })
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels() {
        for l in OrgLevel::ALL {
            assert_eq!(OrgLevel::parse(l.as_str()), Ok(l));
        }
        assert_eq!(OrgLevel::parse("city"), Err(OrgLevelError));
        assert_eq!(OrgLevel::parse(" grid"), Err(OrgLevelError), "stored words, exactly");
        assert_eq!(
            OrgLevelError.to_string(),
            "层级须为 district、subdistrict、community 或 grid"
        );
        assert_eq!(OrgLevel::District.child(), Some(OrgLevel::Subdistrict));
        assert_eq!(OrgLevel::Community.child(), Some(OrgLevel::Grid));
        assert_eq!(OrgLevel::Grid.child(), None);
        assert_eq!(OrgLevel::Subdistrict.label(), "街道");
    }

    #[test]
    fn unit_codes_follow_their_parent() {
        let c = UnitCode::parse(OrgLevel::Community, " 440307003099 ", Some("440307003000")).expect("ok");
        assert_eq!(c.as_str(), "440307003099");
        assert_eq!(
            UnitCode::parse(OrgLevel::Community, "440307004099", Some("440307003000")),
            Err(UnitCodeError::Prefix {
                digits: 9,
                prefix: "440307003".into()
            })
        );
        assert_eq!(
            UnitCode::parse(OrgLevel::Subdistrict, "440308001000", Some("440307000000")).map_err(|e| e.to_string()),
            Err("编码须以上级编码的前 6 位 440307 开头".into())
        );
        assert!(UnitCode::parse(OrgLevel::Grid, "44030700300201", Some("440307003002")).is_ok());
        assert_eq!(
            UnitCode::parse(OrgLevel::Grid, "44030700300301", Some("440307003002")).map_err(|e| e.to_string()),
            Err("编码须以上级编码的前 12 位 440307003002 开头".into())
        );
        assert!(UnitCode::parse(OrgLevel::District, "440307000000", None).is_ok());
    }

    #[test]
    fn digit_counts() {
        assert_eq!(
            UnitCode::parse(OrgLevel::Community, "44030700309", None),
            Err(UnitCodeError::Digits(12))
        );
        assert_eq!(
            UnitCode::parse(OrgLevel::Community, "44030700309A", None),
            Err(UnitCodeError::Digits(12))
        );
        assert_eq!(
            UnitCode::parse(OrgLevel::Grid, "440307003002", Some("440307003002")).map_err(|e| e.to_string()),
            Err("编码须为 14 位数字".into())
        );
        // A parent code shorter than the shared part (never stored) compares whole, without a panic.
        assert!(UnitCode::parse(OrgLevel::Grid, "44030700300201", Some("4403")).is_ok());
    }

    #[test]
    fn grid_codes() {
        let g = GridCode::parse("44030700300201").expect("14 digits");
        assert_eq!(g.community_code(), "440307003002");
        assert_eq!(g.as_str(), "44030700300201");
        assert_eq!(GridCode::parse("NOPE"), Err(UnitCodeError::Digits(14)));
    }
}
