//! Disputes (issue 16) on SQLite and PostgreSQL: a party found by identity number, the whole flow
//! from registration to closure with its timeline, each refusal (out of scope, wrong step, no
//! permission), screening rounds with a zero report and the overdue ones, and the monthly tally
//! with exact figures and its XLSX.
use std::io::Cursor;

use axum::http::StatusCode;
use calamine::{Data, Reader};
use chrono::{Datelike, Duration, Utc};
use serde_json::{Value, json};
use zongguan_core::governance::screening::{Cadence, Period};
use zongguan_db::entity::{audit_log, dispute};
use zongguan_db::sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};

use crate::common::{Client, TestApp, assert_error};

/// 交办 to a unit with a mediator (no deadline, no note): the answer as it came.
async fn assign(who: &Client, id: i64, unit: i64, mediator: &str) -> (StatusCode, Value) {
    who.post(
        &format!("/api/v1/disputes/{id}/assign"),
        json!({"unit_id": unit, "mediator_name": mediator}),
    )
    .await
}

fn today() -> chrono::NaiveDate {
    zongguan_core::time::cst_date(Utc::now())
}

fn day(offset: i64) -> String {
    (today() + Duration::days(offset)).to_string()
}

fn id_number(body: &str) -> String {
    format!(
        "{body}{}",
        zongguan_core::id_number::check_char(body).expect("17 digits")
    )
}

