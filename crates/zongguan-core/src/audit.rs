//! The audit trail's proofs: each row of the audit log and of the login log carries an
//! HMAC-SHA256, under a key kept outside the database, of every column and of the previous row's
//! hash, so an edited, inserted or deleted row breaks the chain and nobody without the key can
//! recompute it; signed checkpoints (row count and head of each log) kept outside the database
//! let a cut tail or an emptied table be seen too.
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use crate::crypto::FieldCipher;

/// The hash before the first row.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The chain key. Derived from the field key's material with a label of its own, so it lives
/// where the field key lives (configuration, environment or `data_dir/field.key`), never in the
/// database, and it changes only when the field key does.
#[derive(Clone)]
pub struct ChainKey([u8; 32]);

/// The label of the derivation: a NUL and slashes, which no value the field key hashes for lookup
/// (identity numbers, phones) can contain.
const KEY_LABEL: &str = "\0zongguan/audit-chain/v2";

impl ChainKey {
    pub fn new(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    /// `HMAC-SHA256(field MAC key, label)`: a key of its own from the same material.
    pub fn from_field_cipher(c: &FieldCipher) -> Self {
        let mut k = [0u8; 32];
        if let Ok(b) = hex::decode(c.keyed_hash(KEY_LABEL)) {
            k.copy_from_slice(&b[..32]);
        }
        Self(k)
    }

    fn mac(&self) -> Hmac<Sha256> {
        let Ok(m) = <Hmac<Sha256> as Mac>::new_from_slice(&self.0) else {
            unreachable!("any key length works")
        };
        m
    }

    /// HMAC of a checkpoint line's body, hex.
    fn sign(&self, body: &str) -> String {
        let mut m = self.mac();
        m.update(b"zongguan/checkpoint/v1\x1f");
        m.update(body.as_bytes());
        hex::encode(m.finalize().into_bytes())
    }
}

impl std::fmt::Debug for ChainKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ChainKey(..)")
    }
}

/// Which log a chain belongs to; its name is hashed first, so a row cannot be moved between logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Log {
    Audit,
    Login,
}

impl Log {
    pub fn table(self) -> &'static str {
        match self {
            Self::Audit => "audit_log",
            Self::Login => "login_log",
        }
    }
    /// The log's name as the auditor reads it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Audit => "审计日志",
            Self::Login => "登录日志",
        }
    }
}

/// A row's columns, each written with a presence tag and its length, so no two rows encode alike
/// (`None` is not `""`, and no value can run into the next).
pub trait ChainRow {
    const LOG: Log;
    fn id(&self) -> i64;
    fn columns(&self) -> Vec<Option<String>>;
}

/// Every column of an `audit_log` row except its two hashes.
#[derive(Debug, Clone)]
pub struct ChainFields<'a> {
    pub id: i64,
    pub at: &'a str,
    pub user_id: Option<i64>,
    pub username: &'a str,
    pub org_unit_id: Option<i64>,
    pub action: &'a str,
    pub object_type: &'a str,
    pub object_id: Option<&'a str>,
    pub result: &'a str,
    pub client_addr: &'a str,
    pub detail: Option<&'a str>,
}

impl ChainRow for ChainFields<'_> {
    const LOG: Log = Log::Audit;
    fn id(&self) -> i64 {
        self.id
    }
    fn columns(&self) -> Vec<Option<String>> {
        vec![
            Some(self.id.to_string()),
            Some(self.at.into()),
            self.user_id.map(|u| u.to_string()),
            Some(self.username.into()),
            self.org_unit_id.map(|u| u.to_string()),
            Some(self.action.into()),
            Some(self.object_type.into()),
            self.object_id.map(Into::into),
            Some(self.result.into()),
            Some(self.client_addr.into()),
            self.detail.map(Into::into),
        ]
    }
}

/// Every column of a `login_log` row except its two hashes; `at` as RFC 3339 (`AutoSi`).
#[derive(Debug, Clone)]
pub struct LoginFields<'a> {
    pub id: i64,
    pub at: &'a str,
    pub username: &'a str,
    pub user_id: Option<i64>,
    pub result: &'a str,
    pub client_addr: &'a str,
    pub user_agent: &'a str,
}

impl ChainRow for LoginFields<'_> {
    const LOG: Log = Log::Login;
    fn id(&self) -> i64 {
        self.id
    }
    fn columns(&self) -> Vec<Option<String>> {
        vec![
            Some(self.id.to_string()),
            Some(self.at.into()),
            Some(self.username.into()),
            self.user_id.map(|u| u.to_string()),
            Some(self.result.into()),
            Some(self.client_addr.into()),
            Some(self.user_agent.into()),
        ]
    }
}

