//! Counts in memory against SQL, and report codes under concurrency.
use crate::common::TestApp;
use axum::http::StatusCode;
use chrono::{TimeDelta, Utc};
use serde_json::{Value, json};
use zongguan_core::time::cst_date;

use super::*;

/// An account as the API builds its actor from a session.
async fn actor(app: &TestApp, username: &str) -> zongguan_db::Actor {
    zongguan_db::Actor::load(&app.db, username, "test")
        .await
        .expect("account")
}

/// The in-memory counts and the SQL ones for every caller and filter: the same answer, or the
/// same refusal.
async fn same_counts(
    app: &TestApp,
    users: &[zongguan_db::Actor],
    filters: &[zongguan_db::cases::StatsFilter],
    when: &str,
) {
    for u in users {
        for f in filters {
            let fast = zongguan_db::cases::stats(&app.db, u, f).await;
            let sql = zongguan_db::cases::stats_sql(&app.db, u, f).await;
            match (fast, sql) {
                (Ok(a), Ok(b)) => {
                    let (a, b) = (
                        serde_json::to_value(&a).expect("json"),
                        serde_json::to_value(&b).expect("json"),
                    );
                    assert_eq!(a, b, "{when}: {} {:?} {f:?}", u.username, u.scope);
                }
                (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string(), "{when}: {} {f:?}", u.username),
                (a, b) => panic!(
                    "{when}: {} {f:?}: in memory {:?}, SQL {:?}",
                    u.username,
                    a.map(|s| s.total),
                    b.map(|s| s.total)
                ),
            }
        }
    }
}

