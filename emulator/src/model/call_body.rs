//! The JSON body of `engagement` and `report` calls: parsing and type checks of its fields.

use serde_json::{Map, Value};

use crate::model::error::ApiError;
use crate::model::sde::{self, Sde};

/// Which call the body belongs to; they differ in what is required and allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Call {
    Engagement,
    Report,
}

/// A checked call body. Unknown top-level fields are ignored (forward compatibility).
#[derive(Debug, Clone, Default)]
pub struct CallBody {
    pub consumer_id: Option<String>,
    pub identities: Vec<Value>,
    pub client_properties: Option<Value>,
    pub entry_points: Vec<String>,
    pub page_id: Option<String>,
    pub attributes: Vec<Sde>,
}

impl CallBody {
    /// Whether the body names the consumer: a consumerId or an identity with a `sub`.
    pub fn identifies_consumer(&self) -> bool {
        self.consumer_id.as_deref().is_some_and(|c| !c.is_empty())
            || self.identities.iter().any(|i| {
                i.get("sub")
                    .and_then(Value::as_str)
                    .is_some_and(|s| !s.is_empty())
            })
    }

    pub fn impressions(&self) -> impl Iterator<Item = &Sde> {
        self.attributes.iter().filter(|s| s.impression)
    }
}

/// Parses and checks a body; every problem is a 400/5.
///
/// An empty engagement body counts as `{}` since all its fields are optional; a report needs
/// `engagementAttributes`, so an empty report body is refused.
pub fn parse(bytes: &[u8], call: Call) -> Result<CallBody, ApiError> {
    let value: Value = if bytes.iter().all(u8::is_ascii_whitespace) && call == Call::Engagement {
        Value::Object(Map::new())
    } else {
        serde_json::from_slice(bytes)
            .map_err(|e| ApiError::invalid(format!("request body is not valid JSON: {e}")))?
    };
    let map = value
        .as_object()
        .ok_or_else(|| ApiError::invalid("request body must be a JSON object"))?;
    check(map, call).map_err(ApiError::invalid)
}

fn check(map: &Map<String, Value>, call: Call) -> Result<CallBody, String> {
    let mut body = CallBody {
        consumer_id: optional_string(map, "consumerId")?,
        page_id: optional_string(map, "pageId")?,
        ..CallBody::default()
    };

    if let Some(list) = present(map, "identities") {
        let items = list.as_array().ok_or("identities must be an array")?;
        for (i, identity) in items.iter().enumerate() {
            let fields = identity
                .as_object()
                .ok_or_else(|| format!("identities[{i}] must be an object"))?;
            for key in ["iss", "acr", "sub"] {
                if present(fields, key).is_some_and(|v| !v.is_string()) {
                    return Err(format!("identities[{i}].{key} must be a string"));
                }
            }
        }
        body.identities = items.clone();
    }

    if let Some(props) = present(map, "clientProperties") {
        if !props.is_object() {
            return Err("clientProperties must be an object".to_owned());
        }
        body.client_properties = Some(props.clone());
    }

    if let Some(list) = present(map, "entryPoints") {
        let items = list.as_array().ok_or("entryPoints must be an array")?;
        for (i, item) in items.iter().enumerate() {
            let text = item
                .as_str()
                .ok_or_else(|| format!("entryPoints[{i}] must be a string"))?;
            body.entry_points.push(text.to_owned());
        }
    }

    match (present(map, "engagementAttributes"), call) {
        (Some(list), _) => {
            body.attributes =
                sde::validate_list(list, "engagementAttributes", call == Call::Report)?;
        }
        (None, Call::Report) => return Err("engagementAttributes is required".to_owned()),
        (None, Call::Engagement) => {}
    }
    Ok(body)
}

/// A field that is there and not `null`.
fn present<'a>(map: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    map.get(key).filter(|v| !v.is_null())
}

fn optional_string(map: &Map<String, Value>, key: &str) -> Result<Option<String>, String> {
    match present(map, key) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(format!("{key} must be a string")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engagement_body_may_be_empty() {
        assert!(parse(b"", Call::Engagement).is_ok());
        assert!(parse(b"", Call::Report).is_err());
    }

    #[test]
    fn field_types_are_checked() {
        assert!(parse(br#"{"entryPoints": "x"}"#, Call::Engagement).is_err());
        assert!(parse(br#"{"entryPoints": [1]}"#, Call::Engagement).is_err());
        assert!(parse(br#"{"identities": [{"sub": 1}]}"#, Call::Engagement).is_err());
        assert!(parse(br#"{"identities": ["x"]}"#, Call::Engagement).is_err());
        assert!(parse(br#"{"pageId": 12}"#, Call::Engagement).is_err());
        assert!(parse(br#"{"clientProperties": []}"#, Call::Engagement).is_err());
        assert!(parse(br#"[]"#, Call::Engagement).is_err());
        assert!(parse(br#"{"engagementAttributes": {}}"#, Call::Report).is_err());
    }

    #[test]
    fn identification() {
        let body = parse(br#"{"engagementAttributes": [], "identities": [{"iss": "LivePerson", "acr": "0", "sub": "u-1"}]}"#, Call::Report);
        assert!(body.is_ok_and(|b| b.identifies_consumer()));
        let body = parse(br#"{"engagementAttributes": []}"#, Call::Report);
        assert!(body.is_ok_and(|b| !b.identifies_consumer()));
    }
}
