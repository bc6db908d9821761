//! Stability (issue 16) on SQLite and PostgreSQL: an incident reported up level by level on its
//! clocks (late and on time), the large incident in the district's inbox, follow-up visits due and
//! overdue with the person's history and the overdue alert, watch teams; each refusal.
use axum::http::StatusCode;
use chrono::{Duration, Utc};
use serde_json::{Value, json};

use crate::common::{Client, TestApp};

fn id_number(body: &str) -> String {
    format!(
        "{body}{}",
        zongguan_core::id_number::check_char(body).expect("17 digits")
    )
}

fn field(v: &Value) -> &str {
    v["error"]["field"].as_str().unwrap_or("")
}

/// A resident of 良安田社区 grid 01, registered by the community officer.
async fn resident(app: &TestApp, officer: &Client, name: &str, body: &str) -> i64 {
    let grid = app.unit_id("44030700300201").await;
    let (s, p) = officer
        .post(
            "/api/v1/residents",
            json!({"name":name,"id_number":id_number(body),"registration_type":"户籍人口","org_unit_id":grid}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    p["id"].as_i64().expect("id")
}

async fn incident(app: &TestApp, officer: &Client, body: Value) -> Value {
    let mut body = body;
    body["org_unit_id"] = json!(app.unit_id("440307003002").await);
    let (s, p) = officer.post("/api/v1/stability-incidents", body.clone()).await;
    assert_eq!(s, StatusCode::CREATED, "{body}: {p}");
    p
}

fn iid(p: &Value) -> i64 {
    p["incident"]["id"].as_i64().expect("id")
}

on_both!(
    an_incident_climbs_level_by_level_on_its_clocks,
    |app: TestApp| async move {
        let officer = app.login("community_003002").await;
        let number = id_number("44030719800202123");
        resident(&app, &officer, "王当事", "44030719800202123").await;
        // The party is found in the registry by ID number, never retyped.
        let (s, found) = officer.get(&format!("/api/v1/residents?id_number={number}")).await;
        assert_eq!(s, StatusCode::OK, "{found}");
        let party = found["items"][0]["id"].as_i64().expect("found by ID number");
        // Learned three hours ago: the community's two-hour report is already late.
        let learned = (Utc::now() - Duration::hours(3)).to_rfc3339();
        let p = incident(
        &app,
        &officer,
        json!({"kind":"labor_dispute","level":"general","title":"某厂工人聚集讨薪","headcount":12,"address":"良安田工业区","learned_at":learned,"resident_ids":[party]}),
    )
    .await;
        let id = iid(&p);
        assert_eq!(p["incident"]["state"], "reporting", "{p}");
        assert_eq!(p["incident"]["at_level"], "community");
        assert_eq!(p["incident"]["report_overdue"], true);
        assert_eq!(p["incident"]["district_told"], false);
        assert_eq!(p["incident"]["parties"][0]["name"], "王*事");
        assert!(
            !p["incident"]["parties"][0]["id_number"]
                .as_str()
                .unwrap_or("")
                .contains("19800202"),
            "{p}"
        );
        assert_eq!(p["steps"], json!(["report-up", "follow-ups", "close"]));
        let (_, list) = officer.get("/api/v1/stability-incidents?overdue=true").await;
        assert!(
            list["items"].as_array().expect("items").iter().any(|i| i["id"] == id),
            "{list}"
        );

        let (s, up) = officer
            .post(
                &format!("/api/v1/stability-incidents/{id}/report-up"),
                json!({"note":"已电话报告街道"}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{up}");
        assert_eq!(up["reports"][0]["from_level"], "community");
        assert_eq!(up["reports"][0]["to_level"], "subdistrict");
        assert_eq!(up["reports"][0]["on_time"], false, "{up}");
        assert_eq!(up["incident"]["at_level"], "subdistrict");
        assert_eq!(up["incident"]["report_overdue"], false);
        // The subdistrict's clock starts when the report arrives.
        let sub = app.login("subdistrict_003").await;
        let (s, up) = sub
            .post(&format!("/api/v1/stability-incidents/{id}/report-up"), json!({}))
            .await;
        assert_eq!(s, StatusCode::OK, "{up}");
        assert_eq!(up["reports"][1]["to_level"], "district");
        assert_eq!(up["reports"][1]["on_time"], true, "{up}");
        assert_eq!(up["incident"]["state"], "reported");
        assert!(up["incident"]["report_due_at"].is_null());
        // Wrong step: nothing above the district.
        let (s, e) = sub
            .post(&format!("/api/v1/stability-incidents/{id}/report-up"), json!({}))
            .await;
        assert_eq!(s, StatusCode::CONFLICT, "{e}");

        let (s, f) = officer
            .post(
                &format!("/api/v1/stability-incidents/{id}/follow-ups"),
                json!({"content":"劳动监察已介入，工资分期发放"}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{f}");
        assert_eq!(f["follow_ups"][0]["content"], "劳动监察已介入，工资分期发放");
        let (s, e) = officer
            .post(
                &format!("/api/v1/stability-incidents/{id}/follow-ups"),
                json!({"content":" "}),
            )
            .await;
        assert_eq!((s, field(&e)), (StatusCode::UNPROCESSABLE_ENTITY, "content"), "{e}");
        let (s, c) = officer
            .post(
                &format!("/api/v1/stability-incidents/{id}/close"),
                json!({"note":"工资已全部发放，人员散去"}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{c}");
        assert_eq!(c["incident"]["state"], "closed");
        assert_eq!(c["steps"], json!([]));
        for (step, body) in [
            ("close", json!({"note":"再次"})),
            ("follow-ups", json!({"content":"再次"})),
            ("report-up", json!({})),
        ] {
            let (s, e) = officer
                .post(&format!("/api/v1/stability-incidents/{id}/{step}"), body)
                .await;
            assert_eq!(s, StatusCode::CONFLICT, "{step}: {e}");
        }
        let (s, _) = officer
            .post(
                &format!("/api/v1/stability-incidents/{id}/close"),
                json!({"note":"再次"}),
            )
            .await;
        assert_eq!(s, StatusCode::CONFLICT);

        // The incident is a line of this month's intake register, its party masked; not another
        // community's.
        let month = zongguan_core::time::cst_date(Utc::now()).format("%Y-%m").to_string();
        let line = |v: &Value| {
            v["items"]
                .as_array()
                .expect("items")
                .iter()
                .find(|r| r["matter_kind"] == "incident" && r["matter_id"] == id)
                .cloned()
        };
        let (s, v) = officer.get(&format!("/api/v1/registers/intake?month={month}")).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let row = line(&v).unwrap_or_else(|| panic!("the incident in the register: {v}"));
        assert_eq!(row["party_name"], "王*事", "{row}");
        assert_eq!(row["people"], 12);
        assert_eq!(row["category"], "维稳事件／劳资纠纷", "{row}");
        assert_eq!(row["result"], "已办结：工资已全部发放，人员散去", "{row}");
        assert!(row["number"].as_str().unwrap_or("").starts_with("WW"), "{row}");

        // Out of scope: another community sees nothing.
        let other = app.login("community_003004").await;
        let (_, v) = other.get(&format!("/api/v1/registers/intake?month={month}")).await;
        assert!(line(&v).is_none(), "{v}");
        let (s, _) = other.get(&format!("/api/v1/stability-incidents/{id}")).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let (s, _) = other
            .post(
                &format!("/api/v1/stability-incidents/{id}/follow-ups"),
                json!({"content":"越权"}),
            )
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let (_, list) = other.get("/api/v1/stability-incidents").await;
        assert!(!list["items"].as_array().expect("items").iter().any(|i| i["id"] == id));
    }
);

on_both!(
    a_large_incident_reaches_the_district_at_once,
    |app: TestApp| async move {
        let officer = app.login("community_003002").await;
        let p = incident(
            &app,
            &officer,
            json!({"kind":"mass_gathering","level":"large","title":"小区业主聚集堵路","headcount":80}),
        )
        .await;
        let id = iid(&p);
        assert_eq!(p["incident"]["district_told"], true, "{p}");
        let district = app.login("district_officer").await;
        let (s, n) = district.get("/api/v1/notifications").await;
        assert_eq!(s, StatusCode::OK, "{n}");
        let told = n["items"]
            .as_array()
            .expect("items")
            .iter()
            .find(|m| m["kind"] == "large_incident" && m["subject_id"] == id)
            .cloned()
            .unwrap_or_default();
        assert!(told["title"].as_str().unwrap_or("").contains("较大"), "{n}");
        assert_eq!(told["link"], format!("/governance/incidents?open={id}"));
        // A general one does not.
        let g = incident(
            &app,
            &officer,
            json!({"kind":"other","level":"general","title":"一般事件"}),
        )
        .await;
        let (_, n) = district.get("/api/v1/notifications").await;
        assert!(
            !n["items"]
                .as_array()
                .expect("items")
                .iter()
                .any(|m| m["subject_id"] == iid(&g))
        );
        // The district sees both; the leader reads but may not write.
        let (s, _) = district.get(&format!("/api/v1/stability-incidents/{id}")).await;
        assert_eq!(s, StatusCode::OK);
        let leader = app.login("leader").await;
        let (s, _) = leader.get(&format!("/api/v1/stability-incidents/{id}")).await;
        assert_eq!(s, StatusCode::OK);
        let (s, e) = leader
            .post(&format!("/api/v1/stability-incidents/{id}/close"), json!({"note":"x"}))
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{e}");
    }
);

on_both!(bad_incidents_are_refused_naming_the_field, |app: TestApp| async move {
    let officer = app.login("community_003002").await;
    let unit = app.unit_id("440307003002").await;
    let ok = json!({"kind":"other","level":"general","title":"t","org_unit_id":unit});
    for (patch, f) in [
        (json!({"level":"huge"}), "level"),
        (json!({"kind":"riot"}), "kind"),
        (json!({"title":" "}), "title"),
        (json!({"headcount":0}), "headcount"),
        (json!({"learned_at":"yesterday"}), "learned_at"),
        (json!({"resident_ids":[999999999]}), "resident_ids"),
        (json!({"org_unit_id": app.unit_id("440307003004").await}), "org_unit_id"),
        (json!({"lat": 123.0}), "lat"),
    ] {
        let mut b = ok.clone();
        for (k, v) in patch.as_object().expect("object") {
            b[k] = v.clone();
        }
        let (s, e) = officer.post("/api/v1/stability-incidents", b).await;
        assert_eq!((s, field(&e)), (StatusCode::UNPROCESSABLE_ENTITY, f), "{e}");
    }
    let (s, e) = officer.get("/api/v1/stability-incidents?level=huge").await;
    assert_eq!((s, field(&e)), (StatusCode::UNPROCESSABLE_ENTITY, "level"));
    // The grid worker records follow-ups, not incidents.
    let grid = app.login("grid_00300201").await;
    let (s, _) = grid.post("/api/v1/stability-incidents", ok.clone()).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = grid.get("/api/v1/stability-incidents").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
});

async fn in_group(officer: &Client, rid: i64, kind: &str, level: &str, since_days_ago: i64) -> i64 {
    let since = (zongguan_core::time::cst_date(Utc::now()) - Duration::days(since_days_ago)).to_string();
    let (s, g) = officer
        .post(
            &format!("/api/v1/residents/{rid}/special-groups"),
            json!({"kind":kind,"attention_level":level,"since":since}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{g}");
    g["id"].as_i64().expect("record id")
}

on_both!(follow_up_visits_fall_due_and_overdue, |app: TestApp| async move {
    let officer = app.login("community_003002").await;
    let a = resident(&app, &officer, "李矫正", "44030719900303123").await;
    let b = resident(&app, &officer, "赵戒毒", "44030719910404123").await;
    // Serious community correction: every 7 days, joined 40 days ago, never visited: overdue.
    let ra = in_group(&officer, a, "community_correction", "serious", 40).await;
    // Medium drug user: every 14 days, joined 12 days ago: due in 2 days (inside the 3-day lead).
    let rb = in_group(&officer, b, "drug_user", "medium", 12).await;
    let (s, due) = officer.get("/api/v1/special-groups/due").await;
    assert_eq!(s, StatusCode::OK, "{due}");
    let row = |v: &Value, r: i64| {
        v["items"]
            .as_array()
            .expect("items")
            .iter()
            .find(|x| x["record_id"] == r)
            .cloned()
            .unwrap_or_default()
    };
    assert_eq!(row(&due, ra)["status"], "overdue", "{due}");
    assert_eq!(row(&due, ra)["name"], "李*正");
    assert_eq!(row(&due, ra)["interval_days"], 7);
    assert_eq!(row(&due, rb)["status"], "due");
    assert_eq!(row(&due, rb)["days_left"], 2);
    let (_, only) = officer.get("/api/v1/special-groups/due?status=overdue").await;
    assert!(
        only["items"]
            .as_array()
            .expect("items")
            .iter()
            .all(|x| x["status"] == "overdue")
    );
    assert!(only["overdue"].as_u64().unwrap_or(0) >= 1);

    // The hourly job tells the community's officers once per due day.
    let n = zongguan_db::governance::alert_overdue_visits(&app.db)
        .await
        .expect("alerts");
    assert!(n >= 1, "{n}");
    let (_, inbox) = officer.get("/api/v1/notifications").await;
    assert!(
        inbox["items"]
            .as_array()
            .expect("items")
            .iter()
            .any(|m| m["kind"] == "visit_overdue" && m["subject_id"] == ra),
        "{inbox}"
    );
    assert_eq!(
        zongguan_db::governance::alert_overdue_visits(&app.db)
            .await
            .expect("again"),
        0
    );

    // The grid worker visits in the grid (by phone); the risk drops, the registry follows.
    let grid = app.login("grid_00300201").await;
    let (s, v) = grid
        .post(
            "/api/v1/special-group-visits",
            json!({"record_id":ra,"form":"phone","situation":"按时报到，情绪稳定","level_after":"medium"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["level_before"], "serious");
    assert_eq!(v["level_after"], "medium");
    let (_, due) = officer.get("/api/v1/special-groups/due").await;
    assert_eq!(row(&due, ra)["status"], "not_due", "{due}");
    assert_eq!(row(&due, ra)["attention_level"], "medium");
    assert_eq!(row(&due, ra)["days_left"], 14);
    let (s, h) = officer
        .get(&format!("/api/v1/special-group-visits?resident_id={a}"))
        .await;
    assert_eq!(s, StatusCode::OK, "{h}");
    assert_eq!(h["items"].as_array().map(Vec::len), Some(1));
    assert_eq!(h["items"][0]["form"], "phone");

    // Refusals.
    for (body, f) in [
        (json!({"record_id":rb,"form":"letter","situation":"x"}), "form"),
        (json!({"record_id":rb,"form":"phone","situation":" "}), "situation"),
        (
            json!({"record_id":rb,"form":"phone","situation":"x","visited_on":"2099-01-01"}),
            "visited_on",
        ),
        (
            json!({"record_id":rb,"form":"phone","situation":"x","level_after":"high"}),
            "level_after",
        ),
    ] {
        let (s, e) = officer.post("/api/v1/special-group-visits", body).await;
        assert_eq!((s, field(&e)), (StatusCode::UNPROCESSABLE_ENTITY, f), "{e}");
    }
    let other = app.login("community_003004").await;
    let (s, _) = other
        .get(&format!("/api/v1/special-group-visits?resident_id={a}"))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = other
        .post(
            "/api/v1/special-group-visits",
            json!({"record_id":rb,"form":"phone","situation":"越权"}),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (_, due) = other.get("/api/v1/special-groups/due").await;
    assert!(row(&due, ra).is_null());
    let leader = app.login("leader").await;
    let (s, _) = leader.get("/api/v1/special-groups/due").await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = leader
        .post(
            "/api/v1/special-group-visits",
            json!({"record_id":rb,"form":"phone","situation":"x"}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, e) = officer.get("/api/v1/special-groups/due?status=late").await;
    assert_eq!((s, field(&e)), (StatusCode::UNPROCESSABLE_ENTITY, "status"));
});

on_both!(watch_teams_with_members_rosters_and_logs, |app: TestApp| async move {
    let officer = app.login("community_003002").await;
    // The page's kinds and shifts are the server's tables.
    let (_, d) = officer.get("/api/v1/dicts").await;
    assert_eq!(
        d["watch_team_kinds"][0],
        json!({"code":"security_patrol","name":"治安巡逻队"})
    );
    assert_eq!(d["watch_shifts"][1], json!({"code":"night","name":"夜班"}));
    let unit = app.unit_id("440307003002").await;
    let (s, t) = officer
        .post(
            "/api/v1/watch-teams",
            json!({"name":"良安田治安巡逻队","kind":"security_patrol","leader_name":"陈队长","org_unit_id":unit}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{t}");
    let id = t["team"]["id"].as_i64().expect("id");
    let r = resident(&app, &officer, "周志愿", "44030719850505123").await;
    let (s, t) = officer
        .post(
            &format!("/api/v1/watch-teams/{id}/members"),
            json!({"resident_id":r,"duty":"队员"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{t}");
    assert_eq!(t["member_list"][0]["name"], "周*愿");
    let (s, e) = officer
        .post(&format!("/api/v1/watch-teams/{id}/members"), json!({"resident_id":r}))
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{e}");
    let (s, e) = officer
        .post(&format!("/api/v1/watch-teams/{id}/members"), json!({}))
        .await;
    assert_eq!((s, field(&e)), (StatusCode::UNPROCESSABLE_ENTITY, "staff_id"), "{e}");
    let m = t["member_list"][0]["id"].as_i64().expect("member");
    let today = zongguan_core::time::cst_date(Utc::now()).to_string();
    let (s, t) = officer
        .post(
            &format!("/api/v1/watch-teams/{id}/rosters"),
            json!({"on_day":today,"shift":"night","member_ids":[m]}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{t}");
    assert_eq!(t["rosters"][0]["member_ids"], json!([m]));
    let (s, e) = officer
        .post(
            &format!("/api/v1/watch-teams/{id}/rosters"),
            json!({"on_day":today,"shift":"night","member_ids":[m + 1000]}),
        )
        .await;
    assert_eq!((s, field(&e)), (StatusCode::UNPROCESSABLE_ENTITY, "member_ids"), "{e}");
    let (s, e) = officer
        .post(
            &format!("/api/v1/watch-teams/{id}/rosters"),
            json!({"on_day":today,"shift":"noon","member_ids":[m]}),
        )
        .await;
    assert_eq!((s, field(&e)), (StatusCode::UNPROCESSABLE_ENTITY, "shift"), "{e}");
    // A roster made by mistake comes off; one of another team's is not found.
    let (_, t) = officer
        .post(
            &format!("/api/v1/watch-teams/{id}/rosters"),
            json!({"on_day":today,"shift":"day","member_ids":[m],"note":"排错了"}),
        )
        .await;
    assert_eq!(t["rosters"].as_array().map(Vec::len), Some(2), "{t}");
    let wrong = t["rosters"]
        .as_array()
        .and_then(|r| r.iter().find(|x| x["note"] == "排错了"))
        .and_then(|x| x["id"].as_i64())
        .expect("the wrong roster");
    let (s, _) = officer
        .delete(&format!("/api/v1/watch-teams/{}/rosters/{wrong}", id + 1000))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, t) = officer
        .delete(&format!("/api/v1/watch-teams/{id}/rosters/{wrong}"))
        .await;
    assert_eq!(s, StatusCode::OK, "{t}");
    assert_eq!(t["rosters"].as_array().map(Vec::len), Some(1), "{t}");
    assert_eq!(t["rosters"][0]["shift"], "night");
    let (s, _) = officer
        .delete(&format!("/api/v1/watch-teams/{id}/rosters/{wrong}"))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, t) = officer
        .post(
            &format!("/api/v1/watch-teams/{id}/logs"),
            json!({"shift":"night","content":"巡查工业区，劝散聚集人员一起"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{t}");
    assert_eq!(t["logs"][0]["content"], "巡查工业区，劝散聚集人员一起");
    let (s, t) = officer
        .put(
            &format!("/api/v1/watch-teams/{id}"),
            json!({"name":"良安田平安志愿队","kind":"safety_volunteer","org_unit_id":unit}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{t}");
    assert_eq!(t["team"]["kind"], "safety_volunteer");
    assert_eq!(t["team"]["members"], 1);
    let (_, list) = officer.get("/api/v1/watch-teams?kind=safety_volunteer").await;
    assert!(
        list["items"].as_array().expect("items").iter().any(|x| x["id"] == id),
        "{list}"
    );
    let (s, e) = officer
        .post(
            "/api/v1/watch-teams",
            json!({"name":"x","kind":"army","org_unit_id":unit}),
        )
        .await;
    assert_eq!((s, field(&e)), (StatusCode::UNPROCESSABLE_ENTITY, "kind"), "{e}");
    // Out of scope, no permission.
    let other = app.login("community_003004").await;
    let (s, _) = other.get(&format!("/api/v1/watch-teams/{id}")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = other.delete(&format!("/api/v1/watch-teams/{id}")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let roster = t["rosters"][0]["id"].as_i64().expect("roster");
    let (s, _) = other
        .delete(&format!("/api/v1/watch-teams/{id}/rosters/{roster}"))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let grid = app.login("grid_00300201").await;
    let (s, _) = grid.delete(&format!("/api/v1/watch-teams/{id}")).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = grid.delete(&format!("/api/v1/watch-teams/{id}/rosters/{roster}")).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, t) = officer.delete(&format!("/api/v1/watch-teams/{id}/members/{m}")).await;
    assert_eq!(s, StatusCode::OK, "{t}");
    let (s, _) = officer.delete(&format!("/api/v1/watch-teams/{id}")).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, _) = officer.get(&format!("/api/v1/watch-teams/{id}")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
});
