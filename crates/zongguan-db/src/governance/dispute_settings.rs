//! The dispute settings an administrator edits: the step limits and the screening cadences,
//! JSON rows of `setting` seeded by m0019 with the core's defaults. A saved limit counts for the
//! steps that start after it; running clocks keep their deadlines.
use sea_orm::ConnectionTrait;
use serde::{Deserialize, Serialize};
use zongguan_core::governance::dispute_flow::DisputeLimits;
use zongguan_core::governance::screening::ScreeningSettings;

use super::stored_setting::{self, refused};
use crate::migration::m0019_governance_disputes::{LIMITS, SCREENING};
use crate::{Actor, Db, DbResult};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DisputeSettings {
    pub limits: DisputeLimits,
    pub screening: ScreeningSettings,
}

/// The stored settings; a missing row is the core's default.
pub async fn dispute_settings<C: ConnectionTrait>(c: &C) -> DbResult<DisputeSettings> {
    Ok(DisputeSettings {
        limits: stored_setting::read(c, LIMITS).await?,
        screening: stored_setting::read(c, SCREENING).await?,
    })
}

/// Saves checked settings, both rows in one transaction (audited); a refusal names the value's
/// path (`limits.mediate`).
pub async fn save_dispute_settings(db: &Db, actor: &Actor, s: &DisputeSettings) -> DbResult<DisputeSettings> {
    s.limits.validate().map_err(|e| refused("limits", e))?;
    s.screening.validate().map_err(|e| refused("screening", e))?;
    let txn = db.begin_write().await?;
    stored_setting::save(&*txn, db.backend, actor, LIMITS, &s.limits).await?;
    stored_setting::save(&*txn, db.backend, actor, SCREENING, &s.screening).await?;
    txn.commit().await?;
    dispute_settings(&db.conn).await
}
