//! The rental settings an administrator edits: the class rules and the inspection schedule,
//! stored as JSON rows of `setting` (seeded by m0017 with the core's defaults).
use sea_orm::ConnectionTrait;
use serde::{Deserialize, Serialize};
use zongguan_core::governance::rental_class::{ClassRules, InspectionSchedule};

use super::stored_setting::{self, refused};
use crate::migration::m0017_governance_rental::{CLASS_RULES, SCHEDULE};
use crate::{Actor, Db, DbResult};

/// Both rental settings, as read and as saved.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RentalRules {
    pub class_rules: ClassRules,
    pub inspection_schedule: InspectionSchedule,
}

/// The stored settings; a missing row is the core's default. A stored value that no longer
/// parses is a server fault, not the caller's, so it is logged by the caller's 500.
pub async fn rental_rules<C: ConnectionTrait>(c: &C) -> DbResult<RentalRules> {
    Ok(RentalRules {
        class_rules: stored_setting::read_with(c, CLASS_RULES, ClassRules::from_json).await?,
        inspection_schedule: stored_setting::read(c, SCHEDULE).await?,
    })
}

/// Saves checked settings (audited); a refusal names the value's path (`inspection_schedule.green`).
pub async fn save_rental_rules(db: &Db, actor: &Actor, r: &RentalRules) -> DbResult<RentalRules> {
    r.class_rules
        .validate()
        .map_err(|e| refused("class_rules", e.into_setting()))?;
    r.inspection_schedule
        .validate()
        .map_err(|e| refused("inspection_schedule", e))?;
    let txn = db.begin_write().await?;
    stored_setting::save(&*txn, db.backend, actor, CLASS_RULES, &r.class_rules).await?;
    stored_setting::save(&*txn, db.backend, actor, SCHEDULE, &r.inspection_schedule).await?;
    txn.commit().await?;
    rental_rules(&db.conn).await
}
