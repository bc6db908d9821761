//! API integration tests: the router in-process against SQLite and PostgreSQL.

use crate::common::{PW, TestApp, assert_error};
use axum::http::StatusCode;
use serde_json::{Value, json};
use zongguan_db::sea_orm::ConnectionTrait;

fn items(v: &Value) -> &Vec<Value> {
    v["items"].as_array().expect("items array")
}

on_both!(health_names_the_backend, |app: TestApp| async move {
    let (s, v) = app.anonymous().get("/healthz").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["status"], "ok");
    let expected = if app.schema.is_some() { "postgres" } else { "sqlite" };
    assert_eq!(v["database"], expected);
});

on_both!(login_logout_and_csrf, |app: TestApp| async move {
    let anon = app.anonymous();
    let (s, _, h) = anon
        .send(
            "POST",
            "/api/v1/auth/login",
            Some(json!({"username":"admin","password":PW})),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let cookie = h.get("set-cookie").and_then(|v| v.to_str().ok()).expect("cookie set");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );

    let admin = app.login("admin").await;
    let (s, me) = admin.get("/api/v1/auth/me").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(me["user"]["username"], "admin");
    assert!(
        me["permissions"]
            .as_array()
            .expect("perms")
            .iter()
            .any(|p| p == "org:write")
    );
    assert_eq!(me["csrf_token"], admin.csrf.clone().expect("csrf").as_str());

    // A state-changing request without the CSRF header is refused, and nothing is written.
    let district = app.unit_id("440307000000").await;
    let sub = app.unit_id("440307003000").await;
    let body = json!({"level":"community","code":"440307003999","name":"测试社区","parent_id":sub});
    let (s, v, _) = admin
        .send_raw("POST", "/api/v1/org-units", Some(body.to_string().into_bytes()), false)
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_error(&v, "csrf_failed");
    let (s, _) = admin.get("/api/v1/org-units?q=440307003999").await;
    assert_eq!(s, StatusCode::OK);
    // With it, the write goes through.
    let (s, v) = admin.post("/api/v1/org-units", body).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["name"], "测试社区");
    assert!(district > 0);

    let (s, _) = admin.post("/api/v1/auth/logout", json!({})).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, v) = admin.get("/api/v1/auth/me").await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_error(&v, "unauthenticated");
    let (s, v) = anon.get("/api/v1/org-units").await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_error(&v, "unauthenticated");
});

on_both!(
    wrong_passwords_throttle_the_source_and_are_logged,
    |app: TestApp| async move {
        for i in 1..=5 {
            let (s, v) = app
                .login_with("community_003002", "Wrong@pass1")
                .await
                .err()
                .expect("refused");
            assert_eq!(s, StatusCode::UNAUTHORIZED, "attempt {i}");
            assert_error(&v, "invalid_credentials");
        }
        // From this address even the right password waits; the account itself is not locked.
        let (s, v) = app.login_with("community_003002", PW).await.err().expect("throttled");
        assert_eq!(s, StatusCode::TOO_MANY_REQUESTS);
        assert_error(&v, "too_many_attempts");
        let (s, v) = app.login_with("nobody", PW).await.err().expect("unknown");
        assert_eq!(s, StatusCode::UNAUTHORIZED);
        assert_error(&v, "invalid_credentials");

        // The security administrator's unlock lets the address try again at once; the login
        // log shows every attempt.
        let sec = app.login("secadmin").await;
        let (_, users) = sec.get("/api/v1/users?q=community_003002").await;
        let id = items(&users)[0]["id"].as_i64().expect("id");
        assert_eq!(items(&users)[0]["locked"], false);
        let (s, _) = sec.post(&format!("/api/v1/users/{id}/unlock"), json!({})).await;
        assert_eq!(s, StatusCode::OK);
        app.login("community_003002").await;

        let auditor = app.login("auditor").await;
        let (s, v) = auditor
            .get("/api/v1/login-logs?username=community_003002&page_size=50")
            .await;
        assert_eq!(s, StatusCode::OK);
        let results: Vec<&str> = items(&v).iter().filter_map(|r| r["result"].as_str()).collect();
        assert_eq!(results.iter().filter(|r| **r == "bad_password").count(), 5);
        assert_eq!(results.iter().filter(|r| **r == "throttled").count(), 1);
        assert_eq!(results.iter().filter(|r| **r == "success").count(), 1);
        let (_, v) = auditor.get("/api/v1/login-logs?result=unknown_user").await;
        assert_eq!(items(&v)[0]["username"], "nobody");
    }
);

