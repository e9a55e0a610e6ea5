//! Browser tests of the platform layer (headless Chrome and Firefox via wasm-pack test):
//! storage round trip and every way localStorage fails, fetch with the override header and a
//! timeout against the emulator on another origin, and Web Locks.
//!
//! The emulator's API origin comes in at compile time through `LPMON_API` (scripts/test.mjs
//! starts the emulator and sets it).
#![cfg(target_arch = "wasm32")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Array, Function, Object, Reflect, JSON};
use lpmon::core::http::{HttpAnswer, HttpRequest, Method, NetError};
use lpmon::core::json::Json;
use lpmon::platform::{js, reset_storage, storage, transport};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// The driver's browser pieces behind one handle, as the old platform object offered them:
/// storage with its fallback events, fetch through the `http` primitive, Web Locks, timers.
#[derive(Clone)]
struct Web {
    memory_only: bool,
    on_event: Option<JsValue>,
}

/// Holds a Web Lock until dropped.
struct Guard(JsValue);
impl Drop for Guard {
    fn drop(&mut self) {
        js::call(&self.0);
    }
}

async fn settled(p: js::Promise) -> JsValue {
    let p: js_sys::Promise = p.unchecked_into();
    JsFuture::from(p).await.unwrap_or(JsValue::UNDEFINED)
}

impl Web {
    fn new(memory_only: bool, on_event: Option<JsValue>) -> Web {
        Web {
            memory_only,
            on_event,
        }
    }
    fn report(&self) -> impl Fn(&str) + '_ {
        // As the driver reports a fallback: through the page's event delivery.
        move |reason: &str| {
            let data = [
                "{\"reason\":",
                &JSON::stringify(&reason.into())
                    .unwrap()
                    .as_string()
                    .unwrap(),
                "}",
            ]
            .concat();
            lpmon::platform::events::emit(self.on_event.as_ref(), "STORAGE_FALLBACK", &data);
        }
    }
    fn read(&self, key: &str) -> Option<String> {
        storage::read(self.memory_only, key, &self.report())
    }
    fn write(&self, key: &str, value: &str) {
        storage::write(self.memory_only, key, value, &self.report());
    }
    fn remove(&self, key: &str) {
        storage::remove(self.memory_only, key, &self.report());
    }
    async fn send(&self, req: HttpRequest) -> Result<HttpAnswer, NetError> {
        let p = js::http(&req.url, &transport::init(&req), transport::timeout(&req));
        transport::answer(settled(p).await)
    }
    fn now_ms(&self) -> u64 {
        js::now() as u64
    }
    async fn sleep(&self, ms: u32) {
        settled(js::sleep(ms)).await;
    }
    async fn exclusive(&self, name: &str) -> (Guard, bool) {
        let first = settled(js::lock(name, js::LOCK_IF_AVAILABLE)).await;
        if first != JsValue::FALSE {
            return (Guard(first), false);
        }
        (Guard(settled(js::lock(name, js::LOCK_WAIT)).await), true)
    }
    fn hold_for_page(&self, name: &str) {
        let _ = js::lock(name, js::LOCK_FOREVER);
    }
    async fn held(&self) -> Option<Vec<String>> {
        let locks = Reflect::get(
            &Reflect::get(&window(), &"navigator".into()).ok()?,
            &"locks".into(),
        )
        .ok()?;
        let query: Function = Reflect::get(&locks, &"query".into()).ok()?.unchecked_into();
        let snapshot = JsFuture::from(js_sys::Promise::from(query.call0(&locks).ok()?))
            .await
            .ok()?;
        let held = Array::from(&Reflect::get(&snapshot, &"held".into()).ok()?);
        Some(
            held.iter()
                .filter_map(|h| Reflect::get(&h, &"name".into()).ok()?.as_string())
                .collect(),
        )
    }
}

fn api() -> &'static str {
    match option_env!("LPMON_API") {
        Some(origin) => origin,
        None => panic!("LPMON_API must name the emulator's API origin (see scripts/test.mjs)"),
    }
}

fn window() -> Object {
    js_sys::global()
}

