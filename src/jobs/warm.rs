//! The registry counts, the case counts' copy of every case and the map's layers, built once at start
//! so that the first dashboard and the first tile do not wait for them.
use zongguan_db::{Db, Scope};

pub async fn warm_up(db: Db) {
    if let Err(e) = zongguan_db::registry::summary(&db, &Scope::All, None).await {
        tracing::warn!(error = %e, "warming the registry counts failed");
    }
    if let Err(e) = zongguan_db::cases::warm_counts(&db).await {
        tracing::warn!(error = %e, "warming the case counts failed");
    }
    if let Err(e) = db.map.warm_counts(&db).await {
        tracing::warn!(error = %e, "warming the map layers failed");
    }
}
