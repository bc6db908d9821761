//! The governance settings an administrator edits (治理参数), one shape for each: GET answers the
//! setting as stored, PUT takes the same body, checks it in core and answers it saved (audited);
//! a refusal is a 422 naming the value's path (`limits.mediate`). The rental rules and petition
//! limits keep their own paths (rental.rs, petitions.rs); the dispute and stability settings are here.
use axum::Json;
use axum::extract::State;
use serde::de::DeserializeOwned;
use zongguan_core::permission::Permission;
use zongguan_db::governance::{self, DisputeSettings, StabilitySettings};

use crate::app::AppState;
use crate::caller::Caller;
use crate::error::{ApiError, ApiJson, AppError, AppResult};

/// Reads a setting's body, or a 422 naming the full path of the first value that does not fit
/// (`limits.mediate.working_days`), under `prefix` when the body is one field of a larger one.
pub fn parse_setting<T: DeserializeOwned>(prefix: &str, v: serde_json::Value) -> AppResult<T> {
    serde_path_to_error::deserialize(v).map_err(|e| {
        let inner = e.path().to_string();
        let path = match (prefix, inner.as_str()) {
            (p, ".") => p.to_owned(),
            ("", i) => i.to_owned(),
            (p, i) => format!("{p}.{i}"),
        };
        if path.is_empty() {
            // A field missing from the body itself: serde's message names it.
            return AppError::new(
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                "validation",
                format!("取值格式有误：{}", e.inner()),
            );
        }
        AppError::invalid(&path, format!("取值格式有误（{path}）：{}", e.inner()))
    })
}

/// The step limits (交办, 调解, 回访, 督办后) and the screening cadences.
#[utoipa::path(get, path = "/api/v1/dispute-settings", tag = "governance", responses((status = 200, body = schema::DisputeSettings)))]
pub async fn get_dispute_settings(State(st): State<AppState>, caller: Caller) -> AppResult<Json<DisputeSettings>> {
    caller.require(Permission::GovernanceSettings)?;
    Ok(Json(governance::dispute_settings(&st.db.conn).await?))
}

/// Saves the step limits and screening cadences (audited); steps that start afterwards follow them.
#[utoipa::path(put, path = "/api/v1/dispute-settings", tag = "governance", request_body = schema::DisputeSettings,
    responses((status = 200, body = schema::DisputeSettings), (status = 422, body = ApiError)))]
pub async fn save_dispute_settings(
    State(st): State<AppState>,
    caller: Caller,
    ApiJson(v): ApiJson<serde_json::Value>,
) -> AppResult<Json<DisputeSettings>> {
    caller.require(Permission::GovernanceSettings)?;
    let s: DisputeSettings = parse_setting("", v)?;
    Ok(Json(
        governance::save_dispute_settings(&st.db, &caller.actor(), &s).await?,
    ))
}

/// The report-up limit per incident level and the visit schedule per special group.
#[utoipa::path(get, path = "/api/v1/stability-settings", tag = "governance", responses((status = 200, body = schema::StabilitySettings)))]
pub async fn get_stability_settings(State(st): State<AppState>, caller: Caller) -> AppResult<Json<StabilitySettings>> {
    caller.require(Permission::GovernanceSettings)?;
    Ok(Json(governance::stability_settings(&st.db.conn).await?))
}

/// Saves the report-up limits and the visit schedule (audited); new incidents and the next visits
/// due follow them.
#[utoipa::path(put, path = "/api/v1/stability-settings", tag = "governance", request_body = schema::StabilitySettings,
    responses((status = 200, body = schema::StabilitySettings), (status = 422, body = ApiError)))]
pub async fn save_stability_settings(
    State(st): State<AppState>,
    caller: Caller,
    ApiJson(v): ApiJson<serde_json::Value>,
) -> AppResult<Json<StabilitySettings>> {
    caller.require(Permission::GovernanceSettings)?;
    let s: StabilitySettings = parse_setting("", v)?;
    Ok(Json(
        governance::save_stability_settings(&st.db, &caller.actor(), &s).await?,
    ))
}