thread_local! {
    /// The real `localStorage` property of window, as the browser defined it.
    static ORIGINAL: JsValue = Object::get_own_property_descriptor(&window(), &"localStorage".into());
}

/// Replaces `window.localStorage` with a getter (restored by `restore_storage`).
fn fake_storage_getter(getter: &Function) {
    ORIGINAL.with(|_| ()); // capture the real descriptor before the first replacement
    let desc = Object::new();
    Reflect::set(&desc, &"get".into(), getter).unwrap();
    Reflect::set(&desc, &"configurable".into(), &JsValue::TRUE).unwrap();
    Object::define_property(&window(), &"localStorage".into(), &desc);
}

fn restore_storage() {
    ORIGINAL.with(|d| {
        if d.is_undefined() {
            // The real getter lives on the prototype: dropping the own property uncovers it.
            Reflect::delete_property(&window(), &"localStorage".into()).unwrap();
        } else {
            Object::define_property(&window(), &"localStorage".into(), d.unchecked_ref());
        }
    });
    reset_storage();
}

fn events_sink() -> (Rc<RefCell<Vec<String>>>, JsValue) {
    let seen = Rc::new(RefCell::new(Vec::new()));
    let s = seen.clone();
    let f = Closure::<dyn FnMut(JsValue)>::new(move |ev: JsValue| {
        let name = Reflect::get(&ev, &"name".into())
            .unwrap()
            .as_string()
            .unwrap();
        s.borrow_mut().push(name);
    });
    (seen, f.into_js_value())
}

#[wasm_bindgen_test]
fn storage_round_trip_uses_local_storage() {
    restore_storage();
    let web = Web::new(false, None);
    web.write("lpmon:test:rt", "{\"a\":1}");
    assert_eq!(web.read("lpmon:test:rt").as_deref(), Some("{\"a\":1}"));
    let ls: web_sys::Storage = Reflect::get(&window(), &"localStorage".into())
        .unwrap()
        .unchecked_into();
    assert_eq!(
        ls.get_item("lpmon:test:rt").unwrap().as_deref(),
        Some("{\"a\":1}"),
        "really in localStorage"
    );
    web.remove("lpmon:test:rt");
    assert_eq!(web.read("lpmon:test:rt"), None);
    assert_eq!(ls.get_item("lpmon:test:rt").unwrap(), None);
}

#[wasm_bindgen_test]
fn memory_storage_never_touches_local_storage() {
    restore_storage();
    let web = Web::new(true, None);
    web.write("lpmon:test:mem", "x");
    assert_eq!(web.read("lpmon:test:mem").as_deref(), Some("x"));
    let ls: web_sys::Storage = Reflect::get(&window(), &"localStorage".into())
        .unwrap()
        .unchecked_into();
    assert_eq!(ls.get_item("lpmon:test:mem").unwrap(), None);
}

#[wasm_bindgen_test]
fn blocked_storage_falls_back_to_memory_and_says_so_once() {
    restore_storage();
    let throwing = Closure::<dyn FnMut() -> Result<JsValue, JsValue>>::new(|| {
        Err(js_sys::Error::new("The operation is insecure.").into())
    });
    fake_storage_getter(throwing.as_ref().unchecked_ref());
    let (seen, sink) = events_sink();
    let web = Web::new(false, Some(sink));
    assert_eq!(web.read("lpmon:test:blocked"), None);
    web.write("lpmon:test:blocked", "kept in memory");
    assert_eq!(
        web.read("lpmon:test:blocked").as_deref(),
        Some("kept in memory")
    );
    web.write("lpmon:test:blocked", "again");
    assert_eq!(*seen.borrow(), vec!["STORAGE_FALLBACK".to_string()]);
    restore_storage();
}

#[wasm_bindgen_test]
fn null_storage_falls_back_to_memory() {
    restore_storage();
    let null_getter = Closure::<dyn FnMut() -> JsValue>::new(|| JsValue::NULL);
    fake_storage_getter(null_getter.as_ref().unchecked_ref());
    let (seen, sink) = events_sink();
    let web = Web::new(false, Some(sink));
    web.write("lpmon:test:null", "v");
    assert_eq!(web.read("lpmon:test:null").as_deref(), Some("v"));
    assert_eq!(seen.borrow().len(), 1);
    restore_storage();
}

