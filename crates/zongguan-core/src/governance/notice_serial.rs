//! Notice kinds and their serial numbers (发文字号) such as `龙岗综治交〔2026〕12号`: the issuing
//! unit's prefix, the kind's word, the full year in 〔〕 and the number, formatted and parsed as
//! GB/T 9704-2012 writes them (no leading zeros, no 第).
//!
//! Allocation, the rule the db layer implements: numbers run per issuing unit, kind and China year
//! ([`SerialKey`]). Each kind has its own word in the prefix (交, 督, 销 …), so each word is its
//! own run, as every designation is in Chinese office practice. A number is taken in the same
//! transaction that stores the issued notice, from a counter row locked for the update
//! ([`next_number`]): a failed issue rolls the counter back with it (gapless), and a voided notice
//! keeps its number (never reused).
use std::fmt;

use chrono::{DateTime, Datelike, Utc};
use serde::{Deserialize, Serialize};

use crate::time::cst_date;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    Assignment,
    Supervision,
    Closure,
    PetitionAcceptance,
    PetitionNonAcceptance,
    PetitionAnswer,
    PetitionReviewAnswer,
    PetitionReReviewAnswer,
}

impl NoticeKind {
    pub const ALL: [NoticeKind; 8] = [
        NoticeKind::Assignment,
        NoticeKind::Supervision,
        NoticeKind::Closure,
        NoticeKind::PetitionAcceptance,
        NoticeKind::PetitionNonAcceptance,
        NoticeKind::PetitionAnswer,
        NoticeKind::PetitionReviewAnswer,
        NoticeKind::PetitionReReviewAnswer,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            NoticeKind::Assignment => "assignment",
            NoticeKind::Supervision => "supervision",
            NoticeKind::Closure => "closure",
            NoticeKind::PetitionAcceptance => "petition_acceptance",
            NoticeKind::PetitionNonAcceptance => "petition_non_acceptance",
            NoticeKind::PetitionAnswer => "petition_answer",
            NoticeKind::PetitionReviewAnswer => "petition_review_answer",
            NoticeKind::PetitionReReviewAnswer => "petition_re_review_answer",
        }
    }

    pub fn parse(name: &str) -> Option<NoticeKind> {
        NoticeKind::ALL.into_iter().find(|k| k.as_str() == name)
    }

    /// The document's title, as its head prints it.
    pub fn zh(self) -> &'static str {
        match self {
            NoticeKind::Assignment => "交办通知书",
            NoticeKind::Supervision => "督办通知书",
            NoticeKind::Closure => "销案通知书",
            NoticeKind::PetitionAcceptance => "信访事项受理告知书",
            NoticeKind::PetitionNonAcceptance => "信访事项不予受理告知书",
            NoticeKind::PetitionAnswer => "信访事项处理意见书",
            NoticeKind::PetitionReviewAnswer => "信访事项复查意见书",
            NoticeKind::PetitionReReviewAnswer => "信访事项复核意见书",
        }
    }

    /// The kind's word between the unit's prefix and the year. No word ends another, so a serial
    /// splits back into unit and kind one way only.
    pub fn word(self) -> &'static str {
        match self {
            NoticeKind::Assignment => "交",
            NoticeKind::Supervision => "督",
            NoticeKind::Closure => "销",
            NoticeKind::PetitionAcceptance => "信受",
            NoticeKind::PetitionNonAcceptance => "信不受",
            NoticeKind::PetitionAnswer => "信答",
            NoticeKind::PetitionReviewAnswer => "信复查",
            NoticeKind::PetitionReReviewAnswer => "信复核",
        }
    }

    /// Notices to a unit come back on a return slip (回执); letters to a petitioner do not.
    pub fn has_return_slip(self) -> bool {
        matches!(
            self,
            NoticeKind::Assignment | NoticeKind::Supervision | NoticeKind::Closure
        )
    }

    /// Addressed to the petitioner rather than to a unit.
    pub fn to_petitioner(self) -> bool {
        !self.has_return_slip()
    }

    /// Must tell the petitioner of the right to ask for the next review within the term (复查 after
    /// an answer, 复核 after a review); a re-review answer is final.
    pub fn tells_review_right(self) -> bool {
        matches!(self, NoticeKind::PetitionAnswer | NoticeKind::PetitionReviewAnswer)
    }
}

