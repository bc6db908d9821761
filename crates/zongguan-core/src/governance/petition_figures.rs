//! The monthly petition figures' arithmetic: a rate as numerator over denominator, in percent
//! rounded half up to two decimals (911/972 = 93.72), computed on integers so no float rounds it.
use serde::Serialize;

/// A rate with its parts; `percent` is none when nothing was counted.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Rate {
    pub numerator: u64,
    pub denominator: u64,
    pub percent: Option<f64>,
}

/// Hundredths of a percent, rounded half up.
pub fn hundredths(numerator: u64, denominator: u64) -> Option<u64> {
    if denominator == 0 {
        return None;
    }
    let n = u128::from(numerator) * 10_000 * 2 + u128::from(denominator);
    u64::try_from(n / (2 * u128::from(denominator))).ok()
}

impl Rate {
    pub fn new(numerator: u64, denominator: u64) -> Rate {
        Rate {
            numerator,
            denominator,
            percent: hundredths(numerator, denominator).map(|h| h as f64 / 100.0),
        }
    }
}

/// A petition with this many people or more is collective (集体访, five or more in the
/// 信访工作 practice).
pub const COLLECTIVE_HEADCOUNT: i32 = 5;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_round_half_up_to_two_decimals() {
        assert_eq!(Rate::new(911, 972).percent, Some(93.72));
        assert_eq!(Rate::new(737, 972).percent, Some(75.82));
        assert_eq!(Rate::new(2, 3).percent, Some(66.67));
        assert_eq!(Rate::new(1, 3).percent, Some(33.33));
        // 1/8 = 12.5 % exactly; 1/16 = 6.25 %; 1/32 = 3.125 % rounds up to 3.13.
        assert_eq!(Rate::new(1, 32).percent, Some(3.13));
        assert_eq!(Rate::new(0, 5).percent, Some(0.0));
        assert_eq!(Rate::new(5, 5).percent, Some(100.0));
        assert_eq!(Rate::new(0, 0).percent, None);
    }
}
