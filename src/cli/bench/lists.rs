//! `zongguan bench lists`: the residents list as each role opens it — page 1, page 1000, the last
//! page, one community, text of 1–4 characters, an ID lookup, the summary — through the router
//! with a real session cookie (authentication, scope, JSON), for a district officer, a
//! subdistrict officer, a community officer and a grid worker: first over the first seconds after
//! a cold start (the warm-up running beside), then in steady state. On the database it is given
//! (loaded with the demo when empty).
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use tower::ServiceExt;
use zongguan_db::entity::{app_user, org_unit, resident};
use zongguan_db::sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect};
use zongguan_db::{Db, demo, demo_data};

use super::{Figures, db_err as e, peak_rss_mib, percentile};

const ROLES: [(&str, &str); 4] = [
    ("district", "district_officer"),
    ("subdistrict", "subdistrict_003"),
    ("community", "community_003002"),
    ("grid", "grid_00300201"),
];

/// One role's session and the requests it makes, by row name.
struct Role {
    name: &'static str,
    cookie: String,
    rows: Vec<(&'static str, Vec<String>)>,
}

async fn get(router: &Router, cookie: &str, uri: &str) -> anyhow::Result<serde_json::Value> {
    let req = Request::get(uri)
        .header("cookie", format!("{}={cookie}", crate::caller::COOKIE))
        .body(Body::empty())?;
    let res = router.clone().oneshot(req).await?;
    let status = res.status();
    let bytes = axum::body::to_bytes(res.into_body(), usize::MAX).await?;
    anyhow::ensure!(
        status == StatusCode::OK,
        "{uri}: {status} {}",
        String::from_utf8_lossy(&bytes)
    );
    Ok(serde_json::from_slice(&bytes)?)
}

pub(super) async fn session(db: &Db, username: &str) -> anyhow::Result<String> {
    let user = app_user::Entity::find()
        .filter(app_user::Column::Username.eq(username))
        .one(&db.conn)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no account {username}: load the demo first"))?;
    let token = format!("bench-{username}-{}", std::process::id());
    zongguan_db::auth::create_session(
        db,
        user.id,
        &crate::caller::sha256_hex(&token),
        "bench",
        "bench",
        "bench",
    )
    .await
    .map_err(e)?;
    Ok(token)
}

/// The requests of one role, from what its own first page shows.
async fn role_rows(db: &Db, router: &Router, name: &'static str, username: &str) -> anyhow::Result<Role> {
    let cookie = session(db, username).await?;
    let base = "/api/v1/residents?page_size=20";
    let first = get(router, &cookie, base).await?;
    let total = first["total"].as_u64().unwrap_or(0);
    anyhow::ensure!(total > 0, "{username} sees no residents");
    let last = total.div_ceil(20);
    let people: Vec<(i64, String)> = first["items"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|i| Some((i["id"].as_i64()?, i["name"].as_str()?.to_string())))
                .collect()
        })
        .unwrap_or_default();
    let ids: Vec<i64> = people.iter().map(|p| p.0).collect();
    let numbers: Vec<String> = resident::Entity::find()
        .select_only()
        .column(resident::Column::IdNumberEnc)
        .filter(resident::Column::Id.is_in(ids.clone()))
        .into_tuple::<String>()
        .all(&db.conn)
        .await?
        .iter()
        .filter_map(|c| db.cipher.decrypt(c).ok())
        .collect();
    let unit = first["items"][0]["org_unit_id"].as_i64().unwrap_or(0);
    let community = org_unit::Entity::find_by_id(unit)
        .one(&db.conn)
        .await?
        .and_then(|u| {
            if u.level == "community" {
                Some(u.id)
            } else {
                u.parent_id
            }
        })
        .unwrap_or(unit);
    let names = |n: usize| -> Vec<String> {
        people
            .iter()
            .filter(|p| p.1.chars().count() >= n)
            .map(|p| p.1.chars().take(n).collect::<String>())
            .collect()
    };
    let q =
        |texts: Vec<String>| -> Vec<String> { texts.iter().map(|t| format!("{base}&q={}", urlencoding(t))).collect() };
    // Four characters: a name with its surname doubled is rare; a building name is the usual.
    let buildings = get(router, &cookie, "/api/v1/buildings?page_size=20").await?;
    let four: Vec<String> = buildings["items"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|b| b["name"].as_str())
                .filter(|n| n.chars().count() >= 4)
                .map(|n| n.chars().take(4).collect())
                .collect()
        })
        .unwrap_or_default();
    let rows = vec![
        ("page_1", vec![base.to_string()]),
        ("page_1000", vec![format!("{base}&page={}", last.min(1000))]),
        ("page_last", vec![format!("{base}&page={last}")]),
        ("community", vec![format!("{base}&org_unit_id={community}")]),
        ("text_1", q(names(1))),
        ("text_2", q(names(2))),
        ("text_3", q(names(3))),
        ("text_4", q(four)),
        (
            "id_lookup",
            numbers.iter().map(|n| format!("{base}&id_number={n}")).collect(),
        ),
        (
            "id_tail",
            numbers
                .iter()
                .map(|n| format!("{base}&q={}", &n[n.len() - 6..]))
                .collect(),
        ),
        ("detail", ids.iter().map(|i| format!("/api/v1/residents/{i}")).collect()),
        ("summary", vec!["/api/v1/registry/summary".to_string()]),
    ];
    Ok(Role {
        name,
        cookie,
        rows: rows.into_iter().filter(|(_, u)| !u.is_empty()).collect(),
    })
}

