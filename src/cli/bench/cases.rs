//! `zongguan bench cases`: the district's org tree and grid polygons, a year of historical cases
//! bulk-loaded, then what staff feel through the same functions the API calls: reporting with
//! routing, duplicate check and audit; a transition; an inbox page; the district's counts.
use std::sync::Arc;
use std::time::Instant;

use zongguan_core::geometry::Rng;
use zongguan_db::cases::{self, ActionInput, NewCase};
use zongguan_db::entity::{app_user, grid_assignment, org_unit};
use zongguan_db::sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
use zongguan_db::{Actor, Db, PageReq, demo, demo_data};

use super::{Figures, actor, db_err as e, peak_rss_mib, percentile};

/// Grid workers, each with points inside their grid.
type Reporters = Arc<Vec<(Actor, Vec<(f64, f64)>)>>;

pub async fn cases(db: &Db, divisions: &str, outline: &serde_json::Value, n: u64) -> anyhow::Result<Figures> {
    let mut f = Figures(Vec::new());
    eprintln!("bench cases on {} …", db.backend.name());

    let t = Instant::now();
    let hash = zongguan_core::password::hash("Bench@2026x");
    demo::load(db, divisions, None, demo::Scale::District, &hash)
        .await
        .map_err(e)?;
    demo_data::geography(db, outline).await.map_err(e)?;
    f.add("load_org_seconds", t.elapsed().as_secs_f64(), "s");
    let t = Instant::now();
    let written = demo_data::case_history(db, n, 2026, &|k| {
        if k % 100_000 == 0 {
            eprintln!("  history {k}");
        }
    })
    .await
    .map_err(e)?;
    db.checkpoint().await.map_err(e)?;
    let secs = t.elapsed().as_secs_f64();
    f.add("history_cases", written as f64, "cases");
    f.add("history_load_rate", written as f64 / secs.max(1e-9), "cases/s");

    let (reporters, items) = reporters(db).await?;
    let created = reporting(db, &mut f, &reporters, &items, n).await?;
    let district = actor(db, "district_officer").await?;
    transitions(db, &mut f, &district, &created).await?;
    inbox_pages(db, &mut f).await?;
    stats(db, &mut f, &district, &reporters, &items, written).await?;
    let t = Instant::now();
    let alerts = cases::raise_overdue_alerts(db, cases::now()).await.map_err(e)?;
    f.add("overdue_job_seconds", t.elapsed().as_secs_f64(), "s");
    f.add("overdue_alerts", alerts as f64, "alerts");
    f.add("peak_rss", peak_rss_mib(), "MiB");
    Ok(f)
}

/// Grid workers and points inside each one's grid; the case items.
async fn reporters(db: &Db) -> anyhow::Result<(Reporters, Arc<Vec<String>>)> {
    let workers: Vec<(String, i64)> = app_user::Entity::find()
        .select_only()
        .column(app_user::Column::Username)
        .column(grid_assignment::Column::GridId)
        .join_rev(
            zongguan_db::sea_orm::JoinType::InnerJoin,
            grid_assignment::Entity::belongs_to(app_user::Entity)
                .from(grid_assignment::Column::StaffId)
                .to(app_user::Column::StaffId)
                .into(),
        )
        .filter(app_user::Column::Username.starts_with("grid_"))
        .limit(200)
        .into_tuple()
        .all(&db.conn)
        .await?;
    anyhow::ensure!(!workers.is_empty(), "no grid workers");
    let mut rng = Rng::new(7);
    let mut reporters = Vec::new();
    for (name, grid) in &workers {
        let g = org_unit::Entity::find_by_id(*grid)
            .one(&db.conn)
            .await?
            .ok_or_else(|| anyhow::anyhow!("grid {grid}"))?;
        let shape = g
            .geometry
            .as_deref()
            .and_then(|s| serde_json::from_str(s).ok())
            .and_then(|v: serde_json::Value| zongguan_core::geometry::from_geojson(&v));
        let Some(shape) = shape else { continue };
        let points: Vec<(f64, f64)> = (0..20)
            .filter_map(|_| zongguan_core::geometry::random_point_in(&shape, &mut rng))
            .map(|p| (p.x(), p.y()))
            .collect();
        reporters.push((actor(db, name).await?, points));
    }
    let items: Vec<String> = zongguan_core::case_taxonomy::CATEGORIES
        .iter()
        .flat_map(|c| c.items.iter().map(|i| i.code.to_string()))
        .collect();

    Ok((Arc::new(reporters), Arc::new(items)))
}

/// Reports `count` cases, from `from` on, by the reporters in turn.
async fn report(
    db: Db,
    reporters: Reporters,
    items: Arc<Vec<String>>,
    seed: u64,
    from: usize,
    count: usize,
) -> Result<Vec<(i64, i64, bool)>, zongguan_db::DbError> {
    let mut rng = Rng::new(seed);
    let mut out = Vec::with_capacity(count);
    for i in from..from + count {
        let (u, points) = &reporters[i % reporters.len()];
        let (lon, lat) = points[rng.below(points.len() as u64) as usize];
        let mut c = NewCase::new(&items[rng.below(items.len() as u64) as usize], "巡查发现的问题");
        c.location = Some(zongguan_db::cases::Location { lon, lat });
        let r = cases::create(&db, u, c).await?;
        out.push((r.case.id, r.case.version, !r.duplicates.is_empty()));
    }
    Ok(out)
}

