//! An empty wasm-bindgen module with one export: what instantiating "nothing" costs, measured
//! beside lpmon's start-up in the same run (std, as `cargo new` + wasm-bindgen would give).

use wasm_bindgen::prelude::*;

/// Answers 1.
#[wasm_bindgen]
pub fn ping() -> u32 {
    1
}