#[wasm_bindgen_test]
fn quota_exceeded_on_write_keeps_the_new_value() {
    restore_storage();
    let ls: web_sys::Storage = Reflect::get(&window(), &"localStorage".into())
        .unwrap()
        .unchecked_into();
    ls.set_item("lpmon:test:quota", "old").unwrap();
    // A storage object whose setItem throws like a full quota, reads still work.
    let full = Object::new();
    let get = Closure::<dyn FnMut(String) -> JsValue>::new(move |k: String| {
        let real: web_sys::Storage = Reflect::get(&js_sys::global(), &"__realStorage".into())
            .unwrap()
            .unchecked_into();
        real.get_item(&k)
            .unwrap()
            .map(JsValue::from)
            .unwrap_or(JsValue::NULL)
    });
    let set = Closure::<dyn FnMut() -> Result<JsValue, JsValue>>::new(|| {
        Err(js_sys::Error::new("QuotaExceededError").into())
    });
    Reflect::set(&full, &"getItem".into(), get.as_ref()).unwrap();
    Reflect::set(&full, &"setItem".into(), set.as_ref()).unwrap();
    Reflect::set(&full, &"removeItem".into(), set.as_ref()).unwrap();
    Reflect::set(&window(), &"__realStorage".into(), &ls).unwrap();
    let full_getter = Closure::<dyn FnMut() -> JsValue>::new(move || full.clone().into());
    fake_storage_getter(full_getter.as_ref().unchecked_ref());
    let web = Web::new(false, None);
    assert_eq!(web.read("lpmon:test:quota").as_deref(), Some("old"));
    web.write("lpmon:test:quota", "new");
    assert_eq!(
        web.read("lpmon:test:quota").as_deref(),
        Some("new"),
        "the failed write is served from memory"
    );
    restore_storage();
    ls.remove_item("lpmon:test:quota").unwrap();
}

async fn journal_since(seq: f64) -> Vec<JsValue> {
    let url = [api(), "/__emulator/requests?since=", &seq.to_string()].concat();
    let resp: web_sys::Response = JsFuture::from(fetch(&url)).await.unwrap().unchecked_into();
    let v = JsFuture::from(resp.json().unwrap()).await.unwrap();
    Array::from(&v).to_vec()
}

async fn last_seq() -> f64 {
    journal_since(0.0)
        .await
        .last()
        .map(|r| Reflect::get(r, &"seq".into()).unwrap().as_f64().unwrap())
        .unwrap_or(0.0)
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = fetch)]
    fn fetch(url: &str) -> js_sys::Promise;
}

