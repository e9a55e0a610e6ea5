//! Time, randomness and browser facts.

#[allow(unused_imports)]
use crate::prelude::*;

use super::js;
use crate::core::client_props::BrowserFacts;
use crate::core::json::Json;

/// Milliseconds since the epoch.
pub fn now_ms() -> u64 {
    let t = js::now();
    if t.is_finite() && t > 0.0 {
        t as u64
    } else {
        0
    }
}

/// A uniformly random 32-bit number.
pub fn random() -> u32 {
    (js::random() * 4_294_967_296.0) as u32
}

pub fn browser_facts(zone: bool) -> BrowserFacts {
    let facts = Json::parse(&js::facts(zone)).unwrap_or(Json::Null);
    let at = |i: usize| facts.as_arr().and_then(|a| a.get(i));
    BrowserFacts {
        user_agent: at(0).and_then(Json::as_str).unwrap_or_default().into(),
        max_touch_points: at(1)
            .and_then(Json::as_i64)
            .map_or(0, |n| n.clamp(0, i64::from(u32::MAX)) as u32),
        time_zone: at(2).and_then(Json::as_str).map(String::from),
    }
}
