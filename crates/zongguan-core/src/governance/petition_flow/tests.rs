//! The petition workflow, exhaustively against a table, and a worked example with its clocks.
use super::*;
use crate::calendar::WorkCalendar;
use crate::governance::petition_clock::{ClockRefusal, Extension, PetitionLimits, on_time};
use NoticeKind as N;
use PetitionAction as A;
use PetitionRole::{Center as C, Handler as H, Reviewer as R};
use PetitionState as S;

const ROLES: [PetitionRole; 3] = [C, H, R];

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, d).expect("valid date")
}

/// Allowed (state, action, role) → (state, clock, notice), written out apart from `rule`. Supervise,
/// close and the re-reviewed facts have conditions of their own, checked in `expected`.
#[rustfmt::skip]
const TABLE: [(PetitionState, PetitionAction, PetitionRole, PetitionState, Clock, Option<NoticeKind>); 17] = [
    (S::Received, A::Accept, C, S::Accepted, Clock::Start(Term::Handling), Some(N::PetitionAcceptance)),
    (S::Received, A::Reject, C, S::NotAccepted, Clock::Stop, Some(N::PetitionNonAcceptance)),
    (S::Accepted, A::Assign, C, S::Handling, Clock::Keep, Some(N::Assignment)),
    (S::Accepted, A::Supervise, C, S::Accepted, Clock::Keep, Some(N::Supervision)),
    (S::Handling, A::Supervise, C, S::Handling, Clock::Keep, Some(N::Supervision)),
    (S::Handling, A::Extend, H, S::Handling, Clock::Extend, None),
    (S::Handling, A::Answer, H, S::Answered, Clock::Start(Term::ReviewRequest), Some(N::PetitionAnswer)),
    (S::Answered, A::RequestReview, R, S::ReviewRequested, Clock::Start(Term::ReviewAnswer), None),
    (S::ReviewRequested, A::AnswerReview, R, S::Reviewed, Clock::Start(Term::ReReviewRequest), Some(N::PetitionReviewAnswer)),
    (S::Reviewed, A::RequestReReview, R, S::ReReviewRequested, Clock::Start(Term::ReReviewAnswer), None),
    (S::ReReviewRequested, A::AnswerReReview, R, S::ReReviewed, Clock::Stop, Some(N::PetitionReReviewAnswer)),
    (S::Answered, A::ReturnVisit, C, S::Answered, Clock::Keep, None),
    (S::Reviewed, A::ReturnVisit, C, S::Reviewed, Clock::Keep, None),
    (S::ReReviewed, A::ReturnVisit, C, S::ReReviewed, Clock::Keep, None),
    (S::Answered, A::Close, C, S::Closed, Clock::Stop, None),
    (S::Reviewed, A::Close, C, S::Closed, Clock::Stop, None),
    (S::ReReviewed, A::Close, C, S::Closed, Clock::Stop, None),
];

fn expected(f: &PetitionFacts, action: PetitionAction, role: PetitionRole) -> Result<Outcome, Refusal> {
    let asks_again =
        matches!(action, A::RequestReview | A::RequestReReview) || (action == A::Accept && f.state == S::Received);
    if let (Some(on), true) = (f.re_reviewed_on, asks_again) {
        return Err(Refusal::ReReviewed { on });
    }
    let row = TABLE
        .iter()
        .find(|r| r.0 == f.state && r.1 == action)
        .ok_or(Refusal::NotInState)?;
    if row.2 != role {
        return Err(Refusal::NotForRole);
    }
    if action == A::Supervise && !f.overdue {
        return Err(Refusal::NotOverdue);
    }
    if action == A::Close && f.window_open && f.state != S::ReReviewed {
        return Err(Refusal::WindowOpen);
    }
    Ok(Outcome {
        state: row.3,
        clock: row.4,
        notice: row.5,
    })
}

fn all_facts() -> Vec<PetitionFacts> {
    let mut all = Vec::new();
    for state in S::ALL {
        for overdue in [false, true] {
            for window_open in [false, true] {
                for re_reviewed_on in [None, Some(day(3, 2))] {
                    all.push(PetitionFacts {
                        state,
                        overdue,
                        window_open,
                        re_reviewed_on,
                    });
                }
            }
        }
    }
    all
}

