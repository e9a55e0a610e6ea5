//! localStorage that can fail: missing, blocked (SecurityError), null (storage disabled), full
//! (QuotaExceededError) or throwing on any call. Every value is also kept in page memory, which
//! serves reads once localStorage has failed; the first failure is reported, later ones are not.
//! (gloo-storage is not used: its `LocalStorage::raw()` throws exactly in those cases.)

#[allow(unused_imports)]
use crate::prelude::*;

use ::core::cell::{Cell, RefCell};

use wasm_bindgen::JsValue;

use super::{js, PageLocal};
use crate::core::json::Json;

/// Everything written in this page (a handful of keys: a list beats a map in code size).
static MEMORY: PageLocal<RefCell<Vec<(String, String)>>> = PageLocal(RefCell::new(Vec::new()));
/// Set once localStorage failed: from then on the page works from memory.
static BROKEN: PageLocal<Cell<bool>> = PageLocal(Cell::new(false));

/// Runs `f` on the page memory (never re-entered: nothing here calls out while it runs).
fn memory<R: Default>(f: impl FnOnce(&mut Vec<(String, String)>) -> R) -> R {
    MEMORY
        .0
        .try_borrow_mut()
        .map(|mut m| f(&mut m))
        .unwrap_or_default()
}

fn memory_get(key: &str) -> Option<String> {
    memory(|m| m.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone()))
}

fn memory_set(key: &str, value: Option<&str>) {
    memory(|m| {
        m.retain(|(k, _)| k != key);
        if let Some(v) = value {
            m.push((key.into(), v.into()));
        }
    });
}

/// Forgets that localStorage failed (for tests that switch storage behaviour in one page).
pub fn reset() {
    BROKEN.0.set(false);
    memory(|m| m.clear());
}

const GET: u32 = 0;
const SET: u32 = 1;
const REMOVE: u32 = 2;
const KEYS: u32 = 3;

/// One localStorage operation through the `storage` primitive; a failure says why.
fn local(op: u32, key: &str, value: &str) -> Result<JsValue, &'static str> {
    let answer = js::storage(op, key, value);
    let Some(code) = answer.as_f64() else {
        return Ok(answer);
    };
    Err(match (code as u32, op) {
        (1, _) => "no window (not a page)",
        (2, _) => "localStorage is disabled",
        (3, _) => "localStorage is blocked (SecurityError)",
        (_, GET) => "localStorage.getItem threw",
        (_, SET) => "localStorage.setItem threw (quota exceeded or blocked)",
        _ => "localStorage.removeItem threw",
    })
}

/// Marks localStorage unusable for the rest of the page and says why, once.
fn give_up(reason: &str, report: &dyn Fn(&str)) {
    if !BROKEN.0.replace(true) {
        report(reason);
    }
}

fn usable(memory_only: bool) -> bool {
    !memory_only && !BROKEN.0.get()
}

/// The value under `key` (from memory once localStorage failed).
pub fn read(memory_only: bool, key: &str, report: &dyn Fn(&str)) -> Option<String> {
    if usable(memory_only) {
        match local(GET, key, "") {
            Ok(v) => return js::text(&v),
            Err(reason) => give_up(reason, report),
        }
    }
    memory_get(key)
}

/// Stores `value` under `key` (always in memory too).
pub fn write(memory_only: bool, key: &str, value: &str, report: &dyn Fn(&str)) {
    memory_set(key, Some(value));
    if usable(memory_only) {
        if let Err(reason) = local(SET, key, value) {
            give_up(reason, report);
        }
    }
}

/// Forgets `key`.
pub fn remove(memory_only: bool, key: &str, report: &dyn Fn(&str)) {
    memory_set(key, None);
    if usable(memory_only) {
        if let Err(reason) = local(REMOVE, key, "") {
            give_up(reason, report);
        }
    }
}

/// Every key that starts with `prefix`, sorted.
pub fn keys(memory_only: bool, prefix: &str, report: &dyn Fn(&str)) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    if usable(memory_only) {
        match local(KEYS, prefix, "") {
            Ok(list) => {
                let list = js::text(&list).and_then(|t| Json::parse(&t).ok());
                for k in list.as_ref().and_then(Json::as_arr).unwrap_or_default() {
                    if let Some(k) = k.as_str() {
                        out.push(k.into());
                    }
                }
            }
            Err(reason) => give_up(reason, report),
        }
    }
    memory(|m| {
        for (k, _) in m.iter() {
            if k.starts_with(prefix) && !out.contains(k) {
                out.push(k.clone());
            }
        }
    });
    sort(&mut out);
    out
}

/// Insertion sort: a handful of keys, and far less code than the std sorts.
fn sort(keys: &mut [String]) {
    for i in 1..keys.len() {
        let mut j = i;
        while j > 0 && keys.get(j - 1) > keys.get(j) {
            keys.swap(j - 1, j);
            j -= 1;
        }
    }
}
