//! Typed agent answers from the core's own [`Json`], with the rules serde's derive used to apply
//! (a member missing, `null` or holding a value; integers where the struct says `i64`; unknown
//! members kept), in two forms made from the same field lists:
//! - [`FromWire`] builds the structs of [`visit`](super::visit) and
//!   [`engactivity`](super::engactivity) (for Rust callers and the native tests);
//! - [`Shaped::SHAPE`] describes them as data, and [`check`] tells whether a value fits. The agent
//!   wasm only needs that verdict (JS gets the server's own text), so it ships one small
//!   interpreter and a table instead of a decoder per struct.

#[allow(unused_imports)]
use crate::prelude::*;

use crate::core::text::concat;

use alloc::collections::BTreeMap;

use crate::core::agent::maybe::Maybe;
use crate::core::json::{parse_int, Json};

/// Why a value does not fit: the member path and what it should have been, e.g.
/// `appSessions.pages must be an array`.
pub type Why = String;

/// A type that can be read from a parsed JSON value.
pub trait FromWire: Sized {
    /// The typed value of `v`, or why it does not fit.
    fn from_wire(v: &Json) -> Result<Self, Why>;
}

/// What a value must be, as data: the shape of a typed answer.
#[derive(Debug)]
pub enum Shape {
    /// Anything (a [`Json`] member).
    Any,
    /// `null`, or the inner shape (a [`Maybe`] member).
    OrNull(&'static Shape),
    /// An integer (`i64`).
    Int,
    /// A number (`f64`).
    Num,
    /// A boolean.
    Bool,
    /// A string.
    Str,
    /// An array of the inner shape.
    Arr(&'static Shape),
    /// An object whose every member has the inner shape (a map by id).
    Map(&'static Shape),
    /// An object with these known members; others may be there too.
    Obj(&'static [Field]),
}

/// One known member of an object shape.
#[derive(Debug)]
pub struct Field {
    /// The Rust field name (its camelCase spelling is the JSON name)...
    pub field: &'static str,
    /// ...unless the member is named this.
    pub wire: Option<&'static str>,
    /// What it holds.
    pub shape: &'static Shape,
}

/// A type whose JSON shape is known at compile time.
pub trait Shaped {
    /// Its shape.
    const SHAPE: &'static Shape;
}

impl Shaped for i64 {
    const SHAPE: &'static Shape = &Shape::Int;
}
impl Shaped for f64 {
    const SHAPE: &'static Shape = &Shape::Num;
}
impl Shaped for bool {
    const SHAPE: &'static Shape = &Shape::Bool;
}
impl Shaped for String {
    const SHAPE: &'static Shape = &Shape::Str;
}
impl Shaped for Json {
    const SHAPE: &'static Shape = &Shape::Any;
}
impl<T: Shaped> Shaped for Vec<T> {
    const SHAPE: &'static Shape = &Shape::Arr(T::SHAPE);
}
impl<T: Shaped> Shaped for BTreeMap<String, T> {
    const SHAPE: &'static Shape = &Shape::Map(T::SHAPE);
}
impl<T: Shaped> Shaped for Maybe<T> {
    const SHAPE: &'static Shape = &Shape::OrNull(T::SHAPE);
}

/// Whether `v` has `shape`; the same verdict, and the same words, as [`FromWire`] decoding.
pub fn check(v: &Json, shape: &Shape) -> Result<(), Why> {
    match (shape, v) {
        (Shape::Any, _) | (Shape::OrNull(_), Json::Null) => Ok(()),
        (Shape::OrNull(inner), v) => check(v, inner),
        (Shape::Int, Json::Num(text)) if parse_int(text).is_some() => Ok(()),
        (Shape::Num, Json::Num(_)) | (Shape::Bool, Json::Bool(_)) | (Shape::Str, Json::Str(_)) => {
            Ok(())
        }
        (Shape::Arr(inner), Json::Arr(items)) => items.iter().try_for_each(|i| check(i, inner)),
        (Shape::Map(inner), Json::Obj(members)) => members
            .iter()
            .try_for_each(|(key, value)| check(value, inner).map_err(|why| within(key, why))),
        (Shape::Obj(fields), Json::Obj(members)) => members.iter().try_for_each(|(key, value)| {
            match fields.iter().find(|f| named(key, f.field, f.wire)) {
                Some(f) => check(value, f.shape).map_err(|why| within(key, why)),
                None => Ok(()),
            }
        }),
        (Shape::Int, _) => Err(must("an integer")),
        (Shape::Num, _) => Err(must("a number")),
        (Shape::Bool, _) => Err(must("a boolean")),
        (Shape::Str, _) => Err(must("a string")),
        (Shape::Arr(_), _) => Err(must("an array")),
        (Shape::Map(_) | Shape::Obj(_), _) => Err(must("an object")),
    }
}

/// True when member `key` is field `field`: named `wire` when it has one, else in camelCase.
pub fn named(key: &str, field: &str, wire: Option<&str>) -> bool {
    match wire {
        Some(w) => key == w,
        None => is_camel(key, field),
    }
}

fn must(kind: &str) -> Why {
    concat(&["must be ", kind])
}

impl FromWire for i64 {
    fn from_wire(v: &Json) -> Result<i64, Why> {
        match v {
            Json::Num(text) => parse_int(text).ok_or_else(|| must("an integer")),
            _ => Err(must("an integer")),
        }
    }
}

impl FromWire for f64 {
    fn from_wire(v: &Json) -> Result<f64, Why> {
        match v {
            // The parser accepted it as a JSON number, so Rust's float syntax takes it too.
            Json::Num(text) => text.parse::<f64>().map_err(|_| must("a number")),
            _ => Err(must("a number")),
        }
    }
}

impl FromWire for bool {
    fn from_wire(v: &Json) -> Result<bool, Why> {
        match v {
            Json::Bool(b) => Ok(*b),
            _ => Err(must("a boolean")),
        }
    }
}

impl FromWire for String {
    fn from_wire(v: &Json) -> Result<String, Why> {
        match v {
            Json::Str(s) => Ok(s.clone()),
            _ => Err(must("a string")),
        }
    }
}

impl FromWire for Json {
    fn from_wire(v: &Json) -> Result<Json, Why> {
        Ok(v.clone())
    }
}

impl<T: FromWire> FromWire for Vec<T> {
    fn from_wire(v: &Json) -> Result<Vec<T>, Why> {
        match v {
            Json::Arr(items) => items.iter().map(T::from_wire).collect(),
            _ => Err(must("an array")),
        }
    }
}

impl<T: FromWire> FromWire for BTreeMap<String, T> {
    fn from_wire(v: &Json) -> Result<BTreeMap<String, T>, Why> {
        let mut out = BTreeMap::new();
        for (key, value) in members(v)? {
            // Like serde_json: a repeated key takes the last value.
            out.insert(
                key.clone(),
                T::from_wire(value).map_err(|why| within(key, why))?,
            );
        }
        Ok(out)
    }
}

impl<T: FromWire> FromWire for Maybe<T> {
    // Only reached for a member that is present; an absent one stays `Absent`.
    fn from_wire(v: &Json) -> Result<Maybe<T>, Why> {
        match v {
            Json::Null => Ok(Maybe::Null),
            v => T::from_wire(v).map(Maybe::Value),
        }
    }
}

/// The members of an object.
pub fn members(v: &Json) -> Result<&[(String, Json)], Why> {
    v.as_obj().ok_or_else(|| must("an object"))
}

/// `why` seen from the member `key` of the enclosing object.
pub fn within(key: &str, why: Why) -> Why {
    let sep = if why.starts_with("must") { " " } else { "." };
    concat(&[key, sep, &why])
}

/// True when `key` is the camelCase spelling of the Rust field name `snake` (serde's
/// `rename_all = "camelCase"`: `start_time` is `startTime`).
pub fn is_camel(key: &str, snake: &str) -> bool {
    let mut k = key.bytes();
    let mut upper = false;
    for b in snake.bytes() {
        if b == b'_' {
            upper = true;
            continue;
        }
        let want = if upper { b.to_ascii_uppercase() } else { b };
        upper = false;
        if k.next() != Some(want) {
            return false;
        }
    }
    k.next().is_none()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn camel_case_names() {
        assert!(is_camel("startTime", "start_time"));
        assert!(is_camel("id", "id"));
        assert!(is_camel(
            "firstFollowMeEngagementContextId",
            "first_follow_me_engagement_context_id"
        ));
        assert!(!is_camel("start_time", "start_time"));
        assert!(!is_camel("startTimes", "start_time"));
        assert!(!is_camel("start", "start_time"));
    }

    #[test]
    fn leaves_follow_serde_json() {
        let j = |t: &str| Json::parse(t).unwrap();
        assert_eq!(i64::from_wire(&j("-12")), Ok(-12));
        assert!(i64::from_wire(&j("1.5")).is_err());
        assert!(i64::from_wire(&j("\"3\"")).is_err());
        assert_eq!(f64::from_wire(&j("-400.99")), Ok(-400.99));
        assert_eq!(f64::from_wire(&j("7")), Ok(7.0));
        assert_eq!(Maybe::<bool>::from_wire(&j("null")), Ok(Maybe::Null));
        assert_eq!(
            Vec::<String>::from_wire(&j("[\"a\",1]")),
            Err(String::from("must be a string"))
        );
        let m = BTreeMap::<String, i64>::from_wire(&j(r#"{"b":1,"a":2}"#)).unwrap();
        assert_eq!(
            m.into_iter().collect::<Vec<_>>(),
            [("a".into(), 2), ("b".into(), 1)]
        );
        assert_eq!(
            BTreeMap::<String, i64>::from_wire(&j(r#"{"b":true}"#)),
            Err(String::from("b must be an integer"))
        );
    }
}
