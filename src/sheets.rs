//! Spreadsheets in and out: reading CSV (UTF-8 or GB18030) and XLSX into rows, writing templates
//! with dropdowns, rejected-row reports and exports.
use std::io::Cursor;

use calamine::{Data, Reader};
use rust_xlsxwriter::{DataValidation, Format, Formula, Workbook, XlsxError};
use zongguan_db::imports::{Kind, Rejection, SheetRow};

/// A file as rows of text: the header and the data rows with their spreadsheet row numbers.
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<SheetRow>,
}

/// Reads by content: XLSX (a zip) or CSV.
pub fn read(bytes: &[u8]) -> Result<Table, String> {
    if bytes.starts_with(b"PK\x03\x04") { read_xlsx(bytes) } else { read_csv(bytes) }
}

fn decode(bytes: &[u8]) -> String {
    let b = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(b) {
        Ok(s) => s.to_string(),
        // Excel on Chinese Windows saves CSV in GB18030 (GBK).
        Err(_) => encoding_rs::GB18030.decode(b).0.into_owned(),
    }
}

pub fn read_csv(bytes: &[u8]) -> Result<Table, String> {
    let text = decode(bytes);
    let mut rdr = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let mut header = None;
    // Row numbers are line numbers as a spreadsheet shows them, blank lines included.
    let (mut counted_to, mut line) = (0usize, 1u32);
    for (i, rec) in rdr.records().enumerate() {
        let rec = rec.map_err(|e| format!("第 {} 行无法解析：{e}", i + 1))?;
        let mut at = rec.position().map(|p| p.byte() as usize).unwrap_or(counted_to).min(text.len());
        // The reader's position is where it started reading: before any blank lines it skipped.
        while at < text.len() && matches!(text.as_bytes()[at], b'\n' | b'\r') {
            at += 1;
        }
        line += text.as_bytes()[counted_to..at].iter().filter(|b| **b == b'\n').count() as u32;
        counted_to = at;
        let cells: Vec<String> = rec.iter().map(|c| c.trim().to_string()).collect();
        if header.is_none() {
            header = Some(cells);
            continue;
        }
        if cells.iter().all(|c| c.is_empty()) {
            continue;
        }
        rows.push(SheetRow { row: line, cells });
    }
    Ok(Table { header: header.ok_or("文件是空的")?, rows })
}

/// Excel's serial day number to `YYYY-MM-DD` (1900 date system).
fn excel_date(serial: f64) -> String {
    let base = chrono::NaiveDate::from_ymd_opt(1899, 12, 30).unwrap_or_default();
    (base + chrono::Duration::days(serial.floor() as i64)).format("%Y-%m-%d").to_string()
}

fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_string(),
        Data::Int(i) => i.to_string(),
        // Whole numbers (phones, floors) without a trailing ".0".
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) if f.abs() >= 1e15 => format!("{f:.0}"),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => if *b { "是" } else { "否" }.into(),
        Data::DateTime(dt) => excel_date(dt.as_f64()),
        Data::DateTimeIso(s) => s.chars().take(10).collect(),
        Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

pub fn read_xlsx(bytes: &[u8]) -> Result<Table, String> {
    let mut wb = calamine::open_workbook_auto_from_rs(Cursor::new(bytes.to_vec())).map_err(|e| format!("无法打开 Excel 文件：{e}"))?;
    let range = wb.worksheet_range_at(0).ok_or("Excel 文件没有工作表")?.map_err(|e| format!("无法读取工作表：{e}"))?;
    let start_row = range.start().map(|(r, _)| r).unwrap_or(0);
    let mut rows = Vec::new();
    let mut header = None;
    for (i, r) in range.rows().enumerate() {
        let cells: Vec<String> = r.iter().map(cell_text).collect();
        let row_no = start_row + i as u32 + 1;
        if header.is_none() {
            header = Some(cells);
            continue;
        }
        if cells.iter().all(|c| c.is_empty()) {
            continue;
        }
        rows.push(SheetRow { row: row_no, cells });
    }
    Ok(Table { header: header.ok_or("工作表是空的")?, rows })
}

fn text_columns(header: &str) -> bool {
    matches!(header, "证件号码" | "联系电话" | "楼栋编码" | "网格编码" | "房号")
}

