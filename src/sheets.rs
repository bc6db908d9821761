//! Spreadsheets in and out: reading CSV (UTF-8 or GB18030) and XLSX into rows, writing templates
//! with dropdowns, rejected-row reports and exports.
use std::borrow::Cow;
use std::io::Cursor;

use calamine::{Data, DataRef, Reader, Xlsx};
use rust_xlsxwriter::{DataValidation, Format, Formula, Workbook, XlsxError};
use tokio::sync::{mpsc, oneshot};
use zongguan_db::imports::{Kind, Rejection, RowChunks, SheetRow};

/// Rows handed to the import in chunks of this many, after a first chunk of `FIRST_CHUNK` that
/// doubles up to it: the import's first write waits only for a small chunk to be checked, and
/// the writer seldom waits for the next (1,000: 27–36 ms of waiting in 20,000 rows; 2,000: 58–71).
const CHUNK: usize = 1000;
const FIRST_CHUNK: usize = 250;

/// A file's bounds, said in the error when passed: a district's residents fit in one file.
pub const MAX_ROWS: u64 = 5_000_000;
/// The templates have under 30 columns.
pub const MAX_COLUMNS: usize = 64;
/// No field of a template holds more (an address is 200).
pub const MAX_CELL_CHARS: usize = 2000;
/// An XLSX is a zip: what it unpacks to, in all (a zip bomb is refused before it is read).
pub const MAX_XLSX_UNPACKED: u64 = 1 << 30;

/// A file as rows of text: the header and the data rows with their spreadsheet row numbers.
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<SheetRow>,
}

/// Where a reader thread puts what it reads: the header once, then rows in chunks.
struct Sink {
    header: Option<oneshot::Sender<Result<Vec<String>, String>>>,
    tx: mpsc::Sender<Result<Vec<SheetRow>, String>>,
    buf: Vec<SheetRow>,
    /// The size of the chunk being filled.
    size: usize,
    rows: u64,
    /// A bound the file passed: reading stops and the import fails with this.
    refused: Option<String>,
}

/// Why a row is past the file's bounds, if it is (trailing empty cells are dropped first).
fn past_bounds(row: u32, cells: &mut Vec<String>) -> Option<String> {
    while cells.last().is_some_and(|c| c.is_empty()) {
        cells.pop();
    }
    if cells.len() > MAX_COLUMNS {
        return Some(format!("第 {row} 行有 {} 列，超过允许的 {MAX_COLUMNS} 列", cells.len()));
    }
    let long = cells.iter().position(|c| c.chars().count() > MAX_CELL_CHARS)?;
    Some(format!("第 {row} 行第 {} 列超过 {MAX_CELL_CHARS} 个字符", long + 1))
}

impl Sink {
    fn header(&mut self, mut h: Vec<String>) {
        if let Some(s) = self.header.take() {
            let _ = s.send(match past_bounds(1, &mut h) {
                Some(e) => Err(e),
                None => Ok(h),
            });
        }
    }
    fn has_header(&self) -> bool {
        self.header.is_none()
    }
    /// False when nobody listens any more (the import stopped).
    fn row(&mut self, mut r: SheetRow) -> bool {
        self.rows += 1;
        let refused = if self.rows > MAX_ROWS {
            Some(format!("文件超过 {MAX_ROWS} 行，请分成几个文件导入"))
        } else {
            past_bounds(r.row, &mut r.cells)
        };
        if refused.is_some() {
            self.refused = refused;
            return false;
        }
        self.buf.push(r);
        if self.buf.len() >= self.size {
            self.size = (self.size * 2).min(CHUNK);
            return self
                .tx
                .blocking_send(Ok(std::mem::replace(&mut self.buf, Vec::with_capacity(self.size))))
                .is_ok();
        }
        true
    }
    fn finish(mut self, result: Result<(), String>) {
        let result = match self.refused.take() {
            Some(e) => Err(e),
            None => result,
        };
        match (result, self.header.take()) {
            (Err(e), Some(h)) => {
                let _ = h.send(Err(e));
            }
            (Err(e), None) => {
                let _ = self.tx.blocking_send(Err(e));
            }
            (Ok(()), Some(h)) => {
                let _ = h.send(Err("文件是空的".into()));
            }
            (Ok(()), None) => {
                if !self.buf.is_empty() {
                    let _ = self.tx.blocking_send(Ok(std::mem::take(&mut self.buf)));
                }
            }
        }
    }
}

