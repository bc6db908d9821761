//! Spreadsheet import and export on SQLite and PostgreSQL: every kind of bad row, both modes.

use crate::common;
use std::io::Cursor;

use crate::common::TestApp;
use axum::http::StatusCode;
use calamine::Reader;
use serde_json::{Value, json};

fn id(body: &str) -> String {
    format!(
        "{body}{}",
        zongguan_core::id_number::check_char(body).expect("17 digits")
    )
}

fn xlsx_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    let mut wb = calamine::open_workbook_auto_from_rs(Cursor::new(bytes.to_vec())).expect("xlsx");
    let range = wb.worksheet_range_at(0).expect("sheet").expect("range");
    range
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect()
}

/// Buildings and houses through CSV, the way a community would load them first.
async fn load_places(c: &common::Client) {
    let buildings = "楼栋编码,楼栋名称,地址,网格编码,经度,纬度,层数,用途\n\
        LAT-0001,良安田1栋,平湖街道良安田村1号,44030700300201,114.121,22.681,6,住宅\n\
        LAT-0002,良安田2栋,平湖街道良安田村2号,44030700300202,114.122,22.682,8,商住\n";
    let job = c
        .import("buildings", "all_or_nothing", "楼栋.csv", buildings.as_bytes())
        .await;
    assert_eq!(job["status"], "done", "{job}");
    assert_eq!(job["accepted"], 2);
    // Houses in GB18030, as Excel on Chinese Windows saves CSV, with the columns in another order.
    let houses = "房号,楼栋编码,面积,是否出租,用途\n101,LAT-0001,45.5,是,住宅\n102,LAT-0001,60,否,住宅\n201,LAT-0002,88,是,商住\n";
    let (gbk, _, _) = encoding_rs::GB18030.encode(houses);
    let job = c.import("houses", "all_or_nothing", "房屋.csv", &gbk).await;
    assert_eq!(job["status"], "done", "{job}");
    assert_eq!(job["accepted"], 3, "{job}");
}

/// Two good rows (2, 3) and one of each kind of bad row (4–9).
fn residents_xlsx() -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    let header = [
        "证件号码",
        "姓名",
        "证件类型",
        "性别",
        "出生日期",
        "民族",
        "人口类型",
        "联系电话",
        "楼栋编码",
        "房号",
        "入住日期",
        "与户主关系",
    ];
    let good1 = id("44030719880808123");
    let good2 = id("36012219950512204");
    let mut bad_check = id("44030719900101567");
    let last = bad_check.pop().expect("char");
    bad_check.push(if last == '0' { '1' } else { '0' });
    let bad_date = format!("44030719900230{}", "1234");
    let rows: Vec<Vec<String>> = vec![
        vec![
            good1.clone(),
            "陈志强".into(),
            "居民身份证".into(),
            "男".into(),
            "".into(),
            "汉族".into(),
            "户籍人口".into(),
            "13800138000".into(),
            "LAT-0001".into(),
            "101".into(),
            "2023-05-01".into(),
            "本人".into(),
        ],
        vec![
            good2,
            "黄丽萍".into(),
            "居民身份证".into(),
            "".into(),
            "".into(),
            "壮族".into(),
            "流动人口".into(),
            "".into(),
            "LAT-0002".into(),
            "201".into(),
            "".into(),
            "配偶".into(),
        ],
        vec![
            bad_check,
            "错校验".into(),
            "居民身份证".into(),
            "".into(),
            "".into(),
            "汉族".into(),
            "流动人口".into(),
            "".into(),
            "LAT-0001".into(),
            "101".into(),
            "".into(),
            "".into(),
        ],
        vec![
            bad_date,
            "错日期".into(),
            "居民身份证".into(),
            "".into(),
            "".into(),
            "汉族".into(),
            "流动人口".into(),
            "".into(),
            "LAT-0001".into(),
            "101".into(),
            "".into(),
            "".into(),
        ],
        vec![
            id("44030719700101345"),
            "无楼栋".into(),
            "居民身份证".into(),
            "".into(),
            "".into(),
            "汉族".into(),
            "流动人口".into(),
            "".into(),
            "NO-SUCH".into(),
            "101".into(),
            "".into(),
            "".into(),
        ],
        vec![
            id("44030719700101456"),
            "".into(),
            "居民身份证".into(),
            "".into(),
            "".into(),
            "汉族".into(),
            "流动人口".into(),
            "".into(),
            "LAT-0001".into(),
            "102".into(),
            "".into(),
            "".into(),
        ],
        vec![
            good1,
            "重复号".into(),
            "居民身份证".into(),
            "".into(),
            "".into(),
            "汉族".into(),
            "流动人口".into(),
            "".into(),
            "LAT-0001".into(),
            "102".into(),
            "".into(),
            "".into(),
        ],
        vec![
            id("44030719700101567"),
            "错下拉".into(),
            "居民身份证".into(),
            "".into(),
            "".into(),
            "汉族".into(),
            "常住人口".into(),
            "".into(),
            "LAT-0001".into(),
            "102".into(),
            "".into(),
            "".into(),
        ],
    ];
    for (i, h) in header.iter().enumerate() {
        ws.write(0, i as u16, *h).expect("write");
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            // The phone as a number cell, as Excel stores typed digits.
            if header[c] == "联系电话" && !v.is_empty() {
                ws.write_number(r as u32 + 1, c as u16, v.parse::<f64>().expect("number"))
                    .expect("write");
            } else if header[c] == "入住日期" && !v.is_empty() {
                let d = rust_xlsxwriter::ExcelDateTime::parse_from_str(v).expect("date");
                let f = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
                ws.write_datetime_with_format(r as u32 + 1, c as u16, &d, &f)
                    .expect("write");
            } else {
                ws.write_string(r as u32 + 1, c as u16, v).expect("write");
            }
        }
    }
    wb.save_to_buffer().expect("xlsx")
}

