//! Stability incidents (维稳事件): their levels and the upward report each unit owes, level by level,
//! within a time limit per level; and the follow-up visits (走访) special groups are owed, per group
//! and attention level. Every limit is a setting.
use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use super::due::{DueStatus, add_days, due_status};
use super::setting::{self, MAX_DAYS, MAX_LEAD_DAYS, SettingError};
use crate::dict;
use crate::org::OrgLevel;

/// The four levels of China's emergency scheme (IV to I), the order the severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IncidentLevel {
    General,
    Large,
    Major,
    Extraordinary,
}

impl IncidentLevel {
    pub const ALL: [IncidentLevel; 4] = [
        IncidentLevel::General,
        IncidentLevel::Large,
        IncidentLevel::Major,
        IncidentLevel::Extraordinary,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            IncidentLevel::General => "general",
            IncidentLevel::Large => "large",
            IncidentLevel::Major => "major",
            IncidentLevel::Extraordinary => "extraordinary",
        }
    }

    pub fn parse(name: &str) -> Option<IncidentLevel> {
        IncidentLevel::ALL.into_iter().find(|l| l.as_str() == name)
    }

    pub fn zh(self) -> &'static str {
        match self {
            IncidentLevel::General => "一般（Ⅳ级）",
            IncidentLevel::Large => "较大（Ⅲ级）",
            IncidentLevel::Major => "重大（Ⅱ级）",
            IncidentLevel::Extraordinary => "特别重大（Ⅰ级）",
        }
    }
}

/// Minutes each unit has to report an incident of a level to the level above, counted from the
/// moment it learned of it (natural time: incidents keep no office hours).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ReportMinutes {
    pub general: u32,
    pub large: u32,
    pub major: u32,
    pub extraordinary: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct IncidentSettings {
    pub report_minutes: ReportMinutes,
    /// From this level up the district is told the moment the incident is recorded.
    pub district_at_once_from: IncidentLevel,
}

impl Default for IncidentSettings {
    /// Ours (DOMAIN.md names no limits): two hours for a general incident, one for a large one,
    /// thirty minutes for major and extraordinary; the district at once from "large".
    fn default() -> Self {
        IncidentSettings {
            report_minutes: ReportMinutes {
                general: 120,
                large: 60,
                major: 30,
                extraordinary: 30,
            },
            district_at_once_from: IncidentLevel::Large,
        }
    }
}

/// A report a unit owes: to which level, by when.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ReportDue {
    pub to: OrgLevel,
    pub due: DateTime<Utc>,
}

/// The level a unit reports to: grid → community → subdistrict → district; the district is the
/// top this product knows.
pub fn reports_to(from: OrgLevel) -> Option<OrgLevel> {
    match from {
        OrgLevel::Grid => Some(OrgLevel::Community),
        OrgLevel::Community => Some(OrgLevel::Subdistrict),
        OrgLevel::Subdistrict => Some(OrgLevel::District),
        OrgLevel::District => None,
    }
}

/// A report-up limit past a day is not an urgent report.
pub const MAX_REPORT_MINUTES: u32 = 1_440;

impl IncidentSettings {
    /// Each level's limit above zero and within a day, and no level given longer than a less
    /// severe one; the path names the level (`report_minutes.major`).
    pub fn validate(&self) -> Result<(), SettingError> {
        let path = |l: IncidentLevel| format!("report_minutes.{}", l.as_str());
        for l in IncidentLevel::ALL {
            let what = format!("{}事件的上报时限", l.zh());
            setting::count(&path(l), &what, self.minutes(l), MAX_REPORT_MINUTES, "分钟")?;
        }
        for pair in IncidentLevel::ALL.windows(2) {
            let [lower, higher] = [pair[0], pair[1]];
            if self.minutes(higher) > self.minutes(lower) {
                return Err(SettingError::new(
                    path(higher),
                    format!("{}事件的上报时限不能长于{}事件", higher.zh(), lower.zh()),
                ));
            }
        }
        Ok(())
    }

    pub fn minutes(&self, level: IncidentLevel) -> u32 {
        let m = &self.report_minutes;
        match level {
            IncidentLevel::General => m.general,
            IncidentLevel::Large => m.large,
            IncidentLevel::Major => m.major,
            IncidentLevel::Extraordinary => m.extraordinary,
        }
    }

    /// The report the unit at `at` owes once it learned of the incident at `learned_at`; none at
    /// the top. Each level's report starts the next level's clock when it arrives.
    pub fn next_report(&self, level: IncidentLevel, at: OrgLevel, learned_at: DateTime<Utc>) -> Option<ReportDue> {
        reports_to(at).map(|to| ReportDue {
            to,
            due: learned_at + TimeDelta::minutes(i64::from(self.minutes(level))),
        })
    }

