//! Rental houses (出租屋): risk classes and rental types, the class proposed from facts by rules that
//! are data (each proposal names the facts that led to it), and the inspection schedule per class.
use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::due::{DueStatus, add_days, due_status};
use super::setting::{self, MAX_DAYS, MAX_LEAD_DAYS, SettingError};

/// Four colour levels, from loose to barred; the order is the severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RiskClass {
    Green,
    Yellow,
    Orange,
    Red,
}

impl RiskClass {
    pub const ALL: [RiskClass; 4] = [RiskClass::Green, RiskClass::Yellow, RiskClass::Orange, RiskClass::Red];

    /// Stored in `house.rental_risk_class`.
    pub fn as_str(self) -> &'static str {
        match self {
            RiskClass::Green => "green",
            RiskClass::Yellow => "yellow",
            RiskClass::Orange => "orange",
            RiskClass::Red => "red",
        }
    }

    pub fn parse(name: &str) -> Option<RiskClass> {
        RiskClass::ALL.into_iter().find(|c| c.as_str() == name)
    }

    pub fn zh(self) -> &'static str {
        match self {
            RiskClass::Green => "宽管级",
            RiskClass::Yellow => "关注级",
            RiskClass::Orange => "严管级",
            RiskClass::Red => "禁止级",
        }
    }

    pub fn colour_zh(self) -> &'static str {
        match self {
            RiskClass::Green => "绿色",
            RiskClass::Yellow => "黄色",
            RiskClass::Orange => "橙色",
            RiskClass::Red => "红色",
        }
    }

    /// The house plate's background and the map's fill, so both show one colour.
    pub fn hex(self) -> &'static str {
        match self {
            RiskClass::Green => "#2E9E44",
            RiskClass::Yellow => "#F2C200",
            RiskClass::Orange => "#F07D00",
            RiskClass::Red => "#D7191C",
        }
    }

    /// A red house must not be let.
    pub fn may_be_let(self) -> bool {
        self != RiskClass::Red
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[error("该出租屋为禁止级（红色），不得出租，不能登记新的居住")]
pub struct NotToLet;

/// Whether a new residence may begin in a house of this class (unclassified houses may be let).
pub fn check_may_let(class: Option<RiskClass>) -> Result<(), NotToLet> {
    match class {
        Some(c) if !c.may_be_let() => Err(NotToLet),
        _ => Ok(()),
    }
}

/// Generates an enum of codes with `ALL`, `as_str`, `parse` and `zh`, ordered as listed.
macro_rules! coded_enum {
    ($(#[$doc:meta])* $name:ident { $($variant:ident => $code:literal, $zh:literal;)+ }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name {
            $(#[serde(rename = $code)] $variant,)+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $code,)+ }
            }

            pub fn parse(name: &str) -> Option<$name> {
                Self::ALL.iter().copied().find(|v| v.as_str() == name)
            }

            pub fn zh(self) -> &'static str {
                match self { $($name::$variant => $zh,)+ }
            }
        }
    };
}

coded_enum! {
    /// The five rental types of Longgang's scheme.
    RentalType {
        UrbanVillage => "urban_village", "城中村";
        CommercialEstate => "commercial_estate", "商品住宅小区";
        Dormitory => "dormitory", "集体宿舍";
        PublicRental => "public_rental", "政府公租房";
        Other => "other", "其他";
    }
}

coded_enum! {
    /// Building safety grade (JGJ 125 危险房屋鉴定标准), from safe to dangerous.
    BuildingCondition {
        Safe => "a", "A级（安全）";
        BasicallySafe => "b", "B级（基本安全）";
        PartlyDangerous => "c", "C级（局部危房）";
        Dangerous => "d", "D级（整幢危房）";
    }
}

coded_enum! {
    /// The owner's compliance with registration: the lease filed and tenants reported.
    Compliance {
        Compliant => "compliant", "已备案并按时申报租客";
        Partial => "partial", "已备案但未按时申报租客";
        NonCompliant => "non_compliant", "未登记备案";
    }
}

