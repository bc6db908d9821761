//! The built front end (`web/dist`), embedded in release builds; history-mode fallback to index.html.
use axum::http::{StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};

#[derive(rust_embed::RustEmbed)]
#[folder = "web/dist/"]
#[allow_missing = true]
struct Assets;

pub async fn serve(uri: Uri) -> Response {
    let path = uri.path().trim_start_matches('/');
    let file = if path.is_empty() {
        None
    } else {
        Assets::get(path).map(|f| (path.to_string(), f))
    };
    let (name, f) = match file {
        Some(x) => x,
        None => match Assets::get("index.html") {
            Some(f) => ("index.html".to_string(), f),
            None => {
                return (
                    StatusCode::NOT_FOUND,
                    "前端尚未构建：请先运行 make web（web/dist 不存在）",
                )
                    .into_response();
            }
        },
    };
    let mime = f.metadata.mimetype().to_string();
    // Hashed assets never change; index.html must always be fresh.
    let cache = if name.starts_with("assets/") {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    (
        [(header::CONTENT_TYPE, mime), (header::CACHE_CONTROL, cache.to_string())],
        f.data.into_owned(),
    )
        .into_response()
}
