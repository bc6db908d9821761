//! API keys for the Open311 GeoReport v2 endpoint: issued by administrators, stored as SHA-256 only.
use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;
use utoipa::ToSchema;

use crate::audit::{self, Event};
use crate::entity::api_key;
use crate::{Actor, Db, DbError, DbResult};

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ApiKey {
    pub id: i64,
    pub name: String,
    /// The first characters of the key, to tell keys apart.
    pub prefix: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl From<api_key::Model> for ApiKey {
    fn from(m: api_key::Model) -> Self {
        Self {
            id: m.id,
            name: m.name,
            prefix: m.prefix,
            created_at: m.created_at,
            last_used_at: m.last_used_at,
            revoked_at: m.revoked_at,
        }
    }
}

pub async fn create(db: &Db, actor: &Actor, name: &str, hash: &str, prefix: &str) -> DbResult<ApiKey> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(DbError::invalid("name", "名称不能为空，且不超过 100 字"));
    }
    let txn = db.begin_write().await?;
    let m = api_key::ActiveModel {
        name: Set(name.into()),
        key_hash: Set(hash.into()),
        prefix: Set(prefix.into()),
        created_by: Set(actor.user_id),
        created_at: Set(Utc::now()),
        last_used_at: Set(None),
        revoked_at: Set(None),
        ..Default::default()
    }
    .insert(&*txn)
    .await?;
    audit::append(
        &*txn,
        db.backend,
        actor,
        Event::ok("create", "api_key", m.id).detail(m.name.clone()),
    )
    .await?;
    txn.commit().await?;
    Ok(m.into())
}

pub async fn list(db: &Db) -> DbResult<Vec<ApiKey>> {
    Ok(api_key::Entity::find()
        .order_by_asc(api_key::Column::Id)
        .all(&db.conn)
        .await?
        .into_iter()
        .map(ApiKey::from)
        .collect())
}

/// The live key with this hash (and marks it used).
pub async fn find(db: &Db, hash: &str) -> DbResult<Option<ApiKey>> {
    let Some(m) = api_key::Entity::find()
        .filter(api_key::Column::KeyHash.eq(hash))
        .filter(api_key::Column::RevokedAt.is_null())
        .one(&db.conn)
        .await?
    else {
        return Ok(None);
    };
    api_key::Entity::update_many()
        .col_expr(api_key::Column::LastUsedAt, sea_orm::sea_query::Expr::val(Utc::now()))
        .filter(api_key::Column::Id.eq(m.id))
        .exec(&db.conn)
        .await?;
    Ok(Some(m.into()))
}

/// Revokes a key: from now on it is refused. Revoking a revoked key keeps its first revocation time.
pub async fn revoke(db: &Db, actor: &Actor, id: i64) -> DbResult<ApiKey> {
    let txn = db.begin_write().await?;
    let m = api_key::Entity::find_by_id(id)
        .one(&*txn)
        .await?
        .ok_or(DbError::NotFound)?;
    if m.revoked_at.is_some() {
        return Ok(m.into());
    }
    let mut am: api_key::ActiveModel = m.into();
    am.revoked_at = Set(Some(Utc::now()));
    let m = am.update(&*txn).await?;
    audit::append(
        &*txn,
        db.backend,
        actor,
        Event::ok("revoke", "api_key", m.id).detail(m.name.clone()),
    )
    .await?;
    txn.commit().await?;
    Ok(m.into())
}
