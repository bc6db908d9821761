//! `zongguan bench registry`: load the demo district and time what staff feel — import speed,
//! ID lookup, a filtered page, district-wide counts. Prints `name value unit` lines or JSON.
use std::time::{Duration, Instant};

use zongguan_core::geometry::Rng;
use zongguan_core::permission::Permission;
use zongguan_db::imports::{self, Kind, Mode};
use zongguan_db::registry::{self, ResidentFilter};
use zongguan_db::sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
use zongguan_db::{Actor, Db, PageReq, Scope, demo, demo_data};

pub struct Figures(Vec<(String, f64, String)>);

impl Figures {
    fn add(&mut self, name: &str, value: f64, unit: &str) {
        eprintln!("  {name} = {value:.3} {unit}");
        self.0.push((name.into(), value, unit.into()));
    }
    pub fn print(&self, json: bool) {
        if json {
            let m: serde_json::Map<String, serde_json::Value> = self
                .0
                .iter()
                .map(|(n, v, u)| (n.clone(), serde_json::json!({"value": v, "unit": u})))
                .collect();
            println!("{}", serde_json::Value::Object(m));
        } else {
            for (n, v, u) in &self.0 {
                println!("{n} {v:.3} {u}");
            }
        }
    }
}

fn percentile(mut xs: Vec<Duration>, p: f64) -> f64 {
    xs.sort();
    let i = ((xs.len() as f64 - 1.0) * p).round() as usize;
    xs.get(i).map(|d| d.as_secs_f64() * 1000.0).unwrap_or(0.0)
}

fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map(|kb| kb / 1024.0)
        .unwrap_or(0.0)
}

/// Residents rows for existing houses, with fresh valid identity numbers.
async fn import_rows(db: &Db, n: usize, seed: u64) -> anyhow::Result<Vec<Vec<String>>> {
    use zongguan_db::entity::{building, house, resident};
    let houses: Vec<(i64, String)> = house::Entity::find()
        .select_only()
        .columns([house::Column::BuildingId, house::Column::Room])
        .limit(20_000)
        .into_tuple()
        .all(&db.conn)
        .await?;
    let ids: Vec<i64> = houses.iter().map(|h| h.0).collect();
    let codes: std::collections::HashMap<i64, String> = building::Entity::find()
        .select_only()
        .columns([building::Column::Id, building::Column::Code])
        .filter(building::Column::Id.is_in(ids))
        .into_tuple::<(i64, String)>()
        .all(&db.conn)
        .await?
        .into_iter()
        .collect();
    anyhow::ensure!(!houses.is_empty(), "no houses to import into");
    let mut rng = Rng::new(seed);
    let mut out: Vec<Vec<String>> = Vec::with_capacity(n);
    let mut seen = std::collections::HashSet::new();
    while out.len() < n {
        // Born 1950–2009 in a Hunan county with a sequence the demo never uses (>= 900); the
        // county follows the seed. Numbers an earlier run on the same database imported are
        // looked up and drawn again.
        const COUNTIES: &[&str] = &[
            "430102", "430103", "430104", "430105", "430111", "430112", "430121", "430124", "430202", "430203",
            "430204", "430211",
        ];
        let county = COUNTIES[(seed % COUNTIES.len() as u64) as usize];
        let mut batch = Vec::new();
        while batch.len() < (n - out.len()).min(1000) {
            let born = chrono::NaiveDate::from_ymd_opt(1950, 1, 1).unwrap_or_default()
                + chrono::Duration::days(rng.below(60 * 365) as i64);
            let body = format!("{county}{}{:03}", born.format("%Y%m%d"), 900 + rng.below(100));
            if seen.insert(body.clone()) {
                batch.push(format!(
                    "{body}{}",
                    zongguan_core::id_number::check_char(&body).unwrap_or('0')
                ));
            }
        }
        let hashes: Vec<Vec<u8>> = batch.iter().map(|x| db.cipher.keyed_hash_bytes(x)).collect();
        let taken: std::collections::HashSet<Vec<u8>> = resident::Entity::find()
            .select_only()
            .column(resident::Column::IdNumberHash)
            .filter(resident::Column::IdNumberHash.is_in(hashes.clone()))
            .into_tuple::<Vec<u8>>()
            .all(&db.conn)
            .await?
            .into_iter()
            .collect();
        for (number, hash) in batch.into_iter().zip(hashes) {
            if taken.contains(&hash) {
                continue;
            }
            let (b, room) = &houses[rng.below(houses.len() as u64) as usize];
            // Real names, not a numbered series: a series sorts together in the name index and
            // hides what a real file costs.
            out.push(vec![
                demo_data::person_name(&mut rng),
                "居民身份证".into(),
                number,
                String::new(),
                String::new(),
                "汉族".into(),
                "流动人口".into(),
                format!("139{:08}", rng.below(100_000_000)),
                codes.get(b).cloned().unwrap_or_default(),
                room.clone(),
                "2025-06-01".into(),
                "本人".into(),
            ]);
        }
    }
    Ok(out)
}

