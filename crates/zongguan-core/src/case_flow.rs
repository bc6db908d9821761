//! The case workflow as a pure state machine: which action may move a case where, and which clock follows.
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseState {
    Reported,
    Accepted,
    Rejected,
    Dispatched,
    Handling,
    Feedback,
    Verified,
    Closed,
}

impl CaseState {
    pub const ALL: [CaseState; 8] = [
        CaseState::Reported,
        CaseState::Accepted,
        CaseState::Rejected,
        CaseState::Dispatched,
        CaseState::Handling,
        CaseState::Feedback,
        CaseState::Verified,
        CaseState::Closed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CaseState::Reported => "reported",
            CaseState::Accepted => "accepted",
            CaseState::Rejected => "rejected",
            CaseState::Dispatched => "dispatched",
            CaseState::Handling => "handling",
            CaseState::Feedback => "feedback",
            CaseState::Verified => "verified",
            CaseState::Closed => "closed",
        }
    }

    pub fn parse(name: &str) -> Option<CaseState> {
        CaseState::ALL.into_iter().find(|s| s.as_str() == name)
    }

    pub fn zh(self) -> &'static str {
        match self {
            // The case exists once reported; what the center sees is that it waits for acceptance.
            CaseState::Reported => "待受理",
            CaseState::Accepted => "已受理",
            CaseState::Rejected => "不予受理",
            CaseState::Dispatched => "已派遣",
            CaseState::Handling => "处置中",
            CaseState::Feedback => "已反馈",
            CaseState::Verified => "已核查",
            CaseState::Closed => "已结案",
        }
    }

    /// Rejected and closed cases never move again.
    pub fn is_terminal(self) -> bool {
        matches!(self, CaseState::Rejected | CaseState::Closed)
    }
}

/// States in which a case still waits for someone: every state but the terminal ones.
pub const OPEN_STATES: [CaseState; 6] = [
    CaseState::Reported,
    CaseState::Accepted,
    CaseState::Dispatched,
    CaseState::Handling,
    CaseState::Feedback,
    CaseState::Verified,
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CaseAction {
    Accept,
    Reject,
    Dispatch,
    Start,
    Feedback,
    Verify { passed: bool },
    Close,
    Return,
    Supervise,
    Escalate,
    Pause,
    Resume,
    Extend,
}

impl CaseAction {
    /// One of each action; `Verify` stands for both results, which are allowed in the same places.
    pub const ALL: [CaseAction; 13] = [
        CaseAction::Accept,
        CaseAction::Reject,
        CaseAction::Dispatch,
        CaseAction::Start,
        CaseAction::Feedback,
        CaseAction::Verify { passed: true },
        CaseAction::Close,
        CaseAction::Return,
        CaseAction::Supervise,
        CaseAction::Escalate,
        CaseAction::Pause,
        CaseAction::Resume,
        CaseAction::Extend,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CaseAction::Accept => "accept",
            CaseAction::Reject => "reject",
            CaseAction::Dispatch => "dispatch",
            CaseAction::Start => "start",
            CaseAction::Feedback => "feedback",
            CaseAction::Verify { .. } => "verify",
            CaseAction::Close => "close",
            CaseAction::Return => "return",
            CaseAction::Supervise => "supervise",
            CaseAction::Escalate => "escalate",
            CaseAction::Pause => "pause",
            CaseAction::Resume => "resume",
            CaseAction::Extend => "extend",
        }
    }

    /// `passed` is read only for "verify", which needs it: "verify" without it gives `None`.
    pub fn parse(name: &str, passed: Option<bool>) -> Option<CaseAction> {
        if name == "verify" {
            return passed.map(|passed| CaseAction::Verify { passed });
        }
        CaseAction::ALL.into_iter().find(|a| a.as_str() == name)
    }

    pub fn zh(self) -> &'static str {
        match self {
            CaseAction::Accept => "受理",
            CaseAction::Reject => "不予受理",
            CaseAction::Dispatch => "派遣",
            CaseAction::Start => "开始处置",
            CaseAction::Feedback => "反馈",
            CaseAction::Verify { .. } => "核查",
            CaseAction::Close => "结案",
            CaseAction::Return => "退回",
            CaseAction::Supervise => "督办",
            CaseAction::Escalate => "上报上级",
            CaseAction::Pause => "挂起",
            CaseAction::Resume => "恢复",
            CaseAction::Extend => "延期",
        }
    }
}