/// Longest prefix a unit may set, in characters.
pub const MAX_PREFIX_CHARS: usize = 16;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
pub enum SerialError {
    #[error("发文机关代字不能为空")]
    PrefixEmpty,
    #[error("发文机关代字不能超过 {MAX_PREFIX_CHARS} 个字")]
    PrefixTooLong,
    #[error("发文机关代字不能含空白、括号、数字或“号”字")]
    PrefixChars,
    #[error("文号格式应为“代字〔年份〕序号号”，如 龙岗综治交〔2026〕12号")]
    Format,
    #[error("文号代字须以文种代字结尾（交、督、销、信受、信不受、信答、信复查、信复核）")]
    Kind,
    #[error("年份须为四位数字的全称，如 2026")]
    Year,
    #[error("序号须为从 1 开始的整数，不编虚位（1 不写作 01），不加“第”字")]
    Number,
    #[error("本年度文号已用尽")]
    Exhausted,
}

/// The issuing unit's part of a serial's prefix (龙岗综治), a setting of the unit. The field is
/// private: the way in is [`UnitPrefix::parse`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UnitPrefix(String);

impl UnitPrefix {
    pub fn parse(s: &str) -> Result<Self, SerialError> {
        let s = s.trim();
        if s.is_empty() {
            return Err(SerialError::PrefixEmpty);
        }
        if s.chars().count() > MAX_PREFIX_CHARS {
            return Err(SerialError::PrefixTooLong);
        }
        // Digits would run into the year when the brackets are mistyped; 号 ends a serial.
        let bad = |c: char| c.is_whitespace() || c.is_ascii_digit() || is_open(c) || is_close(c) || c == '号';
        if s.chars().any(bad) {
            return Err(SerialError::PrefixChars);
        }
        Ok(UnitPrefix(s.to_owned()))
    }

    /// The prefix a unit starts with until an administrator sets its own: the unit's short name
    /// (龙岗区 → 龙岗, 平湖街道 → 平湖, 白泥坑社区 → 白泥坑) and 综治, as governance centers sign.
    pub fn default_for(unit_name: &str) -> UnitPrefix {
        let mut short = unit_name.trim();
        for suffix in [
            "综治中心",
            "综管中心",
            "社区工作站",
            "街道办事处",
            "街道",
            "社区",
            "区",
            "网格",
        ] {
            short = short.strip_suffix(suffix).unwrap_or(short);
        }
        let short: String = short.chars().take(MAX_PREFIX_CHARS - 2).collect();
        UnitPrefix::parse(&format!("{short}综治")).unwrap_or_else(|_| UnitPrefix("综治".into()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Brackets staff type for 〔〕 (【】, ［］, [], （）, ()): read as 〔〕, always written as 〔〕.
fn is_open(c: char) -> bool {
    matches!(c, '〔' | '【' | '［' | '[' | '（' | '(')
}

fn is_close(c: char) -> bool {
    matches!(c, '〕' | '】' | '］' | ']' | '）' | ')')
}

/// A notice's serial number. The fields are private: the ways in are [`NoticeSerial::new`] and
/// [`NoticeSerial::parse`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct NoticeSerial {
    unit: UnitPrefix,
    kind: NoticeKind,
    year: i32,
    number: u32,
}

impl NoticeSerial {
    pub fn new(unit: &UnitPrefix, kind: NoticeKind, year: i32, number: u32) -> Result<Self, SerialError> {
        if !(1000..=9999).contains(&year) {
            return Err(SerialError::Year);
        }
        if number == 0 {
            return Err(SerialError::Number);
        }
        Ok(NoticeSerial {
            unit: unit.clone(),
            kind,
            year,
            number,
        })
    }

    /// Reads a serial as printed, or as typed with other brackets; surrounding blanks are ignored.
    pub fn parse(s: &str) -> Result<Self, SerialError> {
        let s = s.trim();
        let (prefix, rest) = s.split_once(is_open).ok_or(SerialError::Format)?;
        let (year, rest) = rest.split_once(is_close).ok_or(SerialError::Format)?;
        let number = rest.strip_suffix('号').ok_or(SerialError::Format)?;
        if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
            return Err(SerialError::Year);
        }
        let year: i32 = year.parse().map_err(|_| SerialError::Year)?;
        if number.is_empty() || number.starts_with('0') || !number.bytes().all(|b| b.is_ascii_digit()) {
            return Err(SerialError::Number);
        }
        let number: u32 = number.parse().map_err(|_| SerialError::Number)?;
        // The longest word first; no word ends another, so at most one matches anyway.
        let kind = NoticeKind::ALL
            .into_iter()
            .filter(|k| prefix.ends_with(k.word()))
            .max_by_key(|k| k.word().len())
            .ok_or(SerialError::Kind)?;
        let unit = UnitPrefix::parse(&prefix[..prefix.len() - kind.word().len()])?;
        NoticeSerial::new(&unit, kind, year, number)
    }

    pub fn unit(&self) -> &UnitPrefix {
        &self.unit
    }
    pub fn kind(&self) -> NoticeKind {
        self.kind
    }
    pub fn year(&self) -> i32 {
        self.year
    }
    pub fn number(&self) -> u32 {
        self.number
    }
}

impl fmt::Display for NoticeSerial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}{}〔{}〕{}号",
            self.unit.0,
            self.kind.word(),
            self.year,
            self.number
        )
    }
}