on_both!(community_user_sees_only_their_community, |app: TestApp| async move {
    let admin = app.login("admin").await;
    let mine = app.unit_id("440307003002").await; // 良安田社区
    let other = app.unit_id("440307013015").await; // 杨美社区杨美 (坂田)
    for (unit, code) in [(mine, "SQ-LAT-01"), (other, "SQ-YM-01")] {
        let (s, v) = admin
            .post(
                "/api/v1/departments",
                json!({"code":code,"name":format!("{code} 工作站"),"org_unit_id":unit}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
    }
    let (s, _) = admin
        .post(
            "/api/v1/staff",
            json!({"name":"王小明","gender":"male","phone":"13812345678","org_unit_id":other}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);

    let u = app.login("community_003002").await;
    let (s, tree) = u.get("/api/v1/org-units/tree").await;
    assert_eq!(s, StatusCode::OK);
    let roots = tree.as_array().expect("tree");
    assert_eq!(roots.len(), 1);
    assert_eq!(roots[0]["code"], "440307003002");
    assert_eq!(roots[0]["children"].as_array().expect("grids").len(), 5);

    let (_, units) = u.get("/api/v1/org-units?page_size=500").await;
    assert_eq!(units["total"], 6);
    for it in items(&units) {
        assert!(it["code"].as_str().expect("code").starts_with("440307003002"), "{it}");
    }
    let (_, deps) = u.get("/api/v1/departments").await;
    assert_eq!(deps["total"], 1);
    assert_eq!(items(&deps)[0]["code"], "SQ-LAT-01");
    let (_, staff) = u.get("/api/v1/staff?page_size=500").await;
    assert!(staff["total"].as_u64().expect("total") >= 4);
    for s in items(&staff) {
        assert_eq!(s["org_unit_id"], mine, "{s}");
        assert_ne!(s["name"], "王小明");
    }
    let (_, users) = u.get("/api/v1/users?page_size=500").await;
    for x in items(&users) {
        assert_eq!(x["org_unit_id"], mine, "{x}");
    }
    assert!(items(&users).iter().any(|x| x["username"] == "grid_00300201"));

    // Out of scope: 404, never the record.
    let (s, v) = u.get(&format!("/api/v1/org-units/{other}")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_error(&v, "not_found");
    let (_, all_staff) = admin.get(&format!("/api/v1/staff?org_unit_id={other}")).await;
    let foreign = items(&all_staff)[0]["id"].as_i64().expect("id");
    let (s, _) = u.get(&format!("/api/v1/staff/{foreign}")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (_, admin_user) = admin.get("/api/v1/users?q=admin").await;
    let aid = items(&admin_user)[0]["id"].as_i64().expect("id");
    let (s, _) = u.get(&format!("/api/v1/users/{aid}")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = u.get(&format!("/api/v1/org-units?parent_id={other}")).await;
    assert_eq!(s, StatusCode::OK);
});

on_both!(grid_worker_sees_only_their_grids, |app: TestApp| async move {
    let g = app.login("grid_00300201").await;
    let (s, v) = g.get("/api/v1/org-units?page_size=500").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["total"], 1);
    assert_eq!(items(&v)[0]["code"], "44030700300201");
    let (_, tree) = g.get("/api/v1/org-units/tree").await;
    assert_eq!(tree.as_array().expect("tree").len(), 1);
    let community = app.unit_id("440307003002").await;
    let (s, _) = g.get(&format!("/api/v1/org-units/{community}")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // No staff:read for grid workers.
    let (s, v) = g.get("/api/v1/staff").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_error(&v, "forbidden");
});

on_both!(separation_of_the_three_administrators, |app: TestApp| async move {
    let admin = app.login("admin").await;
    let (s, v) = admin.get("/api/v1/audit-logs").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_error(&v, "forbidden");
    let (s, _) = admin.get("/api/v1/login-logs").await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    let auditor = app.login("auditor").await;
    let (s, v) = auditor.get("/api/v1/audit-logs?page_size=100").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        items(&v)
            .iter()
            .any(|r| r["action"] == "login" && r["username"] == "admin")
    );
    for path in ["/api/v1/users", "/api/v1/org-units", "/api/v1/staff"] {
        let (s, _) = auditor.get(path).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{path}");
    }
    // Logs cannot be changed through the API: no such routes.
    let (s, _) = auditor.delete("/api/v1/audit-logs").await;
    assert!(s == StatusCode::METHOD_NOT_ALLOWED || s == StatusCode::NOT_FOUND, "{s}");

    // The system administrator cannot grant roles; the security administrator can, but not two admin roles.
    let (_, users) = admin.get("/api/v1/users?q=leader").await;
    let id = items(&users)[0]["id"].as_i64().expect("id");
    let (s, _) = admin
        .put(
            &format!("/api/v1/users/{id}/roles"),
            json!({"role_codes":["district_officer"]}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let sec = app.login("secadmin").await;
    let (s, v) = sec
        .put(
            &format!("/api/v1/users/{id}/roles"),
            json!({"role_codes":["sys_admin","audit_admin"]}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(v["error"]["field"], "role_codes");
    let (s, v) = sec
        .put(
            &format!("/api/v1/users/{id}/roles"),
            json!({"role_codes":["leader","district_officer"]}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["roles"], json!(["district_officer", "leader"]));
});

on_both!(admin_created_account_must_change_password, |app: TestApp| async move {
    let admin = app.login("admin").await;
    let unit = app.unit_id("440307003002").await;
    let (s, v) = admin
        .post("/api/v1/users", json!({"username":"lat_zhang","display_name":"张三","org_unit_id":unit,"phone":"13912345678","password":"weakpass"}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(v["error"]["field"], "password");
    let (s, v) = admin
        .post("/api/v1/users", json!({"username":"lat_zhang","display_name":"张三","org_unit_id":unit,"phone":"13912345678","password":"Init@2026x"}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["must_change_password"], true);
    let id = v["id"].as_i64().expect("id");
    let (s, _) = admin
        .post(
            "/api/v1/users",
            json!({"username":"lat_zhang","display_name":"张三","org_unit_id":unit,"password":"Init@2026x"}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT);
    // The staff record's phone is stored encrypted and shown masked.
    let (_, staff) = admin.get(&format!("/api/v1/staff?org_unit_id={unit}&q=张三")).await;
    assert_eq!(items(&staff)[0]["phone"], "139****5678");
    let raw = app
        .db
        .conn
        .query_one_raw(zongguan_db::sea_orm::Statement::from_string(
            app.db.db_backend(),
            "SELECT phone_enc FROM staff WHERE name = '张三'".to_string(),
        ))
        .await
        .expect("q")
        .expect("row");
    let enc: String = raw.try_get("", "phone_enc").expect("col");
    assert!(!enc.contains("13912345678") && enc.starts_with("v1:"));

    let sec = app.login("secadmin").await;
    let (s, _) = sec
        .put(
            &format!("/api/v1/users/{id}/roles"),
            json!({"role_codes":["community_officer"]}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);

    let u = app.login_with("lat_zhang", "Init@2026x").await.expect("login");
    let (s, v) = u.get("/api/v1/org-units").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_error(&v, "password_change_required");
    let (s, me) = u.get("/api/v1/auth/me").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(me["must_change_password"], true);
    let (s, v) = u
        .post(
            "/api/v1/auth/password",
            json!({"old_password":"bad","new_password":"New@2026xy"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(v["error"]["field"], "old_password");
    let (s, v) = u
        .post(
            "/api/v1/auth/password",
            json!({"old_password":"Init@2026x","new_password":"lat_zhang@A1"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(v["error"]["field"], "new_password");
    let (s, _) = u
        .post(
            "/api/v1/auth/password",
            json!({"old_password":"Init@2026x","new_password":"New@2026xy"}),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, v) = u.get("/api/v1/org-units/tree").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v[0]["name"], "良安田社区");
});

on_both!(
    account_and_org_forms_are_checked_before_the_database,
    |app: TestApp| async move {
        let admin = app.login("admin").await;
        let (_, users) = admin.get("/api/v1/users?q=community_003002").await;
        let id = items(&users)[0]["id"].as_i64().expect("id");
        // A department that does not exist is the client's mistake, not the server's.
        let (s, v) = admin
            .put(&format!("/api/v1/users/{id}"), json!({"department_id": 0}))
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert_eq!(v["error"]["field"], "department_id");
        assert_eq!(v["error"]["message"], "成员单位不存在");
        // An invalid form for a record that does not exist answers on the field.
        let (s, v) = admin.put("/api/v1/users/999999", json!({"display_name": " "})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert_eq!(v["error"]["field"], "display_name");
        let (s, v) = admin
            .post("/api/v1/users/999999/password", json!({"password": "weakpass"}))
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert_eq!(v["error"]["field"], "password");
        let (s, v) = admin.put("/api/v1/staff/999999", json!({"gender": "男"})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert_eq!(v["error"]["message"], "性别须为 male（男）或 female（女）");
        let (s, v) = admin
            .post(
                "/api/v1/org-units",
                json!({"level":"grid","code":"44030700300299","name":" ","parent_id":999999}),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert_eq!(v["error"]["field"], "name");
        // The username the password must not contain is the stored one.
        let (s, v) = admin
            .post(
                &format!("/api/v1/users/{id}/password"),
                json!({"password": "Community_003002@x"}),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert_eq!(v["error"]["message"], "密码不能包含用户名");
    }
);

on_both!(bad_input_gets_4xx_with_the_error_shape, |app: TestApp| async move {
    let admin = app.login("admin").await;
    let (s, v, _) = admin
        .send_raw("POST", "/api/v1/departments", Some(b"{not json".to_vec()), true)
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_error(&v, "malformed_json");
    let (s, v) = admin
        .post(
            "/api/v1/departments",
            json!({"code":"X","name":"甲","org_unit_id":"abc"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_error(&v, "validation");
    let (s, v) = admin
        .post("/api/v1/departments", json!({"code":"X","name":"  ","org_unit_id":1}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(v["error"]["field"], "name");
    let (s, v) = admin
        .post(
            "/api/v1/departments",
            json!({"code":"X","name":"甲","org_unit_id":999999}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(v["error"]["field"], "org_unit_id");
    let (s, v) = admin
        .post(
            "/api/v1/org-units",
            json!({"level":"grid","code":"123","name":"网格","parent_id":app.unit_id("440307003002").await}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(v["error"]["field"], "code");
    let (s, v) = admin.get("/api/v1/org-units/999999").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_error(&v, "not_found");
    let (s, v) = admin.get("/api/v1/org-units/abc").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_error(&v, "bad_path");
    let (s, v) = admin.get("/api/v1/org-units?page_size=501").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(v["error"]["field"], "page_size");
    let (s, v) = admin.get("/api/v1/org-units?page=x").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_error(&v, "bad_query");
    let (s, v) = admin.get("/api/v1/no-such-thing").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_error(&v, "not_found");
    let big = format!(
        "{{\"code\":\"X\",\"name\":\"{}\",\"org_unit_id\":1}}",
        "甲".repeat(1_000_000)
    );
    let (s, v, _) = admin
        .send_raw("POST", "/api/v1/departments", Some(big.into_bytes()), true)
        .await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE);
    assert_error(&v, "payload_too_large");
    let (s, v) = admin
        .post(
            "/api/v1/departments",
            json!({"code":"X","name":"甲","org_unit_id":1,"bogus":1}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
});

on_both!(
    audit_chain_records_writes_and_finds_tampering,
    |app: TestApp| async move {
        let admin = app.login("admin").await;
        let unit = app.unit_id("440307003002").await;
        let (s, _) = admin
            .put(&format!("/api/v1/org-units/{unit}"), json!({"name":"良安田社区（改）"}))
            .await;
        assert_eq!(s, StatusCode::OK);
        let auditor = app.login("auditor").await;
        let (_, v) = auditor.get("/api/v1/audit-logs?action=update&username=admin").await;
        let row = &items(&v)[0];
        assert_eq!(row["object_type"], "org_unit");
        assert_eq!(row["object_id"], unit.to_string());
        assert_eq!(row["result"], "success");

        let (n, breaks) = zongguan_db::audit::verify(&app.db).await.expect("verify");
        assert!(n >= 4);
        assert!(breaks.is_empty(), "{breaks:?}");

        // The database itself refuses changes to the logs.
        let upd = app
            .db
            .conn
            .execute_unprepared("UPDATE audit_log SET action = 'read' WHERE id = 2")
            .await;
        assert!(upd.is_err(), "update must be refused");
        let del = app.db.conn.execute_unprepared("DELETE FROM login_log").await;
        assert!(del.is_err(), "delete must be refused");

        // Someone with direct database access drops the guard and edits a row: verify finds it.
        let drop = if app.schema.is_some() {
            "DROP TRIGGER audit_log_append_only ON audit_log"
        } else {
            "DROP TRIGGER audit_log_no_UPDATE"
        };
        app.db.conn.execute_unprepared(drop).await.expect("drop trigger");
        app.db
            .conn
            .execute_unprepared("UPDATE audit_log SET action = 'read' WHERE id = 2")
            .await
            .expect("tamper");
        let (_, breaks) = zongguan_db::audit::verify(&app.db).await.expect("verify");
        assert_eq!(breaks, vec![zongguan_core::audit::ChainBreak::Tampered { id: 2 }]);
    }
);

on_both!(api_tokens_and_totp, |app: TestApp| async move {
    let admin = app.login("admin").await;
    let (s, v) = admin
        .post(
            "/api/v1/auth/tokens",
            json!({"name":"对接网格系统","expires_in_days":30}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let token = v["token"].as_str().expect("token").to_string();
    let tid = v["info"]["id"].as_i64().expect("id");
    let (_, list) = admin.get("/api/v1/auth/tokens").await;
    assert_eq!(list["total"], 1, "{list}");
    assert_eq!(list["items"][0]["id"], tid);
    let mut bot = app.anonymous();
    bot.bearer = Some(token.clone());
    let (s, v) = bot.get("/api/v1/org-units?level=subdistrict").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["total"], 11);
    // Bearer requests need no CSRF token.
    let (s, _) = bot
        .post(
            "/api/v1/departments",
            json!({"code":"API-1","name":"接口测试单位","org_unit_id":app.unit_id("440307000000").await}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    // A grid worker may not create tokens.
    let g = app.login("grid_00300201").await;
    let (s, _) = g.post("/api/v1/auth/tokens", json!({"name":"x"})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = admin.delete(&format!("/api/v1/auth/tokens/{tid}")).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, _) = bot.get("/api/v1/org-units").await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);

    // TOTP: enrol, then login needs the code.
    let (s, setup) = admin.post("/api/v1/auth/totp/setup", json!({})).await;
    assert_eq!(s, StatusCode::OK);
    let secret = setup["secret"].as_str().expect("secret").to_string();
    let (s, _) = admin.post("/api/v1/auth/totp/enable", json!({"code":"000000"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let code = zongguan_core::totp::code_at(&secret, chrono::Utc::now().timestamp()).expect("code");
    let (s, _) = admin.post("/api/v1/auth/totp/enable", json!({"code":code})).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, v) = app.login_with("admin", PW).await.err().expect("needs code");
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_error(&v, "totp_required");
    let c = app.anonymous();
    // The enrolling code is spent: the next one (accepted a step early for clock drift) logs in.
    let code = zongguan_core::totp::code_at(&secret, chrono::Utc::now().timestamp() + 30).expect("code");
    let (s, _) = c
        .post(
            "/api/v1/auth/login",
            json!({"username":"admin","password":PW,"totp_code":code}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
});

on_both!(totp_required_for_admins_when_configured, |app: TestApp| async move {
    let mut cfg = crate::common::test_config();
    cfg.security.require_totp_for_admins = true;
    let router = app.with_config(cfg);
    let mut sec = app.login("secadmin").await;
    sec.router = router.clone();
    let (s, v) = sec.get("/api/v1/users").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_error(&v, "totp_enrollment_required");
    let (s, me) = sec.get("/api/v1/auth/me").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(me["must_enroll_totp"], true);
    // A non-admin is not affected.
    let mut officer = app.login("district_officer").await;
    officer.router = router;
    let (s, _) = officer.get("/api/v1/org-units").await;
    assert_eq!(s, StatusCode::OK);
});

on_both!(demo_is_idempotent, |app: TestApp| async move {
    let hash = zongguan_core::password::hash(PW);
    let accounts = zongguan_db::demo::load(
        &app.db,
        zongguan::LONGGANG_DIVISIONS,
        None,
        zongguan_db::demo::Scale::Small,
        &hash,
    )
    .await
    .expect("again");
    let admin = app.login("admin").await;
    let (_, v) = admin.get("/api/v1/org-units?level=subdistrict").await;
    assert_eq!(v["total"], 11);
    let (_, v) = admin.get("/api/v1/org-units?level=community&page_size=500").await;
    assert_eq!(v["total"], 119);
    let names: std::collections::BTreeSet<(i64, &str)> = items(&v)
        .iter()
        .filter_map(|u| Some((u["parent_id"].as_i64()?, u["community_name"].as_str()?)))
        .collect();
    assert_eq!(names.len(), 111, "119 committees group into 111 communities");
    let (_, v) = admin.get("/api/v1/users?page_size=1").await;
    assert_eq!(v["total"].as_u64(), Some(accounts.len() as u64));
    assert!(
        accounts
            .iter()
            .any(|a| a.username == "dept_440307_01" && a.department_code.as_deref() == Some("440307-01"))
    );
});

on_both!(custom_and_unit_only_scopes, |app: TestApp| async move {
    let sec = app.login("secadmin").await;
    // Role definitions obey the separation of duties.
    let (s, v) = sec
        .post(
            "/api/v1/roles",
            json!({"code":"inspector","name":"督查员","data_scope":"custom","permissions":["org:read","audit:read"]}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(v["error"]["field"], "permissions");
    let (s, v) = sec
        .post(
            "/api/v1/roles",
            json!({"code":"inspector","name":"督查员","data_scope":"custom","permissions":["org:read","staff:read"]}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    // Role and permission lists answer {items, total}, as every list does.
    let (_, roles) = sec.get("/api/v1/roles").await;
    assert_eq!(
        roles["total"].as_u64(),
        roles["items"].as_array().map(|a| a.len() as u64)
    );
    assert!(items(&roles).iter().any(|r| r["code"] == "inspector"));
    let (_, perms) = sec.get("/api/v1/permissions").await;
    assert!(items(&perms).iter().any(|p| p["code"] == "staff:read"), "{perms}");
    assert_eq!(
        perms["total"].as_u64(),
        perms["items"].as_array().map(|a| a.len() as u64)
    );
    let (s, _) = sec
        .put(
            "/api/v1/roles/sys_admin",
            json!({"name":"x","data_scope":"all","permissions":[]}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT);

    // A custom list: exactly two communities in different subdistricts.
    let a = app.unit_id("440307003002").await;
    let b = app.unit_id("440307013015").await;
    let (_, users) = sec.get("/api/v1/users?q=leader").await;
    let id = items(&users)[0]["id"].as_i64().expect("id");
    let (s, _) = sec
        .put(
            &format!("/api/v1/users/{id}/roles"),
            json!({"role_codes":["inspector"]}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (s, v) = sec
        .put(
            &format!("/api/v1/users/{id}/scope-units"),
            json!({"org_unit_ids":[b, a, a]}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["org_unit_ids"].as_array().expect("ids").len(), 2);
    let u = app.login("leader").await;
    let (_, v) = u.get("/api/v1/org-units?page_size=500").await;
    let mut ids: Vec<i64> = items(&v).iter().filter_map(|x| x["id"].as_i64()).collect();
    ids.sort();
    let mut want = vec![a, b];
    want.sort();
    assert_eq!(ids, want);
    let (s, _) = u
        .get(&format!("/api/v1/org-units/{}", app.unit_id("440307003000").await))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // Unit only: a department handler sees their center's unit but not the communities below it.
    let h = app.login("dept_440307003_01").await;
    let (_, v) = h.get("/api/v1/org-units?page_size=500").await;
    assert_eq!(v["total"], 1);
    assert_eq!(items(&v)[0]["code"], "440307003000");
    let (_, v) = h.get("/api/v1/departments?page_size=500").await;
    assert_eq!(v["total"], 4, "the four departments of 平湖街道");
});

#[tokio::test]
async fn sqlite_runs_in_wal_mode_with_foreign_keys_on() {
    let app = TestApp::sqlite().await;
    let q = |sql: &'static str| {
        let db = app.db.clone();
        async move {
            let row = db
                .conn
                .query_one_raw(zongguan_db::sea_orm::Statement::from_string(
                    db.db_backend(),
                    sql.to_string(),
                ))
                .await
                .expect("query")
                .expect("row");
            row.try_get_by_index::<String>(0)
                .or_else(|_| row.try_get_by_index::<i64>(0).map(|n| n.to_string()))
                .expect("value")
        }
    };
    assert_eq!(q("PRAGMA journal_mode").await, "wal");
    assert_eq!(q("PRAGMA foreign_keys").await, "1");
    // A row pointing at a missing org unit is refused by the database itself.
    let bad = app.db.conn.execute_unprepared("INSERT INTO department (code, name, org_unit_id, duties, phone, created_at, updated_at) VALUES ('X', 'X', 999999, '', '', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')").await;
    assert!(bad.is_err(), "foreign key enforced");
}
