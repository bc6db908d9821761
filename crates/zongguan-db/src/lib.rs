//! Database layer of zongguan: connection, migrations, entities and every query.
//! Data scope is a required argument of each query that reads or writes org-scoped rows.
pub mod api_keys;
pub mod audit;
pub mod auth;
pub mod cases;
pub mod demo;
pub mod demo_data;
pub mod entity;
pub mod governance;
pub mod imports;
mod like;
pub mod listing;
pub mod map;
pub mod migration;
pub mod notifications;
pub mod org;
pub mod registry;
pub mod regrid;
pub mod scope;
pub mod stats;
pub mod users;

use std::sync::Arc;
use std::time::Duration;

pub use sea_orm;
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr,
    TransactionTrait,
};
use sea_orm_migration::MigratorTrait;
pub use zongguan_core::rbac::Scope;

/// What went wrong in a query, sorted by whose fault it is.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("记录不存在")]
    NotFound,
    #[error("{0}")]
    Conflict(String),
    /// The caller may not do this to this record (their role relative to it): 403.
    #[error("{0}")]
    Forbidden(String),
    #[error("{message}")]
    Validation { field: String, message: String },
    /// A unique value is taken (a code, a room number): 409 naming the field.
    #[error("{message}")]
    Taken { field: String, message: String },
    /// A record with the same unique key exists; `existing_id` lets the UI open it.
    #[error("{message}")]
    Duplicate {
        field: String,
        message: String,
        existing_id: i64,
    },
    #[error("database: {0}")]
    Db(#[from] DbErr),
}

impl DbError {
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Self::Validation {
            field: field.into(),
            message: message.into(),
        }
    }

    /// Like [`DbError::unique`], naming the field that holds the taken value.
    pub fn unique_on(self, field: &str, message: &str) -> Self {
        match self.unique(message) {
            Self::Conflict(m) => Self::Taken {
                field: field.into(),
                message: m,
            },
            other => other,
        }
    }

    /// Turns a unique-constraint violation into a 409 with a message; leaves other errors alone.
    pub fn unique(self, message: &str) -> Self {
        match &self {
            Self::Db(e) => {
                let s = e.to_string().to_lowercase();
                if s.contains("unique") || s.contains("duplicate key") {
                    Self::Conflict(message.into())
                } else {
                    self
                }
            }
            _ => self,
        }
    }
}

pub type DbResult<T> = Result<T, DbError>;

/// Who is acting, below the HTTP edge: data scope, permissions and department for the checks,
/// user and name for `created_by`, the timeline and the audit log.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: Option<i64>,
    pub username: String,
    /// Display name, for timelines.
    pub name: String,
    pub org_unit_id: Option<i64>,
    pub department_id: Option<i64>,
    pub scope: Scope,
    pub permissions: Vec<String>,
    pub client_addr: String,
}

impl Actor {
    /// The system itself (CLI, demo loader, jobs): sees everything, holds no permission codes.
    pub fn system(what: &str) -> Self {
        Self {
            user_id: None,
            username: what.into(),
            name: what.into(),
            org_unit_id: None,
            department_id: None,
            scope: Scope::All,
            permissions: vec![],
            client_addr: "local".into(),
        }
    }

    /// An account by user name, as a session would see it: the demo, the bench, the command line, tests.
    pub async fn load(db: &Db, username: &str, client_addr: &str) -> DbResult<Self> {
        let u = auth::find_by_username(db, username).await?.ok_or(DbError::NotFound)?;
        let scope = scope::resolve(&db.conn, &u).await?;
        let permissions = auth::permissions(&db.conn, u.id).await?;
        Ok(Self {
            user_id: Some(u.id),
            username: u.username,
            name: u.display_name,
            org_unit_id: Some(u.org_unit_id),
            department_id: u.department_id,
            scope,
            permissions,
            client_addr: client_addr.into(),
        })
    }

    pub fn can(&self, permission: zongguan_core::permission::Permission) -> bool {
        self.permissions.iter().any(|p| p == permission.code())
    }
}

/// A page request: `page` from 1, `page_size` up to 500, or a keyset cursor from the answer
/// before (`after` its `next`, `before` its `prev`), which costs the same at any depth.
#[derive(Debug, Clone, Default)]
pub struct PageReq {
    pub page: u64,
    pub page_size: u64,
    pub after: Option<String>,
    pub before: Option<String>,
}

impl PageReq {
    /// Past this no one pages by hand (a district's residents are 200,000 pages of 20); the bound
    /// keeps every offset far inside the databases' integers.
    pub const MAX_PAGE: u64 = 1_000_000;

