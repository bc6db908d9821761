//! The map office (图上办公): vector tiles per layer, GeoJSON features, popups, spatial query,
//! thematic maps, the case heatmap, search, and the runs that re-assign buildings to grids.
use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{NaiveDate, TimeZone};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use zongguan_core::coords::Crs;
use zongguan_core::geometry;
use zongguan_db::Actor;
use zongguan_db::map::{self, FeatureCollection, Heat, PopupFeature, QueryResult, SearchHit, Thematic};
use zongguan_db::regrid::{self, RegridRun};

use crate::app::AppState;
use crate::caller::Caller;
use crate::error::{ApiError, ApiJson, ApiPath, ApiQuery, AppError, AppResult};

use super::list_type;
use zongguan_core::permission::Permission;

list_type!(RegridRunList, RegridRun);

/// The caller below the edge; every map endpoint needs `map:read`.
fn map_reader(c: &Caller) -> AppResult<Actor> {
    c.require(Permission::MapRead)?;
    Ok(c.actor())
}

/// Cases on the map (their layer, heatmap and thematic metrics) need a case reader's permission.
fn require_case_reader(a: &Actor) -> AppResult<()> {
    if map::reads_cases(a) {
        Ok(())
    } else {
        Err(AppError::forbidden(&zongguan_core::permission::any_of(
            &map::CASE_READERS,
        )))
    }
}

