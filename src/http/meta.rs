//! Health check.
use axum::Json;
use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;

use crate::app::AppState;

#[derive(Serialize, ToSchema)]
pub struct Health {
    pub status: String,
    /// sqlite | postgres
    pub database: String,
    pub version: String,
}

/// Liveness and which database is in use.
#[utoipa::path(get, path = "/healthz", tag = "meta", responses((status = 200, body = Health)))]
pub async fn healthz(State(st): State<AppState>) -> Json<Health> {
    let ok = st.db.conn.ping().await.is_ok();
    Json(Health {
        status: if ok { "ok" } else { "degraded" }.into(),
        database: st.db.backend.name().into(),
        version: env!("CARGO_PKG_VERSION").into(),
    })
}
