//! GB 11643 citizen identity numbers: 6-digit address code, birth date, sequence, MOD 11-2 check.
use chrono::{Datelike, NaiveDate};

/// A checked 18-character identity number. The field is private: the only way in is [`IdNumber::parse`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IdNumber(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdNumberError {
    #[error("身份证号码须为 18 位")]
    Length,
    #[error("身份证号码前 17 位须为数字，末位为数字或 X")]
    Characters,
    #[error("身份证号码的地址码不存在（省级代码 {0} 无效）")]
    Province(String),
    #[error("身份证号码中的出生日期 {0} 不是有效日期")]
    BirthDate(String),
    #[error("身份证号码中的出生日期不能晚于今天或早于 1900 年")]
    BirthRange,
    #[error("身份证号码校验位错误（应为 {expected}）")]
    CheckDigit { expected: char },
}

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

/// Province-level codes of GB/T 2260 (the first two digits of any address code).
pub const PROVINCES: [&str; 34] = [
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41", "42", "43", "44",
    "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71", "81", "82",
];

/// The check character for the first 17 digits.
pub fn check_char(body: &str) -> Option<char> {
    if body.len() != 17 || !body.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let s: u32 = body.bytes().zip(WEIGHTS).map(|(b, w)| u32::from(b - b'0') * w).sum();
    Some(CHECK[(s % 11) as usize])
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gender {
    Male,
    Female,
}

impl Gender {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Male => "male",
            Self::Female => "female",
        }
    }
    pub fn zh(self) -> &'static str {
        match self {
            Self::Male => "男",
            Self::Female => "女",
        }
    }
}

impl IdNumber {
    /// Parses and checks against `today` (birth date not in the future).
    pub fn parse_at(s: &str, today: NaiveDate) -> Result<Self, IdNumberError> {
        let s = s.trim().to_ascii_uppercase();
        if s.chars().count() != 18 {
            return Err(IdNumberError::Length);
        }
        let (body, last) = s.split_at(17);
        if !body.bytes().all(|b| b.is_ascii_digit()) || !(last == "X" || last.bytes().all(|b| b.is_ascii_digit())) {
            return Err(IdNumberError::Characters);
        }
        if !PROVINCES.contains(&&body[..2]) {
            return Err(IdNumberError::Province(body[..2].into()));
        }
        let birth = NaiveDate::parse_from_str(&body[6..14], "%Y%m%d")
            .map_err(|_| IdNumberError::BirthDate(body[6..14].into()))?;
        if birth > today || birth.year() < 1900 {
            return Err(IdNumberError::BirthRange);
        }
        let expected = check_char(body).ok_or(IdNumberError::Characters)?;
        if !last.starts_with(expected) {
            return Err(IdNumberError::CheckDigit { expected });
        }
        Ok(Self(s))
    }

    pub fn parse(s: &str) -> Result<Self, IdNumberError> {
        Self::parse_at(s, chrono::Local::now().date_naive())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// The 6-digit address code (county of household registration).
    pub fn address_code(&self) -> &str {
        &self.0[..6]
    }
    pub fn birth_date(&self) -> NaiveDate {
        NaiveDate::parse_from_str(&self.0[6..14], "%Y%m%d").unwrap_or_default()
    }
    /// The 17th digit: odd for men, even for women.
    pub fn gender(&self) -> Gender {
        if (self.0.as_bytes()[16] - b'0') % 2 == 1 {
            Gender::Male
        } else {
            Gender::Female
        }
    }
    pub fn masked(&self) -> String {
        crate::mask::id_number(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 25).expect("date")
    }

    #[test]
    fn standard_examples() {
        // DOMAIN.md worked examples (GB 11643 appendix).
        assert_eq!(check_char("34052419800101001"), Some('X'));
        assert_eq!(check_char("37010119010203997"), Some('3'));
        let id = IdNumber::parse_at("34052419800101001x", today()).expect("valid, lower-case x");
        assert_eq!(id.as_str(), "34052419800101001X");
        assert_eq!(id.birth_date(), NaiveDate::from_ymd_opt(1980, 1, 1).expect("date"));
        assert_eq!(id.gender(), Gender::Male);
        assert_eq!(id.address_code(), "340524");
        let id = IdNumber::parse_at("370101190102039973", today()).expect("1901 is not before 1900");
        assert_eq!(id.gender(), Gender::Male);
        assert_eq!(id.masked(), "370101********9973");
    }

    #[test]
    fn every_failure_kind() {
        let t = today();
        assert_eq!(IdNumber::parse_at("44030719900101123", t), Err(IdNumberError::Length));
        assert_eq!(IdNumber::parse_at("4403071990010112345", t), Err(IdNumberError::Length));
        assert_eq!(
            IdNumber::parse_at("44030719900101A234", t),
            Err(IdNumberError::Characters)
        );
        assert_eq!(
            IdNumber::parse_at("44030719900101123Y", t),
            Err(IdNumberError::Characters)
        );
        assert_eq!(
            IdNumber::parse_at("99030719900101123X", t),
            Err(IdNumberError::Province("99".into()))
        );
        assert_eq!(
            IdNumber::parse_at("44030719900230123X", t),
            Err(IdNumberError::BirthDate("19900230".into()))
        );
        assert_eq!(
            IdNumber::parse_at("440307199013011234", t),
            Err(IdNumberError::BirthDate("19901301".into()))
        );
        let future = format!("44030720991231001{}", check_char("44030720991231001").expect("c"));
        assert_eq!(IdNumber::parse_at(&future, t), Err(IdNumberError::BirthRange));
        let ancient = format!("44030718991231001{}", check_char("44030718991231001").expect("c"));
        assert_eq!(IdNumber::parse_at(&ancient, t), Err(IdNumberError::BirthRange));
        let body = "44030719900101123";
        let right = check_char(body).expect("c");
        let wrong = if right == '0' { '1' } else { '0' };
        assert_eq!(
            IdNumber::parse_at(&format!("{body}{wrong}"), t),
            Err(IdNumberError::CheckDigit { expected: right })
        );
        let ok = IdNumber::parse_at(&format!("{body}{right}"), t).expect("valid");
        assert_eq!(ok.gender(), Gender::Male, "17th digit 3 is odd");
        let f = format!("44030719900101124{}", check_char("44030719900101124").expect("c"));
        assert_eq!(
            IdNumber::parse_at(&f, t).map(|i| i.gender()),
            Ok(Gender::Female),
            "17th digit 4 is even"
        );
        // Leap day and surrounding spaces.
        let leap = format!("44030720000229002{}", check_char("44030720000229002").expect("c"));
        assert!(IdNumber::parse_at(&format!("  {leap} "), t).is_ok());
        // An abolished county code with an existing province is still accepted.
        let old = format!("44030019800101002{}", check_char("44030019800101002").expect("c"));
        assert!(IdNumber::parse_at(&old, t).is_ok());
    }
}
