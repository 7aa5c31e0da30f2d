//! Carrier pass-through fees in the database: per message (fragment) and per filing,
//! effective-dated per carrier, message kind and direction.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use sea_orm::{
    ActiveEnum, ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    QueryFilter, QueryOrder, Set, TransactionTrait,
};
use serde_json::json;

use super::money::{from_micros, to_micros};
use super::rating::{periods_overlap, CarrierFee, Direction, MessageKind};
use crate::audit;
use crate::auth::RequestContext;
use crate::db::entities::{carrier, carrier_fee};
use crate::error::AppError;

/// A fee schedule to add.
#[derive(Clone, Debug)]
pub struct NewCarrierFee {
    pub carrier_id: i64,
    pub kind: MessageKind,
    pub direction: Direction,
    pub currency: String,
    pub per_message: Decimal,
    pub per_filing: Decimal,
    pub effective_from: DateTime<Utc>,
    pub effective_to: Option<DateTime<Utc>>,
}

fn micros(field: &str, amount: Decimal) -> Result<i64, AppError> {
    if amount.is_sign_negative() && !amount.is_zero() {
        return Err(AppError::invalid_field(field, "must not be negative"));
    }
    to_micros(amount).map_err(|e| AppError::invalid_field(field, e.to_string()))
}

/// Adds a fee schedule; periods of the same carrier, kind and direction may not overlap.
pub async fn create(
    db: &DatabaseConnection,
    actor: &RequestContext,
    new: NewCarrierFee,
) -> Result<carrier_fee::Model, AppError> {
    let per_message = micros("per_message", new.per_message)?;
    let per_filing = micros("per_filing", new.per_filing)?;
    if iso_currency::Currency::from_code(&new.currency).is_none() {
        return Err(AppError::invalid_field(
            "currency",
            "must be an ISO 4217 currency code",
        ));
    }
    if new.effective_to.is_some_and(|to| to <= new.effective_from) {
        return Err(AppError::invalid_field(
            "effective_to",
            "must be after effective_from",
        ));
    }
    carrier::Entity::find_by_id(new.carrier_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::invalid_field("carrier_id", "no such carrier"))?;
    let txn = db.begin().await?;
    let siblings = carrier_fee::Entity::find()
        .filter(carrier_fee::Column::CarrierId.eq(new.carrier_id))
        .filter(carrier_fee::Column::MessageKind.eq(new.kind))
        .filter(carrier_fee::Column::Direction.eq(new.direction))
        .all(&txn)
        .await?;
    if let Some(other) = siblings.iter().find(|o| {
        periods_overlap(
            new.effective_from,
            new.effective_to,
            o.effective_from,
            o.effective_to,
        )
    }) {
        return Err(AppError::Conflict(format!(
            "the period overlaps carrier fee {}",
            other.id
        )));
    }
    let created = carrier_fee::ActiveModel {
        carrier_id: Set(new.carrier_id),
        message_kind: Set(new.kind),
        direction: Set(new.direction),
        currency: Set(new.currency),
        per_message_micros: Set(per_message),
        per_filing_micros: Set(per_filing),
        effective_from: Set(new.effective_from),
        effective_to: Set(new.effective_to),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        "createCarrierFee",
        "carrier_fee",
        created.id,
        json!({ "carrier_id": created.carrier_id, "message_kind": created.message_kind.to_value(),
                "direction": created.direction.to_value(), "per_message": new.per_message.to_string(),
                "per_filing": new.per_filing.to_string() }),
    )
    .await?;
    txn.commit().await?;
    Ok(created)
}

/// Fee schedules, optionally of one carrier, newest first.
pub async fn list(
    db: &DatabaseConnection,
    carrier_id: Option<i64>,
) -> Result<Vec<carrier_fee::Model>, AppError> {
    let mut select = carrier_fee::Entity::find().order_by_desc(carrier_fee::Column::EffectiveFrom);
    if let Some(carrier_id) = carrier_id {
        select = select.filter(carrier_fee::Column::CarrierId.eq(carrier_id));
    }
    Ok(select.all(db).await?)
}

/// The domain form of a stored fee.
pub fn to_fee(m: &carrier_fee::Model) -> CarrierFee {
    CarrierFee {
        id: m.id,
        carrier_id: m.carrier_id,
        kind: m.message_kind,
        direction: m.direction,
        per_message: from_micros(m.per_message_micros),
        per_filing: from_micros(m.per_filing_micros),
        effective_from: m.effective_from,
        effective_to: m.effective_to,
    }
}

/// The fee in force for a carrier, kind and direction at `at`.
pub async fn in_force(
    conn: &impl ConnectionTrait,
    carrier_id: i64,
    kind: MessageKind,
    direction: Direction,
    at: DateTime<Utc>,
) -> Result<Option<CarrierFee>, AppError> {
    let rows = carrier_fee::Entity::find()
        .filter(carrier_fee::Column::CarrierId.eq(carrier_id))
        .filter(carrier_fee::Column::MessageKind.eq(kind))
        .filter(carrier_fee::Column::Direction.eq(direction))
        .all(conn)
        .await?;
    Ok(rows
        .iter()
        .map(to_fee)
        .find(|f| f.applies(carrier_id, kind, direction, at)))
}