/// Reads by content, XLSX (a zip) or CSV, on a thread of its own: answers the header and a
/// channel of row chunks, so a file of millions of rows is never held as rows in memory and
/// parsing runs beside checking and writing.
pub async fn stream(bytes: Vec<u8>) -> Result<(Vec<String>, RowChunks), String> {
    on_reader_thread(move |sink| {
        if bytes.starts_with(b"PK\x03\x04") {
            stream_xlsx(&bytes, sink)
        } else {
            stream_csv(&bytes, sink)
        }
    })
    .await
}

/// Runs `read` on a blocking thread that feeds a [`Sink`]; answers the header once it is read.
async fn on_reader_thread(
    read: impl FnOnce(&mut Sink) -> Result<(), String> + Send + 'static,
) -> Result<(Vec<String>, RowChunks), String> {
    let (htx, hrx) = oneshot::channel();
    let (tx, rx) = mpsc::channel(2);
    tokio::task::spawn_blocking(move || {
        let mut sink = Sink {
            header: Some(htx),
            tx,
            buf: Vec::with_capacity(FIRST_CHUNK),
            size: FIRST_CHUNK,
            rows: 0,
            refused: None,
        };
        let r = read(&mut sink);
        sink.finish(r);
    });
    let header = hrx.await.map_err(|_| "文件无法读取".to_string())??;
    Ok((header, rx))
}

/// The whole file at once (small files and tests).
pub async fn read(bytes: Vec<u8>) -> Result<Table, String> {
    let (header, mut rx) = stream(bytes).await?;
    let mut rows = Vec::new();
    while let Some(chunk) = rx.recv().await {
        rows.extend(chunk?);
    }
    Ok(Table { header, rows })
}

fn decode(bytes: &[u8]) -> Cow<'_, str> {
    let b = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(b) {
        Ok(s) => Cow::Borrowed(s),
        // Excel on Chinese Windows saves CSV in GB18030 (GBK).
        Err(_) => encoding_rs::GB18030.decode(b).0,
    }
}

fn stream_csv(bytes: &[u8], sink: &mut Sink) -> Result<(), String> {
    let text = decode(bytes);
    csv_rows(text.as_bytes(), sink)
}

/// Remembers the last byte read, to know at the end whether the file ended with a newline.
struct Tail<R> {
    inner: R,
    last: u8,
}

impl<R: std::io::Read> std::io::Read for Tail<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n > 0 {
            self.last = buf[n - 1];
        }
        Ok(n)
    }
}

/// CSV rows from any reader (a file is read as it goes). Row numbers are the lines a spreadsheet
/// shows, blank lines included: the reader reports where each record ends, so a record is sent
/// once the next one is read (or the file ends) and its first line counted back from its end.
fn csv_rows(input: impl std::io::Read, sink: &mut Sink) -> Result<(), String> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(Tail {
            inner: input,
            last: b'\n',
        });
    let mut rec = csv::StringRecord::new();
    let mut held: Option<(Vec<String>, u64)> = None;
    let emit = |sink: &mut Sink, cells: Vec<String>, line: u64| -> bool {
        if !sink.has_header() {
            sink.header(cells);
            return true;
        }
        if cells.iter().all(|c| c.is_empty()) {
            return true;
        }
        sink.row(SheetRow {
            row: line as u32,
            cells,
        })
    };
    loop {
        let more = rdr
            .read_record(&mut rec)
            .map_err(|e| format!("第 {} 行无法解析：{e}", rdr.position().line()))?;
        let ended_with_newline = more || rdr.get_ref().last == b'\n';
        if let Some((cells, end)) = held.take() {
            let inner: u64 = cells.iter().map(|c| c.matches('\n').count() as u64).sum();
            // `end` is the line after the record's terminator (or its own line at the end of a file without one).
            let first = end - u64::from(ended_with_newline) - inner;
            if !emit(sink, cells, first) {
                return Ok(());
            }
        }
        if !more {
            break;
        }
        held = Some((
            rec.iter().map(|c| c.trim().to_string()).collect(),
            rdr.position().line(),
        ));
    }
    Ok(())
}

