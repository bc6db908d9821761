//! The demo's accounts: the three administrators, a district officer and a leader, one officer per
//! subdistrict and community, one grid worker per grid and one handler per department, each with
//! a staff record. All share the operator's password.
use std::collections::{HashMap, HashSet};

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait, EntityTrait, QuerySelect};

use super::departments::DepartmentSeed;
use super::divisions::{DivisionTree, community_display_name};
use super::org_tree::UnitIds;
use super::{DemoAccount, Scale};
use crate::entity::{app_user, grid_assignment, staff, user_role};
use crate::{Actor, DbError, DbResult};

pub(super) struct AccountSeed {
    username: String,
    display: String,
    role: &'static str,
    unit_code: String,
    dept_code: Option<String>,
    /// The grid to assign, for grid workers.
    grid: Option<String>,
}

impl AccountSeed {
    fn at(username: impl Into<String>, display: impl Into<String>, role: &'static str, unit_code: &str) -> Self {
        Self {
            username: username.into(),
            display: display.into(),
            role,
            unit_code: unit_code.into(),
            dept_code: None,
            grid: None,
        }
    }
}

pub(super) fn account_seeds(
    tree: &DivisionTree<'_>,
    scale: Scale,
    depts: &[DepartmentSeed],
    ids: &UnitIds,
) -> Vec<AccountSeed> {
    let d = &tree.district.code12;
    let mut accounts = vec![
        AccountSeed::at("admin", "系统管理员", "sys_admin", d),
        AccountSeed::at("secadmin", "安全管理员", "security_admin", d),
        AccountSeed::at("auditor", "审计管理员", "audit_admin", d),
        AccountSeed::at("district_officer", "区综管中心值班员", "district_officer", d),
        AccountSeed::at("leader", "区综管办领导", "leader", d),
    ];
    for s in &tree.subdistricts {
        accounts.push(AccountSeed::at(
            format!("subdistrict_{}", &s.code[6..]),
            format!("{}综管中心", s.name),
            "subdistrict_officer",
            &s.code12,
        ));
    }
    for m in &tree.communities {
        accounts.push(AccountSeed::at(
            format!("community_{}", &m.code12[6..]),
            format!("{}综管中心", community_display_name(m)),
            "community_officer",
            &m.code12,
        ));
        for g in 1..=scale.grids_per_community() {
            let grid = format!("{}{:02}", m.code12, g);
            accounts.push(AccountSeed {
                grid: Some(grid.clone()),
                ..AccountSeed::at(
                    format!("grid_{}", &grid[6..]),
                    format!("{}网格员{:02}", community_display_name(m), g),
                    "grid_worker",
                    &m.code12,
                )
            });
        }
    }
    for dept in depts {
        let unit_code = ids
            .iter()
            .find(|(_, v)| v.0 == dept.org_unit_id)
            .map(|(k, _)| k.clone())
            .unwrap_or_default();
        accounts.push(AccountSeed {
            dept_code: Some(dept.code.clone()),
            ..AccountSeed::at(
                format!("dept_{}", dept.code.replace('-', "_")),
                format!("{}处置员", dept.name),
                "department_handler",
                &unit_code,
            )
        });
    }
    accounts
}

/// Creates the accounts not there yet (by username); answers every account and how many were new.
pub(super) async fn insert_accounts<C: ConnectionTrait>(
    c: &C,
    actor: &Actor,
    accounts: &[AccountSeed],
    ids: &UnitIds,
    dept_ids: &HashMap<String, i64>,
    password_hash: &str,
) -> DbResult<(Vec<DemoAccount>, usize)> {
    let existing: HashSet<String> = app_user::Entity::find()
        .select_only()
        .column(app_user::Column::Username)
        .into_tuple::<String>()
        .all(c)
        .await?
        .into_iter()
        .collect();
    let unit_id = |code: &str| ids.get(code).map(|u| u.0).ok_or(DbError::NotFound);
    let mut created = 0;
    let mut out = Vec::new();
    for a in accounts {
        out.push(DemoAccount {
            username: a.username.clone(),
            role: a.role.into(),
            org_unit_code: a.unit_code.clone(),
            department_code: a.dept_code.clone(),
        });
        if existing.contains(&a.username) {
            continue;
        }
        let department_id = a.dept_code.as_ref().and_then(|d| dept_ids.get(d)).copied();
        let gender = if created % 2 == 0 { "male" } else { "female" };
        let s = insert_staff(c, a, unit_id(&a.unit_code)?, department_id, gender).await?;
        let u = crate::users::insert_account(c, actor, &a.username, &s, password_hash.to_string(), false).await?;
        user_role::Entity::insert(user_role::ActiveModel {
            user_id: Set(u.id),
            role_code: Set(a.role.into()),
        })
        .exec_without_returning(c)
        .await?;
        if let Some(g) = &a.grid {
            grid_assignment::Entity::insert(grid_assignment::ActiveModel {
                grid_id: Set(unit_id(g)?),
                staff_id: Set(s.id),
            })
            .exec_without_returning(c)
            .await?;
        }
        created += 1;
    }
    Ok((out, created))
}

async fn insert_staff<C: ConnectionTrait>(
    c: &C,
    a: &AccountSeed,
    org_unit_id: i64,
    department_id: Option<i64>,
    gender: &str,
) -> DbResult<staff::Model> {
    let now = Utc::now();
    Ok(staff::ActiveModel {
        name: Set(a.display.clone()),
        gender: Set(gender.into()),
        phone_enc: Set(None),
        phone_hash: Set(None),
        org_unit_id: Set(org_unit_id),
        department_id: Set(department_id),
        post: Set(crate::users::role_post(a.role).into()),
        created_by: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(c)
    .await?)
}