    pub fn new(page: Option<u64>, page_size: Option<u64>) -> DbResult<Self> {
        let page = page.unwrap_or(1);
        let page_size = page_size.unwrap_or(20);
        if page == 0 {
            return Err(DbError::invalid("page", "页码从 1 开始"));
        }
        if page > Self::MAX_PAGE {
            return Err(DbError::invalid("page", format!("页码不能超过 {}", Self::MAX_PAGE)));
        }
        if page_size == 0 || page_size > 500 {
            return Err(DbError::invalid("page_size", "每页条数须在 1 到 500 之间"));
        }
        Ok(Self {
            page,
            page_size,
            ..Default::default()
        })
    }

    /// The same request read by cursor.
    pub fn with_cursors(mut self, after: Option<String>, before: Option<String>) -> Self {
        self.after = after.filter(|s| !s.is_empty());
        self.before = before.filter(|s| !s.is_empty());
        self
    }
    pub fn offset(&self) -> u64 {
        (self.page - 1) * self.page_size
    }
}

/// One page of a filtered query and the filter's total: `order` is applied to the page only, so the
/// count stays a plain `COUNT(*)`.
pub(crate) async fn page_of<E>(
    db: &Db,
    q: sea_orm::Select<E>,
    order: impl FnOnce(sea_orm::Select<E>) -> sea_orm::Select<E>,
    p: PageReq,
) -> DbResult<(Vec<E::Model>, u64)>
where
    E: sea_orm::EntityTrait,
    E::Model: Sync,
{
    use sea_orm::{PaginatorTrait, QuerySelect};
    let total = q.clone().count(&db.conn).await?;
    let rows = order(q).offset(p.offset()).limit(p.page_size).all(&db.conn).await?;
    Ok((rows, total))
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: u64,
    /// False when `total` is a cap ([`listing::COUNT_CAP`]): there are at least that many.
    pub total_exact: bool,
    /// Cursors of the following and the previous page, for `after` / `before`.
    pub next: Option<String>,
    pub prev: Option<String>,
}

impl<T> Page<T> {
    /// The same page with other items (the rows turned into views).
    pub fn with_items<U>(self, items: Vec<U>) -> Page<U> {
        Page {
            items,
            total: self.total,
            total_exact: self.total_exact,
            next: self.next,
            prev: self.prev,
        }
    }

    /// A page with an exact total and no cursors.
    pub fn new(items: Vec<T>, total: u64) -> Self {
        Self {
            items,
            total,
            total_exact: true,
            next: None,
            prev: None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Self::Sqlite => "sqlite",
            Self::Postgres => "postgres",
        }
    }
}

/// The connection pool plus what the backend needs to write safely.
#[derive(Clone)]
pub struct Db {
    pub conn: DatabaseConnection,
    /// Where write transactions run. SQLite: one connection of its own. A connection drops its
    /// page cache whenever another one has committed, so writes that rotated over the pool found
    /// every index page cold; on its own connection the writer's pages stay warm from one
    /// transaction to the next (reports at a million cases, one at a time: 417/s → 461/s; with the
    /// duplicate search on this connection too, 881/s). PostgreSQL: the pool.
    writer: DatabaseConnection,
    pub backend: Backend,
    /// Encrypts personal data at rest.
    pub cipher: Arc<zongguan_core::crypto::FieldCipher>,
    /// SQLite has one writer; taking this before a write transaction avoids SQLITE_BUSY
    /// upgrades when two transactions read then write.
    write_lock: Arc<tokio::sync::Mutex<()>>,
    /// SQLite: the writer's foreign-key checks are off after a bulk write until the next write.
    fk_off: Arc<std::sync::atomic::AtomicBool>,
    /// Registry counts per org unit, recomputed where they changed.
    pub stats: Arc<stats::StatsCache>,
    /// The grid index and the working-day calendar of the case workflow.
    pub cases: Arc<cases::CaseCaches>,
    /// The map office's layers in memory.
    pub map: Arc<map::MapIndex>,
    /// Notifications announced to the open pages of this process.
    pub live: Arc<notifications::Live>,
}

/// A write transaction; holds the SQLite writer lock until dropped.
pub struct WriteTxn {
    pub txn: DatabaseTransaction,
    _guard: Option<tokio::sync::OwnedMutexGuard<()>>,
}

impl std::ops::Deref for WriteTxn {
    type Target = DatabaseTransaction;
    fn deref(&self) -> &DatabaseTransaction {
        &self.txn
    }
}

