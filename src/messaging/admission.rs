//! Admission: the one decision every message goes through, whichever way it entered (SMPP
//! now; MM7, GraphQL and bulk upload later). It reads only the in-memory snapshot and the
//! throttle counters, so it does no database read per message.
//!
//! A message is either refused at the protocol level (unknown source, bad destination,
//! throttled, no rate: not received, nothing stored), or received: accepted, or rejected for
//! a compliance reason, and in both cases rated and stored.

use chrono::{DateTime, Utc};

use super::address::parse_e164;
use super::encoding::DataCoding;
use super::fragments::{fragment_count, is_non_gsm, Encoding, DEFAULT_UDH_OCTETS};
use super::snapshot::Snapshot;
use super::status::MessageStatus;
use super::throttle_counter::ThrottleCounters;
use crate::billing::rating::{rate, ChargeLine, Direction, MessageFacts, MessageKind};
use crate::compliance::leases::LeaseState;
use crate::compliance::mms::MmsContent;
use crate::compliance::numbers::{NumberKind, NANP_HOME_COUNTRIES};
use crate::customers::CustomerStatus;

/// A concatenated part's place in its message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Concat {
    pub reference: u16,
    pub total: u8,
    pub seq: u8,
}

/// A message as it entered, already decoded.
#[derive(Clone, Debug)]
pub struct Submission {
    pub customer_id: i64,
    /// The sender in its stored form (E.164, short code digits, alphanumeric ID).
    pub source: String,
    /// The destination as given (any common phone-number form).
    pub destination: String,
    pub kind: MessageKind,
    pub text: String,
    pub data_coding: DataCoding,
    pub encoding: Encoding,
    /// Set for a part of a concatenated message: it is the fragment(s) it is.
    pub part_fragments: Option<u32>,
    pub concat: Option<Concat>,
    pub receipts: ReceiptRequest,
    /// SMPP priority_flag, 0 (lowest) to 3.
    pub priority: u8,
    /// The end of the validity period: still queued then, the message expires.
    pub expires_at: Option<DateTime<Utc>>,
    /// An MMS's subject, parts and recipient count (`text` holds its text parts).
    pub mms: Option<MmsContent>,
}

/// Which delivery receipts the sender asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReceiptRequest {
    None,
    /// On the final outcome, success or failure.
    Always,
    /// Only when the message fails (SMPP registered_delivery 2).
    OnFailure,
}

impl ReceiptRequest {
    /// True when a message ending in `status` gets a receipt.
    pub fn wants(self, status: MessageStatus) -> bool {
        match self {
            ReceiptRequest::None => false,
            ReceiptRequest::Always => true,
            ReceiptRequest::OnFailure => status != MessageStatus::Delivered,
        }
    }
}

/// Why a message was not received at all.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Refusal {
    #[error("source_addr is not a number of this customer")]
    UnknownSource,
    #[error("destination_addr {0}")]
    InvalidDestination(String),
    #[error("the number's throttle is exceeded")]
    Throttled,
    #[error("no rate applies: {0}")]
    NoRate(String),
}

/// A received message, decided and rated, ready to be stored.
#[derive(Clone, Debug)]
pub struct Admitted {
    pub customer_id: i64,
    pub number_id: i64,
    pub number_kind: NumberKind,
    pub kind: MessageKind,
    pub direction: Direction,
    /// For MT our number, for MO the subscriber.
    pub source: String,
    pub destination: String,
    pub destination_country: Option<String>,
    pub carrier_id: Option<i64>,
    pub status: MessageStatus,
    pub reject_reason: Option<String>,
    pub data_coding: DataCoding,
    pub encoding: Encoding,
    pub fragments: u32,
    pub text: String,
    pub concat: Option<Concat>,
    pub receipts: ReceiptRequest,
    pub charges: Vec<ChargeLine>,
    pub currency: String,
    pub submitted_at: DateTime<Utc>,
    pub priority: u8,
    pub expires_at: Option<DateTime<Utc>>,
    /// The MMS use case it is sent under.
    pub use_case_id: Option<i64>,
    pub mms: Option<MmsContent>,
}

