//! Notices as issued (交办 / 督办 / 销案通知书, petition letters): the subject's facts fill the
//! kind's template, the number is taken from the issuing unit's counter in the transaction that
//! stores the notice (gapless under concurrent issue: a failed issue rolls the number back; a
//! voided notice keeps it), the document is archived encrypted and is what a download returns.
use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, Query};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde::Serialize;
use utoipa::ToSchema;
use zongguan_core::governance::notice_serial::{NoticeKind, NoticeSerial, SerialKey, UnitPrefix};
use zongguan_core::governance::notice_template::{self, Field, Values};
use zongguan_core::rbac::Scope;
use zongguan_core::time::cst_date;

use super::notice_settings::{template_body, unit_prefix};
use crate::audit::{self, Event};
use crate::entity::{notice, notice_counter, org_unit};
use crate::{Actor, Db, DbError, DbResult, Page, PageReq, scope};

/// What a notice concerns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubjectKind {
    Case,
    Dispute,
    Petition,
}

impl SubjectKind {
    pub const ALL: [SubjectKind; 3] = [SubjectKind::Case, SubjectKind::Dispute, SubjectKind::Petition];

    pub fn as_str(self) -> &'static str {
        match self {
            SubjectKind::Case => "case",
            SubjectKind::Dispute => "dispute",
            SubjectKind::Petition => "petition",
        }
    }

    pub fn parse(s: &str) -> Option<SubjectKind> {
        SubjectKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The kinds a subject may be sent: matters go to units, petitions answer petitioners.
    pub fn kinds(self) -> &'static [NoticeKind] {
        match self {
            SubjectKind::Case | SubjectKind::Dispute => {
                &[NoticeKind::Assignment, NoticeKind::Supervision, NoticeKind::Closure]
            }
            SubjectKind::Petition => &[
                NoticeKind::PetitionAcceptance,
                NoticeKind::PetitionNonAcceptance,
                NoticeKind::PetitionAnswer,
                NoticeKind::PetitionReviewAnswer,
                NoticeKind::PetitionReReviewAnswer,
            ],
        }
    }
}

/// What a subject tells its notices, read under the caller's scope.
#[derive(Debug, Clone, Default)]
pub struct SubjectFacts {
    /// The subject's own number (事项编号).
    pub number: String,
    /// Whom a notice to a unit is addressed to (the unit or department handling the matter).
    pub addressee: String,
    /// The deadline a notice states, when the subject has one.
    pub deadline: Option<NaiveDate>,
    /// Where the subject is placed: its grid or unit, community and subdistrict.
    pub unit_id: i64,
    pub subdistrict_id: Option<i64>,
    pub community_id: Option<i64>,
    pub values: Values,
}

/// A notice's document before it is written: what the DOCX prints.
#[derive(Debug, Clone)]
pub struct Draft {
    pub kind: NoticeKind,
    pub serial: String,
    pub issuing_unit_name: String,
    pub issued_on: NaiveDate,
    pub title: &'static str,
    /// The filled template, a paragraph per entry; the first is the salutation.
    pub paragraphs: Vec<String>,
    pub subject_number: String,
    pub addressee: String,
    pub return_slip: bool,
}

/// What the caller asks to issue. `values` fills or corrects the template's fields (the issuer's
/// basis, an answer's text); the serial, the issuing unit and the date are never taken from it.
#[derive(Debug, Clone)]
pub struct IssueInput {
    pub kind: NoticeKind,
    pub subject: SubjectKind,
    pub subject_id: i64,
    pub addressee: Option<String>,
    pub deadline: Option<NaiveDate>,
    pub values: BTreeMap<Field, String>,
}

/// The longest text a field given by the issuer may hold.
const MAX_VALUE_CHARS: usize = 2000;

