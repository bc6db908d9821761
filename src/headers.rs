//! Security headers on every response: a content security policy fit for the built front end,
//! no framing, no referrer beyond the site, no content sniffing, HSTS behind HTTPS.
use axum::http::HeaderValue;

use crate::config::Config;

/// `default-src 'self'`, images also from `data:`/`blob:` (canvas exports, photo previews) and the
/// configured base map's origin; styles inline for the component library's style attributes.
pub fn content_security_policy(config: &Config) -> HeaderValue {
    let base_map = config
        .map
        .base_url
        .as_deref()
        .and_then(origin)
        .map(|o| format!(" {o}"))
        .unwrap_or_default();
    let policy = format!(
        "default-src 'self'; img-src 'self' data: blob:{base_map}; style-src 'self' 'unsafe-inline'; \
         font-src 'self' data:; connect-src 'self'{base_map}; worker-src 'self' blob:; object-src 'none'; \
         base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    );
    HeaderValue::from_str(&policy)
        .unwrap_or_else(|_| HeaderValue::from_static("default-src 'self'; frame-ancestors 'none'"))
}

/// The origin `https://tiles.example.com` of `https://tiles.example.com/{z}/{x}/{y}.png`.
fn origin(url: &str) -> Option<String> {
    let (scheme, rest) = url.trim().split_once("://")?;
    let host = rest.split('/').next().filter(|h| !h.is_empty())?;
    // `{a-c}.tile.…` and `webrd0{1-4}.is.…`: the servers' common parent, as a wildcard.
    let host = match host.split_once('.') {
        Some((first, parent)) if first.contains('{') => format!("*.{parent}"),
        _ => host.to_string(),
    };
    let plain = !host.contains(['{', '}', ' ', ';', '\'', ',']);
    (plain && matches!(scheme, "http" | "https")).then(|| format!("{scheme}://{host}"))
}

/// One year, subdomains included: sent only when the cookie is marked secure (served over HTTPS).
pub fn strict_transport_security(config: &Config) -> Option<HeaderValue> {
    config
        .security
        .cookie_secure
        .then(|| HeaderValue::from_static("max-age=31536000; includeSubDomains"))
}

#[cfg(test)]
mod tests {
    use super::origin;

    #[test]
    fn the_base_maps_origin() {
        assert_eq!(
            origin("https://webrd0{1-4}.is.autonavi.com/appmaptile?x={x}").as_deref(),
            Some("https://*.is.autonavi.com"),
            "a host template becomes a wildcard"
        );
        assert_eq!(
            origin("https://tiles.example.com/{z}/{x}/{y}.png").as_deref(),
            Some("https://tiles.example.com")
        );
        assert_eq!(origin("javascript:alert(1)"), None);
    }
}