/// The import template: Chinese headers, text format for codes, dropdowns from a hidden code sheet.
pub fn template(kind: Kind) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold().set_background_color("#DDEBF7");
    let text = Format::new().set_num_format("@");
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let headers = kind.headers();
    // Dropdown lists live in a hidden code sheet after the data sheet (the reader takes the first sheet).
    let mut lists: Vec<(usize, String)> = Vec::new();
    let mut col = 0u16;
    for (i, h) in headers.iter().enumerate() {
        if let Some(d) = Kind::dropdown(h) {
            let letter = rust_xlsxwriter::utility::column_number_to_name(col);
            lists.push((i, format!("=代码表!${letter}$2:${letter}${}", d.len() + 1)));
            col += 1;
        }
    }
    let ws = wb.add_worksheet().set_name(kind.zh())?;
    for (i, h) in headers.iter().enumerate() {
        let c = i as u16;
        ws.write_with_format(0, c, *h, &bold)?;
        ws.set_column_width(c, if *h == "证件号码" || *h == "地址" { 22 } else { 13 })?;
        if text_columns(h) {
            ws.set_column_format(c, &text)?;
        } else if h.contains("日期") {
            ws.set_column_format(c, &date)?;
        }
    }
    for (i, formula) in lists {
        let dv = DataValidation::new().allow_list_formula(Formula::new(formula)).set_error_message(format!("请从下拉列表中选择{}", headers[i]))?;
        ws.add_data_validation(1, i as u16, 50_000, i as u16, &dv)?;
    }
    ws.set_freeze_panes(1, 0)?;
    let codes = wb.add_worksheet().set_name("代码表")?;
    let mut col = 0u16;
    for h in headers {
        if let Some(d) = Kind::dropdown(h) {
            codes.write_with_format(0, col, *h, &bold)?;
            for (j, (_, w)) in d.iter().enumerate() {
                codes.write(j as u32 + 1, col, *w)?;
            }
            col += 1;
        }
    }
    codes.set_hidden(true);
    wb.save_to_buffer()
}

/// The rejected rows as read, with a 错误原因 column, ready to fix and import again.
pub fn rejected_report(header: &[String], rows: &[SheetRow], reasons: &[Rejection]) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold().set_background_color("#DDEBF7");
    let red = Format::new().set_font_color("#C00000");
    let text = Format::new().set_num_format("@");
    let ws = wb.add_worksheet().set_name("未导入的行")?;
    for (i, h) in header.iter().enumerate() {
        ws.write_with_format(0, i as u16, h, &bold)?;
        ws.set_column_format(i as u16, &text)?;
    }
    let reason_col = header.len() as u16;
    ws.write_with_format(0, reason_col, "错误原因", &bold)?;
    ws.set_column_width(reason_col, 60)?;
    for (n, r) in rows.iter().enumerate() {
        let out = n as u32 + 1;
        for (i, c) in r.cells.iter().enumerate() {
            ws.write_string(out, i as u16, c)?;
        }
        let why: Vec<String> = reasons.iter().filter(|x| x.row == r.row).map(|x| format!("第 {} 行【{}】{}", x.row, x.column, x.message)).collect();
        ws.write_with_format(out, reason_col, why.join("；"), &red)?;
    }
    ws.set_freeze_panes(1, 0)?;
    wb.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_in_utf8_with_bom_and_gb18030() {
        let text = "姓名,证件号码\n张三,440307199001011234\n\n李四,1\n";
        let t = read(format!("\u{FEFF}{text}").as_bytes()).expect("utf8");
        assert_eq!(t.header, vec!["姓名", "证件号码"]);
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.rows[1].row, 4, "blank line 3 is skipped but counted");
        let (gbk, _, _) = encoding_rs::GB18030.encode(text);
        let t = read(&gbk).expect("gb18030");
        assert_eq!(t.rows[0].cells[0], "张三");
    }

    #[test]
    fn template_roundtrips_through_the_reader() {
        let bytes = template(Kind::Residents).expect("template");
        let t = read(&bytes).expect("xlsx");
        assert_eq!(t.header[0], "姓名", "the data sheet comes first");
        assert!(t.rows.is_empty());
        let mut wb = calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).expect("open");
        let names = wb.sheet_names();
        assert!(names.contains(&"实有人口".to_string()));
        let range = wb.worksheet_range("实有人口").expect("sheet");
        let header: Vec<String> = range.rows().next().expect("row").iter().map(cell_text).collect();
        assert_eq!(header.join(","), "姓名,证件类型,证件号码,性别,出生日期,民族,人口类型,联系电话,楼栋编码,房号,入住日期,与户主关系");
    }

    #[test]
    fn excel_dates() {
        assert_eq!(excel_date(45658.0), "2025-01-01");
        assert_eq!(cell_text(&Data::Float(13812345678.0)), "13812345678");
        assert_eq!(cell_text(&Data::Float(45.5)), "45.5");
    }
}
