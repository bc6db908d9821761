//! The dispute (矛盾纠纷) workflow as a pure state machine: assigned (交办) to a unit and mediator,
//! mediated in sessions, ended by an agreement or a failure referred elsewhere, closed (销案) after a
//! return visit; supervised (督办) when a step is overdue. Deadlines run on the working-day calendar.
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::setting::{self, SettingError};
use crate::calendar::{Limit, WorkCalendar, deadline};
use crate::field::{FieldError, required};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DisputeState {
    Registered,
    Assigned,
    Mediating,
    Agreement,
    Failed,
    Closed,
}

impl DisputeState {
    pub const ALL: [DisputeState; 6] = [
        DisputeState::Registered,
        DisputeState::Assigned,
        DisputeState::Mediating,
        DisputeState::Agreement,
        DisputeState::Failed,
        DisputeState::Closed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DisputeState::Registered => "registered",
            DisputeState::Assigned => "assigned",
            DisputeState::Mediating => "mediating",
            DisputeState::Agreement => "agreement",
            DisputeState::Failed => "failed",
            DisputeState::Closed => "closed",
        }
    }

    pub fn parse(name: &str) -> Option<DisputeState> {
        DisputeState::ALL.into_iter().find(|s| s.as_str() == name)
    }

    pub fn zh(self) -> &'static str {
        match self {
            DisputeState::Registered => "待交办",
            DisputeState::Assigned => "已交办",
            DisputeState::Mediating => "调解中",
            DisputeState::Agreement => "调解成功",
            DisputeState::Failed => "调解不成",
            DisputeState::Closed => "已销案",
        }
    }

    pub fn is_terminal(self) -> bool {
        self == DisputeState::Closed
    }
}

/// States in which a dispute still waits for someone.
pub const OPEN_STATES: [DisputeState; 5] = [
    DisputeState::Registered,
    DisputeState::Assigned,
    DisputeState::Mediating,
    DisputeState::Agreement,
    DisputeState::Failed,
];

/// Actions carry no data: the assignment, the session record, the agreement text (signed or not),
/// the referral and the visit's satisfaction are stored by the caller and change no transition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DisputeAction {
    Assign,
    Return,
    RecordSession,
    Agree,
    Fail,
    ReturnVisit,
    Close,
    Supervise,
}

impl DisputeAction {
    pub const ALL: [DisputeAction; 8] = [
        DisputeAction::Assign,
        DisputeAction::Return,
        DisputeAction::RecordSession,
        DisputeAction::Agree,
        DisputeAction::Fail,
        DisputeAction::ReturnVisit,
        DisputeAction::Close,
        DisputeAction::Supervise,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DisputeAction::Assign => "assign",
            DisputeAction::Return => "return",
            DisputeAction::RecordSession => "record_session",
            DisputeAction::Agree => "agree",
            DisputeAction::Fail => "fail",
            DisputeAction::ReturnVisit => "return_visit",
            DisputeAction::Close => "close",
            DisputeAction::Supervise => "supervise",
        }
    }

    pub fn parse(name: &str) -> Option<DisputeAction> {
        DisputeAction::ALL.into_iter().find(|a| a.as_str() == name)
    }

    pub fn zh(self) -> &'static str {
        match self {
            DisputeAction::Assign => "交办",
            DisputeAction::Return => "退回",
            DisputeAction::RecordSession => "记录调解",
            DisputeAction::Agree => "达成协议",
            DisputeAction::Fail => "调解不成",
            DisputeAction::ReturnVisit => "回访",
            DisputeAction::Close => "销案",
            DisputeAction::Supervise => "督办",
        }
    }
}

/// Who acts, relative to this dispute: the center that registered it, or the unit (and its
/// mediator) it was assigned to. The caller decides it from the user's post.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DisputeRole {
    Center,
    Mediator,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DisputeFacts {
    pub state: DisputeState,
    /// The running step's deadline has passed (the caller compares it with now).
    pub overdue: bool,
    pub return_visited: bool,
}

/// The step whose deadline runs while a dispute is in a state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    Assign,
    Mediate,
    ReturnVisit,
}

impl Step {
    pub const ALL: [Step; 3] = [Step::Assign, Step::Mediate, Step::ReturnVisit];

