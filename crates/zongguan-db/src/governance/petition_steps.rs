//! The steps of a petition after registration, decided by `petition_flow` and timed by
//! `petition_clock`: acceptance (and assignment) or not, one approved extension, the answer with
//! the petitioner's right to a review, review and re-review asked and answered, the return visit
//! and closing. Each step writes the timeline and the audit in one transaction.
use chrono::{NaiveDate, Utc};
use sea_orm::{ActiveModelTrait, ActiveValue::Set};
use zongguan_core::governance::Satisfaction;
use zongguan_core::governance::petition_clock::{ClockRefusal, Extension, PetitionLimits, Term};
use zongguan_core::governance::petition_flow::{
    self, Clock, PetitionAction, PetitionFacts, PetitionRole, PetitionState, Refusal,
};

use super::petition_limits::petition_limits;
use super::petitions::{PetitionDetail, detail, event, facts, today, unit_in_scope, visible_petition};
use crate::audit::{self, Event};
use crate::entity::petition;
use crate::{Actor, Db, DbError, DbResult};

/// The steps, by the name in the path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PetitionStep {
    Accept,
    Reject,
    Extend,
    Answer,
    Review,
    ReviewAnswer,
    ReReview,
    ReReviewAnswer,
    ReturnVisit,
    Close,
}

impl PetitionStep {
    pub const ALL: [PetitionStep; 10] = [
        PetitionStep::Accept,
        PetitionStep::Reject,
        PetitionStep::Extend,
        PetitionStep::Answer,
        PetitionStep::Review,
        PetitionStep::ReviewAnswer,
        PetitionStep::ReReview,
        PetitionStep::ReReviewAnswer,
        PetitionStep::ReturnVisit,
        PetitionStep::Close,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PetitionStep::Accept => "accept",
            PetitionStep::Reject => "reject",
            PetitionStep::Extend => "extend",
            PetitionStep::Answer => "answer",
            PetitionStep::Review => "review",
            PetitionStep::ReviewAnswer => "review-answer",
            PetitionStep::ReReview => "re-review",
            PetitionStep::ReReviewAnswer => "re-review-answer",
            PetitionStep::ReturnVisit => "return-visit",
            PetitionStep::Close => "close",
        }
    }

    pub fn parse(name: &str) -> Option<PetitionStep> {
        PetitionStep::ALL.into_iter().find(|s| s.as_str() == name)
    }

    fn action(self) -> PetitionAction {
        match self {
            PetitionStep::Accept => PetitionAction::Accept,
            PetitionStep::Reject => PetitionAction::Reject,
            PetitionStep::Extend => PetitionAction::Extend,
            PetitionStep::Answer => PetitionAction::Answer,
            PetitionStep::Review => PetitionAction::RequestReview,
            PetitionStep::ReviewAnswer => PetitionAction::AnswerReview,
            PetitionStep::ReReview => PetitionAction::RequestReReview,
            PetitionStep::ReReviewAnswer => PetitionAction::AnswerReReview,
            PetitionStep::ReturnVisit => PetitionAction::ReturnVisit,
            PetitionStep::Close => PetitionAction::Close,
        }
    }
}

/// What a step carries, as the edge checked it; each step reads the fields it needs.
#[derive(Debug, Clone)]
pub struct StepInput {
    /// The day the step took effect (decision, answer, request, visit).
    pub on: NaiveDate,
    /// The answer, the review or re-review opinion, or the visit's feedback.
    pub text: String,
    /// Why not accepted; why extended.
    pub reason: String,
    /// The extension's days.
    pub days: Option<u32>,
    /// On acceptance: the unit assigned (default the unit that registered it).
    pub org_unit_id: Option<i64>,
    pub satisfaction: Option<Satisfaction>,
}

fn refusal(r: Refusal) -> DbError {
    match r {
        Refusal::NotForRole => DbError::Forbidden(r.to_string()),
        _ => DbError::Conflict(r.to_string()),
    }
}

fn clock_refusal(r: ClockRefusal) -> DbError {
    let m = r.to_string();
    match r {
        ClockRefusal::Late { .. } | ClockRefusal::Early { .. } => DbError::invalid("on", m),
        ClockRefusal::NoDays | ClockRefusal::TooLong { .. } => DbError::invalid("days", m),
        ClockRefusal::NoReason => DbError::invalid("reason", m),
        ClockRefusal::NotApproved => DbError::Forbidden(m),
        ClockRefusal::AlreadyExtended { .. } | ClockRefusal::PastDue { .. } => DbError::Conflict(m),
    }
}

