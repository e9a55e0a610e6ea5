//! The machine's tests are scripts: inputs in, the exact outputs asserted (rendered as short
//! lines, see [`line`]). Races are input orders.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use crate::core::config::Config;
use crate::core::error::Error;
use crate::core::json::Json;
use crate::core::machine::{Input, Machine, Op, Output};
use crate::core::ports::{HttpAnswer, HttpRequest, NetError};

mod calls;
mod combine;
mod consent;
mod queue;
mod sessions;

pub const T0: u64 = 1_700_000_000_000;
pub const KEY: &str = "lpmon:12345678:app-1";
pub const API: &str = "http://127.0.0.1:9/api/account/12345678/app/app-1/";
pub const CONFIG: &str = r#"{"accountId":"12345678","appInstallationId":"app-1","domain":"http://127.0.0.1:9","retry":{"delaysMs":[1000,2000]}}"#;
const SEED: u32 = 7;

pub fn j(t: &str) -> Json {
    Json::parse(t).unwrap()
}

/// The same xorshift as the machine's: the test knows every number it will draw.
pub struct Rng(u32);
impl Rng {
    pub fn next(&mut self) -> u32 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        self.0 = x;
        x
    }
}

/// One machine, its clock, and what it asked for so far.
pub struct Script {
    pub m: Machine,
    pub now: u64,
    /// The numbers the machine has not drawn yet (after the two of its page id).
    pub rng: Rng,
    /// Every request sent, by id.
    pub sent: Vec<(u32, HttpRequest)>,
    /// What the driver's storage holds.
    pub store: Vec<(String, String)>,
    next_call: u32,
}

impl Script {
    /// A machine for `config`; its start-up (page lock, a look at the stored queue that finds
    /// nothing) is checked and done.
    pub fn new(config: &str) -> Script {
        let mut s = Script::bare(config);
        let tab = s.m.tab().to_string();
        s.expect(&[
            &format!("hold lpmon-page:{tab}"),
            "list lpmon:12345678:app-1:q:",
        ]);
        s.input(Input::Listed { entries: vec![] });
        s.expect(&[]);
        s
    }

