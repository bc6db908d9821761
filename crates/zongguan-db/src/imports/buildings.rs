//! Importing buildings: each row checked as the form checks it, its grid found by code.
use std::collections::{HashMap, HashSet};

use chrono::Utc;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use zongguan_core::rbac::Scope;
use zongguan_core::registry::{BuildingDraft, BuildingFields};

use super::{Progress, SheetRow, field_errors, number, reject};
use crate::entity::{building, org_unit};
use crate::{Actor, DbResult, scope};

pub(super) async fn building_chunk<C: ConnectionTrait>(
    c: &C,
    actor: &Actor,
    p: &mut Progress<'_>,
    grids: &HashMap<String, i64>,
    rows: Vec<SheetRow>,
) -> DbResult<()> {
    let codes: Vec<String> = rows
        .iter()
        .map(|r| p.get(r, "楼栋编码").to_string())
        .filter(|s| !s.is_empty())
        .collect();
    let existing: HashSet<String> = building::Entity::find()
        .select_only()
        .column(building::Column::Code)
        .filter(building::Column::Code.is_in(codes))
        .into_tuple::<String>()
        .all(c)
        .await?
        .into_iter()
        .collect();
    let mut good = Vec::new();
    for r in &rows {
        let mut errs = Vec::new();
        let lon = number(&mut errs, r.row, "经度", p.get(r, "经度"), true);
        let lat = number(&mut errs, r.row, "纬度", p.get(r, "纬度"), true);
        let floors = number(&mut errs, r.row, "层数", p.get(r, "层数"), false)
            .map(|f| f as i32)
            .unwrap_or(1);
        let grid = grids.get(p.get(r, "网格编码")).copied();
        if grid.is_none() {
            reject(
                &mut errs,
                r.row,
                "网格编码",
                format!("网格编码“{}”不存在或不在您的数据范围内", p.get(r, "网格编码")),
            );
        }
        let checked = match BuildingFields::parse(&BuildingDraft {
            code: p.get(r, "楼栋编码"),
            name: p.get(r, "楼栋名称"),
            address: p.get(r, "地址"),
            lon: lon.unwrap_or(114.0),
            lat: lat.unwrap_or(22.0),
            floors,
            use_type: p.get(r, "用途"),
        }) {
            Ok(b) => Some(b),
            Err(e) => {
                field_errors(&mut errs, p.kind, r.row, e.into_vec());
                None
            }
        };
        if let Some(b) = &checked {
            if existing.contains(b.code()) {
                reject(&mut errs, r.row, "楼栋编码", format!("楼栋编码 {} 已存在", b.code()));
            } else if let Some(first) = p.repeated(crate::fingerprint(&[b.code()]), r.row) {
                reject(
                    &mut errs,
                    r.row,
                    "楼栋编码",
                    format!("楼栋编码 {} 与第 {first} 行重复", b.code()),
                );
            }
        }
        if !p.rejected(r, errs)
            && let (Some(b), Some(g)) = (checked, grid)
        {
            good.push((b, g));
        }
    }
    if p.writing() && !good.is_empty() {
        let now = Utc::now();
        p.out.accepted += good.len() as u64;
        for chunk in good.chunks(1000) {
            building::Entity::insert_many(chunk.iter().map(|(b, g)| building::ActiveModel {
                code: Set(b.code().into()),
                name: Set(b.name().into()),
                address: Set(b.address().into()),
                grid_id: Set(*g),
                lon: Set(b.lon().degrees()),
                lat: Set(b.lat().degrees()),
                footprint: Set(None),
                floors: Set(b.floors().get()),
                structure: Set(String::new()),
                use_type: Set(b.use_type().into()),
                property_company_id: Set(None),
                manager: Set(String::new()),
                created_by: Set(actor.user_id),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }))
            .exec_without_returning(c)
            .await?;
        }
    }
    Ok(())
}

/// Grid codes the actor may use, loaded once per import (a district has a few thousand).
pub(super) async fn grids_in_scope<C: ConnectionTrait>(c: &C, s: &Scope) -> DbResult<HashMap<String, i64>> {
    Ok(org_unit::Entity::find()
        .select_only()
        .columns([org_unit::Column::Code, org_unit::Column::Id])
        .filter(org_unit::Column::Level.eq("grid"))
        .filter(scope::org_units(s))
        .into_tuple::<(String, i64)>()
        .all(c)
        .await?
        .into_iter()
        .collect())
}
