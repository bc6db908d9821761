//! Test harness: a fresh migrated database with the demo loaded, and an in-process client.
use std::sync::OnceLock;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;
use zongguan::app::AppState;
use zongguan::config::Config;
use zongguan::router::router;
use zongguan_core::crypto::FieldCipher;
use zongguan_db::Db;
use zongguan_db::sea_orm::ConnectionTrait;

pub const PW: &str = "Zongguan@2026";

fn demo_hash() -> &'static str {
    static H: OnceLock<String> = OnceLock::new();
    H.get_or_init(|| zongguan_core::password::hash(PW))
}

pub struct TestApp {
    pub db: Db,
    pub router: Router,
    pub url: String,
    pub schema: Option<String>,
    /// Where this app's object store keeps files (photos, archived notices).
    pub files_dir: std::path::PathBuf,
}

fn unique() -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    format!(
        "{}_{}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst),
        rand_suffix()
    )
}

fn rand_suffix() -> u32 {
    use rand::Rng;
    rand::thread_rng().gen_range(0..1_000_000)
}

impl TestApp {
    pub async fn sqlite() -> Self {
        let dir = std::env::temp_dir().join("zongguan-tests");
        std::fs::create_dir_all(&dir).expect("temp dir");
        let url = format!("sqlite://{}/t_{}.db?mode=rwc", dir.display(), unique());
        Self::open(url, None, test_config()).await
    }

    /// None when `ZONGGUAN_TEST_POSTGRES_URL` is not set.
    pub async fn postgres() -> Option<Self> {
        let base = std::env::var("ZONGGUAN_TEST_POSTGRES_URL").ok()?;
        let schema = format!("t_{}", unique());
        let admin = Db::connect(&base, None, key()).await.expect("connect to PostgreSQL");
        admin
            .conn
            .execute_unprepared(&format!("CREATE SCHEMA {schema}"))
            .await
            .expect("create schema");
        admin.conn.close().await.ok();
        Some(Self::open(base, Some(schema), test_config()).await)
    }

    pub async fn open(url: String, schema: Option<String>, config: Config) -> Self {
        let db = Db::connect(&url, schema.as_deref(), key()).await.expect("connect");
        db.migrate().await.expect("migrate");
        zongguan_db::demo::load(
            &db,
            zongguan::LONGGANG_DIVISIONS,
            None,
            zongguan_db::demo::Scale::Small,
            demo_hash(),
        )
        .await
        .expect("demo");
        let files_dir = config.files_dir();
        let router = router(AppState::new(db.clone(), config));
        Self {
            db,
            router,
            url,
            schema,
            files_dir,
        }
    }

    pub fn with_config(&self, config: Config) -> Router {
        router(AppState::new(self.db.clone(), config))
    }

    pub async fn login(&self, username: &str) -> Client {
        self.login_with(username, PW).await.expect("login")
    }

    pub async fn login_with(&self, username: &str, password: &str) -> Result<Client, (StatusCode, Value)> {
        let c = Client {
            router: self.router.clone(),
            cookie: None,
            csrf: None,
            bearer: None,
        };
        let (s, body, headers) = c
            .send(
                "POST",
                "/api/v1/auth/login",
                Some(serde_json::json!({"username": username, "password": password})),
            )
            .await;
        if s != StatusCode::OK {
            return Err((s, body));
        }
        let set = headers
            .get(header::SET_COOKIE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        let cookie = set.split(';').next().unwrap_or("").to_string();
        Ok(Client {
            router: self.router.clone(),
            cookie: Some(cookie),
            csrf: body["csrf_token"].as_str().map(String::from),
            bearer: None,
        })
    }

    pub fn anonymous(&self) -> Client {
        Client {
            router: self.router.clone(),
            cookie: None,
            csrf: None,
            bearer: None,
        }
    }

    /// The id of an org unit by code.
    pub async fn unit_id(&self, code: &str) -> i64 {
        let page = zongguan_db::org::list_units(
            &self.db,
            &zongguan_db::Scope::All,
            &zongguan_db::org::OrgUnitFilter {
                q: Some(code.into()),
                ..Default::default()
            },
            zongguan_db::PageReq::new(Some(1), Some(10)).expect("page"),
        )
        .await
        .expect("units");
        page.items.into_iter().find(|u| u.code == code).expect("unit exists").id
    }
}

/// Defaults, with uploaded files in a fresh temporary directory. The demo enrols nobody in TOTP,
/// so administrators are not asked to (tests of TOTP turn it on), and every in-process request
/// comes from one address, so its login rate is not what a test meets by logging in often.
pub fn test_config() -> Config {
    let mut c = Config {
        files_dir: Some(
            std::env::temp_dir()
                .join("zongguan-tests")
                .join(format!("files_{}", unique())),
        ),
        ..Config::default()
    };
    c.security.require_totp_for_admins = false;
    c.security.login_attempts_per_minute = 10_000;
    c
}

pub fn key() -> FieldCipher {
    FieldCipher::new(&[7u8; 32])
}

#[derive(Clone)]
pub struct Client {
    pub router: Router,
    pub cookie: Option<String>,
    pub csrf: Option<String>,
    pub bearer: Option<String>,
}

impl Client {
    pub async fn send(
        &self,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value, axum::http::HeaderMap) {
        let bytes = body.map(|b| b.to_string().into_bytes());
        self.send_raw(method, path, bytes, true).await
    }

