//! The demo's member departments: fifteen at the district, four in each subdistrict.
use std::collections::{HashMap, HashSet};

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait, EntityTrait, QuerySelect};

use super::divisions::DivisionTree;
use super::org_tree::UnitIds;
use crate::entity::department;
use crate::{DbError, DbResult};

const DISTRICT_DEPARTMENTS: &[(&str, &str, &str)] = &[
    ("01", "龙岗公安分局", "治安、消防监督、流动人口和出租屋治安管理"),
    ("02", "区消防救援大队", "火灾隐患查处、消防安全检查"),
    (
        "03",
        "区城市管理和综合执法局",
        "市容环境、违法建设、无牌无照经营、户外广告",
    ),
    ("04", "区市场监督管理局", "无照经营、食品安全、市场秩序"),
    ("05", "区住房和建设局", "出租屋管理、房屋安全、建筑施工安全"),
    ("06", "区应急管理局", "安全生产监督管理"),
    ("07", "区卫生健康局", "人口计生、公共卫生"),
    ("08", "区人力资源局", "劳动保障、欠薪纠纷"),
    ("09", "区文化广电旅游体育局", "文化市场、网吧娱乐场所"),
    ("10", "区交通运输局", "交通秩序、道路设施"),
    ("11", "区教育局", "学校及周边治安"),
    ("12", "区生态环境分局", "环境污染投诉"),
    ("13", "区民政局", "社会救助、社会组织"),
    ("14", "区司法局", "人民调解、社区矫正、安置帮教"),
    ("15", "区信访局", "信访事项受理、交办、督办"),
];

const SUBDISTRICT_DEPARTMENTS: &[(&str, &str, &str)] = &[
    ("01", "派出所", "辖区治安、出租屋治安管理"),
    ("02", "综合行政执法队", "市容、违建、无照经营"),
    ("03", "安全生产监督管理办公室", "企业安全生产检查"),
    ("04", "司法所", "人民调解、社区矫正"),
];

/// A department to make: code, name, duties, org unit id.
pub(super) struct DepartmentSeed {
    pub code: String,
    pub name: String,
    pub duties: String,
    pub org_unit_id: i64,
}

pub(super) fn department_seeds(tree: &DivisionTree<'_>, ids: &UnitIds) -> DbResult<Vec<DepartmentSeed>> {
    let unit_id = |code: &str| ids.get(code).map(|u| u.0).ok_or(DbError::NotFound);
    let mut depts = Vec::new();
    for (seq, name, duties) in DISTRICT_DEPARTMENTS {
        depts.push(DepartmentSeed {
            code: format!("440307-{seq}"),
            name: (*name).into(),
            duties: (*duties).into(),
            org_unit_id: unit_id(&tree.district.code12)?,
        });
    }
    for s in &tree.subdistricts {
        let short = s.name.trim_end_matches("街道");
        for (seq, name, duties) in SUBDISTRICT_DEPARTMENTS {
            let name = if *name == "派出所" {
                format!("{short}派出所")
            } else {
                format!("{}{name}", s.name)
            };
            depts.push(DepartmentSeed {
                code: format!("{}-{seq}", s.code),
                name,
                duties: (*duties).into(),
                org_unit_id: unit_id(&s.code12)?,
            });
        }
    }
    Ok(depts)
}

/// Inserts the departments not there yet; answers every department's code → id.
pub(super) async fn insert_departments<C: ConnectionTrait>(
    c: &C,
    depts: &[DepartmentSeed],
) -> DbResult<HashMap<String, i64>> {
    let now = Utc::now();
    let existing: HashSet<String> = department::Entity::find()
        .select_only()
        .column(department::Column::Code)
        .into_tuple::<String>()
        .all(c)
        .await?
        .into_iter()
        .collect();
    for d in depts.iter().filter(|d| !existing.contains(&d.code)) {
        department::ActiveModel {
            code: Set(d.code.clone()),
            name: Set(d.name.clone()),
            org_unit_id: Set(d.org_unit_id),
            duties: Set(d.duties.clone()),
            phone: Set(String::new()),
            created_by: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(c)
        .await?;
    }
    Ok(department::Entity::find()
        .select_only()
        .columns([department::Column::Code, department::Column::Id])
        .into_tuple::<(String, i64)>()
        .all(c)
        .await?
        .into_iter()
        .collect())
}
