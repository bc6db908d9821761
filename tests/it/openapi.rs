//! The committed OpenAPI document (source of the front end's types) matches the server.
#[test]
fn openapi_snapshot_is_current() {
    let live: serde_json::Value = serde_json::from_str(&zongguan::router::openapi_json()).expect("json");
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/web/openapi.json");
    let committed: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("web/openapi.json exists")).expect("json");
    assert_eq!(live, committed, "web/openapi.json is stale: run `make openapi`");
    assert_eq!(live["openapi"], "3.1.0");
    for p in [
        "/api/v1/org-units",
        "/api/v1/org-units/tree",
        "/api/v1/departments",
        "/api/v1/staff",
        "/api/v1/users",
        "/api/v1/roles",
        "/api/v1/audit-logs",
        "/api/v1/login-logs",
        "/api/v1/auth/login",
        "/api/v1/cases",
        "/api/v1/cases/{id}/actions",
        "/api/v1/cases/inbox",
        "/api/v1/case-categories",
        "/api/v1/calendar/{year}",
        "/open311/v2/requests.{format}",
    ] {
        assert!(live["paths"].get(p).is_some(), "{p} documented");
    }
}
