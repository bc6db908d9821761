//! The reporter's contact on a case (Open311, portal, hotline): sealed with the field key, shown
//! masked, read in full only by whoever may unmask residents' phones, each read audited.
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, sea_query::Expr};

use super::access::visible_case;
use crate::audit::{self, Event};
use crate::entity::case_record;
use crate::{Actor, Db, DbError, DbResult};

/// `a@b.cn 13812345678` → `a***@b.cn 138****5678`: each word masked, an e-mail address keeping
/// its first character and its domain, anything else like a phone number.
pub(super) fn masked(contact: &str) -> String {
    contact
        .split_whitespace()
        .map(|w| match w.split_once('@') {
            Some((local, domain)) => {
                let first: String = local.chars().take(1).collect();
                format!("{first}***@{domain}")
            }
            None => zongguan_core::mask::phone(w),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// What a new case stores: the sealed contact (none when empty) and its masked form.
pub(super) fn sealed(db: &Db, contact: &str) -> (Option<String>, String) {
    let contact = contact.trim();
    if contact.is_empty() {
        return (None, String::new());
    }
    (Some(db.cipher.encrypt(contact)), masked(contact))
}

/// The contact in full of a case the actor can see; the read is audited. Checking the permission
/// (`resident:read_full`) is the caller's.
pub async fn reporter_contact(db: &Db, actor: &Actor, case_id: i64) -> DbResult<String> {
    let m = visible_case(&db.conn, actor, case_id).await?;
    let full = match m.reporter_contact_enc.as_deref() {
        Some(enc) => db
            .cipher
            .decrypt(enc)
            .map_err(|_| DbError::Conflict("密文无法解密，请检查数据密钥".into()))?,
        None => String::new(),
    };
    audit::record(
        db,
        actor,
        Event::ok("read_unmasked", "case", case_id).detail(format!("{} reporter_contact", m.code)),
    )
    .await?;
    Ok(full)
}

/// Seals the contacts that cases reported before migration 13 hold in plain text; answers how many.
///
/// Runs in Rust, not in the migration's SQL, because the field key lives outside the database.
/// `Db::migrate` calls it at every start: a row is sealed once (its `reporter_contact_enc` is then
/// set), so later starts find nothing, and a start interrupted half-way finishes at the next.
pub async fn seal_reporter_contacts(db: &Db) -> DbResult<u64> {
    let mut done = 0;
    loop {
        let rows: Vec<(i64, String)> = case_record::Entity::find()
            .select_only()
            .columns([case_record::Column::Id, case_record::Column::ReporterContact])
            .filter(case_record::Column::ReporterContactEnc.is_null())
            .filter(case_record::Column::ReporterContact.ne(""))
            .order_by_asc(case_record::Column::Id)
            .limit(500)
            .into_tuple()
            .all(&db.conn)
            .await?;
        if rows.is_empty() {
            return Ok(done);
        }
        let txn = db.begin_write().await?;
        for (id, plain) in rows {
            let (enc, mask) = sealed(db, &plain);
            case_record::Entity::update_many()
                .col_expr(case_record::Column::ReporterContactEnc, Expr::val(enc))
                .col_expr(case_record::Column::ReporterContact, Expr::val(mask))
                .filter(case_record::Column::Id.eq(id))
                .filter(case_record::Column::ReporterContactEnc.is_null())
                .exec(&*txn)
                .await?;
            done += 1;
        }
        txn.commit().await?;
    }
}

#[cfg(test)]
mod tests {
    use super::masked;

    #[test]
    fn contacts_are_masked_word_by_word() {
        assert_eq!(masked("a@b.cn"), "a***@b.cn");
        assert_eq!(masked("zhang.san@qq.com 13812345678"), "z***@qq.com 138****5678");
        assert_eq!(masked("0755-1234567"), "075*****4567");
        assert_eq!(masked("12"), "**");
        assert_eq!(masked(""), "");
    }
}
