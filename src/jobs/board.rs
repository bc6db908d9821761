//! Progress of the jobs running in this process, for the pages that poll them.
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Rows (or items) done per running job id. A job's own database row is written when it ends, so
/// progress never waits on SQLite's single writer.
#[derive(Clone, Default)]
pub struct JobBoard {
    done: Arc<Mutex<HashMap<i64, u64>>>,
}

impl JobBoard {
    pub fn set(&self, id: i64, done: u64) {
        if let Ok(mut m) = self.done.lock() {
            m.insert(id, done);
        }
    }

    pub fn get(&self, id: i64) -> Option<u64> {
        self.done.lock().ok().and_then(|m| m.get(&id).copied())
    }

    pub fn finish(&self, id: i64) {
        if let Ok(mut m) = self.done.lock() {
            m.remove(&id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_is_kept_until_the_job_finishes() {
        let b = JobBoard::default();
        assert_eq!(b.get(7), None);
        b.set(7, 250);
        b.clone().set(7, 500);
        assert_eq!(b.get(7), Some(500));
        b.finish(7);
        assert_eq!(b.get(7), None);
    }
}