/// `HMAC-SHA256(key, log || prev || columns)`, hex.
pub fn row_hash<R: ChainRow>(key: &ChainKey, prev: &str, row: &R) -> String {
    let mut m = key.mac();
    let mut put = |v: Option<&[u8]>| match v {
        None => m.update(&[0]),
        Some(b) => {
            m.update(&[1]);
            m.update(&(b.len() as u64).to_be_bytes());
            m.update(b);
        }
    };
    put(Some(R::LOG.table().as_bytes()));
    put(Some(prev.as_bytes()));
    for c in row.columns() {
        put(c.as_deref().map(str::as_bytes));
    }
    hex::encode(m.finalize().into_bytes())
}

/// The hash of releases before m0012: unkeyed SHA-256 of `prev` and some of the audit row's
/// fields, which anyone could recompute. Kept so m0012 can check the old chain before re-keying it.
pub fn legacy_row_hash(prev: &str, f: &ChainFields<'_>) -> String {
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

/// A break in a chain, found by [`Walker`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainBreak {
    /// The row's content does not match its hash: it was edited (or rehashed without the key).
    Tampered { id: i64 },
    /// The row's `prev_hash` is not the previous row's hash although no id is missing between
    /// them: a row was replaced or inserted.
    Broken { id: i64 },
    /// Rows `from..=to` are gone: the next row's `prev_hash` does not match the row before them.
    Missing { from: i64, to: i64 },
}

/// A log's state: how many rows, the last id, the last row's hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    pub rows: u64,
    pub last_id: i64,
    pub hash: String,
}

impl Head {
    pub fn empty() -> Self {
        Self {
            rows: 0,
            last_id: 0,
            hash: GENESIS.into(),
        }
    }
}

/// Walks one log's rows in id order and collects its breaks.
pub struct Walker<'k> {
    key: &'k ChainKey,
    prev_id: i64,
    head: Head,
    breaks: Vec<ChainBreak>,
}

impl<'k> Walker<'k> {
    pub fn new(key: &'k ChainKey) -> Self {
        Self {
            key,
            prev_id: 0,
            head: Head::empty(),
            breaks: Vec::new(),
        }
    }

    pub fn push<R: ChainRow>(&mut self, row: &R, prev_hash: &str, hash: &str) {
        let id = row.id();
        if prev_hash != self.head.hash {
            // Ids of rows written before m0012 may skip (a rolled-back insert); a skip the chain
            // links over is no finding, a broken link over a skip names the missing ids.
            if id > self.prev_id + 1 {
                self.breaks.push(ChainBreak::Missing {
                    from: self.prev_id + 1,
                    to: id - 1,
                });
            } else {
                self.breaks.push(ChainBreak::Broken { id });
            }
        }
        if row_hash(self.key, prev_hash, row) != hash {
            self.breaks.push(ChainBreak::Tampered { id });
        }
        self.prev_id = id;
        self.head = Head {
            rows: self.head.rows + 1,
            last_id: id,
            hash: hash.into(),
        };
    }

    pub fn finish(self) -> (Head, Vec<ChainBreak>) {
        (self.head, self.breaks)
    }
}

/// A signed record of both logs' heads at a moment, one line of the checkpoint file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    /// RFC 3339, UTC.
    pub at: String,
    pub audit: Head,
    pub login: Head,
}

/// A line that does not parse or whose signature is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("检查点记录无效（格式错误或签名不符）")]
pub struct BadCheckpoint;

impl Checkpoint {
    fn body(&self) -> String {
        let h = |name: &str, h: &Head| format!("{name}={}:{}:{}", h.rows, h.last_id, h.hash);
        format!(
            "zgcp1 {} {} {}",
            self.at,
            h("audit_log", &self.audit),
            h("login_log", &self.login)
        )
    }

    /// The line to append (without its newline): the body and its HMAC.
    pub fn to_line(&self, key: &ChainKey) -> String {
        let body = self.body();
        let sig = key.sign(&body);
        format!("{body} {sig}")
    }

