//! An org unit as a form gives it: level, name, shape and code checked before the tree is read;
//! what needs the tree (the parent, the code's prefix, the fit among siblings) is left to the db.
use geo::MultiPolygon;

use super::{OrgLevel, UnitCode};
use crate::field::{FieldError, FieldErrors, Refusals, named, required};
use crate::geometry::{self, Misfit};

const NOT_A_POLYGON: &str = "范围须为 GeoJSON 的 Polygon 或 MultiPolygon";

/// A unit's shape: a GeoJSON Polygon or MultiPolygon whose rings make a valid area of more than
/// zero. The fields are private: the way in is [`UnitShape::parse`].
#[derive(Debug, Clone, PartialEq)]
pub struct UnitShape {
    geojson: String,
    shape: MultiPolygon<f64>,
}

impl UnitShape {
    pub fn parse(g: &serde_json::Value) -> Result<Self, FieldError> {
        let t = g.get("type").and_then(|t| t.as_str()).unwrap_or("");
        let typed = matches!(t, "Polygon" | "MultiPolygon") && g.get("coordinates").is_some_and(|c| c.is_array());
        let shape = typed
            .then(|| geometry::from_geojson(g))
            .flatten()
            .ok_or_else(|| FieldError::new("geometry", NOT_A_POLYGON))?;
        // Without a parent or siblings only the shape's own faults can be found.
        geometry::check_fit(&shape, None, &[]).map_err(|m| match m {
            Misfit::Invalid(msg) => FieldError::new("geometry", msg),
            _ => FieldError::new("geometry", "范围无效"),
        })?;
        Ok(Self {
            geojson: g.to_string(),
            shape,
        })
    }

    /// The GeoJSON text as stored.
    pub fn geojson(&self) -> &str {
        &self.geojson
    }
    pub fn shape(&self) -> &MultiPolygon<f64> {
        &self.shape
    }
}

/// A unit to create, as typed.
#[derive(Debug, Clone, Copy)]
pub struct OrgUnitDraft<'a> {
    pub level: &'a str,
    pub code: &'a str,
    pub name: &'a str,
    pub parent_id: Option<i64>,
    pub community_name: Option<&'a str>,
    pub sort: Option<i32>,
    pub geometry: Option<&'a serde_json::Value>,
}

/// A unit to create, its own fields checked. The fields are private: the way in is
/// [`NewOrgUnitFields::parse`].
#[derive(Debug, Clone, PartialEq)]
pub struct NewOrgUnitFields {
    level: OrgLevel,
    code: UnitCode,
    name: String,
    parent_id: Option<i64>,
    community_name: Option<String>,
    sort: i32,
    shape: Option<UnitShape>,
}

/// Trimmed, and none when left empty.
fn optional_name(v: &str) -> Option<String> {
    Some(v.trim().to_string()).filter(|s| !s.is_empty())
}

impl NewOrgUnitFields {
    /// Checks every field and reports every refusal: level, name, shape, then the code's digits
    /// (its prefix is checked once the parent is read).
    pub fn parse(d: &OrgUnitDraft<'_>) -> Result<Self, FieldErrors> {
        let mut r = Refusals::default();
        let level = r.keep(OrgLevel::parse(d.level).map_err(named("level")));
        let name = r.keep(required("name", "名称", d.name, 100));
        let shape = r.keep(d.geometry.map(UnitShape::parse).transpose());
        let code = level.and_then(|l| r.keep(UnitCode::parse(l, d.code, None).map_err(named("code"))));
        r.finish()?;
        match (level, code, name, shape) {
            (Some(level), Some(code), Some(name), Some(shape)) => Ok(Self {
                level,
                code,
                name,
                parent_id: d.parent_id,
                community_name: d.community_name.and_then(optional_name),
                sort: d.sort.unwrap_or(0),
                shape,
            }),
            // Every missing value left a refusal, and there was none.
            _ => Err(FieldError::new("level", "机构信息不完整").into()),
        }
    }

    pub fn level(&self) -> OrgLevel {
        self.level
    }
    /// Its digits checked; [`UnitCode::check_parent`] once the parent is known.
    pub fn code(&self) -> &UnitCode {
        &self.code
    }
    pub fn name(&self) -> &str {
        &self.name
    }
    /// Checked against the caller's data scope when written.
    pub fn parent_id(&self) -> Option<i64> {
        self.parent_id
    }
    pub fn community_name(&self) -> Option<&str> {
        self.community_name.as_deref()
    }
    pub fn sort(&self) -> i32 {
        self.sort
    }
    pub fn shape(&self) -> Option<&UnitShape> {
        self.shape.as_ref()
    }
}

/// A change to a unit, as typed: a field left out stays as stored.
#[derive(Debug, Clone, Copy, Default)]
pub struct OrgUnitChangeDraft<'a> {
    pub name: Option<&'a str>,
    pub code: Option<&'a str>,
    pub community_name: Option<&'a str>,
    pub sort: Option<i32>,
    pub geometry: Option<&'a serde_json::Value>,
}