/// Like [`stream`], reading a file from disk as it goes, so a 4-million-row CSV is never in memory.
/// A CSV that is not UTF-8 (GB18030 from Excel) is decoded whole first.
pub async fn stream_path(path: std::path::PathBuf) -> Result<(Vec<String>, RowChunks), String> {
    use std::io::{Read, Seek};
    on_reader_thread(move |sink| {
        let mut f = std::fs::File::open(&path).map_err(|e| format!("{}：{e}", path.display()))?;
        let mut head = vec![0u8; 1 << 20];
        let n = f.read(&mut head).map_err(|e| e.to_string())?;
        head.truncate(n);
        f.rewind().map_err(|e| e.to_string())?;
        if head.starts_with(b"PK\x03\x04") {
            unpacked_within_bounds(&mut f)?;
            f.rewind().map_err(|e| e.to_string())?;
            let mut wb: Xlsx<_> =
                Xlsx::new(std::io::BufReader::new(f)).map_err(|e| format!("无法打开 Excel 文件：{e}"))?;
            return xlsx_rows(&mut wb, sink);
        }
        let utf8 = match std::str::from_utf8(&head) {
            Ok(_) => true,
            // Cut mid-character at the end of the sample is still UTF-8.
            Err(e) => e.error_len().is_none(),
        };
        if utf8 {
            csv_rows(std::io::BufReader::with_capacity(1 << 20, f), sink)
        } else {
            let mut all = Vec::new();
            f.read_to_end(&mut all).map_err(|e| e.to_string())?;
            stream_csv(&all, sink)
        }
    })
    .await
}

/// Excel's serial day number to `YYYY-MM-DD` (1900 date system).
fn excel_date(serial: f64) -> String {
    let base = chrono::NaiveDate::from_ymd_opt(1899, 12, 30).unwrap_or_default();
    (base + chrono::Duration::days(serial.floor() as i64))
        .format("%Y-%m-%d")
        .to_string()
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

fn cell_ref_text(d: &DataRef<'_>) -> String {
    match d {
        DataRef::SharedString(s) => s.trim().to_string(),
        other => cell_text(&Data::from(other.clone())),
    }
}

/// The first sheet, cell by cell (calamine's cell reader does not build the whole range).
fn stream_xlsx(bytes: &[u8], sink: &mut Sink) -> Result<(), String> {
    unpacked_within_bounds(Cursor::new(bytes))?;
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|e| format!("无法打开 Excel 文件：{e}"))?;
    xlsx_rows(&mut wb, sink)
}

/// Refuses an XLSX whose parts unpack to more than [`MAX_XLSX_UNPACKED`] (read from the zip's
/// directory, nothing unpacked).
fn unpacked_within_bounds<R: std::io::Read + std::io::Seek>(r: R) -> Result<(), String> {
    let mut zip = zip::ZipArchive::new(r).map_err(|e| format!("无法打开 Excel 文件：{e}"))?;
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let entry = zip.by_index_raw(i).map_err(|e| format!("无法打开 Excel 文件：{e}"))?;
        total = total.saturating_add(entry.size());
    }
    if total > MAX_XLSX_UNPACKED {
        return Err(format!(
            "Excel 文件解压后超过 {} MB，请分成几个文件导入",
            MAX_XLSX_UNPACKED >> 20
        ));
    }
    Ok(())
}

