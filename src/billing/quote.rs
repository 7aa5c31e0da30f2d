//! What a message would cost: the preview finance and senders see before sending, built from
//! the same pure rules admission will use.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use sea_orm::DatabaseConnection;

use super::carrier_fees;
use super::rate_store::cards_in_force;
use super::rating::{rate, total, ChargeLine, Direction, MessageFacts, MessageKind};
use crate::compliance::numbers::NumberKind;
use crate::customers::store as customers;
use crate::error::AppError;
use crate::messaging::carrier_store;
use crate::messaging::fragments::{is_non_gsm, Encoding};

/// The price of one message and the lines behind it.
#[derive(Clone, Debug)]
pub struct Quote {
    pub currency: String,
    pub lines: Vec<ChargeLine>,
    pub total: Decimal,
}

/// What to price.
#[derive(Clone, Debug)]
pub struct QuoteRequest<'a> {
    pub customer_id: i64,
    pub number_kind: NumberKind,
    pub kind: MessageKind,
    pub destination: &'a str,
    pub text: &'a str,
    pub encoding: Encoding,
    pub fragments: u32,
    pub at: DateTime<Utc>,
}

/// Prices an MT message for a customer as it would be rated now.
pub async fn quote(db: &DatabaseConnection, request: QuoteRequest<'_>) -> Result<Quote, AppError> {
    let customer = customers::get(db, request.customer_id, None)
        .await
        .map_err(|_| AppError::invalid_field("customer_id", "no such customer"))?;
    let route = carrier_store::lookup(db, request.destination).await?;
    let (own, rack) = cards_in_force(db, &customer, request.at).await?;
    let facts = MessageFacts {
        kind: request.kind,
        direction: Direction::Mt,
        number_kind: request.number_kind,
        jurisdiction: route.destination.country.clone(),
        non_gsm: is_non_gsm(request.encoding, request.text),
        fragments: request.fragments,
    };
    let fee = match route.carrier.as_ref() {
        Some(carrier) => {
            carrier_fees::in_force(db, carrier.id, request.kind, Direction::Mt, request.at).await?
        }
        None => None,
    };
    let lines = rate(&facts, own.as_ref(), rack.as_ref(), fee.as_ref())
        .map_err(|e| AppError::invalid_field("destination", e.to_string()))?;
    Ok(Quote {
        currency: customer.currency,
        total: total(&lines),
        lines,
    })
}
