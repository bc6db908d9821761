//! Special-group records of a resident and the tag they put on the resident's record.
use chrono::{NaiveDate, Utc};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;
use utoipa::ToSchema;
use zongguan_core::registry::NewSpecialGroup;

use super::residents::visible_resident;
use crate::audit::{self, Event};
use crate::entity::resident;
use crate::{Actor, Db, DbResult};

/// A special-group record of a resident (sensitive: every read is audited with the person's record).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SpecialGroupRecord {
    pub id: i64,
    pub resident_id: i64,
    /// released_prisoner | community_correction | mental_disorder | drug_user | aids_risk | at_risk_youth
    pub kind: String,
    /// general | medium | serious
    pub attention_level: String,
    /// For at-risk youth: idle | bad_behaviour | vagrant | prisoner_child | left_behind_child | other
    pub youth_type: String,
    pub detail: String,
    pub since: Option<NaiveDate>,
    pub until: Option<NaiveDate>,
}

fn sg_view(m: crate::entity::special_group_record::Model) -> SpecialGroupRecord {
    SpecialGroupRecord {
        id: m.id,
        resident_id: m.resident_id,
        kind: m.kind,
        attention_level: m.attention_level,
        youth_type: m.youth_type,
        detail: m.detail,
        since: m.since,
        until: m.until,
    }
}

pub async fn special_groups(db: &Db, actor: &Actor, resident_id: i64) -> DbResult<Vec<SpecialGroupRecord>> {
    use crate::entity::special_group_record as sg;
    visible_resident(&db.conn, &actor.scope, resident_id).await?;
    let rows = sg::Entity::find()
        .filter(sg::Column::ResidentId.eq(resident_id))
        .order_by_asc(sg::Column::Id)
        .all(&db.conn)
        .await?;
    audit::record(db, actor, Event::ok("read_special_groups", "resident", resident_id)).await?;
    Ok(rows.into_iter().map(sg_view).collect())
}

/// Adds a record and the tag on the resident, in one transaction.
pub async fn add_special_group(
    db: &Db,
    actor: &Actor,
    resident_id: i64,
    i: NewSpecialGroup,
) -> DbResult<SpecialGroupRecord> {
    use crate::entity::special_group_record as sg;
    let kind = i.kind;
    let txn = db.begin_write().await?;
    let r = visible_resident(&*txn, &actor.scope, resident_id).await?;
    let now = Utc::now();
    let m = sg::ActiveModel {
        resident_id: Set(resident_id),
        kind: Set(kind.into()),
        attention_level: Set(i.attention_level.into()),
        youth_type: Set(i.youth_type.into()),
        detail: Set(i.detail),
        since: Set(i.since),
        until: Set(i.until),
        created_by: Set(actor.user_id),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&*txn)
    .await?;
    let mut tags: Vec<String> = r
        .special_groups
        .split(',')
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect();
    if !tags.iter().any(|t| t == kind) {
        tags.push(kind.into());
        let mut am: resident::ActiveModel = r.into();
        am.special_groups = Set(tags.join(","));
        am.updated_at = Set(now);
        am.update(&*txn).await?;
    }
    audit::append(
        &*txn,
        db.backend,
        actor,
        Event::ok("add_special_group", "resident", resident_id).detail(kind),
    )
    .await?;
    txn.commit().await?;
    Ok(sg_view(m))
}