/// Who acts, relative to this case: the caller decides it from the user's post and the case's owner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseRole {
    Reporter,
    Center,
    Department,
}

/// The level of the center that owns the case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Community,
    Subdistrict,
    District,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Community => "community",
            Level::Subdistrict => "subdistrict",
            Level::District => "district",
        }
    }

    pub fn parse(name: &str) -> Option<Level> {
        [Level::Community, Level::Subdistrict, Level::District]
            .into_iter()
            .find(|l| l.as_str() == name)
    }

    pub fn up(self) -> Option<Level> {
        match self {
            Level::Community => Some(Level::Subdistrict),
            Level::Subdistrict => Some(Level::District),
            Level::District => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CaseFacts {
    pub state: CaseState,
    pub paused: bool,
    pub level: Level,
}

/// The step whose deadline runs while a case is in a state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    Accept,
    Dispatch,
    Handle,
    Verify,
    Close,
}

impl Step {
    pub fn as_str(self) -> &'static str {
        match self {
            Step::Accept => "accept",
            Step::Dispatch => "dispatch",
            Step::Handle => "handle",
            Step::Verify => "verify",
            Step::Close => "close",
        }
    }

    pub fn parse(name: &str) -> Option<Step> {
        [Step::Accept, Step::Dispatch, Step::Handle, Step::Verify, Step::Close]
            .into_iter()
            .find(|s| s.as_str() == name)
    }
}

/// What the caller must do to the step deadline after a transition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Clock {
    Keep,
    /// A new step starts: set a new deadline for it.
    Start(Step),
    /// The case ended: no deadline any more.
    Stop,
    Pause,
    /// Move the deadline by the time spent paused.
    Resume,
    Extend,
}

/// The case after an allowed action. `rework` and `supervised` mark this transition, for the figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Outcome {
    pub state: CaseState,
    pub paused: bool,
    pub level: Level,
    pub rework: bool,
    pub supervised: bool,
    pub clock: Clock,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
pub enum Refusal {
    #[error("事件当前状态下不能执行此操作")]
    NotInState,
    #[error("无权对此事件执行此操作")]
    NotForRole,
    #[error("事件已挂起，请先恢复")]
    Paused,
    #[error("已是最高层级，不能再上报上级")]
    TopLevel,
}

pub fn step_of(state: CaseState) -> Option<Step> {
    match state {
        CaseState::Reported => Some(Step::Accept),
        CaseState::Accepted => Some(Step::Dispatch),
        CaseState::Dispatched | CaseState::Handling => Some(Step::Handle),
        CaseState::Feedback => Some(Step::Verify),
        CaseState::Verified => Some(Step::Close),
        CaseState::Rejected | CaseState::Closed => None,
    }
}

/// The rule for an action in a state: who may take it and what follows.
struct Rule {
    roles: &'static [CaseRole],
    state: CaseState,
    clock: Clock,
    rework: bool,
}

const CENTER: &[CaseRole] = &[CaseRole::Center];
const DEPARTMENT: &[CaseRole] = &[CaseRole::Department];
const CHECKERS: &[CaseRole] = &[CaseRole::Center, CaseRole::Reporter];

