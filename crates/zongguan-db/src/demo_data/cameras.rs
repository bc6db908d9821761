//! The demo's cameras (电子防控): a few hundred beside buildings, coded by subdistrict
//! (`440307003-SP-0001`), mostly online, some offline or at fault.
use chrono::{Duration, Utc};
use sea_orm::{ActiveValue::Set, EntityTrait, PaginatorTrait, QuerySelect};
use zongguan_core::geometry::Rng;

use crate::entity::{building, camera};
use crate::{Db, DbResult};

/// At most this many cameras.
const TARGET: u64 = 300;

/// Cameras written (none when the register already has some).
pub async fn cameras(db: &Db, seed: u64) -> DbResult<u64> {
    if camera::Entity::find().count(&db.conn).await? > 0 {
        return Ok(0);
    }
    let total = building::Entity::find().count(&db.conn).await?;
    if total == 0 {
        return Ok(0);
    }
    let step = (total / TARGET).max(1);
    let routing = crate::cases::routing(db).await?;
    let mut rng = Rng::new(seed ^ 0x4341_4d45);
    let rows: Vec<(i64, i64, f64, f64, String)> = building::Entity::find()
        .select_only()
        .columns([
            building::Column::Id,
            building::Column::GridId,
            building::Column::Lon,
            building::Column::Lat,
            building::Column::Name,
        ])
        .into_tuple()
        .all(&db.conn)
        .await?;
    let today = zongguan_core::time::cst_date(Utc::now());
    let mut serial: std::collections::HashMap<String, u32> = std::collections::HashMap::new();
    let mut batch = Vec::new();
    for (i, (_, grid, lon, lat, name)) in rows.into_iter().enumerate() {
        if !(i as u64).is_multiple_of(step) || batch.len() as u64 >= TARGET {
            continue;
        }
        let Some(g) = routing.grid(grid) else { continue };
        let n = serial.entry(g.subdistrict_code.clone()).or_default();
        *n += 1;
        let (kind, label) = *rng.pick(&[
            ("hd", "高清监控"),
            ("hd", "高清监控"),
            ("face", "人脸识别"),
            ("vehicle", "车辆卡口"),
            ("other", "其他"),
        ]);
        let r = rng.below(20);
        let status = if r < 16 {
            "online"
        } else if r < 18 {
            "offline"
        } else {
            "fault"
        };
        let now = Utc::now();
        batch.push(camera::ActiveModel {
            code: Set(format!("{}-SP-{:04}", g.subdistrict_code, n)),
            name: Set(format!("{name}旁{label}")),
            kind: Set(kind.into()),
            status: Set(status.into()),
            // About 20 m from the building, along the road in front of it.
            lon: Set(lon + (rng.unit() - 0.5) * 0.0004),
            lat: Set(lat + (rng.unit() - 0.5) * 0.0004),
            grid_id: Set(grid),
            subdistrict_id: Set(Some(g.subdistrict_id)),
            community_id: Set(Some(g.community_id)),
            installed_on: Set(Some(today - Duration::days(30 + rng.below(1500) as i64))),
            note: Set(String::new()),
            created_by: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        });
    }
    let n = batch.len() as u64;
    for part in batch.chunks(200) {
        camera::Entity::insert_many(part.to_vec()).exec(&db.conn).await?;
    }
    Ok(n)
}
