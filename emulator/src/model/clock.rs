//! The emulator's clock: wall time plus an offset that tests push forward to expire sessions.

use std::time::{SystemTime, UNIX_EPOCH};

/// Milliseconds since the Unix epoch, shifted by what `/__emulator/clock` added.
#[derive(Debug, Default, Clone)]
pub struct Clock {
    offset_ms: u64,
}

impl Clock {
    /// The emulator's current time in ms since the epoch.
    pub fn now_ms(&self) -> u64 {
        let wall = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
            .unwrap_or(0);
        wall.saturating_add(self.offset_ms)
    }

    /// Moves the clock forward; it never goes back, so stored times stay ordered.
    pub fn advance(&mut self, ms: u64) {
        self.offset_ms = self.offset_ms.saturating_add(ms);
    }

    /// How far the clock has been moved in total.
    pub fn offset_ms(&self) -> u64 {
        self.offset_ms
    }
}
