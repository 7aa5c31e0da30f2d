//! Quarterly forecasts of short-code traffic: calendar quarters, the traffic pattern's rule,
//! when a forecast is due, and the variance flags of actuals against it. Pure rules.

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

/// A calendar quarter, `2026-Q4`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Quarter {
    pub year: i32,
    /// 1 to 4.
    pub number: u32,
}

impl Quarter {
    /// The quarter a day falls in.
    pub fn of(day: NaiveDate) -> Self {
        Self {
            year: day.year(),
            number: (day.month() - 1) / 3 + 1,
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        let (year, q) = text.trim().split_once("-Q")?;
        let quarter = Self {
            year: year.parse().ok()?,
            number: q.parse().ok()?,
        };
        ((1..=4).contains(&quarter.number) && (2000..=2200).contains(&quarter.year))
            .then_some(quarter)
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, (self.number - 1) * 3 + 1, 1).unwrap_or(NaiveDate::MIN)
    }

    pub fn next(self) -> Self {
        if self.number == 4 {
            Self {
                year: self.year + 1,
                number: 1,
            }
        } else {
            Self {
                year: self.year,
                number: self.number + 1,
            }
        }
    }

    /// The day after the quarter's last.
    pub fn end(self) -> NaiveDate {
        self.next().first_day()
    }
}

impl std::fmt::Display for Quarter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-Q{}", self.year, self.number)
    }
}

/// Why a traffic pattern is not acceptable.
pub fn check_pattern(shares: &[Decimal]) -> Result<(), String> {
    if shares.len() != 24 {
        return Err(format!("needs 24 hourly shares, not {}", shares.len()));
    }
    if shares.iter().any(|s| s.is_sign_negative()) {
        return Err("shares may not be negative".into());
    }
    let sum: Decimal = shares.iter().sum();
    if (sum - Decimal::ONE).abs() > Decimal::new(1, 3) {
        return Err(format!("shares sum to {sum}, not 1"));
    }
    Ok(())
}

/// The quarter whose forecast is due on `as_of` and not yet late: the next one, from
/// `due_days` before it starts.
pub fn due_quarter(as_of: NaiveDate, due_days: u32) -> Option<Quarter> {
    let next = Quarter::of(as_of).next();
    ((next.first_day() - as_of).num_days() <= i64::from(due_days)).then_some(next)
}

/// Flags of a quarter's actuals against its forecast.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Variance {
    /// Actual messages exceed the forecast by more than the allowed percentage.
    pub over_forecast: bool,
    /// The peak one-second rate exceeds the forecast's.
    pub peak_exceeded: bool,
    /// Messages above the forecast (0 when under it).
    pub messages_above: i64,
}

pub fn variance(
    expected: i64,
    peak_mps: i64,
    actual: i64,
    actual_peak: i64,
    allowed_percent: u32,
) -> Variance {
    let allowed = expected + expected * i64::from(allowed_percent) / 100;
    Variance {
        over_forecast: actual > allowed,
        peak_exceeded: actual_peak > peak_mps,
        messages_above: (actual - expected).max(0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn quarters_are_calendar_quarters() {
        let q = Quarter::of(day(2026, 12, 1));
        assert_eq!(q.to_string(), "2026-Q4");
        assert_eq!(q.first_day(), day(2026, 10, 1));
        assert_eq!(q.end(), day(2027, 1, 1));
        assert_eq!(Quarter::parse("2027-Q1"), Some(q.next()));
        assert_eq!(Quarter::parse("2027-Q5"), None);
        assert_eq!(Quarter::parse("nonsense"), None);
    }

    #[test]
    fn a_pattern_is_24_shares_summing_to_one() {
        let even = vec![Decimal::ONE / Decimal::from(24); 24];
        assert!(check_pattern(&even).is_ok());
        assert!(check_pattern(&even[..23]).is_err());
        let mut heavy = even.clone();
        heavy[0] += Decimal::new(1, 1);
        assert!(check_pattern(&heavy).unwrap_err().contains("sum"));
    }

    #[test]
    fn the_next_quarter_is_due_from_its_due_days() {
        assert_eq!(due_quarter(day(2026, 12, 17), 14), None, "15 days before");
        assert_eq!(
            due_quarter(day(2026, 12, 18), 14),
            Some(Quarter {
                year: 2027,
                number: 1
            })
        );
    }

    #[test]
    fn variance_flags_traffic_over_the_allowance_and_peaks() {
        assert_eq!(
            variance(1000, 10, 1200, 10, 20),
            Variance {
                over_forecast: false,
                peak_exceeded: false,
                messages_above: 200
            }
        );
        assert!(variance(1000, 10, 1201, 10, 20).over_forecast);
        assert!(variance(1000, 10, 10, 11, 20).peak_exceeded);
        assert_eq!(variance(1000, 10, 10, 1, 20).messages_above, 0);
    }
}
