//! Governance settings (issue 16, 治理参数) on SQLite and PostgreSQL: the administrator reads and
//! saves each setting in one shape, a saved limit counts for the next records (a dispute's step
//! deadlines, an incident's report-up), every save is audited, and each refusal: the officers of
//! a community and a grid, the security and audit administrators (403), bad values (422 naming
//! the value's path), nothing saved by a refusal.
use axum::http::StatusCode;
use chrono::{DateTime, Duration, SubsecRound, Utc};
use serde_json::{Value, json};
use zongguan_db::entity::audit_log;
use zongguan_db::sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::common::{Client, TestApp, assert_error};

const SETTINGS: [&str; 4] = [
    "/api/v1/dispute-settings",
    "/api/v1/stability-settings",
    "/api/v1/rental-rules",
    "/api/v1/petition-limits",
];

fn field(v: &Value) -> &str {
    v["error"]["field"].as_str().unwrap_or("")
}

fn time(v: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(v.as_str().unwrap_or_else(|| panic!("a time: {v}")))
        .expect("rfc3339")
        .with_timezone(&Utc)
}

/// `at` within a minute of `want` (the request's own clock).
fn about(at: DateTime<Utc>, want: DateTime<Utc>) -> bool {
    (at - want).num_seconds().abs() < 60
}

/// PUTs `body` changed at `pointer` to `value`: the status and the answer.
async fn put_with(c: &Client, path: &str, body: &Value, pointer: &str, value: Value) -> (StatusCode, Value) {
    let mut b = body.clone();
    *b.pointer_mut(pointer).unwrap_or_else(|| panic!("{pointer} in {body}")) = value;
    c.put(path, b).await
}

async fn audited(app: &TestApp, key: &str) -> Vec<audit_log::Model> {
    audit_log::Entity::find()
        .filter(audit_log::Column::ObjectType.eq("setting"))
        .filter(audit_log::Column::ObjectId.eq(key))
        .all(&app.db.conn)
        .await
        .expect("audit rows")
}