/// `None` means the action has no meaning in this state for anyone (NotInState rather than NotForRole).
fn rule(facts: &CaseFacts, action: &CaseAction) -> Option<Rule> {
    use CaseState as S;
    let go = |roles, state, clock| {
        Some(Rule {
            roles,
            state,
            clock,
            rework: false,
        })
    };
    let rework = |roles| {
        Some(Rule {
            roles,
            state: S::Handling,
            clock: Clock::Start(Step::Handle),
            rework: true,
        })
    };
    let stay = |clock| go(CENTER, facts.state, clock);
    match (action, facts.state) {
        (CaseAction::Accept, S::Reported) => go(CENTER, S::Accepted, Clock::Start(Step::Dispatch)),
        (CaseAction::Reject, S::Reported) => go(CENTER, S::Rejected, Clock::Stop),
        // The case clock proper starts at dispatch (GB/T 30428 practice).
        (CaseAction::Dispatch, S::Accepted) => go(CENTER, S::Dispatched, Clock::Start(Step::Handle)),
        (CaseAction::Start, S::Dispatched) => go(DEPARTMENT, S::Handling, Clock::Keep),
        (CaseAction::Feedback, S::Handling) => go(DEPARTMENT, S::Feedback, Clock::Start(Step::Verify)),
        (CaseAction::Verify { passed: true }, S::Feedback) => go(CHECKERS, S::Verified, Clock::Start(Step::Close)),
        (CaseAction::Verify { passed: false }, S::Feedback) => rework(CHECKERS),
        (CaseAction::Close, S::Verified) => go(CENTER, S::Closed, Clock::Stop),
        (CaseAction::Return, S::Accepted) => go(CENTER, S::Reported, Clock::Start(Step::Accept)),
        // A department returns a case that is not its duty; the center dispatches it again.
        (CaseAction::Return, S::Dispatched | S::Handling) => go(DEPARTMENT, S::Accepted, Clock::Start(Step::Dispatch)),
        (CaseAction::Return, S::Feedback) => rework(CENTER),
        // Supervision is a notice with a new deadline for the step under way.
        (CaseAction::Supervise, S::Accepted | S::Dispatched | S::Handling | S::Feedback) => {
            step_of(facts.state).and_then(|step| stay(Clock::Start(step)))
        }
        (CaseAction::Escalate, S::Reported | S::Accepted) => go(CENTER, S::Reported, Clock::Start(Step::Accept)),
        (CaseAction::Pause, S::Dispatched | S::Handling) => stay(Clock::Pause),
        (CaseAction::Resume, S::Dispatched | S::Handling) if facts.paused => stay(Clock::Resume),
        (CaseAction::Extend, S::Dispatched | S::Handling) => stay(Clock::Extend),
        _ => None,
    }
}

/// Decides one action. Refusals are checked in a fixed order so the UI can explain the first obstacle:
/// terminal state, then paused, then state, then role, then level.
pub fn transition(facts: &CaseFacts, action: &CaseAction, role: CaseRole) -> Result<Outcome, Refusal> {
    // A terminal case cannot be paused in practice; checking it first keeps "everything NotInState" true.
    if facts.state.is_terminal() {
        return Err(Refusal::NotInState);
    }
    if facts.paused && *action != CaseAction::Resume {
        return Err(Refusal::Paused);
    }
    let rule = rule(facts, action).ok_or(Refusal::NotInState)?;
    if !rule.roles.contains(&role) {
        return Err(Refusal::NotForRole);
    }
    let level = if *action == CaseAction::Escalate {
        facts.level.up().ok_or(Refusal::TopLevel)?
    } else {
        facts.level
    };
    let paused = match action {
        CaseAction::Pause => true,
        CaseAction::Resume => false,
        _ => facts.paused,
    };
    Ok(Outcome {
        state: rule.state,
        paused,
        level,
        rework: rule.rework,
        supervised: *action == CaseAction::Supervise,
        clock: rule.clock,
    })
}

