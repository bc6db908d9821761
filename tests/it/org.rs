//! The org tree loaded lazily, as the pickers do: the caller's roots, one level per opened node,
//! and a search that names each hit's path — all within the caller's data scope.
use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::common::{Client, TestApp, assert_error};

fn items(v: &Value) -> &Vec<Value> {
    v["items"].as_array().expect("items array")
}

fn names(v: &Value) -> Vec<&str> {
    items(v).iter().filter_map(|u| u["name"].as_str()).collect()
}

/// The names of a unit's ancestors, top first.
fn path(u: &Value) -> Vec<&str> {
    u["ancestors"]
        .as_array()
        .expect("ancestors array")
        .iter()
        .filter_map(|a| a["name"].as_str())
        .collect()
}

async fn roots(c: &Client) -> Value {
    let (s, v) = c.get("/api/v1/org-units?roots=true&page_size=500").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v
}

async fn children(c: &Client, id: i64) -> Value {
    let (s, v) = c.get(&format!("/api/v1/org-units?parent_id={id}&page_size=500")).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v
}

on_both!(district_tree_opens_level_by_level, |app: TestApp| async move {
    let u = app.login("district_officer").await;
    let top = roots(&u).await;
    assert_eq!(top["total"], 1);
    let district = &items(&top)[0];
    assert_eq!(district["code"], "440307000000");
    assert_eq!(district["child_count"], 11, "the 11 subdistricts");
    assert!(path(district).is_empty());

    let subs = children(&u, district["id"].as_i64().expect("id")).await;
    assert_eq!(subs["total"], 11);
    for s in items(&subs) {
        assert_eq!(s["level"], "subdistrict", "{s}");
        assert_eq!(path(s), ["龙岗区"]);
        assert!(
            s["child_count"].as_u64().expect("count") > 0,
            "every subdistrict has communities: {s}"
        );
    }
    let pinghu = items(&subs).iter().find(|s| s["name"] == "平湖街道").expect("平湖街道");
    let communities = children(&u, pinghu["id"].as_i64().expect("id")).await;
    assert_eq!(Some(items(&communities).len() as u64), pinghu["child_count"].as_u64());
    let lat = items(&communities)
        .iter()
        .find(|c| c["name"] == "良安田社区")
        .expect("良安田社区");
    assert_eq!(lat["child_count"], 5);
    assert_eq!(lat["ancestors"][1]["level"], "subdistrict");
    let grids = children(&u, lat["id"].as_i64().expect("id")).await;
    assert_eq!(grids["total"], 5);
    for g in items(&grids) {
        assert_eq!(g["child_count"], 0, "{g}");
        assert_eq!(path(g), ["龙岗区", "平湖街道", "良安田社区"]);
    }

    // One unit by id says the same (the label of a value whose node was never loaded).
    let (s, one) = u.get(&format!("/api/v1/org-units/{}", lat["id"])).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(one["child_count"], 5);
    assert_eq!(path(&one), ["龙岗区", "平湖街道"]);
});

