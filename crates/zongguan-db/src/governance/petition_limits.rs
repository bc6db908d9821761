//! The petition limits an administrator edits (acceptance, handling, extension, review and
//! re-review terms), one JSON row of `setting` seeded by m0020 with the statutory defaults.
use sea_orm::ConnectionTrait;
use zongguan_core::governance::petition_clock::PetitionLimits;

use super::stored_setting::{self, refused};
use crate::migration::m0020_governance_petitions::LIMITS;
use crate::{Actor, Db, DbResult};

/// The stored limits; a missing row is the default. A stored value that no longer parses or
/// passes the check is a server fault (500, logged), not the caller's.
pub async fn petition_limits<C: ConnectionTrait>(c: &C) -> DbResult<PetitionLimits> {
    stored_setting::read_with(c, LIMITS, |s| {
        let l: PetitionLimits = serde_json::from_str(s).map_err(|e| e.to_string())?;
        l.validate().map_err(|e| e.to_string())?;
        Ok::<_, String>(l)
    })
    .await
}

/// Saves checked limits (audited); a refusal names the term (`limits.handling`).
pub async fn save_petition_limits(db: &Db, actor: &Actor, l: &PetitionLimits) -> DbResult<PetitionLimits> {
    l.validate().map_err(|e| refused("limits", e))?;
    let txn = db.begin_write().await?;
    stored_setting::save(&*txn, db.backend, actor, LIMITS, l).await?;
    txn.commit().await?;
    petition_limits(&db.conn).await
}
