//! The `zongguan` command line: the clap tree and a short dispatch; each command in its own file.
mod apikey;
mod audit;
pub mod bench;
mod demo;
mod import;
mod serve;
mod user;
use std::path::PathBuf;
use std::process::ExitCode;

use bench::BenchWhat;
use clap::{Parser, Subcommand, ValueEnum};

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
        /// Address and port to listen on, e.g. 127.0.0.1:8080 or 0.0.0.0:80 (default from the config, else 127.0.0.1:8080).
        #[arg(long, env = "ZONGGUAN_LISTEN")]
        listen: Option<String>,
    },
    /// Apply database migrations.
    Migrate,
    /// Load the demo: Longgang's org tree and departments, accounts for every role at every unit, buildings, houses, residents and a year of cases.
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
        /// `bench lists`: steady-state rounds of every request of every role.
        #[arg(long, default_value_t = 100)]
        rounds: usize,
        /// `bench lists`: how long the cold start is measured.
        #[arg(long, default_value_t = 60)]
        cold_secs: u64,
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

#[derive(Subcommand)]
enum ApikeyCmd {
    /// Issue a key and print it (only its hash is stored).
    Create {
        /// Who the key is for, e.g. 12345 市民热线 (shown in the key list and the audit log).
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
    /// Lock an account so that it cannot log in.
    Lock { username: String },
    /// Unlock an account locked by an administrator.
    Unlock { username: String },
    /// Grant exactly these roles: how a holder of the system or audit duty is made (三权分立:
    /// no administrator grants a duty they do not hold), audited as `cli`.
    Roles {
        username: String,
        /// Role codes (none: every role is taken away).
        #[arg(long = "role")]
        roles: Vec<String>,
    },
}

#[derive(Subcommand)]
enum AuditCmd {
    /// Re-compute both logs' keyed hash chains and compare them with the last checkpoint; exits
    /// non-zero when a row was changed or deleted, the tail cut or a table emptied.
    Verify,
    /// Append a signed checkpoint of both logs to `data_dir/audit-checkpoints.log`.
    Checkpoint,
}

pub fn run() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn,sea_orm=warn".into()),
        )
        .with_writer(std::io::stderr)
        // Colour codes only for a terminal, not in a log file.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
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

async fn exec(cli: Cli) -> anyhow::Result<ExitCode> {
    let mut config = Config::load(cli.config.as_deref())?;
    if let Some(d) = cli.database {
        config.database_url = Some(d);
    }
    match cli.cmd {
        Cmd::Openapi => print_openapi(),
        Cmd::Migrate => {
            let db = crate::open_db(&config).await?;
            db.close().await.map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("数据库迁移完成");
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Serve { listen } => serve::run(config, listen).await,
        Cmd::Demo {
            scale,
            password,
            accounts_out,
            seed,
            no_registry,
            no_cases,
        } => {
            let args = demo::DemoArgs {
                scale: scale.into(),
                password,
                accounts_out,
                seed,
                no_registry,
                no_cases,
            };
            demo::run(&config, args).await
        }
        Cmd::User { cmd } => user::run(&config, cmd).await,
        Cmd::Bench {
            what,
            scale,
            json,
            import_rows,
            cases,
            rounds,
            cold_secs,
        } => {
            let opts = bench::BenchOpts {
                scale: scale.into(),
                json,
                import_rows,
                cases,
                rounds,
                cold_secs,
            };
            bench::run(config, what, opts).await
        }
        Cmd::Import { kind, file, mode } => import::run(&config, kind, &file, mode).await,
        Cmd::Apikey {
            cmd: ApikeyCmd::Create { name },
        } => apikey::create(&config, &name).await,
        Cmd::Audit { cmd: AuditCmd::Verify } => audit::verify(&config).await,
        Cmd::Audit {
            cmd: AuditCmd::Checkpoint,
        } => audit::checkpoint(&config).await,
    }
}

impl From<DemoScale> for zongguan_db::demo::Scale {
    fn from(s: DemoScale) -> Self {
        match s {
            DemoScale::Small => Self::Small,
            DemoScale::District => Self::District,
        }
    }
}

/// The document on stdout; a closed pipe (`zongguan openapi | head`) ends quietly.
fn print_openapi() -> anyhow::Result<ExitCode> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match writeln!(out, "{}", crate::router::openapi_json()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(ExitCode::SUCCESS),
    }
}
