//! The audit trail proves itself: `verify` names every kind of tampering an insider with database
//! access can do (after dropping the append-only triggers), checkpoints catch a cut tail, refusals
//! on a person's record are audited, and the auditor exports the log as XLSX.
use std::io::Cursor;
use std::path::{Path, PathBuf};

use axum::http::StatusCode;
use calamine::{Data, Reader};
use serde_json::{Value, json};
use zongguan_core::audit::{ChainBreak, ChainFields, TailFinding, legacy_row_hash};
use zongguan_db::audit::{self, CheckpointUse, Event, Report};
use zongguan_db::sea_orm::{ConnectionTrait, Statement};
use zongguan_db::{Actor, DbError};

use crate::common::TestApp;

/// A fresh directory for the checkpoint file (the serve process's `data_dir`).
fn data_dir() -> PathBuf {
    let d = std::env::temp_dir().join("zongguan-tests").join(format!(
        "audit_{}_{}",
        std::process::id(),
        rand::random::<u64>()
    ));
    std::fs::create_dir_all(&d).expect("dir");
    d
}

/// 60 more audit rows and 5 login rows, then a checkpoint of both logs.
async fn logs_with_checkpoint(app: &TestApp) -> PathBuf {
    let actor = Actor::system("test");
    for i in 0..60 {
        audit::record(
            &app.db,
            &actor,
            Event::ok("update", "org_unit", i).detail(format!("第 {i} 次")),
        )
        .await
        .expect("audit");
    }
    for (i, r) in ["success", "bad_password", "unknown_user", "success", "locked"]
        .iter()
        .enumerate()
    {
        audit::record_login(&app.db, &format!("user{i}"), Some(1), r, "10.0.0.1", "Firefox")
            .await
            .expect("login log");
    }
    let dir = data_dir();
    let cp = audit::checkpoint(&app.db, &dir).await.expect("checkpoint");
    assert!(cp.audit.rows >= 60 && cp.login.rows == 5, "{cp:?}");
    dir
}

async fn verify(app: &TestApp, dir: &Path) -> Report {
    audit::verify_logs(&app.db, Some(dir)).await.expect("verify")
}

/// What an insider with database access does first.
async fn drop_guards(app: &TestApp) {
    let drops: &[&str] = if app.schema.is_some() {
        &[
            "DROP TRIGGER audit_log_append_only ON audit_log",
            "DROP TRIGGER login_log_append_only ON login_log",
        ]
    } else {
        &[
            "DROP TRIGGER audit_log_no_UPDATE",
            "DROP TRIGGER audit_log_no_DELETE",
            "DROP TRIGGER login_log_no_UPDATE",
            "DROP TRIGGER login_log_no_DELETE",
        ]
    };
    for d in drops {
        app.db.conn.execute_unprepared(d).await.expect("drop trigger");
    }
}

async fn sql(app: &TestApp, s: &str) {
    app.db.conn.execute_unprepared(s).await.expect(s);
}

async fn last_audit_id(app: &TestApp) -> i64 {
    let row = app
        .db
        .conn
        .query_one_raw(Statement::from_string(
            app.db.db_backend(),
            "SELECT MAX(id) AS m FROM audit_log",
        ))
        .await
        .expect("query")
        .expect("row");
    row.try_get::<i64>("", "m").expect("max")
}

async fn audit_rows(app: &TestApp) -> Vec<zongguan_db::entity::audit_log::Model> {
    use zongguan_db::entity::audit_log;
    use zongguan_db::sea_orm::{EntityTrait, QueryOrder};
    audit_log::Entity::find()
        .order_by_asc(audit_log::Column::Id)
        .all(&app.db.conn)
        .await
        .expect("rows")
}

