//! Who sees what on the map: the caller's data scope applied to units, rows and cases.
use std::collections::HashSet;

use zongguan_core::rbac::Scope;

use super::{CasePt, Units};

/// The caller as the map sees them.
#[derive(Debug, Clone)]
pub struct Viewer {
    pub scope: Scope,
    pub user_id: Option<i64>,
    pub department_id: Option<i64>,
    /// May read cases (some part in the workflow, or the reports).
    pub cases: bool,
}

impl Viewer {
    pub fn system() -> Self {
        Self {
            scope: Scope::All,
            user_id: None,
            department_id: None,
            cases: true,
        }
    }
    pub(super) fn own(&self) -> Option<i64> {
        match self.scope {
            Scope::OwnRecords { user_id } => Some(user_id),
            _ => None,
        }
    }
    /// Visible unit ids.
    pub fn units(&self, units: &Units) -> HashSet<i64> {
        units
            .list
            .iter()
            .filter(|u| match self.own() {
                Some(uid) => u.created_by == Some(uid),
                None => self.scope.sees_unit(u.id, &u.path),
            })
            .map(|u| u.id)
            .collect()
    }
    pub(super) fn sees_row(&self, seen: &HashSet<i64>, unit: i64, created_by: Option<i64>) -> bool {
        match self.own() {
            Some(uid) => created_by == Some(uid),
            None => matches!(self.scope, Scope::All) || seen.contains(&unit),
        }
    }
    pub(super) fn sees_case(&self, seen: &HashSet<i64>, c: &CasePt) -> bool {
        self.cases
            && (matches!(self.scope, Scope::All)
                || seen.contains(&c.grid_id)
                || (self.user_id.is_some() && c.reporter_user_id == self.user_id)
                || (self.department_id.is_some() && c.department_id == self.department_id))
    }
}