fn expect_rejections(job: &Value) {
    let rejected = job["rejected"].as_array().expect("rejected");
    let find = |row: u64| rejected.iter().filter(|r| r["row"] == row).collect::<Vec<_>>();
    assert!(find(2).is_empty() && find(3).is_empty(), "good rows pass: {rejected:?}");
    let r4 = find(4);
    assert_eq!(r4[0]["column"], "证件号码");
    assert!(r4[0]["message"].as_str().expect("m").contains("校验位"));
    let r5 = find(5);
    assert_eq!(r5[0]["column"], "证件号码");
    assert!(r5[0]["message"].as_str().expect("m").contains("19900230"));
    let r6 = find(6);
    assert_eq!(r6[0]["column"], "楼栋编码");
    assert!(r6[0]["message"].as_str().expect("m").contains("NO-SUCH"));
    let r7 = find(7);
    assert_eq!(r7[0]["column"], "姓名");
    assert_eq!(r7[0]["message"], "姓名不能为空");
    let r8 = find(8);
    assert_eq!(r8[0]["column"], "证件号码");
    assert!(r8[0]["message"].as_str().expect("m").contains("第 2 行"));
    let r9 = find(9);
    assert_eq!(r9[0]["column"], "人口类型");
    assert!(r9[0]["message"].as_str().expect("m").contains("常住人口"));
    assert_eq!(rejected.len(), 6, "{rejected:?}");
}

on_both!(
    import_all_or_nothing_writes_nothing_when_a_row_is_bad,
    |app: TestApp| async move {
        let c = app.login("community_003002").await;
        load_places(&c).await;
        let job = c
            .import("residents", "all_or_nothing", "人口.xlsx", &residents_xlsx())
            .await;
        assert_eq!(job["status"], "done", "{job}");
        assert_eq!(job["total"], 8);
        assert_eq!(job["processed"], 8);
        assert_eq!(job["accepted"], 0);
        expect_rejections(&job);
        let (_, v) = c.get("/api/v1/residents").await;
        assert_eq!(v["total"], 0, "nothing written");
    }
);

