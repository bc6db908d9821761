//! The demo district: Longgang's real org tree (11 subdistricts, 119 residents' committees with
//! their statistical codes), grids, member departments, staff and one account per role and level.
//! Idempotent: what exists (by code or username) is left as it is.
use std::collections::{HashMap, HashSet};

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
use serde::Serialize;

use crate::audit::{self, Event};
use crate::entity::{app_user, department, grid_assignment, org_unit, staff, user_role};
use crate::{Actor, Db, DbError, DbResult};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    /// 5 grids per community; registries in the first subdistrict only.
    Small,
    /// Grids of 300–500 households: ~17 per community, ~2,000 in all.
    District,
}

impl Scale {
    /// How much registry data the demo makes at this scale.
    pub fn volume(self) -> crate::demo_data::Volume {
        match self {
            Self::Small => crate::demo_data::Volume {
                subdistricts: Some(1),
                buildings_per_grid: 83,
            },
            Self::District => crate::demo_data::Volume {
                subdistricts: None,
                buildings_per_grid: 198,
            },
        }
    }

    pub fn cases(self) -> crate::demo_data::CaseVolume {
        let v = self.volume();
        crate::demo_data::CaseVolume {
            subdistricts: v.subdistricts,
            history_per_grid: 150,
            communities: None,
        }
    }

