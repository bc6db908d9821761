//! Photos' records: who may add one at which stage, the record with its timeline row, and reading one back.
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use zongguan_core::case_flow::CaseRole;

use super::access::{now, roles_for, state_of, visible_case};
use super::timeline::{actor_names, event};
use super::views::{Photo, photo_view};
use crate::audit::{self, Event};
use crate::entity::{case_event, case_photo, case_record};
use crate::{Actor, Db, DbError, DbResult};

pub const PHOTO_STAGES: [&str; 2] = ["report", "feedback"];

/// The case, if the caller may add a photo to it at this stage.
pub async fn photo_target(db: &Db, u: &Actor, case_id: i64, stage: &str) -> DbResult<case_record::Model> {
    if !PHOTO_STAGES.contains(&stage) {
        return Err(DbError::invalid("stage", "stage 须为 report 或 feedback"));
    }
    let m = visible_case(&db.conn, u, case_id).await?;
    if state_of(&m).is_terminal() {
        return Err(DbError::Conflict("事件已办结，不能再上传照片".into()));
    }
    let roles = roles_for(&db.conn, u, &m, None).await?;
    let ok = match stage {
        "feedback" => roles.contains(&CaseRole::Department) || roles.contains(&CaseRole::Center),
        _ => roles.contains(&CaseRole::Reporter) || roles.contains(&CaseRole::Center),
    };
    if !ok {
        return Err(DbError::Forbidden("无权为此事件上传该阶段的照片".into()));
    }
    Ok(m)
}

pub struct NewPhoto {
    pub stage: String,
    pub content_type: String,
    pub size: i64,
    pub object_key: String,
    pub thumb_key: Option<String>,
}

pub async fn add_photo(db: &Db, u: &Actor, case_id: i64, p: NewPhoto) -> DbResult<Photo> {
    let txn = db.begin_write().await?;
    let c = &*txn;
    let cur = visible_case(c, u, case_id).await?;
    let now = now();
    let m = case_photo::ActiveModel {
        case_id: Set(case_id),
        stage: Set(p.stage.clone()),
        content_type: Set(p.content_type),
        size: Set(p.size),
        object_key: Set(p.object_key),
        thumb_key: Set(p.thumb_key),
        uploaded_by: Set(u.user_id),
        uploaded_at: Set(now),
        ..Default::default()
    }
    .insert(c)
    .await?;
    let names = actor_names(c, u).await?;
    let stage = if p.stage == "feedback" {
        "处置照片"
    } else {
        "上报照片"
    };
    case_event::Entity::insert(event(
        case_id,
        "photo",
        Some(state_of(&cur)),
        state_of(&cur),
        u,
        &names,
        stage.into(),
        now,
    ))
    .exec_without_returning(c)
    .await?;
    audit::append(
        c,
        db.backend,
        u,
        Event::ok("upload_photo", "case", case_id).detail(format!("{} #{}", cur.code, m.id)),
    )
    .await?;
    txn.commit().await?;
    Ok(photo_view(case_id, m))
}

pub async fn get_photo(db: &Db, u: &Actor, case_id: i64, photo_id: i64) -> DbResult<case_photo::Model> {
    visible_case(&db.conn, u, case_id).await?;
    case_photo::Entity::find_by_id(photo_id)
        .filter(case_photo::Column::CaseId.eq(case_id))
        .one(&db.conn)
        .await?
        .ok_or(DbError::NotFound)
}
