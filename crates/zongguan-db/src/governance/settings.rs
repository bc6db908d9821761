//! The rental settings an administrator edits: the class rules and the inspection schedule,
//! stored as JSON rows of `setting` (seeded by m0017 with the core's defaults).
use chrono::Utc;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait, EntityTrait};
use serde::{Deserialize, Serialize};
use zongguan_core::governance::rental_class::{ClassRules, InspectionSchedule};

use crate::audit::{self, Event};
use crate::entity::setting;
use crate::migration::m0017_governance_rental::{CLASS_RULES, SCHEDULE};
use crate::{Actor, Db, DbError, DbResult};

/// Both rental settings, as read and as saved.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RentalRules {
    pub class_rules: ClassRules,
    pub inspection_schedule: InspectionSchedule,
}

async fn value<C: ConnectionTrait>(c: &C, key: &str) -> DbResult<Option<String>> {
    Ok(setting::Entity::find_by_id(key.to_owned())
        .one(c)
        .await?
        .map(|s| s.value))
}

/// The stored settings; a missing row is the core's default. A stored value that no longer
/// parses is a server fault, not the caller's, so it is logged by the caller's 500.
pub async fn rental_rules<C: ConnectionTrait>(c: &C) -> DbResult<RentalRules> {
    let class_rules = match value(c, CLASS_RULES).await? {
        Some(s) => {
            ClassRules::from_json(&s).map_err(|e| DbError::Db(sea_orm::DbErr::Custom(format!("{CLASS_RULES}: {e}"))))?
        }
        None => ClassRules::default(),
    };
    let inspection_schedule = match value(c, SCHEDULE).await? {
        Some(s) => {
            serde_json::from_str(&s).map_err(|e| DbError::Db(sea_orm::DbErr::Custom(format!("{SCHEDULE}: {e}"))))?
        }
        None => InspectionSchedule::default(),
    };
    Ok(RentalRules {
        class_rules,
        inspection_schedule,
    })
}

/// Saves checked settings (the edge parsed them with `ClassRules::from_json` and validated the schedule).
pub async fn save_rental_rules(db: &Db, actor: &Actor, r: &RentalRules) -> DbResult<RentalRules> {
    r.class_rules
        .validate()
        .map_err(|e| DbError::invalid("class_rules", e.to_string()))?;
    r.inspection_schedule
        .validate()
        .map_err(|e| DbError::invalid("inspection_schedule", e.to_string()))?;
    let txn = db.begin_write().await?;
    for (key, v) in [
        (CLASS_RULES, serde_json::to_string(&r.class_rules)),
        (SCHEDULE, serde_json::to_string(&r.inspection_schedule)),
    ] {
        let v = v.map_err(|e| DbError::Db(sea_orm::DbErr::Custom(e.to_string())))?;
        let row = setting::ActiveModel {
            key: Set(key.into()),
            value: Set(v),
            updated_by: Set(actor.user_id),
            updated_at: Set(Utc::now()),
        };
        if setting::Entity::find_by_id(key.to_owned()).one(&*txn).await?.is_some() {
            row.update(&*txn).await?;
        } else {
            row.insert(&*txn).await?;
        }
        audit::append(&*txn, db.backend, actor, Event::ok("update", "setting", key)).await?;
    }
    txn.commit().await?;
    rental_rules(&db.conn).await
}