on_both!(import_valid_rows_then_fix_the_rejected, |app: TestApp| async move {
    let c = app.login("community_003002").await;
    load_places(&c).await;
    let community = app.unit_id("440307003002").await;
    let residents_in = |v: &Value, grid: &str| {
        v.as_array()
            .expect("rows")
            .iter()
            .find(|r| r["code"] == grid)
            .map(|r| r["residents"].clone())
    };
    let (_, before) = c
        .get(&format!("/api/v1/registry/summary?org_unit_id={community}"))
        .await;
    assert_eq!(residents_in(&before, "44030700300201"), Some(json!(0)), "{before}");
    let job = c
        .import("residents", "valid_rows", "人口.xlsx", &residents_xlsx())
        .await;
    assert_eq!(job["accepted"], 2, "{job}");
    expect_rejections(&job);
    // The search index and the cached counts know the imported people.
    let (_, v) = c.get("/api/v1/residents?q=陈志强").await;
    assert_eq!(v["total"], 1, "{v}");
    let (_, after) = c
        .get(&format!("/api/v1/registry/summary?org_unit_id={community}"))
        .await;
    assert_eq!(residents_in(&after, "44030700300201"), Some(json!(1)), "{after}");
    assert_eq!(residents_in(&after, "44030700300202"), Some(json!(1)), "{after}");
    let (_, v) = c.get("/api/v1/residents?q=志强").await;
    assert_eq!(v["total"], 1);
    let r = &v["items"][0];
    assert_eq!(r["phone"], "138****8000");
    assert_eq!(r["gender"], "male");
    let (_, detail) = c.get(&format!("/api/v1/residents/{}", r["id"])).await;
    assert_eq!(detail["residences"][0]["since"], "2023-05-01");
    assert_eq!(detail["residences"][0]["building_code"], "LAT-0001");
    // The second row had no birth date: it comes from the number.
    let (_, v) = c.get("/api/v1/residents?q=丽萍").await;
    assert_eq!(v["items"][0]["birth_date"], "1995-05-12");
    assert_eq!(v["items"][0]["gender"], "female");

    // The rejected rows download as XLSX with the reason, ready to fix.
    let jid = job["id"].as_i64().expect("id");
    let (s, bytes) = c.download(&format!("/api/v1/imports/{jid}/rejected.xlsx")).await;
    assert_eq!(s, StatusCode::OK);
    let rows = xlsx_rows(&bytes);
    assert_eq!(rows.len(), 7, "header and six rows");
    assert_eq!(rows[0].last().map(String::as_str), Some("错误原因"));
    assert!(rows[1].last().expect("reason").contains("校验位"));
    assert_eq!(rows[4][1], "", "the row as it was read");

    // Importing the same good rows again rejects them as already registered, writing nothing twice.
    let job = c
        .import("residents", "valid_rows", "人口.xlsx", &residents_xlsx())
        .await;
    assert_eq!(job["accepted"], 0);
    let again: Vec<&Value> = job["rejected"]
        .as_array()
        .expect("r")
        .iter()
        .filter(|r| r["row"] == 2)
        .collect();
    assert!(again[0]["message"].as_str().expect("m").contains("已登记"));
    let (_, v) = c.get("/api/v1/residents").await;
    assert_eq!(v["total"], 2);
    let (_, detail) = c.get(&format!("/api/v1/residents/{}", r["id"])).await;
    assert_eq!(
        detail["residences"].as_array().map(Vec::len),
        Some(1),
        "no second residence for a rejected row"
    );
    let job = c
        .import("residents", "all_or_nothing", "人口.xlsx", &residents_xlsx())
        .await;
    assert_eq!(job["accepted"], 0);
    assert!(
        job["rejected"]
            .as_array()
            .expect("r")
            .iter()
            .any(|r| r["row"] == 2 && r["message"].as_str().is_some_and(|m| m.contains("已登记"))),
        "{job}"
    );
    let (_, v) = c.get("/api/v1/residents").await;
    assert_eq!(v["total"], 2);
    // After the import the row triggers are back: a resident entered by hand is searchable.
    let house = detail["residences"][0]["house_id"].clone();
    let (s, created) = c.post("/api/v1/residents", json!({"name":"欧阳明远","id_number":id("44030719700101512"),"registration_type":"户籍人口","house_id":house,"since":"2024-03-01"})).await;
    assert_eq!(s, StatusCode::CREATED, "{created}");
    let (_, v) = c.get("/api/v1/residents?q=阳明远").await;
    assert_eq!(v["total"], 1, "{v}");

    // Another community's officer cannot use these buildings.
    let other = app.login("community_003004").await;
    let job = other
        .import("residents", "valid_rows", "人口.xlsx", &residents_xlsx())
        .await;
    assert_eq!(job["accepted"], 0);
    let (s, _) = other.get(&format!("/api/v1/imports/{jid}")).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "someone else's job");
});