on_both!(verify_finds_an_untouched_log_whole, |app: TestApp| async move {
    let dir = logs_with_checkpoint(&app).await;
    let r = verify(&app, &dir).await;
    assert!(r.intact(), "{r:?}");
    assert!(matches!(r.checkpoint, CheckpointUse::Last(_)));
    assert_eq!(r.login.head.rows, 5);
    // Rows written after the checkpoint extend it; a second checkpoint covers them.
    audit::record(&app.db, &Actor::system("test"), Event::ok("create", "user", 9))
        .await
        .expect("audit");
    assert!(verify(&app, &dir).await.intact());
    let cp = audit::checkpoint(&app.db, &dir).await.expect("checkpoint");
    assert_eq!(cp.audit.last_id, last_audit_id(&app).await);
    assert!(verify(&app, &dir).await.intact());
});

on_both!(verify_finds_the_tail_row_deleted, |app: TestApp| async move {
    let dir = logs_with_checkpoint(&app).await;
    let last = last_audit_id(&app).await;
    drop_guards(&app).await;
    sql(&app, &format!("DELETE FROM audit_log WHERE id = {last}")).await;
    let r = verify(&app, &dir).await;
    assert!(!r.intact());
    assert!(r.audit.breaks.is_empty(), "the chain itself still links: {r:?}");
    assert_eq!(
        r.audit.tail,
        vec![TailFinding::Truncated {
            after: last - 1,
            was_last: last
        }]
    );
    // The next checkpoint refuses to sign over the cut, so later checks still see it.
    let e = audit::checkpoint(&app.db, &dir).await.expect_err("refused");
    assert!(matches!(e, DbError::Conflict(_)), "{e:?}");
    audit::record(&app.db, &Actor::system("test"), Event::ok("create", "user", 9))
        .await
        .expect("audit");
    let r = verify(&app, &dir).await;
    assert_eq!(r.audit.tail, vec![TailFinding::Replaced { id: last }], "{r:?}");
});

on_both!(verify_finds_the_last_50_deleted, |app: TestApp| async move {
    let dir = logs_with_checkpoint(&app).await;
    let last = last_audit_id(&app).await;
    drop_guards(&app).await;
    sql(&app, &format!("DELETE FROM audit_log WHERE id > {}", last - 50)).await;
    let r = verify(&app, &dir).await;
    assert!(!r.intact());
    assert_eq!(
        r.audit.tail,
        vec![TailFinding::Truncated {
            after: last - 50,
            was_last: last
        }]
    );
});

on_both!(verify_finds_the_table_emptied, |app: TestApp| async move {
    let dir = logs_with_checkpoint(&app).await;
    let last = last_audit_id(&app).await;
    drop_guards(&app).await;
    sql(&app, "DELETE FROM audit_log").await;
    sql(&app, "DELETE FROM login_log").await;
    let r = verify(&app, &dir).await;
    assert!(!r.intact());
    assert_eq!(r.audit.tail, vec![TailFinding::Emptied { was: last as u64 }]);
    assert_eq!(r.login.tail, vec![TailFinding::Emptied { was: 5 }]);
});

on_both!(verify_finds_org_unit_id_edited, |app: TestApp| async move {
    let dir = logs_with_checkpoint(&app).await;
    drop_guards(&app).await;
    sql(&app, "UPDATE audit_log SET org_unit_id = 1 WHERE id = 3").await;
    let r = verify(&app, &dir).await;
    assert!(!r.intact());
    assert_eq!(r.audit.breaks, vec![ChainBreak::Tampered { id: 3 }]);
    assert!(r.audit.tail.is_empty() && r.login.intact(), "{r:?}");
});

on_both!(verify_finds_a_login_log_row_edited, |app: TestApp| async move {
    let dir = logs_with_checkpoint(&app).await;
    drop_guards(&app).await;
    sql(&app, "UPDATE login_log SET result = 'success' WHERE id = 2").await;
    let r = verify(&app, &dir).await;
    assert!(!r.intact());
    assert_eq!(r.login.breaks, vec![ChainBreak::Tampered { id: 2 }]);
    assert!(r.audit.intact(), "{r:?}");
    // A deleted login row in the middle is named by its id.
    sql(&app, "DELETE FROM login_log WHERE id = 4").await;
    let r = verify(&app, &dir).await;
    assert_eq!(
        r.login.breaks,
        vec![ChainBreak::Tampered { id: 2 }, ChainBreak::Missing { from: 4, to: 4 }]
    );
});

