//! The intake register (受理事项总登记本, issue 16) on both databases: a case accepted this month
//! is a line with its channel, category, place and unit; the register is scoped, its month
//! checked, and its XLSX has the unit and month in the head and the paper columns.
use std::io::Cursor;

use calamine::{Data, Reader};

use super::*;

fn sheet_rows(bytes: Vec<u8>) -> Vec<Vec<String>> {
    let mut wb = calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).expect("xlsx");
    let sheet = wb.worksheet_range_at(0).expect("sheet").expect("range");
    sheet
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::String(s) => s.clone(),
                    Data::Empty => String::new(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

on_both!(
    the_intake_register_lists_accepted_cases_and_exports_them,
    |app: TestApp| async move {
        geography(&app).await;
        let g = app.login("grid_00300201").await;
        let center = app.login("community_003002").await;
        let c = report(&g, "0101", point_in(&app, GRID, 21).await).await;
        let id = c["id"].as_i64().expect("id");
        // Not yet accepted: not in the register.
        let (s, v) = center.get("/api/v1/registers/intake").await;
        assert_eq!((s, v["total"].as_i64()), (StatusCode::OK, Some(0)), "{v}");
        let v = ok(
            &center,
            id,
            json!({"action":"accept","note":"属实，拟派城管处置"}),
            &c["version"],
        )
        .await;
        ok(&center, id, json!({"action":"dispatch"}), &v["version"]).await;

        let (s, v) = center.get("/api/v1/registers/intake").await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["total"], 1, "{v}");
        let row = &v["items"][0];
        assert_eq!(row["number"], c["code"]);
        assert_eq!(row["matter_kind"], "case");
        assert_eq!(row["channel"], "网格员上报");
        assert_eq!(row["proposal"], "属实，拟派城管处置");
        assert!(row["place"].as_str().expect("place").contains("良安田"), "{row}");
        assert!(!row["unit_assigned"].as_str().expect("unit").is_empty(), "{row}");
        assert!(row["assigned_on"].is_string(), "{row}");
        assert!(row["category"].as_str().expect("category").contains('／'), "{row}");

        // Another community's register does not hold it; a grid worker has no register.
        let other = app.login("community_003004").await;
        let (_, v) = other.get("/api/v1/registers/intake").await;
        assert_eq!(v["total"], 0, "{v}");
        let (s, _) = g.get("/api/v1/registers/intake").await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        // Last year's month is empty; a bad month is named.
        let (_, v) = center.get("/api/v1/registers/intake?month=2020-01").await;
        assert_eq!(v["total"], 0, "{v}");
        for bad in ["2026-13", "2026-1", "202611", "2026-11-h1"] {
            let (s, v) = center.get(&format!("/api/v1/registers/intake?month={bad}")).await;
            assert_eq!(
                (s, v["error"]["field"].as_str()),
                (StatusCode::UNPROCESSABLE_ENTITY, Some("month")),
                "{bad}: {v}"
            );
        }

        let (s, bytes) = center.download("/api/v1/registers/intake/export").await;
        assert_eq!(s, StatusCode::OK, "{}", String::from_utf8_lossy(&bytes));
        let rows = sheet_rows(bytes);
        let month = {
            use chrono::Datelike;
            let d = zongguan_core::time::cst_date(Utc::now());
            format!("{}年{}月", d.year(), d.month())
        };
        assert_eq!(rows[0][0], "受理事项总登记本");
        assert!(
            rows[1][0].contains("良安田") && rows[1][0].contains(&month),
            "{:?}",
            rows[1]
        );
        assert_eq!(
            rows[2],
            [
                "序号",
                "编号",
                "受理时间",
                "来源渠道",
                "当事人",
                "联系电话",
                "涉及人数",
                "事项类别",
                "内容及诉求",
                "发生地点",
                "拟办意见",
                "承办单位",
                "交办日期",
                "办结期限",
                "办理结果",
                "反馈日期",
                "回访满意度",
                "经办人",
                "备注"
            ]
        );
        assert_eq!(rows.len(), 4, "{rows:?}");
        assert_eq!(rows[3][0], "1");
        assert_eq!(rows[3][1], c["code"].as_str().expect("code"));
        assert_eq!(rows[3][3], "网格员上报");
    }
);
