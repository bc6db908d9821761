//! The audit log's hash chain: each row's hash covers its fields and the previous row's hash,
//! so an edited or deleted row breaks every hash after it.
use sha2::{Digest, Sha256};

/// The hash before the first row.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The fields of an audit row that the chain protects.
#[derive(Debug, Clone)]
pub struct ChainFields<'a> {
    pub id: i64,
    pub at: &'a str,
    pub user_id: Option<i64>,
    pub username: &'a str,
    pub action: &'a str,
    pub object_type: &'a str,
    pub object_id: Option<&'a str>,
    pub result: &'a str,
    pub client_addr: &'a str,
    pub detail: Option<&'a str>,
}

/// `sha256(prev || 0x1f-separated fields)`, hex.
pub fn row_hash(prev: &str, f: &ChainFields<'_>) -> String {
    let mut h = Sha256::new();
    let uid = f.user_id.map(|u| u.to_string()).unwrap_or_default();
    let id = f.id.to_string();
    let parts: [&str; 11] = [
        prev,
        &id,
        f.at,
        &uid,
        f.username,
        f.action,
        f.object_type,
        f.object_id.unwrap_or(""),
        f.result,
        f.client_addr,
        f.detail.unwrap_or(""),
    ];
    for p in parts {
        h.update(p.as_bytes());
        h.update([0x1f]);
    }
    hex::encode(h.finalize())
}

/// A break found by [`verify_chain`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainBreak {
    /// The stored hash does not match the row's content (the row was edited).
    Tampered { id: i64 },
    /// The row's `prev_hash` is not the previous row's hash (a row before it was deleted or inserted).
    Broken { id: i64 },
}

/// A stored row: its fields plus the stored `prev_hash` and `hash`.
pub struct StoredRow<'a> {
    pub fields: ChainFields<'a>,
    pub prev_hash: &'a str,
    pub hash: &'a str,
}

/// Walks rows in id order from `prev` (the hash before the first row given) and reports every break.
pub fn verify_chain<'a>(prev: &str, rows: impl IntoIterator<Item = StoredRow<'a>>) -> (String, Vec<ChainBreak>) {
    let mut expected_prev = prev.to_string();
    let mut breaks = Vec::new();
    for r in rows {
        if r.prev_hash != expected_prev {
            breaks.push(ChainBreak::Broken { id: r.fields.id });
        }
        if row_hash(r.prev_hash, &r.fields) != r.hash {
            breaks.push(ChainBreak::Tampered { id: r.fields.id });
        }
        expected_prev = r.hash.to_string();
    }
    (expected_prev, breaks)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(id: i64, action: &str) -> ChainFields<'_> {
        ChainFields {
            id,
            at: "2026-11-25T10:00:00Z",
            user_id: Some(1),
            username: "admin",
            action,
            object_type: "user",
            object_id: Some("7"),
            result: "success",
            client_addr: "127.0.0.1",
            detail: None,
        }
    }

    fn chain(actions: &[&'static str]) -> Vec<(ChainFields<'static>, String, String)> {
        let mut prev = GENESIS.to_string();
        let mut out = Vec::new();
        for (i, a) in actions.iter().enumerate() {
            let f = fields(i as i64 + 1, a);
            let h = row_hash(&prev, &f);
            out.push((f, prev.clone(), h.clone()));
            prev = h;
        }
        out
    }

    fn check(rows: &[(ChainFields<'static>, String, String)]) -> Vec<ChainBreak> {
        verify_chain(
            GENESIS,
            rows.iter().map(|(f, p, h)| StoredRow {
                fields: f.clone(),
                prev_hash: p,
                hash: h,
            }),
        )
        .1
    }

    #[test]
    fn intact_chain_verifies() {
        assert!(check(&chain(&["create", "update", "delete"])).is_empty());
    }

    #[test]
    fn edited_row_is_found() {
        let mut rows = chain(&["create", "update", "delete"]);
        rows[1].0.action = "read";
        assert_eq!(check(&rows), vec![ChainBreak::Tampered { id: 2 }]);
    }

    #[test]
    fn deleted_row_is_found() {
        let mut rows = chain(&["create", "update", "delete"]);
        rows.remove(1);
        assert_eq!(check(&rows), vec![ChainBreak::Broken { id: 3 }]);
    }

    #[test]
    fn rehashed_forgery_still_breaks_at_the_next_row() {
        let mut rows = chain(&["create", "update", "delete"]);
        rows[1].0.action = "read";
        rows[1].2 = row_hash(&rows[1].1, &rows[1].0);
        assert_eq!(check(&rows), vec![ChainBreak::Broken { id: 3 }]);
    }
}
