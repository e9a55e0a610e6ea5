//! What comes back from storage or a page's config, on arbitrary text: no panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use lpmon::core::config::Config;
use lpmon::core::json::Json;
use lpmon::core::queue::Entry;
use lpmon::core::session::Session;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = Session::decode(text);
    let _ = Entry::decode(text);
    if let Ok(v) = Json::parse(text) {
        let _ = Config::from_json(&v);
    }
});