    pub fn as_str(self) -> &'static str {
        match self {
            Step::Assign => "assign",
            Step::Mediate => "mediate",
            Step::ReturnVisit => "return_visit",
        }
    }

    pub fn parse(name: &str) -> Option<Step> {
        Step::ALL.into_iter().find(|s| s.as_str() == name)
    }

    pub fn zh(self) -> &'static str {
        match self {
            Step::Assign => "交办",
            Step::Mediate => "调解",
            Step::ReturnVisit => "回访",
        }
    }
}

/// What the caller must do to the step deadline after a transition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Clock {
    Keep,
    /// A new step starts: its deadline is its limit from now (an assignment may name its own).
    Start(Step),
    /// A supervision notice gives the step a new deadline, the supervision limit from now.
    Supervise(Step),
    /// No deadline runs any more.
    Stop,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Outcome {
    pub state: DisputeState,
    pub return_visited: bool,
    pub clock: Clock,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
pub enum Refusal {
    #[error("矛盾纠纷当前状态下不能执行此操作")]
    NotInState,
    #[error("无权对此矛盾纠纷执行此操作")]
    NotForRole,
    #[error("尚未超期，不能督办")]
    NotOverdue,
    #[error("尚未回访，不能销案")]
    NotVisited,
}

pub fn step_of(facts: &DisputeFacts) -> Option<Step> {
    match facts.state {
        DisputeState::Registered => Some(Step::Assign),
        DisputeState::Assigned | DisputeState::Mediating => Some(Step::Mediate),
        DisputeState::Agreement | DisputeState::Failed if !facts.return_visited => Some(Step::ReturnVisit),
        _ => None,
    }
}

struct Rule {
    role: DisputeRole,
    state: DisputeState,
    clock: Clock,
}

/// `None` means the action has no meaning in this state for anyone.
fn rule(facts: &DisputeFacts, action: DisputeAction) -> Option<Rule> {
    use DisputeAction as A;
    use DisputeRole::{Center, Mediator};
    use DisputeState as S;
    let go = |role, state, clock| Some(Rule { role, state, clock });
    match (action, facts.state) {
        (A::Assign, S::Registered) => go(Center, S::Assigned, Clock::Start(Step::Mediate)),
        // The unit sends back a dispute that is not its duty, before mediating it.
        (A::Return, S::Assigned) => go(Mediator, S::Registered, Clock::Start(Step::Assign)),
        (A::RecordSession, S::Assigned | S::Mediating) => go(Mediator, S::Mediating, Clock::Keep),
        (A::Agree, S::Mediating) => go(Mediator, S::Agreement, Clock::Start(Step::ReturnVisit)),
        // A party may refuse mediation outright (人民调解法 art. 17), so failure needs no session.
        (A::Fail, S::Assigned | S::Mediating) => go(Mediator, S::Failed, Clock::Start(Step::ReturnVisit)),
        // A second visit (the party was not reached, or asks again) is allowed and changes nothing.
        (A::ReturnVisit, S::Agreement | S::Failed) => go(Center, facts.state, Clock::Stop),
        (A::Close, S::Agreement | S::Failed) => go(Center, S::Closed, Clock::Stop),
        (A::Supervise, _) => step_of(facts).and_then(|step| go(Center, facts.state, Clock::Supervise(step))),
        _ => None,
    }
}

/// Decides one action. Refusals come in a fixed order so the UI explains the first obstacle:
/// state, then role, then overdue (supervise) or return visit (close).
pub fn transition(facts: &DisputeFacts, action: DisputeAction, role: DisputeRole) -> Result<Outcome, Refusal> {
    if facts.state.is_terminal() {
        return Err(Refusal::NotInState);
    }
    let rule = rule(facts, action).ok_or(Refusal::NotInState)?;
    if rule.role != role {
        return Err(Refusal::NotForRole);
    }
    if action == DisputeAction::Supervise && !facts.overdue {
        return Err(Refusal::NotOverdue);
    }
    if action == DisputeAction::Close && !facts.return_visited {
        return Err(Refusal::NotVisited);
    }
    Ok(Outcome {
        state: rule.state,
        return_visited: facts.return_visited || action == DisputeAction::ReturnVisit,
        clock: rule.clock,
    })
}

/// Decides an action for a caller who holds `roles` on the dispute: the first role allowed acts.
/// A state refusal comes first, whatever the roles (409 rather than 403); then the first role's
/// refusal, or `NotForRole` when the caller holds none.
pub fn decide(
    facts: &DisputeFacts,
    action: DisputeAction,
    roles: &[DisputeRole],
) -> Result<(DisputeRole, Outcome), Refusal> {
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
pub fn allowed_actions(facts: &DisputeFacts, role: DisputeRole) -> Vec<&'static str> {
    DisputeAction::ALL
        .into_iter()
        .filter(|a| transition(facts, *a, role).is_ok())
        .map(DisputeAction::as_str)
        .collect()
}

/// The step limits, a setting. Defaults are ours (the seed and DOMAIN.md name none): two working
/// days to assign, fifteen to mediate (an assignment may name its own deadline), five to visit
/// after the end, five more after a supervision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DisputeLimits {
    pub assign: Limit,
    pub mediate: Limit,
    pub return_visit: Limit,
    pub supervise: Limit,
}

