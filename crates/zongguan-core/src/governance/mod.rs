//! Comprehensive governance (综合治理), the pure rules: the dispute and petition workflows with their
//! clocks, rental-house risk classes and inspection schedules, notice serial numbers, screening
//! rounds, stability incidents and special-group follow-up. No I/O: the db layer stores what these
//! decide.
pub mod dispute_flow;
pub mod dispute_kind;
pub mod due;
pub mod notice_serial;
pub mod notice_template;
pub mod petition_clock;
pub mod petition_figures;
pub mod petition_flow;
pub mod rental_class;
pub mod screening;
pub mod setting;
pub mod stability;

use serde::{Deserialize, Serialize};

/// The party's answer on a return visit (回访), for disputes and petitions alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Satisfaction {
    Satisfied,
    Basic,
    Dissatisfied,
}

impl Satisfaction {
    pub const ALL: [Satisfaction; 3] = [Satisfaction::Satisfied, Satisfaction::Basic, Satisfaction::Dissatisfied];

    pub fn as_str(self) -> &'static str {
        match self {
            Satisfaction::Satisfied => "satisfied",
            Satisfaction::Basic => "basic",
            Satisfaction::Dissatisfied => "dissatisfied",
        }
    }

    pub fn parse(name: &str) -> Option<Satisfaction> {
        Satisfaction::ALL.into_iter().find(|s| s.as_str() == name)
    }

    pub fn zh(self) -> &'static str {
        match self {
            Satisfaction::Satisfied => "满意",
            Satisfaction::Basic => "基本满意",
            Satisfaction::Dissatisfied => "不满意",
        }
    }

    /// The satisfaction rate counts "basic" with "satisfied", as petition evaluations do.
    pub fn counts_as_satisfied(self) -> bool {
        !matches!(self, Satisfaction::Dissatisfied)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn satisfaction_names_round_trip() {
        for s in Satisfaction::ALL {
            assert_eq!(Satisfaction::parse(s.as_str()), Some(s));
            assert_eq!(
                serde_json::to_string(&s).expect("serializes"),
                format!("\"{}\"", s.as_str())
            );
        }
        assert_eq!(Satisfaction::parse("满意"), None);
        assert_eq!(Satisfaction::Basic.zh(), "基本满意");
        assert!(Satisfaction::Basic.counts_as_satisfied());
        assert!(!Satisfaction::Dissatisfied.counts_as_satisfied());
    }
}
