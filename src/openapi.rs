//! The OpenAPI document: its header and tags, and the JSON and the plain page served from it,
//! both made once when the router is built.
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(title = "zongguan 综管 API", description = "大综管（综治·信访·维稳）信息管理系统的接口。列表返回 {items,total}；错误返回 {error:{code,message,field}}。"),
    components(schemas(crate::error::ApiError, PermissionCode, crate::http::notifications::LiveEvent)),
    tags(
        (name = "auth", description = "登录、会话、密码、双因素认证、个人令牌"),
        (name = "org", description = "组织架构：机构网格、成员单位、队伍人员"),
        (name = "system", description = "用户与角色"),
        (name = "registry", description = "基础信息：楼栋、房屋、实有人口、居住登记"),
        (name = "cases", description = "事件处理：分类、工作日历、上报与自动分拨、受理派遣处置核查结案、督办、照片、统计、Open311 密钥"),
        (name = "governance", description = "综合治理：出租屋分类分级、巡查与隐患整改，信访事项，交办督办销案通知书，工作台账"),
        (name = "notifications", description = "站内消息与实时推送（SSE）"),
        (name = "map", description = "图上办公：矢量瓦片、要素、空间查询、专题图、热力图、网格重新划分"),
        (name = "audit", description = "审计日志与登录日志"),
        (name = "meta", description = "健康检查")
    )
)]
pub struct ApiDoc;

/// A permission code (`<object>:<verb>`): the schema lists every one of core's `Permission`s, so the
/// front end's `PermissionCode` is a generated union, not a copy.
pub struct PermissionCode;

impl utoipa::PartialSchema for PermissionCode {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        let codes = zongguan_core::permission::Permission::ALL.iter().map(|p| p.code());
        ObjectBuilder::new()
            .schema_type(Type::String)
            .enum_values(Some(codes))
            .description(Some("权限代码 `<对象>:<操作>`"))
            .into()
    }
}

impl utoipa::ToSchema for PermissionCode {}

/// The header, tags and shared schemas, before the routes add their paths.
pub fn base() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    doc.merge(crate::http::open311::Open311Doc::openapi());
    doc
}

/// The finished document as served: `/api/openapi.json` and the `/api/docs` page.
pub struct Document {
    pub json: String,
    pub page: String,
}

impl Document {
    pub fn new(doc: &utoipa::openapi::OpenApi) -> Self {
        let mut v: serde_json::Value = serde_json::to_value(doc).unwrap_or_default();
        document_errors(&mut v);
        let json = serde_json::to_string_pretty(&v).unwrap_or_default();
        let page = docs_page(&v);
        Self { json, page }
    }
}

/// Adds to every operation the error statuses the edge itself answers, so the document is true for
/// clients that check it: 401/403/423 on every signed-in route (the session, CSRF, permission and
/// lock checks), 400/404 with path parameters, 400/422 with a query, 409/413/415/422 with a body or
/// a write. What a handler documents itself is kept.
fn document_errors(doc: &mut serde_json::Value) {
    use serde_json::json;
    const PUBLIC: &[&str] = &["/healthz", "/api/v1/auth/login"];
    let said = |code: &str| match code {
        "400" => "请求参数无法解析",
        "401" => "未登录或会话已过期",
        "403" => "没有权限，或缺少 CSRF 令牌",
        "404" => "记录不存在或不在数据范围内",
        "409" => "与现有记录冲突，或仍被其他记录引用",
        "413" => "请求体过大",
        "415" => "请求体类型不受支持",
        "422" => "字段校验未通过（field 指出字段）",
        "423" => "账号已锁定",
        _ => "错误",
    };
    let Some(paths) = doc.get_mut("paths").and_then(|p| p.as_object_mut()) else {
        return;
    };
    for (path, ops) in paths.iter_mut() {
        let Some(ops) = ops.as_object_mut() else { continue };
        for (method, op) in ops.iter_mut() {
            let params = op
                .get("parameters")
                .and_then(|p| p.as_array())
                .cloned()
                .unwrap_or_default();
            let has = |place: &str| params.iter().any(|p| p["in"] == place);
            let write = matches!(method.as_str(), "post" | "put" | "patch" | "delete");
            let mut codes: Vec<&str> = Vec::new();
            if path.starts_with("/api/v1/") && !PUBLIC.contains(&path.as_str()) {
                codes.extend(["401", "403", "423"]);
            }
            // A path value is parsed (400), then checked (422: a layer, a zoom) and looked up (404).
            if has("path") || path.contains('{') {
                codes.extend(["400", "404", "422"]);
            }
            // A query's ids are looked up too (`org_unit_id`).
            if has("query") {
                codes.extend(["400", "404", "422"]);
            }
            if write || op.get("requestBody").is_some() {
                codes.extend(["400", "409", "413", "415", "422"]);
            }
            // Open311 answers its own error format (a list of {code, description}).
            let open311 = path.starts_with("/open311/");
            let Some(responses) = op.get_mut("responses").and_then(|r| r.as_object_mut()) else {
                continue;
            };
            for code in codes {
                responses.entry(code).or_insert_with(|| {
                    if open311 {
                        json!({ "description": said(code) })
                    } else {
                        json!({
                            "description": said(code),
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ApiError"}}}
                        })
                    }
                });
            }
        }
    }
}

/// A plain page listing the operations, needing no internet.
fn docs_page(doc: &serde_json::Value) -> String {
    let mut rows = String::new();
    if let Some(paths) = doc.get("paths").and_then(|p| p.as_object()) {
        for (path, ops) in paths {
            for (method, op) in ops.as_object().into_iter().flatten() {
                let summary = op.get("summary").and_then(|s| s.as_str()).unwrap_or("");
                rows.push_str(&format!(
                    "<tr><td><code>{}</code></td><td><code>{}</code></td><td>{}</td></tr>",
                    method.to_uppercase(),
                    html_escape(path),
                    html_escape(summary)
                ));
            }
        }
    }
    format!(
        "<!doctype html><meta charset=utf-8><title>综管 API</title><style>body{{font-family:sans-serif;margin:2em}}td{{padding:2px 8px;border-bottom:1px solid #ddd}}</style><h1>综管 API</h1><p>机器可读文档：<a href=/api/openapi.json>/api/openapi.json</a></p><table>{rows}</table>"
    )
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_lists_each_operation_escaped() {
        let doc = serde_json::json!({"paths": {"/a/{id}": {"get": {"summary": "读 <一条>"}}}});
        let page = docs_page(&doc);
        assert!(page.contains("<code>GET</code>"));
        assert!(page.contains("读 &lt;一条&gt;"));
    }
}
