//! Application state and the router: every route in one place.
use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::IntoResponse;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use zongguan_db::Db;
use zongguan_db::entity::app_user;

use crate::config::Config;
use crate::error::AppError;
use crate::http;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<Config>,
    /// Progress of running import jobs: id → rows processed (the job's own row is written when it ends,
    /// so that progress never waits on SQLite's single writer).
    pub progress: Arc<std::sync::Mutex<std::collections::HashMap<i64, u64>>>,
    /// Case photos: a local directory behind `object_store`, opened on first use.
    files: Arc<std::sync::Mutex<Option<Arc<dyn object_store::ObjectStore>>>>,
}

impl AppState {
    pub fn new(db: Db, config: Config) -> Self {
        Self {
            db,
            config: Arc::new(config),
            progress: Arc::default(),
            files: Arc::default(),
        }
    }

    /// The photo store under `files_dir`, created when first needed.
    pub fn files(&self) -> Result<Arc<dyn object_store::ObjectStore>, AppError> {
        let fail = |e: &dyn std::fmt::Display| {
            tracing::error!(error = %e, "opening the photo store");
            AppError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "照片存储不可用")
        };
        let mut slot = self.files.lock().map_err(|e| fail(&e))?;
        if let Some(s) = slot.as_ref() {
            return Ok(s.clone());
        }
        let dir = self.config.files_dir();
        std::fs::create_dir_all(&dir).map_err(|e| fail(&e))?;
        let store: Arc<dyn object_store::ObjectStore> =
            Arc::new(object_store::local::LocalFileSystem::new_with_prefix(&dir).map_err(|e| fail(&e))?);
        *slot = Some(store.clone());
        Ok(store)
    }

    pub fn idle(&self) -> chrono::Duration {
        chrono::Duration::minutes(self.config.security.idle_timeout_minutes)
    }
    pub fn lockout(&self) -> zongguan_core::password::LockoutPolicy {
        zongguan_core::password::LockoutPolicy {
            max_failures: self.config.security.max_failed_logins,
            lock_minutes: self.config.security.lock_minutes,
        }
    }
    /// An administrator without TOTP while the config requires it.
    pub fn totp_pending(&self, user: &app_user::Model, roles: &[String]) -> bool {
        self.config.security.require_totp_for_admins && zongguan_db::auth::is_admin(roles) && !user.totp_enabled
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "zongguan 综管 API", description = "大综管（综治·信访·维稳）信息管理系统的接口。列表返回 {items,total}；错误返回 {error:{code,message,field}}。"),
    components(schemas(crate::error::ApiError)),
    tags(
        (name = "auth", description = "登录、会话、密码、双因素认证、个人令牌"),
        (name = "org", description = "组织架构：机构网格、成员单位、队伍人员"),
        (name = "system", description = "用户与角色"),
        (name = "registry", description = "基础信息：楼栋、房屋、实有人口、居住登记"),
        (name = "cases", description = "事件处理：分类、工作日历、上报与自动分拨、受理派遣处置核查结案、督办、照片、统计、Open311 密钥"),
        (name = "map", description = "图上办公：矢量瓦片、要素、空间查询、专题图、热力图、网格重新划分"),
        (name = "audit", description = "审计日志与登录日志"),
        (name = "meta", description = "健康检查")
    )
)]
struct ApiDoc;

