//! How many service requests one API key may POST: 60 in any minute, counted in this process.
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub const POSTS_PER_MINUTE: usize = 60;
const WINDOW: Duration = Duration::from_secs(60);

/// A sliding minute per key. In memory: each server process counts its own, which is enough to
/// stop a runaway client; a restart forgets.
#[derive(Clone, Default)]
pub struct KeyLimits {
    posts: Arc<Mutex<HashMap<i64, VecDeque<Instant>>>>,
}

impl KeyLimits {
    /// Counts a POST by `key`: `Err(seconds)` to wait when the key has used its minute.
    pub fn take(&self, key: i64) -> Result<(), u64> {
        self.take_at(key, Instant::now())
    }

    fn take_at(&self, key: i64, now: Instant) -> Result<(), u64> {
        let Ok(mut all) = self.posts.lock() else {
            return Ok(());
        };
        let q = all.entry(key).or_default();
        while q.front().is_some_and(|t| now.duration_since(*t) >= WINDOW) {
            q.pop_front();
        }
        if q.len() >= POSTS_PER_MINUTE {
            let wait = q
                .front()
                .map(|t| WINDOW.saturating_sub(now.duration_since(*t)))
                .unwrap_or(WINDOW);
            return Err(wait.as_secs_f64().ceil().max(1.0) as u64);
        }
        q.push_back(now);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sixty_a_minute_per_key() {
        let l = KeyLimits::default();
        let t0 = Instant::now();
        for i in 0..60 {
            assert!(l.take_at(1, t0 + Duration::from_millis(i * 100)).is_ok());
        }
        assert_eq!(l.take_at(1, t0 + Duration::from_secs(10)), Err(50));
        assert!(
            l.take_at(2, t0 + Duration::from_secs(10)).is_ok(),
            "another key has its own minute"
        );
        assert!(
            l.take_at(1, t0 + Duration::from_secs(60)).is_ok(),
            "the first post has left the window"
        );
    }
}
