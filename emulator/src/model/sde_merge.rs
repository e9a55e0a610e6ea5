//! The SDEs a session holds, merged per type as PROTOCOL.md §2 says: a newer SDE of a
//! "replace" type (cart, ctmrinfo, …) takes the place of the older one as a whole; the SDEs of
//! an "append" type (purchase, prodView, …) accumulate.

use std::collections::BTreeMap;

use serde_json::Value;

/// How newer SDEs of a type combine with older ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Merge {
    Replace,
    Append,
}

/// The merge rule of an SDE type. Unknown types (never stored: validation refuses them) append.
pub fn merge_of(kind: &str) -> Merge {
    match kind {
        "cart" | "ctmrinfo" | "mrktInfo" | "personal" | "service" => Merge::Replace,
        _ => Merge::Append,
    }
}

/// The merged SDEs of a session: per type, the SDEs that count (one for replace types).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MergedSdes {
    by_type: BTreeMap<String, Vec<Value>>,
}

impl MergedSdes {
    /// Merges SDEs given oldest first as `(type, sde object)`.
    pub fn from_events<'a>(events: impl IntoIterator<Item = (&'a str, &'a Value)>) -> Self {
        let mut merged = Self::default();
        for (kind, body) in events {
            merged.add(kind, body.clone());
        }
        merged
    }

    pub fn add(&mut self, kind: &str, body: Value) {
        let slot = self.by_type.entry(kind.to_owned()).or_default();
        if merge_of(kind) == Merge::Replace {
            slot.clear();
        }
        slot.push(body);
    }

    /// The SDEs of a type that count now (empty when none was received).
    pub fn of(&self, kind: &str) -> &[Value] {
        self.by_type.get(kind).map_or(&[], Vec::as_slice)
    }

    /// As JSON: `{type: sde}` for replace types, `{type: [sde, …]}` for append types.
    pub fn to_json(&self) -> Value {
        let map = self
            .by_type
            .iter()
            .filter_map(|(kind, list)| {
                let value = match merge_of(kind) {
                    Merge::Replace => list.last()?.clone(),
                    Merge::Append => Value::Array(list.clone()),
                };
                Some((kind.clone(), value))
            })
            .collect();
        Value::Object(map)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn replace_types_keep_only_the_latest_whole_sde() {
        let first = json!({"type": "ctmrinfo", "info": {"ctype": "vip", "balance": 10}});
        let second = json!({"type": "ctmrinfo", "info": {"cstatus": "active"}});
        let merged = MergedSdes::from_events([("ctmrinfo", &first), ("ctmrinfo", &second)]);
        assert_eq!(merged.of("ctmrinfo"), std::slice::from_ref(&second));
        // The whole SDE is replaced: nothing of the first one survives (no deep merge).
        assert_eq!(merged.to_json(), json!({ "ctmrinfo": second }));
    }

    #[test]
    fn append_types_accumulate_in_order() {
        let a = json!({"type": "purchase", "total": 10});
        let b = json!({"type": "purchase", "total": 20});
        let cart = json!({"type": "cart", "total": 5, "numItems": 1});
        let merged = MergedSdes::from_events([("purchase", &a), ("cart", &cart), ("purchase", &b)]);
        assert_eq!(merged.of("purchase"), [a.clone(), b.clone()]);
        assert_eq!(merged.of("cart"), std::slice::from_ref(&cart));
        assert_eq!(merged.of("lead"), [] as [Value; 0]);
        assert_eq!(merged.to_json(), json!({"cart": cart, "purchase": [a, b]}));
    }

    #[test]
    fn every_documented_type_has_its_rule() {
        for kind in ["cart", "ctmrinfo", "mrktInfo", "personal", "service"] {
            assert_eq!(merge_of(kind), Merge::Replace, "{kind}");
        }
        for kind in ["purchase", "prodView", "lead", "error", "searchInfo"] {
            assert_eq!(merge_of(kind), Merge::Append, "{kind}");
        }
    }
}
