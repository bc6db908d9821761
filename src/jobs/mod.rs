//! Background work of a serving process: imports, overdue alerts, session purge, warm-up, regrid runs,
//! the item suggestion's training.
//! A job takes ids and handles (the database, the board), never a request.
pub mod alerts;
pub mod audit_checkpoint;
pub mod board;
pub mod imports;
pub mod regrid;
pub mod retention;
pub mod sessions;
pub mod suggest;
pub mod warm;

pub use board::JobBoard;

use crate::app::AppState;

/// The jobs that run for the life of `serve`.
pub fn spawn_all(state: &AppState) {
    tokio::spawn(warm::warm_up(state.db.clone()));
    tokio::spawn(suggest::train_loop(state.db.clone(), state.suggest.clone()));
    let every = std::time::Duration::from_secs(state.config.overdue_check_seconds.max(5));
    tokio::spawn(alerts::overdue_loop(state.db.clone(), every));
    tokio::spawn(sessions::purge_loop(state.db.clone(), state.idle()));
    tokio::spawn(retention::purge_loop(state.db.clone()));
    tokio::spawn(audit_checkpoint::checkpoint_loop(
        state.db.clone(),
        state.config.clone(),
    ));
}