fn xlsx_rows<RS: std::io::Read + std::io::Seek>(wb: &mut Xlsx<RS>, sink: &mut Sink) -> Result<(), String> {
    let first = wb.sheet_names().first().cloned().ok_or("Excel 文件没有工作表")?;
    let mut cells = wb
        .worksheet_cells_reader(&first)
        .map_err(|e| format!("无法读取工作表：{e}"))?;
    let mut current: Option<(u32, Vec<String>)> = None;
    let emit = |sink: &mut Sink, row: u32, cells: Vec<String>| -> bool {
        if !sink.has_header() {
            sink.header(cells);
            return true;
        }
        if cells.iter().all(|c| c.is_empty()) {
            return true;
        }
        sink.row(SheetRow { row: row + 1, cells })
    };
    while let Some(cell) = cells.next_cell().map_err(|e| format!("无法读取工作表：{e}"))? {
        let (r, c) = cell.get_position();
        if current.as_ref().is_some_and(|(cr, _)| *cr != r)
            && let Some((cr, row)) = current.take()
            && !emit(sink, cr, row)
        {
            return Ok(());
        }
        let row = &mut current.get_or_insert_with(|| (r, Vec::new())).1;
        let c = c as usize;
        if row.len() <= c {
            row.resize(c + 1, String::new());
        }
        row[c] = cell_ref_text(cell.get_value());
    }
    if let Some((cr, row)) = current.take() {
        emit(sink, cr, row);
    }
    Ok(())
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
        let dv = DataValidation::new()
            .allow_list_formula(Formula::new(formula))
            .set_error_message(format!("请从下拉列表中选择{}", headers[i]))?;
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
        let why: Vec<String> = reasons
            .iter()
            .filter(|x| x.row == r.row)
            .map(|x| format!("第 {} 行【{}】{}", x.row, x.column, x.message))
            .collect();
        ws.write_with_format(out, reason_col, why.join("；"), &red)?;
    }
    ws.set_freeze_panes(1, 0)?;
    wb.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn csv_in_utf8_with_bom_and_gb18030() {
        let text = "姓名,证件号码\n张三,440307199001011234\n\n李四,1\n";
        let t = read(format!("\u{FEFF}{text}").into_bytes()).await.expect("utf8");
        assert_eq!(t.header, vec!["姓名", "证件号码"]);
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.rows[1].row, 4, "blank line 3 is skipped but counted");
        let (gbk, _, _) = encoding_rs::GB18030.encode(text);
        let t = read(gbk.into_owned()).await.expect("gb18030");
        assert_eq!(t.rows[0].cells[0], "张三");
    }

    #[tokio::test]
    async fn csv_row_numbers_from_a_file_read_as_it_goes() {
        // No newline at the end, a quoted cell over two lines, blank lines: rows are the lines Excel shows.
        let text = "姓名,地址\n甲,\"一\n二\"\n\n乙,x\n\n\n丙,y";
        let t = read(text.as_bytes().to_vec()).await.expect("csv");
        let rows: Vec<(u32, &str)> = t.rows.iter().map(|r| (r.row, r.cells[0].as_str())).collect();
        assert_eq!(rows, vec![(2, "甲"), (5, "乙"), (8, "丙")]);
        let dir = std::env::temp_dir().join(format!("zg-sheets-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let path = dir.join("rows.csv");
        std::fs::write(&path, format!("{text}\n")).expect("write");
        let (header, mut rx) = stream_path(path.clone()).await.expect("file");
        assert_eq!(header, vec!["姓名", "地址"]);
        let mut got = Vec::new();
        while let Some(c) = rx.recv().await {
            got.extend(c.expect("rows").into_iter().map(|r| r.row));
        }
        assert_eq!(got, vec![2, 5, 8]);
        let (gbk, _, _) = encoding_rs::GB18030.encode("姓名,地址\n丁,z\n");
        std::fs::write(&path, &gbk).expect("write");
        let (_, mut rx) = stream_path(path).await.expect("gb18030 file");
        assert_eq!(rx.recv().await.expect("chunk").expect("rows")[0].cells[0], "丁");
    }

    #[tokio::test]
    async fn template_roundtrips_through_the_reader() {
        let bytes = template(Kind::Residents).expect("template");
        let t = read(bytes.clone()).await.expect("xlsx");
        assert_eq!(t.header[0], "姓名", "the data sheet comes first");
        assert!(t.rows.is_empty());
        let mut wb = calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).expect("open");
        let names = wb.sheet_names();
        assert!(names.contains(&"实有人口".to_string()));
        let range = wb.worksheet_range("实有人口").expect("sheet");
        let header: Vec<String> = range.rows().next().expect("row").iter().map(cell_text).collect();
        assert_eq!(
            header.join(","),
            "姓名,证件类型,证件号码,性别,出生日期,民族,人口类型,联系电话,楼栋编码,房号,入住日期,与户主关系"
        );
    }

    #[test]
    fn excel_dates() {
        assert_eq!(excel_date(45658.0), "2025-01-01");
        assert_eq!(cell_text(&Data::Float(13812345678.0)), "13812345678");
        assert_eq!(cell_text(&Data::Float(45.5)), "45.5");
    }
}
