//! The audit log and the login log: append-only, each a keyed hash chain (`zongguan_core::audit`),
//! checked by [`verify_logs`] against the signed checkpoints [`checkpoint`] writes outside the database.
//!
//! - `key`: the chain key of this process, installed when a [`Db`] connects
//! - `login`: the login log (every attempt), chained like the audit log
//! - `verify`: walks both chains and compares them with the last checkpoint
//! - `checkpoint`: the signed checkpoint file in `data_dir`
mod checkpoint;
mod key;
mod login;
mod verify;

pub use checkpoint::{CHECKPOINT_FILE, checkpoint, last_checkpoint};
pub use key::install_key;
pub(crate) use key::installed_key;
pub use login::{LoginFilter, list_logins, record_login};
pub(crate) use verify::rechain;
pub use verify::{CheckpointUse, LogReport, Report, verify, verify_logs};

use chrono::{SecondsFormat, Utc};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use zongguan_core::audit::{ChainFields, GENESIS, row_hash};
use zongguan_core::rbac::Scope;

use crate::entity::audit_log;
use crate::{Actor, Backend, Db, DbResult, Page, PageReq, page_of, scope};

/// One audited event.
pub struct Event<'a> {
    pub action: &'a str,
    pub object_type: &'a str,
    pub object_id: Option<String>,
    pub result: &'a str,
    pub detail: Option<String>,
}

impl<'a> Event<'a> {
    pub fn ok(action: &'a str, object_type: &'a str, object_id: impl ToString) -> Self {
        Self {
            action,
            object_type,
            object_id: Some(object_id.to_string()),
            result: "success",
            detail: None,
        }
    }
    pub fn detail(mut self, d: impl Into<String>) -> Self {
        self.detail = Some(d.into());
        self
    }
    pub fn result(mut self, r: &'a str) -> Self {
        self.result = r;
        self
    }
}

/// Appends to the chain inside the caller's transaction, so the write and its audit row commit together.
/// Callers on SQLite hold the writer lock (`Db::begin_write`); on PostgreSQL an advisory lock
/// serialises appenders until the transaction ends.
pub async fn append<C: ConnectionTrait>(c: &C, backend: Backend, actor: &Actor, e: Event<'_>) -> DbResult<()> {
    lock_chain(c, backend).await?;
    append_locked(c, actor, e).await
}

/// Takes the chain's turn for the rest of the transaction (PostgreSQL; on SQLite the writer lock
/// is the turn). A transaction that must also serialise something else (case codes) takes it first.
pub async fn lock_chain<C: ConnectionTrait>(c: &C, backend: Backend) -> DbResult<()> {
    if backend == Backend::Postgres {
        c.execute_unprepared("SELECT pg_advisory_xact_lock(727001)").await?;
    }
    Ok(())
}

/// [`append`] in a transaction that already took [`lock_chain`].
pub async fn append_locked<C: ConnectionTrait>(c: &C, actor: &Actor, e: Event<'_>) -> DbResult<()> {
    let row = row_after(tail(c).await?, actor, e);
    audit_log::Entity::insert(row).exec_without_returning(c).await?;
    Ok(())
}

/// The chain's last row: id and hash.
pub type Tail = Option<(i64, String)>;

/// The chain's last row, for a writer that holds the chain's turn.
pub async fn tail<C: ConnectionTrait>(c: &C) -> DbResult<Tail> {
    Ok(audit_log::Entity::find()
        .select_only()
        .columns([audit_log::Column::Id, audit_log::Column::Hash])
        .order_by_desc(audit_log::Column::Id)
        .into_tuple()
        .one(c)
        .await?)
}

