//! Rating: a pure function from a message's facts, the rate cards in force and the carrier's
//! fee to charge lines. No rounding per message: lines carry exact `Decimal` amounts, and an
//! invoice rounds only its own lines. Every message received is rated, whatever its status.
#![deny(clippy::float_arithmetic)]

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use sea_orm::sea_query::StringLen;
use sea_orm::{DeriveActiveEnum, EnumIter};

use crate::compliance::numbers::NumberKind;

/// A rate for any jurisdiction without a rate of its own on the same card.
pub const ANY_JURISDICTION: &str = "*";
/// The card's international rate, used for non-GSM content when the card says so.
pub const INTERNATIONAL: &str = "INTL";

/// SMS or MMS.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    EnumIter,
    DeriveActiveEnum,
    async_graphql::Enum,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(8))")]
pub enum MessageKind {
    #[sea_orm(string_value = "sms")]
    Sms,
    #[sea_orm(string_value = "mms")]
    Mms,
}

/// Mobile-terminated (outbound) or mobile-originated (inbound).
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    EnumIter,
    DeriveActiveEnum,
    async_graphql::Enum,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(8))")]
pub enum Direction {
    #[sea_orm(string_value = "mt")]
    Mt,
    #[sea_orm(string_value = "mo")]
    Mo,
}

/// A price per fragment on a card.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rate {
    pub id: i64,
    pub kind: MessageKind,
    pub direction: Direction,
    pub number_kind: NumberKind,
    /// ISO 3166 alpha-2, `*` or `INTL`.
    pub jurisdiction: String,
    pub unit_price: Decimal,
}

/// A rate card in force over a period: a customer's, or the rack card (no customer).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RateCard {
    pub id: i64,
    pub customer_id: Option<i64>,
    pub currency: String,
    pub effective_from: DateTime<Utc>,
    pub effective_to: Option<DateTime<Utc>>,
    /// Price messages with non-GSM characters at the card's international rate.
    pub non_gsm_international: bool,
    pub udh_octets: u8,
    pub rates: Vec<Rate>,
}

impl RateCard {
    /// True when the card is in force at `at` (from inclusive, to exclusive).
    pub fn in_force(&self, at: DateTime<Utc>) -> bool {
        self.effective_from <= at && self.effective_to.is_none_or(|to| at < to)
    }

    fn find(&self, facts: &MessageFacts, jurisdiction: &str) -> Option<&Rate> {
        self.rates.iter().find(|r| {
            r.kind == facts.kind
                && r.direction == facts.direction
                && r.number_kind == facts.number_kind
                && r.jurisdiction == jurisdiction
        })
    }
}

/// True when two effective periods share an instant (`None` = open-ended).
pub fn periods_overlap(
    a_from: DateTime<Utc>,
    a_to: Option<DateTime<Utc>>,
    b_from: DateTime<Utc>,
    b_to: Option<DateTime<Utc>>,
) -> bool {
    a_to.is_none_or(|a_to| b_from < a_to) && b_to.is_none_or(|b_to| a_from < b_to)
}

/// A carrier's pass-through fee for one message kind and direction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CarrierFee {
    pub id: i64,
    pub carrier_id: i64,
    pub kind: MessageKind,
    pub direction: Direction,
    pub per_message: Decimal,
    pub per_filing: Decimal,
    pub effective_from: DateTime<Utc>,
    pub effective_to: Option<DateTime<Utc>>,
}

impl CarrierFee {
    pub fn applies(
        &self,
        carrier_id: i64,
        kind: MessageKind,
        direction: Direction,
        at: DateTime<Utc>,
    ) -> bool {
        self.carrier_id == carrier_id
            && self.kind == kind
            && self.direction == direction
            && self.effective_from <= at
            && self.effective_to.is_none_or(|to| at < to)
    }
}

/// What rating needs to know of a message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MessageFacts {
    pub kind: MessageKind,
    pub direction: Direction,
    pub number_kind: NumberKind,
    /// The other party's country (destination for MT, origin for MO), if known.
    pub jurisdiction: Option<String>,
    /// Characters outside GSM 03.38 (a UCS-2 message, say).
    pub non_gsm: bool,
    /// Billable fragments (an MMS is one).
    pub fragments: u32,
}

/// What a line charges for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, async_graphql::Enum)]
pub enum ChargeKind {
    /// The card's price per fragment.
    Usage,
    /// The carrier's pass-through fee per fragment.
    CarrierFee,
}

/// One charge line, exact (unrounded), traceable to the rate or fee behind it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChargeLine {
    pub kind: ChargeKind,
    pub quantity: u32,
    pub unit_price: Decimal,
    pub amount: Decimal,
    pub rate_card_id: Option<i64>,
    pub rate_id: Option<i64>,
    pub carrier_fee_id: Option<i64>,
    /// True when the international rate applied because of non-GSM content.
    pub international: bool,
}

