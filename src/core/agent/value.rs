//! The core's [`Json`] value inside typed agent answers: members whose shape the docs do not pin
//! down (`campaignEventSequence`, ids given as text or number) and members added after this
//! version (kept in each struct's `unknown`). serde for it exists in tests and with
//! the `serde` feature only (never in the wasm).

#[allow(unused_imports)]
use crate::prelude::*;

use alloc::collections::BTreeMap;

use crate::core::json::Json;

/// Members a struct does not know, by name.
pub type Unknown = BTreeMap<String, Json>;

/// A member the SDEs accept as a string, a number or a boolean (an order id, a store number…):
/// kept as the server sent it.
pub type Scalar = Json;

#[cfg(any(test, feature = "serde"))]
mod serde_impls {
    use ::core::fmt;

    use serde::de::{self, MapAccess, SeqAccess, Visitor};
    use serde::ser::{SerializeMap, SerializeSeq};
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use crate::core::json::{parse_int, uint_text, Json};

    impl Serialize for Json {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            match self {
                Json::Null => s.serialize_unit(),
                Json::Bool(b) => s.serialize_bool(*b),
                Json::Num(text) => match parse_int(text) {
                    Some(n) => s.serialize_i64(n),
                    None => s.serialize_f64(text.parse::<f64>().unwrap_or(f64::NAN)),
                },
                Json::Str(text) => s.serialize_str(text),
                Json::Arr(items) => {
                    let mut seq = s.serialize_seq(Some(items.len()))?;
                    for item in items {
                        seq.serialize_element(item)?;
                    }
                    seq.end()
                }
                Json::Obj(members) => {
                    let mut map = s.serialize_map(Some(members.len()))?;
                    for (k, v) in members {
                        map.serialize_entry(k, v)?;
                    }
                    map.end()
                }
            }
        }
    }

    impl<'de> Deserialize<'de> for Json {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            d.deserialize_any(JsonVisitor)
        }
    }

    struct JsonVisitor;

    impl<'de> Visitor<'de> for JsonVisitor {
        type Value = Json;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("any JSON value")
        }

        fn visit_unit<E: de::Error>(self) -> Result<Json, E> {
            Ok(Json::Null)
        }
        fn visit_none<E: de::Error>(self) -> Result<Json, E> {
            Ok(Json::Null)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Json, D::Error> {
            Json::deserialize(d)
        }
        fn visit_bool<E: de::Error>(self, v: bool) -> Result<Json, E> {
            Ok(Json::Bool(v))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Json, E> {
            Ok(Json::Num(uint_text(v)))
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Json, E> {
            let text = uint_text(v.unsigned_abs());
            Ok(Json::Num(if v < 0 {
                crate::core::text::concat(&["-", &text])
            } else {
                text
            }))
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Json, E> {
            if !v.is_finite() {
                return Ok(Json::Null);
            }
            let mut text = v.to_string();
            // Keep a float a float (`34.0` must not come back as the integer `34`).
            if !text.contains(['.', 'e', 'E']) {
                text.push_str(".0");
            }
            Ok(Json::Num(text))
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Json, E> {
            Ok(Json::Str(v.into()))
        }
        fn visit_string<E: de::Error>(self, v: String) -> Result<Json, E> {
            Ok(Json::Str(v))
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
            let mut items = Vec::new();
            while let Some(item) = seq.next_element()? {
                items.push(item);
            }
            Ok(Json::Arr(items))
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
            let mut members = Vec::new();
            while let Some((k, v)) = map.next_entry::<String, Json>()? {
                members.push((k, v));
            }
            Ok(Json::Obj(members))
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn any_json_round_trips_through_serde() {
        let text =
            r#"{"a":[1,-2,34.0,-400.99,1.5e300,"x",true,null],"b":{"c":{}},"big":2739012212}"#;
        let value: Json = serde_json::from_str(text).unwrap();
        assert_eq!(value.get("big"), Some(&Json::Num("2739012212".into())));
        assert_eq!(
            serde_json::to_value(&value).unwrap(),
            serde_json::from_str::<serde_json::Value>(text).unwrap()
        );
    }
}
