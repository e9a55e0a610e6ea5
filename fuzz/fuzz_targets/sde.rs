//! The SDE validator and the request body builders on whatever JSON arbitrary bytes parse to.
#![no_main]
use libfuzzer_sys::fuzz_target;
use lpmon::core::json::Json;
use lpmon::core::request;
use lpmon::core::sde::{self, Target};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(v) = Json::parse(text) else { return };
    for target in [Target::Engagement, Target::Report] {
        let _ = sde::validate_all(&v, target);
    }
    let _ = request::engagement_body(&v, &Json::Obj(Vec::new()));
    if let Ok(mut body) = request::report_body(&v) {
        request::without_impressions(&mut body);
        assert!(!request::has_impressions(&body));
    }
});