/// A change to a unit, its own fields checked; a field left out stays as stored. The code is only
/// trimmed here: its digits depend on the stored level.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct OrgUnitChange {
    name: Option<String>,
    code: Option<String>,
    community_name: Option<Option<String>>,
    sort: Option<i32>,
    shape: Option<Option<UnitShape>>,
}

impl OrgUnitChange {
    pub fn parse(d: &OrgUnitChangeDraft<'_>) -> Result<Self, FieldErrors> {
        let mut r = Refusals::default();
        let name = r.keep(d.name.map(|n| required("name", "名称", n, 100)).transpose());
        let shape = r.keep(
            d.geometry
                .map(|g| (!g.is_null()).then(|| UnitShape::parse(g)).transpose())
                .transpose(),
        );
        r.finish()?;
        Ok(Self {
            name: name.flatten(),
            code: d.code.map(|c| c.trim().to_string()),
            community_name: d.community_name.map(optional_name),
            sort: d.sort,
            shape: shape.flatten(),
        })
    }

    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }
    /// Trimmed; checked with [`UnitCode::parse`] against the stored level and parent.
    pub fn code(&self) -> Option<&str> {
        self.code.as_deref()
    }
    /// `Some(None)` clears it.
    pub fn community_name(&self) -> Option<Option<&str>> {
        self.community_name.as_ref().map(Option::as_deref)
    }
    pub fn sort(&self) -> Option<i32> {
        self.sort
    }
    /// `Some(None)` clears it.
    pub fn shape(&self) -> Option<Option<&UnitShape>> {
        self.shape.as_ref().map(Option::as_ref)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn square() -> serde_json::Value {
        json!({"type":"Polygon","coordinates":[[[114.0,22.0],[114.01,22.0],[114.01,22.01],[114.0,22.01],[114.0,22.0]]]})
    }

    fn draft<'a>(g: Option<&'a serde_json::Value>) -> OrgUnitDraft<'a> {
        OrgUnitDraft {
            level: "grid",
            code: " 44030700300201 ",
            name: " 一网格 ",
            parent_id: Some(7),
            community_name: Some("  "),
            sort: None,
            geometry: g,
        }
    }

    #[test]
    fn a_unit() {
        let g = square();
        let u = NewOrgUnitFields::parse(&draft(Some(&g))).expect("valid");
        assert_eq!(u.level(), OrgLevel::Grid);
        assert_eq!(u.code().as_str(), "44030700300201");
        assert_eq!(u.name(), "一网格");
        assert_eq!((u.community_name(), u.sort(), u.parent_id()), (None, 0, Some(7)));
        assert!(u.shape().is_some_and(|s| s.geojson().contains("Polygon")));
    }

    #[test]
    fn every_refused_field_in_the_order_it_was_checked_before() {
        let point = json!({"type":"Point","coordinates":[114.0,22.0]});
        let e = NewOrgUnitFields::parse(&OrgUnitDraft {
            name: "",
            code: "1",
            ..draft(Some(&point))
        })
        .expect_err("invalid");
        let fields: Vec<&str> = e.clone().into_vec().iter().map(|e| e.field).collect();
        assert_eq!(fields, ["name", "geometry", "code"]);
        assert_eq!(e.into_vec()[1].message, NOT_A_POLYGON);
        let e = NewOrgUnitFields::parse(&OrgUnitDraft {
            level: "city",
            ..draft(None)
        })
        .expect_err("level");
        assert_eq!(
            e.into_vec(),
            [FieldError::new(
                "level",
                "层级须为 district、subdistrict、community 或 grid"
            )]
        );
    }

    #[test]
    fn shapes() {
        let line = json!({"type":"Polygon","coordinates":[[[114.0,22.0],[114.01,22.0],[114.0,22.0]]]});
        assert_eq!(
            UnitShape::parse(&line).map_err(|e| e.message),
            Err("多边形至少需要 3 个不同的顶点".into())
        );
        assert!(UnitShape::parse(&json!({"type":"Polygon"})).is_err());
    }

    #[test]
    fn a_change_keeps_what_is_left_out() {
        let c = OrgUnitChange::parse(&OrgUnitChangeDraft {
            code: Some(" 440307003002 "),
            community_name: Some(" "),
            ..Default::default()
        })
        .expect("valid");
        assert_eq!((c.name(), c.code(), c.sort()), (None, Some("440307003002"), None));
        assert_eq!(c.community_name(), Some(None));
        assert_eq!(c.shape(), None);
        let e = OrgUnitChange::parse(&OrgUnitChangeDraft {
            name: Some(" "),
            ..Default::default()
        })
        .expect_err("blank name");
        assert_eq!(e.into_first(), FieldError::new("name", "名称不能为空"));
    }
}
