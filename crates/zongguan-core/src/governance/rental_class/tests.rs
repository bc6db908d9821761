//! Class proposals from facts under the default and edited rules, and the inspection schedule.
use super::*;

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, d).expect("valid date")
}

/// A sound, compliant, tidy house with two people in 40 m² and nothing on record.
fn clean() -> RentalFacts {
    RentalFacts {
        building: BuildingCondition::Safe,
        owner_compliance: Compliance::Compliant,
        major_hazards: 0,
        hazards: 0,
        sanitation: Sanitation::Good,
        occupants: 2,
        area_m2: Some(40.0),
        special_group_tenants: 0,
        recent_cases: 0,
    }
}

fn propose(f: &RentalFacts) -> Proposal {
    ClassRules::default().propose(f)
}

fn texts(p: &Proposal) -> Vec<&str> {
    p.reasons.iter().map(|r| r.text.as_str()).collect()
}

#[test]
fn a_clean_house_is_green_with_no_reasons() {
    let p = propose(&clean());
    assert_eq!(p.class, RiskClass::Green);
    assert!(p.reasons.is_empty());
    // Fair sanitation, B-grade building: still nothing to watch.
    let fair = RentalFacts {
        sanitation: Sanitation::Fair,
        building: BuildingCondition::BasicallySafe,
        ..clean()
    };
    assert_eq!(propose(&fair).class, RiskClass::Green);
}

#[test]
fn each_fact_leads_to_its_class_and_says_so() {
    let cases: [(RentalFacts, RiskClass, &str); 9] = [
        (
            RentalFacts {
                building: BuildingCondition::PartlyDangerous,
                ..clean()
            },
            RiskClass::Orange,
            "房屋安全等级为C级（局部危房）",
        ),
        (
            RentalFacts {
                owner_compliance: Compliance::Partial,
                ..clean()
            },
            RiskClass::Yellow,
            "房东已备案但未按时申报租客",
        ),
        (
            RentalFacts { hazards: 1, ..clean() },
            RiskClass::Yellow,
            "存在 1 处未整改的一般隐患",
        ),
        (
            RentalFacts {
                major_hazards: 2,
                ..clean()
            },
            RiskClass::Red,
            "存在 2 处未整改的重大隐患",
        ),
        (
            RentalFacts {
                sanitation: Sanitation::Poor,
                ..clean()
            },
            RiskClass::Yellow,
            "环境卫生较差",
        ),
        (
            RentalFacts {
                occupants: 9,
                area_m2: Some(36.0),
                ..clean()
            },
            RiskClass::Orange,
            "住 9 人，人均面积 4.0 平方米，低于 5 平方米（群租）",
        ),
        (
            RentalFacts {
                special_group_tenants: 1,
                ..clean()
            },
            RiskClass::Yellow,
            "住有特殊人群 1 人",
        ),
        (
            RentalFacts {
                recent_cases: 2,
                ..clean()
            },
            RiskClass::Yellow,
            "近 90 日该地址发生事件 2 宗",
        ),
        (
            RentalFacts {
                recent_cases: 1,
                ..clean()
            },
            RiskClass::Green,
            "",
        ),
    ];
    for (facts, class, text) in cases {
        let p = propose(&facts);
        assert_eq!(p.class, class, "{facts:?}");
        assert_eq!(p.reasons.first().map_or("", |r| r.text.as_str()), text);
    }
}

#[test]
fn the_worst_rule_decides_and_every_match_is_listed_worst_first() {
    let f = RentalFacts {
        building: BuildingCondition::Dangerous,
        owner_compliance: Compliance::NonCompliant,
        hazards: 3,
        recent_cases: 5,
        ..clean()
    };
    let p = propose(&f);
    assert_eq!(p.class, RiskClass::Red);
    assert!(!p.class.may_be_let());
    let classes: Vec<_> = p.reasons.iter().map(|r| r.class).collect();
    assert!(classes.windows(2).all(|w| w[0] >= w[1]), "{classes:?}");
    assert_eq!(texts(&p)[0], "房屋安全等级为D级（整幢危房）");
    // A D-grade building meets the C rule too; three hazards meet the one-hazard rule too.
    assert_eq!(p.reasons.len(), 2 + 2 + 2 + 2);
}

