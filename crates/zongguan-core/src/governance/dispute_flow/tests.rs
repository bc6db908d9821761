//! The dispute workflow, exhaustively: every state, fact, action and role against a table.
use chrono::TimeDelta;

use super::*;
use DisputeAction as A;
use DisputeRole::{Center as C, Mediator as M};
use DisputeState as S;

const ROLES: [DisputeRole; 2] = [C, M];

/// Allowed (state, action, role) → (state, clock), written out apart from `rule`. Supervise and
/// close have conditions of their own, checked in `expected`; a visited dispute has no step
/// left to supervise.
#[rustfmt::skip]
const TABLE: [(DisputeState, DisputeAction, DisputeRole, DisputeState, Clock); 16] = [
    (S::Registered, A::Assign, C, S::Assigned, Clock::Start(Step::Mediate)),
    (S::Assigned, A::Return, M, S::Registered, Clock::Start(Step::Assign)),
    (S::Assigned, A::RecordSession, M, S::Mediating, Clock::Keep),
    (S::Mediating, A::RecordSession, M, S::Mediating, Clock::Keep),
    (S::Mediating, A::Agree, M, S::Agreement, Clock::Start(Step::ReturnVisit)),
    (S::Assigned, A::Fail, M, S::Failed, Clock::Start(Step::ReturnVisit)),
    (S::Mediating, A::Fail, M, S::Failed, Clock::Start(Step::ReturnVisit)),
    (S::Agreement, A::ReturnVisit, C, S::Agreement, Clock::Stop),
    (S::Failed, A::ReturnVisit, C, S::Failed, Clock::Stop),
    (S::Agreement, A::Close, C, S::Closed, Clock::Stop),
    (S::Failed, A::Close, C, S::Closed, Clock::Stop),
    (S::Registered, A::Supervise, C, S::Registered, Clock::Supervise(Step::Assign)),
    (S::Assigned, A::Supervise, C, S::Assigned, Clock::Supervise(Step::Mediate)),
    (S::Mediating, A::Supervise, C, S::Mediating, Clock::Supervise(Step::Mediate)),
    (S::Agreement, A::Supervise, C, S::Agreement, Clock::Supervise(Step::ReturnVisit)),
    (S::Failed, A::Supervise, C, S::Failed, Clock::Supervise(Step::ReturnVisit)),
];

fn expected(f: &DisputeFacts, action: DisputeAction, role: DisputeRole) -> Result<Outcome, Refusal> {
    let visited_supervision = action == A::Supervise && f.return_visited && matches!(f.state, S::Agreement | S::Failed);
    let rows: Vec<_> = TABLE
        .iter()
        .filter(|r| r.0 == f.state && r.1 == action && !visited_supervision)
        .collect();
    let row = rows.first().ok_or(Refusal::NotInState)?;
    if row.2 != role {
        return Err(Refusal::NotForRole);
    }
    if action == A::Supervise && !f.overdue {
        return Err(Refusal::NotOverdue);
    }
    if action == A::Close && !f.return_visited {
        return Err(Refusal::NotVisited);
    }
    Ok(Outcome {
        state: row.3,
        return_visited: f.return_visited || action == A::ReturnVisit,
        clock: row.4,
    })
}

fn all_facts() -> Vec<DisputeFacts> {
    let mut all = Vec::new();
    for state in S::ALL {
        for overdue in [false, true] {
            for return_visited in [false, true] {
                all.push(DisputeFacts {
                    state,
                    overdue,
                    return_visited,
                });
            }
        }
    }
    all
}

fn facts(state: DisputeState) -> DisputeFacts {
    DisputeFacts {
        state,
        overdue: false,
        return_visited: false,
    }
}

