//! A small JSON value with a strict parser and a compact writer.
//!
//! lpmon ships to every page view, so it carries its own JSON instead of serde_json: numbers keep
//! their source text (ids such as `2739012212` round-trip exactly and no float parsing or formatting
//! code is linked), objects keep their key order, and nesting is capped so hostile input cannot
//! exhaust the stack.

#[allow(unused_imports)]
use crate::prelude::*;

/// Deepest nesting the parser accepts; SDEs and server answers stay far below it.
pub const MAX_DEPTH: usize = 48;

/// A parsed JSON value.
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    /// `null`
    Null,
    /// `true` / `false`
    Bool(bool),
    /// A number, kept as the exact text it had in the input.
    Num(String),
    /// A string.
    Str(String),
    /// An array.
    Arr(Vec<Json>),
    /// An object, in input order (duplicate keys: the first one wins on lookup).
    Obj(Vec<(String, Json)>),
}

/// Why a text is not JSON; only the byte offset is kept (no formatting code needed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParseError(pub usize);

impl Json {
    /// Parses a whole document; trailing non-space text is an error.
    pub fn parse(text: &str) -> Result<Json, ParseError> {
        let mut p = Parser {
            t: text,
            s: text.as_bytes(),
            i: 0,
        };
        p.ws();
        let v = p.value(0)?;
        p.ws();
        if p.i == p.s.len() {
            Ok(v)
        } else {
            Err(ParseError(p.i))
        }
    }

    /// The member `key` of an object.
    pub fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Obj(m) => m.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The string inside, if this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The elements, if this is an array.
    pub fn as_arr(&self) -> Option<&[Json]> {
        match self {
            Json::Arr(a) => Some(a),
            _ => None,
        }
    }

    /// The members, if this is an object.
    pub fn as_obj(&self) -> Option<&[(String, Json)]> {
        match self {
            Json::Obj(m) => Some(m),
            _ => None,
        }
    }

    /// The value as an integer, when the number is written without fraction or exponent.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Json::Num(n) => parse_int(n),
            _ => None,
        }
    }

    /// True for `null` and for a missing member (callers pass `Option<&Json>` through this).
    pub fn is_null(&self) -> bool {
        matches!(self, Json::Null)
    }

    /// Sets `key` on an object (replacing an existing member); does nothing on other values.
    pub fn set(&mut self, key: &str, value: Json) {
        if let Json::Obj(m) = self {
            match m.iter_mut().find(|(k, _)| k == key) {
                Some(slot) => slot.1 = value,
                None => m.push((key.into(), value)),
            }
        }
    }

    /// Removes `key` from an object and returns it.
    pub fn take(&mut self, key: &str) -> Option<Json> {
        match self {
            Json::Obj(m) => {
                // Retained rather than `Vec::remove`d: no index panic path in the wasm.
                let mut taken = None;
                m.retain_mut(|(k, v)| {
                    let hit = taken.is_none() && k == key;
                    if hit {
                        taken = Some(::core::mem::replace(v, Json::Null));
                    }
                    !hit
                });
                taken
            }
            _ => None,
        }
    }

    /// A string value.
    pub fn str(s: &str) -> Json {
        Json::Str(s.into())
    }

    /// A number from an unsigned integer.
    pub fn uint(n: u64) -> Json {
        Json::Num(uint_text(n))
    }

    /// The compact JSON text of this value.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }

    /// Appends the compact JSON text of this value to `out`.
    pub fn write(&self, out: &mut String) {
        match self {
            Json::Null => out.push_str("null"),
            Json::Bool(true) => out.push_str("true"),
            Json::Bool(false) => out.push_str("false"),
            Json::Num(n) => out.push_str(n),
            Json::Str(s) => write_str(s, out),
            Json::Arr(a) => {
                out.push('[');
                for (i, v) in a.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    v.write(out);
                }
                out.push(']');
            }
            Json::Obj(m) => {
                out.push('{');
                for (i, (k, v)) in m.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_str(k, out);
                    out.push(':');
                    v.write(out);
                }
                out.push('}');
            }
        }
    }
}

/// Decimal text of an unsigned integer, without the formatting machinery.
pub fn uint_text(n: u64) -> String {
    let mut out = String::new();
    write_uint(n, &mut out);
    out
}

/// Appends the decimal digits of `n` to `out`.
pub fn write_uint(mut n: u64, out: &mut String) {
    let mut buf = [0u8; 20];
    let mut at = buf.len();
    loop {
        at -= 1;
        if let Some(slot) = buf.get_mut(at) {
            *slot = b'0' + (n % 10) as u8;
        }
        n /= 10;
        if n == 0 || at == 0 {
            break;
        }
    }
    for &b in buf.get(at..).unwrap_or(b"0") {
        out.push(char::from(b));
    }
}