fn check_layer(layer: &str) -> AppResult<()> {
    if map::LAYERS.contains(&layer) {
        Ok(())
    } else {
        Err(AppError::invalid(
            "layer",
            format!("图层须为 {}", map::LAYERS.join("、")),
        ))
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MapLayerInfo {
    pub name: String,
    pub title: String,
    /// polygon | point
    pub kind: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MetricInfo {
    pub code: String,
    pub title: String,
    pub unit: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BaseMap {
    /// xyz
    pub kind: String,
    pub url: String,
    /// wgs84 | gcj02
    pub crs: String,
    pub attribution: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MapConfig {
    /// Where the view starts: the centre of the caller's area.
    pub center: [f64; 2],
    pub zoom: f64,
    /// The caller's area, `[minlon, minlat, maxlon, maxlat]`.
    pub extent: Option<[f64; 4]>,
    pub base_map: Option<BaseMap>,
    pub layers: Vec<MapLayerInfo>,
    pub thematic_metrics: Vec<MetricInfo>,
}

const LAYER_TITLES: [(&str, &str, &str); 9] = [
    ("divisions", "行政区划", "polygon"),
    ("grids", "网格", "polygon"),
    ("buildings", "楼栋", "point"),
    ("key_places", "重点场所", "point"),
    ("key_enterprises", "重点企业", "point"),
    ("cases", "事件", "point"),
    ("rental_houses", "出租屋", "point"),
    ("overdue_inspections", "巡查超期出租屋", "point"),
    ("cameras", "视频监控", "point"),
];

/// Rental layers and metrics need `rental:read`, cameras `camera:read`, like cases need a reader.
fn require_layer_reader(a: &Actor, layer: &str) -> AppResult<()> {
    if layer == "cases" {
        require_case_reader(a)?;
    }
    if map::RENTAL_LAYERS.contains(&layer) && !map::reads_rental(a) {
        return Err(AppError::forbidden(Permission::RentalRead.code()));
    }
    if layer == "cameras" && !map::reads_cameras(a) {
        return Err(AppError::forbidden(Permission::CameraRead.code()));
    }
    Ok(())
}

/// May the actor see this layer in the list?
fn shows_layer(a: &Actor, layer: &str) -> bool {
    match layer {
        "cases" => map::reads_cases(a),
        "cameras" => map::reads_cameras(a),
        l if map::RENTAL_LAYERS.contains(&l) => map::reads_rental(a),
        _ => true,
    }
}

/// The layers, the thematic metrics, the optional base map and where to start.
#[utoipa::path(get, path = "/api/v1/map/config", tag = "map", responses((status = 200, body = MapConfig), (status = 403, body = ApiError)))]
pub async fn map_config(State(st): State<AppState>, caller: Caller) -> AppResult<Json<MapConfig>> {
    use geo::BoundingRect;
    let v = map_reader(&caller)?;
    let layers = st.db.map.layers(&st.db).await?;
    let seen = map::Visible::new(&v, &layers.units).units;
    let cases = map::reads_cases(&v);
    // The caller's area: the union of the boxes of the top visible units.
    let mut extent: Option<[f64; 4]> = None;
    for u in layers
        .units
        .list
        .iter()
        .filter(|u| seen.contains(&u.id) && !u.parent_id.is_some_and(|p| seen.contains(&p)))
    {
        if let Some(r) = u.shape.bounding_rect() {
            extent = Some(match extent {
                None => [r.min().x, r.min().y, r.max().x, r.max().y],
                Some(e) => [
                    e[0].min(r.min().x),
                    e[1].min(r.min().y),
                    e[2].max(r.max().x),
                    e[3].max(r.max().y),
                ],
            });
        }
    }
    let center = extent
        .map(|e| [(e[0] + e[2]) / 2.0, (e[1] + e[3]) / 2.0])
        .unwrap_or([114.2470, 22.7200]);
    let zoom = extent
        .map(|e| {
            (360.0 / (e[2] - e[0]).max(e[3] - e[1]).max(1e-4))
                .log2()
                .floor()
                .clamp(3.0, 18.0)
                + 1.0
        })
        .unwrap_or(11.0);
    let m = &st.config.map;
    let base_map = m.base_url.as_ref().filter(|u| !u.trim().is_empty()).map(|url| BaseMap {
        kind: "xyz".into(),
        url: url.clone(),
        crs: m
            .base_crs
            .clone()
            .filter(|c| Crs::parse(c) == Some(Crs::Gcj02))
            .map(|_| "gcj02".to_string())
            .unwrap_or_else(|| "wgs84".into()),
        attribution: m.base_attribution.clone().unwrap_or_default(),
    });
    Ok(Json(MapConfig {
        center,
        zoom,
        extent,
        base_map,
        layers: LAYER_TITLES
            .iter()
            .filter(|(n, ..)| shows_layer(&v, n))
            .map(|(n, t, k)| MapLayerInfo {
                name: (*n).into(),
                title: (*t).into(),
                kind: (*k).into(),
            })
            .collect(),
        thematic_metrics: map::METRICS
            .iter()
            .filter(|(c, ..)| {
                (cases || !c.ends_with("_cases")) && (map::reads_rental(&v) || !map::RENTAL_METRICS.contains(c))
            })
            .map(|(c, t, u)| MetricInfo {
                code: (*c).into(),
                title: (*t).into(),
                unit: (*u).into(),
            })
            .collect(),
    }))
}

/// A Mapbox Vector Tile (v2, extent 4096) of one layer; the MVT layer is named like the layer.
/// Point layers are aggregated at low zoom: cluster features carry `cluster` and `count`.
#[utoipa::path(get, path = "/api/v1/map/tiles/{layer}/{z}/{x}/{y}", tag = "map",
    params(("layer" = String, Path, description = "divisions | grids | buildings | key_places | key_enterprises | cases | rental_houses | overdue_inspections | cameras"), ("z" = u8, Path), ("x" = u32, Path), ("y" = String, Path, description = "the row followed by `.mvt`, e.g. `445.mvt`")),
    responses((status = 200, content_type = "application/vnd.mapbox-vector-tile"), (status = 404, body = ApiError)))]
pub async fn map_tile(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath((layer, z, x, y)): ApiPath<(String, u8, u32, String)>,
) -> AppResult<Response> {
    let v = map_reader(&caller)?;
    check_layer(&layer)?;
    require_layer_reader(&v, &layer)?;
    let y: u32 = y
        .strip_suffix(".mvt")
        .unwrap_or(&y)
        .parse()
        .map_err(|_| AppError::not_found())?;
    let layers = st.db.map.layers(&st.db).await?;
    let bytes = map::tile(&layers, &v, &layer, z, x, y).ok_or_else(AppError::not_found)?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/vnd.mapbox-vector-tile"),
            (header::CACHE_CONTROL, "private, max-age=15"),
        ],
        bytes,
    )
        .into_response())
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FeaturesQuery {
    pub layer: String,
    /// `minlon,minlat,maxlon,maxlat` (WGS-84).
    pub bbox: String,
}

fn parse_bbox(s: &str) -> AppResult<map::Bbox> {
    let v: Vec<f64> = s
        .split(',')
        .map(|p| p.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .map_err(|_| AppError::invalid("bbox", "bbox 须为 最小经度,最小纬度,最大经度,最大纬度"))?;
    match v.as_slice() {
        [a, b, c, d] if a <= c && b <= d && v.iter().all(|x| x.is_finite()) => Ok((*a, *b, *c, *d)),
        _ => Err(AppError::invalid(
            "bbox",
            "bbox 须为 最小经度,最小纬度,最大经度,最大纬度",
        )),
    }
}

/// A GeoJSON FeatureCollection of one layer in a small box (at most 5,000 features; `truncated` says more were there).
#[utoipa::path(get, path = "/api/v1/map/features", tag = "map", params(FeaturesQuery), responses((status = 200, body = FeatureCollection), (status = 422, body = ApiError)))]
pub async fn map_features(
    State(st): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<FeaturesQuery>,
) -> AppResult<Json<FeatureCollection>> {
    let v = map_reader(&caller)?;
    check_layer(&q.layer)?;
    require_layer_reader(&v, &q.layer)?;
    let bb = parse_bbox(&q.bbox)?;
    let layers = st.db.map.layers(&st.db).await?;
    Ok(Json(
        map::features(&layers, &v, &q.layer, bb).ok_or_else(|| AppError::invalid("layer", "未知图层"))?,
    ))
}

/// One feature with what its popup shows (personal data masked) and a `link` to its record.
#[utoipa::path(get, path = "/api/v1/map/features/{layer}/{id}", tag = "map", params(("layer" = String, Path), ("id" = i64, Path)), responses((status = 200, body = PopupFeature), (status = 404, body = ApiError)))]
pub async fn map_feature(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath((layer, id)): ApiPath<(String, i64)>,
) -> AppResult<Json<PopupFeature>> {
    let v = map_reader(&caller)?;
    check_layer(&layer)?;
    Ok(Json(map::feature_detail(&st.db, &v, &layer, id).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Circle {
    pub lon: f64,
    pub lat: f64,
    pub radius_m: f64,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MapQuery {
    /// GeoJSON Polygon or MultiPolygon.
    #[schema(value_type = Option<map::Area>)]
    pub geometry: Option<serde_json::Value>,
    /// Or a circle.
    pub circle: Option<Circle>,
    /// The coordinates' system: wgs84 (default), gcj02 or bd09 (converted to WGS-84 here).
    pub crs: Option<String>,
}

impl MapQuery {
    fn shape(&self) -> AppResult<geo::MultiPolygon<f64>> {
        use geo::MapCoords;
        let crs = match self.crs.as_deref() {
            None => Crs::Wgs84,
            Some(c) => Crs::parse(c).ok_or_else(|| AppError::invalid("crs", "坐标系须为 wgs84、gcj02 或 bd09"))?,
        };
        let shape = match (&self.geometry, &self.circle) {
            (Some(g), _) => geometry::from_geojson(g)
                .ok_or_else(|| AppError::invalid("geometry", "查询范围须为 GeoJSON 的 Polygon 或 MultiPolygon"))?,
            (None, Some(c)) => {
                if !(c.radius_m > 0.0 && c.radius_m <= 50_000.0) {
                    return Err(AppError::invalid("circle.radius_m", "半径须在 0 到 50000 米之间"));
                }
                geometry::circle(c.lon, c.lat, c.radius_m)
            }
            (None, None) => return Err(AppError::invalid("geometry", "请画出查询范围（多边形或圆）")),
        };
        if shape.0.iter().any(|p| p.exterior().0.len() < 4) {
            return Err(AppError::invalid("geometry", "多边形至少需要 3 个顶点"));
        }
        geometry::check_coordinates(&shape).map_err(|m| AppError::invalid("geometry", m))?;
        if !geo::Validation::is_valid(&shape) {
            return Err(AppError::invalid("geometry", "查询范围无效：边自相交或环重叠"));
        }
        Ok(shape.map_coords(|c| {
            let (x, y) = crs.to_wgs84(c.x, c.y);
            geo::Coord { x, y }
        }))
    }
}

/// What lies inside a polygon or circle: counts (residents by type and special group, buildings,
/// houses, rental houses, key places, open cases) and the first records of each.
#[utoipa::path(post, path = "/api/v1/map/query", tag = "map", request_body = MapQuery, responses((status = 200, body = QueryResult), (status = 422, body = ApiError)))]
pub async fn map_query(
    State(st): State<AppState>,
    caller: Caller,
    ApiJson(q): ApiJson<MapQuery>,
) -> AppResult<Json<QueryResult>> {
    let v = map_reader(&caller)?;
    Ok(Json(map::query(&st.db, &v, q.shape()?, 200).await?))
}

/// The spatial query's buildings (with their counts) as XLSX.
#[utoipa::path(post, path = "/api/v1/map/query.xlsx", tag = "map", request_body = MapQuery,
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (status = 422, body = ApiError)))]
pub async fn map_query_xlsx(
    State(st): State<AppState>,
    caller: Caller,
    ApiJson(q): ApiJson<MapQuery>,
) -> AppResult<Response> {
    let v = map_reader(&caller)?;
    let r = map::query(&st.db, &v, q.shape()?, 100_000).await?;
    let layers = st.db.map.layers(&st.db).await?;
    let mut out = crate::http::registry::Export::new(
        "范围内楼栋",
        &[
            "楼栋编码",
            "楼栋名称",
            "所属网格",
            "经度",
            "纬度",
            "实有人口",
            "房屋",
            "出租屋",
        ],
    )?;
    for b in r.buildings {
        let grid = layers.units.get(b.grid_id).map(|u| u.name.clone()).unwrap_or_default();
        let n = |x: Option<u64>| x.map(|v| v.to_string()).unwrap_or_default();
        out.row(&[
            b.code,
            b.name,
            grid,
            format!("{:.6}", b.lon),
            format!("{:.6}", b.lat),
            n(b.residents),
            n(b.houses),
            n(b.rental_houses),
        ])?;
    }
    out.finish("空间查询楼栋清单.xlsx").await
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ThematicQuery {
    /// grid | community | subdistrict
    pub level: Option<String>,
    /// residents | migrant_share | rental_per_100 | open_cases | overdue_cases | overdue_inspections | rental_by_class
    pub metric: String,
    /// Number of classes (1–9, default 5).
    pub classes: Option<usize>,
}

/// A thematic map: a value per grid or community and quantile class breaks.
#[utoipa::path(get, path = "/api/v1/map/thematic", tag = "map", params(ThematicQuery), responses((status = 200, body = Thematic), (status = 422, body = ApiError)))]
pub async fn map_thematic(
    State(st): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<ThematicQuery>,
) -> AppResult<Json<Thematic>> {
    let v = map_reader(&caller)?;
    if q.metric.ends_with("_cases") {
        require_case_reader(&v)?;
    }
    if map::RENTAL_METRICS.contains(&q.metric.as_str()) && !map::reads_rental(&v) {
        return Err(AppError::forbidden(Permission::RentalRead.code()));
    }
    Ok(Json(
        map::thematic(
            &st.db,
            &v,
            q.level.as_deref().unwrap_or("grid"),
            &q.metric,
            q.classes.unwrap_or(5),
        )
        .await?,
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HeatQuery {
    /// `YYYY-MM-DD`, first day (default 30 days ago).
    pub from: Option<String>,
    /// `YYYY-MM-DD`, last day included (default today).
    pub to: Option<String>,
    pub item_code: Option<String>,
}

/// Cases reported in a date range (Beijing time), binned for a heatmap.
#[utoipa::path(get, path = "/api/v1/map/heat", tag = "map", params(HeatQuery), responses((status = 200, body = Heat), (status = 422, body = ApiError)))]
pub async fn map_heat(
    State(st): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<HeatQuery>,
) -> AppResult<Json<Heat>> {
    let v = map_reader(&caller)?;
    require_case_reader(&v)?;
    let bj = zongguan_core::time::cst();
    let today = chrono::Utc::now().with_timezone(&bj).date_naive();
    let day = |field: &str, s: Option<&str>, default: NaiveDate| -> AppResult<NaiveDate> {
        match s.map(str::trim).filter(|s| !s.is_empty()) {
            Some(s) => {
                NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| AppError::invalid(field, "日期须为 YYYY-MM-DD"))
            }
            None => Ok(default),
        }
    };
    let from = day("from", q.from.as_deref(), today - chrono::Duration::days(29))?;
    let to = day("to", q.to.as_deref(), today)?;
    if to < from {
        return Err(AppError::invalid("to", "结束日期不能早于开始日期"));
    }
    let start = |d: NaiveDate| {
        bj.from_local_datetime(&d.and_hms_opt(0, 0, 0).unwrap_or_default())
            .single()
            .map(|t| t.with_timezone(&chrono::Utc))
    };
    let (Some(a), Some(b)) = (start(from), start(to + chrono::Duration::days(1))) else {
        return Err(AppError::invalid("from", "日期无效"));
    };
    Ok(Json(map::heat(&st.db, &v, a, b, q.item_code.as_deref()).await?))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    pub q: String,
}

/// Find an area, a building (code, name or address) or a key place, to fly to it.
#[utoipa::path(get, path = "/api/v1/map/search", tag = "map", params(SearchQuery), responses((status = 200, body = Vec<SearchHit>)))]
pub async fn map_search(
    State(st): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<SearchQuery>,
) -> AppResult<Json<Vec<SearchHit>>> {
    let v = map_reader(&caller)?;
    Ok(Json(map::search(&st.db, &v, &q.q, 10).await?))
}

/// The latest re-assignments of buildings to grids.
#[utoipa::path(get, path = "/api/v1/map/regrid-runs", tag = "map", responses((status = 200, body = RegridRunList)))]
pub async fn list_regrid_runs(State(st): State<AppState>, caller: Caller) -> AppResult<Json<RegridRunList>> {
    caller.require(Permission::OrgRead)?;
    Ok(Json(regrid::recent(&st.db, &caller.scope, 20).await?.into()))
}

/// Re-assign every building to the grid its point lies in (runs in the background; poll the run).
#[utoipa::path(post, path = "/api/v1/map/regrid-runs", tag = "map", responses((status = 202, body = RegridRun), (status = 403, body = ApiError)))]
pub async fn start_regrid_run(State(st): State<AppState>, caller: Caller) -> AppResult<(StatusCode, Json<RegridRun>)> {
    caller.require(Permission::OrgWrite)?;
    if caller.scope != zongguan_core::rbac::Scope::All {
        return Err(AppError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "全区楼栋重新划分网格须由全区范围的管理员发起",
        ));
    }
    let id = crate::jobs::regrid::start(&st, &caller.actor(), None).await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(regrid::get(&st.db, &caller.scope, id).await?),
    ))
}

/// One run: its status and the buildings it moved.
#[utoipa::path(get, path = "/api/v1/map/regrid-runs/{id}", tag = "map", params(("id" = i64, Path)), responses((status = 200, body = RegridRun), (status = 404, body = ApiError)))]
pub async fn get_regrid_run(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<RegridRun>> {
    caller.require(Permission::OrgRead)?;
    Ok(Json(regrid::get(&st.db, &caller.scope, id).await?))
}
