//! The chain key of this process. Writers append through a transaction, not a [`crate::Db`], so
//! the key they hash with is the one [`install_key`] left here when the process's `Db` connected
//! (one configuration, one field key, per process); checks take theirs from the `Db` they read.
use std::sync::{Arc, RwLock};

use zongguan_core::audit::ChainKey;
use zongguan_core::crypto::FieldCipher;

static KEY: RwLock<Option<Arc<ChainKey>>> = RwLock::new(None);

/// Derives the chain key from the field key's material and keeps it for the writers.
pub fn install_key(cipher: &FieldCipher) {
    let k = Arc::new(ChainKey::from_field_cipher(cipher));
    match KEY.write() {
        Ok(mut g) => *g = Some(k),
        Err(poisoned) => *poisoned.into_inner() = Some(k),
    }
}

/// The installed key, if a `Db` has connected.
pub(crate) fn installed_key() -> Option<Arc<ChainKey>> {
    match KEY.read() {
        Ok(g) => g.clone(),
        Err(poisoned) => poisoned.into_inner().clone(),
    }
}

/// The key a writer hashes with. Without an installed key (no `Db` has connected, so nothing
/// could be written anyway) rows are hashed with a key of zeros, which `verify` reports as
/// edited rather than accepting them.
pub(super) fn writer_key() -> Arc<ChainKey> {
    installed_key().unwrap_or_else(|| {
        tracing::error!("audit chain key not installed: rows will not verify");
        Arc::new(ChainKey::new([0; 32]))
    })
}