    pub fn parse(line: &str, key: &ChainKey) -> Result<Self, BadCheckpoint> {
        let (body, sig) = line.trim_end().rsplit_once(' ').ok_or(BadCheckpoint)?;
        let parts: Vec<&str> = body.split(' ').collect();
        let [magic, at, audit, login] = parts[..] else {
            return Err(BadCheckpoint);
        };
        if magic != "zgcp1" {
            return Err(BadCheckpoint);
        }
        let head = |name: &str, s: &str| -> Result<Head, BadCheckpoint> {
            let v = s
                .strip_prefix(name)
                .and_then(|s| s.strip_prefix('='))
                .ok_or(BadCheckpoint)?;
            let mut it = v.split(':');
            let (Some(rows), Some(last), Some(hash), None) = (it.next(), it.next(), it.next(), it.next()) else {
                return Err(BadCheckpoint);
            };
            Ok(Head {
                rows: rows.parse().map_err(|_| BadCheckpoint)?,
                last_id: last.parse().map_err(|_| BadCheckpoint)?,
                hash: hash.into(),
            })
        };
        let cp = Self {
            at: at.into(),
            audit: head("audit_log", audit)?,
            login: head("login_log", login)?,
        };
        // Compared in constant time: the HMAC's own verify.
        let mut m = key.mac();
        m.update(b"zongguan/checkpoint/v1\x1f");
        m.update(cp.body().as_bytes());
        let sig = hex::decode(sig).map_err(|_| BadCheckpoint)?;
        m.verify_slice(&sig).map_err(|_| BadCheckpoint)?;
        Ok(cp)
    }
}

/// What the database shows of the rows a checkpoint covered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SinceCheckpoint {
    /// The log's rows and last id now.
    pub rows: u64,
    pub last_id: i64,
    /// The hash of the row with the checkpoint's last id, if that row is there.
    pub hash_at_checkpoint: Option<String>,
    /// Rows with ids up to the checkpoint's last id.
    pub rows_to_checkpoint: u64,
}

/// A difference between a log and its last checkpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TailFinding {
    /// Every row is gone; the checkpoint counted `was`.
    Emptied { was: u64 },
    /// Rows after `after` are gone; the checkpoint's last id was `was_last`.
    Truncated { after: i64, was_last: i64 },
    /// The checkpoint's last row is there but is not the row it was (cut and written again).
    Replaced { id: i64 },
    /// The checkpoint counted `expected` rows up to its last id; `found` are there.
    Count { expected: u64, found: u64 },
}

/// Compares a log with a checkpoint of it.
pub fn against_checkpoint(cp: &Head, now: &SinceCheckpoint) -> Vec<TailFinding> {
    if cp.rows == 0 {
        return vec![];
    }
    if now.rows == 0 {
        return vec![TailFinding::Emptied { was: cp.rows }];
    }
    let mut out = Vec::new();
    match &now.hash_at_checkpoint {
        None if now.last_id < cp.last_id => {
            return vec![TailFinding::Truncated {
                after: now.last_id,
                was_last: cp.last_id,
            }];
        }
        // The checkpoint's last row is gone but later ids exist: the chain names the gap.
        None => {}
        Some(h) if *h != cp.hash => out.push(TailFinding::Replaced { id: cp.last_id }),
        Some(_) => {}
    }
    if now.rows_to_checkpoint != cp.rows {
        out.push(TailFinding::Count {
            expected: cp.rows,
            found: now.rows_to_checkpoint,
        });
    }
    out
}

