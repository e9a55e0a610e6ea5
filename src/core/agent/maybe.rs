//! [`Maybe`]: a field that may be absent, `null`, or a value — the three states the agent APIs'
//! JSON really uses (the seed's visit state is full of explicit `null`s). Keeping them apart
//! makes an answer serialize back to exactly what the server sent.

#[allow(unused_imports)]
use crate::prelude::*;

#[cfg(any(test, feature = "serde"))]
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A JSON member that is missing, `null`, or holds a `T`.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Maybe<T> {
    /// The member is not there.
    #[default]
    Absent,
    /// The member is `null`.
    Null,
    /// The member holds a value.
    Value(T),
}

impl<T> Maybe<T> {
    /// The value, if there is one.
    pub fn get(&self) -> Option<&T> {
        match self {
            Maybe::Value(v) => Some(v),
            Maybe::Absent | Maybe::Null => None,
        }
    }

    /// True when the member is missing (serde skips it when serializing).
    pub fn is_absent(&self) -> bool {
        matches!(self, Maybe::Absent)
    }
}

impl<T> From<Option<T>> for Maybe<T> {
    fn from(v: Option<T>) -> Self {
        v.map_or(Maybe::Null, Maybe::Value)
    }
}

#[cfg(any(test, feature = "serde"))]
impl<'de, T: Deserialize<'de>> Deserialize<'de> for Maybe<T> {
    // Only reached for a member that is present; an absent one takes the `Default`.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Option::<T>::deserialize(d).map(Maybe::from)
    }
}

#[cfg(any(test, feature = "serde"))]
impl<T: Serialize> Serialize for Maybe<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Maybe::Value(v) => v.serialize(s),
            Maybe::Absent | Maybe::Null => s.serialize_none(),
        }
    }
}

/// Lists the members a typed answer did not understand (kept in the structs' `unknown` maps), as
/// paths like `app_sessions[0].visitorScore`: what to look at when the server adds something.
pub trait UnknownMembers {
    /// Appends the paths of unknown members under `path` to `out`.
    fn collect_unknown(&self, path: &mut String, out: &mut Vec<String>);

    /// The paths of every unknown member.
    fn unknown_members(&self) -> Vec<String> {
        let mut out = Vec::new();
        self.collect_unknown(&mut String::new(), &mut out);
        out
    }
}

macro_rules! no_members {
    ($($t:ty),*) => {$(
        impl UnknownMembers for $t {
            fn collect_unknown(&self, _: &mut String, _: &mut Vec<String>) {}
        }
    )*};
}
no_members!(i64, f64, bool, String, crate::core::json::Json);

impl<T: UnknownMembers> UnknownMembers for Maybe<T> {
    fn collect_unknown(&self, path: &mut String, out: &mut Vec<String>) {
        if let Maybe::Value(v) = self {
            v.collect_unknown(path, out);
        }
    }
}

impl<T: UnknownMembers> UnknownMembers for Vec<T> {
    fn collect_unknown(&self, path: &mut String, out: &mut Vec<String>) {
        for (i, item) in self.iter().enumerate() {
            let len = path.len();
            path.push('[');
            path.push_str(&crate::core::json::uint_text(i as u64));
            path.push(']');
            item.collect_unknown(path, out);
            path.truncate(len);
        }
    }
}

impl<T: UnknownMembers> UnknownMembers for alloc::collections::BTreeMap<String, T> {
    fn collect_unknown(&self, path: &mut String, out: &mut Vec<String>) {
        for (key, item) in self {
            let len = path.len();
            path.push('.');
            path.push_str(key);
            item.collect_unknown(path, out);
            path.truncate(len);
        }
    }
}

/// `Some(name)` for a member with its own name, else `None` (for [`wire_struct`]).
macro_rules! wire_name {
    () => {
        None
    };
    ($wire:literal) => {
        Some($wire)
    };
}
pub(crate) use wire_name;

/// Appends `.name` to `path`, lets `f` run, and restores `path`.
pub(crate) fn within(path: &mut String, name: &str, f: impl FnOnce(&mut String)) {
    let len = path.len();
    path.push('.');
    path.push_str(name);
    f(path);
    path.truncate(len);
}

