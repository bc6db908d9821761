//! Password policy (MLPS level 3), password history, argon2id hashing and login throttling.
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng};
use chrono::{DateTime, Duration, Utc};

/// Why a password was refused; `message` is what the user reads.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    #[error("密码长度不能少于 8 位")]
    TooShort,
    #[error("密码须包含大写字母、小写字母、数字、特殊字符中的至少三类")]
    TooFewClasses,
    #[error("密码不能包含用户名")]
    ContainsUsername,
    #[error("密码长度不能超过 128 位")]
    TooLong,
    #[error("密码太容易被猜到（常见密码、键盘序列、重复字符、年份日期或词语加数字等），请换一个更长、更不规则的密码")]
    TooGuessable,
    #[error("新密码不能与最近 5 次使用过的密码相同")]
    Reused,
}

/// How many of the latest passwords (the current one included) may not be used again.
pub const HISTORY: usize = 5;

/// The lowest zxcvbn score (0–4) accepted: 3 is "safely unguessable" against online attacks
/// with throttling and offline attacks on a slow hash.
const MIN_SCORE: u8 = 3;

/// Checks the policy: at least 8 characters, 3 of 4 character classes, not containing the
/// username, and not guessable (zxcvbn score 3 or more, the username counted as a known word:
/// common passwords, keyboard walks, repeats, dates and dictionary words with digits are refused).
pub fn check_policy(password: &str, username: &str) -> Result<(), PolicyError> {
    let len = password.chars().count();
    if len < 8 {
        return Err(PolicyError::TooShort);
    }
    if len > 128 {
        return Err(PolicyError::TooLong);
    }
    let classes = [
        password.chars().any(|c| c.is_ascii_uppercase()),
        password.chars().any(|c| c.is_ascii_lowercase()),
        password.chars().any(|c| c.is_ascii_digit()),
        password.chars().any(|c| !c.is_ascii_alphanumeric()),
    ];
    if classes.iter().filter(|c| **c).count() < 3 {
        return Err(PolicyError::TooFewClasses);
    }
    let user = username.trim().to_lowercase();
    if !user.is_empty() && password.to_lowercase().contains(&user) {
        return Err(PolicyError::ContainsUsername);
    }
    let inputs: Vec<&str> = [username.trim()].into_iter().filter(|u| !u.is_empty()).collect();
    if u8::from(zxcvbn::zxcvbn(password, &inputs).score()) < MIN_SCORE {
        return Err(PolicyError::TooGuessable);
    }
    Ok(())
}

/// Whether `password` is the current one (`current_hash`) or one of the earlier ones kept in
/// `history` (see [`push_history`]).
pub fn reused(password: &str, current_hash: &str, history: Option<&str>) -> bool {
    std::iter::once(current_hash)
        .chain(history.unwrap_or("").lines())
        .filter(|h| !h.is_empty())
        .take(HISTORY)
        .any(|h| verify(password, h))
}

/// The history after the password hashed `old_hash` is replaced: newest first, one a line, the
/// [`HISTORY`]` - 1` before the new current one.
pub fn push_history(history: Option<&str>, old_hash: &str) -> String {
    std::iter::once(old_hash)
        .chain(history.unwrap_or("").lines())
        .filter(|h| !h.is_empty())
        .take(HISTORY - 1)
        .collect::<Vec<_>>()
        .join("\n")
}

/// Hashes with argon2id and a random salt, in PHC string form.
pub fn hash(password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    // Argon2::default() is argon2id v19 with OWASP's parameters; hashing cannot fail for these inputs.
    match Argon2::default().hash_password(password.as_bytes(), &salt) {
        Ok(h) => h.to_string(),
        Err(e) => panic!("argon2 hashing failed: {e}"),
    }
}

/// Verifies a password against a PHC hash; a malformed hash never verifies.
pub fn verify(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc)
        .map(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
        .unwrap_or(false)
}

/// A throttle on one key (an account from one source, a source): after `max` hits within
/// `window` the key waits until `window` has passed since the last hit that reached the limit.
/// Throttles never lock an account: a key is what one source did, so a stranger slows only
/// themselves.
#[derive(Debug, Clone, Copy)]
pub struct Throttle {
    pub max: u32,
    pub window: Duration,
}

/// What a throttle remembers of one key.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Hits {
    count: u32,
    since: Option<DateTime<Utc>>,
    blocked_until: Option<DateTime<Utc>>,
}

impl Hits {
    /// Whether nothing here still matters at `now` (the entry may be dropped).
    pub fn expired(&self, window: Duration, now: DateTime<Utc>) -> bool {
        self.blocked_until.is_none_or(|b| b <= now) && self.since.is_none_or(|s| now - s >= window)
    }
}

impl Throttle {
    /// How long the key must still wait, if it is blocked.
    pub fn retry_after(&self, h: &Hits, now: DateTime<Utc>) -> Option<Duration> {
        h.blocked_until.filter(|b| *b > now).map(|b| b - now)
    }