#[test]
fn crowding_needs_the_area_and_someone_living_there() {
    let unknown = RentalFacts {
        occupants: 30,
        area_m2: None,
        ..clean()
    };
    assert_eq!(propose(&unknown).class, RiskClass::Green);
    let empty = RentalFacts {
        occupants: 0,
        area_m2: Some(10.0),
        ..clean()
    };
    assert_eq!(empty.area_per_occupant(), None);
    // Exactly 5 m² a person is not below 5.
    let edge = RentalFacts {
        occupants: 8,
        area_m2: Some(40.0),
        ..clean()
    };
    assert_eq!(propose(&edge).class, RiskClass::Green);
    let bad_area = RentalFacts {
        area_m2: Some(f64::NAN),
        ..clean()
    };
    assert_eq!(bad_area.area_per_occupant(), None);
}

#[test]
fn red_houses_must_not_be_let() {
    assert_eq!(check_may_let(Some(RiskClass::Red)), Err(NotToLet));
    assert_eq!(
        NotToLet.to_string(),
        "该出租屋为禁止级（红色），不得出租，不能登记新的居住"
    );
    assert_eq!(check_may_let(Some(RiskClass::Orange)), Ok(()));
    assert_eq!(check_may_let(None), Ok(()));
}

#[test]
fn rules_are_data_an_administrator_edits() {
    let json = serde_json::to_value(ClassRules::default()).expect("serializes");
    assert_eq!(json["case_window_days"], 90);
    assert_eq!(
        json["rules"][0],
        serde_json::json!({"fact": "building", "at_least": "c", "class": "orange"})
    );
    assert_eq!(
        json["rules"][8],
        serde_json::json!({"fact": "crowding", "below_m2": 5.0, "class": "orange"})
    );
    let back = ClassRules::from_json(&json.to_string()).expect("parses");
    assert_eq!(back, ClassRules::default());
    // An edited set: 30 days of cases, one case makes orange, a stricter crowding line.
    let edited = ClassRules::from_json(
        r#"{"case_window_days": 30, "rules": [
            {"fact": "recent_cases", "at_least": 1, "class": "orange"},
            {"fact": "crowding", "below_m2": 10, "class": "yellow"}
        ]}"#,
    )
    .expect("valid");
    let f = RentalFacts {
        recent_cases: 1,
        occupants: 5,
        area_m2: Some(40.0),
        ..clean()
    };
    let p = edited.propose(&f);
    assert_eq!(p.class, RiskClass::Orange);
    assert_eq!(
        texts(&p),
        [
            "近 30 日该地址发生事件 1 宗",
            "住 5 人，人均面积 8.0 平方米，低于 10 平方米（群租）"
        ]
    );
}

