//! Agent availability of engagements: fixed, by weekly schedule on the emulator clock, or set
//! at run time through `/__emulator/availability` (an override wins over the file).

use std::collections::HashMap;

use crate::model::catalog::{AgentState, Availability, Catalog, Engagement, Schedule};

const DAY_MS: i64 = 86_400_000;

/// Where an engagement's current state comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    File,
    Schedule,
    Override,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::File => "file",
            Source::Schedule => "schedule",
            Source::Override => "override",
        }
    }
}

/// The state a schedule gives at `now_ms` (ms since the epoch, UTC).
pub fn scheduled_state(schedule: &Schedule, now_ms: u64) -> AgentState {
    let local = i64::try_from(now_ms)
        .unwrap_or(i64::MAX)
        .saturating_add(i64::from(schedule.utc_offset_minutes) * 60_000);
    let day = local.div_euclid(DAY_MS);
    // 1970-01-01 was a Thursday: day 0 is index 3 with Monday = 0.
    let weekday = usize::try_from((day + 3).rem_euclid(7)).unwrap_or(0);
    let minute = u32::try_from(local.rem_euclid(DAY_MS) / 60_000).unwrap_or(0);
    schedule
        .windows
        .iter()
        .find(|w| {
            w.days.get(weekday).copied().unwrap_or(false)
                && w.from_minute <= minute
                && minute < w.to_minute
        })
        .map_or(schedule.otherwise, |w| w.state)
}

/// States set at run time, by engagement id.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    by_engagement: HashMap<u64, AgentState>,
}

impl Overrides {
    /// The engagement's state now, and where it comes from.
    pub fn state_of(&self, engagement: &Engagement, now_ms: u64) -> (AgentState, Source) {
        if let Some(state) = self.by_engagement.get(&engagement.id) {
            return (*state, Source::Override);
        }
        match &engagement.availability {
            Availability::Fixed(state) => (*state, Source::File),
            Availability::Schedule(schedule) => {
                (scheduled_state(schedule, now_ms), Source::Schedule)
            }
        }
    }

    /// Sets (or with `None` clears) the override of one engagement.
    pub fn set(&mut self, engagement_id: u64, state: Option<AgentState>) {
        match state {
            Some(state) => self.by_engagement.insert(engagement_id, state),
            None => self.by_engagement.remove(&engagement_id),
        };
    }

    /// Engagement ids a request names: one engagement, or every engagement of a skill.
    pub fn targets(catalog: &Catalog, engagement_id: Option<u64>, skill: Option<&str>) -> Vec<u64> {
        catalog
            .engagements()
            .filter(|(_, e)| {
                engagement_id.is_some_and(|id| id == e.id)
                    || skill.is_some_and(|s| e.skill.as_deref() == Some(s))
            })
            .map(|(_, e)| e.id)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::catalog::Window;

    /// 2024-01-01 00:00 UTC, a Monday.
    const MONDAY: u64 = 1_704_067_200_000;
    const HOUR: u64 = 3_600_000;

    fn office_hours(offset: i32) -> Schedule {
        Schedule {
            utc_offset_minutes: offset,
            windows: vec![
                Window {
                    days: [true, true, true, true, true, false, false],
                    from_minute: 9 * 60,
                    to_minute: 17 * 60,
                    state: AgentState::Online,
                },
                Window {
                    days: [true; 7],
                    from_minute: 17 * 60,
                    to_minute: 18 * 60,
                    state: AgentState::Busy,
                },
            ],
            otherwise: AgentState::Offline,
        }
    }

    #[test]
    fn windows_follow_the_weekday_and_time_of_day() {
        let s = office_hours(0);
        assert_eq!(scheduled_state(&s, MONDAY + 8 * HOUR), AgentState::Offline);
        assert_eq!(scheduled_state(&s, MONDAY + 9 * HOUR), AgentState::Online);
        assert_eq!(
            scheduled_state(&s, MONDAY + 17 * HOUR - 1),
            AgentState::Online
        );
        assert_eq!(scheduled_state(&s, MONDAY + 17 * HOUR), AgentState::Busy);
        assert_eq!(scheduled_state(&s, MONDAY + 18 * HOUR), AgentState::Offline);
        // Saturday 10:00: no weekday window, so offline.
        assert_eq!(
            scheduled_state(&s, MONDAY + 5 * 24 * HOUR + 10 * HOUR),
            AgentState::Offline
        );
        // Friday 10:00 is online.
        assert_eq!(
            scheduled_state(&s, MONDAY + 4 * 24 * HOUR + 10 * HOUR),
            AgentState::Online
        );
    }

    #[test]
    fn the_utc_offset_shifts_the_windows() {
        // 09:00 at UTC+02:00 is 07:00 UTC.
        let s = office_hours(120);
        assert_eq!(scheduled_state(&s, MONDAY + 7 * HOUR), AgentState::Online);
        assert_eq!(scheduled_state(&s, MONDAY + 6 * HOUR), AgentState::Offline);
        // At UTC-05:00, Monday 14:00 UTC is 09:00 local, 22:00 UTC is 17:00 local, and
        // Monday 03:00 UTC is still Sunday 22:00 local.
        let s = office_hours(-300);
        assert_eq!(scheduled_state(&s, MONDAY + 14 * HOUR), AgentState::Online);
        assert_eq!(scheduled_state(&s, MONDAY + 22 * HOUR), AgentState::Busy);
        assert_eq!(scheduled_state(&s, MONDAY + 3 * HOUR), AgentState::Offline);
        // Sunday 17:30 local (Monday 22:30 UTC minus a day) is in the every-day busy window.
        assert_eq!(
            scheduled_state(&s, MONDAY + 22 * HOUR + HOUR / 2 - 24 * HOUR),
            AgentState::Busy
        );
    }
}