impl WriteTxn {
    pub async fn commit(self) -> DbResult<()> {
        self.txn.commit().await?;
        Ok(())
    }
}

/// SQLite: a passive checkpoint every half second, which never waits for readers or writers and
/// costs nothing when the WAL holds no new pages. It ends with the runtime.
async fn checkpointer(conn: DatabaseConnection) {
    let mut tick = tokio::time::interval(Duration::from_millis(500));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if let Err(e) = conn.execute_unprepared("PRAGMA wal_checkpoint(PASSIVE)").await {
            if matches!(e, DbErr::ConnectionAcquire(_)) && conn.ping().await.is_err() {
                return;
            }
            tracing::debug!("checkpoint: {e}");
        }
    }
}

impl Db {
    /// Connects to `sqlite://…` or `postgres://…`; `schema` selects a PostgreSQL schema (tests).
    pub async fn connect(
        url: &str,
        schema: Option<&str>,
        cipher: zongguan_core::crypto::FieldCipher,
    ) -> DbResult<Self> {
        let backend = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else {
            return Err(DbError::invalid("database", format!("不支持的数据库地址: {url}")));
        };
        let options = |max: u32| {
            let mut opt = ConnectOptions::new(url.to_string());
            opt.sqlx_logging(false).connect_timeout(Duration::from_secs(10));
            Self::tune(&mut opt, backend, schema, max);
            opt
        };
        let conn = Database::connect(options(if backend == Backend::Sqlite { 8 } else { 16 })).await?;
        let writer = match backend {
            Backend::Sqlite => {
                // WAL is persistent in the file; foreign keys and busy timeout are set per connection.
                conn.execute_unprepared("PRAGMA journal_mode=WAL").await?;
                tokio::spawn(checkpointer(conn.clone()));
                Database::connect(options(1)).await?
            }
            Backend::Postgres => conn.clone(),
        };
        audit::install_key(&cipher);
        Ok(Self {
            conn,
            writer,
            backend,
            cipher: Arc::new(cipher),
            write_lock: Arc::new(tokio::sync::Mutex::new(())),
            fk_off: Arc::default(),
            stats: Arc::default(),
            cases: Arc::default(),
            map: Arc::default(),
            live: Arc::default(),
        })
    }

    fn tune(opt: &mut ConnectOptions, backend: Backend, schema: Option<&str>, max: u32) {
        opt.max_connections(max).min_connections(1);
        match backend {
            Backend::Sqlite => {
                // WAL with synchronous=NORMAL is durable against a crash of the process; a larger
                // page cache keeps the indexes of a 4-million-row table in memory while loading.
                opt.map_sqlx_sqlite_opts(|o| {
                    o.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                        .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
                        .foreign_keys(true)
                        .busy_timeout(Duration::from_secs(10))
                        .pragma("cache_size", "-32768")
                        // Pages read through a memory map instead of a copy per read: index lookups
                        // at random in a multi-gigabyte file cost a page fault, not a syscall.
                        .pragma("mmap_size", "4294967296")
                        .pragma("temp_store", "memory")
                        // Checkpoints run on their own task (`checkpointer`), not inside the commit
                        // of whoever crossed the threshold: a large import's commit no longer
                        // copies its pages into the database file before it returns. The WAL
                        // file is cut back to 256 MiB once a checkpoint has emptied it: writing
                        // over blocks the file already has costs less than growing it (an import
                        // of 20,000 residents writes about 130 MiB of pages: 13k → 19k rows/s).
                        .pragma("wal_autocheckpoint", "0")
                        .pragma("journal_size_limit", "268435456")
                });
            }
            Backend::Postgres => {
                if let Some(s) = schema {
                    opt.set_schema_search_path(s);
                }
            }
        }
    }

    pub async fn migrate(&self) -> DbResult<()> {
        migration::Migrator::up(&self.conn, None).await?;
        users::sync_builtin_roles(self).await?;
        // Reporter contacts stored in plain text before migration 13 are sealed with the field
        // key, which SQL cannot reach (see `m0013_open311`).
        let sealed = cases::seal_reporter_contacts(self).await?;
        if sealed > 0 {
            tracing::info!(sealed, "reporter contacts sealed with the field key");
        }
        // The identity numbers' tails hashed with the field key (see `m0015_unit_keys`).
        let tails = registry::fill_id_tails(self).await?;
        if tails > 0 {
            tracing::info!(tails, "identity number tails indexed");
        }
        Ok(())
    }

