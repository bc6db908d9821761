//! The item suggestion (★ 推荐): the text ranks the item it describes, a caller's own recent items
//! lead when there is no text and are nobody else's, places bring their nearby items, item edits
//! retrain it, and every refusal.
use crate::common::{Client, TestApp};
use axum::http::StatusCode;
use serde_json::{Value, json};

use super::*;

fn url(params: &[(&str, &str)]) -> String {
    format!(
        "/api/v1/case-items/suggest?{}",
        serde_urlencoded::to_string(params).expect("query")
    )
}

/// A 422 naming the field, with a message.
fn refused(s: StatusCode, v: &Value, field: &str) {
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["field"], field, "{v}");
    assert!(v["error"]["message"].as_str().is_some_and(|m| !m.is_empty()), "{v}");
}

async fn suggest(c: &Client, params: &[(&str, &str)]) -> Vec<(String, String)> {
    let (s, v) = c.get(&url(params)).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| {
            (
                i["code"].as_str().expect("code").to_string(),
                i["reason"].as_str().expect("reason").to_string(),
            )
        })
        .collect()
}

fn codes(row: &[(String, String)]) -> Vec<&str> {
    row.iter().map(|r| r.0.as_str()).collect()
}

on_both!(the_text_ranks_the_item_it_describes, |app: TestApp| async move {
    let g = app.login("grid_00300201").await;
    for (text, item) in [
        ("菜市场门口有人摆摊卖菜，堵住了人行道", "0801"),
        ("有住户把电动车推进楼道里充电", "0204"),
        ("路边绿化带里有人乱扔生活垃圾", "0401"),
        ("楼上装修把承重墙砸了", "0505"),
        ("巷子里的路灯晚上都不亮", "0409"),
    ] {
        let (s, v) = g.get(&url(&[("text", text), ("limit", "5")])).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let items = v["items"].as_array().expect("items");
        let top3: Vec<&str> = items.iter().take(3).filter_map(|i| i["code"].as_str()).collect();
        assert!(top3.contains(&item), "{text}: {item} not in {top3:?}");
        let first = &items[0];
        assert_eq!(first["reason"], "text", "{v}");
        assert!(first["name"].as_str().is_some_and(|n| !n.is_empty()), "{v}");
        assert!(first["category_name"].as_str().is_some_and(|n| !n.is_empty()), "{v}");
        let score = first["score"].as_f64().expect("score");
        assert!(score > 0.0 && score <= 1.0, "{v}");
        assert!(items.len() <= 5);
    }
    // The whole answer is a list like every other.
    let (_, v) = g.get(&url(&[("text", "摆摊"), ("limit", "2")])).await;
    assert_eq!(
        (v["items"].as_array().map(Vec::len), v["total"].as_u64()),
        (Some(2), Some(2)),
        "{v}"
    );
    // Nothing typed and nothing reported yet: nothing to suggest.
    assert_eq!(suggest(&g, &[]).await, Vec::<(String, String)>::new());
});

on_both!(recent_items_lead_and_are_the_callers_own, |app: TestApp| async move {
    geography(&app).await;
    let a = app.login("grid_00300201").await;
    let p = point_in(&app, GRID, 3).await;
    for item in ["0410", "0410", "0801", "0101"] {
        report(&a, item, p).await;
    }
    // Empty text: the last used first.
    let row = suggest(&a, &[]).await;
    assert_eq!(codes(&row), ["0101", "0801", "0410"], "{row:?}");
    assert!(row.iter().all(|r| r.1 == "recent"), "{row:?}");
    // With text, the text's items lead and the recent ones follow.
    let row = suggest(&a, &[("text", "楼道里电动车在充电"), ("limit", "5")]).await;
    assert_eq!(row[0], ("0204".to_string(), "text".to_string()), "{row:?}");
    assert!(row.iter().any(|r| r.1 == "recent"), "{row:?}");
    // Another grid worker's recent items are their own: none yet.
    let b = app.login("grid_00300202").await;
    assert_eq!(suggest(&b, &[]).await, Vec::<(String, String)>::new());
    // The community's officer reported nothing, but the place has its items nearby.
    let center = app.login("community_003002").await;
    let (lng, lat) = (p.0.to_string(), p.1.to_string());
    let row = suggest(&center, &[("lng", &lng), ("lat", &lat)]).await;
    assert_eq!(codes(&row), ["0410", "0101", "0801"], "{row:?}");
    assert!(row.iter().all(|r| r.1 == "nearby"), "{row:?}");
    // The other community's officer sees none of those cases, so the place gives them nothing.
    let other = app.login("community_003004").await;
    assert_eq!(
        suggest(&other, &[("lng", &lng), ("lat", &lat)]).await,
        Vec::<(String, String)>::new()
    );
    // Far from every grid: nothing nearby, and no error.
    assert!(suggest(&center, &[("lng", "113.0"), ("lat", "23.5")]).await.is_empty());

    // The bench's split: cases with an even id are held out of training and read back as the test.
    use zongguan_db::cases::{TrainOptions, held_out_cases, train};
    let all = train(&app.db, TrainOptions::default()).await.expect("train");
    let held = held_out_cases(&app.db, 2, 100).await.expect("held out");
    let without = train(
        &app.db,
        TrainOptions {
            hold_out_every: Some(2),
            ..TrainOptions::default()
        },
    )
    .await
    .expect("train without");
    assert_eq!(all.model.cases(), 4);
    assert_eq!(without.model.cases() + held.len(), 4, "{held:?}");
    assert!(
        held.iter()
            .all(|(code, d)| ["0410", "0801", "0101"].contains(&code.as_str()) && !d.is_empty())
    );
});

