//! Migration 17: rental houses by risk class with inspections — the class's facts and proposal on
//! `house`, the inspection record, checklists and rules as data an administrator edits.
use sea_orm_migration::{prelude::*, schema::*};
use zongguan_core::governance::rental_class::{ClassRules, InspectionSchedule};

use super::{fk, idx, ts, ts_null};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0017_governance_rental"
    }
}

/// The setting keys this migration seeds.
pub(crate) const CLASS_RULES: &str = "rental.class_rules";
pub(crate) const SCHEDULE: &str = "rental.inspection_schedule";

/// The default checklist: (code, name, a failure is a major hazard, the rental types it applies
/// to — empty for all).
pub(crate) const CHECKLIST: &[(&str, &str, bool, &str)] = &[
    ("fire_exit", "消防通道、安全出口畅通", true, ""),
    ("extinguisher", "按规定配置灭火器且在有效期内", false, ""),
    ("wiring", "电气线路规范，无私拉乱接、电动车入户充电", true, ""),
    ("gas", "燃气设施安全，无违规使用瓶装液化气", true, ""),
    ("crowding", "无群租、无分隔出租、无人员混居", false, ""),
    ("tenant_registration", "租客已如实申报居住登记", false, ""),
    ("sanitation", "环境卫生整洁", false, ""),
    ("dormitory_rules", "宿舍男女分住，有管理制度", false, "dormitory"),
];

/// - `house`: `rental_type`; `rental_risk_class` (m0002) is the confirmed class, with who and when
///   confirmed it; the last proposal (`rental_proposed_class`, `rental_proposal` — its reasons as
///   JSON) and the facts only a person knows (building safety grade, owner's registration); the
///   inspection dates, `next_due_on` indexed after each placed key so the overdue list is a range.
/// - `rental_inspection`: one visit. It carries the house's grid, community and subdistrict, set
///   in Rust from the house as it is written (m0015 is released; a house's grid changes only by a
///   regrid run, which does not move old visits).
/// - `rental_checklist`: the items an inspection answers; `setting`: JSON values an administrator
///   edits, seeded with the core's class rules and inspection schedule.
#[async_trait::async_trait]
#[expect(
    elided_lifetimes_in_paths,
    reason = "MigrationTrait (async_trait) declares `up(&self, &SchemaManager)`; naming the lifetime breaks the match"
)]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite adds one at a time.
        for col in [
            string_len_null("rental_type", 30).to_owned(),
            big_integer_null("rental_class_confirmed_by").to_owned(),
            ts_null("rental_class_confirmed_at").to_owned(),
            string_len_null("rental_proposed_class", 10).to_owned(),
            text_null("rental_proposal").to_owned(),
            string_len_null("rental_building_condition", 10).to_owned(),
            string_len_null("rental_owner_compliance", 20).to_owned(),
            date_null("last_inspected_on").to_owned(),
            date_null("next_due_on").to_owned(),
        ] {
            m.alter_table(Table::alter().table("house").add_column(col).to_owned())
                .await?;
        }
        for key in ["community_id", "subdistrict_id", "grid_id"] {
            m.create_index(idx("house", &[key, "next_due_on"])).await?;
        }
        m.create_index(idx("house", &["next_due_on"])).await?;
        // Cases at a building in the last 90 days, a fact of the class proposal.
        m.create_index(idx("case_record", &["building_code", "reported_at"]))
            .await?;
        m.create_table(
            Table::create()
                .table("rental_inspection")
                .col(big_pk_auto("id"))
                .col(big_integer("house_id"))
                .col(big_integer("grid_id"))
                .col(big_integer_null("subdistrict_id"))
                .col(big_integer_null("community_id"))
                .col(date("inspected_on"))
                .col(big_integer_null("inspector_id"))
                .col(string_len("inspector_name", 100).default(""))
                .col(string_len_null("risk_class", 10))
                .col(text("answers"))
                .col(string_len("sanitation", 10).default("good"))
                .col(integer("hazards").default(0))
                .col(integer("major_hazards").default(0))
                .col(text("findings").default(""))
                .col(text("rectification").default(""))
                .col(date_null("rectify_by"))
                .col(ts_null("rectified_at"))
                .col(big_integer_null("rectified_by"))
                .col(string_len("owner_signature", 50).default(""))
                .col(date("next_due_on"))
                .col(big_integer_null("created_by"))
                .col(ts("created_at"))
                .foreign_key(&mut fk("rental_inspection", "house_id", "house"))
                .to_owned(),
        )
        .await?;
        m.create_index(idx("rental_inspection", &["house_id", "inspected_on"]))
            .await?;
        // Open rectifications by deadline, under each key.
        for key in ["community_id", "subdistrict_id", "grid_id"] {
            m.create_index(idx("rental_inspection", &[key, "rectify_by"])).await?;
        }
        m.create_index(idx("rental_inspection", &["rectify_by"])).await?;
        m.create_table(
            Table::create()
                .table("rental_checklist")
                .col(big_pk_auto("id"))
                .col(string_len_uniq("code", 40))
                .col(string_len("name", 100))
                .col(integer("sort").default(0))
                .col(boolean("major").default(false))
                .col(string_len("rental_types", 200).default(""))
                .col(boolean("active").default(true))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("setting")
                .col(string_len("key", 80).primary_key())
                .col(text("value"))
                .col(big_integer_null("updated_by"))
                .col(ts("updated_at"))
                .to_owned(),
        )
        .await?;
        let mut ins = Query::insert();
        ins.into_table("rental_checklist")
            .columns(["code", "name", "sort", "major", "rental_types", "active"]);
        for (i, (code, name, major, types)) in CHECKLIST.iter().enumerate() {
            ins.values_panic([
                (*code).into(),
                (*name).into(),
                (i as i32 + 1).into(),
                (*major).into(),
                (*types).into(),
                true.into(),
            ]);
        }
        m.exec_stmt(ins).await?;
        let json = |v: serde_json::Result<String>| v.map_err(|e| DbErr::Custom(e.to_string()));
        let rules = json(serde_json::to_string(&ClassRules::default()))?;
        let schedule = json(serde_json::to_string(&InspectionSchedule::default()))?;
        let mut ins = Query::insert();
        ins.into_table("setting").columns(["key", "value", "updated_at"]);
        for (k, v) in [(CLASS_RULES, rules), (SCHEDULE, schedule)] {
            ins.values_panic([k.into(), v.into(), chrono::Utc::now().into()]);
        }
        m.exec_stmt(ins).await?;
        Ok(())
    }
}
