//! Who sees what on the map: the actor's data scope applied to units, rows and cases.
use std::collections::HashSet;

use zongguan_core::rbac::Scope;

use super::{CasePt, Units};
use crate::Actor;

pub use zongguan_core::permission::CASE_READERS;

/// May the actor read cases (hold one of [`CASE_READERS`])?
pub fn reads_cases(actor: &Actor) -> bool {
    CASE_READERS.iter().any(|p| actor.can(*p))
}

/// May the actor see rental houses on the map (`rental:read`)?
pub fn reads_rental(actor: &Actor) -> bool {
    actor.can(zongguan_core::permission::Permission::RentalRead)
}

/// May the actor see cameras on the map (`camera:read`)?
pub fn reads_cameras(actor: &Actor) -> bool {
    actor.can(zongguan_core::permission::Permission::CameraRead)
}

/// What one actor sees of one snapshot, worked out once per request.
pub struct Visible<'a> {
    actor: &'a Actor,
    /// Visible unit ids.
    pub units: HashSet<i64>,
    /// May read cases.
    pub cases: bool,
    /// May read rental houses and cameras.
    pub rental: bool,
    pub cameras: bool,
}

impl<'a> Visible<'a> {
    pub fn new(actor: &'a Actor, units: &Units) -> Self {
        let own = own_records(actor);
        let units = units
            .list
            .iter()
            .filter(|u| match own {
                Some(uid) => u.created_by == Some(uid),
                None => actor.scope.sees_unit(u.id, &u.path),
            })
            .map(|u| u.id)
            .collect();
        Self {
            actor,
            units,
            cases: reads_cases(actor),
            rental: reads_rental(actor),
            cameras: reads_cameras(actor),
        }
    }

    pub fn unit(&self, id: i64) -> bool {
        self.units.contains(&id)
    }

    /// Under the own-records scope the actor sees only the rows they created, not the units.
    pub fn own_records(&self) -> bool {
        own_records(self.actor).is_some()
    }

    /// A row of `unit` created by `created_by`.
    pub fn row(&self, unit: i64, created_by: Option<i64>) -> bool {
        match own_records(self.actor) {
            Some(uid) => created_by == Some(uid),
            None => matches!(self.actor.scope, Scope::All) || self.units.contains(&unit),
        }
    }

    pub fn rental_house(&self, h: &super::RentalPt) -> bool {
        self.rental && self.row(h.grid_id, h.created_by)
    }

    pub fn camera(&self, c: &super::CameraPt) -> bool {
        self.cameras && self.row(c.grid_id, c.created_by)
    }

    pub fn case(&self, c: &CasePt) -> bool {
        self.case_of(c.grid_id, c.department_id, c.reporter_user_id)
    }

    /// A case in `grid_id`, sent to `department_id`, reported by `reporter_user_id`: seen in the
    /// scope, by its reporter and by its department.
    pub fn case_of(&self, grid_id: i64, department_id: Option<i64>, reporter_user_id: Option<i64>) -> bool {
        let a = self.actor;
        self.cases
            && (matches!(a.scope, Scope::All)
                || self.units.contains(&grid_id)
                || (a.user_id.is_some() && reporter_user_id == a.user_id)
                || (a.department_id.is_some() && department_id == a.department_id))
    }
}

fn own_records(actor: &Actor) -> Option<i64> {
    match actor.scope {
        Scope::OwnRecords { user_id } => Some(user_id),
        _ => None,
    }
}
