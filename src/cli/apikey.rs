//! `zongguan apikey`: Open311 API keys issued on the server.
use std::process::ExitCode;

use zongguan_db::Actor;

use crate::config::Config;

pub async fn create(config: &Config, name: &str) -> anyhow::Result<ExitCode> {
    let db = crate::open_db(config).await?;
    let (key, hash, prefix) = crate::http::cases::new_api_key();
    let info = zongguan_db::api_keys::create(&db, &Actor::system("cli"), name, &hash, &prefix)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    eprintln!("已创建 Open311 API 密钥 #{}（{}），只显示这一次：", info.id, info.name);
    println!("{key}");
    Ok(ExitCode::SUCCESS)
}
