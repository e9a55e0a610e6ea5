//! Answer classification on arbitrary status, body and Retry-After: no panic; a success always
//! carries ids that are safe in a URL.
#![no_main]
use libfuzzer_sys::fuzz_target;
use lpmon::core::answer::{classify, Verdict};
use lpmon::core::ids::is_server_id;
use lpmon::core::json::Json;
use lpmon::core::http::HttpAnswer;

fuzz_target!(|data: &[u8]| {
    let (status, rest) = match data {
        [a, b, rest @ ..] => (u16::from_le_bytes([*a, *b]), rest),
        _ => return,
    };
    let text = String::from_utf8_lossy(rest);
    let (hint, body) = text.split_once('\u{0}').map_or((None, &*text), |(h, b)| (Some(h.to_string()), b));
    let verdict = classify(&Ok(HttpAnswer { status, body: body.to_string(), retry_after: hint }));
    if let Verdict::Done { body, .. } = verdict {
        for key in ["visitorId", "sessionId"] {
            assert!(body.get(key).and_then(Json::as_str).is_some_and(is_server_id));
        }
    }
});
