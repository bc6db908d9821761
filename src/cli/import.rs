//! `zongguan import`: a spreadsheet on the server into a registry, with a progress bar.
use std::process::ExitCode;

use zongguan_db::Actor;

use super::{ImportKind, ImportMode};
use crate::config::Config;
use crate::jobs::imports::{Source, estimated_rows};

pub async fn run(
    config: &Config,
    kind: ImportKind,
    file: &std::path::Path,
    mode: ImportMode,
) -> anyhow::Result<ExitCode> {
    use std::io::Write;
    use zongguan_db::imports::{Kind, Mode};
    let kind = match kind {
        ImportKind::Residents => Kind::Residents,
        ImportKind::Buildings => Kind::Buildings,
        ImportKind::Houses => Kind::Houses,
    };
    let mode = match mode {
        ImportMode::AllOrNothing => Mode::AllOrNothing,
        ImportMode::ValidRows => Mode::ValidRows,
    };
    // The bar's total, as the upload job counts it, without holding the file.
    let total = {
        use std::io::Read;
        let mut f = std::fs::File::open(file).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
        let (mut buf, mut head, mut newlines) = (vec![0u8; 1 << 20], Vec::new(), 0u64);
        loop {
            let n = f.read(&mut buf)?;
            if n == 0 {
                break;
            }
            if head.is_empty() {
                head = buf[..n.min(4)].to_vec();
            }
            newlines += buf[..n].iter().filter(|b| **b == b'\n').count() as u64;
        }
        estimated_rows(&head, newlines)
    };
    let db = crate::open_db(config).await?;
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
    let source = Source::Path(file.to_path_buf());
    let (_, out) = crate::jobs::imports::run(&db, &Actor::system("cli-import"), kind, mode, source, &progress)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    eprintln!();
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{}导入完成：共 {} 行，写入 {} 行，拒绝 {} 行，用时 {secs:.1} 秒（{:.0} 行/秒）",
        kind.zh(),
        out.total,
        out.accepted,
        out.rejected_count,
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
