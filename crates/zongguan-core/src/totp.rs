//! TOTP second factor (RFC 6238: HMAC-SHA1, 6 digits, 30-second steps).
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha1::Sha1;

const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// A new 160-bit secret, base32 without padding.
pub fn new_secret() -> String {
    let mut b = [0u8; 20];
    rand::thread_rng().fill_bytes(&mut b);
    base32_encode(&b)
}

pub fn base32_encode(data: &[u8]) -> String {
    let mut out = String::new();
    let (mut buf, mut bits) = (0u32, 0u32);
    for &b in data {
        buf = (buf << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(ALPHABET[((buf >> bits) & 31) as usize] as char);
        }
    }
    if bits > 0 {
        out.push(ALPHABET[((buf << (5 - bits)) & 31) as usize] as char);
    }
    out
}

pub fn base32_decode(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let (mut buf, mut bits) = (0u32, 0u32);
    for c in s.trim_end_matches('=').chars().filter(|c| !c.is_whitespace()) {
        let v = ALPHABET.iter().position(|&a| a as char == c.to_ascii_uppercase())? as u32;
        buf = (buf << 5) | v;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push(((buf >> bits) & 0xff) as u8);
        }
    }
    Some(out)
}

/// The code for a counter (HOTP, RFC 4226).
pub fn hotp(key: &[u8], counter: u64) -> u32 {
    let Ok(mut mac) = Hmac::<Sha1>::new_from_slice(key) else {
        return 0;
    };
    mac.update(&counter.to_be_bytes());
    let d = mac.finalize().into_bytes();
    let off = (d[19] & 0xf) as usize;
    let bin = (u32::from(d[off] & 0x7f) << 24)
        | (u32::from(d[off + 1]) << 16)
        | (u32::from(d[off + 2]) << 8)
        | u32::from(d[off + 3]);
    bin % 1_000_000
}

/// The 6-digit code at a unix time.
pub fn code_at(secret_b32: &str, unix: i64) -> Option<String> {
    let key = base32_decode(secret_b32)?;
    Some(format!("{:06}", hotp(&key, (unix / 30) as u64)))
}

/// Accepts the code of the current step or one step either side (clock drift).
pub fn verify(secret_b32: &str, code: &str, unix: i64) -> bool {
    matching_step(secret_b32, code, unix).is_some()
}

/// The step (`unix / 30`) whose code this is, among the current one and one either side. The
/// caller accepts a step once only: a step not later than the last one used is a replay.
pub fn matching_step(secret_b32: &str, code: &str, unix: i64) -> Option<i64> {
    let code = code.trim();
    if code.len() != 6 {
        return None;
    }
    [-30, 0, 30]
        .iter()
        .map(|d| unix + d)
        .find(|t| code_at(secret_b32, *t).as_deref() == Some(code))
        .map(|t| t.div_euclid(30))
}

/// The `otpauth://` URI that authenticator apps import.
pub fn otpauth_uri(secret_b32: &str, username: &str, issuer: &str) -> String {
    format!("otpauth://totp/{issuer}:{username}?secret={secret_b32}&issuer={issuer}&algorithm=SHA1&digits=6&period=30")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc6238_vectors() {
        // RFC 6238 appendix B, SHA1, secret "12345678901234567890"; 8-digit values, last 6 digits.
        let secret = base32_encode(b"12345678901234567890");
        assert_eq!(secret, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        assert_eq!(code_at(&secret, 59).as_deref(), Some("287082"));
        assert_eq!(code_at(&secret, 1_111_111_109).as_deref(), Some("081804"));
        assert_eq!(code_at(&secret, 1_234_567_890).as_deref(), Some("005924"));
        assert_eq!(code_at(&secret, 2_000_000_000).as_deref(), Some("279037"));
    }

    #[test]
    fn verify_with_drift() {
        let s = new_secret();
        let now = 1_800_000_000;
        let c = code_at(&s, now).expect("valid secret");
        assert!(verify(&s, &c, now));
        assert!(verify(&s, &c, now + 30));
        assert!(!verify(&s, &c, now + 90));
        assert!(!verify(&s, "12345", now));
        assert_eq!(base32_decode(&s).map(|k| k.len()), Some(20));
        assert_eq!(matching_step(&s, &c, now), Some(now / 30));
        assert_eq!(
            matching_step(&s, &c, now + 30),
            Some(now / 30),
            "the step of the code, not of the clock"
        );
    }
}