/// The approved use case an MMS is sent under, or the coded reason it is refused for.
fn mms_use_case(
    snapshot: &Snapshot,
    submission: &Submission,
    number: &super::snapshot::NumberFacts,
    country: Option<&str>,
) -> Result<i64, String> {
    let content = submission
        .mms
        .as_ref()
        .ok_or_else(|| "MMS_CONTENT_MISSING: an MMS without content".to_string())?;
    let approvals = snapshot
        .mms_approvals
        .get(&number.id)
        .map_or(&[][..], Vec::as_slice);
    snapshot.mms.check(content, country, approvals)
}

/// The compliance reason a received message is rejected for, if any.
fn compliance_rejection(
    snapshot: &Snapshot,
    submission: &Submission,
    number: &super::snapshot::NumberFacts,
    destination: &super::address::E164,
    carrier_id: Option<i64>,
    mms: Option<&Result<i64, String>>,
) -> Option<String> {
    let country = destination.country.as_deref();
    let customer_active = snapshot
        .customers
        .get(&number.customer_id)
        .is_some_and(|c| c.status == CustomerStatus::Active);
    if !customer_active {
        return Some("the customer is not active".into());
    }
    let enabled = match submission.kind {
        MessageKind::Sms => number.sms_enabled,
        MessageKind::Mms => number.mms_enabled,
    };
    if !enabled {
        let kind = match submission.kind {
            MessageKind::Sms => "SMS",
            MessageKind::Mms => "MMS",
        };
        return Some(format!("the source is not enabled for {kind}"));
    }
    if let Some(Err(reason)) = mms {
        return Some(reason.clone());
    }
    if number.kind == NumberKind::ShortCode {
        match snapshot.leases.get(&number.id) {
            Some(state) if state.sends() => {}
            Some(LeaseState::Suspended) => {
                return Some("SHORT_CODE_SUSPENDED: compliance suspended the short code".into())
            }
            _ => return Some("SHORT_CODE_NOT_LEASED: the short code has no active lease".into()),
        }
        let approved = carrier_id.is_some_and(|carrier| {
            snapshot
                .approved_filings
                .get(&(number.id, carrier))
                .is_some_and(|kinds| kinds.iter().any(|k| k.covers(submission.kind)))
        });
        if !approved {
            return Some(
                "NO_CARRIER_APPROVAL: no approved filing of the short code with the destination's carrier"
                    .into(),
            );
        }
    }
    if number.kind == NumberKind::Alphanumeric {
        match country {
            Some(c) if NANP_HOME_COUNTRIES.contains(&c) => {
                return Some("alphanumeric sender IDs may not send to the US or Canada".into())
            }
            Some(c) if snapshot.alphanumeric_countries.iter().any(|a| a == c) => {}
            other => {
                return Some(format!(
                    "alphanumeric sender IDs may not send to {}",
                    other.unwrap_or("an unknown country")
                ))
            }
        }
    }
    if snapshot
        .opt_outs
        .contains(&(number.address.clone(), destination.e164.clone()))
    {
        return Some("the subscriber opted out of this sender".into());
    }
    if let Some(rule) = snapshot.content.violation(&submission.text) {
        return Some(format!("CONTENT_PROHIBITED: rule {rule}"));
    }
    None
}

/// Decides, throttles and rates one message.
pub fn admit(
    snapshot: &Snapshot,
    counters: &ThrottleCounters,
    submission: Submission,
    now: DateTime<Utc>,
) -> Result<Admitted, Refusal> {
    decide(snapshot, Some(counters), submission, now)
}