/// A notice in a list and as issued.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Notice {
    pub id: i64,
    /// `assignment` | `supervision` | `closure` | `petition_acceptance` | …
    pub kind: String,
    /// The document's title, e.g. 交办通知书.
    pub title: String,
    /// e.g. `龙岗综治交〔2026〕12号`
    pub serial: String,
    pub year: i32,
    pub number: i32,
    pub issuing_unit_id: i64,
    pub issuing_unit_name: String,
    /// `case` | `dispute` | `petition`
    pub subject_kind: String,
    pub subject_id: i64,
    pub subject_number: String,
    pub addressee: String,
    pub deadline: Option<NaiveDate>,
    pub file_size: i64,
    /// SHA-256 of the document as issued, hex.
    pub file_sha256: String,
    pub issued_by_name: String,
    pub issued_at: DateTime<Utc>,
    pub voided_at: Option<DateTime<Utc>>,
    pub void_reason: String,
    /// Whether the kind comes back on a return slip (回执), and when it did.
    pub has_return_slip: bool,
    pub returned_at: Option<DateTime<Utc>>,
    pub return_receiver: String,
    pub return_result: String,
}

impl From<notice::Model> for Notice {
    fn from(m: notice::Model) -> Self {
        let kind = NoticeKind::parse(&m.kind);
        Notice {
            id: m.id,
            title: kind.map_or("通知书", NoticeKind::zh).to_string(),
            has_return_slip: kind.is_some_and(NoticeKind::has_return_slip),
            kind: m.kind,
            serial: m.serial,
            year: m.year,
            number: m.number,
            issuing_unit_id: m.issuing_unit_id,
            issuing_unit_name: m.issuing_unit_name,
            subject_kind: m.subject_kind,
            subject_id: m.subject_id,
            subject_number: m.subject_number,
            addressee: m.addressee,
            deadline: m.deadline,
            file_size: m.file_size,
            file_sha256: m.file_sha256,
            issued_by_name: m.issued_by_name,
            issued_at: m.issued_at,
            voided_at: m.voided_at,
            void_reason: m.void_reason,
            returned_at: m.returned_at,
            return_receiver: m.return_receiver,
            return_result: m.return_result,
        }
    }
}

/// The notice columns that place a row in the org tree (copied from the subject when issued).
const PLACED: scope::Placed<notice::Column> = scope::Placed {
    unit: notice::Column::UnitId,
    subdistrict: notice::Column::SubdistrictId,
    community: notice::Column::CommunityId,
    owner: Some(notice::Column::IssuedBy),
};

