//! Notice templates: the body of each notice kind as text an administrator edits, with
//! placeholders in Chinese (`{{主送单位}}`) for the fields DOMAIN.md names, checked when saved
//! and filled when a notice is issued. A petition answer always carries the petitioner's right to
//! ask for the next review: a template that drops the sentence gets it back.
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::notice_serial::NoticeKind;

/// A placeholder a template may use. The Chinese name is what the template text holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    IssuingUnit,
    Serial,
    IssuedOn,
    Addressee,
    MatterNumber,
    Party,
    Summary,
    Basis,
    Deadline,
    OriginalDeadline,
    DaysLate,
    NewDeadline,
    Result,
    ClosedOn,
    Petitioner,
    ReceivedOn,
    Matter,
    AcceptedOn,
    HandlingTerm,
    Reason,
    Answer,
    ReviewTerm,
    Handler,
}

impl Field {
    pub const ALL: [Field; 23] = [
        Field::IssuingUnit,
        Field::Serial,
        Field::IssuedOn,
        Field::Addressee,
        Field::MatterNumber,
        Field::Party,
        Field::Summary,
        Field::Basis,
        Field::Deadline,
        Field::OriginalDeadline,
        Field::DaysLate,
        Field::NewDeadline,
        Field::Result,
        Field::ClosedOn,
        Field::Petitioner,
        Field::ReceivedOn,
        Field::Matter,
        Field::AcceptedOn,
        Field::HandlingTerm,
        Field::Reason,
        Field::Answer,
        Field::ReviewTerm,
        Field::Handler,
    ];

    /// The placeholder's name inside `{{ }}`.
    pub fn zh(self) -> &'static str {
        match self {
            Field::IssuingUnit => "发文机关",
            Field::Serial => "文号",
            Field::IssuedOn => "发文日期",
            Field::Addressee => "主送单位",
            Field::MatterNumber => "事项编号",
            Field::Party => "当事人",
            Field::Summary => "事项摘要",
            Field::Basis => "交办依据",
            Field::Deadline => "办结期限",
            Field::OriginalDeadline => "原办结期限",
            Field::DaysLate => "逾期天数",
            Field::NewDeadline => "新办结期限",
            Field::Result => "办理结果",
            Field::ClosedOn => "销案日期",
            Field::Petitioner => "信访人",
            Field::ReceivedOn => "信访日期",
            Field::Matter => "信访事项",
            Field::AcceptedOn => "受理日期",
            Field::HandlingTerm => "办理时限",
            Field::Reason => "不予受理理由",
            Field::Answer => "处理意见",
            Field::ReviewTerm => "复查复核时限",
            Field::Handler => "经办人",
        }
    }

    pub fn from_zh(name: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.zh() == name)
    }
}

/// The values a notice is filled with.
pub type Values = BTreeMap<Field, String>;

/// What a blank field prints as: a line to fill in by hand, as paper forms have.
pub const BLANK: &str = "＿＿＿＿＿＿";

/// Longest template body, in characters.
pub const MAX_BODY_CHARS: usize = 5000;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    #[error("模板正文不能为空")]
    Empty,
    #[error("模板正文不能超过 {MAX_BODY_CHARS} 字")]
    TooLong,
    #[error("模板中的“{{{{{0}}}}}”不是可用的字段")]
    Unknown(String),
    #[error("模板中第 {0} 个“{{{{”没有对应的“}}}}”")]
    Unclosed(usize),
}

/// One piece of a parsed template line.
enum Piece<'a> {
    Text(&'a str),
    Field(Field),
}

fn pieces(line: &str) -> Result<Vec<Piece<'_>>, TemplateError> {
    let mut out = Vec::new();
    let mut rest = line;
    let mut opened = 0;
    while let Some(start) = rest.find("{{") {
        opened += 1;
        if start > 0 {
            out.push(Piece::Text(&rest[..start]));
        }
        let after = &rest[start + 2..];
        let end = after.find("}}").ok_or(TemplateError::Unclosed(opened))?;
        let name = after[..end].trim();
        let field = Field::from_zh(name).ok_or_else(|| TemplateError::Unknown(name.to_string()))?;
        out.push(Piece::Field(field));
        rest = &after[end + 2..];
    }
    if !rest.is_empty() {
        out.push(Piece::Text(rest));
    }
    Ok(out)
}