impl Default for DisputeLimits {
    fn default() -> Self {
        DisputeLimits {
            assign: Limit::WorkingDays(2),
            mediate: Limit::WorkingDays(15),
            return_visit: Limit::WorkingDays(5),
            supervise: Limit::WorkingDays(5),
        }
    }
}

impl DisputeLimits {
    /// Every limit above zero and within a year; the path names the step (`mediate`).
    pub fn validate(&self) -> Result<(), SettingError> {
        for (path, what, l) in [
            ("assign", "交办时限", self.assign),
            ("mediate", "调解时限", self.mediate),
            ("return_visit", "回访时限", self.return_visit),
            ("supervise", "督办后的办理时限", self.supervise),
        ] {
            setting::limit(path, what, l)?;
        }
        Ok(())
    }

    pub fn limit(&self, step: Step) -> Limit {
        match step {
            Step::Assign => self.assign,
            Step::Mediate => self.mediate,
            Step::ReturnVisit => self.return_visit,
        }
    }

    /// The new deadline a transition's clock sets, counted from `at`; `None` when it keeps the
    /// deadline or stops it (see the clock).
    pub fn due(&self, cal: &WorkCalendar, clock: Clock, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        match clock {
            Clock::Start(step) => Some(deadline(cal, at, self.limit(step))),
            Clock::Supervise(_) => Some(deadline(cal, at, self.supervise)),
            Clock::Keep | Clock::Stop => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[error("办结期限须晚于交办时间")]
pub struct DeadlineBeforeAssignment;

/// The deadline an assignment (交办) writes on its notice: the one the assigner chose, which must
/// lie after `now`, or the mediation limit from `now`.
pub fn assignment_deadline(
    cal: &WorkCalendar,
    limits: &DisputeLimits,
    now: DateTime<Utc>,
    chosen: Option<DateTime<Utc>>,
) -> Result<DateTime<Utc>, DeadlineBeforeAssignment> {
    match chosen {
        Some(d) if d <= now => Err(DeadlineBeforeAssignment),
        Some(d) => Ok(d),
        None => Ok(deadline(cal, now, limits.mediate)),
    }
}

/// A mediation agreement as recorded. Unsigned is an oral agreement, whose content the mediator
/// writes down (人民调解法 art. 28). The fields are private: the way in is [`Agreement::parse`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Agreement {
    text: String,
    signed: bool,
}

impl Agreement {
    pub fn parse(text: &str, signed: bool) -> Result<Self, FieldError> {
        let text = required("agreement_text", "协议内容", text, 4000)?;
        Ok(Agreement { text, signed })
    }

    pub fn text(&self) -> &str {
        &self.text
    }
    pub fn signed(&self) -> bool {
        self.signed
    }
}

/// Where a dispute that mediation could not settle was sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Referral {
    Court,
    Arbitration,
    Petition,
    Administrative,
    Other,
}

impl Referral {
    pub const ALL: [Referral; 5] = [
        Referral::Court,
        Referral::Arbitration,
        Referral::Petition,
        Referral::Administrative,
        Referral::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Referral::Court => "court",
            Referral::Arbitration => "arbitration",
            Referral::Petition => "petition",
            Referral::Administrative => "administrative",
            Referral::Other => "other",
        }
    }

    pub fn parse(name: &str) -> Option<Referral> {
        Referral::ALL.into_iter().find(|r| r.as_str() == name)
    }

    pub fn zh(self) -> &'static str {
        match self {
            Referral::Court => "引导诉讼",
            Referral::Arbitration => "引导仲裁",
            Referral::Petition => "转信访",
            Referral::Administrative => "转行政处理",
            Referral::Other => "其他途径",
        }
    }
}

#[cfg(test)]
mod tests;
