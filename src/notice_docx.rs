//! A notice as a Word document (docx-rs), laid out as GB/T 9704-2012 lays out official
//! documents: A4 with its margins, the issuing unit in red over a red rule, the serial, the
//! title, the body in 3号仿宋 with two-character indents, the unit and date at the foot, and for
//! notices to a unit the return slip (回执) on a page of its own.
use docx_rs::{
    AlignmentType, BorderType, BreakType, Docx, LineSpacing, PageMargin, Paragraph, Run, RunFonts, Table, TableBorders,
    TableCell, TableCellBorder, TableCellBorderPosition, TableCellBorders, TableRow, WidthType,
};
use zongguan_db::governance::{Draft, date_zh};
use zongguan_db::{DbError, DbResult};

const RED: &str = "E60012";
/// Half-points: 2号 22 pt, 3号 16 pt, 4号 14 pt.
const SIZE_HEAD: usize = 52;
const SIZE_TITLE: usize = 44;
const SIZE_BODY: usize = 32;
const SIZE_SLIP: usize = 28;
/// A4 in twips, and the standard's margins (top 37 mm, bottom 35 mm, left 28 mm, right 26 mm).
const A4: (u32, u32) = (11_906, 16_838);
const TEXT_WIDTH: usize = 8_844;

fn fonts(face: &str) -> RunFonts {
    RunFonts::new().east_asia(face).ascii(face).hi_ansi(face)
}

fn run(text: &str, face: &str, size: usize) -> Run {
    Run::new().add_text(text).fonts(fonts(face)).size(size)
}

fn line_spacing() -> LineSpacing {
    // Fixed 28.95 pt lines: 22 lines a page, as the standard sets.
    LineSpacing::new().line(579).line_rule(docx_rs::LineSpacingType::Exact)
}

fn body_paragraph(text: &str) -> Paragraph {
    Paragraph::new()
        .add_run(run(text, "仿宋_GB2312", SIZE_BODY))
        .first_line_chars(200)
        .line_spacing(line_spacing())
        .align(AlignmentType::Both)
}

fn plain(text: &str, size: usize, align: AlignmentType) -> Paragraph {
    Paragraph::new()
        .add_run(run(text, "仿宋_GB2312", size))
        .align(align)
        .line_spacing(line_spacing())
}

/// The red rule under the head: a one-cell table with only its bottom border.
fn red_rule() -> Table {
    let borders = TableCellBorders::with_empty().set(
        TableCellBorder::new(TableCellBorderPosition::Bottom)
            .border_type(BorderType::Single)
            .size(16)
            .color(RED),
    );
    Table::new(vec![TableRow::new(vec![
        TableCell::new()
            .add_paragraph(Paragraph::new())
            .width(TEXT_WIDTH, WidthType::Dxa)
            .set_borders(borders),
    ])])
    .set_borders(TableBorders::with_empty())
    .width(TEXT_WIDTH, WidthType::Dxa)
}

fn slip_cell(text: &str, width: usize, bold: bool) -> TableCell {
    let mut r = run(text, "仿宋_GB2312", SIZE_SLIP);
    if bold {
        r = r.bold();
    }
    TableCell::new()
        .add_paragraph(Paragraph::new().add_run(r))
        .width(width, WidthType::Dxa)
}

/// The return slip: the serial and matter filled in, the rest for the receiving unit.
fn return_slip(d: &Draft) -> Vec<(String, String)> {
    vec![
        ("通知书文号".into(), d.serial.clone()),
        ("事项编号".into(), d.subject_number.clone()),
        ("接收单位".into(), d.addressee.clone()),
        ("接收人".into(), String::new()),
        ("接收时间".into(), "    年  月  日  时  分".into()),
        ("办理结果".into(), String::new()),
        ("是否办结".into(), "□ 已办结    □ 未办结".into()),
        ("当事人意见".into(), "□ 满意  □ 基本满意  □ 不满意".into()),
        ("经办人".into(), String::new()),
        ("联系电话".into(), String::new()),
    ]
}