/// Checks a body before it is saved: every placeholder known, every `{{` closed.
pub fn check(body: &str) -> Result<(), TemplateError> {
    if body.trim().is_empty() {
        return Err(TemplateError::Empty);
    }
    if body.chars().count() > MAX_BODY_CHARS {
        return Err(TemplateError::TooLong);
    }
    for line in body.lines() {
        pieces(line)?;
    }
    Ok(())
}

/// The statutory sentence a petition answer must carry, if the kind has one.
pub fn review_right(kind: NoticeKind) -> Option<&'static str> {
    match kind {
        NoticeKind::PetitionAnswer => {
            Some("如对本处理意见不服，可以自收到本意见书之日起{{复查复核时限}}内请求原办理机关的上一级机关复查。")
        }
        NoticeKind::PetitionReviewAnswer => {
            Some("如对本复查意见不服，可以自收到本意见书之日起{{复查复核时限}}内向复查机关的上一级机关请求复核。")
        }
        _ => None,
    }
}

/// Fills a checked body: one string per non-empty line (a paragraph), blanks for missing values.
/// A petition answer whose body lost its review-right sentence gets it as the last paragraph.
pub fn render(kind: NoticeKind, body: &str, values: &Values) -> Result<Vec<String>, TemplateError> {
    let fill = |line: &str| -> Result<String, TemplateError> {
        let mut s = String::new();
        for p in pieces(line)? {
            match p {
                Piece::Text(t) => s.push_str(t),
                Piece::Field(f) => match values.get(&f).map(|v| v.trim()).filter(|v| !v.is_empty()) {
                    Some(v) => s.push_str(v),
                    None => s.push_str(BLANK),
                },
            }
        }
        Ok(s)
    };
    let mut out = Vec::new();
    for line in body.lines().map(str::trim).filter(|l| !l.is_empty()) {
        out.push(fill(line)?);
    }
    if let Some(sentence) = review_right(kind) {
        let rendered = fill(sentence)?;
        if !out.iter().any(|p| p.contains(&rendered)) {
            out.push(rendered);
        }
    }
    Ok(out)
}