    fn grids_per_community(self) -> usize {
        match self {
            Self::Small => 5,
            Self::District => 17,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct DemoAccount {
    pub username: String,
    pub role: String,
    pub org_unit_code: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub department_code: Option<String>,
}

/// One row of `longgang_divisions.csv`.
struct Division {
    level: String,
    name: String,
    code12: String,
    parent: String,
    community: String,
    administered_by: String,
    code: String,
}

fn parse_divisions(csv: &str) -> DbResult<Vec<Division>> {
    let mut out = Vec::new();
    for (i, line) in csv.lines().enumerate().filter(|(i, _)| *i > 0) {
        if line.trim().is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split(',').collect();
        if f.len() != 8 {
            return Err(DbError::invalid("divisions", format!("第 {} 行应有 8 列", i + 1)));
        }
        out.push(Division {
            level: f[0].into(),
            code: f[1].into(),
            name: f[2].into(),
            parent: f[3].into(),
            code12: f[4].into(),
            community: f[6].into(),
            administered_by: f[7].into(),
        });
    }
    Ok(out)
}

/// `良安田社区居委会` → `良安田社区`; `杨美社区嘉丽园居委会` stays as it is.
fn community_display_name(d: &Division) -> String {
    if d.name == format!("{}居委会", d.community) {
        d.community.clone()
    } else {
        d.name.clone()
    }
}

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

struct UnitSeed {
    level: &'static str,
    code: String,
    name: String,
    parent: Option<String>,
    community: Option<String>,
    geometry: Option<String>,
    sort: i32,
}

impl UnitSeed {
    fn new(
        level: &'static str,
        code: &str,
        name: &str,
        parent: Option<&str>,
        community: Option<String>,
        geometry: Option<String>,
        sort: i32,
    ) -> Self {
        Self {
            level,
            code: code.into(),
            name: name.into(),
            parent: parent.map(String::from),
            community,
            geometry,
            sort,
        }
    }
}

/// (username, display name, role, unit code, department code, grid to assign)
type AccountSeed = (String, String, &'static str, String, Option<String>, Option<String>);

/// Loads the demo. `password_hash` is the argon2id hash of the operator's chosen password, shared
/// by all demo accounts (hashing once keeps the demo fast; real accounts each get their own salt).
pub async fn load(
    db: &Db,
    divisions_csv: &str,
    outline: Option<String>,
    scale: Scale,
    password_hash: &str,
) -> DbResult<Vec<DemoAccount>> {
    let rows = parse_divisions(divisions_csv)?;
    let district = rows
        .iter()
        .find(|d| d.level == "district")
        .ok_or_else(|| DbError::invalid("divisions", "缺少区级行"))?;
    let subdistricts: Vec<&Division> = rows
        .iter()
        .filter(|d| d.level == "street" && d.administered_by == district.name)
        .collect();
    let sd_codes: HashSet<&str> = subdistricts.iter().map(|d| d.code.as_str()).collect();
    let communities: Vec<&Division> = rows
        .iter()
        .filter(|d| d.level == "community" && sd_codes.contains(d.parent.as_str()))
        .collect();

    let actor = Actor::system("demo");
    let txn = db.begin_write().await?;
    let c = &*txn;
    let now = Utc::now();

    // Org units, level by level; existing codes are kept.
    let mut ids: HashMap<String, (i64, String)> = org_unit::Entity::find()
        .select_only()
        .columns([org_unit::Column::Code, org_unit::Column::Id, org_unit::Column::Path])
        .into_tuple::<(String, i64, String)>()
        .all(c)
        .await?
        .into_iter()
        .map(|(code, id, path)| (code, (id, path)))
        .collect();
    let mut units: Vec<UnitSeed> = Vec::new();
    units.push(UnitSeed::new(
        "district",
        &district.code12,
        &district.name,
        None,
        None,
        outline,
        0,
    ));
    for (i, s) in subdistricts.iter().enumerate() {
        units.push(UnitSeed::new(
            "subdistrict",
            &s.code12,
            &s.name,
            Some(&district.code12),
            None,
            None,
            i as i32,
        ));
    }
    let sd12: HashMap<&str, &str> = subdistricts
        .iter()
        .map(|s| (s.code.as_str(), s.code12.as_str()))
        .collect();
    for (i, m) in communities.iter().enumerate() {
        let parent = sd12.get(m.parent.as_str()).map(|s| s.to_string());
        units.push(UnitSeed::new(
            "community",
            &m.code12,
            &community_display_name(m),
            parent.as_deref(),
            Some(m.community.clone()),
            None,
            i as i32,
        ));
    }
    for m in &communities {
        for g in 1..=scale.grids_per_community() {
            let code = format!("{}{:02}", m.code12, g);
            units.push(UnitSeed::new(
                "grid",
                &code,
                &format!("{}第{:02}网格", community_display_name(m), g),
                Some(&m.code12),
                None,
                None,
                g as i32,
            ));
        }
    }
    let mut created_units = 0;
    for level in ["district", "subdistrict", "community", "grid"] {
        let new: Vec<&UnitSeed> = units
            .iter()
            .filter(|u| u.level == level && !ids.contains_key(&u.code))
            .collect();
        for chunk in new.chunks(500) {
            let models = chunk.iter().map(|u| org_unit::ActiveModel {
                level: Set(u.level.into()),
                code: Set(u.code.clone()),
                name: Set(u.name.clone()),
                parent_id: Set(u.parent.as_ref().and_then(|p| ids.get(p)).map(|p| p.0)),
                path: Set(String::new()),
                community_name: Set(u.community.clone()),
                sort: Set(u.sort),
                geometry: Set(u.geometry.clone()),
                created_by: Set(None),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            });
            org_unit::Entity::insert_many(models).exec_without_returning(c).await?;
        }
        created_units += new.len();
        // Fill in ids and paths of the new units.
        let codes: Vec<String> = new.iter().map(|u| u.code.clone()).collect();
        for chunk in codes.chunks(500) {
            let got: Vec<(String, i64)> = org_unit::Entity::find()
                .select_only()
                .columns([org_unit::Column::Code, org_unit::Column::Id])
                .filter(org_unit::Column::Code.is_in(chunk.to_vec()))
                .into_tuple()
                .all(c)
                .await?;
            for (code, id) in got {
                let parent_path = units
                    .iter()
                    .find(|u| u.code == code)
                    .and_then(|u| u.parent.as_ref())
                    .and_then(|p| ids.get(p))
                    .map(|p| p.1.clone())
                    .unwrap_or_else(|| "/".into());
                let path = format!("{parent_path}{id}/");
                org_unit::Entity::update_many()
                    .col_expr(org_unit::Column::Path, sea_orm::sea_query::Expr::val(path.clone()))
                    .filter(org_unit::Column::Id.eq(id))
                    .exec(c)
                    .await?;
                ids.insert(code, (id, path));
            }
        }
    }
    let unit_id = |code: &str| ids.get(code).map(|u| u.0).ok_or(DbError::NotFound);

    // Member departments.
    let mut depts: Vec<(String, String, String, i64)> = Vec::new();
    for (seq, name, duties) in DISTRICT_DEPARTMENTS {
        depts.push((
            format!("440307-{seq}"),
            (*name).into(),
            (*duties).into(),
            unit_id(&district.code12)?,
        ));
    }
    for s in &subdistricts {
        let short = s.name.trim_end_matches("街道");
        for (seq, name, duties) in SUBDISTRICT_DEPARTMENTS {
            let name = if *name == "派出所" {
                format!("{short}派出所")
            } else {
                format!("{}{name}", s.name)
            };
            depts.push((format!("{}-{seq}", s.code), name, (*duties).into(), unit_id(&s.code12)?));
        }
    }
    let existing: HashSet<String> = department::Entity::find()
        .select_only()
        .column(department::Column::Code)
        .into_tuple::<String>()
        .all(c)
        .await?
        .into_iter()
        .collect();
    for (code, name, duties, unit) in depts.iter().filter(|d| !existing.contains(&d.0)) {
        department::ActiveModel {
            code: Set(code.clone()),
            name: Set(name.clone()),
            org_unit_id: Set(*unit),
            duties: Set(duties.clone()),
            phone: Set(String::new()),
            created_by: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(c)
        .await?;
    }
    let dept_ids: HashMap<String, i64> = department::Entity::find()
        .select_only()
        .columns([department::Column::Code, department::Column::Id])
        .into_tuple::<(String, i64)>()
        .all(c)
        .await?
        .into_iter()
        .collect();

    // Accounts: (username, display name, role, unit code, department code, grid to assign)
    let mut accounts: Vec<AccountSeed> = vec![
        (
            "admin".into(),
            "系统管理员".into(),
            "sys_admin",
            district.code12.clone(),
            None,
            None,
        ),
        (
            "secadmin".into(),
            "安全管理员".into(),
            "security_admin",
            district.code12.clone(),
            None,
            None,
        ),
        (
            "auditor".into(),
            "审计管理员".into(),
            "audit_admin",
            district.code12.clone(),
            None,
            None,
        ),
        (
            "district_officer".into(),
            "区综管中心值班员".into(),
            "district_officer",
            district.code12.clone(),
            None,
            None,
        ),
        (
            "leader".into(),
            "区综管办领导".into(),
            "leader",
            district.code12.clone(),
            None,
            None,
        ),
    ];
    for s in &subdistricts {
        let seq = &s.code[6..];
        accounts.push((
            format!("subdistrict_{seq}"),
            format!("{}综管中心", s.name),
            "subdistrict_officer",
            s.code12.clone(),
            None,
            None,
        ));
    }
    for m in &communities {
        let seq = &m.code12[6..];
        accounts.push((
            format!("community_{seq}"),
            format!("{}综管中心", community_display_name(m)),
            "community_officer",
            m.code12.clone(),
            None,
            None,
        ));
        for g in 1..=scale.grids_per_community() {
            let grid = format!("{}{:02}", m.code12, g);
            accounts.push((
                format!("grid_{}", &grid[6..]),
                format!("{}网格员{:02}", community_display_name(m), g),
                "grid_worker",
                m.code12.clone(),
                None,
                Some(grid),
            ));
        }
    }
    for (code, name, _, unit) in &depts {
        let unit_code = ids
            .iter()
            .find(|(_, v)| v.0 == *unit)
            .map(|(k, _)| k.clone())
            .unwrap_or_default();
        accounts.push((
            format!("dept_{}", code.replace('-', "_")),
            format!("{name}处置员"),
            "department_handler",
            unit_code,
            Some(code.clone()),
            None,
        ));
    }

    let existing_users: HashSet<String> = app_user::Entity::find()
        .select_only()
        .column(app_user::Column::Username)
        .into_tuple::<String>()
        .all(c)
        .await?
        .into_iter()
        .collect();
    let mut created_users = 0;
    let mut out = Vec::new();
    for (username, display, role, unit_code, dept_code, grid) in &accounts {
        out.push(DemoAccount {
            username: username.clone(),
            role: (*role).into(),
            org_unit_code: unit_code.clone(),
            department_code: dept_code.clone(),
        });
        if existing_users.contains(username) {
            continue;
        }
        let org_unit_id = unit_id(unit_code)?;
        let department_id = dept_code.as_ref().and_then(|d| dept_ids.get(d)).copied();
        let s = staff::ActiveModel {
            name: Set(display.clone()),
            gender: Set(if created_users % 2 == 0 {
                "male".into()
            } else {
                "female".into()
            }),
            phone_enc: Set(None),
            phone_hash: Set(None),
            org_unit_id: Set(org_unit_id),
            department_id: Set(department_id),
            post: Set(crate::users::role_post(role).into()),
            created_by: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(c)
        .await?;
        let u = crate::users::insert_account(c, &actor, username, &s, password_hash.to_string(), false).await?;
        user_role::Entity::insert(user_role::ActiveModel {
            user_id: Set(u.id),
            role_code: Set((*role).into()),
        })
        .exec_without_returning(c)
        .await?;
        if let Some(g) = grid {
            grid_assignment::Entity::insert(grid_assignment::ActiveModel {
                grid_id: Set(unit_id(g)?),
                staff_id: Set(s.id),
            })
            .exec_without_returning(c)
            .await?;
        }
        created_users += 1;
    }
    audit::append(
        c,
        db.backend,
        &actor,
        Event::ok("demo_load", "system", "demo")
            .detail(format!("新建机构网格 {created_units} 个，账号 {created_users} 个")),
    )
    .await?;
    txn.commit().await?;
    Ok(out)
}
