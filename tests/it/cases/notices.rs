//! Notices for a case (issue 16): the 交办通知书 filled from the case, its serial per issuing
//! unit and year, gapless under 12 concurrent issues and never reused after a void, the document
//! archived encrypted and served as issued, templates and prefixes as settings, every refusal.
use zongguan_db::entity::audit_log;
use zongguan_db::sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::*;
use crate::common::assert_error;

/// A case reported in 良安田 grid 01, accepted and dispatched by the community center.
async fn dispatched_case(app: &TestApp, seed: u64) -> (Value, Client) {
    geography(app).await;
    let g = app.login("grid_00300201").await;
    let center = app.login("community_003002").await;
    let c = report(&g, "0101", point_in(app, GRID, seed).await).await;
    let id = c["id"].as_i64().expect("id");
    let v = ok(&center, id, json!({"action":"accept"}), &c["version"]).await;
    let v = ok(&center, id, json!({"action":"dispatch"}), &v["version"]).await;
    (v, center)
}

/// Every text of a .docx, as docx-rs reads it back.
fn text_of(docx: &[u8]) -> String {
    docx_rs::read_docx(docx).expect("a valid .docx").json()
}

fn year() -> i32 {
    use chrono::Datelike;
    zongguan_core::time::cst_date(Utc::now()).year()
}

async fn issue(c: &Client, body: Value) -> (StatusCode, Value) {
    c.post("/api/v1/notices", body).await
}