fn urlencoding(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

type Times = std::collections::BTreeMap<(&'static str, &'static str), Vec<Duration>>;

/// Every row of every role once, in turn, timing each request.
async fn round(router: &Router, roles: &[Role], i: usize, times: &mut Times) -> anyhow::Result<()> {
    for r in roles {
        for (row, uris) in &r.rows {
            let uri = &uris[i % uris.len()];
            let t = Instant::now();
            get(router, &r.cookie, uri).await?;
            times.entry((r.name, row)).or_default().push(t.elapsed());
        }
    }
    Ok(())
}

fn report(f: &mut Figures, prefix: &str, times: Times) {
    eprintln!("  {prefix}: role row p50 p95 p99 (ms, n)");
    for ((role, row), xs) in times {
        let (p50, p95, p99) = (
            percentile(xs.clone(), 0.5),
            percentile(xs.clone(), 0.95),
            percentile(xs.clone(), 0.99),
        );
        eprintln!("  | {role} | {row} | {p50:.1} | {p95:.1} | {p99:.1} | {} |", xs.len());
        f.0.push((format!("{prefix}.{role}.{row}.p95"), p95, "ms".into()));
        f.0.push((format!("{prefix}.{role}.{row}.p99"), p99, "ms".into()));
    }
}

pub async fn lists(
    config: &crate::config::Config,
    db: &Db,
    scale: demo::Scale,
    divisions: &str,
    outline: &serde_json::Value,
    rounds: usize,
    cold_secs: u64,
) -> anyhow::Result<Figures> {
    let mut f = Figures(Vec::new());
    eprintln!("bench lists on {} …", db.backend.name());
    if resident::Entity::find().count(&db.conn).await? == 0 {
        let t = Instant::now();
        let hash = zongguan_core::password::hash("Bench@2026x");
        demo::load(db, divisions, None, scale, &hash).await.map_err(e)?;
        demo_data::geography(db, outline).await.map_err(e)?;
        demo_data::registries(db, 2026, scale.volume(), &|_, _| {})
            .await
            .map_err(e)?;
        db.checkpoint().await.map_err(e)?;
        f.add("load_seconds", t.elapsed().as_secs_f64(), "s");
    }
    f.add(
        "residents",
        resident::Entity::find().count(&db.conn).await? as f64,
        "rows",
    );
    // A cold start: a fresh pool and caches, the warm-up `serve` runs, requests from the first moment.
    let cold = crate::open_db(config).await?;
    let router = crate::router::router(crate::app::AppState::new(cold.clone(), config.clone()));
    let mut roles = Vec::new();
    for (name, user) in ROLES {
        roles.push(role_rows(&cold, &router, name, user).await?);
    }
    tokio::spawn(crate::jobs::warm::warm_up(cold.clone()));
    let start = Instant::now();
    let mut times = Times::new();
    let mut i = 0;
    while start.elapsed() < Duration::from_secs(cold_secs) {
        round(&router, &roles, i, &mut times).await?;
        i += 1;
    }
    report(&mut f, "first_60s", times);
    let mut times = Times::new();
    for i in 0..rounds {
        round(&router, &roles, i, &mut times).await?;
    }
    report(&mut f, "steady", times);
    f.add("peak_rss", peak_rss_mib(), "MiB");
    for (name, key) in [("rss_anon", "RssAnon:"), ("rss_file", "RssFile:")] {
        let kb = std::fs::read_to_string("/proc/self/status")
            .ok()
            .and_then(|s| {
                s.lines()
                    .find(|l| l.starts_with(key))
                    .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
            })
            .unwrap_or(0.0);
        f.add(name, kb / 1024.0, "MiB");
    }
    cold.close().await.ok();
    Ok(f)
}
