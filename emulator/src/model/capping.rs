//! Capping of session creation, as the real server does when clients do not send back the
//! vid/sid pair: too many sessions created for one visitor or one account within a window
//! (on the emulator clock) and the next call that would open one answers 5xx.

use std::collections::{HashMap, VecDeque};

use crate::model::catalog::CappingFile;
use crate::model::error::{ApiError, Status};

/// How many sessions may be created in a window; `None` = no limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub per_visitor: Option<u32>,
    pub per_account: Option<u32>,
    pub window_ms: u64,
    pub status: Status,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            per_visitor: None,
            per_account: None,
            window_ms: 60 * 60_000,
            status: Status::SERVICE_UNAVAILABLE,
        }
    }
}

/// Flags as given on the command line; each one that is there wins over the file.
#[derive(Debug, Clone, Copy, Default)]
pub struct CappingFlags {
    /// `Some(0)` turns a file's limit off.
    pub per_visitor: Option<u32>,
    pub per_account: Option<u32>,
    pub window_minutes: Option<u64>,
    pub status: Option<u16>,
}

impl Limits {
    pub fn resolve(file: CappingFile, flags: CappingFlags) -> Self {
        let positive = |n: u32| (n > 0).then_some(n);
        let defaults = Limits::default();
        Self {
            per_visitor: flags
                .per_visitor
                .map_or(file.sessions_per_visitor, positive),
            per_account: flags
                .per_account
                .map_or(file.sessions_per_account, positive),
            window_ms: flags
                .window_minutes
                .or(file.window_minutes)
                .map_or(defaults.window_ms, |m| m.saturating_mul(60_000)),
            status: flags
                .status
                .or(file.status)
                .map(Status)
                .filter(|s| s.is_server_error())
                .unwrap_or(defaults.status),
        }
    }

    /// For `/__emulator/stats` and `--check`.
    pub fn describe(&self) -> serde_json::Value {
        serde_json::json!({
            "sessionsPerVisitor": self.per_visitor,
            "sessionsPerAccount": self.per_account,
            "windowMinutes": self.window_ms / 60_000,
            "status": self.status.as_u16(),
        })
    }
}

/// When sessions were created, per visitor and per account.
#[derive(Debug, Clone, Default)]
pub struct Capper {
    visitors: HashMap<String, VecDeque<u64>>,
    accounts: HashMap<String, VecDeque<u64>>,
    /// Calls refused so far.
    pub refused: u64,
}

fn recent(times: Option<&VecDeque<u64>>, now: u64, window_ms: u64) -> usize {
    times.map_or(0, |t| {
        t.iter()
            .filter(|&&at| now.saturating_sub(at) < window_ms)
            .count()
    })
}

impl Capper {
    /// Whether a session may be created now for this account and (known) visitor. A refusal is
    /// counted; nothing else changes.
    pub fn check(
        &mut self,
        limits: &Limits,
        account: &str,
        visitor: Option<&str>,
        now: u64,
    ) -> Result<(), ApiError> {
        let per_visitor = limits
            .per_visitor
            .zip(visitor)
            .map(|(limit, vid)| (limit, "visitor", vid, self.visitors.get(vid)));
        let per_account = limits
            .per_account
            .map(|limit| (limit, "account", account, self.accounts.get(account)));
        for (limit, what, who, times) in [per_visitor, per_account].into_iter().flatten() {
            let made = recent(times, now, limits.window_ms);
            if made >= limit as usize {
                self.refused += 1;
                let window_minutes = limits.window_ms / 60_000;
                return Err(ApiError::new(
                    limits.status,
                    None,
                    format!(
                        "session creation capped: {what} {who} already opened {made} sessions in {window_minutes} min; send back the vid and sid of the first answer"
                    ),
                ));
            }
        }
        Ok(())
    }

    /// Notes a session created now; times older than the window are forgotten.
    pub fn record(&mut self, limits: &Limits, account: &str, visitor: &str, now: u64) {
        for times in [
            self.visitors.entry(visitor.to_owned()).or_default(),
            self.accounts.entry(account.to_owned()).or_default(),
        ] {
            times.retain(|&at| now.saturating_sub(at) < limits.window_ms);
            times.push_back(now);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: u64 = 60_000;

    fn limits(per_visitor: Option<u32>, per_account: Option<u32>) -> Limits {
        Limits {
            per_visitor,
            per_account,
            window_ms: 10 * MIN,
            status: Status::SERVICE_UNAVAILABLE,
        }
    }

    #[test]
    fn per_visitor_limit_within_the_window() {
        let l = limits(Some(2), None);
        let mut c = Capper::default();
        for t in [0, MIN] {
            assert!(c.check(&l, "a", Some("v"), t).is_ok());
            c.record(&l, "a", "v", t);
        }
        let refused = c.check(&l, "a", Some("v"), 2 * MIN);
        assert_eq!(
            refused.map_err(|e| e.status),
            Err(Status::SERVICE_UNAVAILABLE)
        );
        assert_eq!(c.refused, 1);
        // Another visitor is not affected, nor is a new one (no vid yet).
        assert!(c.check(&l, "a", Some("w"), 2 * MIN).is_ok());
        assert!(c.check(&l, "a", None, 2 * MIN).is_ok());
        // Once the first creation leaves the window, one more is allowed.
        assert!(c.check(&l, "a", Some("v"), 10 * MIN).is_ok());
    }

    #[test]
    fn per_account_limit_counts_every_visitor() {
        let l = limits(None, Some(3));
        let mut c = Capper::default();
        for (i, vid) in ["v1", "v2", "v3"].iter().enumerate() {
            assert!(c.check(&l, "a", None, i as u64).is_ok());
            c.record(&l, "a", vid, i as u64);
        }
        let refused = c.check(&l, "a", None, 3);
        assert!(refused.is_err_and(|e| e.message.contains("account a already opened 3 sessions")));
        assert!(c.check(&l, "other", None, 3).is_ok());
    }

    #[test]
    fn flags_win_over_the_file_and_zero_turns_a_limit_off() {
        let file = CappingFile {
            sessions_per_visitor: Some(5),
            sessions_per_account: Some(50),
            window_minutes: Some(30),
            status: Some(500),
        };
        let from_file = Limits::resolve(file, CappingFlags::default());
        assert_eq!(from_file.per_visitor, Some(5));
        assert_eq!(from_file.window_ms, 30 * MIN);
        assert_eq!(from_file.status, Status::INTERNAL_SERVER_ERROR);
        let flags = CappingFlags {
            per_visitor: Some(0),
            per_account: Some(7),
            window_minutes: Some(1),
            status: Some(503),
        };
        let both = Limits::resolve(file, flags);
        assert_eq!(both.per_visitor, None);
        assert_eq!(both.per_account, Some(7));
        assert_eq!(both.window_ms, MIN);
        assert_eq!(both.status, Status::SERVICE_UNAVAILABLE);
        assert_eq!(
            Limits::resolve(CappingFile::default(), CappingFlags::default()),
            Limits::default()
        );
    }
}
