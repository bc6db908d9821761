//! GB 32100 unified social credit codes (统一社会信用代码): 18 characters, the last a MOD 31 check.
use std::fmt;

const CREDIT_CHARS: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const CREDIT_WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/// A checked credit code, upper case. The field is private: the way in is [`CreditCode::parse`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CreditCode(String);

/// A refused code, as read (trimmed, upper case).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreditCodeError {
    pub given: String,
}

impl fmt::Display for CreditCodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "统一社会信用代码“{}”不正确（18 位，末位为校验码）", self.given)
    }
}

impl std::error::Error for CreditCodeError {}

impl CreditCode {
    pub fn parse(s: &str) -> Result<Self, CreditCodeError> {
        let c = s.trim().to_ascii_uppercase();
        let vals: Option<Vec<u32>> = c.chars().map(|ch| CREDIT_CHARS.find(ch).map(|i| i as u32)).collect();
        let ok = match vals {
            Some(v) if v.len() == 18 => {
                let sum: u32 = v.iter().take(17).zip(CREDIT_WEIGHTS).map(|(v, w)| v * w).sum();
                v[17] == (31 - sum % 31) % 31
            }
            _ => false,
        };
        if ok {
            Ok(Self(c))
        } else {
            Err(CreditCodeError { given: c })
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credit_codes() {
        // Published examples of GB 32100 codes.
        assert_eq!(
            CreditCode::parse(" 91350100m000100y43 ").map(|c| c.0),
            Ok("91350100M000100Y43".into())
        );
        assert!(CreditCode::parse("91350100M000100Y44").is_err());
        assert!(CreditCode::parse("91350100M000100Y4").is_err());
        assert!(
            CreditCode::parse("91350100M000100YI3").is_err(),
            "I is not in the alphabet"
        );
        assert_eq!(
            CreditCode::parse("x").map_err(|e| e.to_string()),
            Err("统一社会信用代码“X”不正确（18 位，末位为校验码）".into())
        );
    }
}
