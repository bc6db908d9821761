//! Data scope, walked from the OpenAPI document rather than a list of known routes: every object
//! one community's officer can list, the officer of the community next door cannot read by id,
//! and no list filter opens another community's rows. On both databases.
use std::collections::BTreeSet;

use axum::http::StatusCode;
use serde_json::Value;
use zongguan_db::demo_data::{self, CaseVolume, Volume};
use zongguan_db::entity::org_unit;
use zongguan_db::sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::common::{Client, TestApp};

/// Every id on every page of `path` (a list answering `{items,total}`), as `c` sees it.
async fn all_ids(c: &Client, path: &str) -> Option<BTreeSet<i64>> {
    let mut ids = BTreeSet::new();
    for page in 1..=40 {
        let sep = if path.contains('?') { '&' } else { '?' };
        let (s, v) = c.get(&format!("{path}{sep}page={page}&page_size=500")).await;
        if s != StatusCode::OK {
            return None;
        }
        let items = v["items"].as_array()?;
        ids.extend(items.iter().filter_map(|i| i["id"].as_i64()));
        if items.len() < 500 {
            break;
        }
    }
    Some(ids)
}

/// Rows under the header of an exported workbook's first sheet.
fn data_rows(bytes: Vec<u8>) -> usize {
    use calamine::{Reader, Xlsx};
    let mut wb: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).expect("xlsx");
    let sheet = wb.sheet_names().first().cloned().expect("a sheet");
    wb.worksheet_range(&sheet).expect("sheet").height().saturating_sub(1)
}

on_both!(foreign_objects_are_not_found_on_any_route, |app: TestApp| async move {
    let outline: Value = serde_json::from_str(&zongguan::longgang_outline_geometry().expect("outline")).expect("json");
    demo_data::geography(&app.db, &outline).await.expect("geography");
    let volume = Volume {
        subdistricts: Some(1),
        buildings_per_grid: 3,
    };
    demo_data::registries(&app.db, 11, volume, &|_, _| {})
        .await
        .expect("registries");
    let cases = CaseVolume {
        subdistricts: Some(1),
        history_per_grid: 2,
        communities: Some(2),
    };
    demo_data::cases(&app.db, 11, cases).await.expect("cases");
    // The first two communities of 平湖: both have buildings, people and live cases.
    let communities = org_unit::Entity::find()
        .filter(org_unit::Column::Level.eq("community"))
        .order_by_asc(org_unit::Column::Sort)
        .order_by_asc(org_unit::Column::Code)
        .all(&app.db.conn)
        .await
        .expect("communities");
    let (a_unit, b_unit) = (&communities[0], &communities[1]);
    // A re-assignment run started for a grid of the first community.
    let grid = org_unit::Entity::find()
        .filter(org_unit::Column::ParentId.eq(a_unit.id))
        .one(&app.db.conn)
        .await
        .expect("grid")
        .expect("a grid");
    let system = zongguan_db::Actor::system("test");
    let run = zongguan_db::regrid::create(&app.db, &system, Some(grid.id))
        .await
        .expect("run");
    zongguan_db::regrid::run(&app.db, &system, run).await.expect("regrid");

    let a = app.login(&format!("community_{}", &a_unit.code[6..])).await;
    let b = app.login(&format!("community_{}", &b_unit.code[6..])).await;
    let doc: Value = serde_json::from_str(&zongguan::router::openapi_json()).expect("openapi");
    let paths = doc["paths"].as_object().expect("paths");
    let mut checked: Vec<String> = Vec::new();
    for (path, ops) in paths {
        let Some(get) = ops.get("get") else { continue };
        let params: Vec<&Value> = get["parameters"]
            .as_array()
            .map(|p| p.iter().collect())
            .unwrap_or_default();
        let in_path: Vec<&Value> = params.iter().copied().filter(|p| p["in"] == "path").collect();
        // Routes of one object: `/prefix/{id}` and `/prefix/{id}/…`, listed at `/prefix`.
        if in_path.len() == 1 {
            let name = in_path[0]["name"].as_str().unwrap_or_default();
            let Some((prefix, _)) = path.split_once(&format!("/{{{name}}}")) else {
                continue;
            };
            if paths.get(prefix).is_none_or(|p| p.get("get").is_none()) {
                continue;
            }
            let (Some(mine), Some(theirs)) = (all_ids(&a, prefix).await, all_ids(&b, prefix).await) else {
                continue;
            };
            let foreign: Vec<i64> = mine.difference(&theirs).copied().take(5).collect();
            for id in &foreign {
                let url = path.replace(&format!("{{{name}}}"), &id.to_string());
                let (s, v) = b.get(&url).await;
                assert!(
                    s == StatusCode::NOT_FOUND || s == StatusCode::FORBIDDEN,
                    "{url}: the other community's object answered {s}: {v}"
                );
            }
            if !foreign.is_empty() {
                checked.push(path.clone());
            }
        }
        // List filters: another community's unit opens nothing.
        if in_path.is_empty() && params.iter().any(|p| p["name"] == "org_unit_id") {
            let url = format!("{path}?org_unit_id={}", a_unit.id);
            if path.ends_with("/export") {
                let (s, bytes) = b.download(&url).await;
                let rows = if s == StatusCode::OK { data_rows(bytes) } else { 0 };
                assert_eq!(rows, 0, "{url}: the other community's rows in the export ({s})");
                checked.push(format!("{path}?org_unit_id"));
                continue;
            }
            let (s, v) = b.get(&url).await;
            assert!(
                s == StatusCode::NOT_FOUND || s == StatusCode::FORBIDDEN || v["total"] == 0,
                "{path}?org_unit_id=<other community>: {s} {v}"
            );
            checked.push(format!("{path}?org_unit_id"));
        }
    }
    eprintln!("scope walk checked: {checked:#?}");
    for must in [
        "/api/v1/buildings/{id}",
        "/api/v1/houses/{id}",
        "/api/v1/residents/{id}",
        "/api/v1/cases/{id}",
        "/api/v1/map/regrid-runs/{id}",
        "/api/v1/residents?org_unit_id",
    ] {
        assert!(checked.iter().any(|c| c == must), "{must} was walked: {checked:?}");
    }
});
