//! Health check and the human-readable API page.
use axum::Json;
use axum::extract::State;
use axum::response::Html;
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

/// A plain page listing the operations of `/api/openapi.json`, needing no internet.
pub async fn api_docs() -> Html<String> {
    let doc: serde_json::Value = serde_json::from_str(&crate::app::openapi_json()).unwrap_or_default();
    let mut rows = String::new();
    if let Some(paths) = doc.get("paths").and_then(|p| p.as_object()) {
        for (path, ops) in paths {
            for (method, op) in ops.as_object().into_iter().flatten() {
                let summary = op.get("summary").and_then(|s| s.as_str()).unwrap_or("");
                rows.push_str(&format!(
                    "<tr><td><code>{}</code></td><td><code>{}</code></td><td>{}</td></tr>",
                    method.to_uppercase(),
                    html_escape(path),
                    html_escape(summary)
                ));
            }
        }
    }
    Html(format!(
        "<!doctype html><meta charset=utf-8><title>综管 API</title><style>body{{font-family:sans-serif;margin:2em}}td{{padding:2px 8px;border-bottom:1px solid #ddd}}</style><h1>综管 API</h1><p>机器可读文档：<a href=/api/openapi.json>/api/openapi.json</a></p><table>{rows}</table>"
    ))
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}