on_both!(
    an_edited_item_is_suggested_by_its_new_keywords,
    |app: TestApp| async move {
        let admin = app.login("admin").await;
        let (_, cats) = admin.get("/api/v1/case-categories").await;
        let item = cats["items"]
            .as_array()
            .and_then(|c| {
                c.iter()
                    .find_map(|c| c["items"].as_array()?.iter().find(|i| i["code"] == "0807"))
            })
            .cloned()
            .expect("0807");
        assert!(item["keywords"].as_str().is_some_and(|k| k.contains("盲道")), "{item}");
        let g = app.login("grid_00300201").await;
        let text = "有人在路边支起蹦床收费给小孩玩";
        let before = suggest(&g, &[("text", text)]).await;
        assert_ne!(before.first().map(|r| r.0.as_str()), Some("0807"), "{before:?}");
        let mut body = json!({
            "name": item["name"], "department_seq": item["department_seq"], "severity": item["severity"],
            "accept_limit": item["accept_limit"], "dispatch_limit": item["dispatch_limit"],
            "handle_limit": item["handle_limit"], "verify_limit": item["verify_limit"],
            "keywords": "盲道， 蹦床 盲道；蹦床收费",
        });
        let (s, v) = admin.put("/api/v1/case-items/0807", body.clone()).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["keywords"], "盲道、蹦床、蹦床收费");
        // Retrained in the background: the next answers pick it up.
        let mut after = Vec::new();
        for _ in 0..100 {
            after = suggest(&g, &[("text", text)]).await;
            if after.first().map(|r| r.0.as_str()) == Some("0807") {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        assert_eq!(after.first().map(|r| r.0.as_str()), Some("0807"), "{after:?}");
        // A keyword too long is refused, naming the field.
        body["keywords"] = Value::String("字".repeat(21));
        let (s, v) = admin.put("/api/v1/case-items/0807", body).await;
        refused(s, &v, "keywords");
    }
);

on_both!(suggest_refusals, |app: TestApp| async move {
    let g = app.login("grid_00300201").await;
    for (params, field) in [
        (vec![("lng", "abc"), ("lat", "22.7")], "lng"),
        (vec![("lng", "114.2"), ("lat", "95")], "lat"),
        (vec![("lng", "NaN"), ("lat", "22.7")], "lng"),
        (vec![("lng", "114.2")], "lat"),
        (vec![("lat", "22.7")], "lng"),
        (vec![("limit", "0")], "limit"),
        (vec![("limit", "11")], "limit"),
        (vec![("limit", "五")], "limit"),
    ] {
        let (s, v) = g.get(&url(&params)).await;
        refused(s, &v, field);
    }
    let long = "字".repeat(2001);
    let (s, v) = g.get(&url(&[("text", &long)])).await;
    refused(s, &v, "text");
    // Who cannot report a case cannot ask; nobody signed in is asked to.
    let (s, v) = app
        .login("dept_440307003_01")
        .await
        .get(&url(&[("text", "摆摊")]))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    let (s, _) = app.anonymous().get(&url(&[("text", "摆摊")])).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
});