/// The body each kind starts with; the first line is the salutation.
pub fn default_body(kind: NoticeKind) -> &'static str {
    match kind {
        NoticeKind::Assignment => {
            "{{主送单位}}：\n\
             现将编号为{{事项编号}}的事项交由你单位办理。当事人：{{当事人}}。\n\
             事项摘要：{{事项摘要}}\n\
             交办依据：{{交办依据}}\n\
             请于{{办结期限}}前办结并书面反馈，同时填写回执送回本机关。"
        }
        NoticeKind::Supervision => {
            "{{主送单位}}：\n\
             编号为{{事项编号}}的事项（当事人：{{当事人}}）已于前期交由你单位办理，原定办结期限为{{原办结期限}}，现已逾期{{逾期天数}}日。\n\
             事项摘要：{{事项摘要}}\n\
             督办事由：{{交办依据}}\n\
             现予督办，请于{{新办结期限}}前办结并书面反馈，同时填写回执送回本机关。"
        }
        NoticeKind::Closure => {
            "{{主送单位}}：\n\
             编号为{{事项编号}}的事项（当事人：{{当事人}}）经核查已办理完毕。\n\
             事项摘要：{{事项摘要}}\n\
             办理结果：{{办理结果}}\n\
             经审核，同意销案。销案日期：{{销案日期}}。"
        }
        NoticeKind::PetitionAcceptance => {
            "{{信访人}}：\n\
             你（们）于{{信访日期}}提出的信访事项（编号{{事项编号}}：{{信访事项}}），本机关已于{{受理日期}}依法受理。\n\
             本机关将自受理之日起{{办理时限}}内办结，并书面答复你（们）。\n\
             特此告知。"
        }
        NoticeKind::PetitionNonAcceptance => {
            "{{信访人}}：\n\
             你（们）于{{信访日期}}提出的信访事项（编号{{事项编号}}：{{信访事项}}），经审查，本机关决定不予受理。\n\
             理由：{{不予受理理由}}\n\
             特此告知。"
        }
        NoticeKind::PetitionAnswer => {
            "{{信访人}}：\n\
             你（们）于{{信访日期}}提出的信访事项（编号{{事项编号}}：{{信访事项}}），本机关已于{{受理日期}}受理，经调查核实，现提出处理意见如下：\n\
             {{处理意见}}\n\
             如对本处理意见不服，可以自收到本意见书之日起{{复查复核时限}}内请求原办理机关的上一级机关复查。"
        }
        NoticeKind::PetitionReviewAnswer => {
            "{{信访人}}：\n\
             你（们）对编号{{事项编号}}信访事项（{{信访事项}}）的处理意见不服，请求复查。经复查，现提出复查意见如下：\n\
             {{处理意见}}\n\
             如对本复查意见不服，可以自收到本意见书之日起{{复查复核时限}}内向复查机关的上一级机关请求复核。"
        }
        NoticeKind::PetitionReReviewAnswer => {
            "{{信访人}}：\n\
             你（们）对编号{{事项编号}}信访事项（{{信访事项}}）的复查意见不服，请求复核。经复核，现提出复核意见如下：\n\
             {{处理意见}}\n\
             本复核意见为最终意见。信访人对复核意见不服，仍然以同一事实和理由提出信访事项的，各级机关不再受理。"
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(pairs: &[(Field, &str)]) -> Values {
        pairs.iter().map(|(f, v)| (*f, v.to_string())).collect()
    }

    #[test]
    fn every_default_body_checks_and_names_only_known_fields() {
        for kind in NoticeKind::ALL {
            check(default_body(kind)).unwrap_or_else(|e| panic!("{kind:?}: {e}"));
        }
        for f in Field::ALL {
            assert_eq!(Field::from_zh(f.zh()), Some(f));
        }
    }

    #[test]
    fn assignment_fills_fields_and_leaves_blanks_for_missing_ones() {
        let v = values(&[
            (Field::Addressee, "平湖街道综治中心"),
            (Field::MatterNumber, "JF2026-000012"),
            (Field::Party, "张三、李四"),
            (Field::Deadline, "2026年12月18日"),
        ]);
        let paras = render(NoticeKind::Assignment, default_body(NoticeKind::Assignment), &v).expect("renders");
        assert_eq!(paras[0], "平湖街道综治中心：");
        assert!(paras[1].contains("编号为JF2026-000012的事项") && paras[1].contains("张三、李四"));
        assert_eq!(paras[2], format!("事项摘要：{BLANK}"));
        assert!(paras[4].contains("请于2026年12月18日前办结并书面反馈"));
    }

    #[test]
    fn unknown_placeholder_and_unclosed_braces_are_named() {
        assert_eq!(
            check("{{主送单位}}：\n请于{{截止时间}}前办结"),
            Err(TemplateError::Unknown("截止时间".into()))
        );
        assert_eq!(check("{{主送单位}}：{{事项编号"), Err(TemplateError::Unclosed(2)));
        assert_eq!(check("  \n "), Err(TemplateError::Empty));
        assert_eq!(
            TemplateError::Unknown("截止时间".into()).to_string(),
            "模板中的“{{截止时间}}”不是可用的字段"
        );
    }

    #[test]
    fn a_petition_answer_keeps_the_review_right_even_if_the_template_drops_it() {
        let v = values(&[
            (Field::Petitioner, "王五"),
            (Field::ReviewTerm, "30日"),
            (Field::Answer, "予以支持。"),
        ]);
        let paras = render(NoticeKind::PetitionAnswer, "{{信访人}}：\n{{处理意见}}", &v).expect("renders");
        assert_eq!(paras.len(), 3);
        assert_eq!(
            paras[2],
            "如对本处理意见不服，可以自收到本意见书之日起30日内请求原办理机关的上一级机关复查。"
        );
        // The default body has it once, not twice.
        let paras = render(NoticeKind::PetitionAnswer, default_body(NoticeKind::PetitionAnswer), &v).expect("renders");
        assert_eq!(
            paras
                .iter()
                .filter(|p| p.contains("请求原办理机关的上一级机关复查"))
                .count(),
            1
        );
        // A re-review answer is final: no further right.
        assert_eq!(review_right(NoticeKind::PetitionReReviewAnswer), None);
    }
}
