//! The login log: every attempt (success, bad password, unknown user, locked, TOTP failure),
//! chained and keyed like the audit log.
use chrono::{DateTime, SecondsFormat, Utc};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use zongguan_core::audit::{GENESIS, LoginFields, row_hash};

use super::key::writer_key;
use crate::entity::login_log;
use crate::{Backend, Db, DbResult, Page, PageReq, page_of};

/// The moment as the chain hashes it. Stored moments are whole microseconds (PostgreSQL keeps no
/// more), so what is read back prints as what was hashed.
pub(crate) fn at_text(at: &DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// The fields of a stored row, for the chain.
pub(crate) fn fields<'a>(m: &'a login_log::Model, at: &'a str) -> LoginFields<'a> {
    LoginFields {
        id: m.id,
        at,
        username: &m.username,
        user_id: m.user_id,
        result: &m.result,
        client_addr: &m.client_addr,
        user_agent: &m.user_agent,
    }
}

pub async fn record_login(
    db: &Db,
    username: &str,
    user_id: Option<i64>,
    result: &str,
    client_addr: &str,
    user_agent: &str,
) -> DbResult<()> {
    let txn = db.begin_write().await?;
    if db.backend == Backend::Postgres {
        // The login chain's turn (the audit chain's is 727001).
        txn.execute_unprepared("SELECT pg_advisory_xact_lock(727002)").await?;
    }
    let tail: Option<(i64, String)> = login_log::Entity::find()
        .select_only()
        .columns([login_log::Column::Id, login_log::Column::Hash])
        .order_by_desc(login_log::Column::Id)
        .into_tuple()
        .one(&*txn)
        .await?;
    let (id, prev) = match tail {
        Some((id, hash)) => (id + 1, hash),
        None => (1, GENESIS.to_string()),
    };
    let now = Utc::now();
    let at = DateTime::from_timestamp_micros(now.timestamp_micros()).unwrap_or(now);
    let mut m = login_log::Model {
        id,
        at,
        username: username.chars().take(50).collect(),
        user_id,
        result: result.into(),
        client_addr: client_addr.into(),
        user_agent: user_agent.chars().take(255).collect(),
        prev_hash: prev,
        hash: String::new(),
    };
    m.hash = row_hash(&writer_key(), &m.prev_hash, &fields(&m, &at_text(&at)));
    login_log::Entity::insert(login_log::ActiveModel {
        id: Set(m.id),
        at: Set(m.at),
        username: Set(m.username),
        user_id: Set(m.user_id),
        result: Set(m.result),
        client_addr: Set(m.client_addr),
        user_agent: Set(m.user_agent),
        prev_hash: Set(m.prev_hash),
        hash: Set(m.hash),
    })
    .exec_without_returning(&*txn)
    .await?;
    txn.commit().await
}

#[derive(Debug, Default)]
pub struct LoginFilter {
    pub username: Option<String>,
    pub result: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

pub async fn list_logins(db: &Db, f: &LoginFilter, p: PageReq) -> DbResult<Page<login_log::Model>> {
    let mut q = login_log::Entity::find();
    if let Some(u) = f.username.as_deref().filter(|s| !s.is_empty()) {
        q = q.filter(login_log::Column::Username.eq(u));
    }
    if let Some(r) = f.result.as_deref().filter(|s| !s.is_empty()) {
        q = q.filter(login_log::Column::Result.eq(r));
    }
    if let Some(from) = f.from {
        q = q.filter(login_log::Column::At.gte(from));
    }
    if let Some(to) = f.to {
        q = q.filter(login_log::Column::At.lte(to));
    }
    let (items, total) = page_of(db, q, |q| q.order_by_desc(login_log::Column::Id), p).await?;
    Ok(Page::new(items, total))
}
