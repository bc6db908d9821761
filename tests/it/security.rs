//! Issue 14: the separation of duties (三权分立) holds against the three administrators
//! themselves, and login cannot be turned against its users.
use std::net::SocketAddr;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;
use zongguan_db::{Actor, auth};

use crate::common::{Client, PW, TestApp, assert_error, test_config};

fn items(v: &Value) -> &Vec<Value> {
    v["items"].as_array().expect("items")
}

async fn user_id(app: &TestApp, username: &str) -> i64 {
    auth::find_by_username(&app.db, username)
        .await
        .expect("db")
        .expect("user exists")
        .id
}

/// A fresh account without roles, made by `by` (which must hold `user:write`).
async fn new_user(app: &TestApp, by: &Client, username: &str) -> i64 {
    let unit = app.unit_id("440307003002").await;
    let (s, v) = by
        .post(
            "/api/v1/users",
            json!({"username": username, "display_name": "新账号", "org_unit_id": unit, "password": "Init@2026x"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    v["id"].as_i64().expect("id")
}

/// What the command line on the server does: the system actor, audited as `cli`.
fn cli() -> Actor {
    Actor::system("cli")
}

async fn roles_of(app: &TestApp, id: i64) -> Vec<String> {
    auth::role_codes(&app.db.conn, &[id])
        .await
        .expect("roles")
        .remove(&id)
        .unwrap_or_default()
}

// ---------- separation of duties ----------

on_both!(the_security_admin_cannot_mint_another_duty, |app: TestApp| async move {
    let sec = app.login("secadmin").await;
    let id = new_user(&app, &sec, "minted_auditor").await;
    for roles in [
        json!(["audit_admin"]),
        json!(["sys_admin"]),
        json!(["leader", "audit_admin"]),
    ] {
        let (s, v) = sec
            .put(&format!("/api/v1/users/{id}/roles"), json!({"role_codes": roles}))
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{roles}: {v}");
        assert_error(&v, "forbidden");
    }
    // A custom role holding `audit:read` is the audit duty all the same.
    let (s, v) = sec
        .post(
            "/api/v1/roles",
            json!({"code":"log_reader","name":"日志查看","data_scope":"all","permissions":["audit:read"]}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (s, _) = sec
        .put(
            &format!("/api/v1/users/{id}/roles"),
            json!({"role_codes": ["log_reader"]}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert!(roles_of(&app, id).await.is_empty(), "nothing was granted");
    // The account logs in and reads no log.
    let (s, _) = sec
        .post(
            &format!("/api/v1/users/{id}/password"),
            json!({"password": "Temp@2026kq"}),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let mut minted = app.login_with("minted_auditor", "Temp@2026kq").await.expect("login");
    let (s, _) = minted
        .post(
            "/api/v1/auth/password",
            json!({"old_password":"Temp@2026kq","new_password":"Mine@2026zq"}),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    minted = app.login_with("minted_auditor", "Mine@2026zq").await.expect("login");
    let (s, _) = minted.get("/api/v1/audit-logs").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // Ordinary roles and a second security administrator (the same duty) are the security
    // administrator's to grant.
    let (s, v) = sec
        .put(&format!("/api/v1/users/{id}/roles"), json!({"role_codes": ["leader"]}))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, v) = sec
        .put(
            &format!("/api/v1/users/{id}/roles"),
            json!({"role_codes": ["security_admin"]}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    // The command line makes an auditor.
    let fresh = new_user(&app, &sec, "cli_auditor").await;
    auth::set_roles(&app.db, &cli(), fresh, vec!["audit_admin".into()])
        .await
        .expect("the CLI grants the audit duty");
});

on_both!(
    the_system_admin_cannot_take_over_other_duties,
    |app: TestApp| async move {
        let admin = app.login("admin").await;
        let auditor = user_id(&app, "auditor").await;
        let secadmin = user_id(&app, "secadmin").await;
        for target in [auditor, secadmin] {
            let (s, v) = admin
                .post(
                    &format!("/api/v1/users/{target}/password"),
                    json!({"password": "Taken@2026kq"}),
                )
                .await;
            assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
            assert_error(&v, "forbidden");
            assert!(v["error"]["message"].as_str().unwrap_or("").contains("三权分立"), "{v}");
            for act in ["lock", "unlock"] {
                let (s, _) = admin.post(&format!("/api/v1/users/{target}/{act}"), json!({})).await;
                assert_eq!(s, StatusCode::FORBIDDEN, "{act}");
            }
            let (s, _) = admin
                .put(&format!("/api/v1/users/{target}"), json!({"display_name": "改名"}))
                .await;
            assert_eq!(s, StatusCode::FORBIDDEN);
        }
        // The auditor still logs in with their own password and reads the log.
        let a = app.login("auditor").await;
        let (s, _) = a.get("/api/v1/audit-logs").await;
        assert_eq!(s, StatusCode::OK);
        // The security administrator cannot reach the auditor or the system administrator either.
        let sec = app.login("secadmin").await;
        let admin_id = user_id(&app, "admin").await;
        for target in [auditor, admin_id] {
            let (s, _) = sec
                .post(
                    &format!("/api/v1/users/{target}/password"),
                    json!({"password": "Taken@2026kq"}),
                )
                .await;
            assert_eq!(s, StatusCode::FORBIDDEN);
            let (s, _) = sec.post(&format!("/api/v1/users/{target}/lock"), json!({})).await;
            assert_eq!(s, StatusCode::FORBIDDEN);
            let (s, _) = sec
                .put(&format!("/api/v1/users/{target}/roles"), json!({"role_codes": []}))
                .await;
            assert_eq!(s, StatusCode::FORBIDDEN);
            let (s, _) = sec
                .put(
                    &format!("/api/v1/users/{target}/scope-units"),
                    json!({"org_unit_ids": []}),
                )
                .await;
            assert_eq!(s, StatusCode::FORBIDDEN);
        }
        // Ordinary accounts and a second person of the same duty are the administrator's to manage.
        let officer = user_id(&app, "community_003002").await;
        let (s, _) = admin
            .post(
                &format!("/api/v1/users/{officer}/password"),
                json!({"password": "Reset@2026kq"}),
            )
            .await;
        assert_eq!(s, StatusCode::NO_CONTENT);
        let second = new_user(&app, &admin, "second_admin").await;
        auth::set_roles(&app.db, &cli(), second, vec!["sys_admin".into()])
            .await
            .expect("the CLI grants the system duty");
        let (s, _) = admin.post(&format!("/api/v1/users/{second}/lock"), json!({})).await;
        assert_eq!(s, StatusCode::OK);
        let (s, _) = admin.post(&format!("/api/v1/users/{second}/unlock"), json!({})).await;
        assert_eq!(s, StatusCode::OK);
    }
);

on_both!(duties_are_decided_on_permissions, |app: TestApp| async move {
    let sec = app.login("secadmin").await;
    let (s, _) = sec
        .post(
            "/api/v1/roles",
            json!({"code":"log_reader","name":"日志查看","data_scope":"all","permissions":["audit:read"]}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    // A custom `audit:read` role beside the system administrator's role: refused even to the CLI.
    let id = new_user(&app, &sec, "mixed_admin").await;
    let e = auth::set_roles(&app.db, &cli(), id, vec!["sys_admin".into(), "log_reader".into()])
        .await
        .expect_err("two duties");
    assert!(e.to_string().contains("三权分立"), "{e}");
    // And beside the security administrator's, through the API.
    let (s, v) = sec
        .put(
            &format!("/api/v1/users/{id}/roles"),
            json!({"role_codes": ["security_admin", "log_reader"]}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["field"], "role_codes");
    assert!(roles_of(&app, id).await.is_empty());
});

on_both!(
    editing_a_role_cannot_make_a_holder_cross_duties,
    |app: TestApp| async move {
        let sec = app.login("secadmin").await;
        let (s, _) = sec
            .post(
                "/api/v1/roles",
                json!({"code":"map_helper","name":"地图助手","data_scope":"unit_only","permissions":["map:read"]}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED);
        // A second security administrator also holds the custom role.
        let id = new_user(&app, &sec, "second_sec").await;
        let (s, v) = sec
            .put(
                &format!("/api/v1/users/{id}/roles"),
                json!({"role_codes": ["security_admin", "map_helper"]}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        // Giving the role an audit permission would make that holder an auditor too.
        let (s, v) = sec
            .put(
                "/api/v1/roles/map_helper",
                json!({"name":"地图助手","data_scope":"unit_only","permissions":["audit:read"]}),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert!(
            v["error"]["message"].as_str().unwrap_or("").contains("second_sec"),
            "{v}"
        );
        let (s, v) = sec
            .put(
                "/api/v1/roles/map_helper",
                json!({"name":"地图助手","data_scope":"unit_only","permissions":["map:read","stats:read"]}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        // Once an auditor holds it (granted on the server), the security administrator may no longer
        // change what it gives them.
        let auditor = user_id(&app, "auditor").await;
        auth::set_roles(
            &app.db,
            &cli(),
            auditor,
            vec!["audit_admin".into(), "map_helper".into()],
        )
        .await
        .expect("no second duty");
        let (s, v) = sec
            .put(
                "/api/v1/roles/map_helper",
                json!({"name":"地图助手","data_scope":"unit_only","permissions":["map:read"]}),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    }
);

on_both!(the_cli_manages_every_duty_and_is_audited, |app: TestApp| async move {
    let auditor = user_id(&app, "auditor").await;
    let secadmin = user_id(&app, "secadmin").await;
    let pw = zongguan_core::account::NewPassword::parse("Console@2026kq").expect("policy");
    auth::reset_password(&app.db, &cli(), secadmin, &pw)
        .await
        .expect("CLI resets");
    auth::set_locked(&app.db, &cli(), secadmin, true)
        .await
        .expect("CLI locks");
    auth::set_locked(&app.db, &cli(), secadmin, false)
        .await
        .expect("CLI unlocks");
    let a = app.login("auditor").await;
    let (s, v) = a.get("/api/v1/audit-logs?username=cli&page_size=50").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let actions: Vec<&str> = items(&v).iter().filter_map(|r| r["action"].as_str()).collect();
    for act in ["reset_password", "lock", "unlock"] {
        assert!(actions.contains(&act), "{act} in {actions:?}");
    }
    auth::reset_password(&app.db, &cli(), auditor, &pw)
        .await
        .expect("CLI resets the auditor");
});

// ---------- login ----------

/// A request from a client address, as the server sees it behind `into_make_service_with_connect_info`.
async fn send_from(
    router: &Router,
    addr: &str,
    method: &str,
    path: &str,
    body: Value,
    cookie: Option<(&str, &str)>,
) -> (StatusCode, Value, HeaderMap) {
    let addr: SocketAddr = format!("{addr}:40000").parse().expect("addr");
    let mut req = Request::builder()
        .method(method)
        .uri(path)
        .extension(ConnectInfo(addr))
        .header(header::CONTENT_TYPE, "application/json");
    if let Some((c, csrf)) = cookie {
        req = req.header(header::COOKIE, c).header("x-csrf-token", csrf);
    }
    let resp = router
        .clone()
        .oneshot(req.body(Body::from(body.to_string())).expect("request"))
        .await
        .expect("response");
    let (status, headers) = (resp.status(), resp.headers().clone());
    let bytes = resp.into_body().collect().await.expect("body").to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null), headers)
}

async fn login_from(router: &Router, addr: &str, user: &str, pw: &str) -> (StatusCode, Value, HeaderMap) {
    send_from(
        router,
        addr,
        "POST",
        "/api/v1/auth/login",
        json!({"username": user, "password": pw}),
        None,
    )
    .await
}

fn retry_after(h: &HeaderMap) -> u64 {
    h.get(header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("Retry-After in seconds")
}

on_both!(a_stranger_slows_only_their_own_address, |app: TestApp| async move {
    let router = app.with_config(test_config());
    // The administrator is at work, signed in.
    let mut admin = app.login("admin").await;
    admin.router = router.clone();
    for i in 1..=5 {
        let (s, v, _) = login_from(&router, "203.0.113.9", "admin", "Guess@2026kq").await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "attempt {i}: {v}");
    }
    let (s, v, h) = login_from(&router, "203.0.113.9", "admin", PW).await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS, "{v}");
    assert_error(&v, "too_many_attempts");
    let wait = retry_after(&h);
    assert!((1..=15 * 60).contains(&wait), "{wait}");
    // Only that account is slowed from that address.
    let (s, _, _) = login_from(&router, "203.0.113.9", "auditor", PW).await;
    assert_eq!(s, StatusCode::OK, "another account from that address");
    // The administrator's session goes on, and they log in from their own address.
    let (s, me) = admin.get("/api/v1/auth/me").await;
    assert_eq!(s, StatusCode::OK, "{me}");
    assert_eq!(me["user"]["locked"], false);
    let (s, v, _) = login_from(&router, "10.1.2.3", "admin", PW).await;
    assert_eq!(s, StatusCode::OK, "{v}");
});

on_both!(login_requests_are_rate_limited_per_address, |app: TestApp| async move {
    let mut cfg = test_config();
    cfg.security.login_attempts_per_minute = 3;
    let router = app.with_config(cfg);
    for name in ["nobody1", "nobody2", "nobody3"] {
        let (s, _, _) = login_from(&router, "198.51.100.7", name, PW).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
    }
    let (s, v, h) = login_from(&router, "198.51.100.7", "admin", PW).await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS, "{v}");
    assert!((1..=60).contains(&retry_after(&h)));
    let (s, _, _) = login_from(&router, "198.51.100.8", "admin", PW).await;
    assert_eq!(s, StatusCode::OK, "another address is not limited");
});

on_both!(locked_and_unknown_users_answer_alike, |app: TestApp| async move {
    let admin = app.login("admin").await;
    let id = user_id(&app, "community_003002").await;
    let (s, _) = admin.post(&format!("/api/v1/users/{id}/lock"), json!({})).await;
    assert_eq!(s, StatusCode::OK);
    let (s1, locked) = app.login_with("community_003002", PW).await.err().expect("refused");
    let (s2, unknown) = app.login_with("no_such_user", PW).await.err().expect("refused");
    assert_eq!((s1, s2), (StatusCode::UNAUTHORIZED, StatusCode::UNAUTHORIZED));
    assert_eq!(locked, unknown, "the same answer");
    assert_error(&locked, "invalid_credentials");
});

on_both!(wrong_old_passwords_are_throttled, |app: TestApp| async move {
    let router = app.with_config(test_config());
    let (s, v, h) = login_from(&router, "192.0.2.1", "community_003002", PW).await;
    assert_eq!(s, StatusCode::OK);
    let cookie = h
        .get(header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .and_then(|c| c.split(';').next())
        .expect("cookie")
        .to_string();
    let csrf = v["csrf_token"].as_str().expect("csrf").to_string();
    let session = Some((cookie.as_str(), csrf.as_str()));
    for i in 1..=5 {
        let (s, v, _) = send_from(
            &router,
            "192.0.2.1",
            "POST",
            "/api/v1/auth/password",
            json!({"old_password": format!("Guess@2026k{i}"), "new_password": "Next@2026kqz"}),
            session,
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "attempt {i}: {v}");
    }
    let (s, v, h) = send_from(
        &router,
        "192.0.2.1",
        "POST",
        "/api/v1/auth/password",
        json!({"old_password": PW, "new_password": "Next@2026kqz"}),
        session,
    )
    .await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS, "{v}");
    assert!(retry_after(&h) >= 1);
});

on_both!(
    totp_is_required_by_default_and_a_code_works_once,
    |app: TestApp| async move {
        assert!(zongguan::config::Config::default().security.require_totp_for_admins);
        let mut cfg = test_config();
        cfg.security.require_totp_for_admins = true;
        let router = app.with_config(cfg);
        let mut admin = app.login("admin").await;
        admin.router = router.clone();
        let (s, v) = admin.get("/api/v1/org-units").await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        assert_error(&v, "totp_enrollment_required");
        let (s, setup) = admin.post("/api/v1/auth/totp/setup", json!({})).await;
        assert_eq!(s, StatusCode::OK, "{setup}");
        let secret = setup["secret"].as_str().expect("secret").to_string();
        let now = chrono::Utc::now().timestamp();
        let code = zongguan_core::totp::code_at(&secret, now).expect("code");
        let (s, v) = admin.post("/api/v1/auth/totp/enable", json!({"code": code})).await;
        assert_eq!(s, StatusCode::NO_CONTENT, "{v}");
        let login = |code: String| {
            let router = router.clone();
            async move {
                send_from(
                    &router,
                    "10.9.9.9",
                    "POST",
                    "/api/v1/auth/login",
                    json!({"username":"admin","password":PW,"totp_code":code}),
                    None,
                )
                .await
            }
        };
        // The code that enrolled does not log in.
        let (s, v, _) = login(code).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{v}");
        // The next code logs in once, and not twice.
        let next = zongguan_core::totp::code_at(&secret, now + 30).expect("code");
        let (s, v, _) = login(next.clone()).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let (s, v, _) = login(next).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{v}");
        assert_error(&v, "invalid_credentials");
    }
);

on_both!(passwords_are_strong_and_not_reused, |app: TestApp| async move {
    let c = app.login("community_003002").await;
    let change = |old: &'static str, new: &'static str| {
        let c = c.clone();
        async move {
            c.post(
                "/api/v1/auth/password",
                json!({"old_password": old, "new_password": new}),
            )
            .await
        }
    };
    let (s, v) = change(PW, "Password@123").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(v["error"]["field"], "new_password");
    assert!(
        v["error"]["message"].as_str().unwrap_or("").contains("容易被猜到"),
        "{v}"
    );
    let (s, v) = change(PW, "Zg@2026-Dawn").await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{v}");
    let (s, v) = change("Zg@2026-Dawn", "Zg@2026-Dusk").await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{v}");
    for old in [PW, "Zg@2026-Dawn", "Zg@2026-Dusk"] {
        let (s, v) = c
            .post(
                "/api/v1/auth/password",
                json!({"old_password": "Zg@2026-Dusk", "new_password": old}),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{old}: {v}");
        assert!(
            v["error"]["message"].as_str().unwrap_or("").contains("最近 5 次"),
            "{v}"
        );
    }
});

on_both!(tokens_stay_dead_after_a_password_reset, |app: TestApp| async move {
    let admin = app.login("admin").await;
    let (s, v) = admin.post("/api/v1/auth/tokens", json!({"name": "集成"})).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let bearer = Client {
        router: app.router.clone(),
        cookie: None,
        csrf: None,
        bearer: v["token"].as_str().map(String::from),
    };
    let (s, _) = bearer.get("/api/v1/auth/me").await;
    assert_eq!(s, StatusCode::OK);
    // A second person of the same duty (here the CLI) resets the password.
    let id = user_id(&app, "admin").await;
    let temp = zongguan_core::account::NewPassword::parse("Temp@2026kqz").expect("policy");
    auth::reset_password(&app.db, &cli(), id, &temp).await.expect("reset");
    let fresh = app.login_with("admin", "Temp@2026kqz").await.expect("login");
    let (s, v) = fresh
        .post(
            "/api/v1/auth/password",
            json!({"old_password":"Temp@2026kqz","new_password":"Fresh@2026kqz"}),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{v}");
    let (s, v) = bearer.get("/api/v1/auth/me").await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "{v}");
});
