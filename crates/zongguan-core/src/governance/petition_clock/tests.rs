//! The petition clocks in worked examples on the 2026 calendar: National Day (10-01..07) and its
//! make-up Saturday 10-10, an extension, reviews on time and late.
use super::*;

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, d).expect("valid date")
}

fn cal() -> WorkCalendar {
    WorkCalendar::china_2026()
}

fn limits() -> PetitionLimits {
    PetitionLimits::default()
}

const EXT: Extension<'static> = Extension {
    days: 30,
    reason: "涉及多个部门，需现场核查",
    approved_by: Some(42),
};

#[test]
fn acceptance_due_on_national_day_moves_past_the_holiday() {
    // Received Wed 09-16: the 15th day is 10-01, a holiday; the next working day is Thu 10-08.
    assert_eq!(limits().due(&cal(), Term::Acceptance, day(9, 16)), day(10, 8));
    let strict = PetitionLimits {
        roll_over: false,
        ..limits()
    };
    assert_eq!(strict.due(&cal(), Term::Acceptance, day(9, 16)), day(10, 1));
}

#[test]
fn a_make_up_saturday_is_a_last_day_and_an_ordinary_one_is_not() {
    // Received on the Mid-Autumn holiday 09-25: the 15th day is Sat 10-10, a make-up working day.
    assert_eq!(limits().due(&cal(), Term::Acceptance, day(9, 25)), day(10, 10));
    // A day later the 15th day is Sunday 10-11: moved to Monday.
    assert_eq!(limits().due(&cal(), Term::Acceptance, day(9, 26)), day(10, 12));
}

#[test]
fn working_day_limits_skip_the_holiday_and_count_the_make_up_saturday() {
    let working = PetitionLimits {
        acceptance: Days::Working(15),
        ..limits()
    };
    // From Mon 09-28: 09-29, 09-30, then 10-08, 10-09, 10-10 (Saturday, make-up) … the 15th is Fri 10-23.
    assert_eq!(working.due(&cal(), Term::Acceptance, day(9, 28)), day(10, 23));
    assert_eq!(due_date(&cal(), day(9, 30), Days::Working(3), true), day(10, 10));
    // The start day is not counted even when it is a working day.
    assert_eq!(due_date(&cal(), day(3, 16), Days::Working(1), true), day(3, 17));
    // Received on a holiday: the first working day after it is day one.
    assert_eq!(due_date(&cal(), day(10, 3), Days::Working(1), true), day(10, 8));
}

#[test]
fn handling_runs_sixty_days_and_extends_once_by_up_to_thirty() {
    let (cal, l) = (cal(), limits());
    // Accepted Mon 08-03: the 60th day is Fri 10-02, inside National Day: due Thu 10-08.
    let due = l.due(&cal, Term::Handling, day(8, 3));
    assert_eq!(due, day(10, 8));
    assert_eq!(l.status(due, day(10, 2)), DueStatus::NotDue);
    assert_eq!(l.status(due, day(10, 3)), DueStatus::Due);
    assert_eq!(l.status(due, day(10, 9)), DueStatus::Overdue);
    // Extended on its last day by 30: Sat 11-07 moves to Mon 11-09.
    let extended = l.extend(&cal, due, day(10, 8), 0, &EXT).expect("first extension");
    assert_eq!(extended, day(11, 9));
    // A shorter extension is fine too.
    let ten = Extension { days: 10, ..EXT };
    assert_eq!(l.extend(&cal, due, day(9, 30), 0, &ten), Ok(day(10, 19)));
    assert!(on_time(extended, day(11, 9)));
    assert!(!on_time(extended, day(11, 10)));
}

#[test]
fn a_second_extension_is_refused() {
    let (cal, l) = (cal(), limits());
    let refused = l.extend(&cal, day(11, 9), day(11, 2), 1, &EXT);
    assert_eq!(refused, Err(ClockRefusal::AlreadyExtended { allowed: 1 }));
    assert_eq!(
        refused.map_err(|e| e.to_string()),
        Err("办理期限只能延长 1 次，本事项已延期，不能再次延期".into())
    );
    // A unit whose rules allow none refuses the first.
    let none = PetitionLimits { extensions: 0, ..l };
    assert_eq!(
        none.extend(&cal, day(10, 8), day(10, 8), 0, &EXT),
        Err(ClockRefusal::AlreadyExtended { allowed: 0 })
    );
}

#[test]
fn an_extension_needs_time_left_days_a_reason_and_approval() {
    let (cal, l) = (cal(), limits());
    let due = day(10, 8);
    let ask = |today, ext: Extension<'_>| l.extend(&cal, due, today, 0, &ext).map_err(|e| e.to_string());
    assert_eq!(
        ask(day(10, 9), EXT),
        Err("办理期限已于2026年10月8日届满，不能再延期".into())
    );
    assert_eq!(
        ask(day(10, 8), Extension { days: 0, ..EXT }),
        Err("延长天数须大于 0".into())
    );
    assert_eq!(
        ask(day(10, 8), Extension { days: 31, ..EXT }),
        Err("延长期限不得超过30日".into())
    );
    assert_eq!(
        ask(day(10, 8), Extension { reason: "  ", ..EXT }),
        Err("延期须写明理由".into())
    );
    assert_eq!(
        ask(
            day(10, 8),
            Extension {
                approved_by: None,
                ..EXT
            }
        ),
        Err("延期须经本机关、单位负责人批准".into())
    );
    let working = PetitionLimits {
        extension: Days::Working(20),
        ..l
    };
    assert_eq!(
        working.extend(&cal, due, due, 0, &Extension { days: 21, ..EXT }),
        Err(ClockRefusal::TooLong { max: Days::Working(20) })
    );
}

