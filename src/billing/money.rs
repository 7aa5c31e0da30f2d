//! Money is `rust_decimal::Decimal`, never a float. Unit prices carry up to 6 decimal places
//! and are stored as integer micro-units (10^-6 of the currency unit): sea-orm binds a
//! `Decimal` as `f64` on SQLite, and SQL `SUM` over integers is exact on every backend.
//! Invoice lines are rounded to the currency's minor unit, half away from zero, in one place.
#![deny(clippy::float_arithmetic)]

use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, Value};
use rust_decimal::{Decimal, RoundingStrategy};

/// Decimal places money keeps before invoice rounding.
pub const SCALE: u32 = 6;

/// Why an amount cannot be money here.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MoneyError {
    #[error("has more than 6 decimal places")]
    TooPrecise,
    #[error("is too large")]
    TooLarge,
    #[error("must not be negative")]
    Negative,
}

/// An amount in micro-units, as stored.
pub fn to_micros(amount: Decimal) -> Result<i64, MoneyError> {
    if amount.normalize().scale() > SCALE {
        return Err(MoneyError::TooPrecise);
    }
    let micros = amount
        .checked_mul(Decimal::from(1_000_000))
        .ok_or(MoneyError::TooLarge)?;
    i64::try_from(micros).map_err(|_| MoneyError::TooLarge)
}

/// A stored amount back as a decimal with 6 places.
pub fn from_micros(micros: i64) -> Decimal {
    Decimal::new(micros, SCALE)
}

/// Rounds to `minor_digits` places, half away from zero (plain `round_dp` would round half to
/// even, which is not how invoices are rounded).
pub fn round_to_minor_unit(amount: Decimal, minor_digits: u32) -> Decimal {
    amount.round_dp_with_strategy(minor_digits, RoundingStrategy::MidpointAwayFromZero)
}

/// A non-negative amount with at most 6 decimal places, checked for prices.
pub fn parse_price(text: &str) -> Result<Decimal, String> {
    let amount: Decimal = text
        .trim()
        .parse()
        .map_err(|_| format!("{text:?} is not a decimal number"))?;
    if amount.is_sign_negative() && !amount.is_zero() {
        return Err(MoneyError::Negative.to_string());
    }
    to_micros(amount).map_err(|e| e.to_string())?;
    Ok(amount)
}

/// Money in GraphQL: a decimal string such as `"0.0079"`, never a JSON number (a number
/// would pass through a float on the way).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Money(pub Decimal);

#[Scalar(name = "Money")]
impl ScalarType for Money {
    fn parse(value: Value) -> InputValueResult<Self> {
        match value {
            Value::String(text) => {
                let amount: Decimal = text
                    .trim()
                    .parse()
                    .map_err(|_| InputValueError::custom(format!("{text:?} is not a decimal")))?;
                to_micros(amount).map_err(|e| InputValueError::custom(format!("money {e}")))?;
                Ok(Money(amount))
            }
            other => Err(InputValueError::custom(format!(
                "money is a decimal string such as \"0.0079\", not {other}"
            ))),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn micros_round_trip_exactly() {
        assert_eq!(to_micros(d("0.0079")), Ok(7_900));
        assert_eq!(to_micros(d("12.345678")), Ok(12_345_678));
        assert_eq!(from_micros(7_900), d("0.0079"));
        assert_eq!(to_micros(d("0.0000001")), Err(MoneyError::TooPrecise));
        assert_eq!(
            to_micros(d("0.1000000")),
            Ok(100_000),
            "trailing zeros are not precision"
        );
        assert_eq!(to_micros(d("99999999999999999")), Err(MoneyError::TooLarge));
    }

    #[test]
    fn rounding_is_half_away_from_zero() {
        assert_eq!(round_to_minor_unit(d("0.125"), 2), d("0.13"));
        assert_eq!(round_to_minor_unit(d("0.135"), 2), d("0.14"));
        assert_eq!(round_to_minor_unit(d("-0.125"), 2), d("-0.13"));
        assert_eq!(round_to_minor_unit(d("2.5"), 0), d("3"));
        assert_eq!(
            d("0.125").round_dp(2),
            d("0.12"),
            "what plain round_dp would do"
        );
    }

    #[test]
    fn a_million_small_charges_sum_exactly() {
        let unit = d("0.000001");
        let total: Decimal = (0..1_000_000).map(|_| unit).sum();
        assert_eq!(total, d("1"));
        let micros: i64 = (0..1_000_000)
            .map(|_| to_micros(d("0.0079")).unwrap())
            .sum();
        assert_eq!(from_micros(micros), d("7900"));
    }

    #[test]
    fn prices_are_non_negative_with_six_places_at_most() {
        assert_eq!(parse_price(" 0.0079 "), Ok(d("0.0079")));
        assert!(parse_price("-0.01").is_err());
        assert!(parse_price("0.0000001").is_err());
        assert!(parse_price("abc").is_err());
    }
}
