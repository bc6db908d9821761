//! `zongguan audit verify`: re-computes the audit log's hash chain.
use std::process::ExitCode;

use crate::config::Config;

pub async fn verify(config: &Config) -> anyhow::Result<ExitCode> {
    let db = crate::open_db(config).await?;
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
    Ok(ExitCode::SUCCESS)
}
