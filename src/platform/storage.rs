//! localStorage that can fail: missing, blocked (SecurityError), null (storage disabled), full
//! (QuotaExceededError) or throwing on any call. Every value is also kept in page memory, which
//! serves reads once localStorage has failed; the first failure is reported, later ones are not.
//! (gloo-storage is not used: its `LocalStorage::raw()` throws exactly in those cases.)

#[allow(unused_imports)]
use crate::prelude::*;

use ::core::cell::{Cell, RefCell};

use wasm_bindgen::JsCast;
use web_sys::Storage;

use super::PageLocal;

/// Everything written in this page (a handful of keys: a list beats a map in code size).
static MEMORY: PageLocal<RefCell<Vec<(String, String)>>> = PageLocal(RefCell::new(Vec::new()));
/// Set once localStorage failed: from then on the page works from memory.
static BROKEN: PageLocal<Cell<bool>> = PageLocal(Cell::new(false));

fn memory_get(key: &str) -> Option<String> {
    MEMORY
        .0
        .borrow()
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.clone())
}

fn memory_set(key: &str, value: Option<&str>) {
    let mut m = MEMORY.0.borrow_mut();
    m.retain(|(k, _)| k != key);
    if let Some(v) = value {
        m.push((key.into(), v.into()));
    }
}

/// Forgets that localStorage failed (for tests that switch storage behaviour in one page).
pub fn reset() {
    BROKEN.0.set(false);
    MEMORY.0.borrow_mut().clear();
}

fn local() -> Result<Storage, &'static str> {
    let window = js_sys::global()
        .dyn_into::<web_sys::Window>()
        .map_err(|_| "no window (not a page)")?;
    match window.local_storage() {
        Ok(Some(s)) => Ok(s),
        Ok(None) => Err("localStorage is disabled"),
        Err(_) => Err("localStorage is blocked (SecurityError)"),
    }
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

pub fn read(memory_only: bool, key: &str, report: &dyn Fn(&str)) -> Option<String> {
    if usable(memory_only) {
        match local().and_then(|s| s.get_item(key).map_err(|_| "localStorage.getItem threw")) {
            Ok(v) => return v,
            Err(reason) => give_up(reason, report),
        }
    }
    memory_get(key)
}

pub fn write(memory_only: bool, key: &str, value: &str, report: &dyn Fn(&str)) {
    memory_set(key, Some(value));
    if usable(memory_only) {
        let result = local().and_then(|s| {
            s.set_item(key, value)
                .map_err(|_| "localStorage.setItem threw (quota exceeded or blocked)")
        });
        if let Err(reason) = result {
            give_up(reason, report);
        }
    }
}

pub fn remove(memory_only: bool, key: &str, report: &dyn Fn(&str)) {
    memory_set(key, None);
    if usable(memory_only) {
        if let Err(reason) = local().and_then(|s| {
            s.remove_item(key)
                .map_err(|_| "localStorage.removeItem threw")
        }) {
            give_up(reason, report);
        }
    }
}

pub fn keys(memory_only: bool, prefix: &str, report: &dyn Fn(&str)) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    if usable(memory_only) {
        match local() {
            Ok(s) => {
                let n = s.length().unwrap_or(0);
                for i in 0..n {
                    if let Ok(Some(k)) = s.key(i) {
                        if k.starts_with(prefix) {
                            out.push(k);
                        }
                    }
                }
            }
            Err(reason) => give_up(reason, report),
        }
    }
    for (k, _) in MEMORY.0.borrow().iter() {
        if k.starts_with(prefix) && !out.contains(k) {
            out.push(k.clone());
        }
    }
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
