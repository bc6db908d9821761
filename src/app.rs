//! The application state every handler and job shares.
use std::sync::{Arc, Mutex};

use axum::http::StatusCode;
use zongguan_db::Db;
use zongguan_db::entity::app_user;

use crate::config::Config;
use crate::error::AppError;
use crate::jobs::JobBoard;
use crate::throttle::Throttles;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<Config>,
    /// Progress of the jobs running in this process.
    pub jobs: JobBoard,
    /// Open311 POSTs per API key in the last minute.
    pub open311_limits: crate::http::open311::KeyLimits,
    /// Case photos: a local directory behind `object_store`, opened on first use.
    files: Arc<Mutex<Option<Arc<dyn object_store::ObjectStore>>>>,
    /// Login and password-check throttles of this process.
    pub throttles: Arc<Throttles>,
    /// Resolved callers by session (see [`crate::caller::CallerCache`]).
    pub callers: Arc<crate::caller::CallerCache>,
    /// The case-item suggestion's model (see [`crate::jobs::suggest`]).
    pub suggest: Arc<crate::jobs::suggest::Suggester>,
}

impl AppState {
    pub fn new(db: Db, config: Config) -> Self {
        Self {
            db,
            config: Arc::new(config),
            jobs: JobBoard::default(),
            open311_limits: Default::default(),
            files: Arc::default(),
            throttles: Arc::default(),
            callers: Arc::default(),
            suggest: Arc::default(),
        }
    }

    /// The photo store under `files_dir`, created when first needed.
    pub fn files(&self) -> Result<Arc<dyn object_store::ObjectStore>, AppError> {
        let fail = |e: &dyn std::fmt::Display| {
            tracing::error!(error = %e, "opening the photo store");
            AppError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "照片存储不可用")
        };
        let mut slot = self.files.lock().map_err(|e| fail(&e))?;
        if let Some(s) = slot.as_ref() {
            return Ok(s.clone());
        }
        let dir = self.config.files_dir();
        std::fs::create_dir_all(&dir).map_err(|e| fail(&e))?;
        let store: Arc<dyn object_store::ObjectStore> =
            Arc::new(object_store::local::LocalFileSystem::new_with_prefix(&dir).map_err(|e| fail(&e))?);
        *slot = Some(store.clone());
        Ok(store)
    }

    pub fn idle(&self) -> chrono::Duration {
        chrono::Duration::minutes(self.config.security.idle_timeout_minutes)
    }
    /// Failed logins (or wrong old passwords) counted per account from one source.
    pub fn failure_throttle(&self) -> zongguan_core::password::Throttle {
        zongguan_core::password::Throttle {
            max: self.config.security.max_failed_logins,
            window: chrono::Duration::minutes(self.config.security.lock_minutes),
        }
    }
    /// Login requests counted per source, whatever the username.
    pub fn login_rate(&self) -> zongguan_core::password::Throttle {
        zongguan_core::password::Throttle {
            max: self.config.security.login_attempts_per_minute,
            window: chrono::Duration::minutes(1),
        }
    }
    /// A holder of one of the three duties (三权分立) without TOTP while the config requires it.
    pub fn totp_pending(&self, user: &app_user::Model, permissions: &[String]) -> bool {
        self.config.security.require_totp_for_admins && zongguan_db::auth::holds_duty(permissions) && !user.totp_enabled
    }
}
