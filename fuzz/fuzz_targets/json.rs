//! The JSON parser on arbitrary bytes: no panic, and whatever parses writes back to text that
//! parses to the same value.
#![no_main]
use libfuzzer_sys::fuzz_target;
use lpmon::core::json::Json;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(v) = Json::parse(text) {
        assert_eq!(Json::parse(&v.to_text()), Ok(v));
    }
});
