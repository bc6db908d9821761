//! The `zongguan` command line: serve, migrate, demo, user, audit, openapi.
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use zongguan_db::{Actor, auth, demo};

use crate::app::{AppState, router};
use crate::config::Config;

#[derive(Parser)]
#[command(name = "zongguan", version, about = "大综管（综治·信访·维稳）信息管理系统")]
struct Cli {
    /// Database URL: sqlite://FILE?mode=rwc or postgres://… (default: a SQLite file in ./data/)
    #[arg(long, global = true, env = "ZONGGUAN_DATABASE_URL")]
    database: Option<String>,
    /// TOML configuration file.
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Run the server (API and web front end).
    Serve {
        #[arg(long, env = "ZONGGUAN_LISTEN")]
        listen: Option<String>,
    },
    /// Apply database migrations.
    Migrate,
    /// Load the demo district: Longgang's org tree, departments and one account per role and level.
    Demo {
        #[arg(long, value_enum, default_value = "small")]
        scale: DemoScale,
        /// Password of every demo account.
        #[arg(long, default_value = "Zongguan@2026")]
        password: String,
        /// Write the accounts as JSON here.
        #[arg(long)]
        accounts_out: Option<PathBuf>,
        /// Seed of the generated geography and people (same seed, same district).
        #[arg(long, default_value_t = 2026)]
        seed: u64,
        /// Only the org tree and accounts, no buildings or residents.
        #[arg(long)]
        no_registry: bool,
        /// No cases (the demo otherwise makes a year of history and, in every community, cases
        /// of today left at each step of the workflow).
        #[arg(long)]
        no_cases: bool,
    },
    /// Manage accounts.
    User {
        #[command(subcommand)]
        cmd: UserCmd,
    },
    /// Audit log tools.
    Audit {
        #[command(subcommand)]
        cmd: AuditCmd,
    },
    /// Print the OpenAPI document.
    Openapi,
    /// Measure speed: `bench registry` loads the demo district into a fresh database and times it.
    Bench {
        #[arg(value_enum)]
        what: BenchWhat,
        #[arg(long, value_enum, default_value = "small")]
        scale: DemoScale,
        /// One JSON object instead of `name value unit` lines.
        #[arg(long)]
        json: bool,
        /// Rows per import file (CSV and XLSX each).
        #[arg(long, default_value_t = 20_000)]
        import_rows: usize,
        /// `bench cases`: historical cases to load first (a district's year is about a million).
        #[arg(long, default_value_t = 1_000_000)]
        cases: u64,
    },
    /// Open311 API keys.
    Apikey {
        #[command(subcommand)]
        cmd: ApikeyCmd,
    },
    /// Import a spreadsheet (XLSX, or CSV in UTF-8 or GB18030) into a registry.
    Import {
        #[arg(value_enum)]
        kind: ImportKind,
        file: PathBuf,
        #[arg(long, value_enum, default_value = "all-or-nothing")]
        mode: ImportMode,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum BenchWhat {
    Registry,
    Cases,
    Map,
}

#[derive(Subcommand)]
enum ApikeyCmd {
    /// Issue a key and print it (only its hash is stored).
    Create {
        #[arg(long)]
        name: String,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum ImportKind {
    Residents,
    Buildings,
    Houses,
}

#[derive(Clone, Copy, ValueEnum)]
enum ImportMode {
    AllOrNothing,
    ValidRows,
}

#[derive(Clone, Copy, ValueEnum)]
enum DemoScale {
    Small,
    District,
}

#[derive(Subcommand)]
enum UserCmd {
    /// Create an account (the password must be changed at first login).
    Add {
        username: String,
        /// Display name.
        #[arg(long)]
        name: String,
        /// Code of the org unit (e.g. 440307003002).
        #[arg(long)]
        org_unit: String,
        /// Role codes to grant.
        #[arg(long = "role")]
        roles: Vec<String>,
        /// Initial password (else one is generated and printed).
        #[arg(long)]
        password: Option<String>,
    },
    /// Set a new password (to be changed at next login).
    Passwd {
        username: String,
        #[arg(long)]
        password: Option<String>,
    },
    Lock {
        username: String,
    },
    Unlock {
        username: String,
    },
}

#[derive(Subcommand)]
enum AuditCmd {
    /// Re-compute the hash chain; exits non-zero when a row was changed or deleted.
    Verify,
}

pub fn run() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn,sea_orm=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let rt = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("tokio: {e}");
            return ExitCode::FAILURE;
        }
    };
    match rt.block_on(exec(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("错误: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn generated_password() -> String {
    use rand::Rng;
    const CHARS: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    let mut r = rand::thread_rng();
    let body: String = (0..12).map(|_| CHARS[r.gen_range(0..CHARS.len())] as char).collect();
    format!("{body}@9a")
}

async fn exec(cli: Cli) -> anyhow::Result<ExitCode> {
    let mut config = Config::load(cli.config.as_deref())?;
    if let Some(d) = cli.database {
        config.database_url = Some(d);
    }
    match cli.cmd {
        Cmd::Openapi => {
            println!("{}", crate::app::openapi_json());
        }
        Cmd::Migrate => {
            let db = crate::open_db(&config).await?;
            db.close().await.map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("数据库迁移完成");
        }
        Cmd::Serve { listen } => {
            if let Some(l) = listen {
                config.listen = l;
            }
            let db = crate::open_db(&config).await?;
            let interrupted = zongguan_db::imports::fail_interrupted(&db)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            if interrupted > 0 {
                tracing::warn!("{interrupted} import job(s) were interrupted by a stop; nothing of them was written");
            }
            let state = AppState::new(db.clone(), config.clone());
            // The registry counts, the copy of every case the case counts scan and the map's layers
            // are built once in the background, before the first dashboard asks.
            let warm_db = db.clone();
            tokio::spawn(async move {
                if let Err(e) = zongguan_db::registry::summary(&warm_db, &zongguan_db::Scope::All, None).await {
                    tracing::warn!(error = %e, "warming the registry counts failed");
                }
                if let Err(e) = zongguan_db::cases::warm_counts(&warm_db).await {
                    tracing::warn!(error = %e, "warming the case counts failed");
                }
                // And the map's layers, so the first tile does not wait for 400,000 buildings.
                if let Err(e) = warm_db.map.warm_counts(&warm_db).await {
                    tracing::warn!(error = %e, "warming the map layers failed");
                }
            });
            // Overdue steps raise alerts without anyone opening a page.
            let every = std::time::Duration::from_secs(config.overdue_check_seconds.max(5));
            let job_db = db.clone();
            tokio::spawn(async move {
                let mut tick = tokio::time::interval(every);
                let mut runs: u64 = 0;
                loop {
                    tick.tick().await;
                    // About hourly, keep the planner's picture of the growing case table current.
                    if runs.is_multiple_of((3600 / every.as_secs().max(1)).max(1))
                        && let Err(e) = zongguan_db::cases::refresh_planner_stats(&job_db).await
                    {
                        tracing::warn!(error = %e, "refreshing planner statistics failed");
                    }
                    runs += 1;
                    match zongguan_db::cases::raise_overdue_alerts(&job_db, chrono::Utc::now()).await {
                        Ok(0) => {}
                        Ok(n) => tracing::info!("raised {n} overdue alert(s)"),
                        Err(e) => tracing::warn!(error = %e, "overdue alert job failed"),
                    }
                }
            });
            // Idle sessions are removed in the background, not only when someone comes back.
            let idle = state.idle();
            tokio::spawn(async move {
                loop {
                    tokio::time::sleep(std::time::Duration::from_secs(300)).await;
                    if let Err(e) = auth::purge_idle_sessions(&db, idle).await {
                        tracing::warn!(error = %e, "purging idle sessions failed");
                    }
                }
            });
            let listener = tokio::net::TcpListener::bind(&config.listen).await?;
            tracing::info!(listen = %config.listen, database = state.db.backend.name(), "zongguan serving on http://{}", config.listen);
            let closing = state.db.clone();
            let app = router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
            axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = tokio::signal::ctrl_c().await;
                })
                .await?;
            closing.close().await.map_err(|e| anyhow::anyhow!("{e}"))?;
        }
        Cmd::Demo {
            scale,
            password,
            accounts_out,
            seed,
            no_registry,
            no_cases,
        } => {
            zongguan_core::password::check_policy(&password, "").map_err(|e| anyhow::anyhow!("--password: {e}"))?;
            let db = crate::open_db(&config).await?;
            let start = std::time::Instant::now();
            let scale = match scale {
                DemoScale::Small => demo::Scale::Small,
                DemoScale::District => demo::Scale::District,
            };
            let hash = zongguan_core::password::hash(&password);
            let accounts = demo::load(
                &db,
                crate::LONGGANG_DIVISIONS,
                crate::longgang_outline_geometry(),
                scale,
                &hash,
            )
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
            let outline: serde_json::Value = crate::longgang_outline_geometry()
                .and_then(|s| serde_json::from_str(&s).ok())
                .unwrap_or_default();
            zongguan_db::demo_data::geography(&db, &outline)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            if !no_registry {
                let progress = |what: &str, n: u64| {
                    use std::io::Write;
                    eprint!("\r  生成{what}：{n} 人");
                    let _ = std::io::stderr().flush();
                };
                let c = zongguan_db::demo_data::registries(&db, seed, scale.volume(), &progress)
                    .await
                    .map_err(|e| anyhow::anyhow!("{e}"))?;
                eprintln!();
                if c.residents > 0 {
                    println!(
                        "基础信息：楼栋 {} 栋，房屋 {} 套，实有人口 {} 人",
                        c.buildings, c.houses, c.residents
                    );
                }
            }
            if !no_cases {
                let c = zongguan_db::demo_data::cases(&db, seed, scale.cases())
                    .await
                    .map_err(|e| anyhow::anyhow!("{e}"))?;
                if c.history + c.live > 0 {
                    println!("事件：近一年历史事件 {} 件，今日在办演示事件 {} 件", c.history, c.live);
                }
            }
            db.close().await.map_err(|e| anyhow::anyhow!("{e}"))?;
            if let Some(path) = accounts_out {
                std::fs::write(&path, serde_json::to_string_pretty(&accounts)?)?;
                println!("账号清单已写入 {}", path.display());
            }
            println!(
                "演示数据就绪：{} 个账号，密码为 --password 指定的值，用时 {:.1} 秒",
                accounts.len(),
                start.elapsed().as_secs_f64()
            );
            println!(
                "  系统管理员 admin · 安全管理员 secadmin · 审计管理员 auditor · 区中心 district_officer · 街道 subdistrict_003 · 社区 community_003002 · 网格员 grid_00300201"
            );
        }
        Cmd::User { cmd } => return user_cmd(&config, cmd).await,
        Cmd::Bench {
            what,
            scale,
            json,
            import_rows,
            cases,
        } => {
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
            let scale = match scale {
                DemoScale::Small => demo::Scale::Small,
                DemoScale::District => demo::Scale::District,
            };
            let outline: serde_json::Value = crate::longgang_outline_geometry()
                .and_then(|s| serde_json::from_str(&s).ok())
                .unwrap_or_default();
            let figures = match what {
                BenchWhat::Registry => {
                    crate::bench::registry(&db, scale, crate::LONGGANG_DIVISIONS, &outline, import_rows).await
                }
                BenchWhat::Cases => crate::bench::cases(&db, crate::LONGGANG_DIVISIONS, &outline, cases).await,
                BenchWhat::Map => crate::bench::map(&db, scale, crate::LONGGANG_DIVISIONS, &outline).await,
            };
            db.close().await.ok();
            // The scratch database can be gigabytes at district scale.
            if let Some(dir) = scratch {
                let _ = std::fs::remove_dir_all(dir);
            }
            figures?.print(json);
        }
        Cmd::Import { kind, file, mode } => return import_cmd(&config, kind, &file, mode).await,
        Cmd::Apikey {
            cmd: ApikeyCmd::Create { name },
        } => {
            let db = crate::open_db(&config).await?;
            let (key, hash, prefix) = crate::http::cases::new_api_key();
            let info = zongguan_db::api_keys::create(&db, &Actor::system("cli"), &name, &hash, &prefix)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            eprintln!("已创建 Open311 API 密钥 #{}（{}），只显示这一次：", info.id, info.name);
            println!("{key}");
        }
        Cmd::Audit { cmd: AuditCmd::Verify } => {
            let db = crate::open_db(&config).await?;
            let (n, breaks) = zongguan_db::audit::verify(&db)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            if breaks.is_empty() {
                println!("审计日志完整：已校验 {n} 条，哈希链无断点");
            } else {
                println!("审计日志被篡改：已校验 {n} 条，发现 {} 处断点", breaks.len());
                for b in &breaks {
                    match b {
                        zongguan_core::audit::ChainBreak::Tampered { id } => println!("  第 {id} 条内容被修改"),
                        zongguan_core::audit::ChainBreak::Broken { id } => {
                            println!("  第 {id} 条之前有记录被删除或插入")
                        }
                    }
                }
                return Ok(ExitCode::from(2));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn user_cmd(config: &Config, cmd: UserCmd) -> anyhow::Result<ExitCode> {
    let db = crate::open_db(config).await?;
    let actor = Actor::system("cli");
    let e = |e: zongguan_db::DbError| anyhow::anyhow!("{e}");
    let find = |name: String| {
        let db = db.clone();
        async move {
            auth::find_by_username(&db, &name)
                .await
                .map_err(e)?
                .ok_or_else(|| anyhow::anyhow!("用户 {name} 不存在"))
        }
    };
    match cmd {
        UserCmd::Add {
            username,
            name,
            org_unit,
            roles,
            password,
        } => {
            let unit = zongguan_db::org::list_units(
                &db,
                &zongguan_db::Scope::All,
                &zongguan_db::org::OrgUnitFilter {
                    q: Some(org_unit.clone()),
                    ..Default::default()
                },
                zongguan_db::PageReq::new(Some(1), Some(500)).map_err(e)?,
            )
            .await
            .map_err(e)?
            .items
            .into_iter()
            .find(|u| u.code == org_unit)
            .ok_or_else(|| anyhow::anyhow!("机构编码 {org_unit} 不存在"))?;
            let generated = password.is_none();
            let pw = password.unwrap_or_else(generated_password);
            let u = auth::create_user(
                &db,
                &actor,
                auth::NewUser {
                    username,
                    display_name: name,
                    org_unit_id: unit.id,
                    department_id: None,
                    phone: None,
                    gender: None,
                    post: None,
                    password: pw.clone(),
                },
                true,
            )
            .await
            .map_err(e)?;
            if !roles.is_empty() {
                auth::set_roles(&db, &actor, u.id, roles).await.map_err(e)?;
            }
            println!("已创建用户 {}（{}），首次登录须修改密码", u.username, unit.name);
            if generated {
                println!("初始密码: {pw}");
            }
        }
        UserCmd::Passwd { username, password } => {
            let u = find(username).await?;
            let generated = password.is_none();
            let pw = password.unwrap_or_else(generated_password);
            auth::reset_password(&db, &actor, u.id, &pw).await.map_err(e)?;
            println!("已重置 {} 的密码，下次登录须修改", u.username);
            if generated {
                println!("新密码: {pw}");
            }
        }
        UserCmd::Lock { username } => {
            let u = find(username).await?;
            auth::set_locked(&db, &actor, u.id, true).await.map_err(e)?;
            println!("已锁定 {}", u.username);
        }
        UserCmd::Unlock { username } => {
            let u = find(username).await?;
            auth::set_locked(&db, &actor, u.id, false).await.map_err(e)?;
            println!("已解锁 {}", u.username);
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn import_cmd(
    config: &Config,
    kind: ImportKind,
    file: &std::path::Path,
    mode: ImportMode,
) -> anyhow::Result<ExitCode> {
    use std::io::Write;
    use zongguan_db::imports::{self, Kind, Mode};
    let kind = match kind {
        ImportKind::Residents => Kind::Residents,
        ImportKind::Buildings => Kind::Buildings,
        ImportKind::Houses => Kind::Houses,
    };
    let mode = match mode {
        ImportMode::AllOrNothing => Mode::AllOrNothing,
        ImportMode::ValidRows => Mode::ValidRows,
    };
    // The bar's total: lines of a CSV, counted without holding the file (an XLSX shows rows done).
    let total = {
        use std::io::Read;
        let mut f = std::fs::File::open(file).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
        let (mut buf, mut lines, mut first) = (vec![0u8; 1 << 20], 0u64, true);
        let mut zip = false;
        loop {
            let n = f.read(&mut buf)?;
            if n == 0 {
                break;
            }
            zip |= first && buf.starts_with(b"PK");
            first = false;
            lines += buf[..n].iter().filter(|b| **b == b'\n').count() as u64;
        }
        if zip { 0 } else { lines.saturating_sub(1) }
    };
    let db = crate::open_db(config).await?;
    let (header, rows) = crate::sheets::stream_path(file.to_path_buf())
        .await
        .map_err(|e| anyhow::anyhow!(e))?;
    let start = std::time::Instant::now();
    let progress = move |n: u64| {
        if total == 0 {
            eprint!("\r已处理 {n} 行");
            let _ = std::io::stderr().flush();
            return;
        }
        let width = 30u64;
        let done = (n * width).checked_div(total).unwrap_or(width).min(width);
        let bar: String = "#".repeat(done as usize) + &"-".repeat((width - done) as usize);
        eprint!("\r[{bar}] {n}/{total}");
        let _ = std::io::stderr().flush();
    };
    let out = imports::run(&db, &Actor::system("cli-import"), kind, mode, &header, rows, &progress)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    eprintln!();
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{}导入完成：共 {} 行，写入 {} 行，拒绝 {} 行，用时 {secs:.1} 秒（{:.0} 行/秒）",
        kind.zh(),
        out.total,
        out.accepted,
        out.rejected_rows.len(),
        out.total as f64 / secs.max(0.001)
    );
    db.close().await.map_err(|e| anyhow::anyhow!("{e}"))?;
    if mode == Mode::AllOrNothing && !out.rejected.is_empty() {
        println!("模式为 all_or_nothing：有行被拒绝，未写入任何数据");
    }
    for r in &out.rejected {
        println!("  第 {} 行【{}】{}", r.row, r.column, r.message);
    }
    Ok(if out.rejected.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(3)
    })
}
