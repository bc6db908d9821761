//! The list path (issue 15): scope and org filter as one key, keyset cursors that walk the same
//! rows as numbered pages, totals from the counters, short and partial searches, and the caller
//! cache dropping what a write made stale. On both databases.
use std::collections::BTreeSet;

use axum::http::StatusCode;
use serde_json::{Value, json};
use zongguan_db::demo_data::{self, Volume};
use zongguan_db::entity::{building, house, org_unit, resident};
use zongguan_db::sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};

use crate::common::{Client, TestApp};

async fn load(app: &TestApp) {
    let outline: Value = serde_json::from_str(&zongguan::longgang_outline_geometry().expect("outline")).expect("json");
    demo_data::geography(&app.db, &outline).await.expect("geography");
    let volume = Volume {
        subdistricts: Some(1),
        buildings_per_grid: 3,
    };
    demo_data::registries(&app.db, 11, volume, &|_, _| {})
        .await
        .expect("registries");
}

fn ids(v: &Value) -> Vec<i64> {
    v["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["id"].as_i64().expect("id"))
        .collect()
}

/// Every row of `path`, page by page following `next`.
async fn walk_forward(c: &Client, path: &str) -> Vec<i64> {
    let mut out = Vec::new();
    let sep = if path.contains('?') { '&' } else { '?' };
    let (s, mut v) = c.get(&format!("{path}{sep}page_size=7")).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert!(v["prev"].is_null(), "the first page has no previous: {v}");
    loop {
        out.extend(ids(&v));
        let Some(next) = v["next"].as_str().map(String::from) else {
            break;
        };
        let (s, w) = c.get(&format!("{path}{sep}page_size=7&after={next}")).await;
        assert_eq!(s, StatusCode::OK, "{w}");
        v = w;
    }
    out
}

on_both!(cursors_walk_the_rows_of_numbered_pages, |app: TestApp| async move {
    load(&app).await;
    let c = app.login("subdistrict_003").await;
    for path in [
        "/api/v1/residents",
        "/api/v1/buildings",
        "/api/v1/houses",
        "/api/v1/residents?q=陈",
    ] {
        let by_cursor = walk_forward(&c, path).await;
        let sep = if path.contains('?') { '&' } else { '?' };
        let (_, first) = c.get(&format!("{path}{sep}page_size=7")).await;
        let total = first["total"].as_u64().expect("total");
        assert!(total > 7, "{path}: too few rows to page ({total})");
        assert_eq!(
            by_cursor.len() as u64,
            total,
            "{path}: the cursor walk and the total agree"
        );
        let mut by_page = Vec::new();
        for page in 1..=total.div_ceil(7) {
            let (s, v) = c.get(&format!("{path}{sep}page_size=7&page={page}")).await;
            assert_eq!(s, StatusCode::OK, "{v}");
            by_page.extend(ids(&v));
        }
        assert_eq!(
            by_cursor, by_page,
            "{path}: cursors and numbered pages (read from the end past half) agree"
        );
        let unique: BTreeSet<i64> = by_cursor.iter().copied().collect();
        assert_eq!(unique.len(), by_cursor.len(), "{path}: no row twice");
        // Backwards from the last page with `before`.
        let last = total.div_ceil(7);
        let (_, mut v) = c.get(&format!("{path}{sep}page_size=7&page={last}")).await;
        assert!(v["next"].is_null(), "{path}: the last page has no next: {v}");
        let mut back = ids(&v);
        while let Some(prev) = v["prev"].as_str().map(String::from) {
            let (s, w) = c.get(&format!("{path}{sep}page_size=7&before={prev}")).await;
            assert_eq!(s, StatusCode::OK, "{w}");
            let mut page = ids(&w);
            page.extend(back);
            back = page;
            v = w;
        }
        assert_eq!(back, by_page, "{path}: walking back with `before` meets every row once");
    }
    let (s, v) = c.get("/api/v1/residents?after=garbage").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["field"], "after", "{v}");
});