    /// A large incident reaches the district's inbox when recorded, besides the reports up the chain.
    pub fn notify_district_at_once(&self, level: IncidentLevel) -> bool {
        level >= self.district_at_once_from
    }
}

/// Whether a report is late: past its due moment, made or not yet.
pub fn report_late(due: DateTime<Utc>, reported_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    reported_at.unwrap_or(now) > due
}

/// The registry's attention levels ([`dict::ATTENTION_LEVELS`]), which set how often a person
/// is visited.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttentionLevel {
    General,
    Medium,
    Serious,
}

impl AttentionLevel {
    pub const ALL: [AttentionLevel; 3] = [AttentionLevel::General, AttentionLevel::Medium, AttentionLevel::Serious];

    pub fn as_str(self) -> &'static str {
        match self {
            AttentionLevel::General => "general",
            AttentionLevel::Medium => "medium",
            AttentionLevel::Serious => "serious",
        }
    }

    pub fn parse(code: &str) -> Option<AttentionLevel> {
        AttentionLevel::ALL.into_iter().find(|l| l.as_str() == code)
    }

    pub fn zh(self) -> &'static str {
        dict::word_of(dict::ATTENTION_LEVELS, self.as_str())
    }
}

/// Days between visits at each attention level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Intervals {
    pub general: u32,
    pub medium: u32,
    pub serious: u32,
}

impl Intervals {
    pub fn days(&self, level: AttentionLevel) -> u32 {
        match level {
            AttentionLevel::General => self.general,
            AttentionLevel::Medium => self.medium,
            AttentionLevel::Serious => self.serious,
        }
    }
}

/// Visit intervals per special group, keyed by the registry's group codes
/// ([`dict::SPECIAL_GROUPS`]); a group without an entry has no schedule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitSchedule {
    pub groups: BTreeMap<String, Intervals>,
    /// Shown as due this many days before the due day.
    pub lead_days: u32,
}

impl Default for VisitSchedule {
    /// Ours (DOMAIN.md names none). Severe mental disorder follows the public-health service norm
    /// (a stable patient at least quarterly, a basically stable one monthly, an unstable one within
    /// two weeks); community correction and drug users monthly at the least; released prisoners
    /// and at-risk youth like mental disorder. AIDS-risk persons have none until one is set.
    fn default() -> Self {
        let every = |general, medium, serious| Intervals {
            general,
            medium,
            serious,
        };
        let groups = [
            ("released_prisoner", every(90, 30, 14)),
            ("community_correction", every(30, 14, 7)),
            ("mental_disorder", every(90, 30, 14)),
            ("drug_user", every(30, 14, 7)),
            ("at_risk_youth", every(90, 30, 14)),
        ];
        VisitSchedule {
            groups: groups.into_iter().map(|(g, i)| (g.to_owned(), i)).collect(),
            lead_days: 3,
        }
    }
}

impl VisitSchedule {
    /// Only the registry's groups, each level's interval above zero and within a year; the path
    /// names the group and level (`groups.drug_user.serious`).
    pub fn validate(&self) -> Result<(), SettingError> {
        for (group, i) in &self.groups {
            let word = dict::word_of(dict::SPECIAL_GROUPS, group);
            if word.is_empty() {
                return Err(SettingError::new(
                    format!("groups.{group}"),
                    format!("特殊人群类别“{group}”不在可选值中"),
                ));
            }
            for l in AttentionLevel::ALL {
                let path = format!("groups.{group}.{}", l.as_str());
                setting::count(&path, &format!("{word}的走访周期"), i.days(l), MAX_DAYS, "天")?;
            }
        }
        setting::at_most("lead_days", "提前提醒天数", self.lead_days, MAX_LEAD_DAYS, "天")
    }

    pub fn interval(&self, group: &str, level: AttentionLevel) -> Option<u32> {
        self.groups.get(group).map(|i| i.days(level))
    }

    /// The next visit's due day: the interval after the last visit or, before the first, after the
    /// day the person joined the group. `None` for a group with no schedule.
    pub fn next_due(
        &self,
        group: &str,
        level: AttentionLevel,
        last: Option<NaiveDate>,
        since: NaiveDate,
    ) -> Option<NaiveDate> {
        self.interval(group, level).map(|n| add_days(last.unwrap_or(since), n))
    }

    pub fn status(
        &self,
        group: &str,
        level: AttentionLevel,
        last: Option<NaiveDate>,
        since: NaiveDate,
        today: NaiveDate,
    ) -> Option<DueStatus> {
        self.next_due(group, level, last, since)
            .map(|due| due_status(due, today, self.lead_days))
    }
}

