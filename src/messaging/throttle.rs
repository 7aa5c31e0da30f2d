//! Outbound limits per number: the kind's default unless the number overrides it.

use crate::compliance::numbers::NumberKind;
use crate::config::{KindLimits, ThrottleSettings};

/// The limits a number sends under, in fragments.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EffectiveLimits {
    pub per_second: u32,
    pub per_day: Option<u64>,
    /// True when the number sets at least one of them itself.
    pub overridden: bool,
}

/// The kind's defaults.
pub fn kind_defaults(settings: &ThrottleSettings, kind: NumberKind) -> KindLimits {
    match kind {
        NumberKind::LongCode => settings.long_code,
        NumberKind::TollFree => settings.toll_free,
        NumberKind::ShortCode => settings.short_code,
        NumberKind::Alphanumeric => settings.alphanumeric,
    }
}

/// Each limit the number overrides replaces the kind's default.
pub fn effective(
    settings: &ThrottleSettings,
    kind: NumberKind,
    per_second_override: Option<u32>,
    per_day_override: Option<u64>,
) -> EffectiveLimits {
    let defaults = kind_defaults(settings, kind);
    EffectiveLimits {
        per_second: per_second_override.unwrap_or(defaults.per_second),
        per_day: per_day_override.or(defaults.per_day),
        overridden: per_second_override.is_some() || per_day_override.is_some(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_follow_the_kind_and_overrides_win_one_by_one() {
        let settings = ThrottleSettings::default();
        let per_second = |kind| effective(&settings, kind, None, None).per_second;
        assert_eq!(per_second(NumberKind::LongCode), 1);
        assert_eq!(per_second(NumberKind::TollFree), 3);
        assert_eq!(per_second(NumberKind::ShortCode), 100);
        let mixed = effective(&settings, NumberKind::LongCode, None, Some(500));
        assert_eq!(
            mixed,
            EffectiveLimits {
                per_second: 1,
                per_day: Some(500),
                overridden: true
            }
        );
        let plain = effective(&settings, NumberKind::TollFree, None, None);
        assert!(!plain.overridden);
        assert_eq!(plain.per_day, None);
    }
}
