//! Routing, the workflow end to end with its timeline, refusals, and concurrent acts.
use crate::common;
use crate::common::{TestApp, assert_error};
use axum::http::StatusCode;
use chrono::{DateTime, TimeDelta, Utc};
use serde_json::json;

use super::*;

on_both!(routing_by_point_building_and_outside, |app: TestApp| async move {
    geography(&app).await;
    let g = app.login("grid_00300201").await;
    let p = point_in(&app, GRID, 1).await;
    // 0101 is a police duty: the subdistrict's police station takes it.
    let v = report(&g, "0101", p).await;
    assert_eq!(v["grid_code"], GRID);
    assert_eq!(v["community_code"], "440307003002");
    assert_eq!(v["subdistrict_code"], "440307003000");
    assert_eq!(v["department_code"], "440307003-01");
    assert_eq!(v["department_name"], "平湖派出所");
    assert_eq!(
        (v["state"].as_str(), v["version"].as_i64(), v["source"].as_str()),
        (Some("reported"), Some(1), Some("grid_worker"))
    );
    assert!(
        v["code"].as_str().is_some_and(|c| c.starts_with("SJ") && c.len() == 16),
        "{v}"
    );
    assert_eq!(v["overdue"], false);
    assert_eq!(v["urgency"], "normal");
    assert_eq!(v["duplicates"], json!([]));
    // Accept limit of a general item is 4 natural hours.
    assert_eq!(t(&v["deadline_at"]) - t(&v["reported_at"]), TimeDelta::hours(4));
    // 0201 (fire) is a district duty: the district fire brigade.
    let v = report(&g, "0201", p).await;
    assert_eq!(v["department_code"], "440307-02");
    // The center of the community sees it in its inbox with nobody choosing.
    let center = app.login("community_003002").await;
    let (_, inbox) = center.get("/api/v1/cases/inbox").await;
    assert_eq!(inbox["total"], 2, "{inbox}");
    let other = app.login("community_003004").await;
    let (_, inbox) = other.get("/api/v1/cases/inbox").await;
    assert_eq!(inbox["total"], 0);

    // A building fixes the grid too.
    let grid2 = app.unit_id("44030700300202").await;
    let (s, b) = center.post("/api/v1/buildings", json!({"code":"LAT-B9","name":"良安田9栋","address":"平湖街道良安田社区9栋","grid_id":grid2,"lon":114.1,"lat":22.6,"use_type":"residential"})).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let (s, v) = center
        .post(
            "/api/v1/cases",
            json!({"item_code":"0301","description":"垃圾满溢","building_code":"LAT-B9","source":"phone"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(
        (v["grid_code"].as_str(), v["source"].as_str()),
        (Some("44030700300202"), Some("phone"))
    );
    assert_eq!(
        v["address"], "平湖街道良安田社区9栋",
        "a report with no address takes the building's"
    );

    // Outside every grid: refused naming the location.
    let (s, v) = g
        .post(
            "/api/v1/cases",
            json!({"item_code":"0101","description":"x","location":{"lon":113.0,"lat":23.5}}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["field"], "location");
    let (s, v) = g
        .post("/api/v1/cases", json!({"item_code":"0101","description":"x"}))
        .await;
    assert_eq!(
        (s, v["error"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("location"))
    );
    let (s, v) = g
        .post(
            "/api/v1/cases",
            json!({"item_code":"9999","description":"x","location":{"lon":p.0,"lat":p.1}}),
        )
        .await;
    assert_eq!(
        (s, v["error"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("item_code"))
    );
});

on_both!(full_flow_with_timeline, |app: TestApp| async move {
    geography(&app).await;
    let g = app.login("grid_00300201").await;
    let center = app.login("community_003002").await;
    let police = app.login("dept_440307003_01").await;
    let c = report(&g, "0101", point_in(&app, GRID, 2).await).await;
    let id = c["id"].as_i64().expect("id");

    let v = ok(&center, id, json!({"action":"accept","note":"已核实"}), &c["version"]).await;
    assert_eq!(
        (v["state"].as_str(), v["step"].as_str()),
        (Some("accepted"), Some("dispatch"))
    );
    assert!(
        v["allowed_actions"]
            .as_array()
            .expect("actions")
            .contains(&json!("dispatch")),
        "{v}"
    );
    let v = ok(
        &center,
        id,
        json!({"action":"dispatch","assisting_department_codes":["440307-05"]}),
        &v["version"],
    )
    .await;
    assert_eq!(v["state"], "dispatched");
    assert_eq!(v["department_code"], "440307003-01");
    assert_eq!(v["assisting_departments"][0]["code"], "440307-05");
    assert_eq!(v["step"], "handle");
    assert!(v["dispatched_at"].is_string());
    // The department's inbox has it; it starts and reports back.
    let (_, inbox) = police.get("/api/v1/cases/inbox").await;
    assert_eq!(ids(&inbox), vec![id]);
    let (_, seen) = police.get(&format!("/api/v1/cases/{id}")).await;
    assert_eq!(seen["allowed_actions"], json!(["start", "return"]));
    let v = ok(&police, id, json!({"action":"start"}), &v["version"]).await;
    let v = ok(
        &police,
        id,
        json!({"action":"feedback","note":"已清理并加装护栏"}),
        &v["version"],
    )
    .await;
    assert_eq!(
        (v["state"].as_str(), v["step"].as_str()),
        (Some("feedback"), Some("verify"))
    );
    // The grid worker who reported it checks on site.
    let (_, inbox) = g.get("/api/v1/cases/inbox").await;
    assert_eq!(ids(&inbox), vec![id]);
    let v = ok(&g, id, json!({"action":"verify","passed":true}), &v["version"]).await;
    assert_eq!(v["state"], "verified");
    let v = ok(&center, id, json!({"action":"close"}), &v["version"]).await;
    assert_eq!(v["state"], "closed");
    assert!(v["closed_at"].is_string() && v["deadline_at"].is_null() && v["overdue"] == false);
    assert_eq!(v["version"], 7);
    assert_eq!(v["allowed_actions"], json!([]));

    let rows = v["timeline"].as_array().expect("timeline");
    let steps: Vec<(&str, &str, &str)> = rows
        .iter()
        .map(|r| {
            (
                r["action"].as_str().unwrap_or(""),
                r["to_state"].as_str().unwrap_or(""),
                r["actor_name"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        steps,
        vec![
            ("report", "reported", "良安田社区网格员01"),
            ("accept", "accepted", "良安田社区综管中心"),
            ("dispatch", "dispatched", "良安田社区综管中心"),
            ("start", "handling", "平湖派出所处置员"),
            ("feedback", "feedback", "平湖派出所处置员"),
            ("verify", "verified", "良安田社区网格员01"),
            ("close", "closed", "良安田社区综管中心"),
        ]
    );
    assert_eq!(rows[1]["unit_name"], "良安田社区");
    assert_eq!(rows[3]["department_name"], "平湖派出所");
    assert_eq!(rows[4]["note"], "已清理并加装护栏");
    assert!(
        rows[2]["note"]
            .as_str()
            .is_some_and(|n| n.contains("平湖派出所") && n.contains("住房和建设局")),
        "{}",
        rows[2]
    );
    assert_eq!(rows[1]["from_state"], "reported");
    let times: Vec<DateTime<Utc>> = rows.iter().map(|r| t(&r["at"])).collect();
    assert!(
        times.is_sorted() && times.iter().all(|x| (Utc::now() - *x) < TimeDelta::minutes(5)),
        "{times:?}"
    );

    // Every step is audited.
    let auditor = app.login("auditor").await;
    let (_, log) = auditor.get("/api/v1/audit-logs?page_size=200").await;
    let actions: Vec<&str> = log["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|r| r["object_type"] == "case" && r["object_id"] == id.to_string().as_str())
        .filter_map(|r| r["action"].as_str())
        .collect();
    for a in ["create", "accept", "dispatch", "start", "feedback", "verify", "close"] {
        assert!(actions.contains(&a), "{a} audited: {actions:?}");
    }
    // Reports write their audit row in the statement that inserts the case (PostgreSQL): the
    // chain stays whole.
    let (n, breaks) = zongguan_db::audit::verify(&app.db).await.expect("verify");
    assert!(n > 7 && breaks.is_empty(), "{n} rows, breaks {breaks:?}");
    // Counts: the district sees one closed, on time.
    let district = app.login("district_officer").await;
    let (s, st) = district.get("/api/v1/cases/stats").await;
    assert_eq!(s, StatusCode::OK, "{st}");
    assert_eq!(st["total"], 1);
    assert_eq!(st["closed"], 1);
    assert_eq!(st["on_time_closure_rate"], 100.0);
    assert_eq!(
        st["by_state"]
            .as_array()
            .expect("states")
            .iter()
            .find(|x| x["state"] == "closed")
            .expect("closed")["count"],
        1
    );
    assert_eq!(st["by_department"][0]["department_code"], "440307003-01");
    assert_eq!(st["by_item"][0]["item_code"], "0101");
});

on_both!(refusals_role_state_scope_and_input, |app: TestApp| async move {
    geography(&app).await;
    let g = app.login("grid_00300201").await;
    let center = app.login("community_003002").await;
    let police = app.login("dept_440307003_01").await;
    let c = report(&g, "0101", point_in(&app, GRID, 3).await).await;
    let id = c["id"].as_i64().expect("id");

    // Wrong role: 403. The police see the case (it is theirs) but may not accept it.
    let (s, v) = act(&police, id, json!({"action":"accept","version":1})).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    assert_error(&v, "forbidden");
    let (s, _) = act(&g, id, json!({"action":"accept","version":1})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // Wrong state: 409, whoever asks.
    let (s, v) = act(&center, id, json!({"action":"close","version":1})).await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    assert_error(&v, "conflict");
    let (s, _) = act(&police, id, json!({"action":"feedback","version":1,"note":"x"})).await;
    assert_eq!(s, StatusCode::CONFLICT);
    // Out of scope: another community's center and another grid's worker do not see it.
    for who in ["community_003004", "grid_00300202", "dept_440307-03"] {
        let Ok(other) = app.login_with(&who.replace('-', "_"), common::PW).await else {
            panic!("{who} logs in")
        };
        let (s, _) = other.get(&format!("/api/v1/cases/{id}")).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{who}");
        let (s, _) = act(&other, id, json!({"action":"accept","version":1})).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{who}");
    }
    // Input: a reason is required to reject or return; verify needs passed; stale versions conflict.
    let (s, v) = act(&center, id, json!({"action":"reject","version":1})).await;
    assert_eq!(
        (s, v["error"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("reason"))
    );
    let (s, v) = act(&center, id, json!({"action":"fly","version":1})).await;
    assert_eq!(
        (s, v["error"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("action"))
    );
    let v = ok(&center, id, json!({"action":"accept"}), &json!(1)).await;
    let (s, _) = act(&center, id, json!({"action":"dispatch","version":1})).await;
    assert_eq!(s, StatusCode::CONFLICT);
    let (s, v2) = act(&center, id, json!({"action":"return","version":v["version"]})).await;
    assert_eq!(
        (s, v2["error"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("reason"))
    );
    // A grid worker may not list beyond their grid, nor use actions without a case permission.
    let leader = app.login("leader").await;
    let (s, _) = leader
        .post("/api/v1/cases", json!({"item_code":"0101","description":"x"}))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (_, mine) = g.get("/api/v1/cases").await;
    assert_eq!(ids(&mine), vec![id]);
    let (_, none) = app.login("grid_00300202").await.get("/api/v1/cases").await;
    assert_eq!(none["total"], 0);
});

on_both!(concurrent_dispatch_one_wins, |app: TestApp| async move {
    geography(&app).await;
    let g = app.login("grid_00300201").await;
    let a = app.login("community_003002").await;
    let b = app.login("subdistrict_003").await;
    let c = report(&g, "0201", point_in(&app, GRID, 4).await).await;
    let id = c["id"].as_i64().expect("id");
    let v = ok(&a, id, json!({"action":"accept"}), &c["version"]).await;
    let version = v["version"].clone();
    let (r1, r2) = tokio::join!(
        act(&a, id, json!({"action":"dispatch","version":version})),
        act(
            &b,
            id,
            json!({"action":"dispatch","version":version,"department_code":"440307-03"})
        )
    );
    let mut statuses = [r1.0, r2.0];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::CONFLICT], "{} / {}", r1.1, r2.1);
    let (_, now) = a.get(&format!("/api/v1/cases/{id}")).await;
    assert_eq!(now["version"], version.as_i64().expect("v") + 1);
    assert_eq!(
        now["timeline"]
            .as_array()
            .expect("rows")
            .iter()
            .filter(|r| r["action"] == "dispatch")
            .count(),
        1
    );
});
