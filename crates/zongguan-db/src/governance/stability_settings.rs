//! The stability settings an administrator edits: the report-up limit of each incident level
//! with the level the district is told at once, and the visit schedule per special group and
//! attention level; JSON rows of `setting` seeded by m0023 with the core's defaults.
use sea_orm::ConnectionTrait;
use serde::{Deserialize, Serialize};
use zongguan_core::governance::stability::{IncidentSettings, VisitSchedule};

use super::stored_setting::{self, refused};
use crate::migration::m0023_governance_stability::{INCIDENT_SETTINGS, VISIT_SCHEDULE};
use crate::{Actor, Db, DbResult};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StabilitySettings {
    pub incidents: IncidentSettings,
    pub visit_schedule: VisitSchedule,
}

/// The report limits and the district-at-once level (a missing row: the defaults).
pub async fn incident_settings<C: ConnectionTrait>(c: &C) -> DbResult<IncidentSettings> {
    stored_setting::read(c, INCIDENT_SETTINGS).await
}

/// The visit schedule per special group and attention level (a missing row: the defaults).
pub async fn visit_schedule<C: ConnectionTrait>(c: &C) -> DbResult<VisitSchedule> {
    stored_setting::read(c, VISIT_SCHEDULE).await
}

pub async fn stability_settings<C: ConnectionTrait>(c: &C) -> DbResult<StabilitySettings> {
    Ok(StabilitySettings {
        incidents: incident_settings(c).await?,
        visit_schedule: visit_schedule(c).await?,
    })
}

/// Saves checked settings, both rows in one transaction (audited); a refusal names the value's
/// path (`visit_schedule.groups.drug_user.serious`). New incidents and the next visits due follow
/// them.
pub async fn save_stability_settings(db: &Db, actor: &Actor, s: &StabilitySettings) -> DbResult<StabilitySettings> {
    s.incidents.validate().map_err(|e| refused("incidents", e))?;
    s.visit_schedule.validate().map_err(|e| refused("visit_schedule", e))?;
    let txn = db.begin_write().await?;
    stored_setting::save(&*txn, db.backend, actor, INCIDENT_SETTINGS, &s.incidents).await?;
    stored_setting::save(&*txn, db.backend, actor, VISIT_SCHEDULE, &s.visit_schedule).await?;
    txn.commit().await?;
    stability_settings(&db.conn).await
}
