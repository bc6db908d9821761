//! `zongguan bench governance`: what the governance pages cost a district officer and a community
//! officer — the overdue-inspection list, the intake and rectification register pages — through
//! the router with a real session; a month's register exports for the district; the class
//! proposal over every rental house. On the database it is given (loaded with the demo when empty).
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use chrono::{Datelike, Months};
use tower::ServiceExt;
use zongguan_db::entity::{house, rental_inspection, resident};
use zongguan_db::sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use zongguan_db::{Db, demo, demo_data};

use super::{Figures, actor, db_err as e, peak_rss_mib, percentile};

const ROLES: [(&str, &str); 2] = [("district", "district_officer"), ("community", "community_003002")];

async fn fetch(router: &Router, cookie: &str, uri: &str) -> anyhow::Result<(Duration, usize)> {
    let req = Request::get(uri)
        .header("cookie", format!("{}={cookie}", crate::caller::COOKIE))
        .body(Body::empty())?;
    let t = Instant::now();
    let res = router.clone().oneshot(req).await?;
    let status = res.status();
    let bytes = axum::body::to_bytes(res.into_body(), usize::MAX).await?;
    let took = t.elapsed();
    anyhow::ensure!(
        status == StatusCode::OK,
        "{uri}: {status} {}",
        String::from_utf8_lossy(&bytes[..bytes.len().min(300)])
    );
    Ok((took, bytes.len()))
}

async fn load_if_empty(
    db: &Db,
    scale: demo::Scale,
    divisions: &str,
    outline: &serde_json::Value,
) -> anyhow::Result<Option<f64>> {
    if resident::Entity::find().count(&db.conn).await? > 0 {
        return Ok(None);
    }
    let t = Instant::now();
    let hash = zongguan_core::password::hash("Bench@2026x");
    demo::load(db, divisions, None, scale, &hash).await.map_err(e)?;
    demo_data::geography(db, outline).await.map_err(e)?;
    demo_data::registries(db, 2026, scale.volume(), &|_, _| {})
        .await
        .map_err(e)?;
    demo_data::rental(db, 2026).await.map_err(e)?;
    demo_data::disputes(db, 2026).await.map_err(e)?;
    demo_data::petitions(db, 2026, demo_data::petition_communities(scale))
        .await
        .map_err(e)?;
    db.checkpoint().await.map_err(e)?;
    Ok(Some(t.elapsed().as_secs_f64()))
}

pub async fn governance(
    config: &crate::config::Config,
    db: &Db,
    scale: demo::Scale,
    divisions: &str,
    outline: &serde_json::Value,
    rounds: usize,
) -> anyhow::Result<Figures> {
    let mut f = Figures(Vec::new());
    eprintln!("bench governance on {} …", db.backend.name());
    if let Some(s) = load_if_empty(db, scale, divisions, outline).await? {
        f.add("load_seconds", s, "s");
    }
    let rentals = house::Entity::find()
        .filter(house::Column::IsRental.eq(true))
        .count(&db.conn)
        .await?;
    f.add("rental_houses", rentals as f64, "rows");
    f.add(
        "rental_inspections",
        rental_inspection::Entity::find().count(&db.conn).await? as f64,
        "rows",
    );
    let router = crate::router::router(crate::app::AppState::new(db.clone(), config.clone()));
    let today = zongguan_core::time::cst_date(chrono::Utc::now());
    // The last whole month: the one a register is exported for.
    let last = today
        .with_day(1)
        .and_then(|d| d.checked_sub_months(Months::new(1)))
        .unwrap_or(today);
    let month = format!("{:04}-{:02}", last.year(), last.month());
    for (name, username) in ROLES {
        let cookie = super::lists::session(db, username).await?;
        let rows = [
            (
                "overdue_inspections",
                "/api/v1/rental-houses?due_status=overdue&page_size=20".to_string(),
            ),
            (
                "rectification_register",
                format!("/api/v1/registers/rectification?month={month}&page_size=20"),
            ),
            (
                "intake_register",
                format!("/api/v1/registers/intake?month={month}&page_size=20"),
            ),
        ];
        for (row, uri) in &rows {
            let mut times = Vec::with_capacity(rounds);
            for _ in 0..rounds.max(1) {
                times.push(fetch(&router, &cookie, uri).await?.0);
            }
            f.add(&format!("{name}.{row}.p50"), percentile(times.clone(), 0.5), "ms");
            f.add(&format!("{name}.{row}.p95"), percentile(times.clone(), 0.95), "ms");
            f.add(&format!("{name}.{row}.p99"), percentile(times, 0.99), "ms");
        }
        if name == "district" {
            for kind in ["intake", "rectification"] {
                let (took, size) = fetch(
                    &router,
                    &cookie,
                    &format!("/api/v1/registers/{kind}/export?month={month}"),
                )
                .await?;
                f.add(&format!("district.{kind}_export_month"), took.as_secs_f64(), "s");
                f.add(&format!("district.{kind}_export_bytes"), size as f64, "bytes");
            }
        }
    }
    let officer = actor(db, "district_officer").await?;
    let t = Instant::now();
    let tally = zongguan_db::governance::propose_all(db, &officer, None)
        .await
        .map_err(e)?;
    f.add("propose_all_seconds", t.elapsed().as_secs_f64(), "s");
    f.add("propose_all_houses", tally.houses as f64, "rows");
    f.add("peak_rss", peak_rss_mib(), "MiB");
    Ok(f)
}
