//! Invoicing rules, pure: billing periods, the invoice states, rounding each line once to the
//! currency's minor unit (half away from zero) with the total the sum of the rounded lines,
//! document numbers, and how much a credit note may take off.

use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};
use rust_decimal::Decimal;
use sea_orm::sea_query::StringLen;
use sea_orm::{DeriveActiveEnum, EnumIter};

use super::money::{from_micros, round_to_minor_unit, to_micros};

/// Where an invoice is.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, async_graphql::Enum,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(8))")]
pub enum InvoiceState {
    /// Recomputed by every run.
    #[sea_orm(string_value = "draft")]
    Draft,
    /// Numbered and immutable.
    #[sea_orm(string_value = "issued")]
    Issued,
    /// Credited in full.
    #[sea_orm(string_value = "void")]
    Void,
}

/// A calendar month, the billing period.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Period {
    pub year: i32,
    pub month: u32,
}

impl Period {
    /// Reads `YYYY-MM`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let (year, month) = text
            .trim()
            .split_once('-')
            .ok_or_else(|| format!("{text:?} is not YYYY-MM"))?;
        let year: i32 = year
            .parse()
            .map_err(|_| format!("{text:?} is not YYYY-MM"))?;
        let month: u32 = month
            .parse()
            .map_err(|_| format!("{text:?} is not YYYY-MM"))?;
        if !(2000..=9999).contains(&year) || !(1..=12).contains(&month) {
            return Err(format!("{text:?} is not a month of the years 2000 to 9999"));
        }
        Ok(Self { year, month })
    }

    /// The month holding a moment.
    pub fn of(at: DateTime<Utc>) -> Self {
        Self {
            year: at.year(),
            month: at.month(),
        }
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).unwrap_or_default()
    }

    pub fn next(self) -> Self {
        if self.month == 12 {
            Self {
                year: self.year + 1,
                month: 1,
            }
        } else {
            Self {
                year: self.year,
                month: self.month + 1,
            }
        }
    }

    /// The period's first instant (UTC).
    pub fn start(self) -> DateTime<Utc> {
        Utc.from_utc_datetime(&self.first_day().and_hms_opt(0, 0, 0).unwrap_or_default())
    }

    /// The next period's first instant (exclusive end).
    pub fn end(self) -> DateTime<Utc> {
        self.next().start()
    }
}

impl std::fmt::Display for Period {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// The currency's minor-unit digits (USD 2, JPY 0); 2 when unknown.
pub fn minor_digits(currency: &str) -> u32 {
    iso_currency::Currency::from_code(currency)
        .and_then(|c| c.exponent())
        .map_or(2, u32::from)
}

/// A line's exact sum in micro-units, rounded once to the minor unit, in micro-units.
pub fn round_line(raw_micros: i64, digits: u32) -> i64 {
    let rounded = round_to_minor_unit(from_micros(raw_micros), digits);
    to_micros(rounded).unwrap_or(raw_micros)
}

/// The invoice total: the sum of its rounded lines.
pub fn total(line_amounts: &[i64]) -> i64 {
    line_amounts.iter().sum()
}

/// `INV-2026-000123`.
pub fn document_number(prefix: &str, year: i32, sequence: i64) -> String {
    format!("{prefix}-{year}-{sequence:06}")
}

/// Why a credit note cannot be made.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CreditError {
    #[error("must be more than zero")]
    NotPositive,
    #[error("is more than the balance of {0}")]
    OverBalance(Decimal),
    #[error("has more decimal places than the currency's {0}")]
    TooPrecise(u32),
}

/// Checks an amount to credit against the balance (both in micro-units).
pub fn check_credit(amount: Decimal, balance_micros: i64, digits: u32) -> Result<i64, CreditError> {
    if amount <= Decimal::ZERO {
        return Err(CreditError::NotPositive);
    }
    if amount.normalize().scale() > digits {
        return Err(CreditError::TooPrecise(digits));
    }
    let micros =
        to_micros(amount).map_err(|_| CreditError::OverBalance(from_micros(balance_micros)))?;
    if micros > balance_micros {
        return Err(CreditError::OverBalance(from_micros(balance_micros)));
    }
    Ok(micros)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_are_calendar_months_in_utc() {
        let p = Period::parse("2026-12").unwrap();
        assert_eq!(p.to_string(), "2026-12");
        assert_eq!(p.end(), Utc.with_ymd_and_hms(2027, 1, 1, 0, 0, 0).unwrap());
        assert!(Period::parse("2026-13").is_err());
        assert!(Period::parse("26-1").is_err());
        assert_eq!(Period::of(p.start()), p);
    }

    #[test]
    fn lines_round_half_away_from_zero_once() {
        // 0.005 rounds up to 0.01 (banker's rounding would give 0.00).
        assert_eq!(round_line(5_000, 2), 10_000);
        assert_eq!(round_line(4_999, 2), 0);
        assert_eq!(
            round_line(15_000, 2),
            20_000,
            "0.015 -> 0.02, not 0.02 by luck"
        );
        assert_eq!(
            round_line(25_000, 2),
            30_000,
            "0.025 -> 0.03 (half-even would give 0.02)"
        );
        assert_eq!(round_line(1_500_000, 0), 2_000_000, "JPY has no minor unit");
        // 1,000 records of 0.0079 are one line of 7.90, not 1,000 rounded cents.
        assert_eq!(round_line(1_000 * 7_900, 2), 7_900_000);
        assert_eq!(total(&[10_000, 20_000]), 30_000);
        assert_eq!(minor_digits("JPY"), 0);
        assert_eq!(minor_digits("USD"), 2);
    }

    #[test]
    fn numbers_and_credits() {
        assert_eq!(document_number("INV", 2026, 123), "INV-2026-000123");
        assert_eq!(
            check_credit(Decimal::new(150, 2), 2_000_000, 2),
            Ok(1_500_000)
        );
        assert!(matches!(
            check_credit(Decimal::new(201, 2), 2_000_000, 2),
            Err(CreditError::OverBalance(_))
        ));
        assert_eq!(
            check_credit(Decimal::new(1, 3), 2_000_000, 2),
            Err(CreditError::TooPrecise(2))
        );
        assert_eq!(
            check_credit(Decimal::ZERO, 2_000_000, 2),
            Err(CreditError::NotPositive)
        );
    }
}
