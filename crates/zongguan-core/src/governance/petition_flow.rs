//! The petition (信访) workflow as a pure state machine: received, accepted or not (each with its
//! written notice), assigned and handled (extended once), answered, reviewed (复查) and re-reviewed
//! (复核) on request, closed; facts already re-reviewed are not accepted again. Which day each
//! term ends is [`super::petition_clock`]'s.
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::due::zh_date;
use super::notice_serial::NoticeKind;
use super::petition_clock::Term;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PetitionState {
    Received,
    Accepted,
    NotAccepted,
    Handling,
    Answered,
    ReviewRequested,
    Reviewed,
    ReReviewRequested,
    ReReviewed,
    Closed,
}

impl PetitionState {
    pub const ALL: [PetitionState; 10] = [
        PetitionState::Received,
        PetitionState::Accepted,
        PetitionState::NotAccepted,
        PetitionState::Handling,
        PetitionState::Answered,
        PetitionState::ReviewRequested,
        PetitionState::Reviewed,
        PetitionState::ReReviewRequested,
        PetitionState::ReReviewed,
        PetitionState::Closed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PetitionState::Received => "received",
            PetitionState::Accepted => "accepted",
            PetitionState::NotAccepted => "not_accepted",
            PetitionState::Handling => "handling",
            PetitionState::Answered => "answered",
            PetitionState::ReviewRequested => "review_requested",
            PetitionState::Reviewed => "reviewed",
            PetitionState::ReReviewRequested => "re_review_requested",
            PetitionState::ReReviewed => "re_reviewed",
            PetitionState::Closed => "closed",
        }
    }

    pub fn parse(name: &str) -> Option<PetitionState> {
        PetitionState::ALL.into_iter().find(|s| s.as_str() == name)
    }

    pub fn zh(self) -> &'static str {
        match self {
            PetitionState::Received => "待受理",
            PetitionState::Accepted => "已受理",
            PetitionState::NotAccepted => "不予受理",
            PetitionState::Handling => "办理中",
            PetitionState::Answered => "已答复",
            PetitionState::ReviewRequested => "复查中",
            PetitionState::Reviewed => "已复查",
            PetitionState::ReReviewRequested => "复核中",
            PetitionState::ReReviewed => "已复核",
            PetitionState::Closed => "已办结",
        }
    }

    pub fn is_terminal(self) -> bool {
        matches!(self, PetitionState::NotAccepted | PetitionState::Closed)
    }
}

/// States in which a petition still waits for someone.
pub const OPEN_STATES: [PetitionState; 8] = [
    PetitionState::Received,
    PetitionState::Accepted,
    PetitionState::Handling,
    PetitionState::Answered,
    PetitionState::ReviewRequested,
    PetitionState::Reviewed,
    PetitionState::ReReviewRequested,
    PetitionState::ReReviewed,
];

/// Actions carry no data: reasons, texts, the extension's days and approval (checked by the clock)
/// and the visit's satisfaction are stored by the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PetitionAction {
    Accept,
    Reject,
    Assign,
    Supervise,
    Extend,
    Answer,
    RequestReview,
    AnswerReview,
    RequestReReview,
    AnswerReReview,
    ReturnVisit,
    Close,
}

impl PetitionAction {
    pub const ALL: [PetitionAction; 12] = [
        PetitionAction::Accept,
        PetitionAction::Reject,
        PetitionAction::Assign,
        PetitionAction::Supervise,
        PetitionAction::Extend,
        PetitionAction::Answer,
        PetitionAction::RequestReview,
        PetitionAction::AnswerReview,
        PetitionAction::RequestReReview,
        PetitionAction::AnswerReReview,
        PetitionAction::ReturnVisit,
        PetitionAction::Close,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PetitionAction::Accept => "accept",
            PetitionAction::Reject => "reject",
            PetitionAction::Assign => "assign",
            PetitionAction::Supervise => "supervise",
            PetitionAction::Extend => "extend",
            PetitionAction::Answer => "answer",
            PetitionAction::RequestReview => "request_review",
            PetitionAction::AnswerReview => "answer_review",
            PetitionAction::RequestReReview => "request_re_review",
            PetitionAction::AnswerReReview => "answer_re_review",
            PetitionAction::ReturnVisit => "return_visit",
            PetitionAction::Close => "close",
        }
    }

    pub fn parse(name: &str) -> Option<PetitionAction> {
        PetitionAction::ALL.into_iter().find(|a| a.as_str() == name)
    }

    pub fn zh(self) -> &'static str {
        match self {
            PetitionAction::Accept => "受理",
            PetitionAction::Reject => "不予受理",
            PetitionAction::Assign => "交办",
            PetitionAction::Supervise => "督办",
            PetitionAction::Extend => "延期",
            PetitionAction::Answer => "答复",
            PetitionAction::RequestReview => "申请复查",
            PetitionAction::AnswerReview => "复查答复",
            PetitionAction::RequestReReview => "申请复核",
            PetitionAction::AnswerReReview => "复核答复",
            PetitionAction::ReturnVisit => "回访",
            PetitionAction::Close => "办结",
        }
    }
}

