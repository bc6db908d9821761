//! The division table the demo is built from (`longgang_divisions.csv`): the district, its
//! subdistricts and their residents' committees, with statistical codes.
use std::collections::HashSet;

use crate::{DbError, DbResult};

/// One row of `longgang_divisions.csv`.
pub(super) struct Division {
    pub level: String,
    pub name: String,
    pub code12: String,
    pub parent: String,
    pub community: String,
    pub administered_by: String,
    pub code: String,
}

pub(super) fn parse_divisions(csv: &str) -> DbResult<Vec<Division>> {
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
pub(super) fn community_display_name(d: &Division) -> String {
    if d.name == format!("{}居委会", d.community) {
        d.community.clone()
    } else {
        d.name.clone()
    }
}

/// The district's rows, level by level.
pub(super) struct DivisionTree<'a> {
    pub district: &'a Division,
    pub subdistricts: Vec<&'a Division>,
    pub communities: Vec<&'a Division>,
}

impl<'a> DivisionTree<'a> {
    pub fn of(rows: &'a [Division]) -> DbResult<Self> {
        let district = rows
            .iter()
            .find(|d| d.level == "district")
            .ok_or_else(|| DbError::invalid("divisions", "缺少区级行"))?;
        let subdistricts: Vec<&Division> = rows
            .iter()
            .filter(|d| d.level == "street" && d.administered_by == district.name)
            .collect();
        let sd_codes: HashSet<&str> = subdistricts.iter().map(|d| d.code.as_str()).collect();
        let communities = rows
            .iter()
            .filter(|d| d.level == "community" && sd_codes.contains(d.parent.as_str()))
            .collect();
        Ok(Self {
            district,
            subdistricts,
            communities,
        })
    }
}
