//! Throttle counters: fragments sent per number in the current second and the current UTC
//! day. In memory, per instance; a fragment over either limit refuses the whole message.

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{DateTime, Utc};

use super::throttle::EffectiveLimits;

#[derive(Clone, Copy, Debug, Default)]
struct Window {
    second: i64,
    in_second: u64,
    day: i64,
    in_day: u64,
}

/// Counters for every number that sent something.
#[derive(Debug, Default)]
pub struct ThrottleCounters {
    windows: Mutex<HashMap<i64, Window>>,
}

impl ThrottleCounters {
    /// Counts `fragments` for the number if both limits allow them; false (and nothing
    /// counted) when either would be exceeded.
    pub fn try_reserve(
        &self,
        number_id: i64,
        limits: EffectiveLimits,
        fragments: u32,
        now: DateTime<Utc>,
    ) -> bool {
        let fragments = u64::from(fragments);
        let second = now.timestamp();
        let day = second.div_euclid(86_400);
        let mut windows = self
            .windows
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let window = windows.entry(number_id).or_default();
        if window.second != second {
            window.second = second;
            window.in_second = 0;
        }
        if window.day != day {
            window.day = day;
            window.in_day = 0;
        }
        let over_second = window.in_second + fragments > u64::from(limits.per_second);
        let over_day = limits
            .per_day
            .is_some_and(|cap| window.in_day + fragments > cap);
        if over_second || over_day {
            return false;
        }
        window.in_second += fragments;
        window.in_day += fragments;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn limits(per_second: u32, per_day: Option<u64>) -> EffectiveLimits {
        EffectiveLimits {
            per_second,
            per_day,
            overridden: false,
        }
    }

    #[test]
    fn a_second_allows_its_limit_in_fragments_then_resets() {
        let counters = ThrottleCounters::default();
        let t = Utc.with_ymd_and_hms(2026, 5, 1, 12, 0, 0).unwrap();
        assert!(counters.try_reserve(1, limits(3, None), 2, t));
        assert!(!counters.try_reserve(1, limits(3, None), 2, t), "2 + 2 > 3");
        assert!(counters.try_reserve(1, limits(3, None), 1, t));
        assert!(
            counters.try_reserve(2, limits(3, None), 3, t),
            "another number"
        );
        assert!(counters.try_reserve(1, limits(3, None), 3, t + chrono::Duration::seconds(1)));
    }

    #[test]
    fn a_day_cap_holds_across_seconds_until_midnight() {
        let counters = ThrottleCounters::default();
        let t = Utc.with_ymd_and_hms(2026, 5, 1, 23, 59, 58).unwrap();
        assert!(counters.try_reserve(1, limits(100, Some(5)), 4, t));
        assert!(!counters.try_reserve(
            1,
            limits(100, Some(5)),
            2,
            t + chrono::Duration::seconds(1)
        ));
        assert!(counters.try_reserve(1, limits(100, Some(5)), 5, t + chrono::Duration::seconds(2)));
    }
}
