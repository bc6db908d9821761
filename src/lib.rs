//! zongguan (综管): the server and command line of the grid-based social governance platform.
pub mod app;
pub mod caller;
pub mod cli;
pub mod config;
pub mod error;
pub mod headers;
pub mod house_plate;
pub mod http;
pub mod jobs;
pub mod notice_docx;
pub mod openapi;
pub mod router;
pub mod sheets;
pub mod throttle;
pub mod web;

/// The Longgang division table (NBS 2023 codes), shipped with the binary for the demo.
pub const LONGGANG_DIVISIONS: &str = include_str!("../reference/longgang_divisions.csv");
/// Longgang's outline, WGS-84.
pub const LONGGANG_OUTLINE: &str = include_str!("../reference/longgang_district.geojson");

/// Opens the database of a config, migrated and ready.
pub async fn open_db(config: &config::Config) -> anyhow::Result<zongguan_db::Db> {
    let url = config.database_url();
    if url.starts_with("sqlite:") {
        std::fs::create_dir_all(&config.data_dir)?;
    }
    let db = zongguan_db::Db::connect(&url, None, config.field_cipher()?)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    db.migrate()
        .await
        .map_err(|e| anyhow::anyhow!("migration failed: {e}"))?;
    Ok(db)
}

/// The outline geometry (the first feature's geometry) as a JSON string.
pub fn longgang_outline_geometry() -> Option<String> {
    let v: serde_json::Value = serde_json::from_str(LONGGANG_OUTLINE).ok()?;
    Some(v.get("features")?.get(0)?.get("geometry")?.to_string())
}
