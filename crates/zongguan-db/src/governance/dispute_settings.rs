//! The dispute settings an administrator edits: the step limits and the screening cadences,
//! JSON rows of `setting` seeded by m0019 with the core's defaults.
use sea_orm::{ConnectionTrait, EntityTrait};
use serde::{Deserialize, Serialize};
use zongguan_core::governance::dispute_flow::DisputeLimits;
use zongguan_core::governance::screening::ScreeningSettings;

use crate::entity::setting;
use crate::migration::m0019_governance_disputes::{LIMITS, SCREENING};
use crate::{DbError, DbResult};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DisputeSettings {
    pub limits: DisputeLimits,
    pub screening: ScreeningSettings,
}

async fn parsed<C: ConnectionTrait, T: serde::de::DeserializeOwned + Default>(c: &C, key: &str) -> DbResult<T> {
    match setting::Entity::find_by_id(key.to_owned()).one(c).await? {
        Some(s) => {
            serde_json::from_str(&s.value).map_err(|e| DbError::Db(sea_orm::DbErr::Custom(format!("{key}: {e}"))))
        }
        None => Ok(T::default()),
    }
}

/// The stored settings; a missing row is the core's default.
pub async fn dispute_settings<C: ConnectionTrait>(c: &C) -> DbResult<DisputeSettings> {
    Ok(DisputeSettings {
        limits: parsed(c, LIMITS).await?,
        screening: parsed(c, SCREENING).await?,
    })
}
