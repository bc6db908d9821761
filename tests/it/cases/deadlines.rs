//! Deadlines on the work calendar, and the overdue job.
use crate::common::TestApp;
use axum::http::StatusCode;
use chrono::{Datelike, NaiveDate, TimeDelta, Utc, Weekday};
use serde_json::json;
use zongguan_core::calendar::{self, Limit, WorkCalendar};
use zongguan_core::time::{cst_date, cst_midnight};

use super::*;

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