on_both!(
    verify_finds_a_middle_row_edited_and_the_chain_rehashed_without_the_key,
    |app: TestApp| async move {
        let dir = logs_with_checkpoint(&app).await;
        let last = last_audit_id(&app).await;
        let mid = last / 2;
        drop_guards(&app).await;
        sql(&app, &format!("UPDATE audit_log SET action = 'read' WHERE id = {mid}")).await;
        // Every later hash recomputed with plain SHA-256, as the old scheme allowed anyone to.
        let rows = audit_rows(&app).await;
        let mut prev = rows.iter().find(|r| r.id == mid - 1).expect("row").hash.clone();
        for r in rows.iter().filter(|r| r.id >= mid) {
            let h = legacy_row_hash(
                &prev,
                &ChainFields {
                    id: r.id,
                    at: &r.at,
                    user_id: r.user_id,
                    username: &r.username,
                    org_unit_id: r.org_unit_id,
                    action: &r.action,
                    object_type: &r.object_type,
                    object_id: r.object_id.as_deref(),
                    result: &r.result,
                    client_addr: &r.client_addr,
                    detail: r.detail.as_deref(),
                },
            );
            sql(
                &app,
                &format!(
                    "UPDATE audit_log SET prev_hash = '{prev}', hash = '{h}' WHERE id = {}",
                    r.id
                ),
            )
            .await;
            prev = h;
        }
        let r = verify(&app, &dir).await;
        assert!(!r.intact());
        assert_eq!(r.audit.edited_ids(), (mid..=last).collect::<Vec<_>>(), "{r:?}");
        assert!(
            r.audit.breaks.iter().all(|b| matches!(b, ChainBreak::Tampered { .. })),
            "{r:?}"
        );
    }
);

on_both!(a_forged_checkpoint_line_is_found, |app: TestApp| async move {
    let dir = logs_with_checkpoint(&app).await;
    let path = dir.join(audit::CHECKPOINT_FILE);
    let text = std::fs::read_to_string(&path).expect("file");
    // Someone rewrites the checkpoint to match a shortened log, without the key.
    std::fs::write(
        &path,
        format!("{text}{}\n", text.trim().replace("audit_log=", "audit_log=1")),
    )
    .expect("write");
    let r = verify(&app, &dir).await;
    assert_eq!(r.bad_checkpoint_lines, vec![2]);
    assert!(!r.intact());
});