    /// A machine whose start-up outputs are left for the test.
    pub fn bare(config: &str) -> Script {
        let cfg = Config::from_json(&j(config)).unwrap();
        let consent = cfg.initial_consent(false);
        let m = Machine::new(T0, cfg, j(r#"{"integration":"WEB_SDK"}"#), SEED, consent);
        let mut rng = Rng(SEED | 1);
        rng.next();
        rng.next();
        Script {
            m,
            now: T0,
            rng,
            sent: Vec::new(),
            store: Vec::new(),
            next_call: 0,
        }
    }

    /// Feeds `input` (after the values of the watched keys, as the driver does).
    pub fn input(&mut self, input: Input) {
        for key in self.m.watched() {
            let value = self.get(&key);
            self.m.handle(self.now, Input::Stored { key, value });
        }
        self.m.handle(self.now, input);
    }

    /// `(getVid(), getSid())` as the driver answers them (fresh values first).
    pub fn ids(&mut self) -> (Option<String>, Option<String>) {
        for key in self.m.watched() {
            let value = self.get(&key);
            self.m.handle(self.now, Input::Stored { key, value });
        }
        (self.m.vid(), self.m.sid())
    }

    pub fn get(&self, key: &str) -> Option<String> {
        self.store.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone())
    }

    pub fn set(&mut self, key: &str, value: Option<&str>) {
        self.store.retain(|(k, _)| k != key);
        if let Some(v) = value {
            self.store.push((key.into(), v.into()));
        }
    }

    /// Every output so far, rendered; storage outputs are applied to `store`.
    pub fn take(&mut self) -> Vec<String> {
        let mut out = Vec::new();
        while let Some(o) = self.m.poll_output() {
            match &o {
                Output::Send { id, req } => self.sent.push((*id, req.clone())),
                Output::Write { key, value } => self.set(key, Some(value)),
                Output::Remove { key } => self.set(key, None),
                Output::RemoveAll { prefix } => self.store.retain(|(k, _)| !k.starts_with(prefix.as_str())),
                _ => {}
            }
            out.push(line(&o));
        }
        out
    }

    /// Asserts the outputs so far are exactly `lines`.
    #[track_caller]
    pub fn expect(&mut self, lines: &[&str]) {
        assert_eq!(self.take(), lines);
    }

    /// A call; returns its id.
    pub fn call(&mut self, op: Op, request: &str) -> u32 {
        self.next_call += 1;
        let call = self.next_call;
        self.input(Input::Call {
            call,
            monitor: 0,
            op,
            request: j(request),
        });
        call
    }

    pub fn answer(&mut self, id: u32, status: u16, body: &str) {
        self.input(Input::Answer {
            id,
            result: Ok(HttpAnswer {
                status,
                body: body.into(),
                retry_after: None,
            }),
        });
    }

    pub fn no_answer(&mut self, id: u32) {
        self.input(Input::Answer {
            id,
            result: Err(NetError::Failed),
        });
    }

    /// The request sent as `id`.
    pub fn req(&self, id: u32) -> &HttpRequest {
        &self.sent.iter().find(|(i, _)| *i == id).unwrap().1
    }

    pub fn body(&self, id: u32) -> Json {
        j(self.req(id).body.as_deref().unwrap())
    }

    /// The pause the machine draws for retry `attempt` (0-based) of `delays`.
    pub fn pause(&mut self, delays: &[u32], attempt: usize, min: u32) -> u32 {
        let r = self.rng.next() % 1000;
        crate::core::retry::pause_ms(delays, attempt, min, r).unwrap()
    }

    /// Opens a session V1/S1 with an engage (outputs checked elsewhere); ids used: call 1, lock
    /// 1, request 2.
    pub fn with_session(config: &str) -> Script {
        let mut s = Script::new(config);
        s.call(Op::Engage, "{}");
        s.input(Input::LockGranted { id: 1, waited: false });
        s.answer(2, 201, &session("V1", "S1"));
        s.take();
        s
    }
}

/// A report of one search word.
pub fn search(word: &str) -> String {
    format!(r#"{{"engagementAttributes":[{{"type":"searchInfo","keywords":["{word}"]}}]}}"#)
}

/// The storage key of the report queued `seq`-th at T0 by page `tab`.
pub fn entry_key(tab: &str, seq: u64) -> String {
    format!("lpmon:12345678:app-1:q:{T0:014}-{seq:08}-{tab}")
}

/// A success body with this pair.
pub fn session(vid: &str, sid: &str) -> String {
    format!(
        r#"{{"visitorId":"{vid}","sessionId":"{sid}","pageId":"77","engagementDetails":[{{"status":"expose","contextId":"c1"}}]}}"#
    )
}

/// The stored session text.
pub fn stored(vid: &str, sid: &str, started: u64, last: u64) -> String {
    format!(r#"{{"lpmon":1,"vid":"{vid}","sid":"{sid}","started":{started},"last":{last}}}"#)
}

/// An output as one short line.
pub fn line(o: &Output) -> String {
    match o {
        Output::Send { id, req } => format!(
            "send {id} {}{}",
            req.url.strip_prefix(API).unwrap_or(&req.url),
            if req.keepalive { " keepalive" } else { "" }
        ),
        Output::Fire(req) => format!("fire {}", req.url.strip_prefix(API).unwrap_or(&req.url)),
        Output::Write { key, .. } => format!("write {key}"),
        Output::Remove { key } => format!("remove {key}"),
        Output::RemoveAll { prefix } => format!("remove all {prefix}"),
        Output::SetTimer { id, ms } => format!("timer {id} {ms}"),
        Output::ClearTimer { id } => format!("clear {id}"),
        Output::Lock { id, name } => format!("lock {id} {name}"),
        Output::Release { id } => format!("release {id}"),
        Output::HoldForPage { name } => format!("hold {name}"),
        Output::List { prefix } => format!("list {prefix}"),
        Output::QueryLocks { id } => format!("held? {id}"),
        Output::Resolve { call, value } => format!("resolve {call} {}", value.to_text()),
        Output::Reject { call, error } => format!("reject {call} {}", err(error)),
        Output::Emit { name, data, .. } => format!("emit {name} {data}"),
    }
}

fn err(e: &Error) -> String {
    match e {
        Error::Queued(inner) => format!("queued {}", err(inner)),
        Error::Http {
            status,
            internal_code,
            ..
        } => format!("http {status}{}", internal_code.map(|c| format!("/{c}")).unwrap_or_default()),
        other => other.kind().to_string(),
    }
}
