//! Field encryption for personal data at rest (AES-256-GCM) and a keyed hash for exact lookup.
use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::{Digest, Sha256};

/// Keys derived from one 32-byte master key: one to encrypt, one to hash.
#[derive(Clone)]
pub struct FieldCipher {
    enc: [u8; 32],
    mac: [u8; 32],
}

#[derive(Debug, thiserror::Error)]
#[error("密文无法解密")]
pub struct DecryptError;

impl FieldCipher {
    pub fn new(master: &[u8; 32]) -> Self {
        let derive = |label: &[u8]| -> [u8; 32] {
            let mut h = Sha256::new();
            h.update(label);
            h.update(master);
            h.finalize().into()
        };
        Self { enc: derive(b"zongguan/enc/v1"), mac: derive(b"zongguan/mac/v1") }
    }

    /// A new random master key, hex.
    pub fn generate_key_hex() -> String {
        let mut k = [0u8; 32];
        rand::thread_rng().fill_bytes(&mut k);
        hex::encode(k)
    }

    pub fn from_hex(s: &str) -> Option<Self> {
        let b = hex::decode(s.trim()).ok()?;
        let k: [u8; 32] = b.try_into().ok()?;
        Some(Self::new(&k))
    }

    /// `v1:` + base64(nonce || ciphertext).
    pub fn encrypt(&self, plain: &str) -> String {
        let cipher = Aes256Gcm::new((&self.enc).into());
        let mut nonce = [0u8; 12];
        rand::thread_rng().fill_bytes(&mut nonce);
        let Ok(ct) = cipher.encrypt(Nonce::from_slice(&nonce), plain.as_bytes()) else {
            unreachable!("AES-GCM encryption of an in-memory buffer cannot fail")
        };
        let mut out = nonce.to_vec();
        out.extend(ct);
        format!("v1:{}", B64.encode(out))
    }

    pub fn decrypt(&self, stored: &str) -> Result<String, DecryptError> {
        let raw = stored.strip_prefix("v1:").ok_or(DecryptError)?;
        let b = B64.decode(raw).map_err(|_| DecryptError)?;
        if b.len() < 13 {
            return Err(DecryptError);
        }
        let cipher = Aes256Gcm::new((&self.enc).into());
        let pt = cipher.decrypt(Nonce::from_slice(&b[..12]), &b[12..]).map_err(|_| DecryptError)?;
        String::from_utf8(pt).map_err(|_| DecryptError)
    }

    /// HMAC-SHA256 of the value, hex: equal values hash equal, so it can be indexed and looked up.
    pub fn keyed_hash(&self, plain: &str) -> String {
        let Ok(mut m) = <Hmac<Sha256> as Mac>::new_from_slice(&self.mac) else { unreachable!("any key length works") };
        m.update(plain.as_bytes());
        hex::encode(m.finalize().into_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roundtrip_and_tamper() {
        let c = FieldCipher::from_hex(&FieldCipher::generate_key_hex()).expect("key");
        let e = c.encrypt("13812345678");
        assert!(!e.contains("13812345678"));
        assert_ne!(e, c.encrypt("13812345678"), "random nonce");
        assert_eq!(c.decrypt(&e).expect("decrypts"), "13812345678");
        let mut bad = e.clone();
        bad.pop();
        bad.push(if e.ends_with('A') { 'B' } else { 'A' });
        assert!(c.decrypt(&bad).is_err());
        assert_eq!(c.keyed_hash("x"), c.keyed_hash("x"));
        let other = FieldCipher::from_hex(&FieldCipher::generate_key_hex()).expect("key");
        assert!(other.decrypt(&e).is_err());
        assert_ne!(other.keyed_hash("x"), c.keyed_hash("x"));
    }
}