/// Who acts, relative to this petition: the petition office that received it, the unit handling
/// it, or the unit a level up that reviews (and, a level higher still, re-reviews) it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PetitionRole {
    Center,
    Handler,
    Reviewer,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PetitionFacts {
    pub state: PetitionState,
    /// The running duty's last day has passed.
    pub overdue: bool,
    /// After an answer or a review: the petitioner may still ask for the next review.
    pub window_open: bool,
    /// The same facts were re-reviewed on this day, in this petition or an earlier one.
    pub re_reviewed_on: Option<NaiveDate>,
}

/// What the caller must do to the petition's term after a transition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Clock {
    Keep,
    /// A new term starts today.
    Start(Term),
    /// The handling term moves by the approved extension.
    Extend,
    Stop,
}

/// The petition after an allowed action, and the document the action issues, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Outcome {
    pub state: PetitionState,
    pub clock: Clock,
    pub notice: Option<NoticeKind>,
}

/// A new petition: received, its acceptance term running.
pub const RECEIVED: Outcome = Outcome {
    state: PetitionState::Received,
    clock: Clock::Start(Term::Acceptance),
    notice: None,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
pub enum Refusal {
    #[error("信访事项当前状态下不能执行此操作")]
    NotInState,
    #[error("无权对此信访事项执行此操作")]
    NotForRole,
    #[error("办理尚未超期，不能督办")]
    NotOverdue,
    #[error("信访人申请复查（复核）的期限未满，暂不能办结")]
    WindowOpen,
    #[error("该信访事项已于{}复核，信访人仍以同一事实和理由提出投诉请求的，不再受理", zh_date(*.on))]
    ReReviewed { on: NaiveDate },
}

/// The term that runs while a petition is in a state.
pub fn term_of(state: PetitionState) -> Option<Term> {
    match state {
        PetitionState::Received => Some(Term::Acceptance),
        PetitionState::Accepted | PetitionState::Handling => Some(Term::Handling),
        PetitionState::Answered => Some(Term::ReviewRequest),
        PetitionState::ReviewRequested => Some(Term::ReviewAnswer),
        PetitionState::Reviewed => Some(Term::ReReviewRequest),
        PetitionState::ReReviewRequested => Some(Term::ReReviewAnswer),
        _ => None,
    }
}

struct Rule {
    role: PetitionRole,
    state: PetitionState,
    clock: Clock,
    notice: Option<NoticeKind>,
}

/// `None` means the action has no meaning in this state for anyone.
fn rule(facts: &PetitionFacts, action: PetitionAction) -> Option<Rule> {
    use NoticeKind as N;
    use PetitionAction as A;
    use PetitionRole::{Center, Handler, Reviewer};
    use PetitionState as S;
    let go = |role, state, clock, notice| {
        Some(Rule {
            role,
            state,
            clock,
            notice,
        })
    };
    let stay = |role, clock, notice| go(role, facts.state, clock, notice);
    match (action, facts.state) {
        (A::Accept, S::Received) => go(
            Center,
            S::Accepted,
            Clock::Start(Term::Handling),
            Some(N::PetitionAcceptance),
        ),
        (A::Reject, S::Received) => go(Center, S::NotAccepted, Clock::Stop, Some(N::PetitionNonAcceptance)),
        // The handling term runs from acceptance, not from the assignment.
        (A::Assign, S::Accepted) => go(Center, S::Handling, Clock::Keep, Some(N::Assignment)),
        // Supervision presses the unit; it does not move the statutory term.
        (A::Supervise, S::Accepted | S::Handling) => stay(Center, Clock::Keep, Some(N::Supervision)),
        (A::Extend, S::Handling) => stay(Handler, Clock::Extend, None),
        (A::Answer, S::Handling) => go(
            Handler,
            S::Answered,
            Clock::Start(Term::ReviewRequest),
            Some(N::PetitionAnswer),
        ),
        (A::RequestReview, S::Answered) => go(Reviewer, S::ReviewRequested, Clock::Start(Term::ReviewAnswer), None),
        (A::AnswerReview, S::ReviewRequested) => go(
            Reviewer,
            S::Reviewed,
            Clock::Start(Term::ReReviewRequest),
            Some(N::PetitionReviewAnswer),
        ),
        (A::RequestReReview, S::Reviewed) => {
            go(Reviewer, S::ReReviewRequested, Clock::Start(Term::ReReviewAnswer), None)
        }
        (A::AnswerReReview, S::ReReviewRequested) => {
            go(Reviewer, S::ReReviewed, Clock::Stop, Some(N::PetitionReReviewAnswer))
        }
        (A::ReturnVisit, S::Answered | S::Reviewed | S::ReReviewed) => stay(Center, Clock::Keep, None),
        (A::Close, S::Answered | S::Reviewed | S::ReReviewed) => go(Center, S::Closed, Clock::Stop, None),
        _ => None,
    }
}

/// Accepting facts already re-reviewed, or asking again about them, meets the re-review itself.
fn re_reviewed(facts: &PetitionFacts, action: PetitionAction) -> Result<(), Refusal> {
    let asks = match action {
        PetitionAction::Accept => facts.state == PetitionState::Received,
        PetitionAction::RequestReview | PetitionAction::RequestReReview => true,
        _ => false,
    };
    match facts.re_reviewed_on {
        Some(on) if asks => Err(Refusal::ReReviewed { on }),
        _ => Ok(()),
    }
}

/// Decides one action. Refusals come in a fixed order: re-reviewed facts, state, role, then
/// overdue (supervise) or the open window (close).
pub fn transition(facts: &PetitionFacts, action: PetitionAction, role: PetitionRole) -> Result<Outcome, Refusal> {
    re_reviewed(facts, action)?;
    if facts.state.is_terminal() {
        return Err(Refusal::NotInState);
    }
    let rule = rule(facts, action).ok_or(Refusal::NotInState)?;
    if rule.role != role {
        return Err(Refusal::NotForRole);
    }
    if action == PetitionAction::Supervise && !facts.overdue {
        return Err(Refusal::NotOverdue);
    }
    // After a re-review nothing is left to ask; before it the petitioner's right must run out.
    let final_answer = facts.state == PetitionState::ReReviewed;
    if action == PetitionAction::Close && facts.window_open && !final_answer {
        return Err(Refusal::WindowOpen);
    }
    Ok(Outcome {
        state: rule.state,
        clock: rule.clock,
        notice: rule.notice,
    })
}

/// Decides an action for a caller who holds `roles` on the petition: the first role allowed acts.
/// Refusals about the petition (re-reviewed facts, wrong state) come first, whatever the roles.
pub fn decide(
    facts: &PetitionFacts,
    action: PetitionAction,
    roles: &[PetitionRole],
) -> Result<(PetitionRole, Outcome), Refusal> {
    re_reviewed(facts, action)?;
    if facts.state.is_terminal() || rule(facts, action).is_none() {
        return Err(Refusal::NotInState);
    }
    let mut first = None;
    for role in roles {
        match transition(facts, action, *role) {
            Ok(out) => return Ok((*role, out)),
            Err(e) => {
                first.get_or_insert(e);
            }
        }
    }
    Err(first.unwrap_or(Refusal::NotForRole))
}

/// The names of the actions this role may take now, in a stable order, for the UI's buttons.
pub fn allowed_actions(facts: &PetitionFacts, role: PetitionRole) -> Vec<&'static str> {
    PetitionAction::ALL
        .into_iter()
        .filter(|a| transition(facts, *a, role).is_ok())
        .map(PetitionAction::as_str)
        .collect()
}

/// "Resolved at first contact" (初信初访一次性化解), for the monthly figures: a petitioner's first
/// petition on the matter, answered (or closed after the answer), with no review asked for and no
/// repeat petition on the same matter.
pub fn resolved_at_first_contact(
    first_visit: bool,
    state: PetitionState,
    review_requested: bool,
    repeated: bool,
) -> bool {
    first_visit && !review_requested && !repeated && matches!(state, PetitionState::Answered | PetitionState::Closed)
}

#[cfg(test)]
mod tests;