coded_enum! {
    Sanitation {
        Good => "good", "良好";
        Fair => "fair", "一般";
        Poor => "poor", "较差";
    }
}

/// What the db layer knows of a rental house when it proposes a class.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RentalFacts {
    pub building: BuildingCondition,
    pub owner_compliance: Compliance,
    /// Open major hazards (重大隐患) from inspections: found and not yet rectified.
    pub major_hazards: u32,
    /// Open general hazards (一般隐患).
    pub hazards: u32,
    pub sanitation: Sanitation,
    /// People currently living there, from residences.
    pub occupants: u32,
    /// The house's floor area; unknown means no crowding rule applies.
    pub area_m2: Option<f64>,
    pub special_group_tenants: u32,
    /// Cases at the address within the rules' `case_window_days`.
    pub recent_cases: u32,
}

impl RentalFacts {
    /// Floor area per occupant (the inverse of occupants per m²), when both are known.
    pub fn area_per_occupant(&self) -> Option<f64> {
        match self.area_m2 {
            Some(a) if self.occupants > 0 && a.is_finite() && a > 0.0 => Some(a / f64::from(self.occupants)),
            _ => None,
        }
    }
}

/// One fact compared with a threshold. Ordered facts match "this bad or worse".
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "fact", rename_all = "snake_case")]
pub enum Condition {
    Building {
        at_least: BuildingCondition,
    },
    OwnerCompliance {
        at_least: Compliance,
    },
    MajorHazards {
        at_least: u32,
    },
    Hazards {
        at_least: u32,
    },
    Sanitation {
        at_least: Sanitation,
    },
    /// Overcrowding (群租): less floor area per occupant than this.
    Crowding {
        below_m2: f64,
    },
    SpecialGroupTenants {
        at_least: u32,
    },
    RecentCases {
        at_least: u32,
    },
}

/// A rule: when the condition holds, the house is at least this class.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ClassRule {
    #[serde(flatten)]
    pub when: Condition,
    pub class: RiskClass,
}

/// The rule set an administrator edits, stored as JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassRules {
    /// How far back cases at the address count.
    pub case_window_days: u32,
    pub rules: Vec<ClassRule>,
}

/// A fact that led to a proposal: the rule's class and, in Chinese, what was found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reason {
    pub class: RiskClass,
    pub text: String,
}

/// A proposed class, for a person to confirm. `reasons` are every rule that matched, the most
/// severe first; none means green because nothing called for more.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Proposal {
    pub class: RiskClass,
    pub reasons: Vec<Reason>,
}

/// A refused rule set: the rule's position (from 1; 0 for the set itself), the field refused
/// (empty when the whole value is) and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleError {
    pub rule: usize,
    pub field: &'static str,
    pub message: String,
}