/// A date as GB/T 9704 writes it in a document: 2026年12月4日 (no leading zeros).
pub fn date_zh(d: NaiveDate) -> String {
    use chrono::Datelike;
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

async fn subject_facts(
    db: &Db,
    actor: &Actor,
    kind: SubjectKind,
    id: i64,
    notice: NoticeKind,
) -> DbResult<SubjectFacts> {
    match kind {
        SubjectKind::Case => crate::cases::notice_facts(db, actor, id).await,
        SubjectKind::Petition => super::petition_notice_facts::petition_notice_facts(db, actor, id, notice).await,
        SubjectKind::Dispute => super::dispute_notice_facts::dispute_notice_facts(db, actor, id).await,
    }
}

/// The number after the last one under the key, in the caller's transaction: one upsert, which
/// on PostgreSQL locks the counter row until the transaction ends and on SQLite runs under the
/// one writer.
/// The next serial of a unit's notices of a kind this year, e.g. `龙岗综管督〔2026〕3号`, and its
/// number: taken in the caller's transaction (a failed write gives it back), gapless and never
/// reused under concurrent issue. The case workflow's supervision takes its serials here too, so a
/// unit has one 督 sequence.
pub(crate) async fn next_serial<C: ConnectionTrait>(
    c: &C,
    unit_id: i64,
    unit_name: &str,
    kind: NoticeKind,
    now: chrono::DateTime<chrono::Utc>,
) -> DbResult<(String, i32)> {
    let prefix = match unit_prefix(c, unit_id).await? {
        Some(p) => p,
        None => UnitPrefix::default_for(unit_name),
    };
    let key = SerialKey::for_issue(unit_id, kind, now);
    let number = take_number(c, key).await?;
    let serial = NoticeSerial::new(&prefix, kind, key.year, number.unsigned_abs())
        .map_err(|e| DbError::invalid("serial", e.to_string()))?
        .to_string();
    Ok((serial, number))
}

async fn take_number<C: ConnectionTrait>(c: &C, key: SerialKey) -> DbResult<i32> {
    let mut q = Query::insert();
    q.into_table(notice_counter::Entity)
        .columns([
            notice_counter::Column::IssuingUnitId,
            notice_counter::Column::Kind,
            notice_counter::Column::Year,
            notice_counter::Column::LastNumber,
        ])
        .values_panic([key.unit_id.into(), key.kind.as_str().into(), key.year.into(), 1.into()])
        .on_conflict(
            OnConflict::columns([
                notice_counter::Column::IssuingUnitId,
                notice_counter::Column::Kind,
                notice_counter::Column::Year,
            ])
            .value(
                notice_counter::Column::LastNumber,
                Expr::col((notice_counter::Entity, notice_counter::Column::LastNumber)).add(1),
            )
            .to_owned(),
        )
        .returning_col(notice_counter::Column::LastNumber);
    let row = c
        .query_one(&q)
        .await?
        .ok_or_else(|| DbError::Db(sea_orm::DbErr::Custom("notice counter: no row returned".into())))?;
    Ok(row.try_get_by_index::<i32>(0)?)
}

fn checked_values(values: &BTreeMap<Field, String>) -> DbResult<Values> {
    let mut out = Values::new();
    for (f, v) in values {
        if matches!(f, Field::Serial | Field::IssuingUnit | Field::IssuedOn) {
            return Err(DbError::invalid("values", format!("“{}”由系统生成，不能填写", f.zh())));
        }
        if v.chars().count() > MAX_VALUE_CHARS {
            return Err(DbError::invalid(
                "values",
                format!("“{}”不超过 {MAX_VALUE_CHARS} 字", f.zh()),
            ));
        }
        if v.chars().any(|c| c.is_control() && c != '\n') {
            return Err(DbError::invalid("values", format!("“{}”含有控制字符", f.zh())));
        }
        out.insert(*f, v.trim().to_string());
    }
    Ok(out)
}

/// Issues a notice: fills the template from the subject and the caller's values, takes the
/// number, renders the document (`render`), archives it encrypted (`put` writes it under the
/// key given), stores the row and audits, all in one transaction.
pub async fn issue<R, P>(db: &Db, actor: &Actor, input: IssueInput, render: R, put: P) -> DbResult<Notice>
where
    R: FnOnce(&Draft) -> DbResult<Vec<u8>>,
    P: AsyncFnOnce(String, Vec<u8>) -> DbResult<()>,
{
    if !input.subject.kinds().contains(&input.kind) {
        return Err(DbError::invalid("kind", format!("{}不适用于该类事项", input.kind.zh())));
    }
    let unit_id = actor
        .org_unit_id
        .ok_or_else(|| DbError::invalid("issuing_unit", "当前账号不属于任何机构，不能以机构名义发文"))?;
    let unit = org_unit::Entity::find_by_id(unit_id)
        .one(&db.conn)
        .await?
        .ok_or(DbError::NotFound)?;
    let extra = checked_values(&input.values)?;
    let facts = subject_facts(db, actor, input.subject, input.subject_id, input.kind).await?;
    let addressee = match input.addressee.as_deref().map(str::trim) {
        Some(a) if a.chars().count() > 100 => return Err(DbError::invalid("addressee", "主送单位不超过 100 字")),
        Some(a) if !a.is_empty() => a.to_string(),
        _ => facts.addressee.clone(),
    };
    let deadline = input.deadline.or(facts.deadline);
    let now = crate::cases::now();
    let issued_on = cst_date(now);
    if input.kind.has_return_slip() && input.kind != NoticeKind::Closure && deadline.is_some_and(|d| d < issued_on) {
        return Err(DbError::invalid("deadline", "办结期限不能早于发文日期"));
    }
    let body = template_body(&db.conn, input.kind).await?;
    let mut values = facts.values.clone();
    values.insert(Field::Addressee, addressee.clone());
    values.insert(Field::MatterNumber, facts.number.clone());
    if let Some(d) = deadline {
        let key = if input.kind == NoticeKind::Supervision {
            Field::NewDeadline
        } else {
            Field::Deadline
        };
        values.insert(key, date_zh(d));
    }
    values.extend(extra);
    values.insert(Field::IssuingUnit, unit.name.clone());
    values.insert(Field::IssuedOn, date_zh(issued_on));

    let txn = db.begin_write().await?;
    let (serial, number) = next_serial(&*txn, unit.id, &unit.name, input.kind, now).await?;
    let year = SerialKey::for_issue(unit.id, input.kind, now).year;
    values.insert(Field::Serial, serial.clone());
    let paragraphs =
        notice_template::render(input.kind, &body, &values).map_err(|e| DbError::invalid("template", e.to_string()))?;
    let draft = Draft {
        kind: input.kind,
        serial: serial.clone(),
        issuing_unit_name: unit.name.clone(),
        issued_on,
        title: input.kind.zh(),
        paragraphs,
        subject_number: facts.number.clone(),
        addressee: addressee.clone(),
        return_slip: input.kind.has_return_slip(),
    };
    let doc = render(&draft)?;
    let sha = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(&doc))
    };
    let size = i64::try_from(doc.len()).unwrap_or(i64::MAX);
    let file_key = format!(
        "notices/{}/{}-{}-{number}.docx.sealed",
        year,
        unit.id,
        input.kind.as_str()
    );
    put(file_key.clone(), db.cipher.encrypt_bytes(&doc)).await?;
    let m = notice::ActiveModel {
        kind: Set(input.kind.as_str().into()),
        serial: Set(serial.clone()),
        year: Set(year),
        number: Set(number),
        issuing_unit_id: Set(unit.id),
        issuing_unit_name: Set(unit.name.clone()),
        subject_kind: Set(input.subject.as_str().into()),
        subject_id: Set(input.subject_id),
        subject_number: Set(facts.number.clone()),
        addressee: Set(addressee),
        unit_id: Set(facts.unit_id),
        subdistrict_id: Set(facts.subdistrict_id),
        community_id: Set(facts.community_id),
        deadline: Set(deadline),
        file_key: Set(file_key),
        file_sha256: Set(sha),
        file_size: Set(size),
        issued_by: Set(actor.user_id),
        issued_by_name: Set(actor.name.clone()),
        issued_at: Set(now),
        voided_at: Set(None),
        voided_by: Set(None),
        void_reason: Set(String::new()),
        returned_at: Set(None),
        return_receiver: Set(String::new()),
        return_result: Set(String::new()),
        ..Default::default()
    }
    .insert(&*txn)
    .await?;
    audit::append(
        &*txn,
        db.backend,
        actor,
        Event::ok("issue", "notice", m.id).detail(format!(
            "{} {serial}（{} {}）",
            input.kind.zh(),
            input.subject.as_str(),
            input.subject_id
        )),
    )
    .await?;
    txn.commit().await?;
    Ok(m.into())
}