/// A building, a house and a resident in grid 44030700300201, registered by its community officer.
async fn resident(app: &TestApp) -> i64 {
    let officer = app.login("community_003002").await;
    let grid = app.unit_id("44030700300201").await;
    let (s, b) = officer
        .post("/api/v1/buildings", json!({"code":"AUD-1","name":"良安田新村9栋","address":"平湖街道良安田新村9栋","grid_id":grid,"lon":114.12,"lat":22.68,"floors":6,"use_type":"住宅"}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let (s, h) = officer
        .post(
            "/api/v1/houses",
            json!({"building_id":b["id"],"room":"101","use_type":"residential"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{h}");
    let (s, r) = officer
        .post("/api/v1/residents", json!({"name":"钱大爷","id_number":"11010519491231002X","registration_type":"户籍人口","phone":"13900002222","house_id":h["id"]}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    r["id"].as_i64().expect("id")
}

fn denials(log: &Value, rid: i64) -> Vec<(String, String)> {
    let rid = rid.to_string();
    log["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|r| {
            r["result"] == "denied" && r["object_type"] == "resident" && r["object_id"].as_str() == Some(rid.as_str())
        })
        .map(|r| {
            (
                r["username"].as_str().unwrap_or("").to_string(),
                r["action"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

on_both!(refusals_on_a_person_are_audited, |app: TestApp| async move {
    let rid = resident(&app).await;
    // Out of scope: another community's officer gets 404, and the refusal is on record.
    let other = app.login("community_003004").await;
    let (s, _) = other.get(&format!("/api/v1/residents/{rid}")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = other.get(&format!("/api/v1/residents/{rid}?unmasked=true")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = other.get(&format!("/api/v1/residents/{rid}/special-groups")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // The system administrator has no resident permission: 403, on record too.
    let admin = app.login("admin").await;
    let (s, _) = admin.get(&format!("/api/v1/residents/{rid}")).await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    let auditor = app.login("auditor").await;
    let (_, log) = auditor.get("/api/v1/audit-logs?page_size=100").await;
    let found = denials(&log, rid);
    for want in [
        ("community_003004", "read"),
        ("community_003004", "read_unmasked"),
        ("community_003004", "read_special_groups"),
        ("admin", "read"),
    ] {
        assert!(found.contains(&(want.0.into(), want.1.into())), "{want:?} in {found:?}");
    }
    let row = log["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|r| r["username"] == "admin" && r["result"] == "denied")
        .expect("admin's refusal");
    assert!(row["detail"].as_str().unwrap_or("").starts_with("403"), "{row}");
    // Refusals are chained like every other row.
    let (_, breaks) = audit::verify(&app.db).await.expect("verify");
    assert!(breaks.is_empty(), "{breaks:?}");
});

on_both!(the_auditor_exports_the_log_as_xlsx, |app: TestApp| async move {
    let admin = app.login("admin").await;
    let unit = app.unit_id("440307003002").await;
    let (s, _) = admin
        .put(&format!("/api/v1/org-units/{unit}"), json!({"name":"良安田社区（改）"}))
        .await;
    assert_eq!(s, StatusCode::OK);
    let today = zongguan_core::time::cst_date(chrono::Utc::now());
    let auditor = app.login("auditor").await;
    let (s, bytes) = auditor
        .download(&format!("/api/v1/audit-logs/export?from={today}&to={today}"))
        .await;
    assert_eq!(s, StatusCode::OK, "{}", String::from_utf8_lossy(&bytes));
    let mut wb = calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).expect("xlsx");
    let sheet = wb.worksheet_range_at(0).expect("sheet").expect("range");
    let rows: Vec<Vec<String>> = sheet
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect();
    assert_eq!(
        rows[0],
        [
            "时间",
            "操作人",
            "操作",
            "对象类型",
            "对象",
            "结果",
            "客户端地址",
            "详情"
        ]
    );
    let row = rows
        .iter()
        .find(|r| r[1] == "admin" && r[2] == "update" && r[3] == "org_unit")
        .expect("the update is exported");
    assert_eq!(row[4], unit.to_string());
    assert_eq!(row[5], "成功");
    assert!(row[7].contains("良安田社区（改）"), "{row:?}");
    // UTC+8, to the second.
    let at = chrono::NaiveDateTime::parse_from_str(&row[0], "%Y-%m-%d %H:%M:%S").expect("time format");
    let now = chrono::Utc::now()
        .with_timezone(&zongguan_core::time::cst())
        .naive_local();
    assert!((now - at).num_minutes().abs() < 5, "{at} vs {now}");

    // A day with nothing in it is headers only; a bad date names its field.
    let (s, bytes) = auditor
        .download("/api/v1/audit-logs/export?from=2001-01-01&to=2001-01-02")
        .await;
    assert_eq!(s, StatusCode::OK);
    let mut wb = calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).expect("xlsx");
    assert_eq!(wb.worksheet_range_at(0).expect("sheet").expect("range").height(), 1);
    let (s, v) = auditor
        .get("/api/v1/audit-logs/export?from=2026-13-01&to=2026-01-02")
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["field"], "from");
    // The export itself is audited.
    let (_, log) = auditor.get("/api/v1/audit-logs?action=export&username=auditor").await;
    assert!(log["total"].as_u64().unwrap_or(0) >= 1, "{log}");
});

on_both!(only_the_auditor_exports_the_log, |app: TestApp| async move {
    let today = zongguan_core::time::cst_date(chrono::Utc::now());
    for who in ["admin", "community_003002"] {
        let c = app.login(who).await;
        let (s, v) = c
            .get(&format!("/api/v1/audit-logs/export?from={today}&to={today}"))
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{who}: {v}");
    }
});

on_both!(
    m0012_rechains_the_old_logs_and_records_what_the_old_chain_showed,
    |app: TestApp| async move {
        // Back to the state before m0012: an unkeyed audit chain, a login log without hashes.
        for i in 0..3 {
            audit::record(&app.db, &Actor::system("test"), Event::ok("create", "user", i))
                .await
                .expect("audit");
        }
        for (i, r) in ["success", "bad_password"].iter().enumerate() {
            audit::record_login(&app.db, &format!("user{i}"), None, r, "10.0.0.1", "Firefox")
                .await
                .expect("login log");
        }
        drop_guards(&app).await;
        let mut prev = zongguan_core::audit::GENESIS.to_string();
        for r in audit_rows(&app).await {
            let h = legacy_row_hash(
                &prev,
                &ChainFields {
                    id: r.id,
                    at: &r.at,
                    user_id: r.user_id,
                    username: &r.username,
                    org_unit_id: r.org_unit_id,
                    action: &r.action,
                    object_type: &r.object_type,
                    object_id: r.object_id.as_deref(),
                    result: &r.result,
                    client_addr: &r.client_addr,
                    detail: r.detail.as_deref(),
                },
            );
            sql(
                &app,
                &format!(
                    "UPDATE audit_log SET prev_hash = '{prev}', hash = '{h}' WHERE id = {}",
                    r.id
                ),
            )
            .await;
            prev = h;
        }
        // An edit the old chain shows, made before the upgrade.
        sql(&app, "UPDATE audit_log SET action = 'read' WHERE id = 2").await;
        sql(&app, "ALTER TABLE login_log DROP COLUMN prev_hash").await;
        sql(&app, "ALTER TABLE login_log DROP COLUMN hash").await;
        if app.schema.is_some() {
            for t in ["audit_log", "login_log"] {
                sql(
                &app,
                &format!(
                    "CREATE TRIGGER {t}_append_only BEFORE UPDATE OR DELETE ON {t} FOR EACH ROW EXECUTE FUNCTION zg_append_only()"
                ),
            )
            .await;
            }
        } else {
            for t in ["audit_log", "login_log"] {
                for op in ["UPDATE", "DELETE"] {
                    sql(
                    &app,
                    &format!("CREATE TRIGGER {t}_no_{op} BEFORE {op} ON {t} BEGIN SELECT RAISE(ABORT, 'append-only table {t}'); END"),
                )
                .await;
                }
            }
        }
        sql(&app, "DELETE FROM seaql_migrations WHERE version = 'm0012_audit_keyed'").await;
        let before = last_audit_id(&app).await;

        app.db.migrate().await.expect("m0012 again");
        let r = audit::verify_logs(&app.db, None).await.expect("verify");
        assert!(r.intact(), "{r:?}");
        assert_eq!(r.login.head.rows, 2);
        let rows = audit_rows(&app).await;
        let last = rows.last().expect("rows");
        assert_eq!((last.id, last.action.as_str()), (before + 1, "rechain"));
        let detail = last.detail.as_deref().unwrap_or("");
        assert!(detail.contains("被修改 2"), "{detail}");
        // The guards are back.
        let upd = app
            .db
            .conn
            .execute_unprepared("UPDATE audit_log SET action = 'x' WHERE id = 1")
            .await;
        assert!(upd.is_err(), "update must be refused");
        let upd = app
            .db
            .conn
            .execute_unprepared("UPDATE login_log SET result = 'x' WHERE id = 1")
            .await;
        assert!(upd.is_err(), "update must be refused");
    }
);