/// Why a message could not be rated.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RatingError {
    #[error("no rate card in force")]
    NoCard,
    #[error("no rate for {kind:?} {direction:?} {number_kind:?} to {jurisdiction} on the customer's card or the rack card")]
    NoRate {
        kind: MessageKind,
        direction: Direction,
        number_kind: NumberKind,
        jurisdiction: String,
    },
}

/// The rate that applies: on the customer's card an exact jurisdiction beats `*`; the rack
/// card is asked only when the customer's card has neither. With non-GSM content and a card
/// that asks for it, the international rate (customer's, then rack's) applies first.
pub fn select_rate<'a>(
    facts: &MessageFacts,
    customer: Option<&'a RateCard>,
    rack: Option<&'a RateCard>,
) -> Result<(&'a RateCard, &'a Rate, bool), RatingError> {
    let governing = customer.or(rack).ok_or(RatingError::NoCard)?;
    let cards = [customer, rack];
    if facts.non_gsm && governing.non_gsm_international {
        for card in cards.into_iter().flatten() {
            if let Some(rate) = card.find(facts, INTERNATIONAL) {
                return Ok((card, rate, true));
            }
        }
    }
    for card in cards.into_iter().flatten() {
        let exact = facts
            .jurisdiction
            .as_deref()
            .and_then(|j| card.find(facts, j));
        if let Some(rate) = exact.or_else(|| card.find(facts, ANY_JURISDICTION)) {
            return Ok((card, rate, false));
        }
    }
    Err(RatingError::NoRate {
        kind: facts.kind,
        direction: facts.direction,
        number_kind: facts.number_kind,
        jurisdiction: facts
            .jurisdiction
            .clone()
            .unwrap_or_else(|| "unknown".into()),
    })
}

/// Rates a message: the usage line, plus the carrier's fee line when the carrier charges one.
pub fn rate(
    facts: &MessageFacts,
    customer: Option<&RateCard>,
    rack: Option<&RateCard>,
    carrier_fee: Option<&CarrierFee>,
) -> Result<Vec<ChargeLine>, RatingError> {
    let (card, rate, international) = select_rate(facts, customer, rack)?;
    let quantity = Decimal::from(facts.fragments);
    let mut lines = vec![ChargeLine {
        kind: ChargeKind::Usage,
        quantity: facts.fragments,
        unit_price: rate.unit_price,
        amount: rate.unit_price * quantity,
        rate_card_id: Some(card.id),
        rate_id: Some(rate.id),
        carrier_fee_id: None,
        international,
    }];
    if let Some(fee) = carrier_fee.filter(|f| !f.per_message.is_zero()) {
        lines.push(ChargeLine {
            kind: ChargeKind::CarrierFee,
            quantity: facts.fragments,
            unit_price: fee.per_message,
            amount: fee.per_message * quantity,
            rate_card_id: None,
            rate_id: None,
            carrier_fee_id: Some(fee.id),
            international: false,
        });
    }
    Ok(lines)
}

