//! Field encryption for personal data at rest (AES-256-GCM, or SM4-GCM for the national scheme
//! GB/T 39786) and a keyed hash for exact lookup.
use aes_gcm::aead::consts::U12;
use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, AesGcm, Nonce};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::{Digest, Sha256};

type Sm4Gcm = AesGcm<sm4::Sm4, U12>;

/// The block cipher new values are encrypted with. Stored values carry their algorithm's prefix
/// (`v1:` AES-256-GCM, `s1:` SM4-GCM), so either reads back whatever the setting is now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Algorithm {
    #[default]
    Aes256Gcm,
    Sm4Gcm,
}

impl Algorithm {
    pub fn parse(s: &str) -> Option<Self> {
        match s.to_ascii_lowercase().as_str() {
            "aes-256-gcm" | "aes" => Some(Self::Aes256Gcm),
            "sm4-gcm" | "sm4" => Some(Self::Sm4Gcm),
            _ => None,
        }
    }
}

/// Keys derived from one 32-byte master key: one to encrypt, one to hash.
#[derive(Clone)]
pub struct FieldCipher {
    enc: [u8; 32],
    mac: [u8; 32],
    algorithm: Algorithm,
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
        Self {
            enc: derive(b"zongguan/enc/v1"),
            mac: derive(b"zongguan/mac/v1"),
            algorithm: Algorithm::default(),
        }
    }

    /// The same keys, encrypting new values with `algorithm`. The keyed hash does not change
    /// (HMAC-SHA256), so lookups keep working across a switch.
    pub fn with_algorithm(mut self, algorithm: Algorithm) -> Self {
        self.algorithm = algorithm;
        self
    }

    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
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

    /// `v1:` (AES-256-GCM) or `s1:` (SM4-GCM with the key's first 16 bytes) + base64(nonce || ciphertext).
    pub fn encrypt(&self, plain: &str) -> String {
        let mut nonce = [0u8; 12];
        rand::thread_rng().fill_bytes(&mut nonce);
        let n = Nonce::from_slice(&nonce);
        let (prefix, ct) = match self.algorithm {
            Algorithm::Aes256Gcm => ("v1:", Aes256Gcm::new((&self.enc).into()).encrypt(n, plain.as_bytes())),
            Algorithm::Sm4Gcm => ("s1:", Sm4Gcm::new(self.enc[..16].into()).encrypt(n, plain.as_bytes())),
        };
        let Ok(ct) = ct else {
            unreachable!("GCM encryption of an in-memory buffer cannot fail")
        };
        let mut out = nonce.to_vec();
        out.extend(ct);
        format!("{prefix}{}", B64.encode(out))
    }

    pub fn decrypt(&self, stored: &str) -> Result<String, DecryptError> {
        let (algorithm, raw) = match stored.split_at_checked(3) {
            Some(("v1:", raw)) => (Algorithm::Aes256Gcm, raw),
            Some(("s1:", raw)) => (Algorithm::Sm4Gcm, raw),
            _ => return Err(DecryptError),
        };
        let b = B64.decode(raw).map_err(|_| DecryptError)?;
        if b.len() < 13 {
            return Err(DecryptError);
        }
        let (n, ct) = (Nonce::from_slice(&b[..12]), &b[12..]);
        let pt = match algorithm {
            Algorithm::Aes256Gcm => Aes256Gcm::new((&self.enc).into()).decrypt(n, ct),
            Algorithm::Sm4Gcm => Sm4Gcm::new(self.enc[..16].into()).decrypt(n, ct),
        }
        .map_err(|_| DecryptError)?;
        String::from_utf8(pt).map_err(|_| DecryptError)
    }

    /// A file sealed as `v1` || nonce || ciphertext (AES-256-GCM) or `s1` || … (SM4-GCM): the
    /// archived documents that name people.
    pub fn encrypt_bytes(&self, plain: &[u8]) -> Vec<u8> {
        let mut nonce = [0u8; 12];
        rand::thread_rng().fill_bytes(&mut nonce);
        let n = Nonce::from_slice(&nonce);
        let (prefix, ct) = match self.algorithm {
            Algorithm::Aes256Gcm => (b"v1", Aes256Gcm::new((&self.enc).into()).encrypt(n, plain)),
            Algorithm::Sm4Gcm => (b"s1", Sm4Gcm::new(self.enc[..16].into()).encrypt(n, plain)),
        };
        let Ok(ct) = ct else {
            unreachable!("GCM encryption of an in-memory buffer cannot fail")
        };
        let mut out = Vec::with_capacity(2 + 12 + ct.len());
        out.extend_from_slice(prefix);
        out.extend_from_slice(&nonce);
        out.extend(ct);
        out
    }

    pub fn decrypt_bytes(&self, sealed: &[u8]) -> Result<Vec<u8>, DecryptError> {
        if sealed.len() < 2 + 12 + 16 {
            return Err(DecryptError);
        }
        let (prefix, rest) = sealed.split_at(2);
        let (n, ct) = (Nonce::from_slice(&rest[..12]), &rest[12..]);
        match prefix {
            b"v1" => Aes256Gcm::new((&self.enc).into()).decrypt(n, ct),
            b"s1" => Sm4Gcm::new(self.enc[..16].into()).decrypt(n, ct),
            _ => return Err(DecryptError),
        }
        .map_err(|_| DecryptError)
    }

    /// The first 16 bytes (128 bits) of [`Self::keyed_hash`]: the key of a unique index over
    /// millions of values, a third the size of the hex text, so fewer of its pages are written.
    pub fn keyed_hash_bytes(&self, plain: &str) -> Vec<u8> {
        let Ok(mut m) = <Hmac<Sha256> as Mac>::new_from_slice(&self.mac) else {
            unreachable!("any key length works")
        };
        m.update(plain.as_bytes());
        m.finalize().into_bytes()[..16].to_vec()
    }

    /// HMAC-SHA256 of the value, hex: equal values hash equal, so it can be indexed and looked up.
    pub fn keyed_hash(&self, plain: &str) -> String {
        let Ok(mut m) = <Hmac<Sha256> as Mac>::new_from_slice(&self.mac) else {
            unreachable!("any key length works")
        };
        m.update(plain.as_bytes());
        hex::encode(m.finalize().into_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_round_trip_under_both_ciphers_and_tampering_is_caught() {
        let key = [7u8; 32];
        for alg in [Algorithm::Aes256Gcm, Algorithm::Sm4Gcm] {
            let c = FieldCipher::new(&key).with_algorithm(alg);
            let plain = "交办通知书 张三".as_bytes();
            let sealed = c.encrypt_bytes(plain);
            assert!(!sealed.windows(plain.len()).any(|w| w == plain));
            assert_eq!(c.decrypt_bytes(&sealed).expect("opens"), plain);
            let mut bad = sealed.clone();
            let last = bad.len() - 1;
            bad[last] ^= 1;
            assert!(c.decrypt_bytes(&bad).is_err());
            assert!(FieldCipher::new(&[8u8; 32]).decrypt_bytes(&sealed).is_err());
        }
    }

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
        assert_eq!(
            hex::encode(c.keyed_hash_bytes("x")),
            c.keyed_hash("x")[..32],
            "the hex hash's first half"
        );
        let other = FieldCipher::from_hex(&FieldCipher::generate_key_hex()).expect("key");
        assert!(other.decrypt(&e).is_err());
        assert_ne!(other.keyed_hash("x"), c.keyed_hash("x"));
    }

    #[test]
    fn sm4_gcm_and_switching_algorithms() {
        let key = FieldCipher::generate_key_hex();
        let aes = FieldCipher::from_hex(&key).expect("key");
        let sm4 = FieldCipher::from_hex(&key)
            .expect("key")
            .with_algorithm(Algorithm::Sm4Gcm);
        let e = sm4.encrypt("440307199001011234");
        assert!(e.starts_with("s1:"));
        assert_eq!(sm4.decrypt(&e).expect("sm4"), "440307199001011234");
        // Values written under either setting stay readable after a switch; lookups do not change.
        assert_eq!(
            aes.decrypt(&e).expect("read sm4 with the aes setting"),
            "440307199001011234"
        );
        assert_eq!(
            sm4.decrypt(&aes.encrypt("13812345678"))
                .expect("read aes with the sm4 setting"),
            "13812345678"
        );
        assert_eq!(aes.keyed_hash("x"), sm4.keyed_hash("x"));
        let mut bad = e.into_bytes();
        let last = bad.len() - 3;
        bad[last] = if bad[last] == b'A' { b'B' } else { b'A' };
        assert!(sm4.decrypt(&String::from_utf8(bad).expect("ascii")).is_err());
        assert_eq!(Algorithm::parse("SM4-GCM"), Some(Algorithm::Sm4Gcm));
        assert_eq!(Algorithm::parse("des"), None);
    }

    #[test]
    fn sm4_known_answer() {
        // GB/T 32907-2016 appendix A.1: key = plaintext = 0123456789abcdeffedcba9876543210.
        use aes_gcm::aead::generic_array::GenericArray;
        use sm4::cipher::{BlockEncrypt, KeyInit as _};
        let k = hex::decode("0123456789abcdeffedcba9876543210").expect("hex");
        let c = sm4::Sm4::new(GenericArray::from_slice(&k));
        let mut block = GenericArray::clone_from_slice(&k);
        c.encrypt_block(&mut block);
        assert_eq!(hex::encode(block), "681edf34d206965e86b3e94f536e4246");
    }
}
