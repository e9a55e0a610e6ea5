//! In-memory fakes of the platform traits: a clock that jumps instead of sleeping, a map for
//! storage, a lock shared by simulated tabs, and a tiny Monitoring server with scripted faults.

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use crate::core::json::Json;
use crate::core::ports::{
    Clock, Events, HttpAnswer, HttpRequest, Locks, NetError, Store, Transport,
};

/// Everything the simulated tabs of one browser share.
#[derive(Default)]
pub struct World {
    pub now: Cell<u64>,
    pub store: RefCell<BTreeMap<String, String>>,
    pub server: RefCell<FakeServer>,
    pub sent: RefCell<Vec<HttpRequest>>,
    pub sleeps: RefCell<Vec<u32>>,
    pub events: RefCell<Vec<(String, Json)>>,
    /// Requests handed over with `fire` (page hide).
    pub fired: RefCell<Vec<HttpRequest>>,
    rng: Cell<u32>,
    /// Page locks held by live tabs; None: the browser has no Web Locks.
    pub held: RefCell<Option<Vec<String>>>,
    locked: Cell<bool>,
}

/// One tab: a handle on the shared world.
#[derive(Clone)]
pub struct Tab(pub Rc<World>);

impl World {
    pub fn new() -> Rc<World> {
        let w = World::default();
        w.now.set(1_700_000_000_000);
        *w.held.borrow_mut() = Some(Vec::new());
        Rc::new(w)
    }

    pub fn urls(&self) -> Vec<String> {
        self.sent.borrow().iter().map(|r| r.url.clone()).collect()
    }




    /// Queues canned answers, used before the fake server's own logic.
    pub fn script(&self, answers: impl IntoIterator<Item = Result<HttpAnswer, NetError>>) {
        self.server.borrow_mut().script.extend(answers);
    }
}

/// A canned answer.
pub fn answer(status: u16, body: &str) -> Result<HttpAnswer, NetError> {
    Ok(HttpAnswer {
        status,
        body: body.into(),
        retry_after: None,
    })
}

/// Resolves after being polled twice, so concurrent futures interleave as they would in a browser.
pub struct YieldOnce(pub bool);

impl Future for YieldOnce {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            Poll::Ready(())
        } else {
            self.0 = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}

impl Clock for Tab {
    fn now_ms(&self) -> u64 {
        self.0.now.get()
    }
    fn random(&self) -> u32 {
        // 500 ‰ after `% 1000`: jitter factor 1.0, so tests see the configured pauses exactly.
        let n = self.0.rng.get().wrapping_add(1000);
        self.0.rng.set(n);
        n + 500
    }
    fn sleep(&self, ms: u32) -> impl Future<Output = ()> + Unpin {
        self.0.sleeps.borrow_mut().push(ms);
        let world = self.0.clone();
        world.now.set(world.now.get() + u64::from(ms));
        Box::pin(YieldOnce(false))
    }
}

impl Store for Tab {
    fn read(&self, key: &str) -> Option<String> {
        self.0.store.borrow().get(key).cloned()
    }
    fn write(&self, key: &str, value: &str) {
        self.0.store.borrow_mut().insert(key.into(), value.into());
    }
    fn remove(&self, key: &str) {
        self.0.store.borrow_mut().remove(key);
    }
    fn keys(&self, prefix: &str) -> Vec<String> {
        self.0
            .store
            .borrow()
            .keys()
            .filter(|k| k.starts_with(prefix))
            .cloned()
            .collect()
    }
}

impl Transport for Tab {
    fn send(
        &self,
        req: HttpRequest,
    ) -> impl Future<Output = Result<HttpAnswer, NetError>> + 'static {
        // Handed over at once, like fetch; the answer comes a little later.
        let result = self.0.server.borrow_mut().answer(&req);
        self.0.sent.borrow_mut().push(req);
        async move {
            YieldOnce(false).await;
            YieldOnce(false).await;
            result
        }
    }
    fn fire(&self, req: HttpRequest) {
        let _ = self.0.server.borrow_mut().answer(&req);
        self.0.fired.borrow_mut().push(req);
    }
}

pub struct FakeGuard(Rc<World>);

impl Drop for FakeGuard {
    fn drop(&mut self) {
        self.0.locked.set(false);
    }
}

impl Locks for Tab {
    type Guard = FakeGuard;
    fn exclusive(&self, _name: &str) -> impl Future<Output = (FakeGuard, bool)> {
        let world = self.0.clone();
        async move {
            let waited = world.locked.get();
            while world.locked.get() {
                YieldOnce(false).await;
            }
            world.locked.set(true);
            (FakeGuard(world), waited)
        }
    }
    fn hold_for_page(&self, name: &str) {
        if let Some(names) = self.0.held.borrow_mut().as_mut() {
            names.push(name.into());
        }
    }
    fn held(&self) -> impl Future<Output = Option<Vec<String>>> {
        let names = self.0.held.borrow().clone();
        async move { names }
    }
}

impl Events for Tab {
    // Events are written as text: a test fails at once if one is not JSON.
    #[allow(clippy::expect_used)]
    fn emit(&self, name: &str, data: &str) {
        let data = Json::parse(data).expect("event data is JSON");
        self.0.events.borrow_mut().push((name.into(), data));
    }
}

/// A Monitoring server that keeps sessions like the real one (201 for new pairs, 200 for known).
#[derive(Default)]
pub struct FakeServer {
    pub pairs: Vec<(String, String)>,
    pub created: usize,
    pub script: VecDeque<Result<HttpAnswer, NetError>>,
    pub csds_base: Option<String>,
}

impl FakeServer {
    fn answer(&mut self, req: &HttpRequest) -> Result<HttpAnswer, NetError> {
        if let Some(canned) = self.script.pop_front() {
            return canned;
        }
        if req.url.contains("/service/smt/") {
            return match &self.csds_base {
                Some(b) => answer(
                    200,
                    &["{\"service\":\"smt\",\"baseURI\":\"", b, "\"}"].concat(),
                ),
                None => Err(NetError::Failed),
            };
        }
        let vid = query(&req.url, "vid");
        let sid = query(&req.url, "sid");
        let page = r#","pageId":"77"}"#;
        if let (Some(v), Some(s)) = (&vid, &sid) {
            if self.pairs.iter().any(|(pv, ps)| pv == v && ps == s) {
                return answer(
                    200,
                    &[r#"{"visitorId":""#, v, r#"","sessionId":""#, s, "\"", page].concat(),
                );
            }
        }
        self.created += 1;
        let n = self.created.to_string();
        let v = match vid {
            Some(v) if self.pairs.iter().any(|(pv, _)| *pv == v) => v,
            _ => ["V", &n].concat(),
        };
        let s = ["S", &n].concat();
        self.pairs.push((v.clone(), s.clone()));
        let details = r#","engagementDetails":[{"campaignId":2739012212,"engagementId":2739012312,"engagementRevision":4,"contextId":"c1","status":"expose"}]"#;
        answer(
            201,
            &[
                r#"{"visitorId":""#,
                &v,
                r#"","sessionId":""#,
                &s,
                "\"",
                details,
                page,
            ]
            .concat(),
        )
    }
}

/// A query parameter of a URL (ids are never encoded, see `core::ids`).
pub fn query(url: &str, key: &str) -> Option<String> {
    let q = url.split_once('?')?.1;
    q.split('&').find_map(|kv| {
        let (k, v) = kv.split_once('=')?;
        (k == key).then(|| v.to_string())
    })
}