    pub async fn send_raw(
        &self,
        method: &str,
        path: &str,
        body: Option<Vec<u8>>,
        with_csrf: bool,
    ) -> (StatusCode, Value, axum::http::HeaderMap) {
        let mut req = Request::builder().method(method).uri(path);
        if let Some(c) = &self.cookie {
            req = req.header(header::COOKIE, c);
        }
        if let Some(b) = &self.bearer {
            req = req.header(header::AUTHORIZATION, format!("Bearer {b}"));
        }
        if with_csrf && let Some(t) = &self.csrf {
            req = req.header("x-csrf-token", t);
        }
        let req = match body {
            Some(b) => req.header(header::CONTENT_TYPE, "application/json").body(Body::from(b)),
            None => req.body(Body::empty()),
        }
        .expect("request");
        let resp = self.router.clone().oneshot(req).await.expect("response");
        let status = resp.status();
        let headers = resp.headers().clone();
        let bytes = resp.into_body().collect().await.expect("body").to_bytes();
        let v = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes).unwrap_or(Value::String(String::from_utf8_lossy(&bytes).into()))
        };
        (status, v, headers)
    }

    /// A multipart/form-data POST with text fields and one file.
    pub async fn multipart(&self, path: &str, fields: &[(&str, &str)], file: (&str, &[u8])) -> (StatusCode, Value) {
        let boundary = "zgBoundary7MA4YWxkTrZu0gW";
        let mut body = Vec::new();
        for (k, v) in fields {
            body.extend(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n").as_bytes(),
            );
        }
        body.extend(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{}\"\r\nContent-Type: application/octet-stream\r\n\r\n", file.0).as_bytes());
        body.extend(file.1);
        body.extend(format!("\r\n--{boundary}--\r\n").as_bytes());
        let mut req = Request::builder().method("POST").uri(path).header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        );
        if let Some(c) = &self.cookie {
            req = req.header(header::COOKIE, c);
        }
        if let Some(t) = &self.csrf {
            req = req.header("x-csrf-token", t);
        }
        let resp = self
            .router
            .clone()
            .oneshot(req.body(Body::from(body)).expect("request"))
            .await
            .expect("response");
        let status = resp.status();
        let bytes = resp.into_body().collect().await.expect("body").to_bytes();
        (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
    }

    /// Raw bytes of a GET (downloads).
    pub async fn download(&self, path: &str) -> (StatusCode, Vec<u8>) {
        let mut req = Request::builder().method("GET").uri(path);
        if let Some(c) = &self.cookie {
            req = req.header(header::COOKIE, c);
        }
        let resp = self
            .router
            .clone()
            .oneshot(req.body(Body::empty()).expect("request"))
            .await
            .expect("response");
        let status = resp.status();
        (
            status,
            resp.into_body().collect().await.expect("body").to_bytes().to_vec(),
        )
    }

    /// Raw bytes of a JSON POST (a download made from a posted query).
    pub async fn post_bytes(&self, path: &str, body: Value) -> (StatusCode, Vec<u8>) {
        let mut req = Request::builder()
            .method("POST")
            .uri(path)
            .header(header::CONTENT_TYPE, "application/json");
        if let Some(c) = &self.cookie {
            req = req.header(header::COOKIE, c);
        }
        if let Some(t) = &self.csrf {
            req = req.header("x-csrf-token", t);
        }
        let resp = self
            .router
            .clone()
            .oneshot(req.body(Body::from(body.to_string())).expect("request"))
            .await
            .expect("response");
        let status = resp.status();
        (
            status,
            resp.into_body().collect().await.expect("body").to_bytes().to_vec(),
        )
    }

    /// Starts an import and waits for it to end.
    pub async fn import(&self, kind: &str, mode: &str, name: &str, bytes: &[u8]) -> Value {
        let (s, v) = self
            .multipart("/api/v1/imports", &[("kind", kind), ("mode", mode)], (name, bytes))
            .await;
        assert_eq!(s, StatusCode::ACCEPTED, "{v}");
        let id = v["id"].as_i64().expect("job id");
        for _ in 0..200 {
            let (_, job) = self.get(&format!("/api/v1/imports/{id}")).await;
            if job["status"] == "done" || job["status"] == "failed" {
                return job;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("import {id} did not finish");
    }

    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        let (s, v, _) = self.send("GET", path, None).await;
        (s, v)
    }
    pub async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        let (s, v, _) = self.send("POST", path, Some(body)).await;
        (s, v)
    }
    pub async fn put(&self, path: &str, body: Value) -> (StatusCode, Value) {
        let (s, v, _) = self.send("PUT", path, Some(body)).await;
        (s, v)
    }
    pub async fn delete(&self, path: &str) -> (StatusCode, Value) {
        let (s, v, _) = self.send("DELETE", path, None).await;
        (s, v)
    }
}

/// Runs a test body on SQLite and, when configured, on PostgreSQL.
#[macro_export]
macro_rules! on_both {
    ($name:ident, $body:expr) => {
        mod $name {
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let app = $crate::common::TestApp::sqlite().await;
                ($body)(app).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                match $crate::common::TestApp::postgres().await {
                    Some(app) => ($body)(app).await,
                    None => eprintln!("ZONGGUAN_TEST_POSTGRES_URL not set: PostgreSQL run left out"),
                }
            }
        }
    };
}

pub fn assert_error(v: &Value, code: &str) {
    assert_eq!(v["error"]["code"], code, "error body: {v}");
    assert!(
        v["error"]["message"].as_str().is_some_and(|m| !m.is_empty()),
        "message present: {v}"
    );
}