on_both!(
    an_assignment_notice_is_filled_numbered_archived_and_audited,
    |app: TestApp| async move {
        let (case, center) = dispatched_case(&app, 11).await;
        let id = case["id"].as_i64().expect("id");
        let unit = app.unit_id("440307003002").await;
        let (s, prefix) = center.get(&format!("/api/v1/notice-prefixes/{unit}")).await;
        assert_eq!(s, StatusCode::OK, "{prefix}");
        let prefix = prefix["prefix"].as_str().expect("prefix").to_string();
        assert!(prefix.ends_with("综治"), "{prefix}");

        let (s, n) = issue(
            &center,
            json!({"kind":"assignment","subject_kind":"case","subject_id":id,"values":{"交办依据":"群众反映强烈，按职责交办"}}),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{n}");
        assert_eq!(n["serial"], format!("{prefix}交〔{}〕1号", year()));
        assert_eq!(n["number"], 1);
        assert_eq!(n["title"], "交办通知书");
        assert_eq!(n["subject_number"], case["code"]);
        assert_eq!(n["has_return_slip"], true);
        let addressee = n["addressee"].as_str().expect("addressee").to_string();
        assert!(!addressee.is_empty(), "{n}");
        let nid = n["id"].as_i64().expect("id");

        // The document is what was issued: head, serial, title, the case, the deadline, the slip.
        let (s, doc) = center.download(&format!("/api/v1/notices/{nid}/document")).await;
        assert_eq!(s, StatusCode::OK);
        let text = text_of(&doc);
        for want in [
            n["serial"].as_str().expect("serial"),
            "交办通知书",
            "交办通知书回执",
            case["code"].as_str().expect("code"),
            &format!("{addressee}："),
            "群众反映强烈，按职责交办",
            "前办结并书面反馈",
        ] {
            assert!(text.contains(want), "the document lacks {want}");
        }
        {
            use sha2::Digest;
            assert_eq!(n["file_sha256"], hex::encode(sha2::Sha256::digest(&doc)));
        }
        // At rest the archive is sealed: not a zip, and none of its text readable.
        let key = zongguan_db::entity::notice::Entity::find_by_id(nid)
            .one(&app.db.conn)
            .await
            .expect("query")
            .expect("row")
            .file_key;
        let raw = std::fs::read(app.files_dir.join(&key)).expect("archived file");
        assert!(!raw.starts_with(b"PK"), "stored in the clear");
        let serial = n["serial"].as_str().expect("serial").as_bytes().to_vec();
        assert!(!raw.windows(serial.len()).any(|w| w == serial.as_slice()));

        // The next is number 2; a voided notice keeps its number, the next is 3.
        let (s, n2) = issue(
            &center,
            json!({"kind":"assignment","subject_kind":"case","subject_id":id}),
        )
        .await;
        assert_eq!((s, n2["number"].as_i64()), (StatusCode::CREATED, Some(2)), "{n2}");
        let (s, v) = center
            .post(&format!("/api/v1/notices/{nid}/void"), json!({"reason":"主送单位有误"}))
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert!(v["voided_at"].is_string());
        let (s, v) = center
            .post(&format!("/api/v1/notices/{nid}/void"), json!({"reason":"再次作废"}))
            .await;
        assert_eq!(s, StatusCode::CONFLICT, "{v}");
        let (s, v) = center
            .post(&format!("/api/v1/notices/{nid}/void"), json!({"reason":" "}))
            .await;
        assert_eq!(
            (s, v["error"]["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("reason"))
        );
        let (s, n3) = issue(
            &center,
            json!({"kind":"assignment","subject_kind":"case","subject_id":id}),
        )
        .await;
        assert_eq!((s, n3["number"].as_i64()), (StatusCode::CREATED, Some(3)), "{n3}");
        // Supervision runs its own numbers (督), from 1.
        let (s, sup) = issue(
            &center,
            json!({"kind":"supervision","subject_kind":"case","subject_id":id}),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{sup}");
        assert_eq!(sup["serial"], format!("{prefix}督〔{}〕1号", year()));

        // The return slip comes back once.
        let n2id = n2["id"].as_i64().expect("id");
        let (s, v) = center
            .post(
                &format!("/api/v1/notices/{n2id}/return-slip"),
                json!({"receiver":"陈科长","result":"已清理完毕"}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["return_receiver"], "陈科长");
        let (s, _) = center
            .post(
                &format!("/api/v1/notices/{n2id}/return-slip"),
                json!({"receiver":"陈科长"}),
            )
            .await;
        assert_eq!(s, StatusCode::CONFLICT);

        // The matter's notices, newest first.
        let (s, list) = center
            .get(&format!("/api/v1/notices?subject_kind=case&subject_id={id}"))
            .await;
        assert_eq!(s, StatusCode::OK, "{list}");
        assert_eq!(list["total"], 4);
        assert_eq!(list["items"][0]["id"], sup["id"]);

        // Issue and download are audited.
        for action in ["issue", "download", "void", "return_slip"] {
            let rows = audit_log::Entity::find()
                .filter(audit_log::Column::Action.eq(action))
                .filter(audit_log::Column::ObjectType.eq("notice"))
                .all(&app.db.conn)
                .await
                .expect("audit");
            assert!(!rows.is_empty(), "no {action} audit row");
        }
    }
);

on_both!(notice_refusals_name_the_field_or_the_step, |app: TestApp| async move {
    let (case, center) = dispatched_case(&app, 12).await;
    let id = case["id"].as_i64().expect("id");
    let (s, n) = issue(
        &center,
        json!({"kind":"assignment","subject_kind":"case","subject_id":id}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{n}");
    let nid = n["id"].as_i64().expect("id");

    // Out of scope: another community's officer can neither issue for the case nor see it.
    let other = app.login("community_003004").await;
    let (s, v) = issue(
        &other,
        json!({"kind":"assignment","subject_kind":"case","subject_id":id}),
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{v}");
    let (s, _) = other.get(&format!("/api/v1/notices/{nid}")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = other.download(&format!("/api/v1/notices/{nid}/document")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, v) = other.get("/api/v1/notices").await;
    assert_eq!((s, v["total"].as_i64()), (StatusCode::OK, Some(0)), "{v}");
    // A leader reads but does not issue; a grid worker does neither; the system
    // administrator edits templates but issues nothing.
    let leader = app.login("leader").await;
    let (s, v) = leader.get(&format!("/api/v1/notices/{nid}")).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, v) = issue(
        &leader,
        json!({"kind":"assignment","subject_kind":"case","subject_id":id}),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    let (s, v) = leader
        .post(&format!("/api/v1/notices/{nid}/void"), json!({"reason":"x"}))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    let grid = app.login("grid_00300201").await;
    let (s, _) = grid.get("/api/v1/notices").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let admin = app.login("admin").await;
    let (s, v) = issue(
        &admin,
        json!({"kind":"assignment","subject_kind":"case","subject_id":id}),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    let (s, v) = center
        .put(
            "/api/v1/notice-templates/assignment",
            json!({"body":"{{主送单位}}：改了"}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");

    // Bad input, by field.
    for (body, field) in [
        (
            json!({"kind":"petition_answer","subject_kind":"case","subject_id":id}),
            "kind",
        ),
        (json!({"kind":"notice","subject_kind":"case","subject_id":id}), "kind"),
        (
            json!({"kind":"assignment","subject_kind":"house","subject_id":id}),
            "subject_kind",
        ),
        (
            json!({"kind":"assignment","subject_kind":"case","subject_id":id,"values":{"文号":"自编1号"}}),
            "values",
        ),
        (
            json!({"kind":"assignment","subject_kind":"case","subject_id":id,"values":{"截止时间":"明天"}}),
            "values",
        ),
        (
            json!({"kind":"assignment","subject_kind":"case","subject_id":id,"deadline":"2020-01-01"}),
            "deadline",
        ),
    ] {
        let (s, v) = issue(&center, body.clone()).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body} → {v}");
        assert_eq!(v["error"]["field"], field, "{body} → {v}");
        assert_error(&v, "validation");
    }
    let (s, v) = center.get("/api/v1/notices?subject_kind=case").await;
    assert_eq!(
        (s, v["error"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("subject_id"))
    );

    // Templates: an unknown placeholder is named; a good body is used by the next issue.
    let (s, v) = admin
        .put(
            "/api/v1/notice-templates/assignment",
            json!({"body":"{{主送单位}}：\n请于{{截止时间}}前办结"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["field"], "body");
    assert!(
        v["error"]["message"].as_str().expect("message").contains("截止时间"),
        "{v}"
    );
    let (s, v) = admin
        .put(
            "/api/v1/notice-templates/assignment",
            json!({"body":"{{主送单位}}：\n请即刻处置编号{{事项编号}}的事项，{{办结期限}}前办结。"}),
        )
        .await;
    assert_eq!((s, v["is_default"].as_bool()), (StatusCode::OK, Some(false)), "{v}");
    // And the unit's own prefix.
    let unit = app.unit_id("440307003002").await;
    let (s, v) = admin
        .put(
            &format!("/api/v1/notice-prefixes/{unit}"),
            json!({"prefix":"良安田社区综治"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, v) = admin
        .put(&format!("/api/v1/notice-prefixes/{unit}"), json!({"prefix":"良安田2"}))
        .await;
    assert_eq!(
        (s, v["error"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("prefix"))
    );
    let (s, n) = issue(
        &center,
        json!({"kind":"assignment","subject_kind":"case","subject_id":id}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{n}");
    assert_eq!(n["serial"], format!("良安田社区综治交〔{}〕2号", year()));
    let (_, doc) = center.download(&format!("/api/v1/notices/{}/document", n["id"])).await;
    assert!(text_of(&doc).contains("请即刻处置编号"), "the edited template is used");
    // The first notice's document is still the one issued then.
    let (_, doc) = center.download(&format!("/api/v1/notices/{nid}/document")).await;
    assert!(!text_of(&doc).contains("请即刻处置编号"));
    // Reset to the built-in body.
    let (s, v) = admin
        .put("/api/v1/notice-templates/assignment", json!({"body":null}))
        .await;
    assert_eq!((s, v["is_default"].as_bool()), (StatusCode::OK, Some(true)), "{v}");
});

on_both!(
    twelve_concurrent_issues_take_twelve_consecutive_numbers,
    |app: TestApp| async move {
        let (case, center) = dispatched_case(&app, 13).await;
        let id = case["id"].as_i64().expect("id");
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..12 {
            let c = center.clone();
            tasks.spawn(
                async move { issue(&c, json!({"kind":"assignment","subject_kind":"case","subject_id":id})).await },
            );
        }
        let mut numbers = Vec::new();
        let mut serials = std::collections::BTreeSet::new();
        while let Some(r) = tasks.join_next().await {
            let (s, n) = r.expect("task");
            assert_eq!(s, StatusCode::CREATED, "{n}");
            numbers.push(n["number"].as_i64().expect("number"));
            serials.insert(n["serial"].as_str().expect("serial").to_string());
        }
        numbers.sort_unstable();
        assert_eq!(numbers, (1..=12).collect::<Vec<_>>());
        assert_eq!(serials.len(), 12);
    }
);