/// Renders a notice; the bytes are a complete .docx.
pub fn render(d: &Draft) -> DbResult<Vec<u8>> {
    let margin = PageMargin {
        top: 2098,
        left: 1588,
        bottom: 1984,
        right: 1474,
        header: 851,
        footer: 992,
        gutter: 0,
    };
    let mut doc = Docx::new().page_size(A4.0, A4.1).page_margin(margin);
    doc = doc
        .add_paragraph(
            Paragraph::new()
                .add_run(run(&d.issuing_unit_name, "方正小标宋简体", SIZE_HEAD).color(RED))
                .align(AlignmentType::Center),
        )
        .add_paragraph(plain(&d.serial, SIZE_BODY, AlignmentType::Center))
        .add_table(red_rule())
        .add_paragraph(Paragraph::new())
        .add_paragraph(
            Paragraph::new()
                .add_run(run(d.title, "方正小标宋简体", SIZE_TITLE))
                .align(AlignmentType::Center),
        )
        .add_paragraph(Paragraph::new());
    let mut paras = d.paragraphs.iter();
    if let Some(salutation) = paras.next() {
        // The addressee line (主送) starts at the margin, without indent.
        doc = doc.add_paragraph(plain(salutation, SIZE_BODY, AlignmentType::Left));
    }
    for p in paras {
        doc = doc.add_paragraph(body_paragraph(p));
    }
    doc = doc
        .add_paragraph(Paragraph::new())
        .add_paragraph(plain(&d.issuing_unit_name, SIZE_BODY, AlignmentType::Right))
        .add_paragraph(plain(&date_zh(d.issued_on), SIZE_BODY, AlignmentType::Right))
        .add_paragraph(plain("（印章）", SIZE_BODY, AlignmentType::Right));
    if d.return_slip {
        doc = doc
            .add_paragraph(Paragraph::new().add_run(Run::new().add_break(BreakType::Page)))
            .add_paragraph(
                Paragraph::new()
                    .add_run(run(&format!("{}回执", d.title), "方正小标宋简体", SIZE_TITLE))
                    .align(AlignmentType::Center),
            )
            .add_paragraph(Paragraph::new());
        let rows = return_slip(d)
            .into_iter()
            .map(|(k, v)| TableRow::new(vec![slip_cell(&k, 2400, true), slip_cell(&v, TEXT_WIDTH - 2400, false)]))
            .collect();
        doc = doc
            .add_table(Table::new(rows).width(TEXT_WIDTH, WidthType::Dxa))
            .add_paragraph(Paragraph::new())
            .add_paragraph(plain(
                &format!("请于办结后将本回执送回{}。", d.issuing_unit_name),
                SIZE_SLIP,
                AlignmentType::Left,
            ));
    }
    let mut out = std::io::Cursor::new(Vec::new());
    doc.build()
        .pack(&mut out)
        .map_err(|e| DbError::Db(sea_orm_err(format!("writing the notice document: {e}"))))?;
    Ok(out.into_inner())
}

fn sea_orm_err(msg: String) -> zongguan_db::sea_orm::DbErr {
    zongguan_db::sea_orm::DbErr::Custom(msg)
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use zongguan_core::governance::notice_serial::NoticeKind;

    use super::*;

    /// The document as docx-rs reads it back, as JSON: every text run is in it.
    fn document_text(docx: &[u8]) -> String {
        docx_rs::read_docx(docx).expect("a valid document").json()
    }

    #[test]
    fn an_assignment_notice_prints_head_serial_body_and_return_slip() {
        let d = Draft {
            kind: NoticeKind::Assignment,
            serial: "龙岗综治交〔2026〕12号".into(),
            issuing_unit_name: "龙岗区综治中心".into(),
            issued_on: NaiveDate::from_ymd_opt(2026, 12, 4).expect("date"),
            title: "交办通知书",
            paragraphs: vec!["平湖街道：".into(), "请于2026年12月18日前办结并书面反馈。".into()],
            subject_number: "JF2026-000012".into(),
            addressee: "平湖街道".into(),
            return_slip: true,
        };
        let bytes = render(&d).expect("renders");
        let xml = document_text(&bytes);
        for s in [
            "龙岗区综治中心",
            "龙岗综治交〔2026〕12号",
            "交办通知书",
            "平湖街道：",
            "请于2026年12月18日前办结并书面反馈。",
            "2026年12月4日",
            "交办通知书回执",
            "JF2026-000012",
            "是否办结",
        ] {
            assert!(xml.contains(s), "missing {s}");
        }
    }

    #[test]
    fn a_letter_to_a_petitioner_has_no_return_slip() {
        let d = Draft {
            kind: NoticeKind::PetitionAnswer,
            serial: "龙岗综治信答〔2026〕3号".into(),
            issuing_unit_name: "龙岗区综治中心".into(),
            issued_on: NaiveDate::from_ymd_opt(2026, 12, 4).expect("date"),
            title: "信访事项处理意见书",
            paragraphs: vec!["王某：".into(), "如对本处理意见不服……".into()],
            subject_number: "XF2026-000003".into(),
            addressee: String::new(),
            return_slip: false,
        };
        let xml = document_text(&render(&d).expect("renders"));
        assert!(xml.contains("信访事项处理意见书") && !xml.contains("回执"));
    }
}