on_both!(counts_in_memory_match_sql, |app: TestApp| async move {
    use zongguan_db::Scope;
    use zongguan_db::cases::StatsFilter;
    use zongguan_db::entity::case_record;
    use zongguan_db::sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, sea_query::Expr};
    geography(&app).await;
    let g = app.login("grid_00300201").await;
    let center = app.login("community_003002").await;
    let police = app.login("dept_440307003_01").await;
    let district = app.login("district_officer").await;
    let mut fresh = Vec::new();
    for seed in 0..8 {
        fresh.push(
            report(
                &g,
                if seed < 4 { "0101" } else { "0201" },
                point_in(&app, GRID, 100 + seed).await,
            )
            .await,
        );
    }

    let mut users = Vec::new();
    for name in [
        "district_officer",
        "subdistrict_003",
        "community_003002",
        "grid_00300201",
        "grid_00300202",
        "dept_440307003_01",
        "dept_440307_05",
        "leader",
    ] {
        users.push(actor(&app, name).await);
    }
    // Scopes no demo role has: own records, a list of units that are not grids, and a subtree path
    // that is no unit's own (matched as a prefix of org unit paths).
    let grid_worker = actor(&app, "grid_00300201").await;
    let sd = app.unit_id("440307003000").await;
    let community = app.unit_id("440307003002").await;
    let sd_path = zongguan_db::entity::org_unit::Entity::find_by_id(sd)
        .one(&app.db.conn)
        .await
        .expect("query")
        .expect("unit")
        .path;
    for scope in [
        Scope::OwnRecords {
            user_id: grid_worker.user_id.expect("id"),
        },
        Scope::Units {
            ids: vec![community, app.unit_id(GRID).await],
        },
        Scope::Subtree {
            path: sd_path.trim_end_matches('/').to_string(),
        },
    ] {
        let mut u = grid_worker.clone();
        u.scope = scope;
        u.user_id = None;
        users.push(u);
    }
    let today = cst_date(Utc::now());
    let mut filters = vec![StatsFilter::default()];
    for code in ["440307000000", "440307003000", "440307003002", GRID] {
        filters.push(StatsFilter {
            org_unit_id: Some(app.unit_id(code).await),
            ..Default::default()
        });
    }
    filters.push(StatsFilter {
        date_from: Some(today - TimeDelta::days(40)),
        date_to: Some(today - TimeDelta::days(3)),
        ..Default::default()
    });
    filters.push(StatsFilter {
        org_unit_id: Some(sd),
        date_from: Some(today),
        ..Default::default()
    });
    filters.push(StatsFilter {
        date_to: Some(today - TimeDelta::days(100)),
        ..Default::default()
    });
    filters.push(StatsFilter {
        org_unit_id: Some(999_999),
        ..Default::default()
    });

    // First use: the copy is read whole.
    same_counts(&app, &users, &filters, "first load").await;

    // A year of history after the copy was loaded, stamped with old times: found by id.
    zongguan_db::demo_data::case_history(&app.db, 1000, 11, &|_| {})
        .await
        .expect("history");
    same_counts(&app, &users, &filters, "after history").await;

    // The workflow moves cases through every state; the copy follows `updated_at`.
    let id = |v: &Value| v["id"].as_i64().expect("id");
    let v = ok(&center, id(&fresh[0]), json!({"action":"accept"}), &fresh[0]["version"]).await;
    let v = ok(
        &center,
        id(&v),
        json!({"action":"dispatch","assisting_department_codes":["440307-05"]}),
        &v["version"],
    )
    .await;
    let v = ok(&police, id(&v), json!({"action":"start"}), &v["version"]).await;
    let v = ok(
        &police,
        id(&v),
        json!({"action":"feedback","note":"已处理"}),
        &v["version"],
    )
    .await;
    let v = ok(
        &center,
        id(&v),
        json!({"action":"verify","passed":false}),
        &v["version"],
    )
    .await;
    assert_eq!(
        (v["state"].as_str(), v["rework_count"].as_i64()),
        (Some("handling"), Some(1))
    );
    ok(
        &center,
        id(&fresh[1]),
        json!({"action":"reject","reason":"重复上报"}),
        &fresh[1]["version"],
    )
    .await;
    let v = ok(&center, id(&fresh[2]), json!({"action":"accept"}), &fresh[2]["version"]).await;
    let v = ok(&center, id(&v), json!({"action":"dispatch"}), &v["version"]).await;
    ok(
        &center,
        id(&v),
        json!({"action":"pause","reason":"等待配合"}),
        &v["version"],
    )
    .await;
    let v = ok(&center, id(&fresh[3]), json!({"action":"accept"}), &fresh[3]["version"]).await;
    let v = ok(&center, id(&v), json!({"action":"dispatch"}), &v["version"]).await;
    let v = ok(&police, id(&v), json!({"action":"start"}), &v["version"]).await;
    let v = ok(
        &police,
        id(&v),
        json!({"action":"feedback","note":"已处理"}),
        &v["version"],
    )
    .await;
    let v = ok(&g, id(&v), json!({"action":"verify","passed":true}), &v["version"]).await;
    ok(&center, id(&v), json!({"action":"close"}), &v["version"]).await;
    let (s, v) = center
        .post(
            &format!("/api/v1/cases/{}/merge", id(&fresh[4])),
            json!({"into": id(&fresh[5])}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    // A deadline that passed (moved back here, with the stamp a write gives): overdue, then late.
    let past = Utc::now() - TimeDelta::hours(1);
    case_record::Entity::update_many()
        .col_expr(case_record::Column::DeadlineAt, Expr::val(past))
        .col_expr(case_record::Column::UpdatedAt, Expr::val(zongguan_db::cases::now()))
        .filter(case_record::Column::Id.is_in([id(&fresh[6]), id(&fresh[7])]))
        .exec(&app.db.conn)
        .await
        .expect("update");
    same_counts(&app, &users, &filters, "overdue").await;
    ok(&center, id(&fresh[6]), json!({"action":"accept"}), &fresh[6]["version"]).await;
    // The district center works through the history's open cases.
    for (state, action, n) in [
        ("reported", json!({"action":"accept"}), 5),
        ("accepted", json!({"action":"dispatch"}), 5),
        ("verified", json!({"action":"close"}), 1),
        ("reported", json!({"action":"reject","reason":"无效"}), 5),
    ] {
        let (_, list) = district
            .get(&format!("/api/v1/cases?state={state}&page_size={n}"))
            .await;
        for c in list["items"].as_array().expect("items") {
            ok(&district, c["id"].as_i64().expect("id"), action.clone(), &c["version"]).await;
        }
    }
    report(&g, "0301", point_in(&app, GRID, 99).await).await;
    same_counts(&app, &users, &filters, "after the workflow").await;

    // Not a vacuous comparison: the district sees every case, in several states and departments.
    let all = zongguan_db::cases::stats(&app.db, &users[0], &StatsFilter::default())
        .await
        .expect("stats");
    assert_eq!(
        all.total,
        case_record::Entity::find().count(&app.db.conn).await.expect("count")
    );
    assert!(all.by_state.iter().all(|s| s.count > 0), "{:?}", all.by_state);
    let f = &all.figures;
    assert!(
        all.by_department.len() > 5 && f.overdue > 0 && f.reworked > 0 && f.closed_on_time < f.closed,
        "{all:?}"
    );
});

on_both!(concurrent_reports_take_turns_for_codes, |app: TestApp| async move {
    geography(&app).await;
    let g = app.login("grid_00300201").await;
    let mut tasks = Vec::new();
    for k in 0..12 {
        let (g, p) = (g.clone(), point_in(&app, GRID, 200 + k).await);
        tasks.push(tokio::spawn(async move { report(&g, "0301", p).await }));
    }
    let mut codes = Vec::new();
    for t in tasks {
        let v = t.await.expect("task");
        codes.push(v["code"].as_str().expect("code").to_string());
    }
    // One daily sequence without gaps or repeats (per China date, should the test cross midnight).
    codes.sort();
    let mut days: std::collections::BTreeMap<&str, Vec<u64>> = Default::default();
    for c in &codes {
        days.entry(&c[..10])
            .or_default()
            .push(c[10..].parse().expect("sequence"));
    }
    for seqs in days.values() {
        assert_eq!(*seqs, (1..=seqs.len() as u64).collect::<Vec<u64>>(), "{codes:?}");
    }
    assert_eq!(codes.len(), 12);
    // Each has its timeline row and its audit row, and the chain is whole.
    let center = app.login("community_003002").await;
    let (_, list) = center.get("/api/v1/cases?page_size=50").await;
    for c in list["items"].as_array().expect("items") {
        let (_, d) = center.get(&format!("/api/v1/cases/{}", c["id"])).await;
        assert_eq!(d["timeline"].as_array().map(Vec::len), Some(1), "{d}");
    }
    let (n, breaks) = zongguan_db::audit::verify(&app.db).await.expect("verify");
    assert!(breaks.is_empty(), "{n} rows, breaks {breaks:?}");
    let auditor = app.login("auditor").await;
    let (_, log) = auditor.get("/api/v1/audit-logs?action=create&page_size=100").await;
    assert_eq!(
        log["items"]
            .as_array()
            .expect("items")
            .iter()
            .filter(|r| r["object_type"] == "case")
            .count(),
        12
    );
});
