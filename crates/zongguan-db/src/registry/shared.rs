//! What property companies, key places and key enterprises share: the org unit they are filed
//! under, the list filter, the encrypted contact phone and the point on the map.
use sea_orm::{EntityTrait, QueryFilter};
use zongguan_core::rbac::Scope;
use zongguan_core::registry as rules;

use crate::entity::org_unit;
use crate::{Db, DbError, DbResult, scope};

#[derive(Debug, Default, Clone)]
pub struct PlaceFilter {
    pub org_unit_id: Option<i64>,
    /// place_type for key places, industry for key enterprises.
    pub kind: Option<String>,
    pub q: Option<String>,
}

pub(super) async fn unit_in_scope(db: &Db, s: &Scope, id: i64) -> DbResult<()> {
    org_unit::Entity::find_by_id(id)
        .filter(scope::org_units(s))
        .one(&db.conn)
        .await?
        .map(|_| ())
        .ok_or_else(|| DbError::invalid("org_unit_id", "所属单位不存在或不在您的数据范围内"))
}

pub(super) async fn under(db: &Db, unit: i64) -> DbResult<Scope> {
    let u = org_unit::Entity::find_by_id(unit)
        .one(&db.conn)
        .await?
        .ok_or_else(|| DbError::invalid("org_unit_id", "机构不存在"))?;
    Ok(Scope::Subtree { path: u.path })
}

/// The encrypted and masked phone to store. A phone sent back masked keeps `current`.
pub(super) fn phone_fields(
    db: &Db,
    p: &Option<String>,
    current: Option<(Option<String>, String)>,
) -> DbResult<(Option<String>, String)> {
    if let (Some(p), Some(cur)) = (p.as_deref(), current)
        && p.contains('*')
    {
        return Ok(cur);
    }
    match p.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(p) => {
            let p = rules::phone("phone", p)?;
            Ok((Some(db.cipher.encrypt(&p)), zongguan_core::mask::phone(&p)))
        }
        None => Ok((None, String::new())),
    }
}

pub(super) fn coords(lon: Option<f64>, lat: Option<f64>) -> DbResult<()> {
    if let Some(x) = lon
        && !(73.0..=136.0).contains(&x)
    {
        return Err(DbError::invalid("lon", format!("经度 {x} 不在中国境内（73–136）")));
    }
    if let Some(y) = lat
        && !(3.0..=54.0).contains(&y)
    {
        return Err(DbError::invalid("lat", format!("纬度 {y} 不在中国境内（3–54）")));
    }
    Ok(())
}