/// The one writer of the JSON texts lpmon makes (stored sessions and reports, events, request
/// options, cached lookups): an object's members in the order they are given, keys and strings
/// escaped, numbers as digits. Nested objects are opened and closed in place, so a fixed shape is
/// written straight into one string without building a [`Json`] value first.
pub struct Writer {
    out: String,
    /// No member yet in the innermost open object (no comma before the next one).
    first: bool,
}

impl Writer {
    /// A new object: `{`.
    pub fn object() -> Writer {
        Writer {
            out: String::from("{"),
            first: true,
        }
    }

    /// Starts member `key`: the comma before it when needed, the key and the colon.
    #[inline(never)]
    fn key(&mut self, key: &str) -> &mut String {
        if !self.first {
            self.out.push(',');
        }
        self.first = false;
        write_str(key, &mut self.out);
        self.out.push(':');
        &mut self.out
    }

    /// Member `key` with a string value.
    pub fn str(&mut self, key: &str, value: &str) -> &mut Writer {
        write_str(value, self.key(key));
        self
    }

    /// Member `key` with an unsigned integer value.
    pub fn uint(&mut self, key: &str, value: u64) -> &mut Writer {
        write_uint(value, self.key(key));
        self
    }

    /// Member `key` with `true` or `false`.
    pub fn bool(&mut self, key: &str, value: bool) -> &mut Writer {
        self.key(key).push_str(if value { "true" } else { "false" });
        self
    }

    /// Member `key` with a [`Json`] value.
    pub fn value(&mut self, key: &str, value: &Json) -> &mut Writer {
        value.write(self.key(key));
        self
    }

    /// Member `key` whose value is `json`, already JSON text (written as it is).
    pub fn raw(&mut self, key: &str, json: &str) -> &mut Writer {
        self.key(key).push_str(json);
        self
    }

    /// Member `key` with an object value, left open for its own members until [`Writer::close`].
    pub fn open(&mut self, key: &str) -> &mut Writer {
        self.key(key).push('{');
        self.first = true;
        self
    }

    /// Closes the object [`Writer::open`] started.
    pub fn close(&mut self) -> &mut Writer {
        self.out.push('}');
        self.first = false;
        self
    }

    /// The text, the outermost object closed.
    pub fn finish(mut self) -> String {
        self.out.push('}');
        self.out
    }
}

