//! The notice settings an administrator edits: each kind's template body and each issuing unit's
//! serial prefix, as `setting` rows (`notice.template.<kind>`, `notice.prefix.<unit id>`). A
//! missing row is the core's default.
use chrono::Utc;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait, EntityTrait};
use serde::Serialize;
use utoipa::ToSchema;
use zongguan_core::governance::notice_serial::{NoticeKind, UnitPrefix};
use zongguan_core::governance::notice_template::{self, Field};

use crate::audit::{self, Event};
use crate::entity::{org_unit, setting};
use crate::{Actor, Db, DbError, DbResult};

fn template_key(kind: NoticeKind) -> String {
    format!("notice.template.{}", kind.as_str())
}

fn prefix_key(unit_id: i64) -> String {
    format!("notice.prefix.{unit_id}")
}

async fn value<C: ConnectionTrait>(c: &C, key: String) -> DbResult<Option<String>> {
    Ok(setting::Entity::find_by_id(key).one(c).await?.map(|s| s.value))
}

async fn put<C: ConnectionTrait>(c: &C, actor: &Actor, key: String, v: String) -> DbResult<()> {
    let exists = setting::Entity::find_by_id(key.clone()).one(c).await?.is_some();
    let row = setting::ActiveModel {
        key: Set(key),
        value: Set(v),
        updated_by: Set(actor.user_id),
        updated_at: Set(Utc::now()),
    };
    if exists {
        row.update(c).await?;
    } else {
        row.insert(c).await?;
    }
    Ok(())
}

/// The body a kind is issued with now.
pub async fn template_body<C: ConnectionTrait>(c: &C, kind: NoticeKind) -> DbResult<String> {
    Ok(value(c, template_key(kind))
        .await?
        .unwrap_or_else(|| notice_template::default_body(kind).to_string()))
}

/// A unit's own prefix, if an administrator set one.
pub async fn unit_prefix<C: ConnectionTrait>(c: &C, unit_id: i64) -> DbResult<Option<UnitPrefix>> {
    Ok(value(c, prefix_key(unit_id))
        .await?
        .and_then(|s| UnitPrefix::parse(&s).ok()))
}

/// A kind's template as the editor shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NoticeTemplate {
    pub kind: String,
    pub title: String,
    pub body: String,
    /// The body is the built-in one (never edited, or reset).
    pub is_default: bool,
    pub has_return_slip: bool,
    /// The placeholders a body may use, as `{{名称}}` names.
    pub fields: Vec<String>,
}

pub async fn notice_templates<C: ConnectionTrait>(c: &C) -> DbResult<Vec<NoticeTemplate>> {
    let mut out = Vec::new();
    for kind in NoticeKind::ALL {
        let stored = value(c, template_key(kind)).await?;
        out.push(NoticeTemplate {
            kind: kind.as_str().into(),
            title: kind.zh().into(),
            is_default: stored.is_none(),
            body: stored.unwrap_or_else(|| notice_template::default_body(kind).to_string()),
            has_return_slip: kind.has_return_slip(),
            fields: Field::ALL.iter().map(|f| f.zh().to_string()).collect(),
        });
    }
    Ok(out)
}

/// Saves a checked body; an empty `body` resets the kind to the built-in one.
pub async fn save_template(db: &Db, actor: &Actor, kind: NoticeKind, body: Option<&str>) -> DbResult<NoticeTemplate> {
    let txn = db.begin_write().await?;
    let key = template_key(kind);
    match body {
        Some(b) => {
            notice_template::check(b).map_err(|e| DbError::invalid("body", e.to_string()))?;
            put(&*txn, actor, key.clone(), b.replace("\r\n", "\n")).await?;
        }
        None => {
            setting::Entity::delete_by_id(key.clone()).exec(&*txn).await?;
        }
    }
    audit::append(&*txn, db.backend, actor, Event::ok("update", "setting", &key)).await?;
    txn.commit().await?;
    notice_templates(&db.conn)
        .await?
        .into_iter()
        .find(|t| t.kind == kind.as_str())
        .ok_or(DbError::NotFound)
}

/// A unit's serial prefix as the editor shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NoticePrefix {
    pub org_unit_id: i64,
    pub org_unit_name: String,
    pub prefix: String,
    pub is_default: bool,
}

pub async fn notice_prefix(db: &Db, unit_id: i64) -> DbResult<NoticePrefix> {
    let unit = org_unit::Entity::find_by_id(unit_id)
        .one(&db.conn)
        .await?
        .ok_or(DbError::NotFound)?;
    let own = unit_prefix(&db.conn, unit_id).await?;
    Ok(NoticePrefix {
        org_unit_id: unit.id,
        is_default: own.is_none(),
        prefix: own
            .unwrap_or_else(|| UnitPrefix::default_for(&unit.name))
            .as_str()
            .to_string(),
        org_unit_name: unit.name,
    })
}

pub async fn save_notice_prefix(db: &Db, actor: &Actor, unit_id: i64, prefix: &str) -> DbResult<NoticePrefix> {
    let p = UnitPrefix::parse(prefix).map_err(|e| DbError::invalid("prefix", e.to_string()))?;
    org_unit::Entity::find_by_id(unit_id)
        .one(&db.conn)
        .await?
        .ok_or(DbError::NotFound)?;
    let txn = db.begin_write().await?;
    let key = prefix_key(unit_id);
    put(&*txn, actor, key.clone(), p.as_str().to_string()).await?;
    audit::append(
        &*txn,
        db.backend,
        actor,
        Event::ok("update", "setting", &key).detail(p.as_str().to_string()),
    )
    .await?;
    txn.commit().await?;
    notice_prefix(db, unit_id).await
}
