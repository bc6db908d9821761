//! The item suggestion's model for this process: trained in the background at start, retrained
//! every few hours (new past cases) and soon after an item is edited on any instance (the items'
//! stamp moves), swapped in whole behind a lock so a request never waits for a retrain.
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use zongguan_db::cases::{self, TrainOptions, Trained};
use zongguan_db::{Db, DbResult};

/// A model this old is retrained.
const RETRAIN_EVERY: Duration = Duration::from_secs(6 * 3600);
/// How often a request (or the job) looks whether the items changed.
const STAMP_CHECK: Duration = Duration::from_secs(30);

#[derive(Default)]
pub struct Suggester {
    current: RwLock<Option<(Instant, Arc<Trained>)>>,
    /// One training at a time.
    training: tokio::sync::Mutex<()>,
    /// When the items' stamp was last compared (None: compare at the next request).
    checked: Mutex<Option<Instant>>,
}

impl Suggester {
    fn current(&self) -> Option<(Instant, Arc<Trained>)> {
        self.current.read().ok().and_then(|c| c.clone())
    }

    /// Trains now (unless another training is running, which this one waits for and uses).
    pub async fn retrain(&self, db: &Db) -> DbResult<Arc<Trained>> {
        let before = self.current().map(|c| c.0);
        let _one = self.training.lock().await;
        if let Some((at, t)) = self.current()
            && Some(at) != before
        {
            return Ok(t);
        }
        let started = Instant::now();
        let t = Arc::new(cases::train(db, TrainOptions::default()).await?);
        tracing::info!(
            items = t.model.len(),
            cases = t.model.cases(),
            ms = started.elapsed().as_millis() as u64,
            "item suggestion trained"
        );
        if let Ok(mut slot) = self.current.write() {
            *slot = Some((Instant::now(), t.clone()));
        }
        if let Ok(mut c) = self.checked.lock() {
            *c = Some(Instant::now());
        }
        Ok(t)
    }

    /// An item was edited here: compare the stamp at the next request.
    pub fn items_changed(&self) {
        if let Ok(mut c) = self.checked.lock() {
            *c = None;
        }
    }

    /// Whether the model is missing, old, or trained on items that have changed since.
    async fn stale(&self, db: &Db) -> DbResult<bool> {
        let Some((at, t)) = self.current() else {
            return Ok(true);
        };
        if at.elapsed() >= RETRAIN_EVERY {
            return Ok(true);
        }
        let due = self
            .checked
            .lock()
            .map(|c| c.is_none_or(|c| c.elapsed() >= STAMP_CHECK))
            .unwrap_or(true);
        if !due {
            return Ok(false);
        }
        if let Ok(mut c) = self.checked.lock() {
            *c = Some(Instant::now());
        }
        Ok(cases::items_stamp(db).await? != t.stamp)
    }

    /// The model to answer with. The first request before any training trains; later ones get
    /// the current model while a stale one is retrained in the background.
    pub async fn get(self: &Arc<Self>, db: &Db) -> DbResult<Arc<Trained>> {
        let Some((_, t)) = self.current() else {
            return self.retrain(db).await;
        };
        if self.stale(db).await? && self.training.try_lock().is_ok() {
            let (me, db) = (self.clone(), db.clone());
            tokio::spawn(async move {
                if let Err(e) = me.retrain(&db).await {
                    tracing::warn!(error = %e, "retraining the item suggestion failed");
                }
            });
        }
        Ok(t)
    }
}

/// For the life of `serve`: train at start, then retrain when the model goes stale.
pub async fn train_loop(db: Db, s: Arc<Suggester>) {
    if let Err(e) = s.retrain(&db).await {
        tracing::warn!(error = %e, "training the item suggestion failed");
    }
    let mut tick = tokio::time::interval(STAMP_CHECK);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        match s.stale(&db).await {
            Ok(true) => {
                if let Err(e) = s.retrain(&db).await {
                    tracing::warn!(error = %e, "retraining the item suggestion failed");
                }
            }
            Ok(false) => {}
            Err(e) => tracing::warn!(error = %e, "checking the case items failed"),
        }
    }
}
