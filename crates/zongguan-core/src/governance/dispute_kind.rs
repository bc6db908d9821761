//! What a dispute is, for the register and the tally: its size band by people involved, its
//! serial number (`JF2026-000123`), and an organisation party's credit code.
use crate::field::FieldError;

/// The tally's size band: under 50, 50–99, 100–500, over 500 people (DOMAIN.md's "50–100" and
/// "100–500" meet at 100: ours puts 100 in the upper band and 500 in the lower).
pub fn size_band(people: u32) -> &'static str {
    match people {
        0..=49 => "lt50",
        50..=99 => "50_100",
        100..=500 => "100_500",
        _ => "gt500",
    }
}

/// The register's number of a dispute: a serial per year.
pub fn dispute_number(year: i32, serial: i64) -> String {
    format!("JF{year}-{serial:06}")
}

/// A unified social credit code (GB 32100): 18 characters of digits and capitals without I, O,
/// S, V, Z. The check character is not verified: old registrations carry ones that fail it.
pub fn credit_code(v: &str) -> Result<String, FieldError> {
    let v = v.trim().to_uppercase();
    let ok = v.chars().count() == 18
        && v.chars()
            .all(|c| c.is_ascii_digit() || (c.is_ascii_uppercase() && !"IOSVZ".contains(c)));
    if ok {
        Ok(v)
    } else {
        Err(FieldError::new(
            "credit_code",
            "统一社会信用代码应为 18 位数字或大写字母",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands_numbers_and_codes() {
        assert_eq!(
            [0, 49, 50, 99, 100, 500, 501].map(size_band),
            ["lt50", "lt50", "50_100", "50_100", "100_500", "100_500", "gt500"]
        );
        assert_eq!(dispute_number(2026, 123), "JF2026-000123");
        assert_eq!(
            credit_code(" 91440300ma5fxxxx1k ").ok(),
            Some("91440300MA5FXXXX1K".into())
        );
        assert!(credit_code("91440300MA5FXXXX1").is_err());
        assert!(credit_code("91440300MA5FXXXXIK").is_err());
    }
}