/// A CSV of `n` good residents in the two test buildings; row `r` (from 2) has the number `number(r)`.
fn many_residents(n: u32, number: impl Fn(u32) -> String) -> String {
    let mut csv =
        String::from("姓名,证件类型,证件号码,性别,出生日期,民族,人口类型,联系电话,楼栋编码,房号,入住日期,与户主关系\n");
    for r in 2..n + 2 {
        let (b, room) = [("LAT-0001", "101"), ("LAT-0001", "102"), ("LAT-0002", "201")][r as usize % 3];
        csv.push_str(&format!(
            "居民{r},居民身份证,{},,,汉族,流动人口,,{b},{room},2024-01-01,其他\n",
            number(r)
        ));
    }
    csv
}

/// The number of a test resident: a distinct valid number for each row.
fn nth_number(r: u32) -> String {
    id(&format!(
        "4403071985{:02}{:02}{:03}",
        1 + r / 28 / 900 % 12,
        1 + r / 900 % 28,
        100 + r % 900
    ))
}

// A file of several chunks: each chunk is checked while the one before is written, so the
// rejections the insert finds (a number registered before) and the ones checking finds (a number
// repeated in the file) must still land on their rows, and all-or-nothing must still write nothing.
on_both!(
    import_of_many_chunks_keeps_every_row_in_its_place,
    |app: TestApp| async move {
        let c = app.login("community_003002").await;
        load_places(&c).await;
        let before = many_residents(1, |_| nth_number(2500));
        let job = c
            .import("residents", "valid_rows", "先登记.csv", before.as_bytes())
            .await;
        assert_eq!(job["accepted"], 1, "{job}");
        let csv = many_residents(4500, |r| if r == 4400 { nth_number(3) } else { nth_number(r) });
        let job = c.import("residents", "valid_rows", "人口.csv", csv.as_bytes()).await;
        assert_eq!(job["status"], "done", "{job}");
        assert_eq!(job["total"], 4500);
        assert_eq!(job["accepted"], 4498, "{}", job["rejected"]);
        let rejected = job["rejected"].as_array().expect("rejected");
        assert_eq!(rejected.len(), 2, "{rejected:?}");
        assert_eq!(rejected[0]["row"], 2500);
        assert!(
            rejected[0]["message"].as_str().expect("m").contains("已登记"),
            "{rejected:?}"
        );
        assert_eq!(rejected[1]["row"], 4400);
        assert!(
            rejected[1]["message"].as_str().expect("m").contains("第 3 行"),
            "{rejected:?}"
        );
        let (_, v) = c.get("/api/v1/residents?page_size=1").await;
        assert_eq!(v["total"], 4499);
        // Each imported person lives in the room of their own row.
        for r in [2u32, 2001, 2499, 2501, 4001, 4501] {
            let (_, v) = c.get(&format!("/api/v1/residents?id_number={}", nth_number(r))).await;
            assert_eq!(v["items"][0]["name"], format!("居民{r}"), "row {r}: {v}");
            let (_, d) = c.get(&format!("/api/v1/residents/{}", v["items"][0]["id"])).await;
            let room = ["101", "102", "201"][r as usize % 3];
            assert_eq!(d["residences"].as_array().map(Vec::len), Some(1), "row {r}: {d}");
            assert_eq!(d["residences"][0]["room"], room, "row {r}: {d}");
        }
        let jid = job["id"].as_i64().expect("id");
        let (_, bytes) = c.download(&format!("/api/v1/imports/{jid}/rejected.xlsx")).await;
        let rows = xlsx_rows(&bytes);
        assert_eq!(rows.len(), 3, "header and two rows");
        assert_eq!(rows[1][0], "居民2500");
        assert_eq!(rows[2][0], "居民4400");

        // All or nothing: a registered number in the last chunk leaves the earlier chunks unwritten.
        let csv = many_residents(4500, |r| {
            if r == 4300 {
                nth_number(10)
            } else {
                id(&format!(
                    "3601221990{:02}{:02}{:03}",
                    1 + r / 28 / 900 % 12,
                    1 + r / 900 % 28,
                    100 + r % 900
                ))
            }
        });
        let job = c
            .import("residents", "all_or_nothing", "人口.csv", csv.as_bytes())
            .await;
        assert_eq!(job["status"], "done", "{job}");
        assert_eq!(job["accepted"], 0, "{job}");
        assert_eq!(job["rejected"].as_array().map(Vec::len), Some(1), "{}", job["rejected"]);
        assert_eq!(job["rejected"][0]["row"], 4300);
        let (_, v) = c.get("/api/v1/residents?page_size=1").await;
        assert_eq!(v["total"], 4499, "nothing written");
    }
);

