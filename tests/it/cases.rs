//! Cases on SQLite and PostgreSQL: routing, the workflow as each post sees it, deadlines on the
//! working-day calendar, concurrency, refusals, photos, the overdue job and Open311.

use crate::common;
use crate::common::{Client, TestApp, assert_error};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::{DateTime, Datelike, NaiveDate, TimeDelta, Utc, Weekday};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;
use zongguan_core::calendar::{self, Limit, WorkCalendar};
use zongguan_core::geometry::{self, Rng};
use zongguan_core::time::{cst_date, cst_midnight};

const GRID: &str = "44030700300201";

/// Grid polygons for the demo district, and a point inside grid `code`.
async fn geography(app: &TestApp) {
    let outline: Value = serde_json::from_str(&zongguan::longgang_outline_geometry().expect("outline")).expect("json");
    zongguan_db::demo_data::geography(&app.db, &outline)
        .await
        .expect("geography");
}

async fn point_in(app: &TestApp, code: &str, seed: u64) -> (f64, f64) {
    use zongguan_db::entity::org_unit;
    use zongguan_db::sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let g = org_unit::Entity::find()
        .filter(org_unit::Column::Code.eq(code))
        .one(&app.db.conn)
        .await
        .expect("query")
        .expect("grid");
    let shape = geometry::from_geojson(&serde_json::from_str(g.geometry.as_deref().expect("geometry")).expect("json"))
        .expect("polygon");
    let p = geometry::random_point_in(&shape, &mut Rng::new(seed)).expect("point");
    (p.x(), p.y())
}

fn t(v: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(v.as_str().unwrap_or_else(|| panic!("a time: {v}")))
        .expect("rfc3339")
        .with_timezone(&Utc)
}

async fn report(c: &Client, item: &str, (lon, lat): (f64, f64)) -> Value {
    let (s, v) = c.post("/api/v1/cases", json!({"item_code": item, "description": "楼道堆放杂物，堵塞通道", "location": {"lon": lon, "lat": lat}, "address": "良安田新村"})).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    v
}

async fn act(c: &Client, id: i64, body: Value) -> (StatusCode, Value) {
    c.post(&format!("/api/v1/cases/{id}/actions"), body).await
}

/// Acts and expects success; returns the case after.
async fn ok(c: &Client, id: i64, mut body: Value, version: &Value) -> Value {
    body["version"] = version.clone();
    let (s, v) = act(c, id, body.clone()).await;
    assert_eq!(s, StatusCode::OK, "{body} → {v}");
    v
}

fn ids(v: &Value) -> Vec<i64> {
    v["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|c| c["id"].as_i64().expect("id"))
        .collect()
}

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

/// The calendar the test installs around today (China date): the next two weekdays are holidays,
/// the Saturday after them a make-up working day, so 5 working days end a day later than on a
/// plain week whatever today is.
fn test_calendar(today: NaiveDate) -> (Vec<NaiveDate>, Vec<NaiveDate>) {
    let mut holidays = Vec::new();
    let mut d = today;
    while holidays.len() < 2 {
        d += TimeDelta::days(1);
        if !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
            holidays.push(d);
        }
    }
    while d.weekday() != Weekday::Sat {
        d += TimeDelta::days(1);
    }
    (holidays, vec![d])
}

