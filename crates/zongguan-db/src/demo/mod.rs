//! The demo district: Longgang's real org tree (11 subdistricts, 119 residents' committees with
//! their statistical codes), grids, member departments, staff and one account per role and level.
//! Idempotent: what exists (by code or username) is left as it is.
use serde::Serialize;

use crate::audit::{self, Event};
use crate::{Actor, Db, DbResult};

mod accounts;
mod departments;
mod divisions;
mod org_tree;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    /// 5 grids per community; registries in the first subdistrict only.
    Small,
    /// Grids of 300–500 households: ~17 per community, ~2,000 in all.
    District,
}

impl Scale {
    /// How much registry data the demo makes at this scale.
    pub fn volume(self) -> crate::demo_data::Volume {
        match self {
            Self::Small => crate::demo_data::Volume {
                subdistricts: Some(1),
                buildings_per_grid: 83,
            },
            Self::District => crate::demo_data::Volume {
                subdistricts: None,
                buildings_per_grid: 198,
            },
        }
    }

    pub fn cases(self) -> crate::demo_data::CaseVolume {
        let v = self.volume();
        crate::demo_data::CaseVolume {
            subdistricts: v.subdistricts,
            history_per_grid: 150,
            communities: None,
        }
    }

    fn grids_per_community(self) -> usize {
        match self {
            Self::Small => 5,
            Self::District => 17,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct DemoAccount {
    pub username: String,
    pub role: String,
    pub org_unit_code: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub department_code: Option<String>,
}

/// Loads the demo. `password_hash` is the argon2id hash of the operator's chosen password, shared
/// by all demo accounts (hashing once keeps the demo fast; real accounts each get their own salt).
pub async fn load(
    db: &Db,
    divisions_csv: &str,
    outline: Option<String>,
    scale: Scale,
    password_hash: &str,
) -> DbResult<Vec<DemoAccount>> {
    let rows = divisions::parse_divisions(divisions_csv)?;
    let tree = divisions::DivisionTree::of(&rows)?;
    let actor = Actor::system("demo");
    let txn = db.begin_write().await?;
    let c = &*txn;
    let units = org_tree::unit_seeds(&tree, outline, scale);
    let (ids, created_units) = org_tree::insert_units(c, &units).await?;
    let depts = departments::department_seeds(&tree, &ids)?;
    let dept_ids = departments::insert_departments(c, &depts).await?;
    let seeds = accounts::account_seeds(&tree, scale, &depts, &ids);
    let (out, created_users) = accounts::insert_accounts(c, &actor, &seeds, &ids, &dept_ids, password_hash).await?;
    audit::append(
        c,
        db.backend,
        &actor,
        Event::ok("demo_load", "system", "demo")
            .detail(format!("新建机构网格 {created_units} 个，账号 {created_users} 个")),
    )
    .await?;
    txn.commit().await?;
    Ok(out)
}