#[test]
fn a_review_is_requested_within_thirty_days_of_the_answer() {
    let (cal, l) = (cal(), limits());
    // Answer received Fri 10-09: the 30th day is Sun 11-08, so the window closes Mon 11-09.
    assert_eq!(l.due(&cal, Term::ReviewRequest, day(10, 9)), day(11, 9));
    // Requested on the last day: the review is due 30 days later, Wed 12-09.
    assert_eq!(l.request_review(&cal, day(10, 9), day(11, 9)), Ok(day(12, 9)));
    assert_eq!(l.request_review(&cal, day(10, 9), day(10, 9)), Ok(day(11, 9)));
    assert_eq!(
        l.request_review(&cal, day(10, 9), day(10, 8)),
        Err(ClockRefusal::Early {
            term: Term::ReviewRequest
        })
    );
}

#[test]
fn a_late_review_request_is_refused_with_its_window() {
    let (cal, l) = (cal(), limits());
    let late = l.request_review(&cal, day(10, 9), day(11, 10));
    assert_eq!(
        late,
        Err(ClockRefusal::Late {
            term: Term::ReviewRequest,
            days: Days::Calendar(30),
            due: day(11, 9)
        })
    );
    assert_eq!(
        late.map_err(|e| e.to_string()),
        Err("复查申请期限为自收到书面答复之日起30日，已于2026年11月9日届满，不予受理".into())
    );
    // Re-review: opinion received Wed 11-18, window closes Fri 12-18.
    assert_eq!(l.request_re_review(&cal, day(11, 18), day(12, 1)), Ok(day(12, 31)));
    assert_eq!(
        l.request_re_review(&cal, day(11, 18), day(12, 19))
            .map_err(|e| e.to_string()),
        Err("复核申请期限为自收到复查意见之日起30日，已于2026年12月18日届满，不予受理".into())
    );
}

#[test]
fn days_parse_format_and_serialize() {
    assert_eq!("30d".parse(), Ok(Days::Calendar(30)));
    assert_eq!("15wd".parse(), Ok(Days::Working(15)));
    for bad in [
        "",
        "d",
        "wd",
        "0d",
        "30",
        "30h",
        "-1d",
        " 3d",
        "3 d",
        "1.5d",
        "99999999999d",
    ] {
        assert!(bad.parse::<Days>().is_err(), "{bad:?}");
    }
    for d in [Days::Calendar(60), Days::Working(15)] {
        assert_eq!(d.to_string().parse(), Ok(d));
    }
    assert_eq!(Days::Working(15).zh(), "15个工作日");
    assert_eq!(Days::Calendar(30).with_count(7), Days::Calendar(7));
    let json = serde_json::to_value(limits()).expect("serializes");
    assert_eq!(json["handling"], serde_json::json!({"calendar": 60}));
    assert_eq!(json["extensions"], 1);
    let back: PetitionLimits = serde_json::from_value(json).expect("parses");
    assert_eq!(back, limits());
}

#[test]
fn settings_with_a_zero_day_term_are_refused() {
    assert_eq!(limits().validate(), Ok(()));
    let bad = PetitionLimits {
        review_answer: Days::Calendar(0),
        ..limits()
    };
    assert_eq!(
        bad.validate().map_err(|e| e.to_string()),
        Err("复查期限须大于 0 天".into())
    );
    let no_ext = PetitionLimits {
        extension: Days::Calendar(0),
        extensions: 0,
        ..limits()
    };
    assert_eq!(no_ext.validate(), Ok(()));
    assert_eq!(
        PetitionLimits {
            extensions: 1,
            ..no_ext
        }
        .validate()
        .map_err(|e| e.path),
        Err("extension".into())
    );
    let refused = |l: PetitionLimits| l.validate().map_err(|e| (e.path, e.message));
    assert_eq!(
        refused(PetitionLimits {
            handling: Days::Working(300),
            ..limits()
        }),
        Err(("handling".into(), "办理期限不能超过 250 个工作日".into()))
    );
    assert_eq!(
        refused(PetitionLimits {
            extensions: 4,
            ..limits()
        }),
        Err(("extensions".into(), "延期次数不能超过 3 次".into()))
    );
    assert_eq!(
        refused(PetitionLimits {
            warning_days: 60,
            ..limits()
        })
        .map_err(|e| e.0),
        Err("warning_days".into())
    );
}

#[test]
fn terms_round_trip() {
    for t in Term::ALL {
        assert_eq!(Term::parse(t.as_str()), Some(t));
        assert_eq!(
            serde_json::to_string(&t).expect("serializes"),
            format!("\"{}\"", t.as_str())
        );
        assert!(!t.zh().is_empty() && !t.from_zh().is_empty());
    }
    let windows: Vec<_> = Term::ALL.into_iter().filter(|t| t.is_window()).collect();
    assert_eq!(windows, [Term::ReviewRequest, Term::ReReviewRequest]);
    assert_eq!(Term::parse("review"), None);
}