#[wasm_bindgen_test]
async fn report_goes_as_post_with_the_override_header_across_origins() {
    let before = last_seq().await;
    let url = [
        api(),
        "/api/account/12345678/app/8de29e3d-25b1-4d08-b713-8331ab222bfa/report?v=1.0",
    ]
    .concat();
    let req = HttpRequest {
        method: Method::Post,
        url,
        headers: vec![("Content-Type", "application/json".into()), ("X-HTTP-Method-Override", "PUT".into())],
        body: Some(r#"{"consumerId":"web-test-1","engagementAttributes":[{"type":"searchInfo","keywords":["tent"]}]}"#.into()),
        keepalive: false,
        timeout_ms: 5_000,
    };
    let answer = Web::new(true, None).send(req).await.expect("an answer");
    assert_eq!(answer.status, 201, "{}", answer.body);
    let body =
        Json::parse(&answer.body).expect("JSON even though the content type is octet-stream");
    assert!(body.get("visitorId").and_then(Json::as_str).is_some());
    let seen = journal_since(before).await;
    let report = seen
        .iter()
        .find(|r| {
            Reflect::get(r, &"path".into())
                .unwrap()
                .as_string()
                .unwrap()
                .ends_with("/report")
        })
        .expect("the emulator saw the report");
    assert_eq!(
        Reflect::get(report, &"method".into())
            .unwrap()
            .as_string()
            .as_deref(),
        Some("POST")
    );
    let headers = Reflect::get(report, &"headers".into()).unwrap();
    let over = Reflect::get(&headers, &"x-http-method-override".into()).unwrap();
    assert_eq!(over.as_string().as_deref(), Some("PUT"));
    assert!(
        JSON::stringify(&headers)
            .unwrap()
            .as_string()
            .unwrap()
            .contains("origin"),
        "a cross-origin request"
    );
}

#[wasm_bindgen_test]
async fn a_slow_answer_times_out() {
    let fault = r#"{"match":{"endpoint":"engagement"},"delayMs":3000}"#;
    let init = Object::new();
    Reflect::set(&init, &"method".into(), &"POST".into()).unwrap();
    Reflect::set(&init, &"body".into(), &fault.into()).unwrap();
    let url = [api(), "/__emulator/faults"].concat();
    let f: Function = Reflect::get(&js_sys::global(), &"fetch".into())
        .unwrap()
        .unchecked_into();
    JsFuture::from(js_sys::Promise::from(
        f.call2(&JsValue::NULL, &url.into(), &init).unwrap(),
    ))
    .await
    .unwrap();
    let req = HttpRequest {
        method: Method::Post,
        url: [
            api(),
            "/api/account/12345678/app/8de29e3d-25b1-4d08-b713-8331ab222bfa/engagement?v=1.0",
        ]
        .concat(),
        headers: vec![("Content-Type", "application/json".into())],
        body: Some("{}".into()),
        keepalive: false,
        timeout_ms: 300,
    };
    let web = Web::new(true, None);
    let started = web.now_ms();
    assert_eq!(web.send(req).await, Err(NetError::Timeout));
    let took = web.now_ms() - started;
    assert!(took < 2_500, "aborted after {took} ms");
}

#[wasm_bindgen_test]
async fn an_unreachable_server_is_a_network_failure() {
    let req = HttpRequest {
        method: Method::Post,
        url: "http://127.0.0.1:9/api/account/1/app/a/engagement?v=1.0".into(),
        headers: vec![],
        body: Some("{}".into()),
        keepalive: true,
        timeout_ms: 5_000,
    };
    assert_eq!(Web::new(true, None).send(req).await, Err(NetError::Failed));
}

#[wasm_bindgen_test]
async fn web_locks_are_exclusive() {
    let web = Web::new(true, None);
    let order = Rc::new(RefCell::new(Vec::new()));
    let (first, waited) = web.exclusive("lpmon:test:lock").await;
    assert!(!waited, "nobody held it");
    let (o, w2) = (order.clone(), web.clone());
    wasm_bindgen_futures::spawn_local(async move {
        let (_g, waited) = w2.exclusive("lpmon:test:lock").await;
        assert!(waited, "the first holder was waited for");
        o.borrow_mut().push("second");
    });
    web.sleep(50).await;
    order.borrow_mut().push("first released");
    drop(first);
    web.sleep(50).await;
    assert_eq!(*order.borrow(), vec!["first released", "second"]);
}

#[wasm_bindgen_test]
async fn a_page_lock_shows_among_the_held_locks() {
    let web = Web::new(true, None);
    let name = "lpmon:test:page-alive";
    let before = web.held().await.expect("Web Locks in a secure context");
    assert!(!before.iter().any(|n| n == name));
    web.hold_for_page(name);
    web.sleep(20).await;
    let after = web.held().await.expect("Web Locks in a secure context");
    assert!(after.iter().any(|n| n == name), "{after:?}");
}

#[wasm_bindgen_test]
fn browser_facts_come_from_the_browser() {
    let facts = lpmon::platform::browser_facts(true);
    let ua = Reflect::get(
        &Reflect::get(&window(), &"navigator".into()).unwrap(),
        &"userAgent".into(),
    )
    .unwrap()
    .as_string()
    .unwrap();
    assert_eq!(facts.user_agent, ua);
    assert!(facts.time_zone.is_some_and(|tz| !tz.is_empty()));
    // Without the (slow first) time zone lookup: the same browser, no zone.
    let quick = lpmon::platform::browser_facts(false);
    assert_eq!(quick.user_agent, ua);
    assert_eq!(quick.time_zone, None);
}