/// The settings' shapes as the OpenAPI document describes them, for the front end's generated
/// types. Core stays free of the schema derive, so these mirror its types field for field; the
/// tests below hold each mirror to the JSON core writes and reads.
pub mod schema {
    use std::collections::BTreeMap;

    use serde::{Deserialize, Serialize};
    use utoipa::ToSchema;

    /// A step limit: natural hours, or working days on the calendar.
    #[derive(Debug, Serialize, Deserialize, ToSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum StepLimit {
        Hours(u32),
        WorkingDays(u32),
    }

    #[derive(Debug, Serialize, Deserialize, ToSchema)]
    #[serde(deny_unknown_fields)]
    pub struct DisputeLimits {
        /// 交办：from registration to assignment.
        pub assign: StepLimit,
        /// 调解：from assignment to the end of mediation (an assignment may name its own deadline).
        pub mediate: StepLimit,
        /// 回访：from the end of mediation to the return visit.
        pub return_visit: StepLimit,
        /// 督办：the new limit a supervision sets.
        pub supervise: StepLimit,
    }

    #[derive(Debug, Serialize, Deserialize, ToSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum Cadence {
        /// 每半月 (1st–15th, 16th–last)
        HalfMonth,
        /// 每月
        Month,
    }

    #[derive(Debug, Serialize, Deserialize, ToSchema)]
    #[serde(deny_unknown_fields)]
    pub struct ScreeningSettings {
        pub community: Cadence,
        pub subdistrict: Cadence,
        /// Days after its period a round still counts as on time (0–15).
        pub grace_days: u32,
    }

    #[derive(Debug, Serialize, Deserialize, ToSchema)]
    #[serde(deny_unknown_fields)]
    pub struct DisputeSettings {
        pub limits: DisputeLimits,
        pub screening: ScreeningSettings,
    }

    #[derive(Debug, Serialize, Deserialize, ToSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum IncidentLevel {
        General,
        Large,
        Major,
        Extraordinary,
    }

    /// Minutes each unit has to report an incident of a level to the level above (1–1440; a more
    /// severe level no longer than a less severe one).
    #[derive(Debug, Serialize, Deserialize, ToSchema)]
    #[serde(deny_unknown_fields)]
    pub struct ReportMinutes {
        pub general: u32,
        pub large: u32,
        pub major: u32,
        pub extraordinary: u32,
    }

    #[derive(Debug, Serialize, Deserialize, ToSchema)]
    #[serde(deny_unknown_fields)]
    pub struct IncidentSettings {
        pub report_minutes: ReportMinutes,
        /// From this level up the district is told the moment the incident is recorded.
        pub district_at_once_from: IncidentLevel,
    }

    /// Days between visits at each attention level (1–365).
    #[derive(Debug, Serialize, Deserialize, ToSchema)]
    #[serde(deny_unknown_fields)]
    pub struct VisitIntervals {
        pub general: u32,
        pub medium: u32,
        pub serious: u32,
    }

    #[derive(Debug, Serialize, Deserialize, ToSchema)]
    #[serde(deny_unknown_fields)]
    pub struct VisitSchedule {
        /// By special-group code (`special_groups` dict); a group left out has no schedule.
        pub groups: BTreeMap<String, VisitIntervals>,
        /// Shown as due this many days before the due day (0–30).
        pub lead_days: u32,
    }

    #[derive(Debug, Serialize, Deserialize, ToSchema)]
    #[serde(deny_unknown_fields)]
    pub struct StabilitySettings {
        pub incidents: IncidentSettings,
        pub visit_schedule: VisitSchedule,
    }

    /// A petition term: calendar days (日), or working days (工作日).
    #[derive(Debug, Serialize, Deserialize, ToSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum TermDays {
        Calendar(u32),
        Working(u32),
    }

    /// The terms of the 信访工作条例, each counted from the day after its start.
    #[derive(Debug, Serialize, Deserialize, ToSchema)]
    #[serde(deny_unknown_fields)]
    pub struct PetitionLimits {
        /// 受理告知：decide and tell the petitioner within (statute: 15 日).
        pub acceptance: TermDays,
        /// 办理：handle within, from acceptance (60 日).
        pub handling: TermDays,
        /// 延期：the longest extension (≤ 30 日).
        pub extension: TermDays,
        /// How many extensions handling may have (0–3; the statute: 1).
        pub extensions: u32,
        /// 复查申请：the petitioner may ask within, from the answer (30 日).
        pub review_request: TermDays,
        /// 复查答复 (30 日).
        pub review_answer: TermDays,
        /// 复核申请 (30 日).
        pub re_review_request: TermDays,
        /// 复核答复 (30 日).
        pub re_review_answer: TermDays,
        /// A last day off work moves to the next working day.
        pub roll_over: bool,
        /// A duty shows as due this many days before its last day (0–30).
        pub warning_days: u32,
    }

    #[derive(Debug, Serialize, Deserialize, ToSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum RiskClass {
        Green,
        Yellow,
        Orange,
        Red,
    }

    /// Building safety grade (JGJ 125): a 安全, b 基本安全, c 局部危房, d 整幢危房.
    #[derive(Debug, Serialize, Deserialize, ToSchema)]
    pub enum BuildingCondition {
        #[serde(rename = "a")]
        A,
        #[serde(rename = "b")]
        B,
        #[serde(rename = "c")]
        C,
        #[serde(rename = "d")]
        D,
    }

    #[derive(Debug, Serialize, Deserialize, ToSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum Compliance {
        Compliant,
        Partial,
        NonCompliant,
    }

    #[derive(Debug, Serialize, Deserialize, ToSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum Sanitation {
        Good,
        Fair,
        Poor,
    }

    /// One fact compared with a threshold; ordered facts match "this bad or worse".
    #[derive(Debug, Serialize, Deserialize, ToSchema)]
    #[serde(tag = "fact", rename_all = "snake_case")]
    pub enum RuleCondition {
        Building {
            at_least: BuildingCondition,
        },
        OwnerCompliance {
            at_least: Compliance,
        },
        MajorHazards {
            at_least: u32,
        },
        Hazards {
            at_least: u32,
        },
        Sanitation {
            at_least: Sanitation,
        },
        /// Overcrowding (群租): less floor area per occupant than this.
        Crowding {
            below_m2: f64,
        },
        SpecialGroupTenants {
            at_least: u32,
        },
        RecentCases {
            at_least: u32,
        },
    }

    /// When the condition holds, the house is at least this class (yellow or above).
    #[derive(Debug, Serialize, Deserialize, ToSchema)]
    pub struct ClassRule {
        #[serde(flatten)]
        pub when: RuleCondition,
        pub class: RiskClass,
    }

    #[derive(Debug, Serialize, Deserialize, ToSchema)]
    #[serde(deny_unknown_fields)]
    pub struct ClassRules {
        /// How far back cases at the address count (1–365 days).
        pub case_window_days: u32,
        /// At most 100.
        pub rules: Vec<ClassRule>,
    }

    /// Days between inspections per class (1–365), from the last inspection.
    #[derive(Debug, Serialize, Deserialize, ToSchema)]
    #[serde(deny_unknown_fields)]
    pub struct InspectionSchedule {
        pub green: u32,
        pub yellow: u32,
        pub orange: u32,
        pub red: u32,
        pub unclassified: u32,
        pub lead_days: u32,
    }
}

