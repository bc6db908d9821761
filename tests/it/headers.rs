//! Security headers on every response, the API's and the web app's alike.
use crate::common::{Client, TestApp, test_config};

on_both!(every_response_carries_the_security_headers, |app: TestApp| async move {
    let anon = app.anonymous();
    for path in ["/healthz", "/api/v1/me", "/", "/api/docs", "/open311/v2/services.json"] {
        let (_, _, h) = anon.send_raw("GET", path, None, false).await;
        let csp = h
            .get("content-security-policy")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        assert!(csp.starts_with("default-src 'self'"), "{path}: {csp}");
        assert!(
            csp.contains("frame-ancestors 'none'") && csp.contains("img-src 'self' data: blob:"),
            "{path}: {csp}"
        );
        assert_eq!(
            h.get("referrer-policy").map(|v| v.as_bytes()),
            Some(&b"same-origin"[..]),
            "{path}"
        );
        assert_eq!(
            h.get("x-content-type-options").map(|v| v.as_bytes()),
            Some(&b"nosniff"[..]),
            "{path}"
        );
        assert!(
            h.get("strict-transport-security").is_none(),
            "{path}: no HSTS over plain HTTP"
        );
    }
    // Behind HTTPS: HSTS, and the base map's servers may serve images.
    let mut config = test_config();
    config.security.cookie_secure = true;
    config.map.base_url = Some("https://webrd0{1-4}.is.autonavi.com/appmaptile?x={x}&y={y}&z={z}".into());
    let secure = Client {
        router: app.with_config(config),
        cookie: None,
        csrf: None,
        bearer: None,
    };
    let (_, _, h) = secure.send_raw("GET", "/healthz", None, false).await;
    let hsts = h
        .get("strict-transport-security")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(hsts.starts_with("max-age="), "{hsts}");
    let csp = h
        .get("content-security-policy")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(
        csp.contains("img-src 'self' data: blob: https://*.is.autonavi.com;"),
        "{csp}"
    );
});