/// The row that follows `tail`, hashed; the caller inserts it in the same turn.
pub fn row_after(tail: Tail, actor: &Actor, e: Event<'_>) -> audit_log::ActiveModel {
    let (id, prev) = match tail {
        Some((id, hash)) => (id + 1, hash),
        None => (1, GENESIS.to_string()),
    };
    let at = Utc::now().to_rfc3339_opts(SecondsFormat::Micros, true);
    let hash = row_hash(
        &key::writer_key(),
        &prev,
        &ChainFields {
            id,
            at: &at,
            user_id: actor.user_id,
            username: &actor.username,
            org_unit_id: actor.org_unit_id,
            action: e.action,
            object_type: e.object_type,
            object_id: e.object_id.as_deref(),
            result: e.result,
            client_addr: &actor.client_addr,
            detail: e.detail.as_deref(),
        },
    );
    audit_log::ActiveModel {
        id: Set(id),
        at: Set(at),
        user_id: Set(actor.user_id),
        username: Set(actor.username.clone()),
        org_unit_id: Set(actor.org_unit_id),
        action: Set(e.action.into()),
        object_type: Set(e.object_type.into()),
        object_id: Set(e.object_id),
        result: Set(e.result.into()),
        client_addr: Set(actor.client_addr.clone()),
        detail: Set(e.detail),
        prev_hash: Set(prev),
        hash: Set(hash),
    }
}

/// Audits in a transaction of its own (reads, refusals).
pub async fn record(db: &Db, actor: &Actor, e: Event<'_>) -> DbResult<()> {
    let txn = db.begin_write().await?;
    append(&*txn, db.backend, actor, e).await?;
    txn.commit().await
}

/// A refusal (403, or a 404 that may hide an out-of-scope record) of `action` on a record, in a
/// transaction of its own: the row says who was refused what, with result `denied`.
pub async fn denied(
    db: &Db,
    actor: &Actor,
    action: &str,
    object_type: &str,
    object_id: impl ToString,
    why: &str,
) -> DbResult<()> {
    record(
        db,
        actor,
        Event::ok(action, object_type, object_id).result("denied").detail(why),
    )
    .await
}

#[derive(Debug, Default)]
pub struct AuditFilter {
    pub username: Option<String>,
    pub action: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
}

pub async fn list(db: &Db, scope: &Scope, f: &AuditFilter, p: PageReq) -> DbResult<Page<audit_log::Model>> {
    let mut q = audit_log::Entity::find().filter(scope::unit_column(
        scope,
        audit_log::Column::OrgUnitId,
        Some(audit_log::Column::UserId),
    ));
    if let Some(u) = f.username.as_deref().filter(|s| !s.is_empty()) {
        q = q.filter(audit_log::Column::Username.eq(u));
    }
    if let Some(a) = f.action.as_deref().filter(|s| !s.is_empty()) {
        q = q.filter(audit_log::Column::Action.eq(a));
    }
    if let Some(from) = f.from.as_deref().filter(|s| !s.is_empty()) {
        q = q.filter(audit_log::Column::At.gte(from));
    }
    if let Some(to) = f.to.as_deref().filter(|s| !s.is_empty()) {
        // A bare date includes the whole day.
        let to = if to.len() == 10 {
            format!("{to}T23:59:59.999999Z")
        } else {
            to.to_string()
        };
        q = q.filter(audit_log::Column::At.lte(to));
    }
    let (items, total) = page_of(db, q, |q| q.order_by_desc(audit_log::Column::Id), p).await?;
    Ok(Page::new(items, total))
}

/// Up to `limit` rows with `from <= at < to` (RFC 3339 UTC, as stored) and ids after `after_id`,
/// oldest first, within the scope: one batch of an export.
pub async fn rows_between(
    db: &Db,
    scope: &Scope,
    from: &str,
    to: &str,
    after_id: i64,
    limit: u64,
) -> DbResult<Vec<audit_log::Model>> {
    Ok(audit_log::Entity::find()
        .filter(scope::unit_column(
            scope,
            audit_log::Column::OrgUnitId,
            Some(audit_log::Column::UserId),
        ))
        .filter(audit_log::Column::At.gte(from))
        .filter(audit_log::Column::At.lt(to))
        .filter(audit_log::Column::Id.gt(after_id))
        .order_by_asc(audit_log::Column::Id)
        .limit(limit)
        .all(&db.conn)
        .await?)
}