// m0010: residents registered under the 64-hex key are found by number after it, and their
// numbers stay taken.
on_both!(id_key_migration_keeps_registered_numbers, |app: TestApp| async move {
    use zongguan_db::sea_orm::ConnectionTrait;
    let c = app.login("community_003002").await;
    let grid = app.unit_id("44030700300201").await;
    let number = id("44030719860606123");
    let (s, v) = c
        .post(
            "/api/v1/residents",
            json!({"name":"林小梅","id_number":number,"registration_type":"户籍人口","org_unit_id":grid}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    // Back to how an earlier version stored it: the hex text of the whole keyed hash.
    let hex = common::key().keyed_hash(&number);
    let conn = &app.db.conn;
    if app.schema.is_some() {
        conn.execute_unprepared(
            "ALTER TABLE resident ALTER COLUMN id_number_hash TYPE varchar(64) USING encode(id_number_hash, 'hex')",
        )
        .await
        .expect("alter");
    }
    conn.execute_unprepared(&format!("UPDATE resident SET id_number_hash = '{hex}'"))
        .await
        .expect("update");
    conn.execute_unprepared("DELETE FROM seaql_migrations WHERE version = 'm0010_id_key'")
        .await
        .expect("forget");
    app.db.migrate().await.expect("migrate");
    let (_, v) = c.get(&format!("/api/v1/residents?id_number={number}")).await;
    assert_eq!(v["total"], 1, "{v}");
    assert_eq!(v["items"][0]["name"], "林小梅");
    let (s, v) = c
        .post(
            "/api/v1/residents",
            json!({"name":"林小梅","id_number":number,"registration_type":"户籍人口","org_unit_id":grid}),
        )
        .await;
    assert_ne!(s, StatusCode::CREATED, "the number is still taken: {v}");
});

on_both!(import_refuses_a_file_without_the_headers, |app: TestApp| async move {
    let c = app.login("community_003002").await;
    let job = c
        .import("residents", "valid_rows", "x.csv", "名字,号码\n张三,1\n".as_bytes())
        .await;
    assert_eq!(job["status"], "failed");
    assert!(job["error"].as_str().expect("error").contains("姓名"), "{job}");
    let (s, v) = c
        .multipart(
            "/api/v1/imports",
            &[("kind", "cats"), ("mode", "valid_rows")],
            ("x.csv", b"a"),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(v["error"]["field"], "kind");
    let g = app.login("leader").await;
    let (s, _) = g
        .multipart("/api/v1/imports", &[("kind", "residents")], ("x.csv", b"a"))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
});

on_both!(templates_and_exports, |app: TestApp| async move {
    let c = app.login("community_003002").await;
    for (kind, first, count) in [
        ("residents", "姓名", 12),
        ("buildings", "楼栋编码", 8),
        ("houses", "楼栋编码", 5),
    ] {
        let (s, bytes) = c.download(&format!("/api/v1/imports/templates/{kind}.xlsx")).await;
        assert_eq!(s, StatusCode::OK);
        let rows = xlsx_rows(&bytes);
        assert_eq!(rows[0][0], first);
        assert_eq!(rows[0].len(), count);
        // Dropdowns: the data sheet's XML carries list validations pointing at the hidden code sheet.
        let wb = calamine::open_workbook_auto_from_rs(Cursor::new(bytes.clone())).expect("xlsx");
        assert!(wb.sheet_names().contains(&"代码表".to_string()));
        let mut z = zip::ZipArchive::new(Cursor::new(bytes)).expect("zip");
        let mut xml = String::new();
        std::io::Read::read_to_string(&mut z.by_name("xl/worksheets/sheet1.xml").expect("sheet1"), &mut xml)
            .expect("read");
        assert!(xml.contains("<dataValidation type=\"list\""), "{kind}: list validation");
        assert!(xml.contains("代码表!"), "{kind}: list from the code sheet");
    }
    let (s, _) = c.download("/api/v1/imports/templates/cats.xlsx").await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    load_places(&c).await;
    c.import("residents", "valid_rows", "人口.xlsx", &residents_xlsx())
        .await;
    let (s, bytes) = c
        .download("/api/v1/residents/export?registration_type=registered")
        .await;
    assert_eq!(s, StatusCode::OK);
    let rows = xlsx_rows(&bytes);
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0][2], "证件号码");
    assert!(rows[1][2].contains("********"), "masked: {:?}", rows[1]);
    assert_eq!(rows[1][7], "户籍人口");
    let (s, bytes) = c.download("/api/v1/residents/export?unmasked=true").await;
    assert_eq!(s, StatusCode::OK);
    let rows = xlsx_rows(&bytes);
    assert_eq!(rows.len(), 3);
    assert!(rows[1..].iter().all(|r| !r[2].contains('*')), "unmasked: {rows:?}");
    // A grid worker may export masked only.
    let g = app.login("grid_00300201").await;
    let (s, _) = g.download("/api/v1/residents/export?unmasked=true").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, bytes) = g.download("/api/v1/residents/export").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(xlsx_rows(&bytes).len(), 2, "only the resident in grid 01");
    let (_, bytes) = c.download("/api/v1/houses/export?is_rental=true").await;
    assert_eq!(xlsx_rows(&bytes).len(), 3);
    let auditor = app.login("auditor").await;
    let (_, log) = auditor.get("/api/v1/audit-logs?action=export_unmasked").await;
    assert_eq!(log["total"], 1);
});

