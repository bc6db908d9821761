//! The one import runner: the HTTP job and `zongguan import` read a sheet and write it through here.
use std::path::PathBuf;

use zongguan_db::imports::{self, Kind, Mode, Outcome};
use zongguan_db::{Actor, Db, DbError};

use crate::app::AppState;
use crate::sheets;

/// Where the sheet comes from: an upload held in memory, or a file on the server.
pub enum Source {
    Bytes(Vec<u8>),
    Path(PathBuf),
}

/// The progress bar's total before the reader has finished: the data lines of a CSV; 0 for an
/// XLSX (its rows are counted as they are read, so the bar shows rows done only).
pub fn estimated_rows(head: &[u8], newlines: u64) -> u64 {
    if head.starts_with(b"PK") {
        0
    } else {
        newlines.saturating_sub(1)
    }
}

/// Reads the sheet and imports it, telling `progress` the rows processed so far.
pub async fn run(
    db: &Db,
    actor: &Actor,
    kind: Kind,
    mode: Mode,
    source: Source,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<(Vec<String>, Outcome), DbError> {
    let stream = match source {
        Source::Bytes(bytes) => sheets::stream(bytes).await,
        Source::Path(path) => sheets::stream_path(path).await,
    };
    let (header, rows) = stream.map_err(|m| DbError::invalid("file", m))?;
    let out = imports::run(db, actor, kind, mode, &header, rows, progress).await?;
    Ok((header, out))
}

/// An upload's import in the background: the job row says running, the board shows progress, the
/// row gets the outcome (or why nothing was written) at the end.
pub fn spawn_upload(st: AppState, actor: Actor, id: i64, kind: Kind, mode: Mode, bytes: Vec<u8>) {
    tokio::spawn(async move {
        let newlines = bytes.iter().filter(|b| **b == b'\n').count() as u64;
        let estimate = estimated_rows(&bytes, newlines);
        if let Err(e) = imports::set_running(&st.db, id, estimate).await {
            tracing::error!(error = %e, "import job {id}");
        }
        let board = st.jobs.clone();
        let progress = move |n: u64| board.set(id, n);
        let result = run(&st.db, &actor, kind, mode, Source::Bytes(bytes), &progress).await;
        let finished = match &result {
            Ok((header, o)) => imports::finish_job(&st.db, id, header, Ok(o)).await,
            Err(DbError::Validation { message, .. }) => {
                imports::finish_job(&st.db, id, &[], Err(message.clone())).await
            }
            Err(e) => {
                tracing::error!(error = %e, "import job {id} failed");
                imports::finish_job(&st.db, id, &[], Err("导入失败，未写入任何数据".into())).await
            }
        };
        if let Err(e) = finished {
            tracing::error!(error = %e, "import job {id}: recording the result failed");
        }
        st.jobs.finish(id);
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_csv_counts_its_data_lines_and_an_xlsx_none() {
        assert_eq!(estimated_rows(b"name,id\n", 3), 2);
        assert_eq!(estimated_rows(b"name,id", 0), 0);
        assert_eq!(estimated_rows(b"PK\x03\x04", 900), 0);
    }
}