/// What admission would decide now, without taking throttle capacity: a bulk upload's
/// preview judges its rows with this, so the preview and the send cannot disagree on a rule.
pub fn assess(
    snapshot: &Snapshot,
    submission: Submission,
    now: DateTime<Utc>,
) -> Result<Admitted, Refusal> {
    decide(snapshot, None, submission, now)
}

fn decide(
    snapshot: &Snapshot,
    counters: Option<&ThrottleCounters>,
    submission: Submission,
    now: DateTime<Utc>,
) -> Result<Admitted, Refusal> {
    let number = snapshot
        .numbers
        .get(&submission.source)
        .filter(|n| n.customer_id == submission.customer_id)
        .ok_or(Refusal::UnknownSource)?;
    let destination = parse_e164(&submission.destination)
        .map_err(|e| Refusal::InvalidDestination(e.to_string()))?;
    let country = destination.country.clone();
    let (own_card, rack_card) = snapshot.cards(submission.customer_id, now);
    let udh_octets = own_card
        .or(rack_card)
        .map_or(DEFAULT_UDH_OCTETS, |c| c.udh_octets);
    let fragments = submission
        .part_fragments
        .unwrap_or_else(|| match submission.kind {
            MessageKind::Sms => fragment_count(&submission.text, submission.encoding, udh_octets),
            MessageKind::Mms => 1,
        });
    let route = snapshot.route(&destination.e164);
    // An MMS's policy and use case, decided once: the reason it is refused, or its use case.
    let mms = (submission.kind == MessageKind::Mms)
        .then(|| mms_use_case(snapshot, &submission, number, country.as_deref()));
    let reject_reason = compliance_rejection(
        snapshot,
        &submission,
        number,
        &destination,
        route.carrier_id,
        mms.as_ref(),
    );
    let use_case_id = mms.filter(|_| reject_reason.is_none()).and_then(Result::ok);
    if reject_reason.is_none()
        && counters.is_some_and(|c| !c.try_reserve(number.id, number.limits, fragments, now))
    {
        return Err(Refusal::Throttled);
    }
    let facts = MessageFacts {
        kind: submission.kind,
        direction: Direction::Mt,
        number_kind: number.kind,
        jurisdiction: country.clone(),
        non_gsm: is_non_gsm(submission.encoding, &submission.text),
        fragments,
    };
    let fee = route
        .carrier_id
        .and_then(|id| snapshot.carrier_fee(id, submission.kind, Direction::Mt, now));
    let charges =
        rate(&facts, own_card, rack_card, fee).map_err(|e| Refusal::NoRate(e.to_string()))?;
    let currency = own_card
        .or(rack_card)
        .map(|c| c.currency.clone())
        .unwrap_or_else(|| "USD".into());
    Ok(Admitted {
        customer_id: submission.customer_id,
        number_id: number.id,
        number_kind: number.kind,
        kind: submission.kind,
        direction: Direction::Mt,
        source: number.address.clone(),
        destination: destination.e164,
        destination_country: country,
        carrier_id: route.carrier_id,
        status: if reject_reason.is_some() {
            MessageStatus::Rejected
        } else {
            MessageStatus::Accepted
        },
        reject_reason,
        data_coding: submission.data_coding,
        encoding: submission.encoding,
        fragments,
        text: submission.text,
        concat: submission.concat,
        receipts: submission.receipts,
        charges,
        currency,
        submitted_at: now,
        priority: submission.priority,
        expires_at: submission.expires_at,
        use_case_id,
        mms: submission.mms,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::billing::rating::{Rate, RateCard};
    use crate::messaging::snapshot::{CustomerFacts, NumberFacts};
    use crate::messaging::throttle::EffectiveLimits;
    use chrono::TimeZone;
    use rust_decimal::Decimal;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 6, 1, 12, 0, 0).unwrap()
    }

    fn snapshot() -> Snapshot {
        let mut s = Snapshot::default();
        let number = |id, kind, address: &str, per_second| NumberFacts {
            id,
            customer_id: 1,
            kind,
            address: address.into(),
            sms_enabled: true,
            mms_enabled: false,
            two_way: true,
            limits: EffectiveLimits {
                per_second,
                per_day: None,
                overridden: false,
            },
        };
        s.numbers.insert(
            "+12065550100".into(),
            number(10, NumberKind::LongCode, "+12065550100", 100),
        );
        s.numbers.insert(
            "DEMOCO".into(),
            number(11, NumberKind::Alphanumeric, "DEMOCO", 100),
        );
        s.numbers.insert(
            "+12065550101".into(),
            number(12, NumberKind::LongCode, "+12065550101", 1),
        );
        s.customers.insert(
            1,
            CustomerFacts {
                currency: "USD".into(),
                status: CustomerStatus::Active,
            },
        );
        s.alphanumeric_countries = vec!["GB".into()];
        s.prefixes.insert("+1425555".into(), 7);
        let rate = |id, number_kind, jurisdiction: &str, price: i64| Rate {
            id,
            kind: MessageKind::Sms,
            direction: Direction::Mt,
            number_kind,
            jurisdiction: jurisdiction.into(),
            unit_price: Decimal::new(price, 4),
        };
        s.rack_cards.insert(
            "USD".into(),
            vec![RateCard {
                id: 1,
                customer_id: None,
                currency: "USD".into(),
                effective_from: now() - chrono::Duration::days(1),
                effective_to: None,
                non_gsm_international: false,
                udh_octets: 6,
                rates: vec![
                    rate(1, NumberKind::LongCode, "*", 79),
                    rate(2, NumberKind::Alphanumeric, "*", 500),
                ],
            }],
        );
        s.opt_outs
            .insert(("+12065550100".into(), "+14255550199".into()));
        s
    }

    fn submission(source: &str, destination: &str, text: &str) -> Submission {
        Submission {
            customer_id: 1,
            source: source.into(),
            destination: destination.into(),
            kind: MessageKind::Sms,
            text: text.into(),
            data_coding: DataCoding::Gsm7,
            encoding: Encoding::Gsm7,
            part_fragments: None,
            concat: None,
            receipts: ReceiptRequest::Always,
            priority: 0,
            expires_at: None,
            mms: None,
        }
    }

    #[test]
    fn an_enabled_number_of_the_customer_is_accepted_routed_and_rated() {
        let admitted = admit(
            &snapshot(),
            &ThrottleCounters::default(),
            submission("+12065550100", "14255550123", &"a".repeat(200)),
            now(),
        )
        .unwrap();
        assert_eq!(admitted.status, MessageStatus::Accepted);
        assert_eq!(admitted.destination, "+14255550123");
        assert_eq!(admitted.carrier_id, Some(7));
        assert_eq!(admitted.fragments, 2);
        assert_eq!(admitted.charges[0].amount, Decimal::new(158, 4));
    }

    #[test]
    fn protocol_refusals_are_not_received() {
        let s = snapshot();
        let counters = ThrottleCounters::default();
        let mut foreign = submission("+12065550100", "+14255550123", "x");
        foreign.customer_id = 2;
        assert_eq!(
            admit(&s, &counters, foreign, now()).unwrap_err(),
            Refusal::UnknownSource
        );
        assert_eq!(
            admit(
                &s,
                &counters,
                submission("+19999999999", "+14255550123", "x"),
                now()
            )
            .unwrap_err(),
            Refusal::UnknownSource
        );
        assert!(matches!(
            admit(&s, &counters, submission("+12065550100", "12", "x"), now()).unwrap_err(),
            Refusal::InvalidDestination(_)
        ));
        assert!(admit(
            &s,
            &counters,
            submission("+12065550101", "+14255550123", "x"),
            now()
        )
        .is_ok());
        assert_eq!(
            admit(
                &s,
                &counters,
                submission("+12065550101", "+14255550123", "x"),
                now()
            )
            .unwrap_err(),
            Refusal::Throttled,
            "1 per second"
        );
    }

    #[test]
    fn compliance_rejections_are_received_rated_and_say_why() {
        let s = snapshot();
        let counters = ThrottleCounters::default();
        let cases = [
            (
                submission("DEMOCO", "+14255550123", "x"),
                "may not send to the US or Canada",
            ),
            (
                submission("DEMOCO", "+33612345678", "x"),
                "may not send to FR",
            ),
            (submission("+12065550100", "+14255550199", "x"), "opted out"),
        ];
        for (case, reason) in cases {
            let admitted = admit(&s, &counters, case, now()).unwrap();
            assert_eq!(admitted.status, MessageStatus::Rejected);
            assert!(
                admitted.reject_reason.as_deref().unwrap().contains(reason),
                "{:?}",
                admitted.reject_reason
            );
            assert!(
                !admitted.charges.is_empty(),
                "rejected messages are rated too"
            );
        }
        let allowed = admit(
            &s,
            &counters,
            submission("DEMOCO", "+442071838750", "x"),
            now(),
        )
        .unwrap();
        assert_eq!(
            allowed.status,
            MessageStatus::Accepted,
            "{:?}",
            allowed.reject_reason
        );
        let mut mms = submission("+12065550100", "+14255550123", "x");
        mms.kind = MessageKind::Mms;
        let unrated = admit(&s, &counters, mms, now()).unwrap_err();
        assert!(
            matches!(unrated, Refusal::NoRate(_)),
            "no MMS rate on any card: {unrated}"
        );
    }

    #[test]
    fn mms_needs_an_approved_use_case_for_its_sender() {
        let mut s = snapshot();
        s.mms = crate::compliance::mms::MmsPolicy::from_settings(&Default::default());
        if let Some(number) = s.numbers.get_mut("+12065550100") {
            number.mms_enabled = true;
        }
        for cards in s.rack_cards.values_mut() {
            cards[0].rates.push(Rate {
                id: 9,
                kind: MessageKind::Mms,
                direction: Direction::Mt,
                number_kind: NumberKind::LongCode,
                jurisdiction: "*".into(),
                unit_price: Decimal::new(200, 4),
            });
        }
        let mms = || {
            let mut m = submission("+12065550100", "+14255550123", "x");
            m.kind = MessageKind::Mms;
            m.mms = Some(MmsContent {
                subject: None,
                parts: vec![crate::compliance::mms::MmsPart {
                    content_type: "video/mp4".into(),
                    content_id: None,
                    filename: None,
                    data: vec![0; 100],
                }],
                recipients: 1,
            });
            m
        };
        let counters = ThrottleCounters::default();
        let refused = admit(&s, &counters, mms(), now()).unwrap();
        assert_eq!(refused.status, MessageStatus::Rejected);
        assert!(refused
            .reject_reason
            .unwrap()
            .starts_with("MMS_USE_CASE_NOT_APPROVED"));
        s.mms_approvals.insert(
            10,
            vec![crate::compliance::mms::MmsApproval {
                use_case_id: 3,
                media_types: vec!["video/*".into()],
                att_exempt: false,
            }],
        );
        let allowed = admit(&s, &counters, mms(), now()).unwrap();
        assert_eq!(allowed.use_case_id, Some(3));
        assert_eq!(
            allowed.status,
            MessageStatus::Accepted,
            "{:?}",
            allowed.reject_reason
        );
    }

    #[test]
    fn failure_only_receipts_skip_deliveries() {
        assert!(!ReceiptRequest::OnFailure.wants(MessageStatus::Delivered));
        assert!(ReceiptRequest::OnFailure.wants(MessageStatus::Undeliverable));
        assert!(ReceiptRequest::OnFailure.wants(MessageStatus::Rejected));
        assert!(ReceiptRequest::Always.wants(MessageStatus::Delivered));
        assert!(!ReceiptRequest::None.wants(MessageStatus::Rejected));
    }
}
