//! Re-assigning buildings to grids in the background: the run's row is made first, so the caller
//! can poll it at once.
use zongguan_db::{Actor, DbResult, regrid};

use crate::app::AppState;

/// Records a run and starts it; answers its id.
pub async fn start(st: &AppState, actor: &Actor, trigger_unit_id: Option<i64>) -> DbResult<i64> {
    let id = regrid::create(&st.db, actor, trigger_unit_id).await?;
    let (db, actor) = (st.db.clone(), actor.clone());
    tokio::spawn(async move {
        if let Err(e) = regrid::run(&db, &actor, id).await {
            tracing::error!("regrid run {id}: {e}");
        }
    });
    Ok(id)
}