#[cfg(test)]
mod tests {
    use serde::Serialize;
    use serde::de::DeserializeOwned;
    use serde_json::{Value, json};
    use zongguan_core::calendar::Limit;
    use zongguan_core::governance::petition_clock::{Days, PetitionLimits};
    use zongguan_core::governance::rental_class::{
        BuildingCondition, ClassRule, ClassRules, Compliance, Condition, InspectionSchedule, RiskClass, Sanitation,
    };
    use zongguan_core::governance::screening::{Cadence, ScreeningSettings};
    use zongguan_core::governance::stability::{IncidentLevel, IncidentSettings, VisitSchedule};

    use super::*;

    /// Core's JSON reads as the mirror and the mirror writes it back unchanged, and the other
    /// way round.
    fn same<Core: Serialize + DeserializeOwned, Mirror: Serialize + DeserializeOwned>(core: &Core) {
        let v = serde_json::to_value(core).expect("core serializes");
        let m: Mirror = serde_json::from_value(v.clone()).unwrap_or_else(|e| panic!("mirror reads {v}: {e}"));
        assert_eq!(serde_json::to_value(&m).expect("mirror serializes"), v);
        let back: Core = serde_json::from_value(v.clone()).expect("core reads its own");
        assert_eq!(serde_json::to_value(back).expect("serializes"), v);
    }

