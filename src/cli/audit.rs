//! `zongguan audit verify` and `zongguan audit checkpoint`: the audit trail proves itself.
use std::process::ExitCode;

use zongguan_core::audit::{ChainBreak, TailFinding, id_ranges};
use zongguan_db::audit::{CheckpointUse, LogReport, Report};

use crate::config::Config;

/// What a report found, one line each, as the operator reads it; empty when everything holds.
pub fn findings(r: &Report) -> Vec<String> {
    let mut out = Vec::new();
    for log in [&r.audit, &r.login] {
        out.extend(log_findings(log));
    }
    for n in &r.bad_checkpoint_lines {
        out.push(format!("检查点文件第 {n} 行格式错误或签名不符（被改写或伪造）"));
    }
    out
}

fn log_findings(l: &LogReport) -> Vec<String> {
    let name = l.log.label();
    let mut out = Vec::new();
    let edited = l.edited_ids();
    if !edited.is_empty() {
        out.push(format!(
            "{name}：{} 条内容与哈希不符（被修改）：第 {} 条",
            edited.len(),
            id_ranges(&edited)
        ));
    }
    for b in &l.breaks {
        match b {
            ChainBreak::Tampered { .. } => {}
            ChainBreak::Missing { from, to } if from == to => out.push(format!("{name}：缺少第 {from} 条（被删除）")),
            ChainBreak::Missing { from, to } => out.push(format!("{name}：缺少第 {from}–{to} 条（被删除）")),
            ChainBreak::Broken { id } => out.push(format!("{name}：第 {id} 条与前一条不衔接（记录被替换或插入）")),
        }
    }
    for t in &l.tail {
        out.push(match t {
            TailFinding::Emptied { was } => format!("{name}：已被清空（上一检查点时有 {was} 条）"),
            TailFinding::Truncated { after, was_last } => {
                format!("{name}：截断于第 {after} 条之后（上一检查点时最后一条为第 {was_last} 条）")
            }
            TailFinding::Replaced { id } => format!("{name}：上一检查点时的第 {id} 条已不是原来的记录（截断后又追加）"),
            TailFinding::Count { expected, found } => {
                format!("{name}：上一检查点覆盖的范围内应有 {expected} 条，现存 {found} 条")
            }
        });
    }
    out
}

pub async fn verify(config: &Config) -> anyhow::Result<ExitCode> {
    let db = crate::open_db(config).await?;
    let r = zongguan_db::audit::verify_logs(&db, Some(&config.data_dir))
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let found = findings(&r);
    let counted = format!("审计日志 {} 条、登录日志 {} 条", r.audit.head.rows, r.login.head.rows);
    if found.is_empty() {
        println!("审计日志完整：已校验{counted}，密钥哈希链无断点");
        match &r.checkpoint {
            CheckpointUse::Last(c) => println!("  与最近的检查点（{}）衔接", c.at),
            CheckpointUse::None => println!(
                "  注意：{} 中还没有检查点，末尾截断无法判断；运行 zongguan audit checkpoint 或 serve 会写入",
                config.data_dir.display()
            ),
        }
        return Ok(ExitCode::SUCCESS);
    }
    println!("审计日志不完整：已校验{counted}，发现 {} 项问题", found.len());
    for f in &found {
        println!("  {f}");
    }
    Ok(ExitCode::from(2))
}

pub async fn checkpoint(config: &Config) -> anyhow::Result<ExitCode> {
    let db = crate::open_db(config).await?;
    match zongguan_db::audit::checkpoint(&db, &config.data_dir).await {
        Ok(c) => {
            println!(
                "检查点（{}）：审计日志 {} 条至第 {} 条，登录日志 {} 条至第 {} 条，已写入 {}",
                c.at,
                c.audit.rows,
                c.audit.last_id,
                c.login.rows,
                c.login.last_id,
                config.data_dir.join(zongguan_db::audit::CHECKPOINT_FILE).display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(zongguan_db::DbError::Conflict(m)) => {
            println!("未写入检查点：{m}");
            Ok(ExitCode::from(2))
        }
        Err(e) => Err(anyhow::anyhow!("{e}")),
    }
}
