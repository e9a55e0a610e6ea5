//! Substring search over bytes. The std `&str` searcher links panic formatting
//! (`slice_error_fail`, char Debug, Unicode tables) into the shipped wasm; this does not.

#[allow(unused_imports)]
use crate::prelude::*;

/// Byte offset of the first `needle` in `hay`.
pub fn find(hay: &str, needle: &str) -> Option<usize> {
    let n = needle.as_bytes();
    if n.is_empty() {
        return Some(0);
    }
    hay.as_bytes().windows(n.len()).position(|w| w == n)
}

/// The pieces joined into one string: `[..].concat()` without its length-overflow panic (whose
/// message formatting would be the only use of `core::fmt`'s padding code in the wasm).
pub fn concat(parts: &[&str]) -> String {
    let mut out = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    for p in parts {
        out.push_str(p);
    }
    out
}

/// How many bytes at the start of `s` are `ok`. One plain loop behind a function pointer serves
/// every byte-class check (each `bytes().all(..)`/`position(..)` closure was a copy of its own).
#[inline(never)]
pub fn span(s: &str, ok: fn(u8) -> bool) -> usize {
    let mut n = 0;
    for b in s.bytes() {
        if !ok(b) {
            break;
        }
        n += 1;
    }
    n
}

/// True when every byte of `s` is `ok`.
pub fn all(s: &str, ok: fn(u8) -> bool) -> bool {
    span(s, ok) == s.len()
}

/// True when `needle` occurs in `hay`.
pub fn contains(hay: &str, needle: &str) -> bool {
    find(hay, needle).is_some()
}

/// The text before and after the first `needle`.
pub fn split_once<'a>(hay: &'a str, needle: &str) -> Option<(&'a str, &'a str)> {
    let at = find(hay, needle)?;
    Some((hay.get(..at)?, hay.get(at + needle.len()..)?))
}

/// `s.trim()`, with the same White_Space set written out: `str::trim` looks it up in a Unicode
/// table that is only linked for it (measured: 55 B gzip less).
pub fn trim(s: &str) -> &str {
    s.trim_matches(is_space)
}

/// Unicode White_Space, as `char::is_whitespace`.
fn is_space(c: char) -> bool {
    matches!(
        c,
        '\t'..='\r'
            | ' '
            | '\u{85}'
            | '\u{a0}'
            | '\u{1680}'
            | '\u{2000}'..='\u{200a}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{202f}'
            | '\u{205f}'
            | '\u{3000}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trim_is_str_trim() {
        for c in (0..=0x10_FFFF).filter_map(char::from_u32) {
            assert_eq!(is_space(c), c.is_whitespace(), "U+{:04X}", c as u32);
        }
        for s in [
            " \u{a0}a b\u{3000}\n",
            "",
            "\u{2029}",
            "x",
            "\u{200b}y\u{200b}",
        ] {
            assert_eq!(trim(s), s.trim());
        }
    }

    #[test]
    fn search() {
        assert_eq!(find("abcabc", "ca"), Some(2));
        assert_eq!(find("abc", ""), Some(0));
        assert_eq!(find("ab", "abc"), None);
        assert!(contains("Mozilla (iPad; CPU OS 17_1)", "iPad"));
        assert_eq!(split_once("é://x", "://"), Some(("é", "x")));
        assert_eq!(split_once("no", "://"), None);
    }
}
