//! Password policy (MLPS level 3), argon2id hashing and lockout timing.
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
}

/// Checks the policy: at least 8 characters, 3 of 4 character classes, not containing the username.
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
    Ok(())
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

/// Lockout rule: after `max_failures` consecutive failures the account is locked for `lock_minutes`.
#[derive(Debug, Clone, Copy)]
pub struct LockoutPolicy {
    pub max_failures: u32,
    pub lock_minutes: i64,
}

impl Default for LockoutPolicy {
    fn default() -> Self {
        Self {
            max_failures: 5,
            lock_minutes: 15,
        }
    }
}

impl LockoutPolicy {
    /// After one more failure: the new failure count and, if it reaches the limit, the lock's end.
    pub fn register_failure(&self, failures: u32, now: DateTime<Utc>) -> (u32, Option<DateTime<Utc>>) {
        let n = failures + 1;
        if n >= self.max_failures {
            (0, Some(now + Duration::minutes(self.lock_minutes)))
        } else {
            (n, None)
        }
    }

    /// Whether a lock that ends at `until` still holds at `now`.
    pub fn is_locked(until: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
        until.is_some_and(|u| u > now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_accepts_three_classes() {
        assert_eq!(check_policy("Abcdefg1", "zhang"), Ok(()));
        assert_eq!(check_policy("abcdef1!", "zhang"), Ok(()));
        assert_eq!(check_policy("ABCDEF1!", "zhang"), Ok(()));
        assert_eq!(check_policy("Zongguan@2026", "admin"), Ok(()));
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
        assert_eq!(check_policy("密码密码Ab12", "x"), Ok(()));
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
    fn lockout_after_five_failures_for_fifteen_minutes() {
        let p = LockoutPolicy::default();
        let now = Utc::now();
        let mut n = 0;
        for _ in 0..4 {
            let (m, lock) = p.register_failure(n, now);
            assert!(lock.is_none());
            n = m;
        }
        assert_eq!(n, 4);
        let (n, lock) = p.register_failure(n, now);
        assert_eq!(n, 0);
        let until = lock.expect("locked at the fifth failure");
        assert_eq!(until - now, Duration::minutes(15));
        assert!(LockoutPolicy::is_locked(Some(until), now + Duration::minutes(14)));
        assert!(!LockoutPolicy::is_locked(Some(until), now + Duration::minutes(15)));
        assert!(!LockoutPolicy::is_locked(None, now));
    }
}
