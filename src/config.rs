//! Configuration: file (TOML), then environment, then command-line flags.
use std::path::{Path, PathBuf};

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub listen: String,
    /// The address clients reach the server at, e.g. `https://zg.longgang.gov.cn`: Open311's
    /// discovery document names its endpoint by it. Default `http://` + `listen`.
    pub public_url: Option<String>,
    pub database_url: Option<String>,
    /// Where the SQLite file and the field key live.
    pub data_dir: PathBuf,
    /// Where case photos are stored (the object store's root); default `data_dir/files`.
    pub files_dir: Option<PathBuf>,
    /// Seconds between runs of the overdue-alert job started by `serve`.
    pub overdue_check_seconds: u64,
    pub security: Security,
    pub map: MapSettings,
}

/// The map office's optional base map. Without one the map is drawn from our own layers (offline).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MapSettings {
    /// XYZ tile URL with `{z}/{x}/{y}` (Tianditu with its `tk`, or a local tile folder served elsewhere).
    pub base_url: Option<String>,
    /// The base map's coordinate system: `wgs84` (also CGCS2000, Tianditu) or `gcj02` (Gaode, Tencent).
    pub base_crs: Option<String>,
    pub base_attribution: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Security {
    /// Failed logins on one account from one client address before that address waits
    /// `lock_minutes` for that account (429 with `Retry-After`). The account itself is never
    /// locked by failures, and its sessions go on. The same count applies to wrong old passwords
    /// on `/auth/password`, per address and per account.
    pub max_failed_logins: u32,
    pub lock_minutes: i64,
    /// Login requests one client address may make per minute, whatever the username (429 with
    /// `Retry-After` past it).
    pub login_attempts_per_minute: u32,
    pub idle_timeout_minutes: i64,
    /// MLPS level 3: holders of the three administrator duties log in with a second factor (on by
    /// default; `zongguan demo` writes a config that turns it off, since it enrols nobody).
    pub require_totp_for_admins: bool,
    /// Set the cookie's `Secure` flag (behind HTTPS).
    pub cookie_secure: bool,
    /// Hex of the 32-byte key for personal data at rest; else `ZONGGUAN_FIELD_KEY`, else `data_dir/field.key`.
    pub field_key: Option<String>,
    /// Cipher for new values of ID numbers and phones: `aes-256-gcm` (default) or `sm4-gcm`
    /// (GB/T 39786); `ZONGGUAN_FIELD_CIPHER` overrides. Values already stored stay readable.
    pub field_cipher: String,
    /// Largest request body, bytes.
    pub max_body_bytes: usize,
    /// Minutes between the signed audit checkpoints `serve` appends to
    /// `data_dir/audit-checkpoints.log` (one at start-up too); 0 turns them off.
    pub audit_checkpoint_minutes: u64,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            listen: "127.0.0.1:8080".into(),
            public_url: None,
            database_url: None,
            data_dir: PathBuf::from("data"),
            files_dir: None,
            overdue_check_seconds: 60,
            security: Security::default(),
            map: MapSettings::default(),
        }
    }
}

impl Default for Security {
    fn default() -> Self {
        Self {
            max_failed_logins: 5,
            lock_minutes: 15,
            login_attempts_per_minute: 20,
            idle_timeout_minutes: 30,
            require_totp_for_admins: true,
            cookie_secure: false,
            field_key: None,
            field_cipher: "aes-256-gcm".into(),
            max_body_bytes: 2 * 1024 * 1024,
            audit_checkpoint_minutes: 10,
        }
    }
}

impl Config {
    pub fn load(file: Option<&Path>) -> anyhow::Result<Self> {
        let mut c = match file {
            Some(p) => {
                let text = std::fs::read_to_string(p)
                    .map_err(|e| anyhow::anyhow!("cannot read config {}: {e}", p.display()))?;
                toml::from_str(&text).map_err(|e| anyhow::anyhow!("config {}: {e}", p.display()))?
            }
            None => Config::default(),
        };
        if let Ok(v) = std::env::var("ZONGGUAN_LISTEN") {
            c.listen = v;
        }
        if let Ok(v) = std::env::var("ZONGGUAN_PUBLIC_URL") {
            c.public_url = Some(v);
        }
        if let Ok(v) = std::env::var("ZONGGUAN_DATABASE_URL") {
            c.database_url = Some(v);
        }
        if let Ok(v) = std::env::var("ZONGGUAN_FIELD_KEY") {
            c.security.field_key = Some(v);
        }
        if let Ok(v) = std::env::var("ZONGGUAN_FIELD_CIPHER") {
            c.security.field_cipher = v;
        }
        Ok(c)
    }

    /// `public_url` without a trailing slash, else `http://` + `listen`.
    pub fn public_url(&self) -> String {
        match self.public_url.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
            Some(u) => u.trim_end_matches('/').to_string(),
            None => format!("http://{}", self.listen),
        }
    }

    pub fn files_dir(&self) -> PathBuf {
        self.files_dir.clone().unwrap_or_else(|| self.data_dir.join("files"))
    }

    pub fn database_url(&self) -> String {
        self.database_url
            .clone()
            .unwrap_or_else(|| format!("sqlite://{}/zongguan.db?mode=rwc", self.data_dir.display()))
    }

    /// The field-encryption key, created on first use when none is configured.
    pub fn field_cipher(&self) -> anyhow::Result<zongguan_core::crypto::FieldCipher> {
        use zongguan_core::crypto::FieldCipher;
        let hex = match &self.security.field_key {
            Some(k) => k.clone(),
            None => {
                let path = self.data_dir.join("field.key");
                if path.exists() {
                    std::fs::read_to_string(&path)?
                } else {
                    std::fs::create_dir_all(&self.data_dir)?;
                    let k = FieldCipher::generate_key_hex();
                    std::fs::write(&path, &k)?;
                    #[cfg(unix)]
                    {
                        use std::os::unix::fs::PermissionsExt;
                        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))?;
                    }
                    k
                }
            }
        };
        let algorithm = zongguan_core::crypto::Algorithm::parse(&self.security.field_cipher).ok_or_else(|| {
            anyhow::anyhow!(
                "security.field_cipher must be aes-256-gcm or sm4-gcm, not {}",
                self.security.field_cipher
            )
        })?;
        Ok(FieldCipher::from_hex(&hex)
            .ok_or_else(|| anyhow::anyhow!("field key must be 64 hex characters"))?
            .with_algorithm(algorithm))
    }
}
