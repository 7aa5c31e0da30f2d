//! Carrier filings in the database. Submitting charges the filing fee from the price list and
//! the carrier's per-filing pass-through fee (once for SMS and MMS filed together, once each
//! when filed apart); decisions are compliance's, with a reason for a rejection.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set,
    TransactionTrait,
};
use serde_json::json;

use super::filings::{may_move, FilingKind, FilingStatus};
use super::lease_store::{price, record_charge, ChargeLine};
use super::numbers::NumberKind;
use crate::audit;
use crate::auth::RequestContext;
use crate::billing::rating::Direction;
use crate::db::entities::{carrier, carrier_fee, carrier_filing, customer, number};
use crate::error::AppError;

/// A filing to draft.
#[derive(Clone, Debug)]
pub struct NewFiling {
    pub number_id: i64,
    pub carrier_id: i64,
    pub kind: FilingKind,
    pub use_case: String,
    pub sample_messages: Vec<String>,
    pub help_answer: String,
    pub stop_answer: String,
}

fn text_field(field: &str, value: &str, max: usize) -> Result<String, AppError> {
    let value = value.trim();
    if value.is_empty() || value.chars().count() > max {
        return Err(AppError::invalid_field(
            field,
            format!("must be 1 to {max} characters"),
        ));
    }
    Ok(value.to_owned())
}

/// Drafts a filing of a short code with a carrier.
pub async fn create(
    db: &DatabaseConnection,
    actor: &RequestContext,
    new: NewFiling,
) -> Result<carrier_filing::Model, AppError> {
    let use_case = text_field("use_case", &new.use_case, 4000)?;
    let help_answer = text_field("help_answer", &new.help_answer, 160)?;
    let stop_answer = text_field("stop_answer", &new.stop_answer, 160)?;
    if new.sample_messages.is_empty() || new.sample_messages.iter().any(|m| m.trim().is_empty()) {
        return Err(AppError::invalid_field(
            "sample_messages",
            "needs at least one non-empty sample",
        ));
    }
    let code = number::Entity::find_by_id(new.number_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("number {}", new.number_id)))?;
    if code.kind != NumberKind::ShortCode {
        return Err(AppError::invalid_field("number_id", "is not a short code"));
    }
    carrier::Entity::find_by_id(new.carrier_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("carrier {}", new.carrier_id)))?;
    let now = Utc::now();
    let txn = db.begin().await?;
    let created = carrier_filing::ActiveModel {
        customer_id: Set(code.customer_id),
        number_id: Set(code.id),
        carrier_id: Set(new.carrier_id),
        kind: Set(new.kind),
        use_case: Set(use_case),
        sample_messages: Set(serde_json::to_string(&new.sample_messages).unwrap_or_default()),
        help_answer: Set(help_answer),
        stop_answer: Set(stop_answer),
        status: Set(FilingStatus::Draft),
        decision_reason: Set(None),
        submitted_at: Set(None),
        decided_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(&txn, actor, "createFiling", "carrier_filing", created.id, json!({ "number_id": code.id, "carrier_id": new.carrier_id, "kind": format!("{:?}", new.kind) })).await?;
    txn.commit().await?;
    Ok(created)
}

/// Moves a filing to `to`; submitting charges its fees, a rejection needs a reason.
pub async fn set_status(
    db: &DatabaseConnection,
    actor: &RequestContext,
    filing_id: i64,
    to: FilingStatus,
    reason: Option<String>,
) -> Result<carrier_filing::Model, AppError> {
    let current = carrier_filing::Entity::find_by_id(filing_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("filing {filing_id}")))?;
    if !may_move(current.status, to) {
        return Err(AppError::Conflict(format!(
            "a {:?} filing cannot become {to:?}",
            current.status
        )));
    }
    let reason = reason
        .map(|r| r.trim().to_owned())
        .filter(|r| !r.is_empty());
    if matches!(to, FilingStatus::Rejected | FilingStatus::AmendmentRequired) && reason.is_none() {
        return Err(AppError::invalid_field(
            "reason",
            "is required for this decision",
        ));
    }
    let now = Utc::now();
    let txn = db.begin().await?;
    if to == FilingStatus::Submitted {
        let customer = customer::Entity::find_by_id(current.customer_id)
            .one(&txn)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("customer {}", current.customer_id)))?;
        let code = number::Entity::find_by_id(current.number_id)
            .one(&txn)
            .await?
            .map(|n| n.address)
            .unwrap_or_default();
        let ours = price(&txn, &customer, "filing", "", now).await?;
        record_charge(
            &txn,
            &customer,
            ChargeLine {
                kind: "filing",
                description: format!(
                    "Carrier filing {} ({:?}) of short code {code}",
                    current.id, current.kind
                ),
                quantity: 1,
                unit_price_micros: ours,
                at: now,
                lease_id: None,
                filing_id: Some(current.id),
            },
        )
        .await?;
        let fee = carrier_fee::Entity::find()
            .filter(carrier_fee::Column::CarrierId.eq(current.carrier_id))
            .filter(carrier_fee::Column::MessageKind.eq(current.kind.fee_kind()))
            .filter(carrier_fee::Column::Direction.eq(Direction::Mt))
            .filter(carrier_fee::Column::Currency.eq(customer.currency.as_str()))
            .filter(carrier_fee::Column::EffectiveFrom.lte(now))
            .order_by_desc(carrier_fee::Column::EffectiveFrom)
            .all(&txn)
            .await?
            .into_iter()
            .find(|f| f.effective_to.is_none_or(|to| now < to));
        if let Some(fee) = fee.filter(|f| f.per_filing_micros > 0) {
            record_charge(
                &txn,
                &customer,
                ChargeLine {
                    kind: "carrier_filing_fee",
                    description: format!("Carrier pass-through fee for filing {}", current.id),
                    quantity: 1,
                    unit_price_micros: fee.per_filing_micros,
                    at: now,
                    lease_id: None,
                    filing_id: Some(current.id),
                },
            )
            .await?;
        }
    }
    let from = current.status;
    let mut active: carrier_filing::ActiveModel = current.into();
    active.status = Set(to);
    active.updated_at = Set(now);
    match to {
        FilingStatus::Submitted => {
            active.submitted_at = Set(Some(now));
            active.decided_at = Set(None);
            active.decision_reason = Set(None);
        }
        _ => {
            active.decided_at = Set(Some(now));
            active.decision_reason = Set(reason.clone());
        }
    }
    let saved = active.update(&txn).await?;
    audit::record(
        &txn,
        actor,
        "setFilingStatus",
        "carrier_filing",
        filing_id,
        json!({ "from": format!("{from:?}"), "to": format!("{to:?}"), "reason": reason }),
    )
    .await?;
    txn.commit().await?;
    Ok(saved)
}

/// Filings, newest first, optionally of one customer or short code.
pub async fn list(
    db: &DatabaseConnection,
    customer_id: Option<i64>,
    number_id: Option<i64>,
) -> Result<Vec<carrier_filing::Model>, AppError> {
    let mut select = carrier_filing::Entity::find().order_by_desc(carrier_filing::Column::Id);
    if let Some(id) = customer_id {
        select = select.filter(carrier_filing::Column::CustomerId.eq(id));
    }
    if let Some(id) = number_id {
        select = select.filter(carrier_filing::Column::NumberId.eq(id));
    }
    Ok(select.all(db).await?)
}