/// What is stored for a job, as it lies in the database.
async fn stored_job(app: &TestApp, id: i64) -> zongguan_db::entity::import_job::Model {
    use zongguan_db::sea_orm::EntityTrait;
    zongguan_db::entity::import_job::Entity::find_by_id(id)
        .one(&app.db.conn)
        .await
        .expect("read")
        .expect("job")
}

// Rejected rows quote ID numbers and phones as typed: sealed at rest, readable through the API,
// and only the first 1,000 rows kept in full.
on_both!(rejected_rows_are_sealed_and_capped, |app: TestApp| async move {
    let c = app.login("community_003002").await;
    load_places(&c).await;
    let number = nth_number(7);
    let phone = "13912345678";
    // Row 2: a good number and phone with an unknown ethnicity; rows 3…: a bad room each.
    let mut csv = format!(
        "姓名,证件类型,证件号码,性别,出生日期,民族,人口类型,联系电话,楼栋编码,房号,入住日期,与户主关系\n\
         居民甲,居民身份证,{number},,,火星族,流动人口,{phone},LAT-0001,101,2024-01-01,其他\n"
    );
    for r in 0..1200 {
        csv.push_str(&format!(
            "居民{r},居民身份证,{},,,汉族,流动人口,,LAT-0001,999,2024-01-01,其他\n",
            nth_number(100 + r)
        ));
    }
    let job = c.import("residents", "valid_rows", "人口.csv", csv.as_bytes()).await;
    assert_eq!(job["status"], "done", "{job}");
    assert_eq!(job["rejected_count"], 1201, "every rejected row counted");
    let id = job["id"].as_i64().expect("id");
    let m = stored_job(&app, id).await;
    for stored in [&m.rejected, &m.rejected_rows] {
        assert!(
            !stored.contains(&number) && !stored.contains(phone),
            "plain personal data at rest"
        );
        assert!(!stored.contains("居民甲"), "rows are sealed whole");
    }
    // Nor anywhere in the SQLite file or its WAL (a grep of the disk as an insider would do it).
    if app.schema.is_none() {
        let file = app
            .url
            .trim_start_matches("sqlite://")
            .split('?')
            .next()
            .unwrap_or_default()
            .to_string();
        for path in [file.clone(), format!("{file}-wal")] {
            let bytes = std::fs::read(&path).unwrap_or_default();
            let found = |needle: &str| bytes.windows(needle.len()).any(|w| w == needle.as_bytes());
            assert!(
                !found(&number) && !found(phone),
                "{path} holds the number or the phone in plain text"
            );
        }
    }
    // The job's reasons are readable again; the fix-up file holds the first 1,000 rows.
    assert!(
        job["rejected"]
            .as_array()
            .is_some_and(|r| r.iter().any(|x| x["column"] == "民族")),
        "{}",
        job["rejected"][0]
    );
    let (s, bytes) = c.download(&format!("/api/v1/imports/{id}/rejected.xlsx")).await;
    assert_eq!(s, StatusCode::OK);
    let rows = xlsx_rows(&bytes);
    assert_eq!(rows.len(), 1 + 1000, "header and the first 1,000 rejected rows");
    assert!(
        rows[1].iter().any(|c| c == &number),
        "the download has the row as typed"
    );
});