fn facts(state: PetitionState) -> PetitionFacts {
    PetitionFacts {
        state,
        overdue: false,
        window_open: false,
        re_reviewed_on: None,
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
    assert_eq!(checked, 10 * 8 * 12 * 3);
    // Of the 8 fact sets per row: all for 10 rows; half for accept and the two requests (not
    // re-reviewed), the two supervisions (overdue) and the two closes before a re-review (window
    // closed).
    assert_eq!(allowed, 10 * 8 + 7 * 4);
}

#[test]
fn decide_puts_refusals_about_the_petition_first() {
    let role_sets: [&[PetitionRole]; 6] = [&[], &[C], &[H], &[R], &[H, C], &[R, H, C]];
    for f in all_facts() {
        for action in A::ALL {
            let about_petition = ROLES.iter().find_map(|r| match transition(&f, action, *r) {
                Err(e @ (Refusal::NotInState | Refusal::ReReviewed { .. })) => Some(e),
                _ => None,
            });
            for roles in role_sets {
                let first_ok = roles
                    .iter()
                    .find_map(|r| transition(&f, action, *r).ok().map(|out| (*r, out)));
                let want = match (about_petition, first_ok) {
                    (Some(e), _) => Err(e),
                    (None, Some(ok)) => Ok(ok),
                    (None, None) => Err(roles
                        .first()
                        .and_then(|r| transition(&f, action, *r).err())
                        .unwrap_or(Refusal::NotForRole)),
                };
                assert_eq!(decide(&f, action, roles), want, "{f:?} {action:?} {roles:?}");
            }
        }
    }
}

/// Applies allowed actions in turn, as the db layer would, carrying the facts along.
fn step(f: &mut PetitionFacts, action: PetitionAction, role: PetitionRole) -> Outcome {
    let out = transition(f, action, role).unwrap_or_else(|e| panic!("{action:?} refused: {e}"));
    f.state = out.state;
    out
}

#[test]
fn worked_example_across_national_day_to_re_review_and_a_refused_repeat() {
    let (cal, l) = (WorkCalendar::china_2026(), PetitionLimits::default());
    let mut f = facts(RECEIVED.state);
    // Received Mon 07-27: decide by Tue 08-11. Accepted Mon 08-03, with its written notice.
    assert_eq!(l.due(&cal, Term::Acceptance, day(7, 27)), day(8, 11));
    assert_eq!(step(&mut f, A::Accept, C).notice, Some(N::PetitionAcceptance));
    // 60 days from 08-03 end on Fri 10-02, inside National Day: handling is due Thu 10-08.
    let due = l.due(&cal, Term::Handling, day(8, 3));
    assert_eq!(due, day(10, 8));
    assert_eq!(step(&mut f, A::Assign, C).notice, Some(N::Assignment));
    // Extended on 09-30, approved, by 30 days: Sat 11-07 moves to Mon 11-09.
    let ext = Extension {
        days: 30,
        reason: "需会同住建部门核查",
        approved_by: Some(7),
    };
    assert_eq!(step(&mut f, A::Extend, H).clock, Clock::Extend);
    let due = l.extend(&cal, due, day(9, 30), 0, &ext).expect("first extension");
    assert_eq!(due, day(11, 9));
    // The flow would take a second extension; the clock refuses it.
    assert!(transition(&f, A::Extend, H).is_ok());
    assert_eq!(
        l.extend(&cal, due, day(10, 12), 1, &ext),
        Err(ClockRefusal::AlreadyExtended { allowed: 1 })
    );
    // Answered Fri 10-09 (on time), telling of the right to a review.
    let out = step(&mut f, A::Answer, H);
    assert!(on_time(due, day(10, 9)));
    assert_eq!(out.clock, Clock::Start(Term::ReviewRequest));
    assert!(out.notice.is_some_and(NoticeKind::tells_review_right));
    // While the window is open the answer cannot be closed.
    f.window_open = true;
    assert_eq!(transition(&f, A::Close, C), Err(Refusal::WindowOpen));
    // Review asked on 10-20, inside the window (to 11-09): answered by Thu 11-19.
    assert_eq!(l.request_review(&cal, day(10, 9), day(10, 20)), Ok(day(11, 19)));
    step(&mut f, A::RequestReview, R);
    assert_eq!(step(&mut f, A::AnswerReview, R).notice, Some(N::PetitionReviewAnswer));
    // Review opinion on 11-18; re-review asked on 12-01, answered by 12-31, given on 12-30.
    assert_eq!(l.request_re_review(&cal, day(11, 18), day(12, 1)), Ok(day(12, 31)));
    step(&mut f, A::RequestReReview, R);
    assert_eq!(step(&mut f, A::AnswerReReview, R).clock, Clock::Stop);
    f.re_reviewed_on = Some(day(12, 30));
    // The re-review is final: closed at once, the window flag notwithstanding.
    step(&mut f, A::ReturnVisit, C);
    step(&mut f, A::Close, C);
    assert_eq!(f.state, S::Closed);
    let again = transition(&f, A::RequestReview, R);
    assert_eq!(again, Err(Refusal::ReReviewed { on: day(12, 30) }));
    assert_eq!(
        again.map_err(|e| e.to_string()),
        Err("该信访事项已于2026年12月30日复核，信访人仍以同一事实和理由提出投诉请求的，不再受理".into())
    );
    // A new petition on the same facts: acceptance is refused citing the re-review; the office
    // answers it with a non-acceptance notice instead.
    let repeat = PetitionFacts {
        re_reviewed_on: Some(day(12, 30)),
        ..facts(S::Received)
    };
    assert_eq!(
        decide(&repeat, A::Accept, &[C]),
        Err(Refusal::ReReviewed { on: day(12, 30) })
    );
    assert_eq!(
        transition(&repeat, A::Reject, C).map(|o| o.notice),
        Ok(Some(N::PetitionNonAcceptance))
    );
}

#[test]
fn accepted_on_the_make_up_saturday_and_a_late_review_request_refused() {
    let (cal, l) = (WorkCalendar::china_2026(), PetitionLimits::default());
    // Received on the Mid-Autumn holiday 09-25: the acceptance term ends on Sat 10-10, a make-up
    // working day, and accepting that day is on time.
    let due = l.due(&cal, Term::Acceptance, day(9, 25));
    assert_eq!(due, day(10, 10));
    assert!(on_time(due, day(10, 10)));
    // Answered 10-09: asking on 11-10 is a day late; the flow allows the step, the clock refuses.
    assert!(transition(&facts(S::Answered), A::RequestReview, R).is_ok());
    assert_eq!(
        l.request_review(&cal, day(10, 9), day(11, 10))
            .map_err(|e| e.to_string()),
        Err("复查申请期限为自收到书面答复之日起30日，已于2026年11月9日届满，不予受理".into())
    );
}

#[test]
fn supervision_needs_an_overdue_term_and_the_buttons_follow() {
    assert_eq!(
        transition(&facts(S::Handling), A::Supervise, C),
        Err(Refusal::NotOverdue)
    );
    let late = PetitionFacts {
        overdue: true,
        ..facts(S::Handling)
    };
    assert_eq!(
        transition(&late, A::Supervise, C).map(|o| (o.state, o.clock, o.notice)),
        Ok((S::Handling, Clock::Keep, Some(N::Supervision)))
    );
    assert_eq!(allowed_actions(&late, C), ["supervise"]);
    assert_eq!(allowed_actions(&late, H), ["extend", "answer"]);
    assert_eq!(allowed_actions(&facts(S::Received), C), ["accept", "reject"]);
    assert_eq!(allowed_actions(&facts(S::Answered), C), ["return_visit", "close"]);
    assert_eq!(allowed_actions(&facts(S::Answered), R), ["request_review"]);
    assert!(
        ROLES
            .iter()
            .all(|r| allowed_actions(&facts(S::NotAccepted), *r).is_empty())
    );
}

#[test]
fn terms_follow_the_states() {
    let terms: Vec<_> = S::ALL.into_iter().map(term_of).collect();
    assert_eq!(
        terms,
        [
            Some(Term::Acceptance),
            Some(Term::Handling),
            None,
            Some(Term::Handling),
            Some(Term::ReviewRequest),
            Some(Term::ReviewAnswer),
            Some(Term::ReReviewRequest),
            Some(Term::ReReviewAnswer),
            None,
            None,
        ]
    );
    // Every clock a transition starts is the term of the state it reaches.
    for (_, _, _, to, clock, _) in TABLE {
        if let Clock::Start(t) = clock {
            assert_eq!(term_of(to), Some(t));
        }
    }
    assert_eq!(RECEIVED.clock, Clock::Start(Term::Acceptance));
}

#[test]
fn first_contact_resolution() {
    assert!(resolved_at_first_contact(true, S::Answered, false, false));
    assert!(resolved_at_first_contact(true, S::Closed, false, false));
    assert!(!resolved_at_first_contact(false, S::Closed, false, false));
    assert!(!resolved_at_first_contact(true, S::Closed, true, false));
    assert!(!resolved_at_first_contact(true, S::Closed, false, true));
    assert!(!resolved_at_first_contact(true, S::Handling, false, false));
    assert!(!resolved_at_first_contact(true, S::NotAccepted, false, false));
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
        assert!(!a.zh().is_empty());
    }
    assert_eq!(A::parse("review"), None);
    assert_eq!(A::RequestReReview.zh(), "申请复核");
    assert_eq!(S::ReviewRequested.zh(), "复查中");
}
