//! Checks for every id that goes into a URL or comes back from the server or storage.
//!
//! Ids are never percent-encoded: anything outside these strict charsets is refused instead, so a
//! hostile answer or a tampered localStorage value cannot inject path segments or query parameters.

/// Longest id accepted from the server or storage.
pub const MAX_ID_LEN: usize = 128;

use crate::core::text::all;

/// A visitor id, session id or page id as the server hands them out: `[A-Za-z0-9._-]{1,128}`.
pub fn is_server_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= MAX_ID_LEN
        && all(s, |b| {
            b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-')
        })
}

/// An account id: `[A-Za-z0-9_-]{1,64}`.
pub fn is_account_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && all(s, |b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-'))
}

/// An app installation id (a UUID in practice): `[A-Za-z0-9-]{1,64}`.
pub fn is_app_installation_id(s: &str) -> bool {
    !s.is_empty() && s.len() <= 64 && all(s, |b| b.is_ascii_alphanumeric() || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charsets() {
        assert!(is_server_id("I2NzQ2YzBkZGEzZDMzYjIx"));
        assert!(is_server_id("jnPABZYjQcOS2Uk5fp_HnA.c524460e"));
        for bad in ["", "a/b", "a&sid=x", "a b", "é", "a?b", "%2F"] {
            assert!(!is_server_id(bad), "{bad}");
        }
        assert!(!is_server_id(&"a".repeat(MAX_ID_LEN + 1)));
        assert!(is_account_id("12345678"));
        assert!(!is_account_id("123/45"));
        assert!(is_app_installation_id(
            "8de29e3d-25b1-4d08-b713-8331ab222bfa"
        ));
        assert!(!is_app_installation_id("8de29e3d_25b1"));
    }
}