on_both!(
    files_past_the_bounds_are_refused_saying_which,
    |app: TestApp| async move {
        let c = app.login("community_003002").await;
        load_places(&c).await;
        let head = "姓名,证件类型,证件号码,性别,出生日期,民族,人口类型,联系电话,楼栋编码,房号,入住日期,与户主关系";
        let wide = format!(
            "{head}\n居民,居民身份证,{},{}\n",
            nth_number(1),
            vec!["x"; 80].join(",")
        );
        let job = c.import("residents", "valid_rows", "宽.csv", wide.as_bytes()).await;
        assert_eq!(job["status"], "failed", "{job}");
        assert!(
            job["error"]
                .as_str()
                .is_some_and(|e| e.contains("第 2 行") && e.contains("64 列")),
            "{job}"
        );
        let long = format!("{head}\n{},居民身份证,{}\n", "长".repeat(2001), nth_number(1));
        let job = c.import("residents", "valid_rows", "长.csv", long.as_bytes()).await;
        assert_eq!(job["status"], "failed", "{job}");
        assert!(
            job["error"].as_str().is_some_and(|e| e.contains("第 2 行第 1 列")),
            "{job}"
        );
        // An XLSX whose directory says it unpacks to 4 GB is refused before it is read.
        let job = c
            .import("residents", "valid_rows", "炸弹.xlsx", &zip_claiming(0xF000_0000))
            .await;
        assert_eq!(job["status"], "failed", "{job}");
        assert!(job["error"].as_str().is_some_and(|e| e.contains("解压后超过")), "{job}");
        let (_, v) = c.get("/api/v1/residents").await;
        assert_eq!(v["total"], 0, "nothing written");
    }
);

/// A one-entry zip (stored, not compressed) whose central directory claims `size` unpacked bytes.
fn zip_claiming(size: u32) -> Vec<u8> {
    let name = b"xl/worksheets/sheet1.xml";
    let data = b"<x/>";
    let crc = {
        let mut c = 0xFFFF_FFFFu32;
        for &b in data {
            c ^= u32::from(b);
            for _ in 0..8 {
                c = if c & 1 == 1 { (c >> 1) ^ 0xEDB8_8320 } else { c >> 1 };
            }
        }
        !c
    };
    let mut out = Vec::new();
    let local = |out: &mut Vec<u8>, size: u32| {
        out.extend_from_slice(b"PK\x03\x04");
        out.extend_from_slice(&[20, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        out.extend_from_slice(&crc.to_le_bytes());
        out.extend_from_slice(&(data.len() as u32).to_le_bytes());
        out.extend_from_slice(&size.to_le_bytes());
        out.extend_from_slice(&(name.len() as u16).to_le_bytes());
        out.extend_from_slice(&[0, 0]);
        out.extend_from_slice(name);
        out.extend_from_slice(data);
    };
    local(&mut out, size);
    let cd_at = out.len() as u32;
    out.extend_from_slice(b"PK\x01\x02");
    out.extend_from_slice(&[20, 0, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    out.extend_from_slice(&crc.to_le_bytes());
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out.extend_from_slice(&size.to_le_bytes());
    out.extend_from_slice(&(name.len() as u16).to_le_bytes());
    out.extend_from_slice(&[0; 12]);
    out.extend_from_slice(&0u32.to_le_bytes());
    out.extend_from_slice(name);
    let cd_len = out.len() as u32 - cd_at;
    out.extend_from_slice(b"PK\x05\x06");
    out.extend_from_slice(&[0, 0, 0, 0, 1, 0, 1, 0]);
    out.extend_from_slice(&cd_len.to_le_bytes());
    out.extend_from_slice(&cd_at.to_le_bytes());
    out.extend_from_slice(&[0, 0]);
    out
}
