//! Every route of the server in one place: the documented API, Open311, the docs and the web app.
use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse};
use axum::routing::{any, get};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::AppState;
use crate::error::AppError;
use crate::{http, openapi};

/// The documented API: each route with its OpenAPI operation.
pub fn api_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(openapi::base())
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
        .routes(routes!(http::item_suggest::suggest_case_items))
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
        .routes(routes!(http::cases::revoke_api_key))
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
        .routes(routes!(
            http::governance::disputes::list_disputes,
            http::governance::disputes::create_dispute
        ))
        .routes(routes!(http::governance::disputes::get_dispute))
        .routes(routes!(http::governance::disputes::assign_dispute))
        .routes(routes!(http::governance::disputes::record_dispute_session))
        .routes(routes!(http::governance::disputes::record_dispute_agreement))
        .routes(routes!(http::governance::disputes::fail_dispute))
        .routes(routes!(http::governance::disputes::close_dispute))
        .routes(routes!(http::governance::disputes::supervise_dispute))
        .routes(routes!(
            http::governance::disputes::list_dispute_screenings,
            http::governance::disputes::report_dispute_screening
        ))
        .routes(routes!(http::governance::disputes::dispute_rounds_due))
        .routes(routes!(http::governance::disputes::dispute_tally))
        .routes(routes!(http::governance::disputes::export_dispute_tally))
        .routes(routes!(
            http::governance::notices::list_notices,
            http::governance::notices::issue_notice
        ))
        .routes(routes!(http::governance::notices::get_notice))
        .routes(routes!(http::governance::notices::notice_document))
        .routes(routes!(http::governance::notices::void_notice))
        .routes(routes!(http::governance::notices::record_return_slip))
        .routes(routes!(http::governance::notices::list_notice_templates))
        .routes(routes!(http::governance::notices::save_notice_template))
        .routes(routes!(
            http::governance::notices::get_notice_prefix,
            http::governance::notices::save_notice_prefix
        ))
        .routes(routes!(http::notifications::list_notifications))
        .routes(routes!(http::notifications::unread_count))
        .routes(routes!(http::notifications::mark_read))
        .routes(routes!(http::notifications::mark_all_read))
        .routes(routes!(http::notifications::events))
        .routes(routes!(http::governance::registers::intake_register))
        .routes(routes!(http::governance::registers::export_intake_register))
        .routes(routes!(http::governance::registers::rectification_register))
        .routes(routes!(http::governance::registers::export_rectification_register))
        .routes(routes!(http::governance::rental::list_rental_houses))
        .routes(routes!(http::governance::rental::propose_rental_classes))
        .routes(routes!(http::governance::rental::get_rental_house))
        .routes(routes!(http::governance::rental::rental_house_plate))
        .routes(routes!(http::governance::rental::classify_rental_house))
        .routes(routes!(
            http::governance::rental::list_house_inspections,
            http::governance::rental::create_inspection
        ))
        .routes(routes!(http::governance::rental::list_inspections))
        .routes(routes!(http::governance::rental::mark_rectified))
        .routes(routes!(http::governance::rental::case_from_finding))
        .routes(routes!(http::governance::rental::list_checklists))
        .routes(routes!(
            http::governance::governance_map::list_inspection_tasks,
            http::governance::governance_map::create_inspection_tasks
        ))
        .routes(routes!(
            http::governance::governance_map::list_cameras,
            http::governance::governance_map::create_camera
        ))
        .routes(routes!(
            http::governance::governance_map::update_camera,
            http::governance::governance_map::delete_camera
        ))
        .routes(routes!(
            http::governance::rental::get_rental_rules,
            http::governance::rental::save_rental_rules
        ))
        .routes(routes!(
            http::governance::petitions::list_petitions,
            http::governance::petitions::create_petition
        ))
        .routes(routes!(http::governance::petitions::get_petition))
        .routes(routes!(http::governance::petitions::petition_step))
        .routes(routes!(http::governance::petitions::petition_figures))
        .routes(routes!(
            http::governance::petitions::get_petition_limits,
            http::governance::petitions::save_petition_limits
        ))
        .routes(routes!(
            http::governance::settings::get_dispute_settings,
            http::governance::settings::save_dispute_settings
        ))
        .routes(routes!(
            http::governance::settings::get_stability_settings,
            http::governance::settings::save_stability_settings
        ))
        .routes(routes!(
            http::governance::stability::list_incidents,
            http::governance::stability::create_incident
        ))
        .routes(routes!(http::governance::stability::get_incident))
        .routes(routes!(http::governance::stability::report_up))
        .routes(routes!(http::governance::stability::add_follow_up))
        .routes(routes!(http::governance::stability::close_incident))
        .routes(routes!(http::governance::stability::due_visits))
        .routes(routes!(
            http::governance::stability::list_visits,
            http::governance::stability::record_visit
        ))
        .routes(routes!(
            http::governance::stability::list_teams,
            http::governance::stability::create_team
        ))
        .routes(routes!(
            http::governance::stability::get_team,
            http::governance::stability::update_team,
            http::governance::stability::delete_team
        ))
        .routes(routes!(http::governance::stability::add_member))
        .routes(routes!(http::governance::stability::remove_member))
        .routes(routes!(http::governance::stability::add_roster))
        .routes(routes!(http::governance::stability::remove_roster))
        .routes(routes!(http::governance::stability::add_log))
        .routes(routes!(http::audit::list_audit_logs))
        .routes(routes!(http::audit::export_audit_logs))
        .routes(routes!(http::audit::list_login_logs))
}

/// Open311 GeoReport v2: `{file}` is `name.json` or `name.xml` (documented in `Open311Doc`).
fn open311_routes() -> Router<AppState> {
    use http::open311::{request_get, root_get, root_post, service_get, token_get};
    Router::new()
        .route(
            "/open311/v2/{file}",
            get(root_get).post(root_post).layer(http::cases::photo_body_limit()),
        )
        .route("/open311/v2/services/{file}", get(service_get))
        .route("/open311/v2/requests/{file}", get(request_get))
        .route("/open311/v2/tokens/{file}", get(token_get))
}

/// The OpenAPI document as served (`zongguan openapi`, the snapshot test).
pub fn openapi_json() -> String {
    let (_, doc) = api_router().split_for_parts();
    openapi::Document::new(&doc).json
}

async fn api_not_found() -> AppError {
    AppError::not_found()
}

pub fn router(state: AppState) -> Router {
    let (api, doc) = api_router().split_for_parts();
    let doc = Arc::new(openapi::Document::new(&doc));
    let page = doc.clone();
    let max_body = state.config.security.max_body_bytes;
    Router::new()
        .merge(api)
        .route(
            "/api/openapi.json",
            get(move || {
                let d = doc.clone();
                async move { ([(header::CONTENT_TYPE, "application/json")], d.json.clone()) }
            }),
        )
        .route(
            "/api/docs",
            get(move || {
                let p = page.clone();
                async move { Html(p.page.clone()) }
            }),
        )
        .merge(open311_routes())
        .route("/api/{*rest}", any(api_not_found))
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
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            crate::headers::content_security_policy(&state.config),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(tower::util::option_layer(
            crate::headers::strict_transport_security(&state.config)
                .map(|v| SetResponseHeaderLayer::overriding(header::STRICT_TRANSPORT_SECURITY, v)),
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