#[derive(Debug, Default, Clone)]
pub struct NoticeFilter {
    pub org_unit_id: Option<i64>,
    pub kind: Option<NoticeKind>,
    pub subject: Option<(SubjectKind, i64)>,
    pub year: Option<i32>,
}

/// Notices under the scope, newest first.
pub async fn list_notices(db: &Db, scope: &Scope, f: &NoticeFilter, p: PageReq) -> DbResult<Page<Notice>> {
    let mut q = notice::Entity::find().filter(scope::placed_under(&db.conn, scope, f.org_unit_id, &PLACED).await?);
    if let Some(k) = f.kind {
        q = q.filter(notice::Column::Kind.eq(k.as_str()));
    }
    if let Some((k, id)) = f.subject {
        q = q
            .filter(notice::Column::SubjectKind.eq(k.as_str()))
            .filter(notice::Column::SubjectId.eq(id));
    }
    if let Some(y) = f.year {
        q = q.filter(notice::Column::Year.eq(y));
    }
    let sort = crate::listing::SortKey {
        key: None,
        id: notice::Column::Id,
        desc: true,
    };
    let mut page = crate::listing::page_rows(&db.conn, q, &sort, &p, |r| r.id).await?;
    let rows = std::mem::take(&mut page.items);
    Ok(page.with_items(rows.into_iter().map(Notice::from).collect()))
}

async fn visible<C: ConnectionTrait>(c: &C, scope: &Scope, id: i64) -> DbResult<notice::Model> {
    notice::Entity::find_by_id(id)
        .filter(scope::placed(c, scope, &PLACED).await?)
        .one(c)
        .await?
        .ok_or(DbError::NotFound)
}