/// The total of a message's lines.
pub fn total(lines: &[ChargeLine]) -> Decimal {
    lines.iter().map(|l| l.amount).sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn at(day: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, day, 0, 0, 0).unwrap()
    }

    fn price(id: i64, number_kind: NumberKind, jurisdiction: &str, price: &str) -> Rate {
        Rate {
            id,
            kind: MessageKind::Sms,
            direction: Direction::Mt,
            number_kind,
            jurisdiction: jurisdiction.into(),
            unit_price: d(price),
        }
    }

    fn card(id: i64, customer_id: Option<i64>, rates: Vec<Rate>) -> RateCard {
        RateCard {
            id,
            customer_id,
            currency: "USD".into(),
            effective_from: at(1),
            effective_to: Some(at(20)),
            non_gsm_international: false,
            udh_octets: 6,
            rates,
        }
    }

    fn facts(jurisdiction: &str, fragments: u32) -> MessageFacts {
        MessageFacts {
            kind: MessageKind::Sms,
            direction: Direction::Mt,
            number_kind: NumberKind::LongCode,
            jurisdiction: Some(jurisdiction.into()),
            non_gsm: false,
            fragments,
        }
    }

    fn rack() -> RateCard {
        card(
            1,
            None,
            vec![
                price(10, NumberKind::LongCode, "US", "0.0079"),
                price(11, NumberKind::LongCode, "*", "0.0450"),
                price(12, NumberKind::LongCode, "INTL", "0.0600"),
                price(13, NumberKind::LongCode, "GB", "0.0400"),
            ],
        )
    }

    fn customer() -> RateCard {
        card(
            2,
            Some(7),
            vec![
                price(20, NumberKind::LongCode, "US", "0.0050"),
                price(21, NumberKind::LongCode, "CA", "0.0060"),
                price(22, NumberKind::TollFree, "*", "0.0070"),
            ],
        )
    }

    fn chosen(f: &MessageFacts, customer: Option<&RateCard>) -> (i64, bool) {
        let rack = rack();
        let (_, rate, international) = select_rate(f, customer, Some(&rack)).unwrap();
        (rate.id, international)
    }

    #[test]
    fn the_customers_specific_rate_wins_then_its_wildcard_then_the_rack() {
        let c = customer();
        assert_eq!(chosen(&facts("US", 1), Some(&c)), (20, false));
        assert_eq!(chosen(&facts("CA", 1), Some(&c)), (21, false));
        assert_eq!(
            chosen(&facts("GB", 1), Some(&c)),
            (13, false),
            "rack's exact rate"
        );
        assert_eq!(
            chosen(&facts("FR", 1), Some(&c)),
            (11, false),
            "rack's wildcard"
        );
        assert_eq!(
            chosen(&facts("US", 1), None),
            (10, false),
            "no customer card"
        );
        let toll_free = MessageFacts {
            number_kind: NumberKind::TollFree,
            ..facts("US", 1)
        };
        assert_eq!(
            chosen(&toll_free, Some(&c)),
            (22, false),
            "customer wildcard beats the rack"
        );
        let unknown = MessageFacts {
            jurisdiction: None,
            ..facts("US", 1)
        };
        assert_eq!(chosen(&unknown, Some(&c)), (11, false));
    }

    #[test]
    fn non_gsm_content_takes_the_international_rate_only_when_the_card_says_so() {
        let ucs2 = MessageFacts {
            non_gsm: true,
            ..facts("US", 1)
        };
        let mut c = customer();
        assert_eq!(chosen(&ucs2, Some(&c)), (20, false));
        c.non_gsm_international = true;
        assert_eq!(
            chosen(&ucs2, Some(&c)),
            (12, true),
            "falls back to the rack's INTL rate"
        );
        c.rates
            .push(price(23, NumberKind::LongCode, "INTL", "0.0300"));
        assert_eq!(chosen(&ucs2, Some(&c)), (23, true));
        assert_eq!(
            chosen(&facts("US", 1), Some(&c)),
            (20, false),
            "GSM content is unaffected"
        );
    }

    #[test]
    fn no_rate_anywhere_is_an_error_naming_what_was_missing() {
        let mms = MessageFacts {
            kind: MessageKind::Mms,
            ..facts("US", 1)
        };
        let err = select_rate(&mms, Some(&customer()), Some(&rack())).unwrap_err();
        assert!(
            matches!(
                err,
                RatingError::NoRate {
                    kind: MessageKind::Mms,
                    ..
                }
            ),
            "{err}"
        );
        assert_eq!(
            select_rate(&mms, None, None).unwrap_err(),
            RatingError::NoCard
        );
    }

    #[test]
    fn cards_are_in_force_from_their_first_instant_until_their_end() {
        let c = customer();
        assert!(!c.in_force(at(1) - chrono::Duration::seconds(1)));
        assert!(c.in_force(at(1)));
        assert!(c.in_force(at(20) - chrono::Duration::seconds(1)));
        assert!(!c.in_force(at(20)));
        assert!(periods_overlap(at(1), Some(at(10)), at(9), None));
        assert!(
            !periods_overlap(at(1), Some(at(10)), at(10), None),
            "end is exclusive"
        );
        assert!(periods_overlap(at(5), None, at(1), None));
        assert!(!periods_overlap(at(10), None, at(1), Some(at(10))));
    }

    #[test]
    fn charges_are_fragments_times_unit_price_plus_the_carrier_fee() {
        let fee = CarrierFee {
            id: 5,
            carrier_id: 3,
            kind: MessageKind::Sms,
            direction: Direction::Mt,
            per_message: d("0.0025"),
            per_filing: d("0"),
            effective_from: at(1),
            effective_to: None,
        };
        let c = customer();
        let lines = rate(&facts("US", 3), Some(&c), Some(&rack()), Some(&fee)).unwrap();
        assert_eq!(lines.len(), 2);
        assert_eq!((lines[0].quantity, lines[0].amount), (3, d("0.0150")));
        assert_eq!(
            (lines[1].kind, lines[1].amount),
            (ChargeKind::CarrierFee, d("0.0075"))
        );
        assert_eq!(total(&lines), d("0.0225"));
        assert!(fee.applies(3, MessageKind::Sms, Direction::Mt, at(2)));
        assert!(!fee.applies(3, MessageKind::Sms, Direction::Mo, at(2)));
        assert!(!fee.applies(4, MessageKind::Sms, Direction::Mt, at(2)));
    }

    #[test]
    fn many_small_charges_sum_to_the_cent_without_drift() {
        let c = customer();
        let rack = rack();
        let mut sum = Decimal::ZERO;
        for i in 0..100_000u32 {
            let lines = rate(&facts("US", 1 + i % 3), Some(&c), Some(&rack), None).unwrap();
            sum += total(&lines);
        }
        // 100,000 messages: 33,334 × 1 + 33,333 × 2 + 33,333 × 3 = 199,999 fragments × 0.005.
        assert_eq!(sum, d("999.995"));
        assert_eq!(
            crate::billing::money::round_to_minor_unit(sum, 2),
            d("1000.00")
        );
    }
}