/// A resident living in 良安田社区 grid 01, registered by the community officer; answers the
/// identity number.
async fn resident(officer: &Client, app: &TestApp, name: &str, body: &str, room: &str) -> String {
    let grid = app.unit_id("44030700300201").await;
    let code = format!("LAT-D{room}");
    let (s, b) = officer
        .post("/api/v1/buildings", json!({"code":code,"name":"良安田纠纷楼","address":"平湖街道良安田新村3栋","grid_id":grid,"lon":114.12,"lat":22.68,"floors":6,"use_type":"住宅"}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let (s, h) = officer
        .post(
            "/api/v1/houses",
            json!({"building_id":b["id"],"room":room,"area":60.0,"use_type":"residential"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{h}");
    let number = id_number(body);
    let (s, r) = officer
        .post("/api/v1/residents", json!({"name":name,"id_number":number,"registration_type":"户籍人口","phone":"13812345678","house_id":h["id"]}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    number
}

/// The party picker: the registry's list finds the person by identity number.
async fn find_by_id_number(officer: &Client, number: &str) -> i64 {
    let (s, v) = officer.get(&format!("/api/v1/residents?q={number}")).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["total"], 1, "{v}");
    v["items"][0]["id"].as_i64().expect("id")
}

async fn register(officer: &Client, body: Value) -> Value {
    let (s, d) = officer.post("/api/v1/disputes", body).await;
    assert_eq!(s, StatusCode::CREATED, "{d}");
    d
}

fn dispute_form(unit: i64, resident: i64, t: &str, people: u32, major: bool) -> Value {
    json!({
        "source": "walk_in", "channel": "visit", "dispute_type": t, "people_involved": people,
        "major": major, "risk_level": "medium",
        "summary": "楼上住户装修噪音扰民，双方多次争吵", "demand": "要求停止夜间施工并赔偿损失",
        "address": "良安田新村3栋", "org_unit_id": unit,
        "parties": [
            {"role": "applicant", "resident_id": resident},
            {"role": "respondent", "org_name": "深圳市良安物业管理有限公司", "credit_code": "91440300MA5F12345K"}
        ]
    })
}

fn actions(d: &Value) -> Vec<String> {
    d["timeline"]
        .as_array()
        .expect("timeline")
        .iter()
        .map(|e| e["action"].as_str().expect("action").to_string())
        .collect()
}

on_both!(a_dispute_goes_from_registration_to_closure, |app: TestApp| async move {
    let officer = app.login("community_003002").await;
    let number = resident(&officer, &app, "陈家明", "44030719800101123", "101").await;
    let rid = find_by_id_number(&officer, &number).await;
    let grid = app.unit_id("44030700300201").await;
    let community = app.unit_id("440307003002").await;

    let d = register(&officer, dispute_form(grid, rid, "neighbourhood", 3, false)).await;
    let id = d["dispute"]["id"].as_i64().expect("id");
    let year = today().year();
    assert_eq!(d["dispute"]["number"], format!("JF{year}-000001"), "{d}");
    assert_eq!(d["dispute"]["state"], "registered");
    assert_eq!(d["dispute"]["step"], "assign");
    assert_eq!(d["dispute"]["size_band"], "lt50");
    assert_eq!(d["dispute"]["org_unit_id"], grid);
    assert_eq!(d["dispute"]["party_names"], "陈家明；深圳市良安物业管理有限公司");
    // The registry's data, masked; nothing retyped.
    let p = &d["parties"][0];
    assert_eq!(p["resident_id"], rid);
    assert_eq!(p["id_number"], format!("440307********{}", &number[14..]), "{d}");
    assert_eq!(p["phone"], "138****5678");
    assert_eq!(d["parties"][1]["credit_code"], "91440300MA5F12345K");
    assert_eq!(d["allowed_actions"], json!(["assign"]));

    // The second of the year takes the next serial.
    let d2 = register(&officer, dispute_form(grid, rid, "family", 2, false)).await;
    assert_eq!(d2["dispute"]["number"], format!("JF{year}-000002"));

    // 交办 to the community with a mediator and a deadline.
    let (s, d) = officer
        .post(
            &format!("/api/v1/disputes/{id}/assign"),
            json!({"unit_id": community, "mediator_name": "李调解", "deadline": day(10), "note": "请尽快组织调解"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{d}");
    assert_eq!(d["dispute"]["state"], "assigned");
    assert_eq!(d["dispute"]["mediator_name"], "李调解");
    assert!(
        d["dispute"]["assigned_unit_name"]
            .as_str()
            .is_some_and(|n| n.contains("良安田")),
        "{d}"
    );
    let deadline = d["deadline"].as_str().expect("deadline");
    let local = chrono::DateTime::parse_from_rfc3339(deadline)
        .expect("rfc3339")
        .with_timezone(&zongguan_core::time::cst());
    assert_eq!(local.date_naive().to_string(), day(10), "runs through the day chosen");

    // A session, then an agreement, then the return visit and closure.
    let (s, d) = officer
        .post(
            &format!("/api/v1/disputes/{id}/sessions"),
            json!({"session_on": day(0), "participants": "陈家明、物业公司代表、李调解", "content": "双方陈述，初步达成一致"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{d}");
    assert_eq!(d["dispute"]["state"], "mediating");
    let (s, d) = officer
        .post(
            &format!("/api/v1/disputes/{id}/agreement"),
            json!({"agreement_text": "物业公司督促施工方22时后停止施工，并赔偿500元", "signed": true}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{d}");
    assert_eq!(d["dispute"]["state"], "agreement");
    assert_eq!(d["dispute"]["step"], "return_visit");
    assert_eq!(d["agreement_signed"], true);
    assert_eq!(d["allowed_actions"], json!(["close"]));
    let (s, d) = officer
        .post(
            &format!("/api/v1/disputes/{id}/close"),
            json!({"satisfaction": "satisfied", "note": "电话回访，当事人表示满意"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{d}");
    assert_eq!(d["dispute"]["state"], "closed");
    assert_eq!(d["satisfaction"], "satisfied");
    assert!(d["closed_at"].as_str().is_some());
    assert_eq!(d["dispute"]["step"], Value::Null);
    assert_eq!(
        actions(&d),
        ["register", "assign", "record_session", "agree", "return_visit", "close"]
    );
    assert_eq!(d["timeline"][1]["to_state"], "assigned");
    assert_eq!(d["timeline"][2]["participants"], "陈家明、物业公司代表、李调解");
    assert_eq!(d["allowed_actions"], json!([]));

    // Every step audited.
    let audited = audit_log::Entity::find()
        .filter(audit_log::Column::ObjectType.eq("dispute"))
        .filter(audit_log::Column::ObjectId.eq(id.to_string()))
        .all(&app.db.conn)
        .await
        .expect("audit");
    let mut acts: Vec<String> = audited.iter().map(|a| a.action.clone()).collect();
    acts.sort();
    assert_eq!(acts, ["agree", "assign", "record_session", "register", "return_visit"]);

    // The failed path: assigned, refused by a party, referred to court, closed.
    let id2 = d2["dispute"]["id"].as_i64().expect("id");
    let (s, _) = assign(&officer, id2, community, "李调解").await;
    assert_eq!(s, StatusCode::OK);
    let (s, d) = officer
        .post(
            &format!("/api/v1/disputes/{id2}/fail"),
            json!({"referral": "court", "reason": "一方拒绝调解"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{d}");
    assert_eq!(d["dispute"]["state"], "failed");
    assert_eq!(d["referral"], "court");
    let (s, d) = officer
        .post(
            &format!("/api/v1/disputes/{id2}/close"),
            json!({"satisfaction": "basic"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{d}");
    assert_eq!(d["dispute"]["state"], "closed");

    // The list, filtered.
    let (s, v) = officer.get("/api/v1/disputes?state=closed&dispute_type=family").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["total"], 1);
    assert_eq!(v["items"][0]["id"], id2);
    let (_, v) = officer.get(&format!("/api/v1/disputes?q=JF{year}-000001")).await;
    assert_eq!(v["total"], 1);
    assert_eq!(v["items"][0]["id"], id);
});

on_both!(
    disputes_refuse_out_of_scope_wrong_steps_and_missing_permissions,
    |app: TestApp| async move {
        let officer = app.login("community_003002").await;
        let number = resident(&officer, &app, "黄志强", "44030719850505123", "102").await;
        let rid = find_by_id_number(&officer, &number).await;
        let grid = app.unit_id("44030700300201").await;
        let community = app.unit_id("440307003002").await;
        let d = register(&officer, dispute_form(grid, rid, "labour_wages", 60, true)).await;
        let id = d["dispute"]["id"].as_i64().expect("id");
        assert_eq!(d["dispute"]["size_band"], "50_100");

        // Out of scope: another community sees nothing and can do nothing (404 like every module).
        let other = app.login("community_003004").await;
        let (s, v) = other.get(&format!("/api/v1/disputes/{id}")).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{v}");
        let (_, v) = other.get("/api/v1/disputes").await;
        assert_eq!(v["total"], 0, "{v}");
        let (s, _) = assign(&other, id, community, "某").await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        // Nor may it name a resident it cannot see as a party.
        let other_grid = app.unit_id("44030700300401").await;
        let (s, v) = other
            .post("/api/v1/disputes", dispute_form(other_grid, rid, "other", 2, false))
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert_eq!(v["error"]["field"], "parties");

        // Missing permission: the leader reads but does not register or assign.
        let leader = app.login("leader").await;
        let (s, v) = leader.get(&format!("/api/v1/disputes/{id}")).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["allowed_actions"], json!([]));
        let (s, v) = leader
            .post("/api/v1/disputes", dispute_form(grid, rid, "other", 2, false))
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
        let (s, v) = assign(&leader, id, community, "某").await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
        // The grid worker registers in their grid but does not assign.
        let worker = app.login("grid_00300201").await;
        let (s, v) = worker
            .post("/api/v1/disputes", dispute_form(grid, rid, "other", 2, false))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        assert!(v["handler_name"].as_str().is_some_and(|n| !n.is_empty()), "{v}");
        let (s, v) = assign(&worker, id, community, "某").await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{v}");

        // Wrong step: no agreement before assignment, naming the state.
        let (s, v) = officer
            .post(
                &format!("/api/v1/disputes/{id}/agreement"),
                json!({"agreement_text": "协议", "signed": false}),
            )
            .await;
        assert_eq!(s, StatusCode::CONFLICT, "{v}");
        assert_error(&v, "conflict");
        assert!(v["error"]["message"].as_str().expect("msg").contains("待交办"), "{v}");
        let (s, v) = officer
            .post(
                &format!("/api/v1/disputes/{id}/close"),
                json!({"satisfaction": "satisfied"}),
            )
            .await;
        assert_eq!(s, StatusCode::CONFLICT, "{v}");
        // Not overdue: no supervision.
        let (s, v) = officer
            .post(&format!("/api/v1/disputes/{id}/supervise"), json!({"reason": "催办"}))
            .await;
        assert_eq!(s, StatusCode::CONFLICT, "{v}");
        assert!(v["error"]["message"].as_str().expect("msg").contains("尚未超期"), "{v}");

        let (s, _) = assign(&officer, id, community, "李调解").await;
        assert_eq!(s, StatusCode::OK);
        // The subdistrict's center sees it but is not the mediating unit: its session is refused.
        let sub = app.login("subdistrict_003").await;
        let (s, v) = sub
            .post(
                &format!("/api/v1/disputes/{id}/sessions"),
                json!({"participants": "甲、乙", "content": "调解"}),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{v}");

        // Overdue: the deadline passed; the list shows it and the center supervises with a new one.
        dispute::Entity::update_many()
            .col_expr(
                dispute::Column::StepDeadline,
                Expr::value(Utc::now() - Duration::days(1)),
            )
            .filter(dispute::Column::Id.eq(id))
            .exec(&app.db.conn)
            .await
            .expect("backdate");
        let (_, v) = officer.get("/api/v1/disputes?overdue=true").await;
        assert_eq!(v["total"], 1, "{v}");
        assert_eq!(v["items"][0]["overdue"], true);
        let (s, d) = sub
            .post(
                &format!("/api/v1/disputes/{id}/supervise"),
                json!({"reason": "超期未调解，请加快办理", "deadline": day(5)}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{d}");
        assert_eq!(d["supervisions"], 1);
        assert_eq!(d["dispute"]["overdue"], false);
        assert_eq!(d["dispute"]["state"], "assigned");
        assert_eq!(actions(&d).last().map(String::as_str), Some("supervise"));
        let (_, v) = officer.get("/api/v1/disputes?overdue=true").await;
        assert_eq!(v["total"], 0, "{v}");

        // Bad input names the field.
        for (body, f) in [
            (
                json!({"source":"walk_in","dispute_type":"x","people_involved":2,"summary":"s","org_unit_id":grid,"parties":[{"role":"applicant","resident_id":rid}]}),
                "dispute_type",
            ),
            (
                json!({"source":"walk_in","dispute_type":"other","people_involved":2,"summary":"s","org_unit_id":grid,"parties":[]}),
                "parties",
            ),
            (
                json!({"source":"walk_in","dispute_type":"other","people_involved":0,"summary":"s","org_unit_id":grid,"parties":[{"role":"applicant","resident_id":rid}]}),
                "people_involved",
            ),
            (
                json!({"source":"walk_in","dispute_type":"other","people_involved":2,"summary":"  ","org_unit_id":grid,"parties":[{"role":"applicant","resident_id":rid}]}),
                "summary",
            ),
            (
                json!({"source":"walk_in","dispute_type":"other","people_involved":2,"summary":"s","org_unit_id":grid,"parties":[{"role":"applicant","org_name":"某公司","credit_code":"123"}]}),
                "credit_code",
            ),
            (
                json!({"source":"walk_in","dispute_type":"other","people_involved":2,"summary":"s","parties":[{"role":"applicant","resident_id":rid}]}),
                "org_unit_id",
            ),
        ] {
            let (s, v) = officer.post("/api/v1/disputes", body).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
            assert_eq!(v["error"]["field"], f, "{v}");
        }
        let (s, v) = officer
            .post(
                &format!("/api/v1/disputes/{id}/fail"),
                json!({"referral": "moon", "reason": "x"}),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert_eq!(v["error"]["field"], "referral");
    }
);

on_both!(
    screening_rounds_take_zero_reports_and_list_the_missing,
    |app: TestApp| async move {
        let officer = app.login("community_003002").await;
        let community = app.unit_id("440307003002").await;
        let grid = app.unit_id("44030700300201").await;
        let current = Period::of(Cadence::HalfMonth, today());

        // Nothing found is said explicitly; said twice it is a conflict.
        let (s, r) = officer
            .post(
                "/api/v1/dispute-screenings",
                json!({"org_unit_id": community, "period": current.code(), "zero_report": true}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{r}");
        assert_eq!(r["zero_report"], true);
        assert_eq!(r["found"], 0);
        assert_eq!(r["period_label"], current.zh());
        let (s, v) = officer
            .post(
                "/api/v1/dispute-screenings",
                json!({"org_unit_id": community, "period": current.code(), "zero_report": true}),
            )
            .await;
        assert_eq!(s, StatusCode::CONFLICT, "{v}");

        // The period before, with findings by type.
        let prev = current.prev();
        let (s, r) = officer
        .post(
            "/api/v1/dispute-screenings",
            json!({"org_unit_id": community, "period": prev.code(), "by_type": {"neighbourhood": 2, "labour_wages": 1}}),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{r}");
        assert_eq!(r["found"], 3);
        assert_eq!(r["by_type"], json!({"labour_wages": 1, "neighbourhood": 2}));

        for (body, f) in [
            (
                json!({"org_unit_id": community, "period": current.prev().prev().code()}),
                "zero_report",
            ),
            (
                json!({"org_unit_id": community, "period": current.prev().prev().code(), "zero_report": true, "by_type": {"family": 1}}),
                "zero_report",
            ),
            (
                json!({"org_unit_id": community, "period": Period::of(Cadence::Month, today()).code(), "zero_report": true}),
                "period",
            ),
            (
                json!({"org_unit_id": community, "period": "2026-13", "zero_report": true}),
                "period",
            ),
            (
                json!({"org_unit_id": grid, "period": current.code(), "zero_report": true}),
                "org_unit_id",
            ),
            (
                json!({"org_unit_id": community, "period": current.next().code(), "zero_report": true}),
                "period",
            ),
            (
                json!({"org_unit_id": community, "period": current.prev().prev().code(), "by_type": {"bogus": 1}}),
                "by_type",
            ),
        ] {
            let (s, v) = officer.post("/api/v1/dispute-screenings", body).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
            assert_eq!(v["error"]["field"], f, "{v}");
        }
        // Another community's unit is not the officer's to report for.
        let other = app.unit_id("440307003004").await;
        let (s, v) = officer
            .post(
                "/api/v1/dispute-screenings",
                json!({"org_unit_id": other, "period": current.code(), "zero_report": true}),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        // Nor read another community's rounds or tally by naming it.
        let (s, _) = officer
            .get(&format!("/api/v1/dispute-screenings/due?org_unit_id={other}"))
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let (s, _) = officer.get(&format!("/api/v1/dispute-tally?org_unit_id={other}")).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        // The leader does not report.
        let leader = app.login("leader").await;
        let (s, _) = leader
            .post(
                "/api/v1/dispute-screenings",
                json!({"org_unit_id": community, "period": current.code(), "zero_report": true}),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);

        let (s, v) = officer.get("/api/v1/dispute-screenings?zero_report=true").await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["total"], 1, "{v}");

        // Since three periods back: the one before `prev` is missing, the current one reported.
        let since = prev.prev().start();
        let (s, v) = officer
            .get(&format!("/api/v1/dispute-screenings/due?since={since}"))
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let units = v["items"].as_array().expect("units");
        assert_eq!(units.len(), 1, "the community only: {v}");
        let u = &units[0];
        assert_eq!(u["org_unit_id"], community);
        assert_eq!(u["cadence"], "half_month");
        assert_eq!(u["current"]["status"], "reported");
        let missing: Vec<&str> = u["missing"]
            .as_array()
            .expect("missing")
            .iter()
            .map(|m| m["period"].as_str().expect("period"))
            .collect();
        assert_eq!(missing, [prev.prev().code()]);
        assert_eq!(u["missing"][0]["status"], "missing");

        // The subdistrict sees its own monthly round and its communities'.
        let sub = app.login("subdistrict_003").await;
        let (_, v) = sub.get(&format!("/api/v1/dispute-screenings/due?since={since}")).await;
        let units = v["items"].as_array().expect("units");
        assert!(
            units
                .iter()
                .any(|u| u["level"] == "subdistrict" && u["cadence"] == "month"),
            "{v}"
        );
        assert!(units.iter().any(|u| u["org_unit_id"] == community));
    }
);

on_both!(
    the_tally_counts_by_type_and_band_and_exports,
    |app: TestApp| async move {
        let officer = app.login("community_003002").await;
        let number = resident(&officer, &app, "刘秀英", "44030719700303122", "103").await;
        let rid = find_by_id_number(&officer, &number).await;
        let grid = app.unit_id("44030700300201").await;
        let community = app.unit_id("440307003002").await;
        // Four disputes: two neighbourhood (3 and 120 people, the latter major), one labour (60), one consumer (600).
        let mut ids = Vec::new();
        for (t, n, major) in [
            ("neighbourhood", 3, false),
            ("neighbourhood", 120, true),
            ("labour_wages", 60, false),
            ("consumer", 600, false),
        ] {
            let d = register(&officer, dispute_form(grid, rid, t, n, major)).await;
            ids.push(d["dispute"]["id"].as_i64().expect("id"));
        }
        // The major one is mediated to an agreement; the labour one fails.
        for (id, ok) in [(ids[1], true), (ids[2], false)] {
            let (s, _) = assign(&officer, id, community, "李调解").await;
            assert_eq!(s, StatusCode::OK);
            let (s, v) = if ok {
                officer
                    .post(
                        &format!("/api/v1/disputes/{id}/sessions"),
                        json!({"participants": "双方", "content": "调解"}),
                    )
                    .await;
                officer
                    .post(
                        &format!("/api/v1/disputes/{id}/agreement"),
                        json!({"agreement_text": "协议内容", "signed": false}),
                    )
                    .await
            } else {
                officer
                    .post(
                        &format!("/api/v1/disputes/{id}/fail"),
                        json!({"referral": "arbitration", "reason": "申请劳动仲裁"}),
                    )
                    .await
            };
            assert_eq!(s, StatusCode::OK, "{v}");
        }
        let month = today().format("%Y-%m").to_string();
        let (s, t) = officer.get(&format!("/api/v1/dispute-tally?month={month}")).await;
        assert_eq!(s, StatusCode::OK, "{t}");
        assert_eq!(t["month"], month);
        assert_eq!(t["types"][0]["code"], "neighbourhood");
        let rows = t["rows"].as_array().expect("rows");
        let row = rows
            .iter()
            .find(|r| r["kind"] == "community" && r["org_unit_id"] == community)
            .expect("the community's row");
        assert_eq!(row["screened"]["total"], 4, "{row}");
        // neighbourhood, family, labour_wages, land_demolition, property_management, consumer, other
        assert_eq!(row["screened"]["by_type"], json!([2, 0, 1, 0, 0, 1, 0]));
        // lt50, 50_100, 100_500, gt500
        assert_eq!(row["screened"]["by_band"], json!([1, 1, 1, 1]));
        assert_eq!(row["screened"]["major"], 1);
        assert_eq!(row["mediated"]["total"], 1);
        assert_eq!(row["mediated"]["by_type"], json!([1, 0, 0, 0, 0, 0, 0]));
        assert_eq!(row["mediated"]["by_band"], json!([0, 0, 1, 0]));
        assert_eq!(row["mediated"]["major"], 1);
        assert_eq!(row["ytd_screened"], 4);
        assert_eq!(row["ytd_mediated"], 1);
        let sub = rows.iter().find(|r| r["kind"] == "subtotal").expect("subtotal");
        assert_eq!(sub["screened"]["total"], 4);
        let total = rows.last().expect("total");
        assert_eq!(total["kind"], "total");
        assert_eq!(total["name"], "合计");
        assert_eq!(total["mediated"]["total"], 1);
        // Last month counted nothing, and the year to date of last month knows nothing of this one.
        let first = today().with_day(1).expect("first");
        let last_month = (first - Duration::days(1)).format("%Y-%m").to_string();
        let (_, t) = officer.get(&format!("/api/v1/dispute-tally?month={last_month}")).await;
        assert_eq!(
            t["rows"].as_array().expect("rows").last().expect("total")["screened"]["total"],
            0
        );
        let (s, v) = officer.get("/api/v1/dispute-tally?month=2026-13").await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(v["error"]["field"], "month");

        // The XLSX: the sheet's name, the title, the unit and month in the head, the community's row.
        let (s, bytes) = officer
            .download(&format!("/api/v1/dispute-tally/export?month={month}"))
            .await;
        assert_eq!(s, StatusCode::OK);
        let mut wb = calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).expect("xlsx");
        assert_eq!(wb.sheet_names(), ["矛盾纠纷排查调处情况"]);
        let range = wb.worksheet_range("矛盾纠纷排查调处情况").expect("sheet");
        let cell = |r: u32, c: u32| range.get_value((r, c)).cloned().unwrap_or(Data::Empty).to_string();
        assert_eq!(cell(0, 0), "矛盾纠纷排查调处情况统计表");
        let head = cell(1, 0);
        assert!(
            head.contains("良安田") && head.contains(&format!("{}年{}月", today().year(), today().month())),
            "{head}"
        );
        assert_eq!(cell(2, 0), "单位");
        assert_eq!(cell(2, 1), "排查矛盾纠纷（件）");
        assert_eq!(cell(3, 2), "邻里纠纷");
        let r = (4..range.height() as u32)
            .find(|r| cell(*r, 0).contains("良安田"))
            .expect("the community's row");
        assert_eq!(cell(r, 1), "4");
        assert_eq!(cell(r, 2), "2");
    }
);

on_both!(
    a_dispute_is_assigned_with_a_notice_and_is_in_the_intake_register,
    |app: TestApp| async move {
        let officer = app.login("community_003002").await;
        let number = resident(&officer, &app, "王交办", "44030719800303123", "301").await;
        let rid = find_by_id_number(&officer, &number).await;
        let grid = app.unit_id("44030700300201").await;
        let community = app.unit_id("440307003002").await;
        let d = register(&officer, dispute_form(grid, rid, "neighbourhood", 3, true)).await;
        let id = d["dispute"]["id"].as_i64().expect("id");
        let (s, v) = officer
            .post(
                &format!("/api/v1/disputes/{id}/assign"),
                json!({"unit_id": community, "mediator_name": "李调解", "deadline": day(10)}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");

        let (s, n) = officer
            .post(
                "/api/v1/notices",
                json!({"kind":"assignment","subject_kind":"dispute","subject_id":id}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{n}");
        assert_eq!(n["subject_number"], d["dispute"]["number"]);
        assert!(n["addressee"].as_str().expect("addressee").contains("良安田"), "{n}");
        let (s, doc) = officer.download(&format!("/api/v1/notices/{}/document", n["id"])).await;
        assert_eq!(s, StatusCode::OK);
        let text = docx_rs::read_docx(&doc).expect("a .docx").json();
        for want in [
            "交办通知书",
            "王交办、深圳市良安物业管理有限公司",
            "楼上住户装修噪音扰民",
            "属重大矛盾纠纷",
            "前办结并书面反馈",
            "交办通知书回执",
        ] {
            assert!(text.contains(want), "the notice lacks {want}");
        }
        // The assigned community's officers were told, in their inbox.
        let (_, inbox) = officer.get("/api/v1/notifications").await;
        assert!(
            inbox["items"]
                .as_array()
                .expect("items")
                .iter()
                .any(|x| x["kind"] == "dispute_assign" && x["subject_id"] == id),
            "{inbox}"
        );
        // Another community neither issues for it nor sees the notice.
        let other = app.login("community_003004").await;
        let (s, _) = other
            .post(
                "/api/v1/notices",
                json!({"kind":"assignment","subject_kind":"dispute","subject_id":id}),
            )
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND);

        let (s, v) = officer.get("/api/v1/registers/intake").await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let row = v["items"]
            .as_array()
            .expect("items")
            .iter()
            .find(|r| r["matter_kind"] == "dispute" && r["matter_id"] == id)
            .unwrap_or_else(|| panic!("the dispute in the register: {v}"))
            .clone();
        assert_eq!(row["party_name"], "王*办、深圳市良安物业管理有限公司", "{row}");
        assert_eq!(row["people"], 3);
        assert_eq!(row["remarks"], "重大矛盾纠纷");
        assert!(
            row["category"].as_str().expect("category").starts_with("矛盾纠纷／"),
            "{row}"
        );
        assert!(row["unit_assigned"].as_str().expect("unit").contains("良安田"), "{row}");
    }
);