    pub async fn begin_write(&self) -> DbResult<WriteTxn> {
        let guard = match self.backend {
            Backend::Sqlite => Some(self.write_lock.clone().lock_owned().await),
            Backend::Postgres => None,
        };
        if self.fk_off.swap(false, std::sync::atomic::Ordering::AcqRel) {
            self.writer.execute_unprepared("PRAGMA foreign_keys = ON").await?;
        }
        Ok(WriteTxn {
            txn: self.writer.begin().await?,
            _guard: guard,
        })
    }

    /// A write transaction for bulk loads and imports whose rows point only at rows the writer has
    /// just checked or made. SQLite: foreign-key checks are off for it (back on at the next
    /// [`Db::begin_write`]), and with [`bulk_insert_models`] a multi-row INSERT needs no
    /// statement journal: it would copy each index page it touches first, and random keys (the
    /// identity-number hash) touch a page per row (200,000 rows into a million: 2.4 s → 1.1 s).
    /// PostgreSQL: an ordinary write transaction.
    pub async fn begin_bulk_write(&self) -> DbResult<WriteTxn> {
        if self.backend == Backend::Postgres {
            return self.begin_write().await;
        }
        let guard = self.write_lock.clone().lock_owned().await;
        self.writer.execute_unprepared("PRAGMA foreign_keys = OFF").await?;
        self.fk_off.store(true, std::sync::atomic::Ordering::Release);
        Ok(WriteTxn {
            txn: self.writer.begin().await?,
            _guard: Some(guard),
        })
    }

    /// Copies every committed page from the WAL into the database file, so the next writer starts
    /// the WAL over (SQLite; nothing on PostgreSQL). Commands that wrote much call it before they
    /// exit. The file is kept (up to `journal_size_limit`), not truncated, to be written over.
    pub async fn checkpoint(&self) -> DbResult<()> {
        if self.backend == Backend::Sqlite {
            self.conn.execute_unprepared("PRAGMA wal_checkpoint(RESTART)").await?;
        }
        Ok(())
    }

    /// [`Db::checkpoint`], then cuts the WAL file to nothing: after a bulk load the WAL holds
    /// gigabytes that are all in the database file now. Written over, those pages would make the
    /// next writer wait on their write-back to disk; cut, they are dropped unwritten.
    pub async fn checkpoint_truncate(&self) -> DbResult<()> {
        if self.backend == Backend::Sqlite {
            self.conn.execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)").await?;
        }
        Ok(())
    }

    /// Closes the pools. On SQLite the last connection to close checkpoints the WAL and removes
    /// it. A process that exits without closing leaves its WAL to the next one, which must read
    /// it all back (recovery) and copy every frame into the database file again.
    pub async fn close(self) -> DbResult<()> {
        if self.backend == Backend::Sqlite {
            self.writer.close().await?;
        }
        self.conn.close().await?;
        Ok(())
    }

    pub fn db_backend(&self) -> DbBackend {
        self.conn.get_database_backend()
    }
}

/// Multi-row INSERT of models with every column set (explicit ids), bound directly without
/// building a query tree: the loaders' fast path for millions of rows. For use inside
/// [`Db::begin_bulk_write`]: on SQLite a failed constraint rolls back the whole transaction
/// (`INSERT OR ROLLBACK`), which is what every bulk writer does with an error anyway, and so no
/// statement needs a journal of its own.
pub(crate) async fn bulk_insert_models<C, A>(c: &C, models: Vec<A>) -> DbResult<()>
where
    C: ConnectionTrait,
    A: sea_orm::ActiveModelTrait,
{
    for st in insert_statements(
        c.get_database_backend(),
        models,
        bulk_insert(c.get_database_backend()),
        "",
    )? {
        c.execute_raw(st).await?;
    }
    Ok(())
}

fn bulk_insert(backend: DbBackend) -> &'static str {
    match backend {
        DbBackend::Sqlite => "INSERT OR ROLLBACK",
        _ => "INSERT",
    }
}

/// Statements inserting `models` as [`bulk_insert_models`] does, except rows whose `unique` column
/// holds a value already: those are left out without an error (the database's own unique index
/// decides, with no lookup before). Run them with [`insert_new`].
pub(crate) fn insert_new_statements<A: sea_orm::ActiveModelTrait>(
    backend: DbBackend,
    models: Vec<A>,
    unique: &str,
) -> DbResult<Vec<sea_orm::Statement>> {
    insert_statements(
        backend,
        models,
        bulk_insert(backend),
        &format!(" ON CONFLICT ({unique}) DO NOTHING"),
    )
}