pub fn api_router() -> OpenApiRouter<AppState> {
    let mut doc = ApiDoc::openapi();
    doc.merge(http::open311::Open311Doc::openapi());
    OpenApiRouter::with_openapi(doc)
        .routes(routes!(http::meta::healthz))
        .routes(routes!(http::auth::login))
        .routes(routes!(http::auth::logout))
        .routes(routes!(http::auth::me))
        .routes(routes!(http::auth::change_password))
        .routes(routes!(http::auth::totp_setup))
        .routes(routes!(http::auth::totp_enable))
        .routes(routes!(http::auth::list_tokens, http::auth::create_token))
        .routes(routes!(http::auth::revoke_token))
        .routes(routes!(http::org::list_org_units, http::org::create_org_unit))
        .routes(routes!(http::org::org_tree))
        .routes(routes!(
            http::org::get_org_unit,
            http::org::update_org_unit,
            http::org::delete_org_unit
        ))
        .routes(routes!(http::org::get_grid_workers, http::org::set_grid_workers))
        .routes(routes!(http::org::list_departments, http::org::create_department))
        .routes(routes!(
            http::org::get_department,
            http::org::update_department,
            http::org::delete_department
        ))
        .routes(routes!(http::org::list_staff, http::org::create_staff))
        .routes(routes!(
            http::org::get_staff,
            http::org::update_staff,
            http::org::delete_staff
        ))
        .routes(routes!(http::system::list_users, http::system::create_user))
        .routes(routes!(http::system::get_user, http::system::update_user))
        .routes(routes!(http::system::lock_user))
        .routes(routes!(http::system::unlock_user))
        .routes(routes!(http::system::reset_user_password))
        .routes(routes!(http::system::set_user_roles))
        .routes(routes!(http::system::list_roles, http::system::create_role))
        .routes(routes!(http::system::update_role, http::system::delete_role))
        .routes(routes!(http::system::get_scope_units, http::system::set_scope_units))
        .routes(routes!(http::system::list_permissions))
        .routes(routes!(http::registry::list_buildings, http::registry::create_building))
        .routes(routes!(http::registry::get_building, http::registry::update_building))
        .routes(routes!(http::registry::list_houses, http::registry::create_house))
        .routes(routes!(http::registry::get_house, http::registry::update_house))
        .routes(routes!(http::registry::list_residents, http::registry::create_resident))
        .routes(routes!(http::registry::get_resident, http::registry::update_resident))
        .routes(routes!(http::registry::move_in))
        .routes(routes!(
            http::registry::list_special_groups,
            http::registry::add_special_group
        ))
        .routes(routes!(http::registry::move_out))
        .routes(routes!(http::registry::registry_summary))
        .routes(routes!(http::registry::dicts))
        .routes(routes!(
            http::places::list_property_companies,
            http::places::create_property_company
        ))
        .routes(routes!(
            http::places::get_property_company,
            http::places::update_property_company
        ))
        .routes(routes!(http::places::list_key_places, http::places::create_key_place))
        .routes(routes!(http::places::get_key_place, http::places::update_key_place))
        .routes(routes!(
            http::places::list_key_enterprises,
            http::places::create_key_enterprise
        ))
        .routes(routes!(
            http::places::get_key_enterprise,
            http::places::update_key_enterprise
        ))
        .routes(routes!(http::registry::export_residents))
        .routes(routes!(http::registry::export_buildings))
        .routes(routes!(http::registry::export_houses))
        .routes(routes!(http::imports::import_template))
        .routes(routes!(http::imports::get_import))
        .routes(routes!(http::imports::rejected_rows))
        .merge(
            OpenApiRouter::new()
                .routes(routes!(http::imports::start_import))
                .layer(DefaultBodyLimit::max(512 * 1024 * 1024)),
        )
        .routes(routes!(http::cases::list_case_categories))
        .routes(routes!(http::cases::update_case_item))
        .routes(routes!(http::cases::get_calendar, http::cases::set_calendar))
        .routes(routes!(http::cases::list_cases, http::cases::create_case))
        .routes(routes!(http::cases::case_inbox))
        .routes(routes!(http::cases::case_stats))
        .routes(routes!(http::cases::get_case))
        .routes(routes!(http::cases::case_action))
        .routes(routes!(http::cases::merge_case))
        .merge(
            OpenApiRouter::new()
                .routes(routes!(http::cases::upload_case_photo))
                .layer(http::cases::photo_body_limit()),
        )
        .routes(routes!(http::cases::get_case_photo))
        .routes(routes!(http::cases::get_case_photo_thumb))
        .routes(routes!(http::cases::list_api_keys, http::cases::create_api_key))
        .routes(routes!(http::map::map_config))
        .routes(routes!(http::map::map_tile))
        .routes(routes!(http::map::map_features))
        .routes(routes!(http::map::map_feature))
        .routes(routes!(http::map::map_query))
        .routes(routes!(http::map::map_query_xlsx))
        .routes(routes!(http::map::map_thematic))
        .routes(routes!(http::map::map_heat))
        .routes(routes!(http::map::map_search))
        .routes(routes!(http::map::list_regrid_runs, http::map::start_regrid_run))
        .routes(routes!(http::map::get_regrid_run))
        .routes(routes!(http::audit::list_audit_logs))
        .routes(routes!(http::audit::list_login_logs))
}

pub fn openapi_json() -> String {
    let (_, api) = api_router().split_for_parts();
    api.to_pretty_json().unwrap_or_default()
}

async fn api_not_found() -> AppError {
    AppError::not_found()
}

pub fn router(state: AppState) -> Router {
    let (api, doc) = api_router().split_for_parts();
    let doc = Arc::new(doc.to_pretty_json().unwrap_or_default());
    let max_body = state.config.security.max_body_bytes;
    Router::new()
        .merge(api)
        .route(
            "/api/openapi.json",
            axum::routing::get(move || {
                let d = doc.clone();
                async move { ([(header::CONTENT_TYPE, "application/json")], (*d).clone()) }
            }),
        )
        .route("/api/docs", axum::routing::get(http::meta::api_docs))
        .merge(http::open311::routes())
        .route("/api/{*rest}", axum::routing::any(api_not_found))
        .fallback(crate::web::serve)
        .layer(DefaultBodyLimit::max(max_body))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .layer(CatchPanicLayer::custom(|_| {
            AppError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "服务器内部错误，请稍后再试",
            )
            .into_response()
        }))
        .with_state(state)
}
