//! Migration 11: permission codes named for what they guard, in the roles already stored.
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, Statement, TryGetable};
use zongguan_core::permission::RENAMED;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0011_permission_codes"
    }
}

/// `resident:*` also guarded buildings, houses, places and imports, and `report:read` meant the
/// figures: a role holding an old code now holds the codes that replace it (`registry:*` beside
/// `resident:*`, `stats:read`). Built-in roles are rewritten from code at every start; this
/// carries the custom ones over.
#[async_trait::async_trait]
#[expect(
    elided_lifetimes_in_paths,
    reason = "MigrationTrait (async_trait) declares `up(&self, &SchemaManager)`; naming the lifetime breaks the match"
)]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let c = m.get_connection();
        let backend = c.get_database_backend();
        let rows = c
            .query_all_raw(Statement::from_string(backend, "SELECT code, permissions FROM role"))
            .await?;
        for row in rows {
            let code = String::try_get_by(&row, "code").map_err(|e| DbErr::Custom(format!("{e:?}")))?;
            let old = String::try_get_by(&row, "permissions").map_err(|e| DbErr::Custom(format!("{e:?}")))?;
            let new = renamed(&old);
            if new != old {
                let sql = match backend {
                    sea_orm_migration::sea_orm::DbBackend::Postgres => {
                        "UPDATE role SET permissions = $1 WHERE code = $2"
                    }
                    _ => "UPDATE role SET permissions = ? WHERE code = ?",
                };
                c.execute_raw(Statement::from_sql_and_values(backend, sql, [new.into(), code.into()]))
                    .await?;
            }
        }
        Ok(())
    }
}

/// A stored comma-separated list with each old code replaced, in order, without repeats.
fn renamed(list: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    for p in list.split(',').filter(|s| !s.is_empty()) {
        let new: &[&str] = RENAMED
            .iter()
            .find(|(old, _)| *old == p)
            .map(|(_, n)| *n)
            .unwrap_or(&[]);
        for code in if new.is_empty() { std::slice::from_ref(&p) } else { new } {
            if !out.contains(code) {
                out.push(code);
            }
        }
    }
    out.join(",")
}

#[cfg(test)]
mod tests {
    use super::renamed;

    #[test]
    fn old_codes_become_the_ones_that_replace_them() {
        assert_eq!(renamed("org:read,report:read"), "org:read,stats:read");
        assert_eq!(
            renamed("resident:read,resident:write,map:read"),
            "resident:read,registry:read,resident:write,registry:write,map:read"
        );
        assert_eq!(renamed("registry:read,resident:read"), "registry:read,resident:read");
        assert_eq!(renamed(""), "");
    }
}
