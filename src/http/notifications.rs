//! One's inbox of notifications (站内消息): the list, the unread count for the bell, marking read,
//! and the live stream (server-sent events) that tells an open page the moment one arrives.
use std::convert::Infallible;
use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::StreamExt as _;
use futures_util::stream::{self, Stream};
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast::error::RecvError;
use utoipa::{IntoParams, ToSchema};
use zongguan_db::notifications::{self, Notification};

use crate::app::AppState;
use crate::caller::Caller;
use crate::error::{ApiError, ApiPath, ApiQuery, AppError, AppResult};
use crate::http::{Paging, list_type};

list_type!(NotificationList, Notification);

fn me(caller: &Caller) -> AppResult<i64> {
    caller
        .actor()
        .user_id
        .ok_or_else(|| AppError::invalid("user", "该凭据不属于个人账号，没有站内消息"))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NotificationQuery {
    /// Only the unread ones.
    pub unread: Option<bool>,
}

#[utoipa::path(get, path = "/api/v1/notifications", tag = "notifications", params(NotificationQuery, Paging), responses((status = 200, body = NotificationList), (status = 401, body = ApiError)))]
pub async fn list_notifications(
    State(st): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<NotificationQuery>,
    paging: Paging,
) -> AppResult<Json<NotificationList>> {
    let user = me(&caller)?;
    Ok(Json(
        notifications::list(&st.db, user, q.unread.unwrap_or(false), paging.req())
            .await?
            .into(),
    ))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UnreadCount {
    pub unread: u64,
}

#[utoipa::path(get, path = "/api/v1/notifications/unread-count", tag = "notifications", responses((status = 200, body = UnreadCount), (status = 401, body = ApiError)))]
pub async fn unread_count(State(st): State<AppState>, caller: Caller) -> AppResult<Json<UnreadCount>> {
    let user = me(&caller)?;
    Ok(Json(UnreadCount {
        unread: notifications::unread_count(&st.db, user).await?,
    }))
}

#[utoipa::path(post, path = "/api/v1/notifications/{id}/read", tag = "notifications", params(("id" = i64, Path)), responses((status = 200, body = UnreadCount), (status = 404, body = ApiError)))]
pub async fn mark_read(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<UnreadCount>> {
    let user = me(&caller)?;
    notifications::mark_read(&st.db, user, Some(id)).await?;
    Ok(Json(UnreadCount {
        unread: notifications::unread_count(&st.db, user).await?,
    }))
}

#[utoipa::path(post, path = "/api/v1/notifications/read-all", tag = "notifications", responses((status = 200, body = UnreadCount)))]
pub async fn mark_all_read(State(st): State<AppState>, caller: Caller) -> AppResult<Json<UnreadCount>> {
    let user = me(&caller)?;
    notifications::mark_read(&st.db, user, None).await?;
    Ok(Json(UnreadCount { unread: 0 }))
}

/// What the stream sends on each new message of the caller's: the message and the new count.
#[derive(Debug, Serialize, ToSchema)]
pub struct LiveEvent {
    pub id: i64,
    pub kind: String,
    pub title: String,
    pub link: String,
    pub unread: u64,
}

/// Server-sent events: `ready` with the unread count on connect, then `notification` (a
/// [`LiveEvent`]) for each message that reaches the caller's inbox; `lagged` asks the page to
/// reload its count. A comment every 20 s keeps proxies from closing it.
#[utoipa::path(get, path = "/api/v1/events", tag = "notifications", responses((status = 200, content_type = "text/event-stream"), (status = 401, body = ApiError)))]
pub async fn events(
    State(st): State<AppState>,
    caller: Caller,
) -> AppResult<Sse<impl Stream<Item = Result<Event, Infallible>>>> {
    let user = me(&caller)?;
    let rx = st.db.live.subscribe();
    let unread = notifications::unread_count(&st.db, user).await?;
    let ready = Event::default()
        .event("ready")
        .data(serde_json::json!({ "unread": unread }).to_string());
    let db = st.db.clone();
    let live = stream::unfold((rx, db), move |(mut rx, db)| async move {
        loop {
            match rx.recv().await {
                Ok(n) if n.user_id == user => {
                    let unread = notifications::unread_count(&db, user).await.unwrap_or(0);
                    let body = LiveEvent {
                        id: n.id,
                        kind: n.kind,
                        title: n.title,
                        link: n.link,
                        unread,
                    };
                    let ev = Event::default()
                        .event("notification")
                        .id(n.id.to_string())
                        .data(serde_json::to_string(&body).unwrap_or_default());
                    return Some((Ok(ev), (rx, db)));
                }
                Ok(_) => continue,
                Err(RecvError::Lagged(_)) => {
                    return Some((Ok(Event::default().event("lagged").data("{}")), (rx, db)));
                }
                Err(RecvError::Closed) => return None,
            }
        }
    });
    let all = stream::once(async move { Ok(ready) }).chain(live);
    Ok(Sse::new(all).keep_alive(KeepAlive::new().interval(Duration::from_secs(20))))
}
