//! The case taxonomy and the calendar as data: items with their departments and step limits, categories, years.
use std::collections::HashMap;

use chrono::NaiveDate;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use zongguan_core::calendar::Limit;
use zongguan_core::case_flow::Step;
use zongguan_core::case_keywords;
use zongguan_core::case_taxonomy::{DEPARTMENTS, SEVERITIES};

use super::access::now;
use super::routing::{forget_calendar, forget_items};
use crate::audit::{self, Event};
use crate::entity::{calendar_day, case_category, case_item};
use crate::{Actor, Db, DbError, DbResult};

/// Time allowed to close a verified case: the taxonomy has no column for it.
const CLOSE_LIMIT: Limit = Limit::WorkingDays(1);

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CaseItem {
    pub code: String,
    pub category_code: String,
    pub name: String,
    /// Duty seq "01".."15" of the member department that handles it by default.
    pub department_seq: String,
    /// The district department of that duty.
    pub department_name: String,
    /// general | major | urgent
    pub severity: String,
    /// Step limits: natural hours ("4h") or working days ("5wd").
    pub accept_limit: String,
    pub dispatch_limit: String,
    pub handle_limit: String,
    pub verify_limit: String,
    pub enabled: bool,
    /// The words citizens and grid workers use for it, "摆摊、占道": the item suggestion reads them.
    pub keywords: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CaseCategory {
    pub code: String,
    pub name: String,
    pub items: Vec<CaseItem>,
}

fn duty_name(seq: &str) -> String {
    DEPARTMENTS
        .iter()
        .find(|d| d.0 == seq)
        .map(|d| d.1.to_string())
        .unwrap_or_default()
}

fn item_view(m: case_item::Model) -> CaseItem {
    CaseItem {
        department_name: duty_name(&m.department_seq),
        code: m.code,
        category_code: m.category_code,
        name: m.name,
        department_seq: m.department_seq,
        severity: m.severity,
        accept_limit: m.accept_limit,
        dispatch_limit: m.dispatch_limit,
        handle_limit: m.handle_limit,
        verify_limit: m.verify_limit,
        enabled: m.enabled,
        keywords: m.keywords,
    }
}

pub async fn categories(db: &Db) -> DbResult<Vec<CaseCategory>> {
    let cats = case_category::Entity::find()
        .order_by_asc(case_category::Column::Sort)
        .order_by_asc(case_category::Column::Code)
        .all(&db.conn)
        .await?;
    let items = case_item::Entity::find()
        .order_by_asc(case_item::Column::Code)
        .all(&db.conn)
        .await?;
    let mut by_cat: HashMap<String, Vec<CaseItem>> = HashMap::new();
    for i in items {
        by_cat.entry(i.category_code.clone()).or_default().push(item_view(i));
    }
    Ok(cats
        .into_iter()
        .map(|c| CaseCategory {
            items: by_cat.remove(&c.code).unwrap_or_default(),
            code: c.code,
            name: c.name,
        })
        .collect())
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseItemInput {
    pub name: String,
    pub department_seq: String,
    pub severity: String,
    pub accept_limit: String,
    pub dispatch_limit: String,
    pub handle_limit: String,
    pub verify_limit: String,
    pub enabled: Option<bool>,
    /// Separated by 、，, or spaces; stored as "摆摊、占道". Left as it is when absent.
    pub keywords: Option<String>,
}

pub async fn update_item(db: &Db, actor: &Actor, code: &str, f: CaseItemInput) -> DbResult<CaseItem> {
    let name = f.name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(DbError::invalid("name", "名称不能为空，且不超过 100 字"));
    }
    if !DEPARTMENTS.iter().any(|d| d.0 == f.department_seq) {
        return Err(DbError::invalid("department_seq", "职责序号须为 01–15"));
    }
    if !SEVERITIES.contains(&f.severity.as_str()) {
        return Err(DbError::invalid("severity", "严重程度须为 general、major 或 urgent"));
    }
    for (field, v) in [
        ("accept_limit", &f.accept_limit),
        ("dispatch_limit", &f.dispatch_limit),
        ("handle_limit", &f.handle_limit),
        ("verify_limit", &f.verify_limit),
    ] {
        v.parse::<Limit>().map_err(|e| DbError::invalid(field, e.to_string()))?;
    }
    let keywords = f
        .keywords
        .as_deref()
        .map(case_keywords::normalise)
        .transpose()
        .map_err(|e| DbError::invalid("keywords", e))?;
    let txn = db.begin_write().await?;
    let cur = case_item::Entity::find_by_id(code.to_string())
        .one(&*txn)
        .await?
        .ok_or(DbError::NotFound)?;
    let mut am: case_item::ActiveModel = cur.into();
    am.name = Set(name.to_string());
    am.department_seq = Set(f.department_seq);
    am.severity = Set(f.severity);
    am.accept_limit = Set(f.accept_limit);
    am.dispatch_limit = Set(f.dispatch_limit);
    am.handle_limit = Set(f.handle_limit);
    am.verify_limit = Set(f.verify_limit);
    if let Some(e) = f.enabled {
        am.enabled = Set(e);
    }
    if let Some(k) = keywords {
        am.keywords = Set(k);
    }
    am.updated_at = Set(now());
    let m = am.update(&*txn).await?;
    audit::append(
        &*txn,
        db.backend,
        actor,
        Event::ok("update", "case_item", code).detail(format!(
            "{} 时限 {}/{}/{}/{}，关键词 {} 个",
            m.name,
            m.accept_limit,
            m.dispatch_limit,
            m.handle_limit,
            m.verify_limit,
            case_keywords::split(&m.keywords).len()
        )),
    )
    .await?;
    txn.commit().await?;
    forget_items(db);
    Ok(item_view(m))
}

/// A year's public holidays and make-up working days; other days follow Monday–Friday.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CalendarYear {
    pub year: i32,
    pub holidays: Vec<NaiveDate>,
    pub workdays: Vec<NaiveDate>,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CalendarInput {
    pub holidays: Vec<NaiveDate>,
    pub workdays: Vec<NaiveDate>,
}

fn year_range(year: i32) -> DbResult<(NaiveDate, NaiveDate)> {
    let first = NaiveDate::from_ymd_opt(year, 1, 1)
        .filter(|_| (2000..=2100).contains(&year))
        .ok_or_else(|| DbError::invalid("year", "年份须在 2000–2100 之间"))?;
    let last = NaiveDate::from_ymd_opt(year, 12, 31).ok_or_else(|| DbError::invalid("year", "年份不正确"))?;
    Ok((first, last))
}

pub async fn calendar_year(db: &Db, year: i32) -> DbResult<CalendarYear> {
    let (first, last) = year_range(year)?;
    let rows = calendar_day::Entity::find()
        .filter(calendar_day::Column::Day.between(first, last))
        .order_by_asc(calendar_day::Column::Day)
        .all(&db.conn)
        .await?;
    Ok(CalendarYear {
        year,
        holidays: rows.iter().filter(|r| r.kind == "holiday").map(|r| r.day).collect(),
        workdays: rows.iter().filter(|r| r.kind == "workday").map(|r| r.day).collect(),
    })
}

/// Replaces the year's holidays and make-up days. Deadlines already set keep their value.
pub async fn set_calendar_year(db: &Db, actor: &Actor, year: i32, f: CalendarInput) -> DbResult<CalendarYear> {
    let (first, last) = year_range(year)?;
    let holidays: std::collections::BTreeSet<NaiveDate> = f.holidays.into_iter().collect();
    let workdays: std::collections::BTreeSet<NaiveDate> = f.workdays.into_iter().collect();
    for (field, days) in [("holidays", &holidays), ("workdays", &workdays)] {
        if let Some(d) = days.iter().find(|d| **d < first || **d > last) {
            return Err(DbError::invalid(field, format!("{d} 不在 {year} 年内")));
        }
    }
    if let Some(d) = holidays.intersection(&workdays).next() {
        return Err(DbError::invalid(
            "workdays",
            format!("{d} 不能既是节假日又是调休工作日"),
        ));
    }
    let txn = db.begin_write().await?;
    calendar_day::Entity::delete_many()
        .filter(calendar_day::Column::Day.between(first, last))
        .exec(&*txn)
        .await?;
    let rows: Vec<calendar_day::ActiveModel> = holidays
        .iter()
        .map(|d| (d, "holiday"))
        .chain(workdays.iter().map(|d| (d, "workday")))
        .map(|(d, k)| calendar_day::ActiveModel {
            day: Set(*d),
            kind: Set(k.into()),
            note: Set(String::new()),
        })
        .collect();
    if !rows.is_empty() {
        calendar_day::Entity::insert_many(rows)
            .exec_without_returning(&*txn)
            .await?;
    }
    audit::append(
        &*txn,
        db.backend,
        actor,
        Event::ok("update", "calendar", year).detail(format!(
            "节假日 {} 天，调休工作日 {} 天",
            holidays.len(),
            workdays.len()
        )),
    )
    .await?;
    txn.commit().await?;
    forget_calendar(db);
    calendar_year(db, year).await
}

pub(super) fn limit_of(item: &case_item::Model, step: Step) -> Limit {
    let text = match step {
        Step::Accept => &item.accept_limit,
        Step::Dispatch => &item.dispatch_limit,
        Step::Handle => &item.handle_limit,
        Step::Verify => &item.verify_limit,
        Step::Close => return CLOSE_LIMIT,
    };
    text.parse().unwrap_or(Limit::WorkingDays(5))
}
