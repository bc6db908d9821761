//! Importing houses: each row checked as the form checks it, its building found by code.
use std::collections::{HashMap, HashSet};

use chrono::Utc;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use zongguan_core::dict;
use zongguan_core::rbac::Scope;
use zongguan_core::registry::{Area, HouseFields};

use super::{Progress, SheetRow, field_errors, number, reject};
use crate::entity::{building, house};
use crate::{Actor, DbResult, scope};

pub(super) async fn house_chunk<C: ConnectionTrait>(
    c: &C,
    actor: &Actor,
    p: &mut Progress<'_>,
    rows: Vec<SheetRow>,
) -> DbResult<()> {
    let codes: Vec<String> = rows
        .iter()
        .map(|r| p.get(r, "楼栋编码").to_string())
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let buildings = buildings_by_code(c, &actor.scope, codes).await?;
    let existing = rooms_of(c, buildings.values().map(|b| b.0).collect()).await?;
    let mut good = Vec::new();
    for r in &rows {
        let mut errs = Vec::new();
        let b = buildings.get(p.get(r, "楼栋编码")).copied();
        if b.is_none() {
            reject(
                &mut errs,
                r.row,
                "楼栋编码",
                format!("楼栋编码“{}”不存在或不在您的数据范围内", p.get(r, "楼栋编码")),
            );
        }
        let area = number(&mut errs, r.row, "面积", p.get(r, "面积"), false);
        let rental = match p.get(r, "是否出租") {
            "" => Some(false),
            v => match dict::code_of(dict::YES_NO, v) {
                Some(c) => Some(c == "true"),
                None => {
                    reject(&mut errs, r.row, "是否出租", format!("是否出租“{v}”须为 是 或 否"));
                    None
                }
            },
        };
        let checked = match HouseFields::parse(p.get(r, "房号"), area, p.get(r, "用途")) {
            Ok(h) => Some(h),
            Err(e) => {
                field_errors(&mut errs, p.kind, r.row, e.into_vec());
                None
            }
        };
        if let (Some((bid, _)), Some(h)) = (b, &checked) {
            let room = h.room();
            if existing.contains_key(&(bid, room.to_string())) {
                reject(&mut errs, r.row, "房号", format!("房号 {room} 已存在"));
            } else if let Some(first) = p.repeated(crate::fingerprint(&[&bid.to_string(), room]), r.row) {
                reject(&mut errs, r.row, "房号", format!("房号 {room} 与第 {first} 行重复"));
            }
        }
        if !p.rejected(r, errs)
            && let (Some(b), Some(h), Some(rental)) = (b, checked, rental)
        {
            good.push((b, h, rental));
        }
    }
    if p.writing() && !good.is_empty() {
        let now = Utc::now();
        p.out.accepted += good.len() as u64;
        for chunk in good.chunks(1000) {
            house::Entity::insert_many(chunk.iter().map(|((bid, grid), h, rental)| house::ActiveModel {
                building_id: Set(*bid),
                grid_id: Set(*grid),
                room: Set(h.room().into()),
                area: Set(h.area().map(Area::square_metres)),
                use_type: Set(h.use_type().into()),
                owner_resident_id: Set(None),
                owner_org: Set(String::new()),
                is_rental: Set(*rental),
                rental_use: Set(String::new()),
                rental_risk_class: Set(None),
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

/// The chunk's buildings that the actor may use: code → (id, grid).
pub(super) async fn buildings_by_code<C: ConnectionTrait>(
    c: &C,
    s: &Scope,
    codes: Vec<String>,
) -> DbResult<HashMap<String, (i64, i64)>> {
    Ok(building::Entity::find()
        .select_only()
        .columns([building::Column::Code, building::Column::Id, building::Column::GridId])
        .filter(building::Column::Code.is_in(codes))
        .filter(scope::unit_column(
            s,
            building::Column::GridId,
            Some(building::Column::CreatedBy),
        ))
        .into_tuple::<(String, i64, i64)>()
        .all(c)
        .await?
        .into_iter()
        .map(|(code, id, grid)| (code, (id, grid)))
        .collect())
}

/// The rooms of these buildings: (building, room) → (house id, grid).
pub(super) async fn rooms_of<C: ConnectionTrait>(
    c: &C,
    bids: Vec<i64>,
) -> DbResult<HashMap<(i64, String), (i64, i64)>> {
    let mut out = HashMap::new();
    for chunk in bids.chunks(1000) {
        let rows: Vec<(i64, String, i64, i64)> = house::Entity::find()
            .select_only()
            .columns([
                house::Column::BuildingId,
                house::Column::Room,
                house::Column::Id,
                house::Column::GridId,
            ])
            .filter(house::Column::BuildingId.is_in(chunk.to_vec()))
            .into_tuple()
            .all(c)
            .await?;
        out.extend(rows.into_iter().map(|(b, r, id, g)| ((b, r), (id, g))));
    }
    Ok(out)
}
