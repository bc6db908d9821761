//! Rental houses (issue 16) on SQLite and PostgreSQL: the scoped list, proposals with reasons,
//! confirmation audited, inspections moving the next due day, rectification, the red house's
//! refusal of a new residence, bad input as 422 and a leader who only reads.
use axum::http::StatusCode;
use chrono::{Duration, Utc};
use serde_json::{Value, json};
use zongguan_db::entity::audit_log;
use zongguan_db::sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::common::{Client, TestApp, assert_error};

fn ids(v: &Value) -> Vec<i64> {
    v["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["id"].as_i64().expect("id"))
        .collect()
}

fn day(offset: i64) -> String {
    (zongguan_core::time::cst_date(Utc::now()) + Duration::days(offset)).to_string()
}

fn id_number(body: &str) -> String {
    format!(
        "{body}{}",
        zongguan_core::id_number::check_char(body).expect("17 digits")
    )
}

/// A rental house (60 m²) in 良安田社区 grid 01, by the community officer.
async fn rental_house(app: &TestApp, officer: &Client) -> i64 {
    let grid = app.unit_id("44030700300201").await;
    let (s, b) = officer
        .post("/api/v1/buildings", json!({"code":"LAT-R1","name":"良安田出租楼","address":"平湖街道良安田新村9栋","grid_id":grid,"lon":114.12,"lat":22.68,"floors":6,"use_type":"住宅"}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let (s, h) = officer
        .post(
            "/api/v1/houses",
            json!({"building_id":b["id"],"room":"201","area":60.0,"use_type":"residential","is_rental":true}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{h}");
    h["id"].as_i64().expect("id")
}

fn field(v: &Value) -> &str {
    v["error"]["field"].as_str().unwrap_or("")
}

on_both!(
    rental_list_is_scoped_and_proposals_give_reasons,
    |app: TestApp| async move {
        let officer = app.login("community_003002").await;
        let id = rental_house(&app, &officer).await;
        let (s, v) = officer.get("/api/v1/rental-houses").await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(ids(&v), vec![id]);
        assert_eq!(v["total"], 1);
        assert_eq!(v["total_exact"], true);
        assert_eq!(
            v["items"][0]["due_status"], "overdue",
            "never inspected nor scheduled: {v}"
        );

        // Another community's officer sees none of it.
        let other = app.login("community_003004").await;
        let (s, v) = other.get("/api/v1/rental-houses").await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert!(!ids(&v).contains(&id), "{v}");
        let (s, v) = other.get(&format!("/api/v1/rental-houses/{id}")).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{v}");
        let (s, _) = other
            .post(
                &format!("/api/v1/rental-houses/{id}/classify"),
                json!({"risk_class":"green"}),
            )
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND);

        // Nothing known: green, with the unknown facts named.
        let (s, d) = officer.get(&format!("/api/v1/rental-houses/{id}")).await;
        assert_eq!(s, StatusCode::OK, "{d}");
        assert_eq!(d["proposal"]["class"], "green", "{d}");
        assert!(
            d["proposal"]["unknown"]
                .as_array()
                .expect("unknown")
                .iter()
                .any(|u| u == "building_condition")
        );
        assert_eq!(d["no_tenant"], true);

        // A D-grade building: the rules propose red and say why; the officer confirms orange, audited.
        let (s, d) = officer
        .post(
            &format!("/api/v1/rental-houses/{id}/classify"),
            json!({"risk_class":"orange","rental_type":"urban_village","building_condition":"d","owner_compliance":"partial","note":"已申请鉴定"}),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{d}");
        assert_eq!(d["house"]["risk_class"], "orange");
        assert_eq!(d["house"]["rental_type"], "urban_village");
        assert_eq!(d["proposal"]["class"], "red", "{d}");
        let reasons = d["proposal"]["reasons"].as_array().expect("reasons");
        assert!(reasons[0]["text"].as_str().expect("text").contains("D级"), "{d}");
        assert!(
            reasons
                .iter()
                .any(|r| r["class"] == "yellow" && r["text"].as_str().unwrap_or("").contains("房东")),
            "{d}"
        );
        assert!(d["confirmed_by"].as_str().is_some(), "{d}");
        let audited = audit_log::Entity::find()
            .filter(audit_log::Column::Action.eq("classify"))
            .filter(audit_log::Column::ObjectId.eq(id.to_string()))
            .all(&app.db.conn)
            .await
            .expect("audit");
        assert_eq!(audited.len(), 1);
        assert!(audited[0].detail.as_deref().unwrap_or("").contains("orange"));

        // The proposal for the caller's scope stores it beside the house.
        let (s, t) = officer.post("/api/v1/rental-houses/propose", json!({})).await;
        assert_eq!(s, StatusCode::OK, "{t}");
        assert_eq!(t["houses"], 1, "{t}");
        assert_eq!(t["by_class"]["red"], 1, "{t}");
        let (_, v) = officer.get("/api/v1/rental-houses?risk_class=orange").await;
        assert_eq!(ids(&v), vec![id]);
        assert_eq!(v["items"][0]["proposed_class"], "red");
        let (_, v) = officer.get("/api/v1/rental-houses?risk_class=green").await;
        assert!(ids(&v).is_empty());

        // Bad input names the field.
        for (path, body, f) in [
            (
                format!("/api/v1/rental-houses/{id}/classify"),
                json!({"risk_class":"purple"}),
                "risk_class",
            ),
            (
                format!("/api/v1/rental-houses/{id}/classify"),
                json!({"risk_class":"red","building_condition":"z"}),
                "building_condition",
            ),
            (
                format!("/api/v1/rental-houses/{id}/inspections"),
                json!({"inspected_on":"2026-13-01"}),
                "inspected_on",
            ),
            (
                format!("/api/v1/rental-houses/{id}/inspections"),
                json!({"inspected_on":day(1)}),
                "inspected_on",
            ),
            (
                format!("/api/v1/rental-houses/{id}/inspections"),
                json!({"answers":{"no_such_item":"pass"}}),
                "answers",
            ),
            (
                format!("/api/v1/rental-houses/{id}/inspections"),
                json!({"answers":{"gas":"maybe"}}),
                "answers",
            ),
            (
                format!("/api/v1/rental-houses/{id}/inspections"),
                json!({"answers":{"gas":"fail"}}),
                "rectify_by",
            ),
            (
                format!("/api/v1/rental-houses/{id}/inspections"),
                json!({"rectify_by":day(3)}),
                "rectify_by",
            ),
        ] {
            let (s, v) = officer.post(&path, body.clone()).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {v}");
            assert_eq!(field(&v), f, "{body}: {v}");
        }
        for q in ["due_status=late", "risk_class=purple", "rental_type=castle"] {
            let (s, v) = officer.get(&format!("/api/v1/rental-houses?{q}")).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{q}: {v}");
        }

        // A leader reads and cannot write.
        let leader = app.login("leader").await;
        let (s, v) = leader.get(&format!("/api/v1/rental-houses/{id}")).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let (s, v) = leader
            .post(
                &format!("/api/v1/rental-houses/{id}/classify"),
                json!({"risk_class":"green"}),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
        let (s, _) = leader
            .post(&format!("/api/v1/rental-houses/{id}/inspections"), json!({}))
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (s, _) = leader.post("/api/v1/rental-houses/propose", json!({})).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        // The auditor sees no business data.
        let auditor = app.login("auditor").await;
        let (s, _) = auditor.get("/api/v1/rental-houses").await;
        assert_eq!(s, StatusCode::FORBIDDEN);
    }
);

on_both!(
    inspections_set_the_next_due_day_and_rectification,
    |app: TestApp| async move {
        let officer = app.login("community_003002").await;
        let id = rental_house(&app, &officer).await;
        let (s, v) = officer
            .post(
                &format!("/api/v1/rental-houses/{id}/classify"),
                json!({"risk_class":"green"}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");

        // An all-clear visit 30 days ago: green is due 21 days later, so overdue now.
        let (s, i) = officer
            .post(
                &format!("/api/v1/rental-houses/{id}/inspections"),
                json!({"inspected_on":day(-30)}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{i}");
        assert_eq!(i["next_due_on"], day(-9));
        assert_eq!(i["hazards"], 0);
        assert!(
            i["answers"].as_object().expect("answers").values().all(|a| a == "pass"),
            "{i}"
        );
        let (_, v) = officer.get("/api/v1/rental-houses?due_status=overdue").await;
        assert_eq!(ids(&v), vec![id], "{v}");
        assert_eq!(v["items"][0]["last_inspected_on"], day(-30));

        // A visit 10 days ago finds bad wiring (a major hazard) with a deadline already past.
        let (s, bad) = officer
        .post(
            &format!("/api/v1/rental-houses/{id}/inspections"),
            json!({"inspected_on":day(-10),"answers":{"wiring":"fail"},"rectification":"拆除私拉电线","rectify_by":day(-3),"owner_signature":"陈房东"}),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{bad}");
        assert_eq!(bad["major_hazards"], 1);
        assert_eq!(bad["rectification_overdue"], true);
        assert_eq!(bad["next_due_on"], day(11));
        let iid = bad["id"].as_i64().expect("id");
        let (_, v) = officer.get("/api/v1/rental-houses?due_status=overdue").await;
        assert!(ids(&v).is_empty(), "due in 11 days: {v}");
        let (_, v) = officer.get("/api/v1/rental-houses?due_status=not_due").await;
        assert_eq!(ids(&v), vec![id]);
        let (_, v) = officer.get("/api/v1/rental-inspections?overdue=true").await;
        assert_eq!(ids(&v), vec![iid], "{v}");
        let (_, d) = officer.get(&format!("/api/v1/rental-houses/{id}")).await;
        assert_eq!(d["facts"]["major_hazards"], 1, "{d}");
        assert_eq!(d["proposal"]["class"], "red", "an open major hazard: {d}");
        assert_eq!(d["inspections"].as_array().expect("visits").len(), 2);
        assert_eq!(d["inspections"][0]["id"], iid, "newest first");
        let other = app.login("community_003004").await;
        let (s, _) = other
            .post(&format!("/api/v1/rental-inspections/{iid}/rectified"), json!({}))
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let (_, v) = other.get("/api/v1/rental-inspections?open=true").await;
        assert!(!ids(&v).contains(&iid));

        let (s, r) = officer
            .post(&format!("/api/v1/rental-inspections/{iid}/rectified"), json!({}))
            .await;
        assert_eq!(s, StatusCode::OK, "{r}");
        assert!(r["rectified_at"].is_string());
        let (s, v) = officer
            .post(&format!("/api/v1/rental-inspections/{iid}/rectified"), json!({}))
            .await;
        assert_eq!(s, StatusCode::CONFLICT, "{v}");
        assert_error(&v, "conflict");
        let (_, v) = officer.get("/api/v1/rental-inspections?overdue=true").await;
        assert!(ids(&v).is_empty(), "{v}");
        let (_, d) = officer.get(&format!("/api/v1/rental-houses/{id}")).await;
        assert_eq!(d["proposal"]["class"], "green", "{d}");
        let (_, v) = officer.get(&format!("/api/v1/rental-houses/{id}/inspections")).await;
        assert_eq!(v["total"], 2);

        // The grid worker of that grid inspects too; the checklist is data.
        let worker = app.login("grid_00300201").await;
        let (s, v) = worker
            .post(&format!("/api/v1/rental-houses/{id}/inspections"), json!({}))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let (s, v) = worker
            .post(
                &format!("/api/v1/rental-houses/{id}/classify"),
                json!({"risk_class":"green"}),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "a grid worker does not confirm classes: {v}");
        let (s, list) = worker.get("/api/v1/rental-checklists").await;
        assert_eq!(s, StatusCode::OK, "{list}");
        assert!(
            list.as_array()
                .expect("items")
                .iter()
                .any(|i| i["code"] == "fire_exit" && i["major"] == true)
        );
    }
);

on_both!(a_red_house_refuses_a_new_residence, |app: TestApp| async move {
    let officer = app.login("community_003002").await;
    let id = rental_house(&app, &officer).await;
    let (s, p) = officer
        .post("/api/v1/residents", json!({"name":"李租客","id_number":id_number("44030719900101123"),"registration_type":"流动人口","house_id":id}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    let (_, d) = officer.get(&format!("/api/v1/rental-houses/{id}")).await;
    assert_eq!(d["no_tenant"], false);
    assert_eq!(d["tenants"].as_array().expect("tenants").len(), 1);
    assert_eq!(d["tenants"][0]["name"], "李*客");

    let (s, v) = officer
        .post(
            &format!("/api/v1/rental-houses/{id}/classify"),
            json!({"risk_class":"red"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, v) = officer
        .post("/api/v1/residents", json!({"name":"王租客","id_number":id_number("44030719910202234"),"registration_type":"流动人口","house_id":id}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(field(&v), "house_id");
    assert!(v["error"]["message"].as_str().unwrap_or("").contains("禁止级"), "{v}");
    let grid = app.unit_id("44030700300201").await;
    let (s, p2) = officer
        .post("/api/v1/residents", json!({"name":"赵租客","id_number":id_number("44030719920303345"),"registration_type":"流动人口","org_unit_id":grid}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{p2}");
    let (s, v) = officer
        .post(
            &format!("/api/v1/residents/{}/move-in", p2["id"]),
            json!({"house_id":id}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(v["error"]["message"].as_str().unwrap_or("").contains("不得出租"), "{v}");
});

on_both!(
    the_rectification_register_holds_findings_with_their_state,
    |app: TestApp| async move {
        let officer = app.login("community_003002").await;
        let id = rental_house(&app, &officer).await;
        let (s, clean) = officer
            .post(
                &format!("/api/v1/rental-houses/{id}/inspections"),
                json!({"inspected_on":day(-6)}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{clean}");
        let (s, bad) = officer
            .post(
                &format!("/api/v1/rental-houses/{id}/inspections"),
                json!({"inspected_on":day(-5),"answers":{"gas":"fail"},"rectification":"停用瓶装液化气","rectify_by":day(-1),"owner_signature":"陈房东"}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{bad}");
        let month = &day(-5)[..7];
        let (s, v) = officer
            .get(&format!("/api/v1/registers/rectification?month={month}"))
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["total"], 1, "only the visit with a finding: {v}");
        let row = &v["items"][0];
        assert_eq!(row["id"], bad["id"]);
        assert_eq!(
            (row["level"].as_str(), row["status"].as_str()),
            (Some("重大隐患"), Some("overdue")),
            "{row}"
        );
        assert!(
            row["place"].as_str().expect("place").ends_with("良安田新村9栋201"),
            "{row}"
        );
        assert_eq!(row["owner_signature"], "陈房东");
        let (_, v) = officer
            .get(&format!(
                "/api/v1/registers/rectification?month={month}&status=rectified"
            ))
            .await;
        assert_eq!(v["total"], 0);
        let (s, v) = officer
            .get(&format!("/api/v1/registers/rectification?month={month}&status=done"))
            .await;
        assert_eq!((s, field(&v)), (StatusCode::UNPROCESSABLE_ENTITY, "status"));
        let iid = bad["id"].as_i64().expect("id");
        let (s, _) = officer
            .post(&format!("/api/v1/rental-inspections/{iid}/rectified"), json!({}))
            .await;
        assert_eq!(s, StatusCode::OK);
        let (_, v) = officer
            .get(&format!(
                "/api/v1/registers/rectification?month={month}&status=rectified"
            ))
            .await;
        assert_eq!(v["items"][0]["status_zh"], "已整改", "{v}");
        // Out of scope: another community's register is empty.
        let other = app.login("community_003004").await;
        let (_, v) = other
            .get(&format!("/api/v1/registers/rectification?month={month}"))
            .await;
        assert_eq!(v["total"], 0);

        let (s, bytes) = officer
            .download(&format!("/api/v1/registers/rectification/export?month={month}"))
            .await;
        assert_eq!(s, StatusCode::OK, "{}", String::from_utf8_lossy(&bytes));
        let mut wb = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes)).expect("xlsx");
        use calamine::Reader;
        let sheet = wb.worksheet_range("排查整治登记本").expect("the sheet");
        let cell = |r: u32, c: u32| sheet.get_value((r, c)).map(|d| d.to_string()).unwrap_or_default();
        assert_eq!(cell(0, 0), "排查整治登记本");
        assert!(cell(1, 0).contains("月份："), "{}", cell(1, 0));
        assert_eq!(
            (cell(2, 0), cell(2, 6), cell(2, 10), cell(2, 13)),
            (
                "序号".into(),
                "发现问题及隐患".into(),
                "整改情况".into(),
                "责任人签字".into()
            )
        );
        assert_eq!(
            (cell(3, 0), cell(3, 1), cell(3, 10)),
            ("1".into(), day(-5), "已整改".into())
        );
        assert_eq!(sheet.height(), 4);
    }
);

on_both!(
    a_rental_house_plate_is_a_png_whose_qr_code_opens_the_house,
    |app: TestApp| async move {
        let officer = app.login("community_003002").await;
        let id = rental_house(&app, &officer).await;
        let (s, _) = officer
            .post(
                &format!("/api/v1/rental-houses/{id}/classify"),
                json!({"risk_class":"yellow"}),
            )
            .await;
        assert_eq!(s, StatusCode::OK);
        let (s, png) = officer.download(&format!("/api/v1/rental-houses/{id}/plate.png")).await;
        assert_eq!(s, StatusCode::OK, "{}", String::from_utf8_lossy(&png));
        let img = image::load_from_memory(&png).expect("a PNG").to_luma8();
        let mut prepared = rqrr::PreparedImage::prepare(img);
        let grids = prepared.detect_grids();
        assert_eq!(grids.len(), 1, "one QR code");
        let (_, url) = grids[0].decode().expect("decodes");
        assert!(url.ends_with(&format!("/governance/rental?house={id}")), "{url}");
        let other = app.login("community_003004").await;
        let (s, _) = other.download(&format!("/api/v1/rental-houses/{id}/plate.png")).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
    }
);
