//! The AT&T MMS ratio, pure: outgoing to incoming MMS with the carrier's subscribers at most
//! 3:1 per 90-day cycle, cycles counted from an anchor day, and the level a cycle's counts
//! are at. Comparisons are exact (`outgoing > limit × incoming` in decimals), so a cycle at
//! exactly 3:1 is within the limit.

use chrono::NaiveDate;
use rust_decimal::Decimal;

/// One cycle: `start` inclusive, `end` exclusive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cycle {
    pub start: NaiveDate,
    pub end: NaiveDate,
}

/// The cycle holding `day`, counting `days`-long cycles from `anchor`; none before it.
pub fn cycle_containing(anchor: NaiveDate, day: NaiveDate, days: u32) -> Option<Cycle> {
    let days = i64::from(days.max(1));
    let since = (day - anchor).num_days();
    if since < 0 {
        return None;
    }
    let start = anchor + chrono::Duration::days(since / days * days);
    Some(Cycle {
        start,
        end: start + chrono::Duration::days(days),
    })
}

/// Where a cycle's counts stand.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, async_graphql::Enum)]
pub enum RatioLevel {
    Within,
    /// Past the warning threshold.
    Warning,
    /// Past the limit.
    Breach,
}

impl RatioLevel {
    /// The stored name of an alerted level.
    pub fn name(self) -> &'static str {
        match self {
            RatioLevel::Within => "within",
            RatioLevel::Warning => "warning",
            RatioLevel::Breach => "breach",
        }
    }
}

/// Outgoing per incoming; none while nothing came in.
pub fn ratio(outgoing: u64, incoming: u64) -> Option<Decimal> {
    (incoming > 0).then(|| (Decimal::from(outgoing) / Decimal::from(incoming)).round_dp(4))
}

/// The level of a cycle with these counts. Below `min_outgoing` outgoing MMS a cycle is
/// within whatever its ratio.
pub fn level(
    outgoing: u64,
    incoming: u64,
    warning: Decimal,
    limit: Decimal,
    min_outgoing: u64,
) -> RatioLevel {
    let out = Decimal::from(outgoing);
    let allowed = |factor: Decimal| factor * Decimal::from(incoming);
    if outgoing < min_outgoing.max(1) {
        RatioLevel::Within
    } else if out > allowed(limit) {
        RatioLevel::Breach
    } else if out > allowed(warning) {
        RatioLevel::Warning
    } else {
        RatioLevel::Within
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn cycles_are_counted_from_the_anchor() {
        let anchor = day("2026-01-10");
        assert_eq!(cycle_containing(anchor, day("2026-01-09"), 90), None);
        let first = cycle_containing(anchor, day("2026-01-10"), 90).unwrap();
        assert_eq!((first.start, first.end), (anchor, day("2026-04-10")));
        assert_eq!(cycle_containing(anchor, day("2026-04-09"), 90), Some(first));
        let second = cycle_containing(anchor, day("2026-04-10"), 90).unwrap();
        assert_eq!(second.start, day("2026-04-10"));
    }

    #[test]
    fn levels_change_just_past_each_threshold() {
        let (warning, limit) = (Decimal::new(27, 1), Decimal::from(3));
        let at = |out| level(out, 10, warning, limit, 1);
        assert_eq!(
            at(27),
            RatioLevel::Within,
            "2.7:1 exactly is not past the warning"
        );
        assert_eq!(at(28), RatioLevel::Warning);
        assert_eq!(
            at(30),
            RatioLevel::Warning,
            "3:1 exactly is within the limit"
        );
        assert_eq!(at(31), RatioLevel::Breach);
        assert_eq!(level(1, 0, warning, limit, 1), RatioLevel::Breach);
        assert_eq!(level(50, 0, warning, limit, 100), RatioLevel::Within);
        assert_eq!(ratio(31, 10), Some(Decimal::new(31, 1)));
        assert_eq!(ratio(3, 0), None);
    }
}