/// The answer as sent to the petitioner: every answer tells of the next request and its term.
fn with_notice(text: &str, step: PetitionStep, l: &PetitionLimits) -> String {
    let tail = match step {
        PetitionStep::Answer => format!(
            "信访人对处理意见不服的，可以自收到书面答复之日起{}内请求原办理机关的上一级机关复查。",
            l.review_request.zh()
        ),
        PetitionStep::ReviewAnswer => format!(
            "信访人对复查意见不服的，可以自收到书面复查意见之日起{}内向复查机关的上一级机关请求复核。",
            l.re_review_request.zh()
        ),
        _ => "信访人对复核意见不服，仍以同一事实和理由提出投诉请求的，不再受理。".to_string(),
    };
    if text.contains(&tail) {
        text.to_string()
    } else {
        format!("{text}\n{tail}")
    }
}

fn need_text(s: &str, field: &str, what: &str) -> DbResult<()> {
    if s.trim().is_empty() {
        return Err(DbError::invalid(field, format!("请填写{what}")));
    }
    Ok(())
}

/// Takes one step on a petition the caller's scope reaches.
pub async fn petition_step(
    db: &Db,
    actor: &Actor,
    id: i64,
    step: PetitionStep,
    i: StepInput,
) -> DbResult<PetitionDetail> {
    let today = today();
    if i.on > today {
        return Err(DbError::invalid("on", "日期不能晚于今天"));
    }
    let cal = crate::cases::work_calendar(db).await?;
    let limits = petition_limits(&db.conn).await?;
    let txn = db.begin_write().await?;
    let p = visible_petition(&*txn, &actor.scope, id).await?;
    let f: PetitionFacts = facts(&p, today);
    // The caller's part is their permission (checked at the edge) within their scope.
    let roles = [PetitionRole::Center, PetitionRole::Handler, PetitionRole::Reviewer];
    let (_, out) = petition_flow::decide(&f, step.action(), &roles).map_err(refusal)?;
    let since = [
        Some(p.received_on),
        p.accepted_on,
        p.answered_on,
        p.review_requested_on,
        p.reviewed_on,
        p.re_review_requested_on,
        p.re_reviewed_on,
    ]
    .into_iter()
    .flatten()
    .max()
    .unwrap_or(p.received_on);
    if i.on < since && step != PetitionStep::ReturnVisit {
        return Err(DbError::invalid("on", format!("日期不能早于上一环节（{since}）")));
    }
    let number = p.number.clone();
    let mut am: petition::ActiveModel = p.clone().into();
    let mut state = out.state;
    let mut term = match out.clock {
        Clock::Start(t) => Some(t),
        Clock::Keep | Clock::Extend => p.term.as_deref().and_then(Term::parse),
        Clock::Stop => None,
    };
    let mut due = match out.clock {
        Clock::Start(t) => Some(limits.due(&cal, t, i.on)),
        Clock::Keep | Clock::Extend => p.due_on,
        Clock::Stop => None,
    };
    let mut events: Vec<(&str, String)> = Vec::new();
    match step {
        PetitionStep::Accept => {
            let unit = unit_in_scope(&*txn, &actor.scope, i.org_unit_id.unwrap_or(p.org_unit_id)).await?;
            // Accepted and assigned in one step: the handling term runs from acceptance.
            let accepted = PetitionFacts {
                state: PetitionState::Accepted,
                ..f
            };
            let assigned = petition_flow::decide(&accepted, PetitionAction::Assign, &roles).map_err(refusal)?;
            state = assigned.1.state;
            am.accepted_on = Set(Some(i.on));
            am.assigned_on = Set(Some(i.on));
            am.handling_due_on = Set(due);
            am.org_unit_id = Set(unit.id);
            am.subdistrict_id = Set(unit.subdistrict_id);
            am.community_id = Set(unit.community_id);
            let late = if i.on > p.acceptance_due_on {
                "（超过受理告知期限）"
            } else {
                ""
            };
            events.push((
                "accept",
                format!("予以受理并书面告知信访人{late}，办理期限至 {}", due.unwrap_or(i.on)),
            ));
            events.push(("assign", format!("交办 {}", unit.name)));
        }
        PetitionStep::Reject => {
            need_text(&i.reason, "reason", "不予受理的理由")?;
            am.rejected_on = Set(Some(i.on));
            am.reject_reason = Set(i.reason.clone());
            events.push(("reject", format!("不予受理并书面告知信访人：{}", i.reason)));
        }
        PetitionStep::Extend => {
            let handling_due = p.handling_due_on.unwrap_or(i.on);
            let ext = Extension {
                days: i.days.unwrap_or(0),
                reason: &i.reason,
                approved_by: actor.user_id,
            };
            let new_due = limits
                .extend(&cal, handling_due, i.on, p.extensions.max(0) as u32, &ext)
                .map_err(clock_refusal)?;
            due = Some(new_due);
            am.handling_due_on = Set(Some(new_due));
            am.extensions = Set(p.extensions + 1);
            am.extension_days = Set(ext.days as i32);
            am.extension_reason = Set(i.reason.clone());
            am.extension_approved_by = Set(actor.user_id);
            events.push((
                "extend",
                format!(
                    "经 {} 批准延期 {} 日，办理期限至 {new_due}：{}",
                    actor.name, ext.days, i.reason
                ),
            ));
        }
        PetitionStep::Answer => {
            need_text(&i.text, "text", "答复意见")?;
            let on_time = p.handling_due_on.is_none_or(|d| i.on <= d);
            am.answered_on = Set(Some(i.on));
            am.answered_on_time = Set(Some(on_time));
            am.answer = Set(with_notice(&i.text, step, &limits));
            am.handler_id = Set(actor.user_id);
            am.handler_name = Set(actor.name.clone());
            let late = if on_time { "" } else { "（超期）" };
            events.push((
                "answer",
                format!("书面答复{late}，复查申请期限至 {}", due.unwrap_or(i.on)),
            ));
        }
        PetitionStep::Review => {
            let answered = p.answered_on.unwrap_or(p.received_on);
            due = Some(limits.request_review(&cal, answered, i.on).map_err(clock_refusal)?);
            am.review_requested_on = Set(Some(i.on));
            events.push((
                "request_review",
                format!("信访人请求复查，复查期限至 {}", due.unwrap_or(i.on)),
            ));
        }
        PetitionStep::ReviewAnswer => {
            need_text(&i.text, "text", "复查意见")?;
            am.reviewed_on = Set(Some(i.on));
            am.review_answer = Set(with_notice(&i.text, step, &limits));
            events.push((
                "answer_review",
                format!("复查答复，复核申请期限至 {}", due.unwrap_or(i.on)),
            ));
        }
        PetitionStep::ReReview => {
            let reviewed = p.reviewed_on.unwrap_or(p.received_on);
            due = Some(limits.request_re_review(&cal, reviewed, i.on).map_err(clock_refusal)?);
            am.re_review_requested_on = Set(Some(i.on));
            events.push((
                "request_re_review",
                format!("信访人请求复核，复核期限至 {}", due.unwrap_or(i.on)),
            ));
        }
        PetitionStep::ReReviewAnswer => {
            need_text(&i.text, "text", "复核意见")?;
            am.re_reviewed_on = Set(Some(i.on));
            am.re_review_answer = Set(with_notice(&i.text, step, &limits));
            term = None;
            due = None;
            events.push(("answer_re_review", "复核答复；同一事实和理由不再受理".into()));
        }
        PetitionStep::ReturnVisit => {
            let s = i
                .satisfaction
                .ok_or_else(|| DbError::invalid("satisfaction", "请选择信访人的满意程度"))?;
            if i.on < p.answered_on.unwrap_or(p.received_on) {
                return Err(DbError::invalid("on", "回访日期不能早于答复日期"));
            }
            am.return_visit_on = Set(Some(i.on));
            am.satisfaction = Set(Some(s.as_str().into()));
            am.feedback = Set(i.text.clone());
            events.push(("return_visit", format!("回访：{}。{}", s.zh(), i.text)));
        }
        PetitionStep::Close => {
            am.closed_on = Set(Some(i.on));
            events.push(("close", "办结".into()));
        }
    }
    am.state = Set(state.as_str().into());
    am.term = Set(term.map(|t| t.as_str().into()));
    am.due_on = Set(due);
    am.updated_at = Set(Utc::now());
    let m = am.update(&*txn).await?;
    for (action, what) in &events {
        event(&*txn, actor, id, action, i.on, what.clone()).await?;
    }
    let summary = events.iter().map(|(_, w)| w.as_str()).collect::<Vec<_>>().join("；");
    audit::append(
        &*txn,
        db.backend,
        actor,
        Event::ok(step.action().as_str(), "petition", id).detail(format!("{number} {summary}")),
    )
    .await?;
    txn.commit().await?;
    detail(&db.conn, &actor.scope, m).await
}