/// Declares a struct that mirrors one JSON object of an agent API: camelCase members (or the
/// name in `#[serde(rename = "…")]`), every member optional (`Maybe`, skipped when absent), and
/// members this version does not know kept in `unknown` so they survive a round trip. Decoding is
/// [`FromWire`](crate::core::agent::wire::FromWire) over the core's JSON, checking is its
/// [`Shape`](crate::core::agent::wire::Shape); the serde derives exist in tests (which check
/// the decodings against each other and the seeds' examples) and with the `serde` feature.
macro_rules! wire_struct {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $(
                $(#[doc = $doc:literal])*
                $(#[serde(rename = $wire:literal)])?
                $field:ident : $ty:ty,
            )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Default, PartialEq)]
        #[cfg_attr(any(test, feature = "serde"), derive(serde::Serialize, serde::Deserialize))]
        #[cfg_attr(any(test, feature = "serde"), serde(default, rename_all = "camelCase"))]
        pub struct $name {
            $(
                $(#[doc = $doc])*
                $(#[cfg_attr(any(test, feature = "serde"), serde(rename = $wire))])?
                #[cfg_attr(any(test, feature = "serde"), serde(skip_serializing_if = "crate::core::agent::maybe::Maybe::is_absent"))]
                pub $field: crate::core::agent::maybe::Maybe<$ty>,
            )*
            /// Members this version of lpmon does not know, kept as they came.
            #[cfg_attr(any(test, feature = "serde"), serde(flatten))]
            pub unknown: crate::core::agent::value::Unknown,
        }

        impl crate::core::agent::wire::FromWire for $name {
            fn from_wire(v: &crate::core::json::Json) -> Result<Self, crate::core::agent::wire::Why> {
                let mut out = Self::default();
                for (key, value) in crate::core::agent::wire::members(v)? {
                    $(
                        if crate::core::agent::wire::named(key, stringify!($field), crate::core::agent::maybe::wire_name!($($wire)?)) {
                            out.$field = crate::core::agent::wire::FromWire::from_wire(value)
                                .map_err(|why| crate::core::agent::wire::within(key, why))?;
                            continue;
                        }
                    )*
                    out.unknown.insert(key.clone(), value.clone());
                }
                Ok(out)
            }
        }

        impl crate::core::agent::wire::Shaped for $name {
            const SHAPE: &'static crate::core::agent::wire::Shape =
                &crate::core::agent::wire::Shape::Obj(&[$(
                    crate::core::agent::wire::Field {
                        field: stringify!($field),
                        wire: crate::core::agent::maybe::wire_name!($($wire)?),
                        shape: <crate::core::agent::maybe::Maybe<$ty> as crate::core::agent::wire::Shaped>::SHAPE,
                    },
                )*]);
        }

        impl crate::core::agent::maybe::UnknownMembers for $name {
            fn collect_unknown(&self, path: &mut String, out: &mut Vec<String>) {
                for key in self.unknown.keys() {
                    out.push(crate::core::text::concat(&[path.as_str(), ".", key]));
                }
                $(
                    crate::core::agent::maybe::within(path, stringify!($field), |p| {
                        crate::core::agent::maybe::UnknownMembers::collect_unknown(&self.$field, p, out)
                    });
                )*
            }
        }
    };
}
pub(crate) use wire_struct;

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    wire_struct! {
        /// A test record.
        pub struct Probe {
            /// A number.
            count: i64,
            /// A renamed member.
            #[serde(rename = "deviceOS")]
            device_os: String,
        }
    }

    #[test]
    fn three_states_round_trip() {
        for text in [
            r#"{}"#,
            r#"{"count":null}"#,
            r#"{"count":3,"deviceOS":"MAC_OSX"}"#,
            r#"{"deviceOS":null,"later":{"x":[1,2.5,"y",true,null]}}"#,
        ] {
            let p: Probe = serde_json::from_str(text).unwrap();
            let back = serde_json::to_value(&p).unwrap();
            assert_eq!(
                back,
                serde_json::from_str::<serde_json::Value>(text).unwrap(),
                "{text}"
            );
        }
        let p: Probe = serde_json::from_str(r#"{"count":null,"deviceOS":"X"}"#).unwrap();
        assert_eq!(p.count, Maybe::Null);
        assert_eq!(p.count.get(), None);
        assert_eq!(p.device_os.get().map(String::as_str), Some("X"));
        assert!(Probe::default().count.is_absent());
        let with_extra: Probe = serde_json::from_str(r#"{"count":1,"later":2}"#).unwrap();
        assert_eq!(with_extra.unknown_members(), [".later"]);
        assert!(p.unknown_members().is_empty());
    }

    #[test]
    fn wrong_types_are_errors() {
        assert!(serde_json::from_str::<Probe>(r#"{"count":"3"}"#).is_err());
    }
}