on_both!(
    a_saved_dispute_limit_sets_the_next_dispute_s_deadlines,
    |app: TestApp| async move {
        let admin = app.login("admin").await;
        let (s, d) = admin.get("/api/v1/dispute-settings").await;
        assert_eq!(s, StatusCode::OK, "{d}");
        assert_eq!(d["limits"]["mediate"], json!({"working_days": 15}), "{d}");
        assert_eq!(d["screening"]["community"], "half_month");
        assert_eq!(d["screening"]["subdistrict"], "month");

        let mut body = d.clone();
        body["limits"]["assign"] = json!({"hours": 5});
        body["limits"]["mediate"] = json!({"hours": 48});
        body["screening"]["grace_days"] = json!(3);
        let (s, saved) = admin.put("/api/v1/dispute-settings", body.clone()).await;
        assert_eq!(s, StatusCode::OK, "{saved}");
        assert_eq!(saved, body);
        let (_, again) = admin.get("/api/v1/dispute-settings").await;
        assert_eq!(again, body, "the values stay");
        let rows = audited(&app, "dispute.limits").await;
        assert_eq!(rows.len(), 1, "{rows:?}");
        assert_eq!(rows[0].username, "admin");
        assert_eq!(rows[0].action, "update");
        assert!(
            rows[0].detail.as_deref().is_some_and(|d| d.contains("\"hours\":48")),
            "{rows:?}"
        );
        assert_eq!(audited(&app, "dispute.screening").await.len(), 1);

        // The next dispute: five hours to assign, then 48 to mediate, counted from each step.
        let officer = app.login("community_003002").await;
        let grid = app.unit_id("44030700300201").await;
        let community = app.unit_id("440307003002").await;
        let (s, r) = officer
            .post(
                "/api/v1/disputes",
                json!({
                    "source": "walk_in", "channel": "visit", "dispute_type": "neighbourhood", "people_involved": 2,
                    "major": false, "risk_level": "medium", "summary": "两家商铺因占道经营发生争执",
                    "address": "良安田新村", "org_unit_id": grid,
                    "parties": [
                        {"role": "applicant", "org_name": "良安田便利店"},
                        {"role": "respondent", "org_name": "良安田五金店"}
                    ]
                }),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{r}");
        let now = Utc::now();
        assert!(
            about(time(&r["dispute"]["step_deadline"]), now + Duration::hours(5)),
            "assign within 5 h: {r}"
        );
        let id = r["dispute"]["id"].as_i64().expect("id");
        let (s, a) = officer
            .post(
                &format!("/api/v1/disputes/{id}/assign"),
                json!({"unit_id": community, "mediator_name": "李调解"}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{a}");
        let now = Utc::now();
        assert!(
            about(time(&a["deadline"]), now + Duration::hours(48)),
            "mediate within 48 h: {a}"
        );
        assert!(about(time(&a["dispute"]["step_deadline"]), now + Duration::hours(48)));

        // The district center sets the district's rules too.
        let district = app.login("district_officer").await;
        let (s, v) = district.put("/api/v1/dispute-settings", d.clone()).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["limits"]["mediate"], json!({"working_days": 15}));
    }
);

on_both!(
    a_saved_report_limit_sets_the_next_incident_s_clock,
    |app: TestApp| async move {
        let admin = app.login("admin").await;
        let (s, st) = admin.get("/api/v1/stability-settings").await;
        assert_eq!(s, StatusCode::OK, "{st}");
        assert_eq!(st["incidents"]["report_minutes"]["general"], 120, "{st}");
        assert_eq!(st["incidents"]["district_at_once_from"], "large");
        assert_eq!(
            st["visit_schedule"]["groups"]["drug_user"],
            json!({"general": 30, "medium": 14, "serious": 7})
        );
        assert!(st["visit_schedule"]["groups"].get("aids_risk").is_none());

        let mut body = st.clone();
        body["incidents"]["report_minutes"]["general"] = json!(90);
        body["visit_schedule"]["groups"]["aids_risk"] = json!({"general": 60, "medium": 30, "serious": 14});
        let (s, saved) = admin.put("/api/v1/stability-settings", body.clone()).await;
        assert_eq!(s, StatusCode::OK, "{saved}");
        assert_eq!(saved, body);
        let (_, again) = admin.get("/api/v1/stability-settings").await;
        assert_eq!(again, body);
        assert_eq!(audited(&app, "stability.incidents").await.len(), 1);
        assert_eq!(audited(&app, "stability.visit_schedule").await.len(), 1);

        let officer = app.login("community_003002").await;
        let learned = (Utc::now() - Duration::minutes(10)).trunc_subsecs(0);
        let (s, p) = officer
            .post(
                "/api/v1/stability-incidents",
                json!({"kind":"labor_dispute","level":"general","title":"某厂工人聚集讨薪","headcount":8,
                    "address":"良安田工业区","learned_at":learned.to_rfc3339(),
                    "org_unit_id": app.unit_id("440307003002").await}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{p}");
        assert_eq!(
            time(&p["incident"]["report_due_at"]),
            learned + Duration::minutes(90),
            "{p}"
        );
    }
);

on_both!(
    the_rental_rules_and_petition_limits_are_the_administrator_s_too,
    |app: TestApp| async move {
        let admin = app.login("admin").await;
        let (s, r) = admin.get("/api/v1/rental-rules").await;
        assert_eq!(s, StatusCode::OK, "{r}");
        assert_eq!(r["inspection_schedule"]["green"], 21);
        let (s, v) = put_with(
            &admin,
            "/api/v1/rental-rules",
            &r,
            "/inspection_schedule/green",
            json!(28),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["inspection_schedule"]["green"], 28);
        assert_eq!(v["class_rules"], r["class_rules"]);
        let (s, c) = admin.get("/api/v1/rental-checklists").await;
        assert_eq!(s, StatusCode::OK, "{c}");
        assert!(c.as_array().is_some_and(|c| !c.is_empty()), "{c}");

        let (s, l) = admin.get("/api/v1/petition-limits").await;
        assert_eq!(s, StatusCode::OK, "{l}");
        let (s, v) = put_with(&admin, "/api/v1/petition-limits", &l, "/limits/warning_days", json!(7)).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["limits"]["warning_days"], 7);
        assert_eq!(audited(&app, "petition.limits").await.len(), 1);
        assert_eq!(audited(&app, "rental.inspection_schedule").await.len(), 1);
    }
);

on_both!(
    only_the_administrators_of_the_rules_read_or_save_them,
    |app: TestApp| async move {
        let admin = app.login("admin").await;
        let mut bodies = Vec::new();
        for path in SETTINGS {
            let (s, v) = admin.get(path).await;
            assert_eq!(s, StatusCode::OK, "{path}: {v}");
            bodies.push(v);
        }
        // The security and audit administrators stay within their duty; the officers of a
        // community and a grid and the leader do not set the district's rules.
        for user in ["secadmin", "auditor", "community_003002", "grid_00300201", "leader"] {
            let c = app.login(user).await;
            for (path, body) in SETTINGS[..2].iter().zip(&bodies) {
                let (s, v) = c.get(path).await;
                assert_eq!(s, StatusCode::FORBIDDEN, "{user} GET {path}: {v}");
                assert_error(&v, "forbidden");
                let (s, v) = c.put(path, body.clone()).await;
                assert_eq!(s, StatusCode::FORBIDDEN, "{user} PUT {path}: {v}");
            }
        }
        // Classifying houses or approving petition extensions is not setting the district's rules.
        for user in ["secadmin", "auditor", "grid_00300201", "community_003002", "leader"] {
            let c = app.login(user).await;
            for (path, body) in SETTINGS[2..].iter().zip(&bodies[2..]) {
                let (s, v) = c.put(path, body.clone()).await;
                assert_eq!(s, StatusCode::FORBIDDEN, "{user} PUT {path}: {v}");
            }
        }
        for user in ["secadmin", "auditor"] {
            let c = app.login(user).await;
            for path in &SETTINGS[2..] {
                let (s, _) = c.get(path).await;
                assert_eq!(s, StatusCode::FORBIDDEN, "{user} GET {path}");
            }
        }
        // Nothing was saved by any refusal.
        let rows = audit_log::Entity::find()
            .filter(audit_log::Column::ObjectType.eq("setting"))
            .all(&app.db.conn)
            .await
            .expect("audit rows");
        assert!(rows.is_empty(), "{rows:?}");
        // A refusal is a 403 even for a body that would not pass.
        let grid = app.login("grid_00300201").await;
        let (s, _) = grid.put("/api/v1/dispute-settings", json!({"limits": 1})).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
    }
);

on_both!(bad_values_are_refused_naming_their_path, |app: TestApp| async move {
    let admin = app.login("admin").await;
    let (_, d) = admin.get("/api/v1/dispute-settings").await;
    let (_, st) = admin.get("/api/v1/stability-settings").await;
    let (_, r) = admin.get("/api/v1/rental-rules").await;
    let (_, l) = admin.get("/api/v1/petition-limits").await;
    let cases: Vec<(&str, &Value, &str, Value, &str)> = vec![
        (
            "/api/v1/dispute-settings",
            &d,
            "/limits/mediate",
            json!({"working_days": 0}),
            "limits.mediate",
        ),
        (
            "/api/v1/dispute-settings",
            &d,
            "/limits/mediate",
            json!({"hours": 9000}),
            "limits.mediate",
        ),
        (
            "/api/v1/dispute-settings",
            &d,
            "/limits/mediate",
            json!({"working_days": -1}),
            "limits.mediate.working_days",
        ),
        (
            "/api/v1/dispute-settings",
            &d,
            "/limits/assign",
            json!({"weeks": 1}),
            "limits.assign",
        ),
        (
            "/api/v1/dispute-settings",
            &d,
            "/screening/grace_days",
            json!(16),
            "screening.grace_days",
        ),
        (
            "/api/v1/dispute-settings",
            &d,
            "/screening/community",
            json!("weekly"),
            "screening.community",
        ),
        (
            "/api/v1/stability-settings",
            &st,
            "/incidents/report_minutes/major",
            json!(0),
            "incidents.report_minutes.major",
        ),
        (
            "/api/v1/stability-settings",
            &st,
            "/incidents/report_minutes/general",
            json!(2000),
            "incidents.report_minutes.general",
        ),
        // A major incident may not wait longer than a large one.
        (
            "/api/v1/stability-settings",
            &st,
            "/incidents/report_minutes/major",
            json!(90),
            "incidents.report_minutes.major",
        ),
        (
            "/api/v1/stability-settings",
            &st,
            "/incidents/district_at_once_from",
            json!("huge"),
            "incidents.district_at_once_from",
        ),
        (
            "/api/v1/stability-settings",
            &st,
            "/visit_schedule/groups/drug_user/serious",
            json!(0),
            "visit_schedule.groups.drug_user.serious",
        ),
        (
            "/api/v1/stability-settings",
            &st,
            "/visit_schedule/groups/drug_user/general",
            json!(400),
            "visit_schedule.groups.drug_user.general",
        ),
        (
            "/api/v1/stability-settings",
            &st,
            "/visit_schedule/lead_days",
            json!(31),
            "visit_schedule.lead_days",
        ),
        (
            "/api/v1/rental-rules",
            &r,
            "/inspection_schedule/green",
            json!(0),
            "inspection_schedule.green",
        ),
        (
            "/api/v1/rental-rules",
            &r,
            "/inspection_schedule/green",
            json!("three weeks"),
            "inspection_schedule.green",
        ),
        (
            "/api/v1/rental-rules",
            &r,
            "/class_rules/rules/0/at_least",
            json!("a"),
            "class_rules.rules[0].at_least",
        ),
        (
            "/api/v1/rental-rules",
            &r,
            "/class_rules/case_window_days",
            json!(0),
            "class_rules.case_window_days",
        ),
        (
            "/api/v1/petition-limits",
            &l,
            "/limits/handling",
            json!({"calendar": 400}),
            "limits.handling",
        ),
        (
            "/api/v1/petition-limits",
            &l,
            "/limits/acceptance",
            json!({"calendar": 0}),
            "limits.acceptance",
        ),
        (
            "/api/v1/petition-limits",
            &l,
            "/limits/extensions",
            json!(9),
            "limits.extensions",
        ),
    ];
    for (path, body, pointer, value, want) in cases {
        let (s, v) = put_with(&admin, path, body, pointer, value.clone()).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{path} {pointer}={value}: {v}");
        assert_error(&v, "validation");
        assert_eq!(field(&v), want, "{path} {pointer}={value}: {v}");
    }
    // A body missing a part is refused too, and nothing was saved.
    let (s, v) = admin
        .put("/api/v1/stability-settings", json!({"incidents": st["incidents"]}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    for (path, before) in [
        ("/api/v1/dispute-settings", &d),
        ("/api/v1/stability-settings", &st),
        ("/api/v1/rental-rules", &r),
        ("/api/v1/petition-limits", &l),
    ] {
        let (_, now) = admin.get(path).await;
        assert_eq!(&now, before, "{path} unchanged");
    }
});