pub async fn get_notice(db: &Db, scope: &Scope, id: i64) -> DbResult<Notice> {
    Ok(visible(&db.conn, scope, id).await?.into())
}

/// Where the archived document lies, for a download; the read is audited (it names people).
pub async fn notice_file(db: &Db, actor: &Actor, id: i64) -> DbResult<(Notice, String)> {
    let m = visible(&db.conn, &actor.scope, id).await?;
    audit::record(db, actor, Event::ok("download", "notice", id).detail(m.serial.clone())).await?;
    let key = m.file_key.clone();
    Ok((m.into(), key))
}

/// Opens an archived document and checks it is the one issued.
pub fn open_file(db: &Db, n: &Notice, sealed: &[u8]) -> DbResult<Vec<u8>> {
    let doc = db
        .cipher
        .decrypt_bytes(sealed)
        .map_err(|e| DbError::Db(sea_orm::DbErr::Custom(format!("notice {}: {e}", n.id))))?;
    let sha = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(&doc))
    };
    if sha != n.file_sha256 {
        return Err(DbError::Db(sea_orm::DbErr::Custom(format!(
            "notice {}: archived document does not match its checksum",
            n.id
        ))));
    }
    Ok(doc)
}

/// Voids an issued notice; its number stays taken.
pub async fn void_notice(db: &Db, actor: &Actor, id: i64, reason: &str) -> DbResult<Notice> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(DbError::invalid("reason", "请填写作废原因"));
    }
    if reason.chars().count() > 500 {
        return Err(DbError::invalid("reason", "作废原因不超过 500 字"));
    }
    let txn = db.begin_write().await?;
    let m = visible(&*txn, &actor.scope, id).await?;
    if m.voided_at.is_some() {
        return Err(DbError::Conflict(format!("{} 已作废", m.serial)));
    }
    let serial = m.serial.clone();
    let mut am: notice::ActiveModel = m.into();
    am.voided_at = Set(Some(crate::cases::now()));
    am.voided_by = Set(actor.user_id);
    am.void_reason = Set(reason.into());
    let m = am.update(&*txn).await?;
    audit::append(
        &*txn,
        db.backend,
        actor,
        Event::ok("void", "notice", id).detail(format!("{serial}：{reason}")),
    )
    .await?;
    txn.commit().await?;
    Ok(m.into())
}

/// The return slip (回执) as it came back: who received the notice and what was done.
#[derive(Debug, Clone)]
pub struct ReturnSlip {
    pub receiver: String,
    pub result: String,
    pub returned_at: Option<DateTime<Utc>>,
}

pub async fn record_return(db: &Db, actor: &Actor, id: i64, r: &ReturnSlip) -> DbResult<Notice> {
    let receiver = r.receiver.trim();
    if receiver.is_empty() || receiver.chars().count() > 100 {
        return Err(DbError::invalid("receiver", "请填写接收人（不超过 100 字）"));
    }
    if r.result.chars().count() > 2000 {
        return Err(DbError::invalid("result", "办理结果不超过 2000 字"));
    }
    let now = crate::cases::now();
    let at = r.returned_at.unwrap_or(now);
    if at > now {
        return Err(DbError::invalid("returned_at", "回执时间不能晚于现在"));
    }
    let txn = db.begin_write().await?;
    let m = visible(&*txn, &actor.scope, id).await?;
    if !NoticeKind::parse(&m.kind).is_some_and(NoticeKind::has_return_slip) {
        return Err(DbError::Conflict("该类文书没有回执".into()));
    }
    if m.voided_at.is_some() {
        return Err(DbError::Conflict(format!("{} 已作废", m.serial)));
    }
    if m.returned_at.is_some() {
        return Err(DbError::Conflict(format!("{} 的回执已登记", m.serial)));
    }
    if at < m.issued_at {
        return Err(DbError::invalid("returned_at", "回执时间不能早于发文时间"));
    }
    let mut am: notice::ActiveModel = m.into();
    am.returned_at = Set(Some(at));
    am.return_receiver = Set(receiver.into());
    am.return_result = Set(r.result.trim().into());
    let m = am.update(&*txn).await?;
    audit::append(&*txn, db.backend, actor, Event::ok("return_slip", "notice", id)).await?;
    txn.commit().await?;
    Ok(m.into())
}