impl RuleError {
    /// As the settings editor names it: `rules[2].at_least`, `case_window_days`.
    pub fn into_setting(self) -> SettingError {
        let field = self.field;
        let path = match (self.rule, field) {
            (0, f) => f.to_owned(),
            (n, "") => format!("rules[{}]", n - 1),
            (n, f) => format!("rules[{}].{f}", n - 1),
        };
        SettingError::new(path, self.to_string())
    }
}

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.rule > 0 {
            write!(f, "第 {} 条规则：", self.rule)?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for RuleError {}

/// More would be a rule set no one can review.
pub const MAX_RULES: usize = 100;

impl Condition {
    /// What was found, when the condition holds for these facts.
    fn matches(&self, f: &RentalFacts, window: u32) -> Option<String> {
        let count = |n: u32, min: u32, text: String| (n >= min).then_some(text);
        match *self {
            Condition::Building { at_least } => {
                (f.building >= at_least).then(|| format!("房屋安全等级为{}", f.building.zh()))
            }
            Condition::OwnerCompliance { at_least } => {
                (f.owner_compliance >= at_least).then(|| format!("房东{}", f.owner_compliance.zh()))
            }
            Condition::MajorHazards { at_least } => count(
                f.major_hazards,
                at_least,
                format!("存在 {} 处未整改的重大隐患", f.major_hazards),
            ),
            Condition::Hazards { at_least } => {
                count(f.hazards, at_least, format!("存在 {} 处未整改的一般隐患", f.hazards))
            }
            Condition::Sanitation { at_least } => {
                (f.sanitation >= at_least).then(|| format!("环境卫生{}", f.sanitation.zh()))
            }
            Condition::Crowding { below_m2 } => f.area_per_occupant().filter(|a| *a < below_m2).map(|a| {
                format!(
                    "住 {} 人，人均面积 {:.1} 平方米，低于 {} 平方米（群租）",
                    f.occupants, a, below_m2
                )
            }),
            Condition::SpecialGroupTenants { at_least } => count(
                f.special_group_tenants,
                at_least,
                format!("住有特殊人群 {} 人", f.special_group_tenants),
            ),
            Condition::RecentCases { at_least } => count(
                f.recent_cases,
                at_least,
                format!("近 {window} 日该地址发生事件 {} 宗", f.recent_cases),
            ),
        }
    }

    /// The threshold's field in the stored rule.
    fn threshold_field(&self) -> &'static str {
        match self {
            Condition::Crowding { .. } => "below_m2",
            _ => "at_least",
        }
    }

    /// A threshold every house meets would make the rule a blanket class.
    fn check(&self) -> Result<(), &'static str> {
        let ok = match *self {
            Condition::Building { at_least } => at_least > BuildingCondition::Safe,
            Condition::OwnerCompliance { at_least } => at_least > Compliance::Compliant,
            Condition::Sanitation { at_least } => at_least > Sanitation::Good,
            Condition::Crowding { below_m2 } => below_m2.is_finite() && below_m2 > 0.0,
            Condition::MajorHazards { at_least }
            | Condition::Hazards { at_least }
            | Condition::SpecialGroupTenants { at_least }
            | Condition::RecentCases { at_least } => at_least > 0,
        };
        if ok {
            Ok(())
        } else {
            Err("阈值使条件对所有出租屋都成立")
        }
    }
}

impl Default for ClassRules {
    /// Our defaults (DOMAIN.md names the facts, not the thresholds): a C-grade building is orange
    /// and a D-grade one red; incomplete registration yellow, none orange; one open hazard yellow,
    /// three orange, one major hazard red; poor sanitation yellow; under 5 m² a person orange;
    /// a special-group tenant yellow; two cases in 90 days yellow, five orange.
    fn default() -> Self {
        use Condition as C;
        use RiskClass::{Orange, Red, Yellow};
        let r = |when, class| ClassRule { when, class };
        let building = |at_least| C::Building { at_least };
        let owner = |at_least| C::OwnerCompliance { at_least };
        let sanitation = |at_least| C::Sanitation { at_least };
        ClassRules {
            case_window_days: 90,
            rules: vec![
                r(building(BuildingCondition::PartlyDangerous), Orange),
                r(building(BuildingCondition::Dangerous), Red),
                r(owner(Compliance::Partial), Yellow),
                r(owner(Compliance::NonCompliant), Orange),
                r(C::Hazards { at_least: 1 }, Yellow),
                r(C::Hazards { at_least: 3 }, Orange),
                r(C::MajorHazards { at_least: 1 }, Red),
                r(sanitation(Sanitation::Poor), Yellow),
                r(C::Crowding { below_m2: 5.0 }, Orange),
                r(C::SpecialGroupTenants { at_least: 1 }, Yellow),
                r(C::RecentCases { at_least: 2 }, Yellow),
                r(C::RecentCases { at_least: 5 }, Orange),
            ],
        }
    }
}

impl ClassRules {
    /// Reads and checks a rule set as stored or as an administrator sent it.
    pub fn from_json(s: &str) -> Result<Self, RuleError> {
        let rules: ClassRules = serde_json::from_str(s).map_err(|e| RuleError {
            rule: 0,
            field: "",
            message: format!("规则格式有误：{e}"),
        })?;
        rules.validate()?;
        Ok(rules)
    }

