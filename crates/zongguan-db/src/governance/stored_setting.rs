//! The settings an administrator edits, stored as JSON rows of `setting`: one read (a missing row
//! is the core's default; a row that no longer parses is a server fault naming its key) and one
//! audited upsert, for every governance setting.
use std::fmt::Display;

use chrono::Utc;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait};
use serde::Serialize;
use serde::de::DeserializeOwned;
use zongguan_core::governance::setting::SettingError;

use crate::audit::{self, Event};
use crate::entity::setting;
use crate::{Actor, Backend, DbError, DbResult};

/// A stored value that no longer parses or passes its check: the server's fault (a logged 500),
/// not the caller's.
fn broken(key: &str, e: impl Display) -> DbError {
    DbError::Db(sea_orm::DbErr::Custom(format!("{key}: {e}")))
}

/// A refused value of the setting sent as `field` of the body: 422 naming its path
/// (`limits.mediate`).
pub(crate) fn refused(field: &str, e: SettingError) -> DbError {
    let e = e.under(field);
    DbError::invalid(&e.path, e.message)
}

/// The value stored under `key`, read by `parse`; the default when no row is stored.
pub(crate) async fn read_with<C, T, E>(c: &C, key: &str, parse: impl FnOnce(&str) -> Result<T, E>) -> DbResult<T>
where
    C: ConnectionTrait,
    T: Default,
    E: Display,
{
    match setting::Entity::find_by_id(key.to_owned()).one(c).await? {
        Some(s) => parse(&s.value).map_err(|e| broken(key, e)),
        None => Ok(T::default()),
    }
}

/// The JSON value stored under `key`; the default when no row is stored.
pub(crate) async fn read<C: ConnectionTrait, T: DeserializeOwned + Default>(c: &C, key: &str) -> DbResult<T> {
    read_with(c, key, |s| serde_json::from_str::<T>(s)).await
}

/// Stores `value` under `key` and audits it with the JSON saved, inside the caller's write
/// transaction (the value was checked before).
pub(crate) async fn save<C: ConnectionTrait, T: Serialize>(
    c: &C,
    backend: Backend,
    actor: &Actor,
    key: &str,
    value: &T,
) -> DbResult<()> {
    let v = serde_json::to_string(value).map_err(|e| broken(key, e))?;
    let row = setting::ActiveModel {
        key: Set(key.to_owned()),
        value: Set(v.clone()),
        updated_by: Set(actor.user_id),
        updated_at: Set(Utc::now()),
    };
    setting::Entity::insert(row)
        .on_conflict(
            OnConflict::column(setting::Column::Key)
                .update_columns([
                    setting::Column::Value,
                    setting::Column::UpdatedBy,
                    setting::Column::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec_without_returning(c)
        .await?;
    audit::append(c, backend, actor, Event::ok("update", "setting", key).detail(v)).await
}
