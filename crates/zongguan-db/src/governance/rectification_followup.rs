//! What follows an inspection finding whose deadline passed unrectified: the community's officers
//! are told once (an alert in their inbox), and the finding can become a case in one action —
//! the case carries the house (its building and room) and the finding.
use chrono::NaiveDate;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use zongguan_core::permission::Permission;

use super::rental::today;
use crate::cases::{self, CreatedCase, NewCase};
use crate::entity::{building, house, rental_inspection};
use crate::notifications::{NewNotification, Pending, notify_unit};
use crate::{Actor, Db, DbError, DbResult, scope};

/// Findings told per run at most; the next run takes the rest.
const BATCH: u64 = 500;

/// Tells the community of each finding that became overdue since the last run; answers how
/// many were told.
pub async fn raise_rectification_alerts(db: &Db, today: NaiveDate) -> DbResult<u64> {
    let due = rental_inspection::Entity::find()
        .filter(rental_inspection::Column::RectifyBy.lt(today))
        .filter(rental_inspection::Column::RectifiedAt.is_null())
        .filter(rental_inspection::Column::OverdueNotifiedAt.is_null())
        .filter(rental_inspection::Column::CaseId.is_null())
        .order_by_asc(rental_inspection::Column::Id)
        .limit(BATCH)
        .all(&db.conn)
        .await?;
    let mut told = 0;
    for r in due {
        let txn = db.begin_write().await?;
        let mut pending = Pending::default();
        let place = match house::Entity::find_by_id(r.house_id).one(&*txn).await? {
            Some(h) => {
                let addr = building::Entity::find_by_id(h.building_id)
                    .one(&*txn)
                    .await?
                    .map(|b| b.address)
                    .unwrap_or_default();
                format!("{addr}{}", h.room)
            }
            None => String::new(),
        };
        let n = NewNotification {
            kind: "rectification_overdue",
            title: format!("隐患整改逾期：{place}"),
            body: format!(
                "{} 巡查发现：{}；整改期限 {}，至今未整改。",
                r.inspected_on,
                r.findings,
                r.rectify_by.map(|d| d.to_string()).unwrap_or_default()
            ),
            link: format!("/governance/rental?house={}", r.house_id),
            subject_kind: "rental_inspection",
            subject_id: Some(r.id),
        };
        if let Some(community) = r.community_id {
            pending.extend(notify_unit(&*txn, community, Permission::RentalClassify, &n).await?);
        }
        let mut am: rental_inspection::ActiveModel = r.into();
        am.overdue_notified_at = Set(Some(cases::now()));
        am.update(&*txn).await?;
        txn.commit().await?;
        pending.announce(db);
        told += 1;
    }
    Ok(told)
}

/// The case item a finding becomes by default: from its first failed checklist item.
fn item_for(answers: &str) -> &'static str {
    let failed: Vec<String> = serde_json::from_str::<std::collections::BTreeMap<String, String>>(answers)
        .unwrap_or_default()
        .into_iter()
        .filter(|(_, a)| a == "fail")
        .map(|(k, _)| k)
        .collect();
    match failed.first().map(String::as_str) {
        Some("crowding") => "0303",
        Some("tenant_registration") => "0302",
        _ => "0304",
    }
}

const PLACED: scope::Placed<rental_inspection::Column> = scope::Placed {
    unit: rental_inspection::Column::GridId,
    subdistrict: rental_inspection::Column::SubdistrictId,
    community: rental_inspection::Column::CommunityId,
    owner: Some(rental_inspection::Column::CreatedBy),
};

/// Makes a case of an open finding (once): at the house's building, with the finding, the demand
/// and its deadline; `item_code` overrides the item chosen from the failed checklist item.
pub async fn case_from_finding(db: &Db, actor: &Actor, id: i64, item_code: Option<String>) -> DbResult<CreatedCase> {
    let r = rental_inspection::Entity::find_by_id(id)
        .filter(scope::placed(&db.conn, &actor.scope, &PLACED).await?)
        .one(&db.conn)
        .await?
        .ok_or(DbError::NotFound)?;
    if r.hazards + r.major_hazards == 0 {
        return Err(DbError::Conflict("该次巡查未发现隐患，无需转为事件".into()));
    }
    if r.rectified_at.is_some() {
        return Err(DbError::Conflict("该隐患已整改，无需转为事件".into()));
    }
    if let Some(c) = r.case_id {
        return Err(DbError::Conflict(format!("该隐患已转为事件（事件 ID {c}）")));
    }
    let h = house::Entity::find_by_id(r.house_id)
        .one(&db.conn)
        .await?
        .ok_or(DbError::NotFound)?;
    let b = building::Entity::find_by_id(h.building_id)
        .one(&db.conn)
        .await?
        .ok_or(DbError::NotFound)?;
    let late = r.rectify_by.is_some_and(|d| d < today());
    let description = format!(
        "出租屋巡查（{}）发现隐患：{}。整改要求：{}；整改期限 {}{}。",
        r.inspected_on,
        r.findings,
        if r.rectification.is_empty() {
            "限期整改"
        } else {
            &r.rectification
        },
        r.rectify_by.map(|d| d.to_string()).unwrap_or_default(),
        if late { "，逾期未整改" } else { "" }
    );
    let created = cases::create(
        db,
        actor,
        NewCase {
            item_code: item_code.unwrap_or_else(|| item_for(&r.answers).to_string()),
            description,
            location: None,
            building_code: Some(b.code.clone()),
            address: Some(format!("{}{}", b.address, h.room)),
            source: None,
            reporter_name: None,
            reporter_contact: None,
            open311_token: None,
            media_url: None,
            place_later: false,
        },
    )
    .await?;
    // The link: a second request racing this one finds it set and made no link of its own.
    let txn = db.begin_write().await?;
    rental_inspection::Entity::update_many()
        .col_expr(
            rental_inspection::Column::CaseId,
            sea_orm::sea_query::Expr::value(created.case.id),
        )
        .filter(rental_inspection::Column::Id.eq(id))
        .filter(rental_inspection::Column::CaseId.is_null())
        .exec(&*txn)
        .await?;
    crate::audit::append(
        &*txn,
        db.backend,
        actor,
        crate::audit::Event::ok("to_case", "rental_inspection", id).detail(created.case.code.clone()),
    )
    .await?;
    txn.commit().await?;
    Ok(created)
}