#[test]
fn every_state_action_role_and_fact_matches_the_table() {
    let (mut allowed, mut checked) = (0, 0);
    for f in all_facts() {
        for action in A::ALL {
            for role in ROLES {
                let got = transition(&f, action, role);
                assert_eq!(got, expected(&f, action, role), "{f:?} {action:?} {role:?}");
                allowed += usize::from(got.is_ok());
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 6 * 4 * 8 * 2);
    // 11 unconditional rows × 4 fact sets, less close unvisited (2 × 2); supervise overdue only,
    // its return-visit rows unvisited only: 3 × 2 + 2 × 1.
    assert_eq!(allowed, 11 * 4 - 4 + 3 * 2 + 2);
}

#[test]
fn the_paths_reach_closed_after_a_return_visit() {
    let run = |path: &[(DisputeAction, DisputeRole)]| {
        let mut f = facts(S::Registered);
        for (action, role) in path {
            let out = transition(&f, *action, *role).expect("allowed");
            f = DisputeFacts {
                state: out.state,
                overdue: false,
                return_visited: out.return_visited,
            };
        }
        f.state
    };
    let agreed = [
        (A::Assign, C),
        (A::RecordSession, M),
        (A::RecordSession, M),
        (A::Agree, M),
        (A::ReturnVisit, C),
        (A::Close, C),
    ];
    assert_eq!(run(&agreed), S::Closed);
    let refused_outright = [(A::Assign, C), (A::Fail, M), (A::ReturnVisit, C), (A::Close, C)];
    assert_eq!(run(&refused_outright), S::Closed);
    let returned = [(A::Assign, C), (A::Return, M), (A::Assign, C)];
    assert_eq!(run(&returned), S::Assigned);
}

#[test]
fn refusals_say_what_is_missing() {
    let agreed = facts(S::Agreement);
    assert_eq!(transition(&agreed, A::Close, C), Err(Refusal::NotVisited));
    assert_eq!(Refusal::NotVisited.to_string(), "尚未回访，不能销案");
    assert_eq!(
        transition(&facts(S::Mediating), A::Supervise, C),
        Err(Refusal::NotOverdue)
    );
    assert_eq!(
        transition(&facts(S::Mediating), A::Supervise, M),
        Err(Refusal::NotForRole)
    );
    // An agreement needs a session first.
    assert_eq!(transition(&facts(S::Assigned), A::Agree, M), Err(Refusal::NotInState));
    let visited = DisputeFacts {
        overdue: true,
        return_visited: true,
        ..agreed
    };
    assert_eq!(transition(&visited, A::Supervise, C), Err(Refusal::NotInState));
    for action in A::ALL {
        for role in ROLES {
            assert_eq!(transition(&facts(S::Closed), action, role), Err(Refusal::NotInState));
        }
    }
}

#[test]
fn decide_lets_the_first_allowed_role_act() {
    let role_sets: [&[DisputeRole]; 5] = [&[], &[C], &[M], &[C, M], &[M, C]];
    for f in all_facts() {
        for action in A::ALL {
            let in_state = ROLES
                .iter()
                .any(|r| transition(&f, action, *r) != Err(Refusal::NotInState));
            for roles in role_sets {
                let want = if !in_state {
                    Err(Refusal::NotInState)
                } else if let Some(ok) = roles
                    .iter()
                    .find_map(|r| transition(&f, action, *r).ok().map(|out| (*r, out)))
                {
                    Ok(ok)
                } else {
                    Err(roles
                        .first()
                        .and_then(|r| transition(&f, action, *r).err())
                        .unwrap_or(Refusal::NotForRole))
                };
                assert_eq!(decide(&f, action, roles), want, "{f:?} {action:?} {roles:?}");
            }
        }
    }
    assert_eq!(decide(&facts(S::Closed), A::Close, &[]), Err(Refusal::NotInState));
    assert_eq!(
        decide(&facts(S::Agreement), A::Close, &[M, C]),
        Err(Refusal::NotForRole)
    );
}

#[test]
fn allowed_actions_lists_the_buttons() {
    assert_eq!(allowed_actions(&facts(S::Registered), C), ["assign"]);
    assert_eq!(
        allowed_actions(&facts(S::Assigned), M),
        ["return", "record_session", "fail"]
    );
    assert_eq!(
        allowed_actions(&facts(S::Mediating), M),
        ["record_session", "agree", "fail"]
    );
    let overdue = DisputeFacts {
        overdue: true,
        ..facts(S::Failed)
    };
    assert_eq!(allowed_actions(&overdue, C), ["return_visit", "supervise"]);
    let visited = DisputeFacts {
        return_visited: true,
        ..overdue
    };
    assert_eq!(allowed_actions(&visited, C), ["return_visit", "close"]);
    assert!(allowed_actions(&visited, M).is_empty());
}

/// A moment given in Beijing time.
fn cst(m: u32, d: u32, h: u32) -> DateTime<Utc> {
    let local = chrono::NaiveDate::from_ymd_opt(2026, m, d)
        .and_then(|d| d.and_hms_opt(h, 0, 0))
        .expect("valid time");
    (local - TimeDelta::hours(8)).and_utc()
}

#[test]
fn deadlines_skip_national_day_and_count_the_make_up_saturday() {
    let cal = WorkCalendar::china_2026();
    let limits = DisputeLimits::default();
    // Assigned Wed 09-30 10:00: working days 10-08, 10-09, 10-10 (make-up Saturday), 10-12 … the
    // 15th is Tue 10-27.
    let at = cst(9, 30, 10);
    assert_eq!(limits.due(&cal, Clock::Start(Step::Mediate), at), Some(cst(10, 27, 10)));
    assert_eq!(assignment_deadline(&cal, &limits, at, None), Ok(cst(10, 27, 10)));
    // Supervised on the first day after the holiday: five working days, the Saturday among them.
    assert_eq!(
        limits.due(&cal, Clock::Supervise(Step::Mediate), cst(10, 8, 9)),
        Some(cst(10, 14, 9))
    );
    assert_eq!(limits.due(&cal, Clock::Keep, at), None);
    assert_eq!(limits.due(&cal, Clock::Stop, at), None);
    let chosen = cst(10, 20, 18);
    assert_eq!(assignment_deadline(&cal, &limits, at, Some(chosen)), Ok(chosen));
    assert_eq!(
        assignment_deadline(&cal, &limits, at, Some(at)),
        Err(DeadlineBeforeAssignment)
    );
}

#[test]
fn limits_serialize_as_settings() {
    let json = serde_json::to_value(DisputeLimits::default()).expect("serializes");
    assert_eq!(json["mediate"], serde_json::json!({"working_days": 15}));
    let back: DisputeLimits = serde_json::from_value(json).expect("parses");
    assert_eq!(back, DisputeLimits::default());
}

#[test]
fn limits_are_above_zero_and_within_a_year() {
    let l = DisputeLimits::default();
    assert_eq!(l.validate(), Ok(()));
    let refused = |l: DisputeLimits| l.validate().map_err(|e| (e.path, e.message));
    assert_eq!(
        refused(DisputeLimits {
            mediate: Limit::WorkingDays(0),
            ..l
        }),
        Err(("mediate".into(), "调解时限须大于 0 个工作日".into()))
    );
    assert_eq!(
        refused(DisputeLimits {
            supervise: Limit::Hours(9_000),
            ..l
        }),
        Err(("supervise".into(), "督办后的办理时限不能超过 8760 小时".into()))
    );
    assert!(
        DisputeLimits {
            assign: Limit::Hours(24),
            ..l
        }
        .validate()
        .is_ok()
    );
}

#[test]
fn an_agreement_has_a_text_signed_or_not() {
    let oral = Agreement::parse("  双方同意由物业于月底前修复渗水  ", false).expect("valid");
    assert_eq!((oral.text(), oral.signed()), ("双方同意由物业于月底前修复渗水", false));
    assert_eq!(
        Agreement::parse(" ", true).map_err(|e| (e.field, e.message)),
        Err(("agreement_text", "协议内容不能为空".to_owned()))
    );
    assert!(Agreement::parse(&"字".repeat(4001), true).is_err());
}

#[test]
fn names_round_trip() {
    for s in S::ALL {
        assert_eq!(S::parse(s.as_str()), Some(s));
        assert_eq!(
            serde_json::to_string(&s).expect("serializes"),
            format!("\"{}\"", s.as_str())
        );
        assert!(!s.zh().is_empty());
    }
    let open: Vec<_> = S::ALL.into_iter().filter(|s| !s.is_terminal()).collect();
    assert_eq!(open, OPEN_STATES);
    for a in A::ALL {
        assert_eq!(A::parse(a.as_str()), Some(a));
    }
    for s in Step::ALL {
        assert_eq!(Step::parse(s.as_str()), Some(s));
    }
    for r in Referral::ALL {
        assert_eq!(Referral::parse(r.as_str()), Some(r));
        assert_eq!(
            serde_json::to_string(&r).expect("serializes"),
            format!("\"{}\"", r.as_str())
        );
    }
    assert_eq!(A::parse("mediate"), None);
    assert_eq!(A::Close.zh(), "销案");
    assert_eq!(Referral::Arbitration.zh(), "引导仲裁");
}