#[test]
fn rule_sets_that_make_no_sense_are_refused() {
    let refused = |s: &str| ClassRules::from_json(s).map_err(|e| e.to_string());
    assert_eq!(
        refused(r#"{"case_window_days": 90, "rules": [{"fact": "hazards", "at_least": 0, "class": "red"}]}"#),
        Err("第 1 条规则：阈值使条件对所有出租屋都成立".into())
    );
    assert_eq!(
        refused(r#"{"case_window_days": 90, "rules": [{"fact": "building", "at_least": "a", "class": "red"}]}"#),
        Err("第 1 条规则：阈值使条件对所有出租屋都成立".into())
    );
    assert_eq!(
        refused(r#"{"case_window_days": 90, "rules": [{"fact": "crowding", "below_m2": -1, "class": "red"}]}"#),
        Err("第 1 条规则：阈值使条件对所有出租屋都成立".into())
    );
    assert_eq!(
        refused(r#"{"case_window_days": 90, "rules": [{"fact": "hazards", "at_least": 1, "class": "green"}]}"#),
        Err("第 1 条规则：宽管级是未触发任何规则时的等级，规则须定为关注级以上".into())
    );
    assert_eq!(
        refused(r#"{"case_window_days": 0, "rules": []}"#),
        Err("统计事件的天数须大于 0".into())
    );
    let unknown = refused(r#"{"case_window_days": 90, "rules": [{"fact": "noise", "class": "red"}]}"#);
    assert!(unknown.is_err_and(|e| e.starts_with("规则格式有误")));
    let many = ClassRules {
        case_window_days: 90,
        rules: vec![ClassRules::default().rules[0]; MAX_RULES + 1],
    };
    assert!(many.validate().is_err());
    assert_eq!(ClassRules::default().validate(), Ok(()));
}

#[test]
fn a_refused_rule_names_its_place_in_the_set() {
    let path = |s: &str| {
        ClassRules::from_json(s)
            .map_err(|e| e.into_setting())
            .map_err(|e| (e.path, e.message))
    };
    assert_eq!(
        path(
            r#"{"case_window_days": 90, "rules": [{"fact": "hazards", "at_least": 1, "class": "yellow"}, {"fact": "crowding", "below_m2": 0, "class": "red"}]}"#
        ),
        Err((
            "rules[1].below_m2".into(),
            "第 2 条规则：阈值使条件对所有出租屋都成立".into()
        ))
    );
    assert_eq!(
        path(r#"{"case_window_days": 90, "rules": [{"fact": "hazards", "at_least": 1, "class": "green"}]}"#)
            .map_err(|e| e.0),
        Err("rules[0].class".into())
    );
    assert_eq!(
        path(r#"{"case_window_days": 400, "rules": []}"#),
        Err(("case_window_days".into(), "统计事件的天数不能超过 365 天".into()))
    );
    assert_eq!(path(r#"{"rules": []}"#).map_err(|e| e.0), Err(String::new()));
}

#[test]
fn inspections_fall_due_by_class_from_the_last_one() {
    let s = InspectionSchedule::default();
    let last = Some(day(9, 1));
    let since = day(1, 5);
    assert_eq!(s.next_due(Some(RiskClass::Green), last, since), day(9, 22));
    assert_eq!(s.next_due(Some(RiskClass::Yellow), last, since), day(9, 15));
    assert_eq!(s.next_due(Some(RiskClass::Orange), last, since), day(9, 8));
    assert_eq!(s.next_due(Some(RiskClass::Red), last, since), day(9, 8));
    assert_eq!(s.next_due(None, last, since), day(9, 8));
    // Never inspected: counted from the day it was recorded as let.
    assert_eq!(s.next_due(Some(RiskClass::Green), None, day(9, 1)), day(9, 22));
    let status = |today| s.status(Some(RiskClass::Green), last, since, today);
    assert_eq!(status(day(9, 19)), DueStatus::NotDue);
    assert_eq!(status(day(9, 20)), DueStatus::Due);
    assert_eq!(status(day(9, 22)), DueStatus::Due);
    assert_eq!(status(day(9, 23)), DueStatus::Overdue);
    assert_eq!(s.validate(), Ok(()));
    assert_eq!(
        InspectionSchedule { red: 0, ..s }
            .validate()
            .map_err(|e| (e.path, e.message)),
        Err(("red".into(), "红色（禁止级）出租屋的巡查周期须大于 0 天".into()))
    );
    assert_eq!(
        InspectionSchedule { unclassified: 400, ..s }
            .validate()
            .map_err(|e| e.path),
        Err("unclassified".into())
    );
    assert_eq!(
        InspectionSchedule { lead_days: 31, ..s }.validate().map_err(|e| e.path),
        Err("lead_days".into())
    );
    let json = serde_json::to_value(s).expect("serializes");
    assert_eq!(
        json,
        serde_json::json!({"green": 21, "yellow": 14, "orange": 7, "red": 7, "unclassified": 7, "lead_days": 2})
    );
}

#[test]
fn codes_and_words() {
    for c in RiskClass::ALL {
        assert_eq!(RiskClass::parse(c.as_str()), Some(c));
        assert_eq!(
            serde_json::to_string(&c).expect("serializes"),
            format!("\"{}\"", c.as_str())
        );
        assert!(c.as_str().len() <= 10, "fits house.rental_risk_class");
    }
    assert_eq!(
        RiskClass::ALL.map(RiskClass::zh),
        ["宽管级", "关注级", "严管级", "禁止级"]
    );
    assert_eq!(RiskClass::Orange.colour_zh(), "橙色");
    assert!(RiskClass::Green < RiskClass::Red);
    let types: Vec<_> = RentalType::ALL.iter().map(|t| t.zh()).collect();
    assert_eq!(types, ["城中村", "商品住宅小区", "集体宿舍", "政府公租房", "其他"]);
    for t in RentalType::ALL {
        assert_eq!(RentalType::parse(t.as_str()), Some(*t));
        assert_eq!(
            serde_json::to_string(t).expect("serializes"),
            format!("\"{}\"", t.as_str())
        );
    }
    assert_eq!(RentalType::parse("城中村"), None);
    assert_eq!(BuildingCondition::parse("d"), Some(BuildingCondition::Dangerous));
    assert_eq!(Compliance::parse("partial"), Some(Compliance::Partial));
    assert_eq!(Sanitation::parse("poor"), Some(Sanitation::Poor));
    assert!(Compliance::NonCompliant > Compliance::Partial);
}