    pub fn validate(&self) -> Result<(), RuleError> {
        let set = |field, message: &str| RuleError {
            rule: 0,
            field,
            message: message.to_owned(),
        };
        if self.case_window_days == 0 {
            return Err(set("case_window_days", "统计事件的天数须大于 0"));
        }
        if self.case_window_days > MAX_DAYS {
            return Err(set("case_window_days", "统计事件的天数不能超过 365 天"));
        }
        if self.rules.len() > MAX_RULES {
            return Err(set("rules", "规则不能超过 100 条"));
        }
        for (i, r) in self.rules.iter().enumerate() {
            let at = |field, message: &str| RuleError {
                rule: i + 1,
                field,
                message: message.to_owned(),
            };
            if r.class == RiskClass::Green {
                return Err(at("class", "宽管级是未触发任何规则时的等级，规则须定为关注级以上"));
            }
            r.when.check().map_err(|m| at(r.when.threshold_field(), m))?;
        }
        Ok(())
    }

    /// The class the rules propose and every fact that led to it.
    pub fn propose(&self, facts: &RentalFacts) -> Proposal {
        let mut reasons: Vec<Reason> = self
            .rules
            .iter()
            .filter_map(|r| {
                r.when
                    .matches(facts, self.case_window_days)
                    .map(|text| Reason { class: r.class, text })
            })
            .collect();
        // Stable: rules of one class keep the administrator's order.
        reasons.sort_by_key(|r| std::cmp::Reverse(r.class));
        let class = reasons.first().map_or(RiskClass::Green, |r| r.class);
        Proposal { class, reasons }
    }
}

/// Days between inspections per class, counted from the last inspection, a setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct InspectionSchedule {
    pub green: u32,
    pub yellow: u32,
    pub orange: u32,
    /// A red house is visited to see that nobody lives there.
    pub red: u32,
    /// A house whose class no one has confirmed yet.
    pub unclassified: u32,
    /// Shown as due this many days before the due day.
    pub lead_days: u32,
}

impl Default for InspectionSchedule {
    /// Longgang's three weeks, two weeks and one week; red and unclassified weekly too (ours).
    fn default() -> Self {
        InspectionSchedule {
            green: 21,
            yellow: 14,
            orange: 7,
            red: 7,
            unclassified: 7,
            lead_days: 2,
        }
    }
}

impl InspectionSchedule {
    /// Each interval above zero and within a year, the warning within a month; the path names
    /// the class (`green`).
    pub fn validate(&self) -> Result<(), SettingError> {
        let classes = RiskClass::ALL.map(|c| (c.as_str(), format!("{}（{}）", c.colour_zh(), c.zh()), Some(c)));
        for (path, word, class) in classes.into_iter().chain([("unclassified", "未分类".to_owned(), None)]) {
            let what = format!("{word}出租屋的巡查周期");
            setting::count(path, &what, self.interval(class), MAX_DAYS, "天")?;
        }
        setting::at_most("lead_days", "提前提醒天数", self.lead_days, MAX_LEAD_DAYS, "天")
    }

    pub fn interval(&self, class: Option<RiskClass>) -> u32 {
        match class {
            Some(RiskClass::Green) => self.green,
            Some(RiskClass::Yellow) => self.yellow,
            Some(RiskClass::Orange) => self.orange,
            Some(RiskClass::Red) => self.red,
            None => self.unclassified,
        }
    }

    /// The day the next inspection is due: the interval after the last inspection or, for a house
    /// never inspected, after the day it was recorded as let.
    pub fn next_due(&self, class: Option<RiskClass>, last: Option<NaiveDate>, let_since: NaiveDate) -> NaiveDate {
        add_days(last.unwrap_or(let_since), self.interval(class))
    }

    pub fn status(
        &self,
        class: Option<RiskClass>,
        last: Option<NaiveDate>,
        let_since: NaiveDate,
        today: NaiveDate,
    ) -> DueStatus {
        due_status(self.next_due(class, last, let_since), today, self.lead_days)
    }
}

#[cfg(test)]
mod tests;