    /// Counts one hit; returns the wait if this hit reached the limit.
    pub fn hit(&self, h: &mut Hits, now: DateTime<Utc>) -> Option<Duration> {
        if let Some(wait) = self.retry_after(h, now) {
            return Some(wait);
        }
        if h.since.is_none_or(|s| now - s >= self.window) {
            *h = Hits {
                count: 0,
                since: Some(now),
                blocked_until: None,
            };
        }
        h.count += 1;
        if h.count >= self.max.max(1) {
            h.blocked_until = Some(now + self.window);
            h.count = 0;
            h.since = None;
            return Some(self.window);
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_accepts_three_classes() {
        assert_eq!(check_policy("Kx9#mPq2vLw", "zhang"), Ok(()));
        assert_eq!(check_policy("kx9#mpq2vlw!", "zhang"), Ok(()));
        assert_eq!(check_policy("KX9#MPQ2VLW!", "zhang"), Ok(()));
        assert_eq!(check_policy("Zongguan@2026", "admin"), Ok(()));
        // The tests' and the CLI's passwords.
        for pw in ["Init@2026x", "New@2026xy", "HWprnt7kXq@9a"] {
            assert_eq!(check_policy(pw, "lat_zhang"), Ok(()), "{pw}");
        }
    }

    #[test]
    fn policy_refusals() {
        assert_eq!(check_policy("Ab1!", "x"), Err(PolicyError::TooShort));
        assert_eq!(check_policy("abcdefgh1", "x"), Err(PolicyError::TooFewClasses));
        assert_eq!(check_policy("ABCDEFGH", "x"), Err(PolicyError::TooFewClasses));
        assert_eq!(check_policy("Admin@2026", "admin"), Err(PolicyError::ContainsUsername));
        assert_eq!(check_policy(&"Aa1!".repeat(40), "x"), Err(PolicyError::TooLong));
        // Chinese characters count as symbols but length is in characters.
        assert_eq!(check_policy("密码Ab1", "x"), Err(PolicyError::TooShort));
        assert_eq!(check_policy("密码密码Ab12xyz", "zhang"), Ok(()));
    }

    #[test]
    fn guessable_passwords_are_refused() {
        for pw in [
            "Password@123",
            "P@ssw0rd",
            "Admin@123",
            "Qwer1234!",
            "Aa123456",
            "1qaz@WSX",
            "Abcdefg1",
            "Welcome1!",
        ] {
            assert_eq!(check_policy(pw, "zhang"), Err(PolicyError::TooGuessable), "{pw}");
        }
        assert!(PolicyError::TooGuessable.to_string().contains("容易被猜到"));
    }

    #[test]
    fn the_last_five_passwords_are_remembered() {
        let pws = [
            "Zg@2026-Dawn",
            "Zg@2026-Dusk",
            "Zg@2026-Noon",
            "Zg@2026-Moon",
            "Zg@2026-Star",
            "Zg@2026-Rain",
        ];
        let mut current = hash(pws[0]);
        let mut history: Option<String> = None;
        for pw in &pws[1..] {
            assert!(!reused(pw, &current, history.as_deref()), "{pw} is new");
            history = Some(push_history(history.as_deref(), &current));
            current = hash(pw);
        }
        // Current: Rain; history: Star, Moon, Noon, Dusk; Dawn has dropped out.
        assert_eq!(history.as_deref().map(|h| h.lines().count()), Some(HISTORY - 1));
        for pw in &pws[1..] {
            assert!(reused(pw, &current, history.as_deref()), "{pw} is one of the last five");
        }
        assert!(!reused(pws[0], &current, history.as_deref()), "the sixth is free again");
    }

    #[test]
    fn hash_and_verify() {
        let h = hash("Zongguan@2026");
        assert!(h.starts_with("$argon2id$"));
        assert!(verify("Zongguan@2026", &h));
        assert!(!verify("zongguan@2026", &h));
        assert!(!verify("Zongguan@2026", "not-a-hash"));
        assert_ne!(hash("Zongguan@2026"), h, "salts differ");
    }

    #[test]
    fn throttle_after_five_hits_for_the_window() {
        let t = Throttle {
            max: 5,
            window: Duration::minutes(15),
        };
        let now = Utc::now();
        let mut h = Hits::default();
        for _ in 0..4 {
            assert_eq!(t.hit(&mut h, now), None);
        }
        assert_eq!(t.retry_after(&h, now), None);
        assert_eq!(t.hit(&mut h, now), Some(Duration::minutes(15)));
        assert_eq!(
            t.retry_after(&h, now + Duration::minutes(14)),
            Some(Duration::minutes(1))
        );
        assert_eq!(t.retry_after(&h, now + Duration::minutes(15)), None);
        assert!(!h.expired(t.window, now + Duration::minutes(14)));
        assert!(h.expired(t.window, now + Duration::minutes(15)));
        // Hits spread wider than the window never reach the limit.
        let mut h = Hits::default();
        for i in 0..10 {
            assert_eq!(t.hit(&mut h, now + Duration::minutes(4 * i)), None, "hit {i}");
        }
    }
}