on_both!(
    deadlines_follow_the_calendar_pause_and_extension,
    |app: TestApp| async move {
        geography(&app).await;
        let admin = app.login("admin").await;
        let today = cst_date(Utc::now());
        let (holidays, workdays) = test_calendar(today);
        // Install the calendar for every year it touches (a PUT replaces the year).
        let mut years: Vec<i32> = holidays.iter().chain(&workdays).map(|d| d.year()).collect();
        years.sort_unstable();
        years.dedup();
        for y in &years {
            let h: Vec<_> = holidays.iter().filter(|d| d.year() == *y).collect();
            let w: Vec<_> = workdays.iter().filter(|d| d.year() == *y).collect();
            let (s, v) = admin
                .put(&format!("/api/v1/calendar/{y}"), json!({"holidays": h, "workdays": w}))
                .await;
            assert_eq!(s, StatusCode::OK, "{v}");
        }
        let (_, v) = admin.get(&format!("/api/v1/calendar/{}", holidays[0].year())).await;
        assert!(
            v["holidays"].as_array().expect("list").contains(&json!(holidays[0])),
            "{v}"
        );
        // Handling takes 5 working days for this item (set as data).
        let (s, v) = admin
        .put("/api/v1/case-items/0110", json!({"name":"犬只扰民、无证养犬","department_seq":"01","severity":"general","accept_limit":"4h","dispatch_limit":"4h","handle_limit":"5wd","verify_limit":"2wd"}))
        .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let cal = WorkCalendar::new(holidays.clone(), workdays.clone());
        let plain = WorkCalendar::new([], []);

        let g = app.login("grid_00300201").await;
        let center = app.login("community_003002").await;
        let c = report(&g, "0110", point_in(&app, GRID, 5).await).await;
        let id = c["id"].as_i64().expect("id");
        let v = ok(&center, id, json!({"action":"accept"}), &c["version"]).await;
        assert_eq!(
            t(&v["deadline_at"]) - t(&v["step_started_at"]),
            TimeDelta::hours(4),
            "dispatch limit in natural hours"
        );
        let v = ok(&center, id, json!({"action":"dispatch"}), &v["version"]).await;
        let started = t(&v["step_started_at"]);
        let deadline = t(&v["deadline_at"]);
        assert_eq!(
            deadline,
            cal.add_working_days(started, 5),
            "5 working days on the installed calendar"
        );
        // The holiday is skipped and the make-up Saturday counts: the plain week gives another answer.
        assert_ne!(deadline, plain.add_working_days(started, 5));
        let local = cst_date(deadline);
        assert!(cal.is_working_day(local) || deadline == cst_midnight(local), "{local}");
        assert_eq!(v["urgency"], "normal");

        // Pause: the clock stops; resume moves the deadline by the working time paused.
        let v = ok(
            &center,
            id,
            json!({"action":"pause","reason":"等待产权单位配合"}),
            &v["version"],
        )
        .await;
        assert_eq!(v["paused"], true);
        assert_eq!(t(&v["deadline_at"]), deadline);
        let (s, e) = act(&center, id, json!({"action":"supervise","version":v["version"]})).await;
        assert_eq!(s, StatusCode::CONFLICT, "paused cases refuse other actions: {e}");
        tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
        let v = ok(&center, id, json!({"action":"resume"}), &v["version"]).await;
        let rows = v["timeline"].as_array().expect("rows");
        let paused_at = t(&rows[rows.len() - 2]["at"]);
        let resumed_at = t(&rows[rows.len() - 1]["at"]);
        let moved = calendar::resume_deadline(&cal, deadline, &Limit::WorkingDays(5), paused_at, resumed_at);
        assert_eq!(t(&v["deadline_at"]), moved);
        assert_eq!(v["paused"], false);

        // Extension by 2 working days, with a reason.
        let (s, e) = act(
            &center,
            id,
            json!({"action":"extend","version":v["version"],"reason":"工程量大"}),
        )
        .await;
        assert_eq!(
            (s, e["error"]["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("days"))
        );
        let v = ok(
            &center,
            id,
            json!({"action":"extend","days":2,"reason":"工程量大"}),
            &v["version"],
        )
        .await;
        assert_eq!(t(&v["deadline_at"]), cal.add_working_days(moved, 2));
        assert!(
            v["timeline"].as_array().expect("rows").last().expect("row")["note"]
                .as_str()
                .is_some_and(|n| n.contains("延期 2 个工作日"))
        );

        // Supervision: a notice and a new deadline 1 working day from now, level raised.
        let v = ok(
            &center,
            id,
            json!({"action":"supervise","note":"请加快办理","days":1}),
            &v["version"],
        )
        .await;
        assert_eq!(v["supervision_level"], 1);
        let notice = &v["notices"][0];
        assert_eq!(notice["kind"], "supervision");
        assert!(
            notice["serial"]
                .as_str()
                .is_some_and(|s| s.contains("督〔") && s.ends_with("1号")),
            "{notice}"
        );
        assert_eq!(notice["department_name"], "平湖派出所");
        assert_eq!(t(&notice["new_deadline"]), t(&v["deadline_at"]));
        assert_eq!(t(&v["deadline_at"]), cal.add_working_days(t(&v["step_started_at"]), 1));
    }
);

on_both!(overdue_job_raises_one_alert_per_step, |app: TestApp| async move {
    geography(&app).await;
    let g = app.login("grid_00300201").await;
    let c = report(&g, "0101", point_in(&app, GRID, 6).await).await;
    let id = c["id"].as_i64().expect("id");
    let now = Utc::now();
    assert_eq!(
        zongguan_db::cases::raise_overdue_alerts(&app.db, now)
            .await
            .expect("job"),
        0
    );
    // Five hours later the 4-hour accept step is overdue.
    let later = now + TimeDelta::hours(5);
    assert_eq!(
        zongguan_db::cases::raise_overdue_alerts(&app.db, later)
            .await
            .expect("job"),
        1
    );
    assert_eq!(
        zongguan_db::cases::raise_overdue_alerts(&app.db, later)
            .await
            .expect("job"),
        0,
        "safe to run twice"
    );
    let center = app.login("community_003002").await;
    let (_, v) = center.get(&format!("/api/v1/cases/{id}")).await;
    assert_eq!(v["alerts"][0]["step"], "accept", "{v}");
    assert_eq!(t(&v["alerts"][0]["deadline_at"]), t(&v["deadline_at"]));
    // As the API shows it once the deadline has passed (moved back here instead of waiting).
    use zongguan_db::sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
    zongguan_db::entity::case_record::Entity::update_many()
        .col_expr(
            zongguan_db::entity::case_record::Column::DeadlineAt,
            Expr::val(now - TimeDelta::minutes(1)),
        )
        .filter(zongguan_db::entity::case_record::Column::Id.eq(id))
        .exec(&app.db.conn)
        .await
        .expect("update");
    let (_, v) = center.get(&format!("/api/v1/cases/{id}")).await;
    assert_eq!(
        (v["overdue"].as_bool(), v["urgency"].as_str()),
        (Some(true), Some("red"))
    );
    let (_, list) = center.get("/api/v1/cases?overdue=true").await;
    assert_eq!(ids(&list), vec![id]);
    // Accepting late marks the case late: it will not count as closed on time.
    ok(&center, id, json!({"action":"accept"}), &v["version"]).await;
    let (_, st) = center.get("/api/v1/cases/stats").await;
    assert_eq!(st["overdue"], 0, "{st}");
});

fn png() -> Vec<u8> {
    let img = image::RgbImage::from_fn(8, 6, |x, y| image::Rgb([(x * 30) as u8, (y * 40) as u8, 128]));
    let mut out = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut out, image::ImageFormat::Png)
        .expect("png");
    out.into_inner()
}

on_both!(photos_png_accepted_text_refused, |app: TestApp| async move {
    geography(&app).await;
    let g = app.login("grid_00300201").await;
    let c = report(&g, "0101", point_in(&app, GRID, 7).await).await;
    let id = c["id"].as_i64().expect("id");
    let bytes = png();
    let (s, p) = g
        .multipart(
            &format!("/api/v1/cases/{id}/photos"),
            &[("stage", "report")],
            ("scene.png", &bytes),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    assert_eq!(
        (
            p["content_type"].as_str(),
            p["has_thumbnail"].as_bool(),
            p["size"].as_u64()
        ),
        (Some("image/png"), Some(true), Some(bytes.len() as u64))
    );
    let (s, got) = g.download(p["url"].as_str().expect("url")).await;
    assert_eq!((s, got == bytes), (StatusCode::OK, true));
    let (s, thumb) = g.download(p["thumb_url"].as_str().expect("thumb")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(thumb.starts_with(&[0xFF, 0xD8, 0xFF]), "thumbnail is a JPEG");
    // Lists carry the thumbnail of the report photo.
    let (_, list) = g.get("/api/v1/cases").await;
    let row = list["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|c| c["id"] == id)
        .cloned()
        .expect("listed");
    assert_eq!(row["thumb_url"], p["thumb_url"], "{row}");
    // A text file named .png, an empty stage and a wrong stage are refused.
    let (s, v) = g
        .multipart(
            &format!("/api/v1/cases/{id}/photos"),
            &[("stage", "report")],
            ("fake.png", b"just some text, not an image"),
        )
        .await;
    assert_eq!(
        (s, v["error"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("file")),
        "{v}"
    );
    let (s, v) = g
        .multipart(
            &format!("/api/v1/cases/{id}/photos"),
            &[("stage", "after")],
            ("scene.png", &bytes),
        )
        .await;
    assert_eq!(
        (s, v["error"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("stage"))
    );
    // Larger than the API's 2 MiB JSON limit is fine for photos; a PNG that does not decode is refused.
    let mut big = vec![0u8; 3 * 1024 * 1024];
    big[..8].copy_from_slice(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]);
    let (s, v) = g
        .multipart(
            &format!("/api/v1/cases/{id}/photos"),
            &[("stage", "report")],
            ("big.png", &big),
        )
        .await;
    assert_eq!(
        (s, v["error"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("file")),
        "{v}"
    );
    assert!(
        v["error"]["message"].as_str().is_some_and(|m| m.contains("解码")),
        "{v}"
    );
    big.resize(10 * 1024 * 1024 + 1, 0);
    let (s, v) = g
        .multipart(
            &format!("/api/v1/cases/{id}/photos"),
            &[("stage", "report")],
            ("huge.png", &big),
        )
        .await;
    assert_eq!(
        (s, v["error"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("file")),
        "{v}"
    );
    assert!(
        v["error"]["message"].as_str().is_some_and(|m| m.contains("10 MiB")),
        "{v}"
    );
    // A grid worker may not add the department's feedback photo.
    let (s, _) = g
        .multipart(
            &format!("/api/v1/cases/{id}/photos"),
            &[("stage", "feedback")],
            ("scene.png", &bytes),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (_, d) = g.get(&format!("/api/v1/cases/{id}")).await;
    assert_eq!(d["photos"].as_array().map(Vec::len), Some(1));
    // Out of scope: 404.
    let other = app.login("community_003004").await;
    let (s, _) = other.download(p["url"].as_str().expect("url")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
});

on_both!(duplicates_and_merge, |app: TestApp| async move {
    geography(&app).await;
    let g = app.login("grid_00300201").await;
    let center = app.login("community_003002").await;
    let p = point_in(&app, GRID, 8).await;
    let first = report(&g, "0301", p).await;
    // 30 m north: the same problem.
    let second = report(&g, "0301", (p.0, p.1 + 0.00027)).await;
    let dups = second["duplicates"].as_array().expect("duplicates");
    assert_eq!(dups.len(), 1, "{second}");
    assert_eq!(dups[0]["id"], first["id"]);
    assert!(
        dups[0]["distance_m"]
            .as_f64()
            .is_some_and(|d| (25.0..35.0).contains(&d)),
        "{}",
        dups[0]
    );
    // Another item at the same place is not a duplicate.
    let other = report(&g, "0302", p).await;
    assert_eq!(other["duplicates"], json!([]));
    let (a, b) = (first["id"].as_i64().expect("id"), second["id"].as_i64().expect("id"));
    let (s, _) = g.post(&format!("/api/v1/cases/{b}/merge"), json!({"into": a})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, v) = center
        .post(&format!("/api/v1/cases/{b}/merge"), json!({"into": a}))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(
        (v["state"].as_str(), v["merged_into_id"].as_i64()),
        (Some("closed"), Some(a))
    );
    assert_eq!(
        v["timeline"].as_array().expect("rows").last().expect("row")["action"],
        "merge"
    );
    let (_, t1) = center.get(&format!("/api/v1/cases/{a}")).await;
    assert_eq!(t1["state"], "reported");
    assert!(
        t1["timeline"]
            .as_array()
            .expect("rows")
            .iter()
            .any(|r| r["action"] == "merged_from")
    );
    let (s, _) = center
        .post(&format!("/api/v1/cases/{b}/merge"), json!({"into": a}))
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "a merged case is closed");
});

on_both!(escalation_moves_the_case_up, |app: TestApp| async move {
    geography(&app).await;
    let g = app.login("grid_00300201").await;
    let community = app.login("community_003002").await;
    let subdistrict = app.login("subdistrict_003").await;
    let c = report(&g, "0104", point_in(&app, GRID, 9).await).await;
    let id = c["id"].as_i64().expect("id");
    let v = ok(
        &community,
        id,
        json!({"action":"escalate","note":"涉及多个社区"}),
        &c["version"],
    )
    .await;
    assert_eq!(
        (v["level"].as_str(), v["state"].as_str()),
        (Some("subdistrict"), Some("reported"))
    );
    // The community no longer acts on it; the subdistrict center does.
    assert_eq!(v["allowed_actions"], json!([]));
    let (_, inbox) = subdistrict.get("/api/v1/cases/inbox").await;
    assert!(ids(&inbox).contains(&id));
    let v = ok(&subdistrict, id, json!({"action":"escalate"}), &v["version"]).await;
    assert_eq!(v["level"], "district");
    let district = app.login("district_officer").await;
    let (s, e) = act(&district, id, json!({"action":"escalate","version":v["version"]})).await;
    assert_eq!(s, StatusCode::CONFLICT, "top level: {e}");
    ok(&district, id, json!({"action":"accept"}), &v["version"]).await;
});

on_both!(taxonomy_and_calendar_as_data, |app: TestApp| async move {
    let g = app.login("grid_00300201").await;
    let (s, cats) = g.get("/api/v1/case-categories").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(cats["total"], 19);
    let cats = cats["items"].as_array().expect("categories");
    assert_eq!(cats.len(), 19);
    assert_eq!(
        cats.iter()
            .map(|c| c["items"].as_array().map(Vec::len).unwrap_or(0))
            .sum::<usize>(),
        163
    );
    assert_eq!(cats[1]["items"][0]["code"], "0201");
    assert_eq!(cats[1]["items"][0]["department_name"], "消防救援大队");
    let item = json!({"name":"治安防范设施缺失","department_seq":"01","severity":"major","accept_limit":"2h","dispatch_limit":"2h","handle_limit":"7wd","verify_limit":"1wd"});
    let (s, _) = g.put("/api/v1/case-items/0101", item.clone()).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let admin = app.login("admin").await;
    let (s, v) = admin.put("/api/v1/case-items/0101", item.clone()).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["handle_limit"], "7wd");
    let mut bad = item.clone();
    bad["handle_limit"] = json!("7 days");
    let (s, v) = admin.put("/api/v1/case-items/0101", bad).await;
    assert_eq!(
        (s, v["error"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("handle_limit"))
    );
    let (s, _) = admin.put("/api/v1/case-items/9999", item).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // The 2026 calendar is seeded: 33 holiday days, 6 make-up days.
    let (_, cal) = g.get("/api/v1/calendar/2026").await;
    assert_eq!(
        (
            cal["holidays"].as_array().map(Vec::len),
            cal["workdays"].as_array().map(Vec::len)
        ),
        (Some(33), Some(6))
    );
    assert!(cal["workdays"].as_array().expect("days").contains(&json!("2026-10-10")));
    let (s, _) = g
        .put(
            "/api/v1/calendar/2027",
            json!({"holidays":["2027-01-01"],"workdays":[]}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, v) = admin
        .put(
            "/api/v1/calendar/2027",
            json!({"holidays":["2026-12-31"],"workdays":[]}),
        )
        .await;
    assert_eq!(
        (s, v["error"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("holidays"))
    );
});

// ---------- Open311 ----------

async fn raw(app: &TestApp, method: &str, path: &str, form: Option<&str>) -> (StatusCode, String, String) {
    let mut req = Request::builder()
        .method(method)
        .uri(path)
        .header(header::HOST, "zongguan.test");
    let body = match form {
        Some(f) => {
            req = req.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
            Body::from(f.to_string())
        }
        None => Body::empty(),
    };
    let resp = app
        .router
        .clone()
        .oneshot(req.body(body).expect("request"))
        .await
        .expect("response");
    let status = resp.status();
    let ct = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let bytes = resp.into_body().collect().await.expect("body").to_bytes();
    (status, ct, String::from_utf8_lossy(&bytes).into_owned())
}

fn js(s: &str) -> Value {
    serde_json::from_str(s).unwrap_or_else(|e| panic!("json {e}: {s}"))
}

fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

on_both!(open311_georeport_v2, |app: TestApp| async move {
    geography(&app).await;
    // Discovery in both formats.
    let (s, ct, body) = raw(&app, "GET", "/open311/v2/discovery.json", None).await;
    assert_eq!(s, StatusCode::OK);
    assert!(ct.starts_with("application/json"));
    let d = js(&body);
    assert_eq!(
        d["endpoints"][0]["specification"],
        "http://wiki.open311.org/GeoReport_v2"
    );
    assert_eq!(d["endpoints"][0]["url"], "http://zongguan.test/open311/v2");
    assert_eq!(d["endpoints"][0]["formats"], json!(["text/xml", "application/json"]));
    let (s, ct, body) = raw(&app, "GET", "/open311/v2/discovery.xml", None).await;
    assert_eq!(s, StatusCode::OK);
    assert!(ct.starts_with("text/xml"));
    assert!(
        body.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?><discovery>")
            && body.contains("<endpoints><endpoint><specification>"),
        "{body}"
    );

    // Services: the case items, with the spec's field names.
    let (_, _, body) = raw(&app, "GET", "/open311/v2/services.json", None).await;
    let services = js(&body);
    let list = services.as_array().expect("services");
    assert_eq!(list.len(), 163);
    let s0 = &list[0];
    for f in [
        "service_code",
        "service_name",
        "description",
        "metadata",
        "type",
        "keywords",
        "group",
    ] {
        assert!(s0.get(f).is_some(), "{f} in {s0}");
    }
    assert_eq!(
        (
            s0["service_code"].as_str(),
            s0["metadata"].as_bool(),
            s0["type"].as_str(),
            s0["group"].as_str()
        ),
        (Some("0101"), Some(false), Some("realtime"), Some("治安隐患"))
    );
    let (_, _, xml) = raw(&app, "GET", "/open311/v2/services.xml", None).await;
    assert!(
        xml.contains("<services><service><service_code>0101</service_code>")
            && xml.contains("<metadata>false</metadata>"),
        "{}",
        &xml[..300.min(xml.len())]
    );
    let (s, _, body) = raw(&app, "GET", "/open311/v2/services/0101.json", None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(js(&body), json!({"service_code":"0101","attributes":[]}));
    let (s, _, xml) = raw(&app, "GET", "/open311/v2/services/0101.xml", None).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        xml.contains("<service_definition><service_code>0101</service_code>"),
        "{xml}"
    );
    let (s, _, body) = raw(&app, "GET", "/open311/v2/services/9999.json", None).await;
    assert_eq!((s, js(&body)[0]["code"].as_u64()), (StatusCode::NOT_FOUND, Some(404)));

    // POST without and with a bad key: 403 with the spec's error list.
    let (lon, lat) = point_in(&app, GRID, 10).await;
    let form = format!(
        "service_code=0301&lat={lat}&long={lon}&description={}&address_string={}&email=a%40b.cn&first_name={}",
        enc("路灯不亮"),
        enc("平湖街道良安田"),
        enc("小明")
    );
    let (s, _, body) = raw(&app, "POST", "/open311/v2/requests.json", Some(&form)).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let e = js(&body);
    assert_eq!(e[0]["code"], 403);
    assert!(e[0]["description"].as_str().is_some_and(|d| d.contains("api_key")));
    let (s, _, xml) = raw(
        &app,
        "POST",
        "/open311/v2/requests.xml",
        Some(&format!("api_key=nope&{form}")),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert!(xml.contains("<errors><error><code>403</code><description>"), "{xml}");

    // A good key, issued by the administrator.
    let admin = app.login("admin").await;
    let (s, k) = admin.post("/api/v1/api-keys", json!({"name":"i深圳"})).await;
    assert_eq!(s, StatusCode::CREATED, "{k}");
    let key = k["api_key"].as_str().expect("key").to_string();
    let (_, keys) = admin.get("/api/v1/api-keys").await;
    assert_eq!(keys["total"], 1, "{keys}");
    assert_eq!(keys["items"][0]["name"], "i深圳");
    let (s, _) = app
        .login("community_003002")
        .await
        .post("/api/v1/api-keys", json!({"name":"x"}))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _, body) = raw(
        &app,
        "POST",
        "/open311/v2/requests.json",
        Some(&format!("api_key={key}&lat={lat}&long={lon}")),
    )
    .await;
    assert_eq!(
        (s, js(&body)[0]["code"].as_u64()),
        (StatusCode::BAD_REQUEST, Some(400)),
        "missing service_code"
    );
    let (s, _, body) = raw(
        &app,
        "POST",
        "/open311/v2/requests.json",
        Some(&format!("api_key={key}&service_code=0301&lat=23.5&long=113.0")),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "outside every grid: {body}");
    let (s, _, body) = raw(
        &app,
        "POST",
        "/open311/v2/requests.json",
        Some(&format!("api_key={key}&{form}")),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{body}");
    let created = js(&body);
    let r = &created[0];
    let id = r["service_request_id"].as_str().expect("id").to_string();
    assert!(id.starts_with("SJ"));
    assert!(r["service_notice"].as_str().is_some_and(|n| !n.is_empty()));
    assert!(r.get("account_id").is_some_and(Value::is_null));
    let token = r["token"].as_str().expect("token").to_string();

    // GET the request: open, with an expected time and the spec's field names.
    let (s, _, body) = raw(&app, "GET", &format!("/open311/v2/requests/{id}.json"), None).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let got = js(&body);
    let r = &got[0];
    for f in [
        "service_request_id",
        "status",
        "status_notes",
        "service_name",
        "service_code",
        "description",
        "agency_responsible",
        "service_notice",
        "requested_datetime",
        "updated_datetime",
        "expected_datetime",
        "address",
        "address_id",
        "zipcode",
        "lat",
        "long",
        "media_url",
    ] {
        assert!(r.get(f).is_some(), "{f} in {r}");
    }
    assert_eq!(
        (
            r["status"].as_str(),
            r["service_code"].as_str(),
            r["description"].as_str()
        ),
        (Some("open"), Some("0301"), Some("路灯不亮"))
    );
    assert!(
        r["expected_datetime"].as_str().is_some_and(|t| t.ends_with("+08:00")),
        "{r}"
    );
    assert!(t(&r["expected_datetime"]) > t(&r["requested_datetime"]));
    assert_eq!(r["agency_responsible"], "区住房和建设局");
    let (s, _, xml) = raw(&app, "GET", &format!("/open311/v2/requests/{id}.xml"), None).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        xml.contains(&format!(
            "<service_requests><request><service_request_id>{id}</service_request_id><status>open</status>"
        )),
        "{xml}"
    );
    let (_, _, body) = raw(
        &app,
        "GET",
        &format!("/open311/v2/requests.json?service_request_id={id}"),
        None,
    )
    .await;
    assert_eq!(js(&body).as_array().map(Vec::len), Some(1));
    let (_, _, body) = raw(&app, "GET", "/open311/v2/requests.json?status=closed", None).await;
    assert_eq!(js(&body), json!([]));
    let (s, _, _) = raw(&app, "GET", "/open311/v2/requests.json?start_date=yesterday", None).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (s, _, _) = raw(&app, "GET", "/open311/v2/requests/SJ00000000000000.json", None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _, body) = raw(&app, "GET", &format!("/open311/v2/tokens/{token}.json"), None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(js(&body), json!([{"service_request_id": id, "token": token}]));
    let (s, _, _) = raw(&app, "GET", "/open311/v2/tokens/nope.json", None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // The case is an ordinary case with source open311, in the community center's inbox.
    let center = app.login("community_003002").await;
    let (_, list) = center.get("/api/v1/cases?source=open311").await;
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["code"], id.as_str());
    // Internal cases (grid workers) are not public.
    report(&app.login("grid_00300201").await, "0101", (lon, lat)).await;
    let (_, _, body) = raw(&app, "GET", "/open311/v2/requests.json", None).await;
    assert_eq!(js(&body).as_array().map(Vec::len), Some(1));
});

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
