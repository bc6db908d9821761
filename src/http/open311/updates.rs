//! mySociety's service request updates (`servicerequestupdates.{json,xml}`): each timeline row of a
//! public case as an update with one of FixMyStreet's extended statuses, so a client follows a
//! case through 受理, 派遣, 处置 and 结案 instead of seeing only open and closed.
use std::collections::HashMap;

use axum::http::StatusCode;
use axum::response::Response;
use chrono::{TimeDelta, Utc};
use serde_json::{Value, json};
use zongguan_db::cases::{self, PublicUpdate};

use super::format::{Format, error, internal, parse_time, respond, w3c};
use crate::app::AppState;

/// The extended status a timeline row leaves the case in. Only a case closed after its result
/// was verified on site is `fixed`: a rejected case is `no_further_action`, a merged one
/// `duplicate`, and a returned one goes back to `investigating` (or, returned from feedback,
/// to `in_progress`).
pub fn status_of(action: &str, to_state: &str) -> &'static str {
    match (action, to_state) {
        ("report", _) => "open",
        ("merge", _) => "duplicate",
        ("reject", _) | (_, "rejected") => "no_further_action",
        ("close", _) => "fixed",
        ("accept" | "escalate", _) => "investigating",
        ("return", "reported" | "accepted") => "investigating",
        ("dispatch", _) => "action_scheduled",
        // Anything else on a closed case (none today) says no more than that.
        (_, "closed") => "closed",
        (_, "reported" | "accepted") => "investigating",
        (_, "dispatched") => "action_scheduled",
        // start, feedback, verify (either result), rework, supervise, pause, resume, extend.
        _ => "in_progress",
    }
}

fn update_json(u: &PublicUpdate) -> Value {
    let description = if u.note.is_empty() {
        u.action_name.clone()
    } else {
        format!("{}：{}", u.action_name, u.note)
    };
    json!({
        "update_id": u.id.to_string(),
        "service_request_id": u.case_code,
        "status": status_of(&u.action, &u.to_state),
        "updated_datetime": w3c(u.at),
        "description": description,
        "media_url": u.media_url,
    })
}

/// Updates of public service requests between `start_date` and `end_date` (W3C times; default
/// the last 24 hours), oldest first, at most 1,000.
#[utoipa::path(get, path = "/open311/v2/servicerequestupdates.{format}", tag = "open311",
    params(("format" = String, Path), ("start_date" = Option<String>, Query), ("end_date" = Option<String>, Query)),
    responses((status = 200, description = "[{update_id, service_request_id, status, updated_datetime, description, media_url}]; status is open | investigating | action_scheduled | in_progress | fixed | closed | duplicate | no_further_action"), (status = 400, description = "invalid date")))]
pub async fn list_updates(st: &AppState, q: &HashMap<String, String>, f: Format) -> Response {
    let mut times = [None, None];
    for (slot, key) in times.iter_mut().zip(["start_date", "end_date"]) {
        if let Some(v) = q.get(key).map(|s| s.trim()).filter(|s| !s.is_empty()) {
            match parse_time(v) {
                Some(t) => *slot = Some(t),
                None => {
                    return error(
                        f,
                        StatusCode::BAD_REQUEST,
                        &format!("{key} must be a w3c date-time with a time zone"),
                    );
                }
            }
        }
    }
    let to = times[1].unwrap_or_else(Utc::now);
    let from = times[0].unwrap_or(to - TimeDelta::days(1));
    if from > to {
        return error(f, StatusCode::BAD_REQUEST, "start_date must not be after end_date");
    }
    match cases::public_updates(&st.db, from, to, 1000).await {
        Ok(list) => respond(
            StatusCode::OK,
            f,
            "service_requests_updates",
            Value::Array(list.iter().map(update_json).collect()),
        ),
        Err(e) => internal(f, e),
    }
}

#[cfg(test)]
mod tests {
    use super::status_of;

    #[test]
    fn only_a_verified_and_closed_case_is_fixed() {
        assert_eq!(status_of("report", "reported"), "open");
        assert_eq!(status_of("accept", "accepted"), "investigating");
        assert_eq!(status_of("dispatch", "dispatched"), "action_scheduled");
        assert_eq!(status_of("start", "handling"), "in_progress");
        assert_eq!(status_of("feedback", "feedback"), "in_progress");
        assert_eq!(status_of("verify", "verified"), "in_progress");
        assert_eq!(status_of("verify", "handling"), "in_progress");
        assert_eq!(status_of("close", "closed"), "fixed");
        assert_eq!(status_of("reject", "rejected"), "no_further_action");
        assert_eq!(status_of("merge", "closed"), "duplicate");
        assert_eq!(status_of("return", "accepted"), "investigating");
        assert_eq!(status_of("return", "reported"), "investigating");
        assert_eq!(status_of("return", "handling"), "in_progress");
        assert_eq!(status_of("escalate", "reported"), "investigating");
        assert_eq!(status_of("pause", "dispatched"), "action_scheduled");
        assert_eq!(status_of("supervise", "handling"), "in_progress");
    }
}
