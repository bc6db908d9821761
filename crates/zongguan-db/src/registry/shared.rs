//! What property companies, key places and key enterprises share: the org unit they are filed
//! under, the list filter and the encrypted contact phone.
use sea_orm::{EntityTrait, QueryFilter};
use zongguan_core::phone::PhoneEdit;
use zongguan_core::rbac::Scope;

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

/// The encrypted and masked phone to store; [`PhoneEdit::Keep`] keeps `current`.
pub(super) fn phone_fields(
    db: &Db,
    p: &PhoneEdit,
    current: Option<(Option<String>, String)>,
) -> (Option<String>, String) {
    match p {
        PhoneEdit::Keep => current.unwrap_or_default(),
        PhoneEdit::Set(Some(p)) => (Some(db.cipher.encrypt(p.as_str())), p.masked()),
        PhoneEdit::Set(None) => (None, String::new()),
    }
}
