//! A POSTed service request as sent: form-encoded or multipart (with a photo), decoded strictly
//! (not UTF-8, or a control character, is refused with the field), and the reporter's name.
use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::header;

use crate::app::AppState;
use crate::error::is_forbidden_char;

/// The request's fields and the photo, if one was attached.
#[derive(Debug, Default)]
pub struct Form {
    pub fields: HashMap<String, String>,
    pub photo: Option<Bytes>,
}

/// Why a request is refused before it is read further: a sentence for the client, and whether
/// the body was too large (413) rather than malformed (400).
#[derive(Debug)]
pub struct Refused {
    pub message: String,
    pub too_large: bool,
}

impl Refused {
    fn bad(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            too_large: false,
        }
    }
}

/// Multipart fields that carry the photo (clients name it differently); any field with a file
/// name counts too.
const PHOTO_FIELDS: [&str; 3] = ["media", "photo", "file"];

impl Form {
    pub async fn read(req: Request, st: &AppState) -> Result<Self, Refused> {
        let multipart = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.trim_start().to_ascii_lowercase().starts_with("multipart/form-data"));
        if !multipart {
            let body = Bytes::from_request(req, st).await.map_err(|e| Refused {
                too_large: e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE,
                message: "the request body cannot be read".into(),
            })?;
            return Ok(Self {
                fields: decode(&body, "request body")?,
                photo: None,
            });
        }
        let mut mp = Multipart::from_request(req, st)
            .await
            .map_err(|e| Refused::bad(format!("multipart body: {e}")))?;
        let mut form = Self::default();
        loop {
            let field = match mp.next_field().await {
                Ok(Some(f)) => f,
                Ok(None) => break,
                Err(e) => {
                    return Err(Refused {
                        too_large: e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE,
                        message: format!("multipart body: {e}"),
                    });
                }
            };
            let name = field.name().unwrap_or("").to_string();
            let is_file = field.file_name().is_some() || PHOTO_FIELDS.contains(&name.as_str());
            let bytes = field.bytes().await.map_err(|e| Refused {
                too_large: e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE,
                message: format!("{name}: {e}"),
            })?;
            if is_file {
                if form.photo.is_none() && !bytes.is_empty() {
                    form.photo = Some(bytes);
                }
                continue;
            }
            let value = String::from_utf8(bytes.to_vec()).map_err(|_| Refused::bad(format!("{name}: not UTF-8")))?;
            check_chars(&name, &value)?;
            form.fields.insert(name, value);
        }
        Ok(form)
    }

    /// A field, trimmed; none when absent or empty.
    pub fn get(&self, k: &str) -> Option<&str> {
        self.fields.get(k).map(|s| s.trim()).filter(|s| !s.is_empty())
    }
}

fn check_chars(name: &str, value: &str) -> Result<(), Refused> {
    match value.chars().find(|c| is_forbidden_char(*c)) {
        Some(c) => Err(Refused::bad(format!(
            "{name}: contains the control character U+{:04X}",
            c as u32
        ))),
        None => Ok(()),
    }
}

/// `application/x-www-form-urlencoded` (a body or a query string), decoded strictly: unlike a
/// lossy decoder, bytes or escapes that are not UTF-8 and control characters are refused, with
/// the field, instead of being stored as replacement characters.
pub fn decode(raw: &[u8], what: &str) -> Result<HashMap<String, String>, Refused> {
    let text = std::str::from_utf8(raw).map_err(|_| Refused::bad(format!("the {what} is not UTF-8")))?;
    let mut out = HashMap::new();
    for pair in text.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let k = unescape(k).ok_or_else(|| Refused::bad(format!("a field name in the {what} is not UTF-8")))?;
        let v = unescape(v).ok_or_else(|| Refused::bad(format!("{k}: not UTF-8")))?;
        check_chars(&k, &v)?;
        out.insert(k, v);
    }
    Ok(out)
}

/// `+` and `%XX` decoded; None when the bytes are not UTF-8. A `%` without two hex digits stays.
fn unescape(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() => {
                match std::str::from_utf8(&b[i + 1..i + 3])
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                {
                    Some(x) => {
                        out.push(x);
                        i += 3;
                        continue;
                    }
                    None => out.push(b'%'),
                }
            }
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8(out).ok()
}

/// The reporter's name by its script: a Chinese name is family name first with no space
/// (张 + 三 → 张三), any other "first last".
pub fn full_name(first: Option<&str>, last: Option<&str>) -> String {
    let han = |s: &str| s.chars().any(is_han);
    let (first, last) = (first.unwrap_or(""), last.unwrap_or(""));
    if han(first) || han(last) {
        format!("{last}{first}")
    } else {
        [first, last]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

fn is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3134F)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_their_script() {
        assert_eq!(full_name(Some("John"), Some("Smith")), "John Smith");
        assert_eq!(full_name(Some("三"), Some("张")), "张三");
        assert_eq!(full_name(Some("小明"), None), "小明");
        assert_eq!(full_name(None, Some("Smith")), "Smith");
        assert_eq!(full_name(None, None), "");
    }

    #[test]
    fn forms_decode_strictly() {
        let f = decode(b"a=%E8%B7%AF+1&b=x%2", "body").expect("ok");
        assert_eq!((f["a"].as_str(), f["b"].as_str()), ("路 1", "x%2"));
        assert!(decode(b"description=%FF", "body").is_err_and(|e| e.message.contains("description")));
        assert!(decode(b"a=\xff", "body").is_err());
        assert!(decode(b"description=a%0Bb", "body").is_err_and(|e| e.message.contains("U+000B")));
        assert!(decode(b"description=a%0Ab%09", "body").is_ok());
    }
}
