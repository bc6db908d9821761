//! The embedded front end: the phone app's page answers `/m` and its history-mode paths, the
//! admin app's page everything else. Needs `web/dist` (run `make web` or `npm run build` first).
use crate::common::TestApp;

fn built() -> bool {
    let dist = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("web/dist");
    let ok = dist.join("m.html").exists() && dist.join("index.html").exists();
    if !ok {
        eprintln!("web/dist not built: the page checks are left out");
    }
    ok
}

on_both!(the_phone_app_answers_m_and_its_paths, |app: TestApp| async move {
    if !built() {
        return;
    }
    let anon = app.anonymous();
    for path in ["/m", "/m/today", "/m/cases/42", "/m/login?redirect=%2Ftoday"] {
        let (status, body, h) = anon.send_raw("GET", path, None, false).await;
        assert_eq!(status, 200, "{path}");
        assert!(
            h.get("content-type")
                .and_then(|v| v.to_str().ok())
                .is_some_and(|c| c.starts_with("text/html")),
            "{path}"
        );
        assert_eq!(
            h.get("cache-control").map(|v| v.as_bytes()),
            Some(&b"no-cache"[..]),
            "{path}"
        );
        let html = body.as_str().unwrap_or_default();
        assert!(
            html.contains(r#"rel="manifest""#) && html.contains("综管·网格通"),
            "{path}: {html}"
        );
    }
    // The admin app's paths (one starting with "m" among them) keep the admin page.
    for path in ["/", "/map", "/cases/inbox"] {
        let (status, body, _) = anon.send_raw("GET", path, None, false).await;
        assert_eq!(status, 200, "{path}");
        let html = body.as_str().unwrap_or_default();
        assert!(
            html.contains("大综管") && !html.contains(r#"rel="manifest""#),
            "{path}: {html}"
        );
    }
    // The manifest and its icons are served as files.
    let (status, manifest, h) = anon.send_raw("GET", "/m.webmanifest", None, false).await;
    assert_eq!(status, 200);
    assert!(
        h.get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|c| c.contains("manifest+json"))
    );
    let manifest: serde_json::Value = match manifest {
        serde_json::Value::String(s) => serde_json::from_str(&s).expect("manifest JSON"),
        v => v,
    };
    assert_eq!(manifest["start_url"], "/m/today");
    assert_eq!(manifest["display"], "standalone");
    for icon in manifest["icons"].as_array().expect("icons") {
        let src = icon["src"].as_str().expect("src");
        let (status, _, h) = anon.send_raw("GET", src, None, false).await;
        assert_eq!(status, 200, "{src}");
        assert_eq!(
            h.get("content-type").map(|v| v.as_bytes()),
            Some(&b"image/png"[..]),
            "{src}"
        );
    }
});
