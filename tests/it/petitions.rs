//! Petitions (issue 16) on SQLite and PostgreSQL: the whole flow acceptance → answer → review →
//! re-review on dates across National Day, each refusal (out of scope, wrong step, second
//! extension, a review asked too late, the same matter after its re-review, no permission), repeat
//! petitioners by ID number, and the monthly figures to the hundredth.
use axum::http::StatusCode;
use serde_json::{Value, json};
use zongguan_db::entity::audit_log;
use zongguan_db::sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

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

fn message(v: &Value) -> &str {
    v["error"]["message"].as_str().unwrap_or("")
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

async fn register(app: &TestApp, officer: &Client, body: Value) -> Value {
    let unit = app.unit_id("440307003002").await;
    let mut body = body;
    body["org_unit_id"] = json!(unit);
    let (s, p) = officer.post("/api/v1/petitions", body.clone()).await;
    assert_eq!(s, StatusCode::CREATED, "{body}: {p}");
    p
}

async fn step(officer: &Client, id: i64, name: &str, body: Value) -> Value {
    let (s, p) = officer
        .post(&format!("/api/v1/petitions/{id}/{name}"), body.clone())
        .await;
    assert_eq!(s, StatusCode::OK, "{name} {body}: {p}");
    p
}

fn pid(p: &Value) -> i64 {
    p["petition"]["id"].as_i64().expect("id")
}

on_both!(
    the_whole_flow_across_national_day_and_no_second_re_review,
    |app: TestApp| async move {
        let officer = app.login("community_003002").await;
        let a = resident(&app, &officer, "陈信访", "44030719700101123").await;
        let p = register(
            &app,
            &officer,
            json!({"channel":"visit","received_on":"2026-07-25","resident_ids":[a],"category":"land_requisition","matter":"反映旧村改造补偿款未足额发放","demand":"足额发放补偿款","place":"良安田村"}),
        )
        .await;
        let id = pid(&p);
        assert_eq!(p["petition"]["number"], "XF2026-000001", "{p}");
        assert_eq!(p["petition"]["state"], "received");
        assert_eq!(p["petition"]["first_visit"], true);
        assert_eq!(p["petition"]["petitioners"][0]["name"], "陈*访");
        assert!(
            p["petition"]["petitioners"][0]["id_number"]
                .as_str()
                .unwrap_or("")
                .contains('*'),
            "{p}"
        );
        // 07-25 + 15 days is Sunday 08-09: the last day moves to Monday.
        assert_eq!(p["acceptance_due_on"], "2026-08-10");
        assert_eq!(p["petition"]["term"], "acceptance");
        assert_eq!(p["steps"], json!(["accept", "reject"]));

        // Accepted Mon 08-03: the 60th day is Fri 10-02, inside National Day, so Thu 10-08.
        let p = step(&officer, id, "accept", json!({"on":"2026-08-03"})).await;
        assert_eq!(p["petition"]["state"], "handling", "accepted and assigned: {p}");
        assert_eq!(p["petition"]["handling_due_on"], "2026-10-08");
        assert_eq!(p["petition"]["due_on"], "2026-10-08");
        assert_eq!(p["assigned_on"], "2026-08-03");
        let actions: Vec<&str> = p["events"]
            .as_array()
            .expect("events")
            .iter()
            .filter_map(|e| e["action"].as_str())
            .collect();
        assert_eq!(actions, ["register", "accept", "assign"]);

        // Answered on the last day: on time; the review window runs 30 days to Sat 11-07, so Mon 11-09.
        let p = step(
            &officer,
            id,
            "answer",
            json!({"on":"2026-10-08","text":"经核查，补偿款已于10月补发。"}),
        )
        .await;
        assert_eq!(p["petition"]["state"], "answered");
        assert_eq!(p["petition"]["answered_on_time"], true);
        assert!(p["answer"].as_str().unwrap_or("").contains("30日内"), "{p}");
        assert!(p["answer"].as_str().unwrap_or("").contains("复查"), "{p}");
        assert_eq!(p["petition"]["term"], "review_request");
        assert_eq!(p["petition"]["due_on"], "2026-11-09");
        assert_eq!(p["petition"]["due_status"], Value::Null, "a window, not a duty: {p}");

        // A review asked on the window's last day is taken; answered within 30 days (12-09).
        let p = step(&officer, id, "review", json!({"on":"2026-11-09"})).await;
        assert_eq!(p["petition"]["state"], "review_requested");
        assert_eq!(p["petition"]["due_on"], "2026-12-09");
        let p = step(
            &officer,
            id,
            "review-answer",
            json!({"on":"2026-11-20","text":"维持原处理意见。"}),
        )
        .await;
        assert_eq!(p["petition"]["state"], "reviewed");
        assert!(p["review_answer"].as_str().unwrap_or("").contains("复核"), "{p}");
        // 11-20 + 30 = Sunday 12-20: Monday 12-21.
        assert_eq!(p["petition"]["due_on"], "2026-12-21");
        let p = step(&officer, id, "re-review", json!({"on":"2026-11-25"})).await;
        assert_eq!(p["petition"]["state"], "re_review_requested");
        assert_eq!(p["petition"]["due_on"], "2026-12-25");
        let p = step(
            &officer,
            id,
            "re-review-answer",
            json!({"on":"2026-12-01","text":"复核维持复查意见。"}),
        )
        .await;
        assert_eq!(p["petition"]["state"], "re_reviewed");
        assert!(p["re_review_answer"].as_str().unwrap_or("").contains("不再受理"));
        assert_eq!(p["petition"]["term"], Value::Null);
        assert_eq!(p["petition"]["resolved_at_first_contact"], false, "a review was asked");
        let (s, v) = officer
            .post(&format!("/api/v1/petitions/{id}/review"), json!({"on":"2026-12-02"}))
            .await;
        assert_eq!(s, StatusCode::CONFLICT, "{v}");

        // The same petitioner on the same matter: refused, citing the re-review — picked by
        // staff, or found by the same category and place.
        let unit = app.unit_id("440307003002").await;
        for body in [
            json!({"channel":"letter","resident_ids":[a],"category":"environment","matter":"再次反映补偿问题","repeat_of_id":id,"org_unit_id":unit}),
            json!({"channel":"letter","resident_ids":[a],"category":"land_requisition","matter":"再次反映补偿问题","place":"良安田村","org_unit_id":unit}),
        ] {
            let (s, v) = officer.post("/api/v1/petitions", body.clone()).await;
            assert_eq!(s, StatusCode::CONFLICT, "{body}: {v}");
            assert!(message(&v).contains("2026年12月1日复核"), "{v}");
            assert!(message(&v).contains("XF2026-000001"), "{v}");
        }
        // Another matter of the same person is taken, as a repeat visit that lists the earlier one.
        let p2 = register(
            &app,
            &officer,
            json!({"channel":"phone","resident_ids":[a],"category":"housing_property","matter":"小区电梯长期停运","place":"良安田花园"}),
        )
        .await;
        assert_eq!(p2["petition"]["first_visit"], false);
        assert_eq!(p2["petition"]["number"], "XF2026-000002");
        assert_eq!(p2["earlier"][0]["id"], id, "{p2}");
        assert_eq!(p2["earlier"][0]["re_reviewed_on"], "2026-12-01");
        let (_, v) = officer.get(&format!("/api/v1/petitions?resident_id={a}")).await;
        assert_eq!(v["total"], 2, "{v}");
        let (_, v) = officer.get("/api/v1/petitions?first_visit=false").await;
        assert_eq!(v["total"], 1, "{v}");

        // Closing after the re-review; every step audited.
        let p = step(&officer, id, "close", json!({"on":"2026-12-02"})).await;
        assert_eq!(p["petition"]["state"], "closed");
        let audited = audit_log::Entity::find()
            .filter(audit_log::Column::ObjectType.eq("petition"))
            .filter(audit_log::Column::ObjectId.eq(id.to_string()))
            .all(&app.db.conn)
            .await
            .expect("audit");
        assert_eq!(audited.len(), 8, "create + 7 steps");
    }
);

on_both!(each_refusal_names_its_reason, |app: TestApp| async move {
    let officer = app.login("community_003002").await;
    let a = resident(&app, &officer, "李某某", "44030719800202234").await;
    let today = zongguan_core::time::cst_date(chrono::Utc::now());
    let day = |n: i64| (today + chrono::Duration::days(n)).to_string();
    let p = register(
        &app,
        &officer,
        json!({"channel":"hotline_12345","received_on":day(-3),"resident_ids":[a],"headcount":6,"category":"labour_wages","matter":"工地拖欠农民工工资","place":"平湖某工地"}),
    )
    .await;
    let id = pid(&p);
    assert_eq!(p["petition"]["collective"], true);
    assert_eq!(p["petition"]["due_status"], "not_due", "{p}");

    // Wrong step: no answer before acceptance.
    let (s, v) = officer
        .post(&format!("/api/v1/petitions/{id}/answer"), json!({"text":"已处理"}))
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    // Out of scope: another community sees nothing.
    let other = app.login("community_003004").await;
    let (s, _) = other.get(&format!("/api/v1/petitions/{id}")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = other.post(&format!("/api/v1/petitions/{id}/accept"), json!({})).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (_, v) = other.get("/api/v1/petitions").await;
    assert_eq!(v["total"], 0, "{v}");

    // A not-accepted decision needs its reason.
    let (s, v) = officer.post(&format!("/api/v1/petitions/{id}/reject"), json!({})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(field(&v), "reason");
    step(&officer, id, "accept", json!({"on":day(-2)})).await;

    // Extension: petition:approve (the leader), one only, at most 30 days, with a reason.
    let (s, v) = officer
        .post(
            &format!("/api/v1/petitions/{id}/extend"),
            json!({"days":30,"reason":"涉及多个部门"}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    let leader = app.login("leader").await;
    for (body, f) in [
        (json!({"days":31,"reason":"涉及多个部门"}), "days"),
        (json!({"days":30}), "reason"),
    ] {
        let (s, v) = leader
            .post(&format!("/api/v1/petitions/{id}/extend"), body.clone())
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {v}");
        assert_eq!(field(&v), f, "{v}");
    }
    let before = step(
        &leader,
        id,
        "extend",
        json!({"days":30,"reason":"涉及多个部门，需现场核查"}),
    )
    .await;
    assert_eq!(before["petition"]["extensions"], 1);
    assert_eq!(before["extension_approved_by"], "区综管办领导", "{before}");
    let (s, v) = leader
        .post(
            &format!("/api/v1/petitions/{id}/extend"),
            json!({"days":10,"reason":"仍需核查"}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    assert!(message(&v).contains("只能延长 1 次"), "{v}");
    // Answered today: the review window is open, so it cannot be closed yet.
    let p = step(&officer, id, "answer", json!({"text":"已督促施工单位结清工资。"})).await;
    assert_eq!(p["petition"]["answered_on_time"], true);
    assert_eq!(p["steps"], json!(["review", "return-visit"]), "{p}");
    let (s, v) = officer.post(&format!("/api/v1/petitions/{id}/close"), json!({})).await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    assert!(message(&v).contains("期限未满"), "{v}");
    let (s, v) = officer
        .post(
            &format!("/api/v1/petitions/{id}/return-visit"),
            json!({"satisfaction":"great"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(field(&v), "satisfaction");
    // The same resident named twice is one petitioner.
    let unit = app.unit_id("440307003002").await;
    let (s, v) = officer
        .post(
            "/api/v1/petitions",
            json!({"channel":"visit","resident_ids":[a, a],"category":"other","matter":"咨询政策","org_unit_id":unit}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["petition"]["petitioners"].as_array().map(Vec::len), Some(1));
    assert_eq!(v["petition"]["headcount"], 1);

    // A review asked after its window: refused naming the date it closed.
    let q = register(
        &app,
        &officer,
        json!({"channel":"letter","received_on":"2026-06-01","resident_ids":[a],"category":"environment","matter":"夜间施工噪音"}),
    )
    .await;
    let qid = pid(&q);
    step(&officer, qid, "accept", json!({"on":"2026-06-02"})).await;
    step(
        &officer,
        qid,
        "answer",
        json!({"on":"2026-06-10","text":"已责令停止夜间施工。"}),
    )
    .await;
    let (s, v) = officer
        .post(&format!("/api/v1/petitions/{qid}/review"), json!({"on":"2026-07-13"}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(field(&v), "on");
    assert!(message(&v).contains("2026年7月10日届满"), "{v}");
    // Not closed while the window is open? It closed on 07-10: closing is allowed now.
    step(&officer, qid, "close", json!({})).await;

    // Bad input names the field.
    for (body, f) in [
        (
            json!({"channel":"fax","resident_ids":[a],"category":"other","matter":"x","org_unit_id":unit}),
            "channel",
        ),
        (
            json!({"channel":"visit","resident_ids":[a],"category":"gossip","matter":"x","org_unit_id":unit}),
            "category",
        ),
        (
            json!({"channel":"visit","resident_ids":[],"category":"other","matter":"x","org_unit_id":unit}),
            "resident_ids",
        ),
        (
            json!({"channel":"visit","resident_ids":[999999],"category":"other","matter":"x","org_unit_id":unit}),
            "resident_ids",
        ),
        (
            json!({"channel":"visit","resident_ids":[a],"category":"other","matter":" ","org_unit_id":unit}),
            "matter",
        ),
        (
            json!({"channel":"visit","resident_ids":[a],"category":"other","matter":"x","received_on":day(1),"org_unit_id":unit}),
            "received_on",
        ),
        (
            json!({"channel":"visit","resident_ids":[a],"category":"other","matter":"x","headcount":0,"org_unit_id":unit}),
            "headcount",
        ),
        (
            json!({"channel":"visit","resident_ids":[a],"category":"other","matter":"x","repeat_of_id":999999,"org_unit_id":unit}),
            "repeat_of_id",
        ),
    ] {
        let (s, v) = officer.post("/api/v1/petitions", body.clone()).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {v}");
        assert_eq!(field(&v), f, "{body}: {v}");
    }
    let (s, v) = officer.post(&format!("/api/v1/petitions/{id}/fly"), json!({})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    for q in ["state=flying", "due_status=late", "channel=fax"] {
        let (s, v) = officer.get(&format!("/api/v1/petitions?{q}")).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{q}: {v}");
    }
    let (s, v) = officer.get("/api/v1/petition-figures?month=2026-13").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(field(&v), "month");

    // No permission: the leader reads but registers nothing; the auditor sees nothing.
    let (s, _) = leader.get(&format!("/api/v1/petitions/{id}")).await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = leader
        .post(
            "/api/v1/petitions",
            json!({"channel":"visit","resident_ids":[a],"category":"other","matter":"x","org_unit_id":unit}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = leader
        .post(&format!("/api/v1/petitions/{id}/answer"), json!({"text":"x"}))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let auditor = app.login("auditor").await;
    let (s, _) = auditor.get("/api/v1/petitions").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = auditor.get("/api/v1/petition-figures?month=2026-11").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
});

on_both!(overdue_clocks_show_in_the_list, |app: TestApp| async move {
    let officer = app.login("community_003002").await;
    let a = resident(&app, &officer, "王某", "44030719850303345").await;
    // Received 09-16: the 15th day is the National Day holiday 10-01, so the last day is 10-08 —
    // long past, so overdue.
    let p = register(
        &app,
        &officer,
        json!({"channel":"online","received_on":"2026-09-16","resident_ids":[a],"category":"health","matter":"社康中心服务问题"}),
    )
    .await;
    let id = pid(&p);
    assert_eq!(p["acceptance_due_on"], "2026-10-08");
    assert_eq!(p["petition"]["due_status"], "overdue");
    assert!(p["petition"]["days_left"].as_i64().unwrap_or(0) < 0, "{p}");
    let (_, v) = officer.get("/api/v1/petitions?due_status=overdue").await;
    assert_eq!(v["total"], 1, "{v}");
    assert_eq!(v["items"][0]["id"], id);
    let (_, v) = officer.get("/api/v1/petitions?due_status=not_due").await;
    assert_eq!(v["total"], 0, "{v}");
    // Accepted late: the timeline says so.
    let p = step(&officer, id, "accept", json!({"on":"2026-10-09"})).await;
    assert!(
        p["events"][1]["detail"]
            .as_str()
            .unwrap_or("")
            .contains("超过受理告知期限"),
        "{p}"
    );
});

on_both!(monthly_figures_are_exact, |app: TestApp| async move {
    let officer = app.login("community_003002").await;
    let a = resident(&app, &officer, "赵甲", "44030719900404456").await;
    let b = resident(&app, &officer, "钱乙", "44030719910505567").await;
    let c = resident(&app, &officer, "孙丙", "44030719920606678").await;
    // P3: received in January, accepted 01-06 (due 03-09), answered late in March, reviewed.
    let p3 = register(
        &app,
        &officer,
        json!({"channel":"letter","received_on":"2026-01-05","resident_ids":[c],"category":"education","matter":"学位分配"}),
    )
    .await;
    let p3 = pid(&p3);
    let v = step(&officer, p3, "accept", json!({"on":"2026-01-06"})).await;
    assert_eq!(
        v["petition"]["handling_due_on"], "2026-03-09",
        "Sat 03-07 moves to Monday"
    );
    let v = step(&officer, p3, "answer", json!({"on":"2026-03-20","text":"已协调学位。"})).await;
    assert_eq!(v["petition"]["answered_on_time"], false);
    step(
        &officer,
        p3,
        "return-visit",
        json!({"on":"2026-03-22","satisfaction":"dissatisfied","text":"不满意"}),
    )
    .await;
    step(&officer, p3, "review", json!({"on":"2026-03-25"})).await;
    // P1: first visit of A, answered on time, satisfied.
    let p1 = pid(&register(
        &app,
        &officer,
        json!({"channel":"visit","received_on":"2026-03-02","resident_ids":[a],"category":"environment","matter":"垃圾站异味","place":"甲小区"}),
    )
    .await);
    step(&officer, p1, "accept", json!({"on":"2026-03-03"})).await;
    step(&officer, p1, "answer", json!({"on":"2026-03-10","text":"已整改。"})).await;
    step(
        &officer,
        p1,
        "return-visit",
        json!({"on":"2026-03-12","satisfaction":"satisfied"}),
    )
    .await;
    // P2: A again on another matter (a repeat visit), on time, basically satisfied.
    let p2 = register(
        &app,
        &officer,
        json!({"channel":"phone","received_on":"2026-03-05","resident_ids":[a],"category":"market_regulation","matter":"商铺占道经营"}),
    )
    .await;
    assert_eq!(p2["petition"]["first_visit"], false);
    let p2 = pid(&p2);
    step(&officer, p2, "accept", json!({"on":"2026-03-06"})).await;
    step(&officer, p2, "answer", json!({"on":"2026-03-16","text":"已处理。"})).await;
    step(
        &officer,
        p2,
        "return-visit",
        json!({"on":"2026-03-18","satisfaction":"basic"}),
    )
    .await;
    // P4: a collective visit of B, not accepted.
    let p4 = pid(&register(
        &app,
        &officer,
        json!({"channel":"visit","received_on":"2026-03-10","resident_ids":[b],"headcount":6,"category":"other","matter":"诉求已经司法程序"}),
    )
    .await);
    step(
        &officer,
        p4,
        "reject",
        json!({"on":"2026-03-11","reason":"已进入诉讼程序，依法不予受理"}),
    )
    .await;

    let unit = app.unit_id("440307003002").await;
    let (s, f) = officer
        .get(&format!("/api/v1/petition-figures?month=2026-03&org_unit_id={unit}"))
        .await;
    assert_eq!(s, StatusCode::OK, "{f}");
    assert_eq!(f["registered"], 3, "{f}");
    assert_eq!(f["accepted"], 2);
    assert_eq!(f["not_accepted"], 1);
    assert_eq!(f["first_visits"], 2);
    assert_eq!(f["repeat_visits"], 1);
    assert_eq!(f["collective"], 1);
    assert_eq!(f["answered"], 3);
    assert_eq!(f["on_time"], json!({"numerator":2,"denominator":3,"percent":66.67}));
    // First visits answered: P1 (resolved) and P3 (a review asked).
    assert_eq!(
        f["first_contact"],
        json!({"numerator":1,"denominator":2,"percent":50.0})
    );
    assert_eq!(
        f["satisfaction"],
        json!({"numerator":2,"denominator":3,"percent":66.67})
    );
    let (_, f) = officer.get("/api/v1/petition-figures?month=2026-01").await;
    assert_eq!(f["registered"], 1, "{f}");
    assert_eq!(f["accepted"], 1);
    assert_eq!(f["on_time"]["percent"], Value::Null);
    // Another community's unit, by the district officer: nothing.
    let district = app.login("district_officer").await;
    let other = app.unit_id("440307003004").await;
    let (_, f) = district
        .get(&format!("/api/v1/petition-figures?month=2026-03&org_unit_id={other}"))
        .await;
    assert_eq!(f["registered"], 0, "{f}");
    let (_, f) = district.get("/api/v1/petition-figures?month=2026-03").await;
    assert_eq!(f["registered"], 3, "{f}");
});

on_both!(limits_are_a_setting, |app: TestApp| async move {
    let center = app.login("district_officer").await;
    let (s, l) = center.get("/api/v1/petition-limits").await;
    assert_eq!(s, StatusCode::OK, "{l}");
    assert_eq!(l["limits"]["acceptance"], json!({"calendar":15}));
    let mut body = l.clone();
    body["limits"]["acceptance"] = json!({"working":15});
    let (s, v) = center.put("/api/v1/petition-limits", body).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["limits"]["acceptance"], json!({"working":15}));
    let mut bad = l.clone();
    bad["limits"]["handling"] = json!({"calendar":0});
    let (s, v) = center.put("/api/v1/petition-limits", bad).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    // Working days: received Mon 09-28, the 15th working day is Fri 10-23 (past the holiday,
    // counting the make-up Saturday 10-10).
    let officer = app.login("community_003002").await;
    let a = resident(&app, &officer, "周某", "44030719930707789").await;
    let p = register(
        &app,
        &officer,
        json!({"channel":"visit","received_on":"2026-09-28","resident_ids":[a],"category":"other","matter":"咨询"}),
    )
    .await;
    assert_eq!(p["acceptance_due_on"], "2026-10-23", "{p}");
    let (s, _) = officer.put("/api/v1/petition-limits", l.clone()).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // The leader approves extensions; the terms themselves are not the leader's to change.
    let (s, _) = app.login("leader").await.put("/api/v1/petition-limits", l).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
});

on_both!(petition_letters_are_issued_as_documents, |app: TestApp| async move {
    let officer = app.login("community_003002").await;
    let a = resident(&app, &officer, "林告知", "44030719800202123").await;
    let p = register(
        &app,
        &officer,
        json!({"channel":"letter","received_on":"2026-07-25","resident_ids":[a],"category":"land_requisition","matter":"反映补偿款未足额发放","demand":"足额发放","place":"良安田村"}),
    )
    .await;
    let id = pid(&p);
    step(&officer, id, "accept", json!({"on":"2026-08-03"})).await;
    let issue = |kind: &str| {
        let officer = officer.clone();
        let body = json!({"kind":kind,"subject_kind":"petition","subject_id":id});
        async move { officer.post("/api/v1/notices", body).await }
    };
    let text = |bytes: Vec<u8>| docx_rs::read_docx(&bytes).expect("a .docx").json();

    let (s, n) = issue("petition_acceptance").await;
    assert_eq!(s, StatusCode::CREATED, "{n}");
    assert_eq!(n["title"], "信访事项受理告知书");
    assert_eq!(n["has_return_slip"], false);
    assert!(n["serial"].as_str().expect("serial").contains("信受〔2026〕1号"), "{n}");
    let (_, doc) = officer.download(&format!("/api/v1/notices/{}/document", n["id"])).await;
    let t = text(doc);
    for want in [
        "林告知：",
        "2026年7月25日",
        "2026年8月3日依法受理",
        "60日内办结",
        "XF2026-",
    ] {
        assert!(t.contains(want), "acceptance letter lacks {want}");
    }
    assert!(!t.contains("回执"));

    step(
        &officer,
        id,
        "answer",
        json!({"on":"2026-09-01","text":"经核查，补偿款已补发。"}),
    )
    .await;
    let (s, n) = issue("petition_answer").await;
    assert_eq!(s, StatusCode::CREATED, "{n}");
    let (_, doc) = officer.download(&format!("/api/v1/notices/{}/document", n["id"])).await;
    let t = text(doc);
    assert!(t.contains("经核查，补偿款已补发。"));
    assert_eq!(
        t.matches("30日内请求原办理机关的上一级机关复查").count(),
        1,
        "the right to review is told once"
    );
    // The petition is a line of July's intake register, its petitioner masked.
    let (s, v) = officer.get("/api/v1/registers/intake?month=2026-07").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let row = v["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|r| r["matter_kind"] == "petition" && r["matter_id"] == id)
        .unwrap_or_else(|| panic!("the petition in the register: {v}"))
        .clone();
    assert_eq!(row["channel"], "信访（来信）");
    assert_eq!(row["party_name"], "林*知", "{row}");
    assert_eq!(row["people"], 1);
    assert_eq!(row["unit_assigned"], "良安田社区", "{row}");
    // A unit's notice is not a petition letter; out of scope is not found.
    let (s, v) = issue("assignment").await;
    assert_eq!((s, field(&v)), (StatusCode::UNPROCESSABLE_ENTITY, "kind"), "{v}");
    let other = app.login("community_003004").await;
    let (s, _) = other
        .post(
            "/api/v1/notices",
            json!({"kind":"petition_answer","subject_kind":"petition","subject_id":id}),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
});
