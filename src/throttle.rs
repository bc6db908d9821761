//! Throttles on guessing passwords, kept in memory: per source (the client address the login log
//! records) and per account from one source. Each instance keeps its own; several instances
//! behind a balancer multiply the allowance by their number (a shared store comes with them).
use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{DateTime, Duration, Utc};
use zongguan_core::password::{Hits, Throttle};

/// Past this many keys a hit first drops the entries whose windows have passed.
const PRUNE_AT: usize = 10_000;

#[derive(Default)]
pub struct Throttles {
    keys: Mutex<HashMap<String, (Hits, Duration)>>,
}

impl Throttles {
    fn with<R>(&self, f: impl FnOnce(&mut HashMap<String, (Hits, Duration)>) -> R) -> R {
        // A panic while holding the lock leaves counters that are still counters.
        let mut g = self.keys.lock().unwrap_or_else(|e| e.into_inner());
        f(&mut g)
    }

    /// How long `key` must still wait, if it is blocked.
    pub fn retry_after(&self, key: &str, t: Throttle, now: DateTime<Utc>) -> Option<Duration> {
        self.with(|m| m.get(key).and_then(|(h, _)| t.retry_after(h, now)))
    }

    /// Counts one hit on `key`; the wait if this hit reached the limit (or it was blocked).
    pub fn hit(&self, key: &str, t: Throttle, now: DateTime<Utc>) -> Option<Duration> {
        self.with(|m| {
            if m.len() >= PRUNE_AT {
                m.retain(|_, (h, w)| !h.expired(*w, now));
            }
            let (h, w) = m.entry(key.to_string()).or_insert((Hits::default(), t.window));
            *w = t.window;
            t.hit(h, now)
        })
    }

    /// Forgets `key` (a success ends the failures counted against it).
    pub fn clear(&self, key: &str) {
        self.with(|m| m.remove(key));
    }

    /// Forgets every key that starts with `prefix` (an unlock clears an account from every source).
    pub fn clear_prefix(&self, prefix: &str) {
        self.with(|m| m.retain(|k, _| !k.starts_with(prefix)));
    }
}

/// The key of failed logins on one account from one source.
pub fn account_from(username: &str, addr: &str) -> String {
    format!("{}{addr}", account_prefix(username))
}

/// The prefix of [`account_from`] keys of an account, whatever the source.
pub fn account_prefix(username: &str) -> String {
    format!("fail:{}|", username.trim().to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_count_apart_and_clear() {
        let t = Throttle {
            max: 2,
            window: Duration::minutes(15),
        };
        let th = Throttles::default();
        let now = Utc::now();
        let a = account_from("Admin", "10.0.0.1");
        let b = account_from("admin", "10.0.0.2");
        assert_eq!(th.hit(&a, t, now), None);
        assert_eq!(th.hit(&a, t, now), Some(Duration::minutes(15)));
        assert!(th.retry_after(&a, t, now).is_some());
        assert_eq!(th.retry_after(&b, t, now), None, "another source is not slowed");
        th.clear_prefix(&account_prefix("ADMIN"));
        assert_eq!(th.retry_after(&a, t, now), None);
    }
}
