//! `zongguan demo`: Longgang's org tree, accounts, registries and a year of cases.
use std::path::PathBuf;
use std::process::ExitCode;

use zongguan_db::demo;

use crate::config::Config;

/// What `zongguan demo` was asked for.
pub struct DemoArgs {
    pub scale: demo::Scale,
    pub password: String,
    pub accounts_out: Option<PathBuf>,
    pub seed: u64,
    pub no_registry: bool,
    pub no_cases: bool,
}

pub async fn run(config: &Config, args: DemoArgs) -> anyhow::Result<ExitCode> {
    let DemoArgs {
        scale,
        password,
        accounts_out,
        seed,
        no_registry,
        no_cases,
    } = args;
    zongguan_core::password::check_policy(&password, "").map_err(|e| anyhow::anyhow!("--password: {e}"))?;
    let db = crate::open_db(config).await?;
    let start = std::time::Instant::now();
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
        let r = zongguan_db::demo_data::rental(&db, seed)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        if r.houses > 0 {
            println!("出租屋：{} 套已分类，近一年巡查 {} 次", r.houses, r.inspections);
        }
        let d = zongguan_db::demo_data::disputes(&db, seed)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        if d.disputes > 0 {
            println!("矛盾纠纷：{} 件，排查报送 {} 次", d.disputes, d.rounds);
        }
        let cams = zongguan_db::demo_data::cameras(&db, seed)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        if cams > 0 {
            println!("电子防控：视频监控 {cams} 路");
        }
        let p = zongguan_db::demo_data::petitions(&db, seed, zongguan_db::demo_data::petition_communities(scale))
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        if p.petitions > 0 {
            println!(
                "信访：{} 件，覆盖待受理、超期、延期、已答复、复查、复核、办结与不予受理",
                p.petitions
            );
        }
        let s = zongguan_db::demo_data::stability(&db, zongguan_db::demo_data::petition_communities(scale))
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        if s.incidents > 0 {
            println!(
                "维稳：事件 {} 件（含超时未报、较大事件），重点人员走访 {} 次，群防群治队伍 {} 支",
                s.incidents, s.visits, s.teams
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
    let demo_config = write_demo_config(config)?;
    println!(
        "演示配置：{}（演示账号没有绑定动态验证码，所以其中关闭了 require_totp_for_admins；生产环境默认开启，不要用这份配置）",
        demo_config.display()
    );
    println!("  启动演示：zongguan --config {} serve", demo_config.display());
    println!(
        "  系统管理员 admin · 安全管理员 secadmin · 审计管理员 auditor · 区中心 district_officer · 街道 subdistrict_003 · 社区 community_003002 · 网格员 grid_00300202 · 部门 dept_440307003_02（演示数据在平湖街道）"
    );
    Ok(ExitCode::SUCCESS)
}

/// The demo's own config, `data_dir/demo.toml`: the demo enrols no administrator in TOTP, so it
/// turns `require_totp_for_admins` off (on by default). Kept if it exists (it may have been edited).
fn write_demo_config(config: &Config) -> anyhow::Result<PathBuf> {
    let path = config.data_dir.join("demo.toml");
    if !path.exists() {
        std::fs::create_dir_all(&config.data_dir)?;
        std::fs::write(
            &path,
            format!(
                "# Written by `zongguan demo`: for trying the demo, not for production.\n\
                 data_dir = {:?}\n\n\
                 [security]\n\
                 # The demo's administrators have no TOTP enrolled; production keeps the default (true).\n\
                 require_totp_for_admins = false\n\
                 # Browser tests and demonstrations log in often from one address.\n\
                 login_attempts_per_minute = 120\n",
                config.data_dir.display().to_string()
            ),
        )?;
    }
    Ok(path)
}
