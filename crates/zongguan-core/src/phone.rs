//! Phone numbers: a mainland mobile (1, then 3–9, then 9 digits) or a landline of digits and dashes.
use std::fmt;

/// A checked phone number, spaces removed. The field is private: the way in is [`Phone::parse`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Phone(String);

/// A refused phone number, as it was read (trimmed, spaces removed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneError {
    pub given: String,
}

impl fmt::Display for PhoneError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "联系电话“{}”格式不正确（手机 11 位或座机号码）", self.given)
    }
}

impl std::error::Error for PhoneError {}

impl Phone {
    pub fn parse(s: &str) -> Result<Self, PhoneError> {
        let p: String = s.trim().chars().filter(|c| *c != ' ').collect();
        let b = p.as_bytes();
        let mobile = b.len() == 11 && b[0] == b'1' && (b'3'..=b'9').contains(&b[1]) && b.iter().all(u8::is_ascii_digit);
        let landline =
            (7..=20).contains(&b.len()) && b[0] != b'1' && b.iter().all(|c| c.is_ascii_digit() || *c == b'-');
        if mobile || landline {
            Ok(Self(p))
        } else {
            Err(PhoneError { given: p })
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `138****5678`: what lists and forms show.
    pub fn masked(&self) -> String {
        crate::mask::phone(&self.0)
    }
}

/// The phone of an edit form. Staff who may not see the stored number in full send it back
/// masked: that keeps the stored one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PhoneEdit {
    Keep,
    /// A new number, or none (the field left empty).
    Set(Option<Phone>),
}

impl PhoneEdit {
    /// `existing`: the form edits a stored record. A new record has nothing to keep, so a masked
    /// number is refused there like any other.
    pub fn parse(v: Option<&str>, existing: bool) -> Result<Self, PhoneError> {
        if existing && v.is_some_and(|p| p.contains('*')) {
            return Ok(Self::Keep);
        }
        match v.map(str::trim).filter(|s| !s.is_empty()) {
            Some(p) => Ok(Self::Set(Some(Phone::parse(p)?))),
            None => Ok(Self::Set(None)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mobiles_and_landlines() {
        assert_eq!(Phone::parse(" 138 1234 5678 ").map(|p| p.0), Ok("13812345678".into()));
        assert_eq!(Phone::parse("0755-28888888").map(|p| p.0), Ok("0755-28888888".into()));
        assert_eq!(Phone::parse("0755 2888-8888").map(|p| p.0), Ok("07552888-8888".into()));
        assert_eq!(
            Phone::parse("13812345678").map(|p| p.masked()),
            Ok("138****5678".into())
        );
    }

    #[test]
    fn refusals_show_what_was_read() {
        for bad in [
            "",
            "12345",
            "12812345678",
            "1381234567a",
            "1381234567",
            "abc",
            "075512",
            "0755_2888888",
        ] {
            assert!(Phone::parse(bad).is_err(), "{bad}");
        }
        // A landline never starts with 1 (that is a mobile of the wrong length).
        assert!(Phone::parse("1234567").is_err());
        assert_eq!(
            Phone::parse(" 12 345 ").map_err(|e| e.to_string()),
            Err("联系电话“12345”格式不正确（手机 11 位或座机号码）".into())
        );
    }

    #[test]
    fn an_edit_keeps_a_masked_number() {
        assert_eq!(PhoneEdit::parse(Some("137****2222"), true), Ok(PhoneEdit::Keep));
        assert_eq!(
            PhoneEdit::parse(Some("137****2222"), false),
            Err(PhoneError {
                given: "137****2222".into()
            })
        );
        assert_eq!(PhoneEdit::parse(None, true), Ok(PhoneEdit::Set(None)));
        assert_eq!(PhoneEdit::parse(Some("  "), true), Ok(PhoneEdit::Set(None)));
        assert_eq!(
            PhoneEdit::parse(Some("13711112222"), true),
            Ok(PhoneEdit::Set(Some(Phone("13711112222".into()))))
        );
    }
}