/// Ids as short ranges for a report: `3, 7–9, 12`.
pub fn id_ranges(ids: &[i64]) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < ids.len() {
        let start = ids[i];
        let mut end = start;
        while i + 1 < ids.len() && ids[i + 1] == end + 1 {
            i += 1;
            end = ids[i];
        }
        out.push(if start == end {
            start.to_string()
        } else {
            format!("{start}–{end}")
        });
        i += 1;
    }
    out.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> ChainKey {
        ChainKey::new([9; 32])
    }

    fn fields(id: i64, action: &str) -> ChainFields<'_> {
        ChainFields {
            id,
            at: "2026-11-25T10:00:00Z",
            user_id: Some(1),
            username: "admin",
            org_unit_id: Some(4),
            action,
            object_type: "user",
            object_id: Some("7"),
            result: "success",
            client_addr: "127.0.0.1",
            detail: None,
        }
    }

    type Row = (ChainFields<'static>, String, String);

    fn chain(actions: &[&'static str]) -> Vec<Row> {
        let mut prev = GENESIS.to_string();
        let mut out = Vec::new();
        for (i, a) in actions.iter().enumerate() {
            let f = fields(i as i64 + 1, a);
            let h = row_hash(&key(), &prev, &f);
            out.push((f, prev.clone(), h.clone()));
            prev = h;
        }
        out
    }

    fn check(rows: &[Row]) -> Vec<ChainBreak> {
        let k = key();
        let mut w = Walker::new(&k);
        for (f, p, h) in rows {
            w.push(f, p, h);
        }
        w.finish().1
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
    fn every_column_is_covered() {
        let mut rows = chain(&["create", "update"]);
        rows[0].0.org_unit_id = Some(5);
        assert_eq!(check(&rows), vec![ChainBreak::Tampered { id: 1 }]);
        let mut rows = chain(&["create", "update"]);
        rows[0].0.detail = Some("");
        assert_eq!(check(&rows), vec![ChainBreak::Tampered { id: 1 }], "None is not empty");
    }

    #[test]
    fn deleted_rows_are_named() {
        let mut rows = chain(&["create", "update", "delete", "read"]);
        rows.drain(1..3);
        assert_eq!(check(&rows), vec![ChainBreak::Missing { from: 2, to: 3 }]);
        let mut rows = chain(&["create", "update", "delete"]);
        rows.remove(0);
        assert_eq!(check(&rows), vec![ChainBreak::Missing { from: 1, to: 1 }]);
    }

    #[test]
    fn a_chain_rehashed_without_the_key_fails_at_every_row() {
        let mut rows = chain(&["create", "update", "delete"]);
        rows[1].0.action = "read";
        let mut prev = rows[0].2.clone();
        for r in &mut rows[1..] {
            r.1 = prev.clone();
            r.2 = legacy_row_hash(&prev, &r.0);
            prev = r.2.clone();
        }
        assert_eq!(
            check(&rows),
            vec![ChainBreak::Tampered { id: 2 }, ChainBreak::Tampered { id: 3 }]
        );
    }

    #[test]
    fn another_key_fails() {
        let rows = chain(&["create"]);
        assert_ne!(row_hash(&ChainKey::new([1; 32]), &rows[0].1, &rows[0].0), rows[0].2);
    }

    #[test]
    fn the_key_comes_from_the_field_key_but_is_not_it() {
        let c = FieldCipher::new(&[7; 32]);
        let k = ChainKey::from_field_cipher(&c);
        assert_eq!(k.0, ChainKey::from_field_cipher(&FieldCipher::new(&[7; 32])).0);
        assert_ne!(k.0, ChainKey::from_field_cipher(&FieldCipher::new(&[8; 32])).0);
        assert_ne!(k.0, [0; 32]);
    }

    #[test]
    fn checkpoint_lines_round_trip_and_refuse_forgery() {
        let cp = Checkpoint {
            at: "2026-11-25T10:00:00Z".into(),
            audit: Head {
                rows: 10,
                last_id: 10,
                hash: "ab".repeat(32),
            },
            login: Head::empty(),
        };
        let line = cp.to_line(&key());
        assert_eq!(Checkpoint::parse(&line, &key()), Ok(cp));
        assert_eq!(Checkpoint::parse(&line, &ChainKey::new([1; 32])), Err(BadCheckpoint));
        let forged = line.replace("audit_log=10:10", "audit_log=9:9");
        assert_eq!(Checkpoint::parse(&forged, &key()), Err(BadCheckpoint));
        assert_eq!(Checkpoint::parse("zgcp1 x", &key()), Err(BadCheckpoint));
    }

    #[test]
    fn tails_are_compared_with_the_checkpoint() {
        let cp = Head {
            rows: 10,
            last_id: 10,
            hash: "h10".into(),
        };
        let now = |rows, last_id, h: Option<&str>, to| SinceCheckpoint {
            rows,
            last_id,
            hash_at_checkpoint: h.map(Into::into),
            rows_to_checkpoint: to,
        };
        assert!(against_checkpoint(&cp, &now(12, 12, Some("h10"), 10)).is_empty());
        assert_eq!(
            against_checkpoint(&cp, &now(0, 0, None, 0)),
            vec![TailFinding::Emptied { was: 10 }]
        );
        assert_eq!(
            against_checkpoint(&cp, &now(9, 9, None, 9)),
            vec![TailFinding::Truncated { after: 9, was_last: 10 }]
        );
        assert_eq!(
            against_checkpoint(&cp, &now(11, 11, Some("other"), 10)),
            vec![TailFinding::Replaced { id: 10 }]
        );
        assert!(against_checkpoint(&Head::empty(), &now(0, 0, None, 0)).is_empty());
    }

    #[test]
    fn ids_print_as_ranges() {
        assert_eq!(id_ranges(&[3, 7, 8, 9, 12]), "3, 7–9, 12");
        assert_eq!(id_ranges(&[]), "");
    }
}