on_both!(scope_and_org_filter_meet_in_one_key, |app: TestApp| async move {
    load(&app).await;
    let communities = org_unit::Entity::find()
        .filter(org_unit::Column::Level.eq("community"))
        .order_by_asc(org_unit::Column::Sort)
        .order_by_asc(org_unit::Column::Code)
        .all(&app.db.conn)
        .await
        .expect("communities");
    let (a, b) = (&communities[0], &communities[1]);
    // The keys the triggers kept: every resident's community is the one above its unit.
    let in_a = resident::Entity::find()
        .filter(resident::Column::CommunityId.eq(a.id))
        .count(&app.db.conn)
        .await
        .expect("count");
    assert!(in_a > 0, "residents carry their community");
    let unkeyed = resident::Entity::find()
        .filter(resident::Column::SubdistrictId.is_null())
        .count(&app.db.conn)
        .await
        .expect("count");
    assert_eq!(unkeyed, 0, "every loaded resident carries its subdistrict");
    for (t, n) in [
        (
            "building",
            building::Entity::find()
                .filter(building::Column::CommunityId.is_null())
                .count(&app.db.conn)
                .await
                .expect("count"),
        ),
        (
            "house",
            house::Entity::find()
                .filter(house::Column::CommunityId.is_null())
                .count(&app.db.conn)
                .await
                .expect("count"),
        ),
    ] {
        assert_eq!(n, 0, "every {t} carries its community");
    }
    let district = app.login("district_officer").await;
    let sub = app.login("subdistrict_003").await;
    let officer_a = app.login(&format!("community_{}", &a.code[6..])).await;
    let (_, all) = district.get(&format!("/api/v1/residents?org_unit_id={}", a.id)).await;
    assert_eq!(
        all["total"],
        json!(in_a),
        "the district officer filtering one community: {all}"
    );
    assert_eq!(all["total_exact"], true);
    let (_, mine) = officer_a.get("/api/v1/residents").await;
    assert_eq!(mine["total"], json!(in_a), "the community officer's own list: {mine}");
    let (_, via_sub) = sub.get(&format!("/api/v1/residents?org_unit_id={}", a.id)).await;
    assert_eq!(via_sub["total"], json!(in_a));
    // A filter wider than the scope is the scope; a filter beside it meets nothing.
    let subdistrict = a.parent_id.expect("parent");
    let (_, wider) = officer_a
        .get(&format!("/api/v1/residents?org_unit_id={subdistrict}"))
        .await;
    assert_eq!(wider["total"], json!(in_a), "{wider}");
    for path in ["/api/v1/residents", "/api/v1/buildings", "/api/v1/houses"] {
        let (s, v) = officer_a.get(&format!("{path}?org_unit_id={}", b.id)).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["total"], 0, "{path}: the community next door: {v}");
        assert!(v["items"].as_array().expect("items").is_empty());
    }
    // Moving a building to another community's grid takes its keys along (the triggers).
    let grid_b = org_unit::Entity::find()
        .filter(org_unit::Column::ParentId.eq(b.id))
        .one(&app.db.conn)
        .await
        .expect("grid")
        .expect("a grid of b");
    let moved = building::Entity::find()
        .filter(building::Column::CommunityId.eq(a.id))
        .one(&app.db.conn)
        .await
        .expect("building")
        .expect("a building of a");
    let (s, v) = district
        .put(
            &format!("/api/v1/buildings/{}", moved.id),
            json!({"code": moved.code, "name": moved.name, "address": moved.address, "grid_id": grid_b.id,
                   "lon": moved.lon, "lat": moved.lat, "floors": moved.floors, "use_type": moved.use_type}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let after = building::Entity::find_by_id(moved.id)
        .one(&app.db.conn)
        .await
        .expect("building")
        .expect("exists");
    assert_eq!(
        after.community_id,
        Some(b.id),
        "the building's community followed its grid"
    );
    let (_, seen) = officer_a.get(&format!("/api/v1/buildings/{}", moved.id)).await;
    assert_eq!(
        seen["code"],
        Value::Null,
        "gone from the first community's scope: {seen}"
    );
});

on_both!(short_and_partial_searches_find_people, |app: TestApp| async move {
    load(&app).await;
    let c = app.login("community_003002").await;
    // Someone to look for, with a known number.
    let (_, list) = c.get("/api/v1/residents?page_size=1").await;
    let someone = &list["items"][0];
    let name = someone["name"].as_str().expect("name").to_string();
    let id = someone["id"].as_i64().expect("id");
    let full = {
        let admin = app.login("district_officer").await;
        let (_, d) = admin.get(&format!("/api/v1/residents/{id}?unmasked=true")).await;
        d["id_number"].as_str().map(String::from)
    };
    // One character: the surname, from the name index, sorted by name.
    let surname: String = name.chars().take(1).collect();
    let (s, v) = c.get(&format!("/api/v1/residents?q={surname}&page_size=100")).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let names: Vec<&str> = v["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["name"].as_str().expect("name"))
        .collect();
    assert!(
        !names.is_empty() && names.iter().all(|n| n.starts_with(&surname)),
        "{names:?}"
    );
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted, "a surname search reads in name order");
    // Two characters: the start of the name.
    let two: String = name.chars().take(2).collect();
    let (_, v) = c.get(&format!("/api/v1/residents?q={two}&page_size=500")).await;
    assert!(ids(&v).contains(&id), "{two}: {v}");
    // Two characters inside the name: a given name finds its owner (小明 → 张小明).
    let (_, many) = c.get("/api/v1/residents?page_size=200").await;
    let three = many["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["name"].as_str().is_some_and(|n| n.chars().count() >= 3))
        .expect("a three-character name");
    let given: String = three["name"].as_str().expect("name").chars().skip(1).take(2).collect();
    let (_, v) = c.get(&format!("/api/v1/residents?q={given}&page_size=500")).await;
    assert!(ids(&v).contains(&three["id"].as_i64().expect("id")), "{given}: {v}");
    // The number's last six characters, and the whole number, in the same box.
    if let Some(n) = full {
        let tail = &n[n.len() - 6..];
        let (_, v) = c.get(&format!("/api/v1/residents?q={tail}")).await;
        assert!(ids(&v).contains(&id), "last six {tail}: {v}");
        let (_, v) = c.get(&format!("/api/v1/residents?q={n}")).await;
        assert_eq!(ids(&v), vec![id], "the whole number");
        // Not across scopes: the officer of the community next door finds nothing by it.
        let outsider = app.login("community_003004").await;
        let (_, v) = outsider.get(&format!("/api/v1/residents?q={tail}")).await;
        assert!(!ids(&v).contains(&id), "{v}");
        let (_, v) = outsider.get(&format!("/api/v1/residents?q={n}")).await;
        assert_eq!(v["total"], 0, "{v}");
    }
});

on_both!(
    the_caller_cache_drops_what_a_write_made_stale,
    |app: TestApp| async move {
        let officer = app.login("community_003002").await;
        let (s, _) = officer.get("/api/v1/residents").await;
        assert_eq!(s, StatusCode::OK);
        let (s, _) = officer.get("/api/v1/residents").await;
        assert_eq!(s, StatusCode::OK, "served from the cache");
        // The security administrator locks the account: the very next request is refused.
        let sec = app.login("secadmin").await;
        let uid = zongguan_db::entity::app_user::Entity::find()
            .filter(zongguan_db::entity::app_user::Column::Username.eq("community_003002"))
            .one(&app.db.conn)
            .await
            .expect("user")
            .expect("exists")
            .id;
        let (s, v) = sec.post(&format!("/api/v1/users/{uid}/lock"), json!({})).await;
        assert!(s.is_success(), "lock: {s} {v}");
        let (s, _) = officer.get("/api/v1/residents").await;
        assert!(
            s == StatusCode::LOCKED || s == StatusCode::UNAUTHORIZED,
            "a lock ends a cached session at once: {s}"
        );
        // Logging out ends the session at once too.
        let other = app.login("community_003004").await;
        let (s, _) = other.get("/api/v1/residents").await;
        assert_eq!(s, StatusCode::OK);
        let (s, _) = other.post("/api/v1/auth/logout", json!({})).await;
        assert!(s.is_success());
        let (s, _) = other.get("/api/v1/residents").await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
    }
);

on_both!(
    control_characters_in_a_query_are_refused_by_name,
    |app: TestApp| async move {
        let c = app.login("community_003002").await;
        for path in [
            "/api/v1/residents?q=%00%E9%99%88%E5%BB%BA",
            "/api/v1/buildings?q=a%0Bb%22c",
            "/api/v1/rental-houses?q=%C2%86O%F3%BC%8D%B8%0A%C2%B8%00r%25",
        ] {
            let (s, v) = c.get(path).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{path}: {v}");
            assert_eq!(v["error"]["field"], "q", "{path}: {v}");
        }
    }
);
