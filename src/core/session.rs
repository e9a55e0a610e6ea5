//! The visitor and its monitor session as they are persisted: the vid (kept for the device, as the
//! tag's `LPVID`), the sid (as `LPSID`) and when the session started and was last used. The
//! session expires; the visitor stays until `reset()` or denied consent, so an expired record is
//! still read for its vid. A session the server refused (404/39) is stored as ended (`last` 0):
//! the format is the one earlier versions wrote.

#[allow(unused_imports)]
use crate::prelude::*;

use crate::core::ids::is_server_id;
use crate::core::json::{Json, Writer};

/// After this long without a call the server starts a new session, so the pair is not sent.
pub const IDLE_MS: u64 = 30 * 60 * 1000;
/// A session never lives longer than this.
pub const MAX_AGE_MS: u64 = 6 * 60 * 60 * 1000;

/// One visitor/session pair.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// Visitor id.
    pub vid: String,
    /// Session id.
    pub sid: String,
    /// When the server created the session (ms since epoch, local clock).
    pub started_ms: u64,
    /// When a call last succeeded with it.
    pub last_ms: u64,
}

impl Session {
    /// Reads the stored JSON; anything corrupted, foreign or with unsafe ids counts as no session.
    pub fn decode(text: &str) -> Option<Session> {
        let v = Json::parse(text).ok()?;
        if v.get("lpmon").and_then(Json::as_i64) != Some(1) {
            return None;
        }
        let id = |k| {
            v.get(k)
                .and_then(Json::as_str)
                .filter(|s| is_server_id(s))
                .map(String::from)
        };
        let time = |k| {
            v.get(k)
                .and_then(Json::as_i64)
                .filter(|t| *t >= 0)
                .map(|t| t as u64)
        };
        Some(Session {
            vid: id("vid")?,
            sid: id("sid")?,
            started_ms: time("started")?,
            last_ms: time("last")?,
        })
    }

    /// The stored JSON text.
    pub fn encode(&self) -> String {
        let mut w = Writer::object();
        w.uint("lpmon", 1)
            .str("vid", &self.vid)
            .str("sid", &self.sid)
            .uint("started", self.started_ms)
            .uint("last", self.last_ms);
        w.finish()
    }

    /// The same visitor, its session ended (what a 404/39 leaves).
    pub fn ended(self) -> Session {
        Session {
            started_ms: 0,
            last_ms: 0,
            ..self
        }
    }

    /// False once the session is idle for 30 minutes or older than 6 hours. A clock that went
    /// backwards does not expire it.
    pub fn is_live(&self, now_ms: u64) -> bool {
        now_ms.saturating_sub(self.last_ms) <= IDLE_MS
            && now_ms.saturating_sub(self.started_ms) <= MAX_AGE_MS
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn s() -> Session {
        Session {
            vid: "V1".into(),
            sid: "S1".into(),
            started_ms: 1_000,
            last_ms: 2_000,
        }
    }

    #[test]
    fn stored_text() {
        assert_eq!(
            s().encode(),
            r#"{"lpmon":1,"vid":"V1","sid":"S1","started":1000,"last":2000}"#
        );
    }

    #[test]
    fn round_trip() {
        assert_eq!(Session::decode(&s().encode()), Some(s()));
    }

    #[test]
    fn what_earlier_versions_wrote_is_read() {
        let old = r#"{"lpmon":1,"vid":"I2NzQ2YzBkZGEzZDMzYjIx","sid":"NJIm1tJFT5SV6dTEkmNAjA","started":1700000000000,"last":1700000060000}"#;
        let read = Session::decode(old).unwrap();
        assert_eq!(
            (
                read.vid.as_str(),
                read.sid.as_str(),
                read.started_ms,
                read.last_ms
            ),
            (
                "I2NzQ2YzBkZGEzZDMzYjIx",
                "NJIm1tJFT5SV6dTEkmNAjA",
                1700000000000,
                1700000060000
            )
        );
    }

    #[test]
    fn an_ended_session_keeps_its_visitor() {
        let ended = s().ended();
        assert_eq!((ended.vid.as_str(), ended.sid.as_str()), ("V1", "S1"));
        assert!(!ended.is_live(IDLE_MS + 1));
        assert_eq!(Session::decode(&ended.encode()), Some(ended));
    }

    #[test]
    fn corrupted_or_foreign_values_are_no_session() {
        for bad in [
            "",
            "{",
            "null",
            r#"{"vid":"V","sid":"S","started":1,"last":1}"#,
            r#"{"lpmon":2,"vid":"V","sid":"S","started":1,"last":1}"#,
            r#"{"lpmon":1,"vid":"V/../x","sid":"S","started":1,"last":1}"#,
            r#"{"lpmon":1,"vid":"V","sid":"S","started":-1,"last":1}"#,
            r#"{"lpmon":1,"vid":"V","sid":5,"started":1,"last":1}"#,
        ] {
            assert_eq!(Session::decode(bad), None, "{bad}");
        }
    }

    #[test]
    fn expiry() {
        let s = s();
        assert!(s.is_live(2_000 + IDLE_MS));
        assert!(!s.is_live(2_001 + IDLE_MS));
        let busy = Session {
            last_ms: 1_000 + MAX_AGE_MS,
            ..s.clone()
        };
        assert!(busy.is_live(1_000 + MAX_AGE_MS));
        assert!(!busy.is_live(1_001 + MAX_AGE_MS));
        assert!(s.is_live(0), "a clock set back does not expire the session");
    }
}