pub async fn registry(
    db: &Db,
    scale: demo::Scale,
    divisions: &str,
    outline: &serde_json::Value,
    import_n: usize,
) -> anyhow::Result<Figures> {
    let e = |e: zongguan_db::DbError| anyhow::anyhow!("{e}");
    let mut f = Figures(Vec::new());
    eprintln!("bench registry on {} …", db.backend.name());

    let t = Instant::now();
    let hash = zongguan_core::password::hash("Bench@2026x");
    demo::load(db, divisions, None, scale, &hash).await.map_err(e)?;
    f.add("load_org_and_staff_seconds", t.elapsed().as_secs_f64(), "s");
    let t2 = Instant::now();
    demo_data::geography(db, outline).await.map_err(e)?;
    f.add("load_geography_seconds", t2.elapsed().as_secs_f64(), "s");
    let t2 = Instant::now();
    let counts = demo_data::registries(db, 2026, scale.volume(), &|_, _| {})
        .await
        .map_err(e)?;
    // The load's pages go from the WAL into the database file before anything is timed against
    // it (part of the load, as in `zongguan demo`).
    db.checkpoint().await.map_err(e)?;
    f.add("load_registries_seconds", t2.elapsed().as_secs_f64(), "s");
    let load = t.elapsed().as_secs_f64();
    f.add("load_district_seconds", load, "s");
    f.add("load_residents", counts.residents as f64, "rows");
    f.add("load_rate", counts.residents as f64 / load.max(1e-9), "residents/s");

    // Import: CSV and XLSX of the same kind of rows, full validation, one transaction each.
    let actor = Actor::system("bench");
    let header: Vec<String> = Kind::Residents.headers().iter().map(|s| s.to_string()).collect();
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(99);
    let rows = import_rows(db, import_n * 2, seed).await?;
    let (csv_rows, xlsx_rows) = rows.split_at(import_n);
    let mut csv = header.join(",") + "\n";
    for r in csv_rows {
        csv.push_str(&r.join(","));
        csv.push('\n');
    }
    let t = Instant::now();
    let (head, chunks) = crate::sheets::stream(csv.into_bytes())
        .await
        .map_err(|m| anyhow::anyhow!(m))?;
    let out = imports::run(db, &actor, Kind::Residents, Mode::AllOrNothing, &head, chunks, &|_| {})
        .await
        .map_err(e)?;
    let secs = t.elapsed().as_secs_f64();
    anyhow::ensure!(
        out.rejected.is_empty(),
        "bench CSV rows were rejected: {:?}",
        out.rejected.first()
    );
    f.add("import_csv_rate", out.accepted as f64 / secs, "rows/s");
    // The rows are committed and visible; copying their pages from the WAL into the database
    // file follows in the background (`serve`'s checkpointer). Timed here on its own.
    let t = Instant::now();
    db.checkpoint().await.map_err(e)?;
    f.add("import_csv_checkpoint", t.elapsed().as_secs_f64() * 1000.0, "ms");
    let mut wb = rust_xlsxwriter::Workbook::new();
    {
        let ws = wb.add_worksheet();
        for (c, h) in header.iter().enumerate() {
            ws.write(0, c as u16, h)?;
        }
        for (r, row) in xlsx_rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                ws.write_string(r as u32 + 1, c as u16, v)?;
            }
        }
    }
    let bytes = wb.save_to_buffer()?;
    let t = Instant::now();
    let (head, chunks) = crate::sheets::stream(bytes).await.map_err(|m| anyhow::anyhow!(m))?;
    let out = imports::run(db, &actor, Kind::Residents, Mode::AllOrNothing, &head, chunks, &|_| {})
        .await
        .map_err(e)?;
    let secs = t.elapsed().as_secs_f64();
    anyhow::ensure!(
        out.rejected.is_empty(),
        "bench XLSX rows were rejected: {:?}",
        out.rejected.first()
    );
    f.add("import_xlsx_rate", out.accepted as f64 / secs, "rows/s");
    let t = Instant::now();
    db.checkpoint().await.map_err(e)?;
    f.add("import_xlsx_checkpoint", t.elapsed().as_secs_f64() * 1000.0, "ms");

    // ID lookup by keyed hash.
    let numbers: Vec<String> = csv_rows.iter().map(|r| r[2].clone()).collect();
    let page = PageReq::new(Some(1), Some(20)).map_err(e)?;
    let mut times = Vec::new();
    for n in numbers.iter().take(1000) {
        let t = Instant::now();
        let r = registry::list_residents(
            db,
            &Scope::All,
            &ResidentFilter {
                id_number: Some(n.clone()),
                ..Default::default()
            },
            page,
        )
        .await
        .map_err(e)?;
        times.push(t.elapsed());
        anyhow::ensure!(r.total == 1, "lookup found {}", r.total);
    }
    f.add("id_lookup_p99", percentile(times, 0.99), "ms");

    // A filtered, sorted page in one community, as an officer sees it.
    let communities = zongguan_db::org::list_units(
        db,
        &Scope::All,
        &zongguan_db::org::OrgUnitFilter {
            level: Some("community".into()),
            ..Default::default()
        },
        PageReq::new(Some(1), Some(20)).map_err(e)?,
    )
    .await
    .map_err(e)?
    .items;
    let mut times = Vec::new();
    for i in 0..100 {
        let c = &communities[i % communities.len().max(1)];
        let filter = ResidentFilter {
            org_unit_id: Some(c.id),
            registration_type: Some("migrant".into()),
            sort: Some("-birth_date".into()),
            age_min: Some(18),
            ..Default::default()
        };
        let t = Instant::now();
        registry::list_residents(
            db,
            &Scope::All,
            &filter,
            PageReq::new(Some(1 + (i % 5) as u64), Some(20)).map_err(e)?,
        )
        .await
        .map_err(e)?;
        times.push(t.elapsed());
    }
    f.add("filtered_page_p95", percentile(times, 0.95), "ms");

    // District-wide summary counts: the first call builds the per-unit counts; after that each
    // call follows a real write somewhere in the district, so one unit is recounted every time.
    let t = Instant::now();
    registry::summary(db, &Scope::All, None).await.map_err(e)?;
    f.add("summary_district_cold", t.elapsed().as_secs_f64() * 1000.0, "ms");
    let ids: Vec<i64> = zongguan_db::entity::resident::Entity::find()
        .select_only()
        .column(zongguan_db::entity::resident::Column::Id)
        .limit(50)
        .into_tuple()
        .all(&db.conn)
        .await?;
    let mut times = Vec::new();
    for id in ids {
        zongguan_db::entity::resident::Entity::update_many()
            .col_expr(
                zongguan_db::entity::resident::Column::UpdatedAt,
                zongguan_db::sea_orm::sea_query::Expr::val(chrono::Utc::now()),
            )
            .filter(zongguan_db::entity::resident::Column::Id.eq(id))
            .exec(&db.conn)
            .await?;
        let t = Instant::now();
        registry::summary(db, &Scope::All, None).await.map_err(e)?;
        times.push(t.elapsed());
    }
    f.add("summary_district_p95", percentile(times, 0.95), "ms");
    f.add("peak_rss", peak_rss_mib(), "MiB");
    Ok(f)
}

