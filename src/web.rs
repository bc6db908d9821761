//! The built front end (`web/dist`), embedded in release builds; history-mode fallback to the
//! page of the app a path belongs to: `m.html` (the grid worker's phone app) for `/m` and `/m/*`,
//! `index.html` (the admin app) for everything else.
use axum::http::{StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};

#[derive(rust_embed::RustEmbed)]
#[folder = "web/dist/"]
#[allow_missing = true]
struct Assets;

/// The page that answers a path no file matches: the phone app's under `/m`, else the admin app's.
pub fn fallback_page(path: &str) -> &'static str {
    let path = path.trim_start_matches('/');
    if path == "m" || path.starts_with("m/") {
        "m.html"
    } else {
        "index.html"
    }
}

pub async fn serve(uri: Uri) -> Response {
    let path = uri.path().trim_start_matches('/');
    let file = if path.is_empty() {
        None
    } else {
        Assets::get(path).map(|f| (path.to_string(), f))
    };
    let (name, f) = match file {
        Some(x) => x,
        None => match Assets::get(fallback_page(path)) {
            Some(f) => (fallback_page(path).to_string(), f),
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
    // Hashed assets never change; the pages must always be fresh.
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

#[cfg(test)]
mod tests {
    use super::fallback_page;

    #[test]
    fn the_phone_app_answers_its_own_paths() {
        for p in ["/m", "/m/", "/m/today", "/m/cases/12", "m/login"] {
            assert_eq!(fallback_page(p), "m.html", "{p}");
        }
        for p in ["/", "/map", "/mobile", "/cases/12", "/login", "/m.html.bak"] {
            assert_eq!(fallback_page(p), "index.html", "{p}");
        }
    }
}