/// What a number runs per: the issuing unit (its id), the kind and the China year of issue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SerialKey {
    pub unit_id: i64,
    pub kind: NoticeKind,
    pub year: i32,
}

impl SerialKey {
    /// A notice issued at 2026-12-31 23:30 in Beijing is a 2026 notice, whatever UTC says.
    pub fn for_issue(unit_id: i64, kind: NoticeKind, issued_at: DateTime<Utc>) -> Self {
        SerialKey {
            unit_id,
            kind,
            year: cst_date(issued_at).year(),
        }
    }
}

/// The number after the last one issued under a key (`None`: the first of the year is 1).
pub fn next_number(last: Option<u32>) -> Result<u32, SerialError> {
    match last {
        None => Ok(1),
        Some(n) => n.checked_add(1).ok_or(SerialError::Exhausted),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_unit_prefix_defaults_to_its_short_name_and_zongzhi() {
        assert_eq!(UnitPrefix::default_for("龙岗区").as_str(), "龙岗综治");
        assert_eq!(UnitPrefix::default_for("平湖街道").as_str(), "平湖综治");
        assert_eq!(UnitPrefix::default_for("白泥坑社区").as_str(), "白泥坑综治");
        assert_eq!(UnitPrefix::default_for("龙岗区综治中心").as_str(), "龙岗综治");
        // A name the parser refuses (digits) falls back to the bare word.
        assert_eq!(UnitPrefix::default_for("第3网格").as_str(), "综治");
    }

    fn unit(s: &str) -> UnitPrefix {
        UnitPrefix::parse(s).expect("valid prefix")
    }

    #[test]
    fn formats_as_the_documents_print_it() {
        let s = NoticeSerial::new(&unit("龙岗综治"), NoticeKind::Assignment, 2026, 12).expect("valid");
        assert_eq!(s.to_string(), "龙岗综治交〔2026〕12号");
        let s = NoticeSerial::new(&unit("龙岗信访"), NoticeKind::PetitionNonAcceptance, 2026, 1).expect("valid");
        assert_eq!(s.to_string(), "龙岗信访信不受〔2026〕1号");
        assert_eq!(
            NoticeSerial::new(&unit("龙岗综治"), NoticeKind::Closure, 2026, 0),
            Err(SerialError::Number)
        );
        assert_eq!(
            NoticeSerial::new(&unit("龙岗综治"), NoticeKind::Closure, 26, 1),
            Err(SerialError::Year)
        );
    }

    #[test]
    fn parses_back_every_kind() {
        for kind in NoticeKind::ALL {
            for prefix in ["龙岗综治", "布吉街道信", "坂田"] {
                let s = NoticeSerial::new(&unit(prefix), kind, 2026, 107).expect("valid");
                let back = NoticeSerial::parse(&s.to_string()).expect("parses");
                assert_eq!(back, s);
                assert_eq!(
                    (back.unit().as_str(), back.kind(), back.year(), back.number()),
                    (prefix, kind, 2026, 107)
                );
            }
        }
    }

    #[test]
    fn reads_other_brackets_and_blanks_but_writes_the_hexagonal_ones() {
        for typed in [
            " 龙岗综治督【2026】3号 ",
            "龙岗综治督[2026]3号",
            "龙岗综治督（2026）3号",
            "龙岗综治督［2026］3号",
        ] {
            let s = NoticeSerial::parse(typed).expect("parses");
            assert_eq!(s.to_string(), "龙岗综治督〔2026〕3号", "{typed}");
        }
    }

    #[test]
    fn refusals_name_the_faulty_part() {
        let cases = [
            ("龙岗综治交2026-12", SerialError::Format),
            ("龙岗综治交〔2026〕12", SerialError::Format),
            ("龙岗综治交〔26〕12号", SerialError::Year),
            ("龙岗综治交〔二〇二六〕12号", SerialError::Year),
            ("龙岗综治交〔2026〕012号", SerialError::Number),
            ("龙岗综治交〔2026〕第12号", SerialError::Number),
            ("龙岗综治交〔2026〕0号", SerialError::Number),
            ("龙岗综治交〔2026〕99999999999号", SerialError::Number),
            ("龙岗综治〔2026〕12号", SerialError::Kind),
            ("交〔2026〕12号", SerialError::PrefixEmpty),
            ("龙岗 综治交〔2026〕12号", SerialError::PrefixChars),
        ];
        for (s, e) in cases {
            assert_eq!(NoticeSerial::parse(s), Err(e), "{s}");
        }
        assert_eq!(UnitPrefix::parse("  "), Err(SerialError::PrefixEmpty));
        assert_eq!(UnitPrefix::parse(&"综".repeat(17)), Err(SerialError::PrefixTooLong));
        assert!(UnitPrefix::parse(&"综".repeat(16)).is_ok());
        assert_eq!(UnitPrefix::parse("综治2"), Err(SerialError::PrefixChars));
        assert_eq!(UnitPrefix::parse("综治号"), Err(SerialError::PrefixChars));
        assert_eq!(
            SerialError::Number.to_string(),
            "序号须为从 1 开始的整数，不编虚位（1 不写作 01），不加“第”字"
        );
    }

    #[test]
    fn no_kind_word_ends_another() {
        for a in NoticeKind::ALL {
            for b in NoticeKind::ALL {
                if a != b {
                    assert!(!a.word().ends_with(b.word()), "{} ends with {}", a.word(), b.word());
                }
            }
        }
    }

    #[test]
    fn numbers_run_per_unit_kind_and_china_year() {
        assert_eq!(next_number(None), Ok(1));
        assert_eq!(next_number(Some(11)), Ok(12));
        assert_eq!(next_number(Some(u32::MAX)), Err(SerialError::Exhausted));
        // 2026-12-31 23:30 in Beijing is 15:30 UTC the same day; 2027-01-01 00:30 is 16:30 UTC on 12-31.
        let late = DateTime::parse_from_rfc3339("2026-12-31T15:30:00Z")
            .expect("time")
            .to_utc();
        let new_year = DateTime::parse_from_rfc3339("2026-12-31T16:30:00Z")
            .expect("time")
            .to_utc();
        assert_eq!(SerialKey::for_issue(7, NoticeKind::Assignment, late).year, 2026);
        let key = SerialKey::for_issue(7, NoticeKind::Assignment, new_year);
        assert_eq!(
            key,
            SerialKey {
                unit_id: 7,
                kind: NoticeKind::Assignment,
                year: 2027
            }
        );
    }

    #[test]
    fn kinds_have_titles_and_duties() {
        for k in NoticeKind::ALL {
            assert_eq!(NoticeKind::parse(k.as_str()), Some(k));
            assert_eq!(
                serde_json::to_string(&k).expect("serializes"),
                format!("\"{}\"", k.as_str())
            );
            assert!(k.zh().ends_with('书'));
            assert_ne!(k.has_return_slip(), k.to_petitioner());
        }
        assert_eq!(NoticeKind::Supervision.zh(), "督办通知书");
        assert_eq!(NoticeKind::PetitionAcceptance.zh(), "信访事项受理告知书");
        let telling: Vec<_> = NoticeKind::ALL.into_iter().filter(|k| k.tells_review_right()).collect();
        assert_eq!(telling, [NoticeKind::PetitionAnswer, NoticeKind::PetitionReviewAnswer]);
        assert_eq!(NoticeKind::parse("notice"), None);
    }
}
