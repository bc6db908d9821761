//! The registry's XLSX exports: residents, buildings and houses, written page by page to a
//! temporary file and streamed.
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use utoipa::IntoParams;
use zongguan_core::dict;
use zongguan_core::permission::Permission;
use zongguan_db::registry::{self, BuildingFilter, HouseFilter, ResidentFilter};

use crate::app::AppState;
use crate::caller::Caller;
use crate::error::{ApiError, ApiQuery, AppError, AppResult};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ResidentExportQuery {
    pub org_unit_id: Option<i64>,
    pub registration_type: Option<String>,
    pub special_group: Option<String>,
    pub gender: Option<String>,
    pub age_min: Option<i32>,
    pub age_max: Option<i32>,
    pub q: Option<String>,
    /// Full identity numbers and phones (permission `resident:read_full`; audited).
    pub unmasked: Option<bool>,
}

fn word(d: dict::Dict, code: &str) -> String {
    let w = dict::word_of(d, code);
    if w.is_empty() { code.to_string() } else { w.to_string() }
}

/// The filtered residents as XLSX, written page by page to a temporary file and streamed.
#[utoipa::path(get, path = "/api/v1/residents/export", tag = "registry", params(ResidentExportQuery),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (status = 403, body = ApiError)))]
pub async fn export_residents(
    State(st): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<ResidentExportQuery>,
) -> AppResult<Response> {
    caller.require(Permission::ResidentRead)?;
    let unmasked = q.unmasked.unwrap_or(false);
    if unmasked {
        caller.require(Permission::ResidentReadFull)?;
    }
    let mut f = ResidentFilter {
        org_unit_id: q.org_unit_id,
        registration_type: q.registration_type,
        special_group: q.special_group,
        gender: q.gender,
        age_min: q.age_min,
        age_max: q.age_max,
        q: q.q,
        id_number: None,
        sort: Some("id".into()),
        after_id: None,
    };
    let headers = [
        "姓名",
        "证件类型",
        "证件号码",
        "性别",
        "出生日期",
        "年龄",
        "民族",
        "人口类型",
        "联系电话",
        "所属网格",
        "特殊人群",
    ];
    let mut out = Export::new("实有人口", &headers)?;
    let page = zongguan_db::PageReq::new(Some(1), Some(500))?;
    let mut count = 0u64;
    loop {
        let rows = registry::list_residents(&st.db, &caller.scope, &f, page.clone())
            .await?
            .items;
        let Some(last) = rows.last() else { break };
        f.after_id = Some(last.id);
        let full = if unmasked {
            registry::unmasked_values(&st.db, &rows.iter().map(|r| r.id).collect::<Vec<_>>()).await?
        } else {
            Default::default()
        };
        for r in &rows {
            let (id_number, phone) = full
                .get(&r.id)
                .cloned()
                .unwrap_or_else(|| (r.id_number.clone(), r.phone.clone()));
            let groups: Vec<String> = r.special_groups.iter().map(|g| word(dict::SPECIAL_GROUPS, g)).collect();
            out.row(&[
                r.name.clone(),
                word(dict::ID_TYPES, &r.id_type),
                id_number,
                word(dict::GENDERS, &r.gender),
                r.birth_date.map(|d| d.to_string()).unwrap_or_default(),
                r.age.map(|a| a.to_string()).unwrap_or_default(),
                word(dict::ETHNICITIES, &r.ethnicity),
                word(dict::REGISTRATION_TYPES, &r.registration_type),
                phone,
                r.org_unit_name.clone(),
                groups.join("、"),
            ])?;
        }
        count += rows.len() as u64;
    }
    let action = if unmasked { "export_unmasked" } else { "export" };
    zongguan_db::audit::record(
        &st.db,
        &caller.actor(),
        zongguan_db::audit::Event::ok(action, "resident", "").detail(format!("导出 {count} 条")),
    )
    .await?;
    out.finish("实有人口.xlsx").await
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SimpleExportQuery {
    pub org_unit_id: Option<i64>,
    pub use_type: Option<String>,
    pub is_rental: Option<bool>,
    pub q: Option<String>,
}

/// The filtered buildings as XLSX.
#[utoipa::path(get, path = "/api/v1/buildings/export", tag = "registry", params(SimpleExportQuery),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
pub async fn export_buildings(
    State(st): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<SimpleExportQuery>,
) -> AppResult<Response> {
    caller.require(Permission::RegistryRead)?;
    let f = BuildingFilter {
        org_unit_id: q.org_unit_id,
        use_type: q.use_type,
        q: q.q,
    };
    let mut out = Export::new(
        "楼栋",
        &[
            "楼栋编码",
            "楼栋名称",
            "地址",
            "所属网格",
            "经度",
            "纬度",
            "层数",
            "用途",
        ],
    )?;
    // By cursor: each chunk costs the same however deep.
    let mut page = zongguan_db::PageReq::new(Some(1), Some(500))?;
    loop {
        let chunk = registry::list_buildings(&st.db, &caller.scope, &f, page.clone()).await?;
        let rows = chunk.items;
        if rows.is_empty() {
            break;
        }
        for b in rows {
            out.row(&[
                b.code,
                b.name,
                b.address,
                b.grid_name,
                b.lon.to_string(),
                b.lat.to_string(),
                b.floors.to_string(),
                word(dict::USE_TYPES, &b.use_type),
            ])?;
        }
        match chunk.next {
            Some(n) => page.after = Some(n),
            None => break,
        }
    }
    out.finish("楼栋.xlsx").await
}

/// The filtered houses as XLSX.
#[utoipa::path(get, path = "/api/v1/houses/export", tag = "registry", params(SimpleExportQuery),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
pub async fn export_houses(
    State(st): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<SimpleExportQuery>,
) -> AppResult<Response> {
    caller.require(Permission::RegistryRead)?;
    let f = HouseFilter {
        org_unit_id: q.org_unit_id,
        building_id: None,
        use_type: q.use_type,
        is_rental: q.is_rental,
        q: q.q,
    };
    let mut out = Export::new(
        "房屋",
        &["楼栋编码", "房号", "面积", "用途", "是否出租", "地址", "居住人数"],
    )?;
    // By cursor: each chunk costs the same however deep.
    let mut page = zongguan_db::PageReq::new(Some(1), Some(500))?;
    loop {
        let chunk = registry::list_houses(&st.db, &caller.scope, &f, page.clone()).await?;
        let rows = chunk.items;
        if rows.is_empty() {
            break;
        }
        for h in rows {
            out.row(&[
                h.building_code,
                h.room,
                h.area.map(|a| a.to_string()).unwrap_or_default(),
                word(dict::USE_TYPES, &h.use_type),
                if h.is_rental { "是" } else { "否" }.into(),
                h.address,
                h.occupants.to_string(),
            ])?;
        }
        match chunk.next {
            Some(n) => page.after = Some(n),
            None => break,
        }
    }
    out.finish("房屋.xlsx").await
}

/// An XLSX export in constant memory: rows go to a temporary file, which is then streamed.
pub(crate) struct Export {
    wb: rust_xlsxwriter::Workbook,
    path: std::path::PathBuf,
    next: u32,
}

fn xlsx_err(e: rust_xlsxwriter::XlsxError) -> AppError {
    AppError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", format!("导出失败：{e}"))
}

impl Export {
    pub(crate) fn new(sheet: &str, headers: &[&str]) -> AppResult<Self> {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let bold = rust_xlsxwriter::Format::new()
            .set_bold()
            .set_background_color("#DDEBF7");
        let ws = wb.add_worksheet_with_constant_memory().map_err(xlsx_err)?;
        ws.set_name(sheet).map_err(xlsx_err)?;
        for (i, h) in headers.iter().enumerate() {
            ws.write_with_format(0, i as u16, *h, &bold).map_err(xlsx_err)?;
            ws.set_column_width(i as u16, if *h == "证件号码" || *h == "地址" { 22 } else { 12 })
                .map_err(xlsx_err)?;
        }
        let path = std::env::temp_dir().join(format!(
            "zongguan-export-{}-{}.xlsx",
            std::process::id(),
            rand::random::<u64>()
        ));
        Ok(Self { wb, path, next: 1 })
    }

    /// A register's sheet: its title across the columns, the unit and period under it, then the
    /// column heads, as the paper register prints them.
    pub(crate) fn with_head(
        sheet: &str,
        title: &str,
        subtitle: &str,
        headers: &[&str],
        widths: &[f64],
    ) -> AppResult<Self> {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let title_fmt = rust_xlsxwriter::Format::new()
            .set_bold()
            .set_font_size(16)
            .set_align(rust_xlsxwriter::FormatAlign::Center);
        let head = rust_xlsxwriter::Format::new()
            .set_bold()
            .set_text_wrap()
            .set_border(rust_xlsxwriter::FormatBorder::Thin)
            .set_align(rust_xlsxwriter::FormatAlign::Center)
            .set_background_color("#DDEBF7");
        let ws = wb.add_worksheet_with_constant_memory().map_err(xlsx_err)?;
        ws.set_name(sheet).map_err(xlsx_err)?;
        let last = headers.len().saturating_sub(1) as u16;
        ws.merge_range(0, 0, 0, last, title, &title_fmt).map_err(xlsx_err)?;
        ws.merge_range(1, 0, 1, last, subtitle, &rust_xlsxwriter::Format::new())
            .map_err(xlsx_err)?;
        for (i, h) in headers.iter().enumerate() {
            ws.write_with_format(2, i as u16, *h, &head).map_err(xlsx_err)?;
            ws.set_column_width(i as u16, widths.get(i).copied().unwrap_or(12.0))
                .map_err(xlsx_err)?;
        }
        ws.set_freeze_panes(3, 0).map_err(xlsx_err)?;
        // Printed as the paper register is kept: A3 landscape, every column on the page's width,
        // the column heads again on each page.
        ws.set_landscape();
        ws.set_paper_size(8);
        ws.set_print_fit_to_pages(1, 0);
        ws.set_repeat_rows(2, 2).map_err(xlsx_err)?;
        let path = std::env::temp_dir().join(format!(
            "zongguan-export-{}-{}.xlsx",
            std::process::id(),
            rand::random::<u64>()
        ));
        Ok(Self { wb, path, next: 3 })
    }

    pub(crate) fn row(&mut self, cells: &[String]) -> AppResult<()> {
        let ws = self.wb.worksheet_from_index(0).map_err(xlsx_err)?;
        for (i, c) in cells.iter().enumerate() {
            ws.write_string(self.next, i as u16, c).map_err(xlsx_err)?;
        }
        self.next += 1;
        Ok(())
    }

    pub(crate) async fn finish(mut self, file_name: &str) -> AppResult<Response> {
        self.wb.save(&self.path).map_err(xlsx_err)?;
        let file = tokio::fs::File::open(&self.path)
            .await
            .map_err(|e| AppError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", format!("导出失败：{e}")))?;
        // The open handle keeps the data readable after the name is gone.
        let _ = std::fs::remove_file(&self.path);
        let body = axum::body::Body::from_stream(tokio_util::io::ReaderStream::new(file));
        let mut resp = crate::http::imports::xlsx_response(Vec::new(), file_name);
        *resp.body_mut() = body;
        Ok(resp)
    }
}