/// Decides an action for a caller who holds `roles` on the case (none, one or several): the first
/// role the rules allow acts. Refusals that hold whatever the role (terminal, paused, wrong state)
/// come first, so a caller with no role on the case still learns that it has moved on (409 rather
/// than 403); otherwise the first role's refusal, or `NotForRole` when the caller holds none.
pub fn decide(facts: &CaseFacts, action: &CaseAction, roles: &[CaseRole]) -> Result<(CaseRole, Outcome), Refusal> {
    // The center may take most actions, so its refusal is a state refusal if there is one.
    if let Err(r @ (Refusal::NotInState | Refusal::Paused)) = transition(facts, action, CaseRole::Center) {
        return Err(r);
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
pub fn allowed_actions(facts: &CaseFacts, role: CaseRole) -> Vec<&'static str> {
    CaseAction::ALL
        .iter()
        .filter(|a| transition(facts, a, role).is_ok())
        .map(|a| a.as_str())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use CaseRole::{Center as C, Department as D, Reporter as R};
    use CaseState as S;

    const ROLES: [CaseRole; 3] = [R, C, D];
    const LEVELS: [Level; 3] = [Level::Community, Level::Subdistrict, Level::District];

    /// Every action with both verify results.
    fn actions() -> Vec<CaseAction> {
        let mut all = CaseAction::ALL.to_vec();
        all.push(CaseAction::Verify { passed: false });
        all
    }

    /// Expected state change of an allowed (state, action, role), written out independently of `rule`.
    /// Level-independent except escalate, handled below. Resume is listed for the paused case only.
    #[rustfmt::skip]
    fn table() -> Vec<(CaseState, CaseAction, CaseRole, CaseState, Clock, bool)> {
        use CaseAction as A;
        use Clock::{Extend, Keep, Pause, Resume, Start, Stop};
        let mut t = vec![
            (S::Reported, A::Accept, C, S::Accepted, Start(Step::Dispatch), false),
            (S::Reported, A::Reject, C, S::Rejected, Stop, false),
            (S::Accepted, A::Dispatch, C, S::Dispatched, Start(Step::Handle), false),
            (S::Dispatched, A::Start, D, S::Handling, Keep, false),
            (S::Handling, A::Feedback, D, S::Feedback, Start(Step::Verify), false),
            (S::Feedback, A::Verify { passed: true }, C, S::Verified, Start(Step::Close), false),
            (S::Feedback, A::Verify { passed: true }, R, S::Verified, Start(Step::Close), false),
            (S::Feedback, A::Verify { passed: false }, C, S::Handling, Start(Step::Handle), true),
            (S::Feedback, A::Verify { passed: false }, R, S::Handling, Start(Step::Handle), true),
            (S::Verified, A::Close, C, S::Closed, Stop, false),
            (S::Accepted, A::Return, C, S::Reported, Start(Step::Accept), false),
            (S::Dispatched, A::Return, D, S::Accepted, Start(Step::Dispatch), false),
            (S::Handling, A::Return, D, S::Accepted, Start(Step::Dispatch), false),
            (S::Feedback, A::Return, C, S::Handling, Start(Step::Handle), true),
            (S::Accepted, A::Supervise, C, S::Accepted, Start(Step::Dispatch), false),
            (S::Dispatched, A::Supervise, C, S::Dispatched, Start(Step::Handle), false),
            (S::Handling, A::Supervise, C, S::Handling, Start(Step::Handle), false),
            (S::Feedback, A::Supervise, C, S::Feedback, Start(Step::Verify), false),
            (S::Reported, A::Escalate, C, S::Reported, Start(Step::Accept), false),
            (S::Accepted, A::Escalate, C, S::Reported, Start(Step::Accept), false),
        ];
        for s in [S::Dispatched, S::Handling] {
            t.push((s, A::Pause, C, s, Pause, false));
            t.push((s, A::Resume, C, s, Resume, false));
            t.push((s, A::Extend, C, s, Extend, false));
        }
        t
    }

    fn expected(facts: &CaseFacts, action: CaseAction, role: CaseRole) -> Result<Outcome, Refusal> {
        let table = table();
        // Resume is "in state" only while paused; everything else only while not paused.
        let in_state = |row: &&(CaseState, CaseAction, CaseRole, CaseState, Clock, bool)| {
            row.0 == facts.state && row.1 == action && (action == CaseAction::Resume) == facts.paused
        };
        if facts.state.is_terminal() {
            return Err(Refusal::NotInState);
        }
        if facts.paused && action != CaseAction::Resume {
            return Err(Refusal::Paused);
        }
        if !table.iter().any(|r| in_state(&r)) {
            return Err(Refusal::NotInState);
        }
        let Some(row) = table.iter().find(|r| in_state(r) && r.2 == role) else {
            return Err(Refusal::NotForRole);
        };
        let level = match (action, facts.level) {
            (CaseAction::Escalate, Level::Community) => Level::Subdistrict,
            (CaseAction::Escalate, Level::Subdistrict) => Level::District,
            (CaseAction::Escalate, Level::District) => return Err(Refusal::TopLevel),
            (_, l) => l,
        };
        Ok(Outcome {
            state: row.3,
            paused: action == CaseAction::Pause,
            level,
            rework: row.5,
            supervised: action == CaseAction::Supervise,
            clock: row.4,
        })
    }

    #[test]
    fn every_state_action_role_and_pause_matches_the_table() {
        let (mut allowed, mut checked) = (0, 0);
        for state in S::ALL {
            for paused in [false, true] {
                for level in LEVELS {
                    let facts = CaseFacts { state, paused, level };
                    for action in actions() {
                        for role in ROLES {
                            let got = transition(&facts, &action, role);
                            assert_eq!(got, expected(&facts, action, role), "{facts:?} {action:?} {role:?}");
                            allowed += usize::from(got.is_ok());
                            checked += 1;
                        }
                    }
                }
            }
        }
        assert_eq!(checked, 8 * 2 * 3 * 14 * 3);
        // Each non-escalation row at every level, escalations below District only.
        assert_eq!(allowed, (table().len() - 2) * 3 + 2 * 2);
    }

    fn facts(state: CaseState) -> CaseFacts {
        CaseFacts {
            state,
            paused: false,
            level: Level::Community,
        }
    }

    #[test]
    fn the_happy_path_reaches_closed() {
        let path = [
            (CaseAction::Accept, C),
            (CaseAction::Dispatch, C),
            (CaseAction::Start, D),
            (CaseAction::Feedback, D),
            (CaseAction::Verify { passed: true }, R),
            (CaseAction::Close, C),
        ];
        let mut f = facts(S::Reported);
        for (action, role) in path {
            let out = transition(&f, &action, role).expect("allowed");
            f = CaseFacts {
                state: out.state,
                paused: out.paused,
                level: out.level,
            };
        }
        assert_eq!(f.state, S::Closed);
    }

    #[test]
    fn refusals_come_in_order_paused_state_role_level() {
        let paused = CaseFacts {
            state: S::Handling,
            paused: true,
            level: Level::District,
        };
        assert_eq!(transition(&paused, &CaseAction::Accept, D), Err(Refusal::Paused));
        assert_eq!(transition(&paused, &CaseAction::Resume, D), Err(Refusal::NotForRole));
        assert_eq!(
            transition(&facts(S::Handling), &CaseAction::Resume, C),
            Err(Refusal::NotInState)
        );
        assert_eq!(
            transition(&facts(S::Dispatched), &CaseAction::Return, C),
            Err(Refusal::NotForRole)
        );
        let top = CaseFacts {
            state: S::Reported,
            paused: false,
            level: Level::District,
        };
        assert_eq!(transition(&top, &CaseAction::Escalate, D), Err(Refusal::NotForRole));
        assert_eq!(transition(&top, &CaseAction::Escalate, C), Err(Refusal::TopLevel));
    }

    #[test]
    fn terminal_states_refuse_everything() {
        for state in [S::Rejected, S::Closed] {
            for paused in [false, true] {
                let f = CaseFacts {
                    state,
                    paused,
                    level: Level::Community,
                };
                for action in actions() {
                    for role in ROLES {
                        assert_eq!(transition(&f, &action, role), Err(Refusal::NotInState));
                    }
                }
                assert!(ROLES.iter().all(|r| allowed_actions(&f, *r).is_empty()));
            }
        }
    }

    #[test]
    fn pause_and_resume_toggle_the_flag() {
        let out = transition(&facts(S::Dispatched), &CaseAction::Pause, C).expect("allowed");
        assert!(out.paused);
        assert_eq!(out.clock, Clock::Pause);
        let paused = CaseFacts {
            state: out.state,
            paused: out.paused,
            level: out.level,
        };
        let out = transition(&paused, &CaseAction::Resume, C).expect("allowed");
        assert!(!out.paused);
        assert_eq!((out.state, out.clock), (S::Dispatched, Clock::Resume));
    }

    #[test]
    fn allowed_actions_lists_the_buttons() {
        assert_eq!(
            allowed_actions(&facts(S::Reported), C),
            ["accept", "reject", "escalate"]
        );
        assert_eq!(allowed_actions(&facts(S::Reported), D), Vec::<&str>::new());
        assert_eq!(allowed_actions(&facts(S::Handling), D), ["feedback", "return"]);
        assert_eq!(
            allowed_actions(&facts(S::Handling), C),
            ["supervise", "pause", "extend"]
        );
        assert_eq!(allowed_actions(&facts(S::Feedback), R), ["verify"]);
        assert_eq!(
            allowed_actions(&facts(S::Feedback), C),
            ["verify", "return", "supervise"]
        );
        let paused = CaseFacts {
            state: S::Handling,
            paused: true,
            level: Level::Community,
        };
        assert_eq!(allowed_actions(&paused, C), ["resume"]);
        assert!(allowed_actions(&paused, D).is_empty());
        let top = CaseFacts {
            state: S::Accepted,
            paused: false,
            level: Level::District,
        };
        assert_eq!(allowed_actions(&top, C), ["dispatch", "return", "supervise"]);
    }

    #[test]
    fn step_of_every_state() {
        let steps: Vec<_> = S::ALL.into_iter().map(step_of).collect();
        assert_eq!(
            steps,
            [
                Some(Step::Accept),
                Some(Step::Dispatch),
                None,
                Some(Step::Handle),
                Some(Step::Handle),
                Some(Step::Verify),
                Some(Step::Close),
                None
            ]
        );
    }

    /// Every subset of the roles, in the order the db layer finds them.
    fn role_sets() -> Vec<Vec<CaseRole>> {
        (0..8u8)
            .map(|bits| {
                [C, D, R]
                    .into_iter()
                    .enumerate()
                    .filter(|(i, _)| bits & (1 << i) != 0)
                    .map(|(_, r)| r)
                    .collect()
            })
            .collect()
    }

    #[test]
    fn decide_lets_the_first_allowed_role_act_and_explains_the_first_obstacle() {
        for state in S::ALL {
            for paused in [false, true] {
                for level in LEVELS {
                    let facts = CaseFacts { state, paused, level };
                    for action in actions() {
                        // Refusals every role meets alike are about the case, not the caller.
                        let about_case = ROLES
                            .iter()
                            .map(|r| transition(&facts, &action, *r))
                            .find_map(|t| match t {
                                Err(e @ (Refusal::NotInState | Refusal::Paused)) => Some(e),
                                _ => None,
                            });
                        for roles in role_sets() {
                            let got = decide(&facts, &action, &roles);
                            let first_ok = roles
                                .iter()
                                .find_map(|r| transition(&facts, &action, *r).ok().map(|out| (*r, out)));
                            let want = match (about_case, first_ok) {
                                (Some(e), _) => Err(e),
                                (None, Some(ok)) => Ok(ok),
                                (None, None) => Err(roles
                                    .first()
                                    .and_then(|r| transition(&facts, &action, *r).err())
                                    .unwrap_or(Refusal::NotForRole)),
                            };
                            assert_eq!(got, want, "{facts:?} {action:?} {roles:?}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn decide_in_examples() {
        let feedback = facts(S::Feedback);
        let verify = CaseAction::Verify { passed: true };
        assert_eq!(decide(&feedback, &verify, &[D, R]).map(|(r, _)| r), Ok(R));
        assert_eq!(decide(&feedback, &verify, &[C, R]).map(|(r, _)| r), Ok(C));
        assert_eq!(decide(&feedback, &verify, &[D]), Err(Refusal::NotForRole));
        assert_eq!(decide(&feedback, &verify, &[]), Err(Refusal::NotForRole));
        // A closed case is closed for anyone, role or not.
        assert_eq!(
            decide(&facts(S::Closed), &CaseAction::Accept, &[]),
            Err(Refusal::NotInState)
        );
        let paused = CaseFacts {
            paused: true,
            ..facts(S::Handling)
        };
        assert_eq!(decide(&paused, &CaseAction::Feedback, &[D]), Err(Refusal::Paused));
        let top = CaseFacts {
            level: Level::District,
            ..facts(S::Reported)
        };
        assert_eq!(decide(&top, &CaseAction::Escalate, &[C]), Err(Refusal::TopLevel));
        assert_eq!(decide(&top, &CaseAction::Escalate, &[R]), Err(Refusal::NotForRole));
    }

    #[test]
    fn open_states_are_the_ones_that_are_not_terminal() {
        let open: Vec<_> = S::ALL.into_iter().filter(|s| !s.is_terminal()).collect();
        assert_eq!(open, OPEN_STATES);
    }

    #[test]
    fn names_round_trip_and_match_serde() {
        for s in S::ALL {
            assert_eq!(S::parse(s.as_str()), Some(s));
            assert_eq!(
                serde_json::to_string(&s).expect("serializes"),
                format!("\"{}\"", s.as_str())
            );
            assert!(!s.zh().is_empty());
        }
        assert_eq!(S::parse("Reported"), None);
        for a in actions() {
            let passed = match a {
                CaseAction::Verify { passed } => Some(passed),
                _ => None,
            };
            assert_eq!(CaseAction::parse(a.as_str(), passed), Some(a));
        }
        assert_eq!(CaseAction::parse("verify", None), None);
        assert_eq!(CaseAction::parse("accept", Some(true)), Some(CaseAction::Accept));
        assert_eq!(CaseAction::parse("approve", None), None);
        assert_eq!(CaseAction::Escalate.zh(), "上报上级");
        for l in LEVELS {
            assert_eq!(Level::parse(l.as_str()), Some(l));
        }
        assert_eq!(Level::parse("grid"), None);
        for step in [Step::Accept, Step::Dispatch, Step::Handle, Step::Verify, Step::Close] {
            assert_eq!(Step::parse(step.as_str()), Some(step));
            assert_eq!(
                serde_json::to_string(&step).expect("serializes"),
                format!("\"{}\"", step.as_str())
            );
        }
        assert_eq!(Step::parse("report"), None);
        assert_eq!(S::Reported.zh(), "待受理");
    }
}
