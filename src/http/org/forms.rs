//! The organisation's request bodies and their conversion into checked core values: the one place
//! a form's raw fields are checked, before any database work.
use serde::Deserialize;
use utoipa::ToSchema;
use zongguan_core::field::FieldErrors;
use zongguan_core::org::{
    DepartmentChange, DepartmentChangeDraft, DepartmentDraft, NewDepartmentFields, NewOrgUnitFields, NewStaffFields,
    OrgUnitChange, OrgUnitChangeDraft, OrgUnitDraft, StaffChange, StaffChangeDraft, StaffDraft,
};

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOrgUnit {
    pub level: String,
    pub code: String,
    pub name: String,
    pub parent_id: Option<i64>,
    pub community_name: Option<String>,
    pub sort: Option<i32>,
    #[schema(value_type = Option<Object>)]
    pub geometry: Option<serde_json::Value>,
}

impl TryFrom<NewOrgUnit> for NewOrgUnitFields {
    type Error = FieldErrors;

    fn try_from(n: NewOrgUnit) -> Result<Self, FieldErrors> {
        NewOrgUnitFields::parse(&OrgUnitDraft {
            level: &n.level,
            code: &n.code,
            name: &n.name,
            parent_id: n.parent_id,
            community_name: n.community_name.as_deref(),
            sort: n.sort,
            geometry: n.geometry.as_ref(),
        })
    }
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrgUnitUpdate {
    pub name: Option<String>,
    pub code: Option<String>,
    pub community_name: Option<String>,
    pub sort: Option<i32>,
    #[schema(value_type = Option<Object>)]
    pub geometry: Option<serde_json::Value>,
}

impl TryFrom<OrgUnitUpdate> for OrgUnitChange {
    type Error = FieldErrors;

    fn try_from(u: OrgUnitUpdate) -> Result<Self, FieldErrors> {
        OrgUnitChange::parse(&OrgUnitChangeDraft {
            name: u.name.as_deref(),
            code: u.code.as_deref(),
            community_name: u.community_name.as_deref(),
            sort: u.sort,
            geometry: u.geometry.as_ref(),
        })
    }
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewDepartment {
    pub code: String,
    pub name: String,
    pub org_unit_id: i64,
    pub duties: Option<String>,
    pub phone: Option<String>,
}

impl TryFrom<NewDepartment> for NewDepartmentFields {
    type Error = FieldErrors;

    fn try_from(n: NewDepartment) -> Result<Self, FieldErrors> {
        NewDepartmentFields::parse(&DepartmentDraft {
            code: &n.code,
            name: &n.name,
            org_unit_id: n.org_unit_id,
            duties: n.duties.as_deref(),
            phone: n.phone.as_deref(),
        })
    }
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DepartmentUpdate {
    pub code: Option<String>,
    pub name: Option<String>,
    pub duties: Option<String>,
    pub phone: Option<String>,
}

impl TryFrom<DepartmentUpdate> for DepartmentChange {
    type Error = FieldErrors;

    fn try_from(u: DepartmentUpdate) -> Result<Self, FieldErrors> {
        DepartmentChange::parse(&DepartmentChangeDraft {
            code: u.code.as_deref(),
            name: u.name.as_deref(),
            duties: u.duties.as_deref(),
            phone: u.phone.as_deref(),
        })
    }
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewStaff {
    pub name: String,
    pub gender: String,
    pub phone: Option<String>,
    pub org_unit_id: i64,
    pub department_id: Option<i64>,
    pub post: Option<String>,
}

impl TryFrom<NewStaff> for NewStaffFields {
    type Error = FieldErrors;

    fn try_from(n: NewStaff) -> Result<Self, FieldErrors> {
        NewStaffFields::parse(&StaffDraft {
            name: &n.name,
            gender: &n.gender,
            phone: n.phone.as_deref(),
            org_unit_id: n.org_unit_id,
            department_id: n.department_id,
            post: n.post.as_deref(),
        })
    }
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StaffUpdate {
    pub name: Option<String>,
    pub gender: Option<String>,
    pub phone: Option<String>,
    pub department_id: Option<i64>,
    pub post: Option<String>,
}

impl TryFrom<StaffUpdate> for StaffChange {
    type Error = FieldErrors;

    fn try_from(u: StaffUpdate) -> Result<Self, FieldErrors> {
        StaffChange::parse(&StaffChangeDraft {
            name: u.name.as_deref(),
            gender: u.gender.as_deref(),
            phone: u.phone.as_deref(),
            department_id: u.department_id,
            post: u.post.as_deref(),
        })
    }
}