/// An integer written as plain JSON digits (`-12`, `0`), or None.
pub fn parse_int(text: &str) -> Option<i64> {
    let (neg, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    if digits.is_empty()
        || digits.len() > 18
        || !crate::core::text::all(digits, |b| b.is_ascii_digit())
    {
        return None;
    }
    let mut n: i64 = 0;
    for b in digits.bytes() {
        n = n * 10 + i64::from(b - b'0');
    }
    Some(if neg { -n } else { n })
}

/// `s` as a JSON string literal.
pub fn quoted(s: &str) -> String {
    let mut out = String::new();
    write_str(s, &mut out);
    out
}

/// Appends `s` as a JSON string literal to `out`.
pub fn write_str(s: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            // U+2028/2029 are escaped so the text is also safe inside a <script> block.
            c if (c as u32) < 0x20 || c == '\u{2028}' || c == '\u{2029}' => {
                let n = c as u32;
                out.push_str("\\u");
                for shift in [12, 8, 4, 0] {
                    let d = HEX
                        .get(((n >> shift) & 0xf) as usize)
                        .copied()
                        .unwrap_or(b'0');
                    out.push(d as char);
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

struct Parser<'a> {
    t: &'a str,
    s: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn err<T>(&self) -> Result<T, ParseError> {
        Err(ParseError(self.i))
    }

    fn ws(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.peek() {
            self.i += 1;
        }
    }

    fn eat(&mut self, lit: &[u8]) -> Result<(), ParseError> {
        if self.s.get(self.i..self.i + lit.len()) == Some(lit) {
            self.i += lit.len();
            Ok(())
        } else {
            self.err()
        }
    }

    fn value(&mut self, depth: usize) -> Result<Json, ParseError> {
        if depth > MAX_DEPTH {
            return self.err();
        }
        match self.peek() {
            Some(b'{') => self.object(depth),
            Some(b'[') => self.array(depth),
            Some(b'"') => self.string().map(Json::Str),
            Some(b't') => self.eat(b"true").map(|_| Json::Bool(true)),
            Some(b'f') => self.eat(b"false").map(|_| Json::Bool(false)),
            Some(b'n') => self.eat(b"null").map(|_| Json::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            _ => self.err(),
        }
    }

    fn object(&mut self, depth: usize) -> Result<Json, ParseError> {
        self.i += 1;
        let mut members = Vec::new();
        self.ws();
        if self.peek() == Some(b'}') {
            self.i += 1;
            return Ok(Json::Obj(members));
        }
        loop {
            self.ws();
            if self.peek() != Some(b'"') {
                return self.err();
            }
            let key = self.string()?;
            self.ws();
            self.eat(b":")?;
            self.ws();
            let v = self.value(depth + 1)?;
            members.push((key, v));
            self.ws();
            match self.peek() {
                Some(b',') => self.i += 1,
                Some(b'}') => {
                    self.i += 1;
                    return Ok(Json::Obj(members));
                }
                _ => return self.err(),
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<Json, ParseError> {
        self.i += 1;
        let mut items = Vec::new();
        self.ws();
        if self.peek() == Some(b']') {
            self.i += 1;
            return Ok(Json::Arr(items));
        }
        loop {
            self.ws();
            items.push(self.value(depth + 1)?);
            self.ws();
            match self.peek() {
                Some(b',') => self.i += 1,
                Some(b']') => {
                    self.i += 1;
                    return Ok(Json::Arr(items));
                }
                _ => return self.err(),
            }
        }
    }

    fn number(&mut self) -> Result<Json, ParseError> {
        let start = self.i;
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        match self.peek() {
            Some(b'0') => self.i += 1,
            Some(b'1'..=b'9') => self.digits(),
            _ => return self.err(),
        }
        if self.peek() == Some(b'.') {
            self.i += 1;
            self.need_digits()?;
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.i += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.i += 1;
            }
            self.need_digits()?;
        }
        // Only ASCII was consumed: the bounds are char boundaries.
        let text = self.t.get(start..self.i).unwrap_or_default();
        Ok(Json::Num(text.into()))
    }

    fn digits(&mut self) {
        while let Some(b'0'..=b'9') = self.peek() {
            self.i += 1;
        }
    }

    fn need_digits(&mut self) -> Result<(), ParseError> {
        let at = self.i;
        self.digits();
        if self.i == at {
            self.err()
        } else {
            Ok(())
        }
    }

    fn hex4(&mut self) -> Result<u32, ParseError> {
        let mut n = 0u32;
        for _ in 0..4 {
            let d = match self.peek() {
                Some(b @ b'0'..=b'9') => b - b'0',
                Some(b @ b'a'..=b'f') => b - b'a' + 10,
                Some(b @ b'A'..=b'F') => b - b'A' + 10,
                _ => return self.err(),
            };
            n = n * 16 + u32::from(d);
            self.i += 1;
        }
        Ok(n)
    }

    fn string(&mut self) -> Result<String, ParseError> {
        self.i += 1; // opening quote
        let mut out = String::new();
        // Start of the text not copied yet; it ends at an ASCII byte, so at a char boundary.
        let mut run = self.i;
        loop {
            let b = match self.peek() {
                Some(b) => b,
                None => return self.err(),
            };
            match b {
                b'"' | b'\\' => {
                    out.push_str(self.t.get(run..self.i).ok_or(ParseError(self.i))?);
                    self.i += 1;
                    if b == b'"' {
                        return Ok(out);
                    }
                    let e = self.peek();
                    self.i += 1;
                    let c = match e {
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        Some(b'u') => self.unicode_escape()?,
                        _ => return Err(ParseError(self.i - 1)),
                    };
                    out.push(c);
                    run = self.i;
                }
                0..=0x1f => return self.err(),
                _ => self.i += 1,
            }
        }
    }

    /// After `\u`: one code unit, or a surrogate pair; a lone surrogate becomes U+FFFD
    /// (JSON.stringify can emit those, a Rust string cannot hold them).
    fn unicode_escape(&mut self) -> Result<char, ParseError> {
        let hi = self.hex4()?;
        if (0xD800..0xDC00).contains(&hi) && self.s.get(self.i..self.i + 2) == Some(b"\\u") {
            let save = self.i;
            self.i += 2;
            let lo = self.hex4()?;
            if (0xDC00..0xE000).contains(&lo) {
                let c = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                return Ok(char::from_u32(c).unwrap_or('\u{FFFD}'));
            }
            self.i = save;
        }
        Ok(char::from_u32(hi).unwrap_or('\u{FFFD}'))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    fn round(text: &str) -> String {
        Json::parse(text).unwrap().to_text()
    }

    #[test]
    fn keeps_number_text_and_key_order() {
        assert_eq!(
            round(r#"{ "b": 2739012212, "a": -0.5e+3, "c": [1, 2.50] }"#),
            r#"{"b":2739012212,"a":-0.5e+3,"c":[1,2.50]}"#
        );
    }

    #[test]
    fn rejects_bad_numbers_and_trailing_text() {
        for bad in [
            "01",
            "-",
            "1.",
            ".5",
            "1e",
            "+1",
            "1 2",
            "{} x",
            "[1,]",
            "{\"a\":1,}",
            "nul",
            "",
        ] {
            assert!(Json::parse(bad).is_err(), "{bad} should fail");
        }
    }

    #[test]
    fn strings_escape_both_ways() {
        let v = Json::parse(r#""a\"b\\c\/d\n\u00e9\ud83d\ude00\u0001""#).unwrap();
        assert_eq!(v, Json::Str("a\"b\\c/d\né😀\u{1}".into()));
        assert_eq!(v.to_text(), "\"a\\\"b\\\\c/d\\né😀\\u0001\"");
        // Text around escapes is copied as is, multi-byte characters included.
        assert_eq!(
            Json::parse(r#""é\tü€\"x""#).unwrap(),
            Json::Str("é\tü€\"x".into())
        );
        // Multi-byte text kept around escapes; U+2028/2029 and control characters escaped,
        // other E2 80 xx characters (an en dash) copied as they are.
        assert_eq!(
            quoted("é\u{2029}–\u{1f}ü\u{2028}"),
            r#""é\u2029–\u001fü\u2028""#
        );
        assert_eq!(quoted(""), "\"\"");
        // A lone surrogate is replaced, not an error.
        assert_eq!(
            Json::parse(r#""\ud800x""#).unwrap(),
            Json::Str("\u{FFFD}x".into())
        );
        assert!(
            Json::parse("\"tab\there\"").is_err(),
            "raw control characters are invalid"
        );
    }

    #[test]
    fn depth_is_capped() {
        let ok = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
        assert!(Json::parse(&ok).is_ok());
        let deep = "[".repeat(100_000);
        assert!(Json::parse(&deep).is_err());
    }

    #[test]
    fn object_helpers() {
        let mut v = Json::parse(r#"{"a":1,"b":"x"}"#).unwrap();
        assert_eq!(v.get("b").and_then(Json::as_str), Some("x"));
        assert_eq!(v.get("a").and_then(Json::as_i64), Some(1));
        v.set("a", Json::uint(7));
        v.set("c", Json::Null);
        assert_eq!(v.take("b"), Some(Json::str("x")));
        assert_eq!(v.to_text(), r#"{"a":7,"c":null}"#);
        assert_eq!(v.take("b"), None);
        let mut order = Json::parse(r#"{"a":1,"b":2,"c":3,"b":4}"#).unwrap();
        assert_eq!(order.take("b"), Some(Json::uint(2)));
        assert_eq!(
            order.to_text(),
            r#"{"a":1,"c":3,"b":4}"#,
            "the rest keeps its order"
        );
    }

    #[test]
    fn integers() {
        assert_eq!(uint_text(0), "0");
        assert_eq!(uint_text(u64::MAX), "18446744073709551615");
        assert_eq!(parse_int("-42"), Some(-42));
        assert_eq!(parse_int("4.0"), None);
        assert_eq!(parse_int("1e3"), None);
    }

    #[test]
    fn the_writer_writes_members_in_order_escaped_and_nested() {
        let mut w = Writer::object();
        w.str("s", "a\"b\n\u{2028}")
            .uint("n", 2739012212)
            .bool("t", true)
            .bool("f", false)
            .open("o")
            .close()
            .open("h")
            .str("k\"", "v")
            .uint("z", 0)
            .close()
            .value("j", &Json::parse(r#"[1,{"x":null}]"#).unwrap())
            .raw("r", "{\"q\":1}");
        let text = w.finish();
        assert_eq!(
            text,
            r#"{"s":"a\"b\n\u2028","n":2739012212,"t":true,"f":false,"o":{},"h":{"k\"":"v","z":0},"j":[1,{"x":null}],"r":{"q":1}}"#
        );
        assert_eq!(Json::parse(&text).unwrap().to_text(), text);
        assert_eq!(Writer::object().finish(), "{}");
    }
}