/// Reporting: routing by point, duplicate check, code, timeline and audit. First one report at a
/// time (a third of them); then as a server meets them, from many grid workers at once (8 tasks).
/// Answers the cases made, with their versions.
async fn reporting(
    db: &Db,
    f: &mut Figures,
    reporters: &Reporters,
    items: &Arc<Vec<String>>,
    n: u64,
) -> anyhow::Result<Vec<(i64, i64)>> {
    let creates = if n >= 100_000 { 3000 } else { 750 };
    let t = Instant::now();
    let mut created = report(db.clone(), reporters.clone(), items.clone(), 7, 0, creates / 3)
        .await
        .map_err(e)?;
    f.add(
        "create_rate_sequential",
        (creates / 3) as f64 / t.elapsed().as_secs_f64(),
        "cases/s",
    );
    const TASKS: usize = 8;
    let per = creates * 2 / 3 / TASKS;
    let t = Instant::now();
    let tasks: Vec<_> = (0..TASKS)
        .map(|k| {
            tokio::spawn(report(
                db.clone(),
                reporters.clone(),
                items.clone(),
                100 + k as u64,
                k * per,
                per,
            ))
        })
        .collect();
    for task in tasks {
        created.extend(task.await?.map_err(e)?);
    }
    f.add(
        "create_rate_8_tasks",
        (per * TASKS) as f64 / t.elapsed().as_secs_f64(),
        "cases/s",
    );
    let dup_hits = created.iter().filter(|c| c.2).count();
    let created: Vec<(i64, i64)> = created.into_iter().map(|c| (c.0, c.1)).collect();
    f.add("create_with_duplicates", dup_hits as f64, "cases");
    Ok(created)
}

/// A transition: the district center accepts (version check, role, clock, timeline, audit).
async fn transitions(db: &Db, f: &mut Figures, district: &Actor, created: &[(i64, i64)]) -> anyhow::Result<()> {
    let mut times = Vec::new();
    for (id, version) in created.iter().take(500) {
        let t = Instant::now();
        cases::act(
            db,
            district,
            *id,
            ActionInput {
                action: "accept".into(),
                version: *version,
                ..Default::default()
            },
        )
        .await
        .map_err(e)?;
        times.push(t.elapsed());
    }
    f.add("transition_p95", percentile(times, 0.95), "ms");
    Ok(())
}

/// Inbox pages of community centers and of subdistrict departments, and a filtered list page as
/// a community center sees it.
async fn inbox_pages(db: &Db, f: &mut Figures) -> anyhow::Result<()> {
    let communities: Vec<String> = app_user::Entity::find()
        .select_only()
        .column(app_user::Column::Username)
        .filter(app_user::Column::Username.starts_with("community_"))
        .limit(40)
        .into_tuple()
        .all(&db.conn)
        .await?;
    let depts: Vec<String> = app_user::Entity::find()
        .select_only()
        .column(app_user::Column::Username)
        .filter(app_user::Column::Username.starts_with("dept_"))
        .limit(40)
        .into_tuple()
        .all(&db.conn)
        .await?;
    let mut users = Vec::new();
    for name in communities.iter().chain(&depts) {
        users.push(actor(db, name).await?);
    }
    let mut times = Vec::new();
    for i in 0..200 {
        let u = &users[i % users.len()];
        let t = Instant::now();
        cases::inbox(db, u, PageReq::new(Some(1 + (i % 3) as u64), Some(20)).map_err(e)?)
            .await
            .map_err(e)?;
        times.push(t.elapsed());
    }
    f.add("inbox_page_p95", percentile(times, 0.95), "ms");

    // A filtered list page as a community center sees it.
    let mut times = Vec::new();
    for i in 0..100 {
        let u = &users[i % communities.len().max(1)];
        let filter = zongguan_db::cases::CaseFilter {
            state: Some("closed".into()),
            ..Default::default()
        };
        let t = Instant::now();
        cases::list(db, u, &filter, PageReq::new(Some(1), Some(20)).map_err(e)?)
            .await
            .map_err(e)?;
        times.push(t.elapsed());
    }
    f.add("filtered_list_p95", percentile(times, 0.95), "ms");
    Ok(())
}

/// Counts by state, item and department for the whole district. The first call reads every
/// case into memory (`serve` does this at start); after that each call follows a real report
/// somewhere in the district, so the copy is brought up to date every time.
async fn stats(
    db: &Db,
    f: &mut Figures,
    district: &Actor,
    reporters: &Reporters,
    items: &Arc<Vec<String>>,
    written: u64,
) -> anyhow::Result<()> {
    let t = Instant::now();
    let s = cases::stats(db, district, &Default::default()).await.map_err(e)?;
    f.add("stats_district_cold", t.elapsed().as_secs_f64() * 1000.0, "ms");
    anyhow::ensure!(s.total >= written, "stats counted {} of {written}", s.total);
    let mut times = Vec::new();
    for i in 0..50 {
        report(db.clone(), reporters.clone(), items.clone(), 1000 + i as u64, i, 1)
            .await
            .map_err(e)?;
        let t = Instant::now();
        let s = cases::stats(db, district, &Default::default()).await.map_err(e)?;
        times.push(t.elapsed());
        anyhow::ensure!(s.total >= written, "stats counted {} of {written}", s.total);
    }
    f.add("stats_district_p95", percentile(times, 0.95), "ms");
    // The same counts grouped in SQL, for comparison.
    let mut times = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        cases::stats_sql(db, district, &Default::default()).await.map_err(e)?;
        times.push(t.elapsed());
    }
    f.add("stats_district_sql_p95", percentile(times, 0.95), "ms");

    Ok(())
}
