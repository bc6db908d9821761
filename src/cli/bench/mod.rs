//! `zongguan bench registry|cases|map|lists|governance|suggest`: load the demo district and time what staff feel. Prints
//! `name value unit` lines or JSON.
use std::time::Duration;

use zongguan_db::{Db, demo};

mod cases;
mod governance;
mod lists;
mod map;
mod registry;
mod suggest;

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

/// A demo account as a session would see it.
async fn actor(db: &Db, username: &str) -> anyhow::Result<zongguan_db::Actor> {
    zongguan_db::Actor::load(db, username, "bench")
        .await
        .map_err(|e| anyhow::anyhow!("{username}: {e}"))
}

fn db_err(e: zongguan_db::DbError) -> anyhow::Error {
    anyhow::anyhow!("{e}")
}

/// Which figures `zongguan bench` measures.
#[derive(Clone, Copy, clap::ValueEnum)]
pub enum BenchWhat {
    Registry,
    Cases,
    Map,
    /// Every role's residents list, search and lookup through the router (on `--config`'s
    /// database when it names one, kept; loaded with the demo when empty).
    Lists,
    /// The overdue-inspection list and the registers for a district and a community officer, a
    /// month's register exports, the class proposal over every rental house (same database rule).
    Governance,
    /// The item suggestion: trained from `--config`'s database (loaded with the demo when it has
    /// no cases), top-1 / top-3 accuracy over the held-out descriptions, training and rank times.
    Suggest,
}

/// The options of `zongguan bench`.
pub struct BenchOpts {
    pub scale: demo::Scale,
    pub json: bool,
    pub import_rows: usize,
    pub cases: u64,
    pub rounds: usize,
    pub cold_secs: u64,
}

/// `zongguan bench`: a fresh database unless one is given, the demo loaded into it, then the figures.
pub async fn run(
    mut config: crate::config::Config,
    what: BenchWhat,
    o: BenchOpts,
) -> anyhow::Result<std::process::ExitCode> {
    let BenchOpts {
        scale,
        json,
        import_rows,
        cases: cases_n,
        rounds,
        cold_secs,
    } = o;
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
        BenchWhat::Registry => registry::registry(&db, scale, crate::LONGGANG_DIVISIONS, &outline, import_rows).await,
        BenchWhat::Cases => cases::cases(&db, crate::LONGGANG_DIVISIONS, &outline, cases_n).await,
        BenchWhat::Map => map::map(&db, scale, crate::LONGGANG_DIVISIONS, &outline).await,
        BenchWhat::Governance => {
            governance::governance(&config, &db, scale, crate::LONGGANG_DIVISIONS, &outline, rounds).await
        }
        BenchWhat::Suggest => suggest::suggest(&db, scale, crate::LONGGANG_DIVISIONS, &outline).await,
        BenchWhat::Lists => {
            lists::lists(
                &config,
                &db,
                scale,
                crate::LONGGANG_DIVISIONS,
                &outline,
                rounds,
                cold_secs,
            )
            .await
        }
    };
    db.close().await.ok();
    // The scratch database can be gigabytes at district scale.
    if let Some(dir) = scratch {
        let _ = std::fs::remove_dir_all(dir);
    }
    figures?.print(json);
    Ok(std::process::ExitCode::SUCCESS)
}