/// Kinds of stability incident (维稳事件类型).
pub const INCIDENT_KINDS: dict::Dict = &[
    ("mass_gathering", "群体性聚集"),
    ("collective_petition", "集体上访"),
    ("labor_dispute", "劳资纠纷"),
    ("land_dispute", "征地拆迁纠纷"),
    ("extreme_act", "个人极端行为"),
    ("public_security", "治安事件"),
    ("other", "其他"),
];

/// How a follow-up visit was made.
pub const VISIT_FORMS: dict::Dict = &[("interview", "面谈"), ("phone", "电话"), ("home_visit", "走访")];

/// Kinds of community watch team (群防群治队伍).
pub const WATCH_TEAM_KINDS: dict::Dict = &[
    ("security_patrol", "治安巡逻队"),
    ("safety_volunteer", "平安志愿者"),
    ("building_head", "楼栋长"),
    ("mediator", "调解员队伍"),
    ("other", "其他"),
];

/// Duty shifts of a roster.
pub const SHIFTS: dict::Dict = &[("day", "白班"), ("night", "夜班"), ("all_day", "全天")];

#[cfg(test)]
mod tests {
    use super::*;

    fn cst(d: u32, h: u32, m: u32) -> DateTime<Utc> {
        let local = NaiveDate::from_ymd_opt(2026, 10, d)
            .and_then(|d| d.and_hms_opt(h, m, 0))
            .expect("valid time");
        (local - TimeDelta::hours(8)).and_utc()
    }

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, d).expect("valid date")
    }

    #[test]
    fn reports_climb_level_by_level_within_the_level_limit() {
        let s = IncidentSettings::default();
        // Learned on National Day at 21:40: the holiday changes nothing, limits are natural time.
        let learned = cst(3, 21, 40);
        let due = s.next_report(IncidentLevel::General, OrgLevel::Community, learned);
        assert_eq!(
            due,
            Some(ReportDue {
                to: OrgLevel::Subdistrict,
                due: cst(3, 23, 40)
            })
        );
        let major = s.next_report(IncidentLevel::Major, OrgLevel::Subdistrict, learned);
        assert_eq!(major.map(|r| (r.to, r.due)), Some((OrgLevel::District, cst(3, 22, 10))));
        assert_eq!(
            s.next_report(IncidentLevel::Large, OrgLevel::Grid, learned)
                .map(|r| r.to),
            Some(OrgLevel::Community)
        );
        assert_eq!(
            s.next_report(IncidentLevel::Extraordinary, OrgLevel::District, learned),
            None
        );
    }

    #[test]
    fn large_incidents_reach_the_district_at_once() {
        let s = IncidentSettings::default();
        assert!(!s.notify_district_at_once(IncidentLevel::General));
        assert!(s.notify_district_at_once(IncidentLevel::Large));
        assert!(s.notify_district_at_once(IncidentLevel::Extraordinary));
        let strict = IncidentSettings {
            district_at_once_from: IncidentLevel::General,
            ..s
        };
        assert!(strict.notify_district_at_once(IncidentLevel::General));
    }

    #[test]
    fn a_report_is_late_past_its_due_moment() {
        let due = cst(3, 23, 40);
        assert!(!report_late(due, Some(due), cst(4, 9, 0)));
        assert!(report_late(due, Some(cst(3, 23, 41)), cst(4, 9, 0)));
        assert!(!report_late(due, None, cst(3, 23, 0)));
        assert!(report_late(due, None, cst(3, 23, 41)));
    }

    #[test]
    fn incident_settings_are_checked_and_serialize() {
        let s = IncidentSettings::default();
        assert_eq!(s.validate(), Ok(()));
        let zero = IncidentSettings {
            report_minutes: ReportMinutes {
                major: 0,
                ..s.report_minutes
            },
            ..s
        };
        assert_eq!(
            zero.validate(),
            Err(SettingError::new(
                "report_minutes.major",
                "重大（Ⅱ级）事件的上报时限须大于 0 分钟"
            ))
        );
        let slow = IncidentSettings {
            report_minutes: ReportMinutes {
                general: 1_441,
                ..s.report_minutes
            },
            ..s
        };
        assert_eq!(
            slow.validate().map_err(|e| e.path),
            Err("report_minutes.general".into())
        );
        let inverted = IncidentSettings {
            report_minutes: ReportMinutes {
                extraordinary: 45,
                ..s.report_minutes
            },
            ..s
        };
        assert_eq!(
            inverted.validate().map_err(|e| (e.path, e.message)),
            Err((
                "report_minutes.extraordinary".into(),
                "特别重大（Ⅰ级）事件的上报时限不能长于重大（Ⅱ级）事件".into()
            ))
        );
        let json = serde_json::to_value(s).expect("serializes");
        assert_eq!(json["report_minutes"]["large"], 60);
        assert_eq!(json["district_at_once_from"], "large");
        assert_eq!(serde_json::from_value::<IncidentSettings>(json).expect("parses"), s);
    }

    #[test]
    fn visits_fall_due_per_group_and_attention_level() {
        let v = VisitSchedule::default();
        let last = Some(day(9, 1));
        let since = day(1, 10);
        let due = |g, l| v.next_due(g, l, last, since);
        assert_eq!(due("community_correction", AttentionLevel::Serious), Some(day(9, 8)));
        assert_eq!(due("community_correction", AttentionLevel::General), Some(day(10, 1)));
        assert_eq!(due("mental_disorder", AttentionLevel::General), Some(day(11, 30)));
        assert_eq!(due("mental_disorder", AttentionLevel::Medium), Some(day(10, 1)));
        assert_eq!(due("aids_risk", AttentionLevel::Serious), None);
        // Never visited: counted from the day the person joined the group.
        assert_eq!(
            v.next_due("drug_user", AttentionLevel::Medium, None, day(9, 20)),
            Some(day(10, 4))
        );
        let status = |today| v.status("drug_user", AttentionLevel::Serious, last, since, today);
        assert_eq!(status(day(9, 4)), Some(DueStatus::NotDue));
        assert_eq!(status(day(9, 5)), Some(DueStatus::Due));
        assert_eq!(status(day(9, 9)), Some(DueStatus::Overdue));
    }

    #[test]
    fn the_schedule_knows_only_the_registry_groups() {
        let v = VisitSchedule::default();
        assert_eq!(v.validate(), Ok(()));
        let names: Vec<_> = v
            .groups
            .keys()
            .map(|g| dict::word_of(dict::SPECIAL_GROUPS, g))
            .collect();
        assert!(names.iter().all(|n| !n.is_empty()), "{names:?}");
        let mut unknown = v.clone();
        unknown.groups.insert("parolee".into(), v.groups["drug_user"]);
        assert_eq!(unknown.validate().map_err(|e| e.path), Err("groups.parolee".into()));
        let mut zero = v.clone();
        zero.groups.insert(
            "aids_risk".into(),
            Intervals {
                general: 60,
                medium: 0,
                serious: 14,
            },
        );
        assert_eq!(
            zero.validate().map_err(|e| (e.path, e.message)),
            Err((
                "groups.aids_risk.medium".into(),
                "艾滋病危险人员的走访周期须大于 0 天".into()
            ))
        );
        let eager = VisitSchedule {
            lead_days: 31,
            ..v.clone()
        };
        assert_eq!(eager.validate().map_err(|e| e.path), Err("lead_days".into()));
        let json = serde_json::to_value(&v).expect("serializes");
        assert_eq!(
            json["groups"]["community_correction"],
            serde_json::json!({"general": 30, "medium": 14, "serious": 7})
        );
        assert_eq!(serde_json::from_value::<VisitSchedule>(json).expect("parses"), v);
    }

    #[test]
    fn the_dicts_have_unique_codes() {
        for d in [INCIDENT_KINDS, VISIT_FORMS, WATCH_TEAM_KINDS, SHIFTS] {
            let codes: std::collections::BTreeSet<_> = d.iter().map(|(c, _)| *c).collect();
            assert_eq!(codes.len(), d.len());
        }
        assert_eq!(dict::word_of(VISIT_FORMS, "phone"), "电话");
    }

    #[test]
    fn levels_match_the_registry_and_round_trip() {
        let codes: Vec<_> = dict::ATTENTION_LEVELS.iter().map(|(c, _)| *c).collect();
        assert_eq!(codes, AttentionLevel::ALL.map(AttentionLevel::as_str));
        assert_eq!(AttentionLevel::Serious.zh(), "严重");
        for l in AttentionLevel::ALL {
            assert_eq!(AttentionLevel::parse(l.as_str()), Some(l));
        }
        for l in IncidentLevel::ALL {
            assert_eq!(IncidentLevel::parse(l.as_str()), Some(l));
            assert_eq!(
                serde_json::to_string(&l).expect("serializes"),
                format!("\"{}\"", l.as_str())
            );
        }
        assert_eq!(IncidentLevel::Large.zh(), "较大（Ⅲ级）");
        assert!(IncidentLevel::General < IncidentLevel::Extraordinary);
        assert_eq!(reports_to(OrgLevel::District), None);
    }
}
