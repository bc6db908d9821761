//! Notifications live (issue 16): a dispatch reaches the department's people in their inbox and,
//! without reload, on their open event stream; read state is each person's own.
use axum::body::Body;
use axum::http::{Request, header};
use http_body_util::BodyExt;
use tower::ServiceExt;

use super::*;

/// The next server-sent event (name and data) on an open stream, within 5 s.
async fn next_event(body: &mut Body) -> (String, Value) {
    let mut buf = String::new();
    loop {
        let frame = tokio::time::timeout(std::time::Duration::from_secs(5), body.frame())
            .await
            .expect("an event within 5 s")
            .expect("stream open")
            .expect("frame");
        if let Ok(data) = frame.into_data() {
            buf.push_str(std::str::from_utf8(&data).expect("utf-8"));
        }
        while let Some(end) = buf.find("\n\n") {
            let block: String = buf.drain(..end + 2).collect();
            let mut name = String::from("message");
            let mut data = String::new();
            for line in block.lines() {
                if let Some(v) = line.strip_prefix("event:") {
                    name = v.trim().to_string();
                } else if let Some(v) = line.strip_prefix("data:") {
                    data.push_str(v.trim());
                }
            }
            if !data.is_empty() {
                return (name, serde_json::from_str(&data).expect("json data"));
            }
        }
    }
}

on_both!(a_dispatch_reaches_the_department_live, |app: TestApp| async move {
    geography(&app).await;
    let g = app.login("grid_00300201").await;
    let center = app.login("community_003002").await;
    let police = app.login("dept_440307003_01").await;
    let other_dept = app.login("dept_440307003_02").await;

    let req = Request::builder()
        .uri("/api/v1/events")
        .header(header::COOKIE, police.cookie.clone().expect("cookie"))
        .body(Body::empty())
        .expect("request");
    let resp = police.router.clone().oneshot(req).await.expect("response");
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(
        resp.headers()[header::CONTENT_TYPE]
            .to_str()
            .expect("type")
            .starts_with("text/event-stream")
    );
    let mut body = resp.into_body();
    let (name, data) = next_event(&mut body).await;
    assert_eq!((name.as_str(), data["unread"].as_u64()), ("ready", Some(0)));

    let c = report(&g, "0101", point_in(&app, GRID, 31).await).await;
    let id = c["id"].as_i64().expect("id");
    let v = ok(&center, id, json!({"action":"accept"}), &c["version"]).await;
    ok(&center, id, json!({"action":"dispatch"}), &v["version"]).await;

    let (name, data) = next_event(&mut body).await;
    assert_eq!(name, "notification", "{data}");
    assert!(
        data["title"]
            .as_str()
            .expect("title")
            .contains(c["code"].as_str().expect("code")),
        "{data}"
    );
    assert_eq!(data["link"], format!("/cases/{id}"));
    assert_eq!(data["unread"], 1);

    let (s, v) = police.get("/api/v1/notifications").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["total"], 1);
    let nid = v["items"][0]["id"].as_i64().expect("id");
    assert_eq!(v["items"][0]["subject_id"], id);
    // Another department got nothing, and cannot mark this one read.
    let (_, v) = other_dept.get("/api/v1/notifications").await;
    assert_eq!(v["total"], 0, "{v}");
    let (s, _) = other_dept
        .post(&format!("/api/v1/notifications/{nid}/read"), json!({}))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, v) = police
        .post(&format!("/api/v1/notifications/{nid}/read"), json!({}))
        .await;
    assert_eq!((s, v["unread"].as_u64()), (StatusCode::OK, Some(0)), "{v}");
    let (_, v) = police.get("/api/v1/notifications?unread=true").await;
    assert_eq!(v["total"], 0);
    let (_, v) = police.get("/api/v1/notifications/unread-count").await;
    assert_eq!(v["unread"], 0);
});
