//! The dispute tally as the sheet staff file (矛盾纠纷排查调处情况统计表): title, unit and month in
//! the head, two header rows (screened / mediated, each by type and size band with the major ones
//! apart, then the year to date), one row per community, subtotals and the total.
use chrono::Datelike;
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, XlsxError};
use zongguan_db::governance::{DisputeTally, TallyFigures};

pub const SHEET: &str = "矛盾纠纷排查调处情况";
pub const TITLE: &str = "矛盾纠纷排查调处情况统计表";

fn block_headers(t: &DisputeTally) -> Vec<String> {
    let mut h = vec!["合计".to_string()];
    h.extend(t.types.iter().map(|w| w.name.clone()));
    h.extend(t.size_bands.iter().map(|w| w.name.clone()));
    h.push("其中重大".into());
    h
}

fn block(f: &TallyFigures) -> Vec<u32> {
    let mut v = vec![f.total];
    v.extend(&f.by_type);
    v.extend(&f.by_band);
    v.push(f.major);
    v
}

pub fn dispute_tally_xlsx(t: &DisputeTally) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(SHEET)?;
    let title = Format::new()
        .set_bold()
        .set_font_size(16)
        .set_align(FormatAlign::Center);
    let head = Format::new()
        .set_bold()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_text_wrap()
        .set_border(FormatBorder::Thin)
        .set_background_color("#DDEBF7");
    let cell = Format::new().set_border(FormatBorder::Thin);
    let bold = Format::new().set_bold().set_border(FormatBorder::Thin);
    let sub = block_headers(t);
    let width = sub.len() as u16;
    let last = 2 * width + 2;
    ws.merge_range(0, 0, 0, last, TITLE, &title)?;
    let month = chrono::NaiveDate::parse_from_str(&format!("{}-01", t.month), "%Y-%m-%d")
        .map(|d| format!("{}年{}月", d.year(), d.month()))
        .unwrap_or_else(|_| t.month.clone());
    ws.merge_range(
        1,
        0,
        1,
        last,
        &format!("填报单位：{}　　统计月份：{month}", t.unit_name),
        &Format::new(),
    )?;
    ws.merge_range(2, 0, 3, 0, "单位", &head)?;
    for (g, name) in ["排查矛盾纠纷（件）", "调处成功（件）"].iter().enumerate() {
        let c0 = 1 + g as u16 * width;
        ws.merge_range(2, c0, 2, c0 + width - 1, name, &head)?;
        for (i, h) in sub.iter().enumerate() {
            ws.write_with_format(3, c0 + i as u16, h.as_str(), &head)?;
        }
    }
    ws.merge_range(2, last - 1, 2, last, "本年累计（件）", &head)?;
    ws.write_with_format(3, last - 1, "排查", &head)?;
    ws.write_with_format(3, last, "调处成功", &head)?;
    ws.set_column_width(0, 24)?;
    for (r, row) in t.rows.iter().enumerate() {
        let r = 4 + r as u32;
        let f = if row.kind == "community" || row.kind == "subdistrict_own" {
            &cell
        } else {
            &bold
        };
        ws.write_with_format(r, 0, row.name.as_str(), f)?;
        for (c, v) in (1u16..).zip(block(&row.screened).into_iter().chain(block(&row.mediated))) {
            ws.write_number_with_format(r, c, v, f)?;
        }
        ws.write_number_with_format(r, last - 1, row.ytd_screened, f)?;
        ws.write_number_with_format(r, last, row.ytd_mediated, f)?;
    }
    ws.set_freeze_panes(4, 1)?;
    wb.save_to_buffer()
}
