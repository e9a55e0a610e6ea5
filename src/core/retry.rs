//! The retry schedule: the configured pauses, jittered, never shorter than the server asks.

/// The pause before retry number `attempt` (0-based), or None when no retry is left.
/// Each configured pause is spread over ±20% so that many pages recovering from the same outage
/// do not return in lockstep; `min_ms` (429 / Retry-After) is a floor, not a suggestion.
pub fn pause_ms(delays: &[u32], attempt: usize, min_ms: u32, random_permille: u32) -> Option<u32> {
    let base = u64::from(*delays.get(attempt)?);
    let factor = 800 + u64::from(random_permille.min(999)) * 400 / 1000;
    let jittered = (base * factor / 1000) as u32;
    Some(jittered.max(min_ms))
}

/// The next number of an xorshift32 sequence in `state` (never 0 once seeded non-zero): the
/// machines' jitter and page ids need spread, not secrecy.
pub fn xorshift32(state: &mut u32) -> u32 {
    let mut x = *state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *state = x;
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn n_delays_mean_n_retries() {
        let d = [3_000, 10_000];
        assert!(pause_ms(&d, 0, 0, 500).is_some());
        assert!(pause_ms(&d, 1, 0, 500).is_some());
        assert_eq!(pause_ms(&d, 2, 0, 500), None);
        assert_eq!(pause_ms(&[], 0, 0, 500), None);
    }

    #[test]
    fn jitter_stays_within_twenty_percent() {
        assert_eq!(pause_ms(&[10_000], 0, 0, 0), Some(8_000));
        assert_eq!(pause_ms(&[10_000], 0, 0, 500), Some(10_000));
        assert_eq!(pause_ms(&[10_000], 0, 0, 999), Some(11_990));
        assert_eq!(pause_ms(&[10_000], 0, 0, 5_000), Some(11_990));
    }

    #[test]
    fn server_minimum_wins() {
        assert_eq!(pause_ms(&[50], 0, 1_000, 500), Some(1_000));
        assert_eq!(pause_ms(&[0], 0, 0, 500), Some(0));
    }
}