on_both!(roots_follow_the_data_scope, |app: TestApp| async move {
    // A subdistrict's officer starts at the subdistrict; nothing above it is named.
    let v = roots(&app.login("subdistrict_003").await).await;
    assert_eq!(names(&v), ["平湖街道"]);
    assert!(path(&items(&v)[0]).is_empty());

    // A community's officer starts at the community, with its grids below.
    let c = app.login("community_003002").await;
    let v = roots(&c).await;
    assert_eq!(names(&v), ["良安田社区"]);
    assert_eq!(items(&v)[0]["child_count"], 5);
    assert!(path(&items(&v)[0]).is_empty(), "the subdistrict is out of scope");
    let grids = children(&c, items(&v)[0]["id"].as_i64().expect("id")).await;
    assert_eq!(grids["total"], 5);
    assert_eq!(path(&items(&grids)[0]), ["良安田社区"]);

    // A grid worker's roots are their grids, leaves.
    let v = roots(&app.login("grid_00300201").await).await;
    assert_eq!(v["total"], 1);
    assert_eq!(items(&v)[0]["code"], "44030700300201");
    assert_eq!(items(&v)[0]["child_count"], 0);
    assert!(path(&items(&v)[0]).is_empty());

    // Unit only: a department handler's center, whose communities they do not see.
    let v = roots(&app.login("dept_440307003_01").await).await;
    assert_eq!(names(&v), ["平湖街道"]);
    assert_eq!(items(&v)[0]["child_count"], 0);

    // A custom list of two communities in different subdistricts: two roots, no grids below.
    let sec = app.login("secadmin").await;
    let (s, v) = sec
        .post(
            "/api/v1/roles",
            json!({"code":"inspector","name":"督查员","data_scope":"custom","permissions":["org:read"]}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (_, users) = sec.get("/api/v1/users?q=leader").await;
    let id = items(&users)[0]["id"].as_i64().expect("id");
    let (s, _) = sec
        .put(
            &format!("/api/v1/users/{id}/roles"),
            json!({"role_codes":["inspector"]}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let a = app.unit_id("440307003002").await;
    let b = app.unit_id("440307013015").await;
    let (s, _) = sec
        .put(
            &format!("/api/v1/users/{id}/scope-units"),
            json!({"org_unit_ids":[a, b]}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let v = roots(&app.login("leader").await).await;
    let mut ids: Vec<i64> = items(&v).iter().filter_map(|u| u["id"].as_i64()).collect();
    ids.sort_unstable();
    let mut want = vec![a, b];
    want.sort_unstable();
    assert_eq!(ids, want);
    for u in items(&v) {
        assert_eq!(u["child_count"], 0, "{u}");
        assert!(path(u).is_empty(), "{u}");
    }

    // Everyone: the whole district is one root.
    let v = roots(&app.login("admin").await).await;
    assert_eq!(names(&v), ["龙岗区"]);
});

on_both!(search_answers_hits_with_their_path, |app: TestApp| async move {
    let u = app.login("district_officer").await;
    let (s, v) = u.get("/api/v1/org-units?q=良安田").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["total"], 6, "the community and its five grids");
    let first = &items(&v)[0];
    assert_eq!(first["name"], "良安田社区", "shallower units first: {v}");
    assert_eq!(path(first), ["龙岗区", "平湖街道"]);
    assert_eq!(path(&items(&v)[1]), ["龙岗区", "平湖街道", "良安田社区"]);

    // The start of a code finds the same, and levels narrow it (one or several).
    let (_, v) = u.get("/api/v1/org-units?q=440307003002&level=community").await;
    assert_eq!(names(&v), ["良安田社区"]);
    let (_, v) = u.get("/api/v1/org-units?q=良安田&level=community,grid").await;
    assert_eq!(v["total"], 6);
    let (_, v) = u.get("/api/v1/org-units?q=平湖&level=subdistrict").await;
    assert_eq!(names(&v), ["平湖街道"]);
    let (s, v) = u.get("/api/v1/org-units?level=community,town").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_error(&v, "validation");
    assert_eq!(v["error"]["field"], "level");

    // Roots and a search together: the roots that match.
    let (_, v) = u.get("/api/v1/org-units?roots=true&q=良安田").await;
    assert_eq!(v["total"], 0);
    let (s, _) = u.get("/api/v1/org-units?roots=maybe").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);

    // A community's officer finds their grids named from their community down, and nothing next door.
    let c = app.login("community_003002").await;
    let (_, v) = c.get("/api/v1/org-units?q=良安田&level=grid").await;
    assert_eq!(v["total"], 5);
    assert_eq!(path(&items(&v)[0]), ["良安田社区"]);
    let (_, v) = c.get("/api/v1/org-units?q=新木").await;
    assert_eq!(v["total"], 0);
});

on_both!(
    written_units_answer_their_place_in_the_tree,
    |app: TestApp| async move {
        let admin = app.login("admin").await;
        let lat = app.unit_id("440307003002").await;
        let (s, v) = admin
            .post(
                "/api/v1/org-units",
                json!({"level":"grid","parent_id":lat,"code":"44030700300299","name":"良安田社区试点网格"}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        assert_eq!(v["child_count"], 0);
        assert_eq!(path(&v), ["龙岗区", "平湖街道", "良安田社区"]);
        let (s, v) = admin
            .put(&format!("/api/v1/org-units/{lat}"), json!({"name":"良安田社区（改）"}))
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["child_count"], 6, "five grids and the new one");
        assert_eq!(path(&v), ["龙岗区", "平湖街道"]);
    }
);
