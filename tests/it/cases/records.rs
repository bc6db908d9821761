//! Photos, duplicates and merges, escalation, and the taxonomy and calendar as data.
use crate::common::TestApp;
use axum::http::StatusCode;
use serde_json::json;

use super::*;

fn png() -> Vec<u8> {
    let img = image::RgbImage::from_fn(8, 6, |x, y| image::Rgb([(x * 30) as u8, (y * 40) as u8, 128]));
    let mut out = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut out, image::ImageFormat::Png)
        .expect("png");
    out.into_inner()
}

on_both!(photos_png_accepted_text_refused, |app: TestApp| async move {
    geography(&app).await;
    let g = app.login("grid_00300201").await;
    let c = report(&g, "0101", point_in(&app, GRID, 7).await).await;
    let id = c["id"].as_i64().expect("id");
    let bytes = png();
    let (s, p) = g
        .multipart(
            &format!("/api/v1/cases/{id}/photos"),
            &[("stage", "report")],
            ("scene.png", &bytes),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    assert_eq!(
        (
            p["content_type"].as_str(),
            p["has_thumbnail"].as_bool(),
            p["size"].as_u64()
        ),
        (Some("image/png"), Some(true), Some(bytes.len() as u64))
    );
    let (s, got) = g.download(p["url"].as_str().expect("url")).await;
    assert_eq!((s, got == bytes), (StatusCode::OK, true));
    let (s, thumb) = g.download(p["thumb_url"].as_str().expect("thumb")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(thumb.starts_with(&[0xFF, 0xD8, 0xFF]), "thumbnail is a JPEG");
    // Lists carry the thumbnail of the report photo.
    let (_, list) = g.get("/api/v1/cases").await;
    let row = list["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|c| c["id"] == id)
        .cloned()
        .expect("listed");
    assert_eq!(row["thumb_url"], p["thumb_url"], "{row}");
    // A WebP header followed by HTML is not an image; a real WebP is (and gets a thumbnail).
    let mut fake = b"RIFF\x20\x00\x00\x00WEBPVP8 ".to_vec();
    fake.extend_from_slice(b"<html><script>alert(1)</script></html>");
    let (s, v) = g
        .multipart(
            &format!("/api/v1/cases/{id}/photos"),
            &[("stage", "report")],
            ("x.webp", &fake),
        )
        .await;
    assert_eq!(
        (s, v["error"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("file")),
        "{v}"
    );
    let webp = {
        let img = image::RgbImage::from_pixel(8, 8, image::Rgb([200, 30, 30]));
        let mut out = std::io::Cursor::new(Vec::new());
        image::DynamicImage::ImageRgb8(img)
            .write_to(&mut out, image::ImageFormat::WebP)
            .expect("webp");
        out.into_inner()
    };
    let (s, v) = g
        .multipart(
            &format!("/api/v1/cases/{id}/photos"),
            &[("stage", "report")],
            ("y.webp", &webp),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(
        (v["content_type"].as_str(), v["has_thumbnail"].as_bool()),
        (Some("image/webp"), Some(true))
    );
    // A text file named .png, an empty stage and a wrong stage are refused.
    let (s, v) = g
        .multipart(
            &format!("/api/v1/cases/{id}/photos"),
            &[("stage", "report")],
            ("fake.png", b"just some text, not an image"),
        )
        .await;
    assert_eq!(
        (s, v["error"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("file")),
        "{v}"
    );
    let (s, v) = g
        .multipart(
            &format!("/api/v1/cases/{id}/photos"),
            &[("stage", "after")],
            ("scene.png", &bytes),
        )
        .await;
    assert_eq!(
        (s, v["error"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("stage"))
    );
    // Larger than the API's 2 MiB JSON limit is fine for photos; a PNG that does not decode is refused.
    let mut big = vec![0u8; 3 * 1024 * 1024];
    big[..8].copy_from_slice(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]);
    let (s, v) = g
        .multipart(
            &format!("/api/v1/cases/{id}/photos"),
            &[("stage", "report")],
            ("big.png", &big),
        )
        .await;
    assert_eq!(
        (s, v["error"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("file")),
        "{v}"
    );
    assert!(
        v["error"]["message"].as_str().is_some_and(|m| m.contains("解码")),
        "{v}"
    );
    big.resize(10 * 1024 * 1024 + 1, 0);
    let (s, v) = g
        .multipart(
            &format!("/api/v1/cases/{id}/photos"),
            &[("stage", "report")],
            ("huge.png", &big),
        )
        .await;
    assert_eq!(
        (s, v["error"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("file")),
        "{v}"
    );
    assert!(
        v["error"]["message"].as_str().is_some_and(|m| m.contains("10 MiB")),
        "{v}"
    );
    // A grid worker may not add the department's feedback photo.
    let (s, _) = g
        .multipart(
            &format!("/api/v1/cases/{id}/photos"),
            &[("stage", "feedback")],
            ("scene.png", &bytes),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (_, d) = g.get(&format!("/api/v1/cases/{id}")).await;
    assert_eq!(d["photos"].as_array().map(Vec::len), Some(2), "the PNG and the WebP");
    // Out of scope: 404.
    let other = app.login("community_003004").await;
    let (s, _) = other.download(p["url"].as_str().expect("url")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
});

on_both!(duplicates_and_merge, |app: TestApp| async move {
    geography(&app).await;
    let g = app.login("grid_00300201").await;
    let center = app.login("community_003002").await;
    let p = point_in(&app, GRID, 8).await;
    let first = report(&g, "0301", p).await;
    // 30 m north: the same problem.
    let second = report(&g, "0301", (p.0, p.1 + 0.00027)).await;
    let dups = second["duplicates"].as_array().expect("duplicates");
    assert_eq!(dups.len(), 1, "{second}");
    assert_eq!(dups[0]["id"], first["id"]);
    assert!(
        dups[0]["distance_m"]
            .as_f64()
            .is_some_and(|d| (25.0..35.0).contains(&d)),
        "{}",
        dups[0]
    );
    // Another item at the same place is not a duplicate.
    let other = report(&g, "0302", p).await;
    assert_eq!(other["duplicates"], json!([]));
    let (a, b) = (first["id"].as_i64().expect("id"), second["id"].as_i64().expect("id"));
    let (s, _) = g.post(&format!("/api/v1/cases/{b}/merge"), json!({"into": a})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, v) = center
        .post(&format!("/api/v1/cases/{b}/merge"), json!({"into": a}))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(
        (v["state"].as_str(), v["merged_into_id"].as_i64()),
        (Some("closed"), Some(a))
    );
    assert_eq!(
        v["timeline"].as_array().expect("rows").last().expect("row")["action"],
        "merge"
    );
    let (_, t1) = center.get(&format!("/api/v1/cases/{a}")).await;
    assert_eq!(t1["state"], "reported");
    assert!(
        t1["timeline"]
            .as_array()
            .expect("rows")
            .iter()
            .any(|r| r["action"] == "merged_from")
    );
    let (s, _) = center
        .post(&format!("/api/v1/cases/{b}/merge"), json!({"into": a}))
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "a merged case is closed");
});

on_both!(escalation_moves_the_case_up, |app: TestApp| async move {
    geography(&app).await;
    let g = app.login("grid_00300201").await;
    let community = app.login("community_003002").await;
    let subdistrict = app.login("subdistrict_003").await;
    let c = report(&g, "0104", point_in(&app, GRID, 9).await).await;
    let id = c["id"].as_i64().expect("id");
    let v = ok(
        &community,
        id,
        json!({"action":"escalate","note":"涉及多个社区"}),
        &c["version"],
    )
    .await;
    assert_eq!(
        (v["level"].as_str(), v["state"].as_str()),
        (Some("subdistrict"), Some("reported"))
    );
    // The community no longer acts on it; the subdistrict center does.
    assert_eq!(v["allowed_actions"], json!([]));
    let (_, inbox) = subdistrict.get("/api/v1/cases/inbox").await;
    assert!(ids(&inbox).contains(&id));
    let v = ok(&subdistrict, id, json!({"action":"escalate"}), &v["version"]).await;
    assert_eq!(v["level"], "district");
    let district = app.login("district_officer").await;
    let (s, e) = act(&district, id, json!({"action":"escalate","version":v["version"]})).await;
    assert_eq!(s, StatusCode::CONFLICT, "top level: {e}");
    ok(&district, id, json!({"action":"accept"}), &v["version"]).await;
});

on_both!(taxonomy_and_calendar_as_data, |app: TestApp| async move {
    let g = app.login("grid_00300201").await;
    let (s, cats) = g.get("/api/v1/case-categories").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(cats["total"], 19);
    let cats = cats["items"].as_array().expect("categories");
    assert_eq!(cats.len(), 19);
    assert_eq!(
        cats.iter()
            .map(|c| c["items"].as_array().map(Vec::len).unwrap_or(0))
            .sum::<usize>(),
        163
    );
    assert_eq!(cats[1]["items"][0]["code"], "0201");
    assert_eq!(cats[1]["items"][0]["department_name"], "消防救援大队");
    let item = json!({"name":"治安防范设施缺失","department_seq":"01","severity":"major","accept_limit":"2h","dispatch_limit":"2h","handle_limit":"7wd","verify_limit":"1wd"});
    let (s, _) = g.put("/api/v1/case-items/0101", item.clone()).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let admin = app.login("admin").await;
    let (s, v) = admin.put("/api/v1/case-items/0101", item.clone()).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["handle_limit"], "7wd");
    let mut bad = item.clone();
    bad["handle_limit"] = json!("7 days");
    let (s, v) = admin.put("/api/v1/case-items/0101", bad).await;
    assert_eq!(
        (s, v["error"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("handle_limit"))
    );
    let (s, _) = admin.put("/api/v1/case-items/9999", item).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // The 2026 calendar is seeded: 33 holiday days, 6 make-up days.
    let (_, cal) = g.get("/api/v1/calendar/2026").await;
    assert_eq!(
        (
            cal["holidays"].as_array().map(Vec::len),
            cal["workdays"].as_array().map(Vec::len)
        ),
        (Some(33), Some(6))
    );
    assert!(cal["workdays"].as_array().expect("days").contains(&json!("2026-10-10")));
    let (s, _) = g
        .put(
            "/api/v1/calendar/2027",
            json!({"holidays":["2027-01-01"],"workdays":[]}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, v) = admin
        .put(
            "/api/v1/calendar/2027",
            json!({"holidays":["2026-12-31"],"workdays":[]}),
        )
        .await;
    assert_eq!(
        (s, v["error"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("holidays"))
    );
});
