//! The demo's org units: the district, its subdistricts, communities and their grids, inserted
//! level by level so each path can name its parent's id. Existing codes are kept.
use std::collections::HashMap;

use chrono::Utc;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};

use super::Scale;
use super::divisions::{DivisionTree, community_display_name};
use crate::DbResult;
use crate::entity::org_unit;

pub(super) struct UnitSeed {
    level: &'static str,
    code: String,
    name: String,
    parent: Option<String>,
    community: Option<String>,
    geometry: Option<String>,
    sort: i32,
}

impl UnitSeed {
    fn new(
        level: &'static str,
        code: &str,
        name: &str,
        parent: Option<&str>,
        community: Option<String>,
        geometry: Option<String>,
        sort: i32,
    ) -> Self {
        Self {
            level,
            code: code.into(),
            name: name.into(),
            parent: parent.map(String::from),
            community,
            geometry,
            sort,
        }
    }
}

/// (username, display name, role, unit code, department code, grid to assign)
/// Each unit's code → (id, path).
pub(super) type UnitIds = HashMap<String, (i64, String)>;

/// Every unit the demo wants, parents first.
pub(super) fn unit_seeds(tree: &DivisionTree<'_>, outline: Option<String>, scale: Scale) -> Vec<UnitSeed> {
    let district = tree.district;
    let mut units = vec![UnitSeed::new(
        "district",
        &district.code12,
        &district.name,
        None,
        None,
        outline,
        0,
    )];
    for (i, s) in tree.subdistricts.iter().enumerate() {
        units.push(UnitSeed::new(
            "subdistrict",
            &s.code12,
            &s.name,
            Some(&district.code12),
            None,
            None,
            i as i32,
        ));
    }
    let sd12: HashMap<&str, &str> = tree
        .subdistricts
        .iter()
        .map(|s| (s.code.as_str(), s.code12.as_str()))
        .collect();
    for (i, m) in tree.communities.iter().enumerate() {
        let parent = sd12.get(m.parent.as_str()).map(|s| s.to_string());
        units.push(UnitSeed::new(
            "community",
            &m.code12,
            &community_display_name(m),
            parent.as_deref(),
            Some(m.community.clone()),
            None,
            i as i32,
        ));
    }
    for m in &tree.communities {
        for g in 1..=scale.grids_per_community() {
            let code = format!("{}{:02}", m.code12, g);
            units.push(UnitSeed::new(
                "grid",
                &code,
                &format!("{}第{:02}网格", community_display_name(m), g),
                Some(&m.code12),
                None,
                None,
                g as i32,
            ));
        }
    }
    units
}

/// Inserts the units not there yet; answers every unit's id and path and how many were new.
pub(super) async fn insert_units<C: ConnectionTrait>(c: &C, units: &[UnitSeed]) -> DbResult<(UnitIds, usize)> {
    let mut ids: UnitIds = org_unit::Entity::find()
        .select_only()
        .columns([org_unit::Column::Code, org_unit::Column::Id, org_unit::Column::Path])
        .into_tuple::<(String, i64, String)>()
        .all(c)
        .await?
        .into_iter()
        .map(|(code, id, path)| (code, (id, path)))
        .collect();
    let mut created = 0;
    for level in ["district", "subdistrict", "community", "grid"] {
        let new: Vec<&UnitSeed> = units
            .iter()
            .filter(|u| u.level == level && !ids.contains_key(&u.code))
            .collect();
        insert_level(c, &new, &ids).await?;
        created += new.len();
        fill_paths(c, units, &new, &mut ids).await?;
    }
    Ok((ids, created))
}

async fn insert_level<C: ConnectionTrait>(c: &C, new: &[&UnitSeed], ids: &UnitIds) -> DbResult<()> {
    let now = Utc::now();
    for chunk in new.chunks(500) {
        let models = chunk.iter().map(|u| org_unit::ActiveModel {
            level: Set(u.level.into()),
            code: Set(u.code.clone()),
            name: Set(u.name.clone()),
            parent_id: Set(u.parent.as_ref().and_then(|p| ids.get(p)).map(|p| p.0)),
            path: Set(String::new()),
            community_name: Set(u.community.clone()),
            sort: Set(u.sort),
            geometry: Set(u.geometry.clone()),
            created_by: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        });
        org_unit::Entity::insert_many(models).exec_without_returning(c).await?;
    }
    Ok(())
}

/// Reads back the new units' ids and writes their paths under their parents'.
async fn fill_paths<C: ConnectionTrait>(
    c: &C,
    units: &[UnitSeed],
    new: &[&UnitSeed],
    ids: &mut UnitIds,
) -> DbResult<()> {
    let codes: Vec<String> = new.iter().map(|u| u.code.clone()).collect();
    for chunk in codes.chunks(500) {
        let got: Vec<(String, i64)> = org_unit::Entity::find()
            .select_only()
            .columns([org_unit::Column::Code, org_unit::Column::Id])
            .filter(org_unit::Column::Code.is_in(chunk.to_vec()))
            .into_tuple()
            .all(c)
            .await?;
        for (code, id) in got {
            let parent_path = units
                .iter()
                .find(|u| u.code == code)
                .and_then(|u| u.parent.as_ref())
                .and_then(|p| ids.get(p))
                .map(|p| p.1.clone())
                .unwrap_or_else(|| "/".into());
            let path = format!("{parent_path}{id}/");
            org_unit::Entity::update_many()
                .col_expr(org_unit::Column::Path, sea_orm::sea_query::Expr::val(path.clone()))
                .filter(org_unit::Column::Id.eq(id))
                .exec(c)
                .await?;
            ids.insert(code, (id, path));
        }
    }
    Ok(())
}
