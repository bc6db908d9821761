//! Notifications (站内消息): a row per recipient, written in the transaction of the write that
//! causes it (an assignment, a supervision, an overdue alert, a large incident), and announced on
//! this process's live channel once that transaction has committed, so an open page shows it
//! without reload.
use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect};
use serde::Serialize;
use tokio::sync::broadcast;
use utoipa::ToSchema;

use crate::entity::{app_user, notification};
use crate::{Db, DbResult, Page, PageReq};

/// What the live channel carries: whose inbox got what.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LiveNotice {
    pub user_id: i64,
    pub id: i64,
    pub kind: String,
    pub title: String,
    pub link: String,
}

/// The process's live channel. A receiver that falls behind loses the oldest messages, not the
/// sender's time; a page that missed some reloads its count.
pub struct Live {
    tx: broadcast::Sender<LiveNotice>,
}

impl Default for Live {
    fn default() -> Self {
        Live {
            tx: broadcast::channel(1024).0,
        }
    }
}

impl Live {
    pub fn subscribe(&self) -> broadcast::Receiver<LiveNotice> {
        self.tx.subscribe()
    }

    fn publish(&self, n: LiveNotice) {
        // No listener is not an error.
        let _ = self.tx.send(n);
    }
}

/// A message to write.
#[derive(Debug, Clone)]
pub struct NewNotification {
    pub kind: &'static str,
    pub title: String,
    pub body: String,
    /// The page it opens, e.g. `/governance/disputes?open=12`.
    pub link: String,
    pub subject_kind: &'static str,
    pub subject_id: Option<i64>,
}

/// Messages written in a transaction, announced once it has committed.
#[must_use = "announce the notifications after the transaction commits"]
#[derive(Debug, Default)]
pub struct Pending(Vec<LiveNotice>);

impl Pending {
    pub fn announce(self, db: &Db) {
        for n in self.0 {
            db.live.publish(n);
        }
    }

    pub fn extend(&mut self, other: Pending) {
        self.0.extend(other.0);
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Writes the message to each of these people (deduplicated; locked accounts left out).
pub async fn notify_users<C: ConnectionTrait>(c: &C, users: &[i64], n: &NewNotification) -> DbResult<Pending> {
    let users: BTreeSet<i64> = users.iter().copied().collect();
    if users.is_empty() {
        return Ok(Pending::default());
    }
    let active: Vec<i64> = app_user::Entity::find()
        .select_only()
        .column(app_user::Column::Id)
        .filter(app_user::Column::Id.is_in(users))
        .filter(app_user::Column::Locked.eq(false))
        .into_tuple()
        .all(c)
        .await?;
    let now = crate::cases::now();
    let mut out = Pending::default();
    for user_id in active {
        let res = notification::Entity::insert(notification::ActiveModel {
            user_id: Set(user_id),
            kind: Set(n.kind.into()),
            title: Set(n.title.chars().take(200).collect()),
            body: Set(n.body.clone()),
            link: Set(n.link.chars().take(300).collect()),
            subject_kind: Set(n.subject_kind.into()),
            subject_id: Set(n.subject_id),
            created_at: Set(now),
            read_at: Set(None),
            ..Default::default()
        })
        .exec(c)
        .await?;
        out.0.push(LiveNotice {
            user_id,
            id: res.last_insert_id,
            kind: n.kind.into(),
            title: n.title.clone(),
            link: n.link.clone(),
        });
    }
    Ok(out)
}

/// Writes the message to the people of a unit who hold `permission` through their roles.
pub async fn notify_unit<C: ConnectionTrait>(
    c: &C,
    unit_id: i64,
    permission: zongguan_core::permission::Permission,
    n: &NewNotification,
) -> DbResult<Pending> {
    let users = crate::users::unit_users_with(c, unit_id, permission).await?;
    notify_users(c, &users, n).await
}

/// A message as its recipient sees it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Notification {
    pub id: i64,
    pub kind: String,
    pub title: String,
    pub body: String,
    pub link: String,
    pub subject_kind: String,
    pub subject_id: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

impl From<notification::Model> for Notification {
    fn from(m: notification::Model) -> Self {
        Notification {
            id: m.id,
            kind: m.kind,
            title: m.title,
            body: m.body,
            link: m.link,
            subject_kind: m.subject_kind,
            subject_id: m.subject_id,
            created_at: m.created_at,
            read_at: m.read_at,
        }
    }
}

/// One's own messages, newest first.
pub async fn list(db: &Db, user_id: i64, unread_only: bool, p: PageReq) -> DbResult<Page<Notification>> {
    let mut q = notification::Entity::find().filter(notification::Column::UserId.eq(user_id));
    if unread_only {
        q = q.filter(notification::Column::ReadAt.is_null());
    }
    let sort = crate::listing::SortKey {
        key: None,
        id: notification::Column::Id,
        desc: true,
    };
    let mut page = crate::listing::page_rows(&db.conn, q, &sort, &p, |r| r.id).await?;
    let rows = std::mem::take(&mut page.items);
    Ok(page.with_items(rows.into_iter().map(Notification::from).collect()))
}

pub async fn unread_count(db: &Db, user_id: i64) -> DbResult<u64> {
    Ok(notification::Entity::find()
        .filter(notification::Column::UserId.eq(user_id))
        .filter(notification::Column::ReadAt.is_null())
        .count(&db.conn)
        .await?)
}

/// Marks one's own message read (`Some(id)`) or all of them; answers how many changed. Someone
/// else's message is not found.
pub async fn mark_read(db: &Db, user_id: i64, id: Option<i64>) -> DbResult<u64> {
    let txn = db.begin_write().await?;
    if let Some(id) = id {
        notification::Entity::find_by_id(id)
            .filter(notification::Column::UserId.eq(user_id))
            .one(&*txn)
            .await?
            .ok_or(crate::DbError::NotFound)?;
    }
    let mut q = notification::Entity::update_many()
        .col_expr(
            notification::Column::ReadAt,
            sea_orm::sea_query::Expr::value(crate::cases::now()),
        )
        .filter(notification::Column::UserId.eq(user_id))
        .filter(notification::Column::ReadAt.is_null());
    if let Some(id) = id {
        q = q.filter(notification::Column::Id.eq(id));
    }
    let n = q.exec(&*txn).await?.rows_affected;
    txn.commit().await?;
    Ok(n)
}