/// Runs [`insert_new_statements`] for rows with the ids `ids` and answers the ids left out. The
/// rows written are counted, not returned: only when some were left out are they looked up.
pub(crate) async fn insert_new<C: ConnectionTrait>(
    c: &C,
    table: &str,
    statements: Vec<sea_orm::Statement>,
    ids: &[i64],
) -> DbResult<std::collections::HashSet<i64>> {
    let mut written = 0;
    for st in statements {
        written += c.execute_raw(st).await?.rows_affected();
    }
    let mut left_out: std::collections::HashSet<i64> = std::collections::HashSet::new();
    if written as usize == ids.len() {
        return Ok(left_out);
    }
    left_out.extend(ids);
    let b = c.get_database_backend();
    for part in ids.chunks(5_000) {
        let list = part.iter().map(i64::to_string).collect::<Vec<_>>().join(", ");
        for row in c
            .query_all_raw(sea_orm::Statement::from_string(
                b,
                format!("SELECT id FROM {table} WHERE id IN ({list})"),
            ))
            .await?
        {
            left_out.remove(&row.try_get::<i64>("", "id")?);
        }
    }
    Ok(left_out)
}

fn insert_statements<A: sea_orm::ActiveModelTrait>(
    backend: DbBackend,
    models: Vec<A>,
    verb: &str,
    suffix: &str,
) -> DbResult<Vec<sea_orm::Statement>> {
    use sea_orm::{EntityName, IdenStatic, Iterable};
    type Col<A> = <<A as sea_orm::ActiveModelTrait>::Entity as sea_orm::EntityTrait>::Column;
    let Some(first) = models.first() else {
        return Ok(Vec::new());
    };
    let cols: Vec<Col<A>> = Col::<A>::iter().filter(|col| first.get(*col).is_set()).collect();
    let table = <A::Entity as Default>::default().table_name().to_string();
    let names: Vec<&str> = cols.iter().map(|c| c.as_str()).collect();
    // SQLite binds at most 32,766 values per statement. There statements hold a power of two of
    // rows (512 + 256 + … for 1,000): a few texts recur and their prepared statements are reused,
    // where batches of every odd size (a grid's residents, an import's chunk less its rejected
    // rows) were each compiled anew. PostgreSQL pays a round trip per statement instead: as many
    // rows as fit.
    let per = (30_000 / cols.len().max(1)).clamp(1, 1000);
    let mut left = models.len();
    let mut models = models.into_iter();
    let mut out = Vec::new();
    while left > 0 {
        let take = match backend {
            DbBackend::Sqlite => 1usize << left.min(per).ilog2(),
            _ => left.min(per),
        };
        left -= take;
        let mut sql = format!("{verb} INTO {table} ({}) VALUES ", names.join(", "));
        let mut values = Vec::with_capacity(take * cols.len());
        for (i, m) in models.by_ref().take(take).enumerate() {
            sql.push_str(if i == 0 { "(" } else { ", (" });
            for (j, col) in cols.iter().enumerate() {
                if j > 0 {
                    sql.push_str(", ");
                }
                match backend {
                    DbBackend::Postgres => {
                        sql.push('$');
                        sql.push_str(&(values.len() + 1).to_string());
                    }
                    _ => sql.push('?'),
                }
                values.push(
                    m.get(*col)
                        .into_value()
                        .ok_or_else(|| DbError::invalid(names[j], "批量写入缺少字段值"))?,
                );
            }
            sql.push(')');
        }
        sql.push_str(suffix);
        out.push(sea_orm::Statement::from_sql_and_values(backend, sql, values));
    }
    Ok(out)
}

/// A 64-bit fingerprint of a key: finds repeats among millions (identity numbers, codes) in flat memory.
pub(crate) fn fingerprint(parts: &[&str]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    parts.hash(&mut h);
    h.finish()
}

/// The id after the largest in `table`. Safe for explicit ids only while the SQLite writer lock
/// (or an empty table on PostgreSQL, whose sequence is moved afterwards) keeps others out.
pub(crate) async fn next_id<C: ConnectionTrait>(c: &C, table: &str) -> DbResult<i64> {
    let sql = format!("SELECT COALESCE(MAX(id), 0) AS m FROM {table}");
    let row = c
        .query_one_raw(sea_orm::Statement::from_string(c.get_database_backend(), sql))
        .await?;
    Ok(row.and_then(|r| r.try_get::<i64>("", "m").ok()).unwrap_or(0) + 1)
}
