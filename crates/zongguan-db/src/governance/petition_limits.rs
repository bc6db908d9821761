//! The petition limits an administrator edits (acceptance, handling, extension, review and
//! re-review terms), one JSON row of `setting` seeded by m0020 with the statutory defaults.
use chrono::Utc;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait, EntityTrait};
use zongguan_core::governance::petition_clock::PetitionLimits;

use crate::audit::{self, Event};
use crate::entity::setting;
use crate::migration::m0020_governance_petitions::LIMITS;
use crate::{Actor, Db, DbError, DbResult};

/// The stored limits; a missing row is the default. A stored value that no longer parses is a
/// server fault (500, logged), not the caller's.
pub async fn petition_limits<C: ConnectionTrait>(c: &C) -> DbResult<PetitionLimits> {
    match setting::Entity::find_by_id(LIMITS.to_owned()).one(c).await? {
        Some(s) => {
            let l: PetitionLimits = serde_json::from_str(&s.value)
                .map_err(|e| DbError::Db(sea_orm::DbErr::Custom(format!("{LIMITS}: {e}"))))?;
            l.validate()
                .map_err(|e| DbError::Db(sea_orm::DbErr::Custom(format!("{LIMITS}: {e}"))))?;
            Ok(l)
        }
        None => Ok(PetitionLimits::default()),
    }
}

/// Saves checked limits (audited).
pub async fn save_petition_limits(db: &Db, actor: &Actor, l: &PetitionLimits) -> DbResult<PetitionLimits> {
    l.validate().map_err(|e| DbError::invalid("limits", e.to_string()))?;
    let v = serde_json::to_string(l).map_err(|e| DbError::Db(sea_orm::DbErr::Custom(e.to_string())))?;
    let txn = db.begin_write().await?;
    let row = setting::ActiveModel {
        key: Set(LIMITS.into()),
        value: Set(v.clone()),
        updated_by: Set(actor.user_id),
        updated_at: Set(Utc::now()),
    };
    if setting::Entity::find_by_id(LIMITS.to_owned())
        .one(&*txn)
        .await?
        .is_some()
    {
        row.update(&*txn).await?;
    } else {
        row.insert(&*txn).await?;
    }
    audit::append(
        &*txn,
        db.backend,
        actor,
        Event::ok("update", "setting", LIMITS).detail(v),
    )
    .await?;
    txn.commit().await?;
    petition_limits(&db.conn).await
}