    #[test]
    fn the_mirrors_match_what_core_stores() {
        same::<DisputeSettings, schema::DisputeSettings>(&DisputeSettings {
            limits: Default::default(),
            screening: ScreeningSettings::default(),
        });
        for l in [Limit::Hours(24), Limit::WorkingDays(5)] {
            same::<Limit, schema::StepLimit>(&l);
        }
        for c in [Cadence::HalfMonth, Cadence::Month] {
            same::<Cadence, schema::Cadence>(&c);
        }
        same::<StabilitySettings, schema::StabilitySettings>(&StabilitySettings {
            incidents: IncidentSettings::default(),
            visit_schedule: VisitSchedule::default(),
        });
        for l in IncidentLevel::ALL {
            same::<IncidentLevel, schema::IncidentLevel>(&l);
        }
        same::<PetitionLimits, schema::PetitionLimits>(&PetitionLimits::default());
        for d in [Days::Calendar(15), Days::Working(15)] {
            same::<Days, schema::TermDays>(&d);
        }
        same::<ClassRules, schema::ClassRules>(&ClassRules::default());
        same::<InspectionSchedule, schema::InspectionSchedule>(&InspectionSchedule::default());
        for c in RiskClass::ALL {
            same::<RiskClass, schema::RiskClass>(&c);
        }
        for b in BuildingCondition::ALL {
            same::<BuildingCondition, schema::BuildingCondition>(b);
        }
        for c in Compliance::ALL {
            same::<Compliance, schema::Compliance>(c);
        }
        for s in Sanitation::ALL {
            same::<Sanitation, schema::Sanitation>(s);
        }
        // Every kind of condition, each with the threshold field it stores.
        let conditions = [
            Condition::Building {
                at_least: BuildingCondition::Dangerous,
            },
            Condition::OwnerCompliance {
                at_least: Compliance::Partial,
            },
            Condition::MajorHazards { at_least: 1 },
            Condition::Hazards { at_least: 2 },
            Condition::Sanitation {
                at_least: Sanitation::Poor,
            },
            Condition::Crowding { below_m2: 4.5 },
            Condition::SpecialGroupTenants { at_least: 1 },
            Condition::RecentCases { at_least: 3 },
        ];
        for when in conditions {
            same::<ClassRule, schema::ClassRule>(&ClassRule {
                when,
                class: RiskClass::Orange,
            });
        }
    }

    #[test]
    fn a_value_that_does_not_fit_is_named_by_its_full_path() {
        let bad = json!({"limits": {"assign": {"hours": 2}, "mediate": {"working_days": -1}}});
        let e = parse_setting::<DisputeSettings>("", bad).expect_err("refused");
        assert_eq!(e.field.as_deref(), Some("limits.mediate.working_days"));
        assert_eq!(e.status, axum::http::StatusCode::UNPROCESSABLE_ENTITY);
        let e = parse_setting::<PetitionLimits>("limits", json!({"acceptance": {"weeks": 2}})).expect_err("refused");
        assert_eq!(e.field.as_deref(), Some("limits.acceptance"));
        let e = parse_setting::<PetitionLimits>("limits", Value::Null).expect_err("refused");
        assert_eq!(e.field.as_deref(), Some("limits"));
        let e = parse_setting::<DisputeSettings>("", json!({})).expect_err("refused");
        assert_eq!((e.status.as_u16(), e.field), (422, None));
    }
}