/// A demo account as a session would see it.
async fn actor(db: &Db, username: &str) -> anyhow::Result<zongguan_db::Actor> {
    zongguan_db::Actor::load(db, username, "bench")
        .await
        .map_err(|e| anyhow::anyhow!("{username}: {e}"))
}

/// `zongguan bench cases`: the district's org tree and grid polygons, a year of historical cases
/// bulk-loaded, then what staff feel through the same functions the API calls: reporting with
/// routing, duplicate check and audit; a transition; an inbox page; the district's counts.
pub async fn cases(db: &Db, divisions: &str, outline: &serde_json::Value, n: u64) -> anyhow::Result<Figures> {
    use zongguan_db::cases::{self, ActionInput, NewCase};
    use zongguan_db::entity::{app_user, grid_assignment, org_unit};
    let e = |e: zongguan_db::DbError| anyhow::anyhow!("{e}");
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

    // Grid workers and a point inside each one's grid.
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

    // Reporting: routing by point, duplicate check, code, timeline and audit. First one report at a
    // time (a third of them); then as a server meets them, from many grid workers at once (8 tasks).
    let creates = if n >= 100_000 { 3000 } else { 750 };
    let reporters = std::sync::Arc::new(reporters);
    let items = std::sync::Arc::new(items);
    type Reporters = std::sync::Arc<Vec<(zongguan_db::Actor, Vec<(f64, f64)>)>>;
    let report = |db: Db,
                  reporters: Reporters,
                  items: std::sync::Arc<Vec<String>>,
                  seed: u64,
                  from: usize,
                  count: usize| async move {
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
        Ok::<_, zongguan_db::DbError>(out)
    };
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

    // A transition: the district center accepts (version check, role, clock, timeline, audit).
    let district = actor(db, "district_officer").await?;
    let mut times = Vec::new();
    for (id, version) in created.iter().take(500) {
        let t = Instant::now();
        cases::act(
            db,
            &district,
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

    // Inbox pages of community centers and of subdistrict departments.
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

    // Counts by state, item and department for the whole district. The first call reads every
    // case into memory (`serve` does this at start); after that each call follows a real report
    // somewhere in the district, so the copy is brought up to date every time.
    let t = Instant::now();
    let s = cases::stats(db, &district, &Default::default()).await.map_err(e)?;
    f.add("stats_district_cold", t.elapsed().as_secs_f64() * 1000.0, "ms");
    anyhow::ensure!(s.total >= written, "stats counted {} of {written}", s.total);
    let mut times = Vec::new();
    for i in 0..50 {
        report(db.clone(), reporters.clone(), items.clone(), 1000 + i as u64, i, 1)
            .await
            .map_err(e)?;
        let t = Instant::now();
        let s = cases::stats(db, &district, &Default::default()).await.map_err(e)?;
        times.push(t.elapsed());
        anyhow::ensure!(s.total >= written, "stats counted {} of {written}", s.total);
    }
    f.add("stats_district_p95", percentile(times, 0.95), "ms");
    // The same counts grouped in SQL, for comparison.
    let mut times = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        cases::stats_sql(db, &district, &Default::default()).await.map_err(e)?;
        times.push(t.elapsed());
    }
    f.add("stats_district_sql_p95", percentile(times, 0.95), "ms");

    let t = Instant::now();
    let alerts = cases::raise_overdue_alerts(db, cases::now()).await.map_err(e)?;
    f.add("overdue_job_seconds", t.elapsed().as_secs_f64(), "s");
    f.add("overdue_alerts", alerts as f64, "alerts");
    f.add("peak_rss", peak_rss_mib(), "MiB");
    Ok(f)
}

/// `zongguan bench map`: tiles, spatial queries over a community and the whole district, and the
/// re-assignment of every building to grids, on the demo district.
pub async fn map(db: &Db, scale: demo::Scale, divisions: &str, outline: &serde_json::Value) -> anyhow::Result<Figures> {
    use geo::BoundingRect;
    use zongguan_db::entity::org_unit;
    use zongguan_db::map;
    use zongguan_db::regrid;
    let e = |e: zongguan_db::DbError| anyhow::anyhow!("{e}");
    let mut f = Figures(Vec::new());
    eprintln!("bench map on {} …", db.backend.name());
    let t = Instant::now();
    let hash = zongguan_core::password::hash("Bench@2026x");
    demo::load(db, divisions, None, scale, &hash).await.map_err(e)?;
    demo_data::geography(db, outline).await.map_err(e)?;
    demo_data::registries(db, 2026, scale.volume(), &|_, _| {})
        .await
        .map_err(e)?;
    db.checkpoint().await.map_err(e)?;
    f.add("load_district_seconds", t.elapsed().as_secs_f64(), "s");

    let t = Instant::now();
    let layers = db.map.layers(db).await.map_err(e)?;
    f.add("layers_cold_seconds", t.elapsed().as_secs_f64(), "s");
    let t = Instant::now();
    db.map.warm_counts(db).await.map_err(e)?;
    f.add("building_counts_warm_seconds", t.elapsed().as_secs_f64(), "s");
    let buildings: Vec<(f64, f64)> = layers
        .buildings
        .values()
        .flat_map(|l| l.iter().map(|b| (b.lon, b.lat)))
        .collect();
    let grids = layers.units.list.iter().filter(|u| u.level == "grid").count();
    f.add("buildings", buildings.len() as f64, "rows");
    f.add("grids", grids as f64, "units");
    anyhow::ensure!(!buildings.is_empty(), "no buildings to draw");

    // Tiles where people look: around random buildings, zoom 10 to 18, each layer in turn.
    // The whole district, cases included (`stats:read` makes a case reader).
    let viewer = Actor {
        permissions: vec![Permission::StatsRead.code().into()],
        ..Actor::system("bench")
    };
    let mut rng = Rng::new(7);
    let (mut times, mut bytes) = (Vec::new(), 0usize);
    let layers_drawn = ["grids", "buildings", "divisions", "buildings", "cases"];
    for i in 0..300 {
        let (lon, lat) = *rng.pick(&buildings);
        let z = 10 + (i % 9) as u8;
        let (x, y) = zongguan_core::coords::lonlat_to_tile(lon, lat, z);
        let layer = layers_drawn[i % layers_drawn.len()];
        let t = Instant::now();
        let snapshot = db.map.layers(db).await.map_err(e)?;
        let tile = map::tile(&snapshot, &viewer, layer, z, x as u32, y as u32).unwrap_or_default();
        times.push(t.elapsed());
        bytes += tile.len();
    }
    f.add("tile_p50", percentile(times.clone(), 0.50), "ms");
    f.add("tile_p95", percentile(times.clone(), 0.95), "ms");
    f.add("tile_max", percentile(times, 1.0), "ms");
    f.add("tile_mean_bytes", bytes as f64 / 300.0, "bytes");
    // The densest tile: the whole district's buildings at zoom 10.
    let (lon, lat) = buildings[0];
    let (x, y) = zongguan_core::coords::lonlat_to_tile(lon, lat, 10);
    let mut times = Vec::new();
    for _ in 0..20 {
        let t = Instant::now();
        let snapshot = db.map.layers(db).await.map_err(e)?;
        map::tile(&snapshot, &viewer, "buildings", 10, x as u32, y as u32);
        times.push(t.elapsed());
    }
    f.add("tile_buildings_z10_p95", percentile(times, 0.95), "ms");

    // Spatial query over a community, and over the whole district.
    let shape_of = |u: &org_unit::Model| {
        u.geometry
            .as_deref()
            .and_then(|g| serde_json::from_str::<serde_json::Value>(g).ok())
            .and_then(|v| zongguan_core::geometry::from_geojson(&v))
    };
    let communities: Vec<org_unit::Model> = org_unit::Entity::find()
        .filter(org_unit::Column::Level.eq("community"))
        .all(&db.conn)
        .await?;
    let with_people: Vec<&org_unit::Model> = communities
        .iter()
        .filter(|c| {
            layers
                .units
                .list
                .iter()
                .any(|g| g.parent_id == Some(c.id) && layers.buildings.contains_key(&g.id))
        })
        .collect();
    let t = Instant::now();
    map::query(
        db,
        &viewer,
        shape_of(with_people[0]).ok_or_else(|| anyhow::anyhow!("community shape"))?,
        200,
    )
    .await
    .map_err(e)?;
    f.add("query_first_seconds", t.elapsed().as_secs_f64(), "s");
    let mut times = Vec::new();
    let mut residents = 0;
    for i in 0..40 {
        let c = with_people[(i * 7) % with_people.len()];
        let shape = shape_of(c).ok_or_else(|| anyhow::anyhow!("community shape"))?;
        let t = Instant::now();
        let r = map::query(db, &viewer, shape, 200).await.map_err(e)?;
        times.push(t.elapsed());
        residents = residents.max(r.counts.residents);
    }
    f.add("query_community_p95", percentile(times, 0.95), "ms");
    f.add("query_community_max_residents", residents as f64, "people");
    // A hand-drawn box across grid edges (counted building by building where it cuts).
    let mut times = Vec::new();
    for i in 0..20 {
        let (lon, lat) = buildings[(i * 7919) % buildings.len()];
        let shape = geo::MultiPolygon::new(vec![
            geo::Rect::new(
                geo::Coord {
                    x: lon - 0.006,
                    y: lat - 0.004,
                },
                geo::Coord {
                    x: lon + 0.006,
                    y: lat + 0.004,
                },
            )
            .to_polygon(),
        ]);
        let t = Instant::now();
        map::query(db, &viewer, shape, 200).await.map_err(e)?;
        times.push(t.elapsed());
    }
    f.add("query_drawn_box_p95", percentile(times, 0.95), "ms");
    let district = zongguan_core::geometry::from_geojson(outline).ok_or_else(|| anyhow::anyhow!("district outline"))?;
    let mut times = Vec::new();
    let mut total = 0;
    for _ in 0..10 {
        let t = Instant::now();
        let r = map::query(db, &viewer, district.clone(), 200).await.map_err(e)?;
        times.push(t.elapsed());
        total = r.counts.residents;
    }
    f.add("query_district_p95", percentile(times, 0.95), "ms");
    f.add("query_district_residents", total as f64, "people");

    // Re-assign every building to its grid: once as is, once after moving a strip between grids.
    let actor = Actor::system("bench");
    let id = regrid::create(db, &actor, None).await.map_err(e)?;
    let t = Instant::now();
    let run = regrid::run(db, &actor, id).await.map_err(e)?;
    f.add("regrid_all_seconds", t.elapsed().as_secs_f64(), "s");
    f.add("regrid_checked", run.checked as f64, "buildings");
    let grid = layers
        .units
        .list
        .iter()
        .find(|g| g.level == "grid" && layers.buildings.get(&g.id).is_some_and(|b| b.len() > 4))
        .ok_or_else(|| anyhow::anyhow!("a grid with buildings"))?;
    let r = grid.shape.bounding_rect().ok_or_else(|| anyhow::anyhow!("grid box"))?;
    // Shift the grid's west half to a neighbour: rewrite both shapes directly (no validation).
    let half = geo::MultiPolygon::new(vec![
        geo::Rect::new(
            r.min(),
            geo::Coord {
                x: (r.min().x + r.max().x) / 2.0,
                y: r.max().y,
            },
        )
        .to_polygon(),
    ]);
    let neighbour = layers
        .units
        .list
        .iter()
        .find(|g| g.level == "grid" && g.parent_id == grid.parent_id && g.id != grid.id)
        .ok_or_else(|| anyhow::anyhow!("a neighbour grid"))?;
    let (old_a, old_b) = (grid.shape.clone(), neighbour.shape.clone());
    use geo::BooleanOps;
    let set_shape = |id: i64, m: &geo::MultiPolygon<f64>| {
        let g = zongguan_core::geometry::to_geojson(m).to_string();
        async move {
            org_unit::Entity::update_many()
                .col_expr(
                    org_unit::Column::Geometry,
                    zongguan_db::sea_orm::sea_query::Expr::value(g),
                )
                .filter(org_unit::Column::Id.eq(id))
                .exec(&db.conn)
                .await
        }
    };
    set_shape(grid.id, &old_a.difference(&half)).await?;
    set_shape(neighbour.id, &old_b.union(&old_a.intersection(&half))).await?;
    let id = regrid::create(db, &actor, None).await.map_err(e)?;
    let t = Instant::now();
    let run = regrid::run(db, &actor, id).await.map_err(e)?;
    f.add("regrid_with_moves_seconds", t.elapsed().as_secs_f64(), "s");
    f.add("regrid_moved", run.moved as f64, "buildings");
    set_shape(grid.id, &old_a).await?;
    set_shape(neighbour.id, &old_b).await?;
    let id = regrid::create(db, &actor, None).await.map_err(e)?;
    regrid::run(db, &actor, id).await.map_err(e)?;

    if db.backend == zongguan_db::Backend::Postgres {
        use zongguan_db::sea_orm::{ConnectionTrait, Statement};
        let has = db
            .conn
            .query_one_raw(Statement::from_string(
                db.conn.get_database_backend(),
                "SELECT 1 AS x FROM pg_available_extensions WHERE name = 'postgis'",
            ))
            .await?
            .is_some();
        f.add("postgis_available", if has { 1.0 } else { 0.0 }, "bool");
    }
    f.add("peak_rss", peak_rss_mib(), "MiB");
    Ok(f)
}

/// Which figures `zongguan bench` measures.
#[derive(Clone, Copy, clap::ValueEnum)]
pub enum BenchWhat {
    Registry,
    Cases,
    Map,
}

/// `zongguan bench`: a fresh database unless one is given, the demo loaded into it, then the figures.
pub async fn run(
    mut config: crate::config::Config,
    what: BenchWhat,
    scale: demo::Scale,
    json: bool,
    import_rows: usize,
    cases_n: u64,
) -> anyhow::Result<std::process::ExitCode> {
    // A fresh database unless one is given: the bench loads the demo itself.
    let mut scratch = None;
    if config.database_url.is_none() {
        let dir = std::env::temp_dir().join(format!("zongguan-bench-{}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        config.database_url = Some(format!("sqlite://{}/bench.db?mode=rwc", dir.display()));
        config.data_dir = dir.clone();
        scratch = Some(dir);
    }
    let db = crate::open_db(&config).await?;
    let outline: serde_json::Value = crate::longgang_outline_geometry()
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or_default();
    let figures = match what {
        BenchWhat::Registry => registry(&db, scale, crate::LONGGANG_DIVISIONS, &outline, import_rows).await,
        BenchWhat::Cases => cases(&db, crate::LONGGANG_DIVISIONS, &outline, cases_n).await,
        BenchWhat::Map => map(&db, scale, crate::LONGGANG_DIVISIONS, &outline).await,
    };
    db.close().await.ok();
    // The scratch database can be gigabytes at district scale.
    if let Some(dir) = scratch {
        let _ = std::fs::remove_dir_all(dir);
    }
    figures?.print(json);
    Ok(std::process::ExitCode::SUCCESS)
}
