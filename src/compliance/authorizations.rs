//! Alphanumeric sender authorizations: the evidence that a sender allowed the customer to use
//! its name. Enabling an ID needs one on file; withdrawing the last one disables the ID.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, Set, TransactionTrait,
};
use serde_json::json;

use super::number_store;
use super::numbers::NumberKind;
use crate::audit;
use crate::auth::RequestContext;
use crate::db::entities::{number, sender_authorization};
use crate::error::AppError;

/// The evidence to record.
#[derive(Clone, Debug)]
pub struct NewAuthorization {
    pub number_id: i64,
    pub reference: String,
    pub granted_by: String,
    pub granted_at: DateTime<Utc>,
}

fn text_field(field: &str, value: &str) -> Result<String, AppError> {
    let value = value.trim();
    if value.is_empty() || value.chars().count() > 200 {
        return Err(AppError::invalid_field(
            field,
            "must be 1 to 200 characters",
        ));
    }
    Ok(value.to_owned())
}

/// Records an authorization for an alphanumeric sender ID.
pub async fn record(
    db: &DatabaseConnection,
    actor: &RequestContext,
    new: NewAuthorization,
) -> Result<sender_authorization::Model, AppError> {
    let reference = text_field("reference", &new.reference)?;
    let granted_by = text_field("granted_by", &new.granted_by)?;
    if new.granted_at > Utc::now() {
        return Err(AppError::invalid_field(
            "granted_at",
            "must not be in the future",
        ));
    }
    let sender = number_store::get(db, new.number_id, None)
        .await
        .map_err(|_| AppError::invalid_field("number_id", "no such number"))?;
    if sender.kind != NumberKind::Alphanumeric {
        return Err(AppError::invalid_field(
            "number_id",
            "only alphanumeric sender IDs need an authorization",
        ));
    }
    let txn = db.begin().await?;
    let created = sender_authorization::ActiveModel {
        number_id: Set(sender.id),
        reference: Set(reference),
        granted_by: Set(granted_by),
        granted_at: Set(new.granted_at),
        recorded_by: Set(actor.actor.clone()),
        recorded_at: Set(Utc::now()),
        withdrawn_by: Set(None),
        withdrawn_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        "recordSenderAuthorization",
        "sender_authorization",
        created.id,
        json!({ "number_id": sender.id, "reference": created.reference, "granted_by": created.granted_by }),
    )
    .await?;
    txn.commit().await?;
    Ok(created)
}

/// Withdraws an authorization; without another one on file the ID is disabled at once, in the
/// same transaction.
pub async fn withdraw(
    db: &DatabaseConnection,
    actor: &RequestContext,
    id: i64,
) -> Result<sender_authorization::Model, AppError> {
    let current = sender_authorization::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("sender authorization {id}")))?;
    if current.withdrawn_at.is_some() {
        return Err(AppError::Conflict(format!(
            "sender authorization {id} is already withdrawn"
        )));
    }
    let number_id = current.number_id;
    let txn = db.begin().await?;
    let mut active: sender_authorization::ActiveModel = current.into();
    active.withdrawn_by = Set(Some(actor.actor.clone()));
    active.withdrawn_at = Set(Some(Utc::now()));
    let withdrawn = active.update(&txn).await?;
    audit::record(
        &txn,
        actor,
        "withdrawSenderAuthorization",
        "sender_authorization",
        id,
        json!({ "number_id": number_id }),
    )
    .await?;
    if !has_active(&txn, number_id).await? {
        let sender = number_store::get(&txn, number_id, None).await?;
        if sender.sms_enabled || sender.mms_enabled {
            let mut disabled: number::ActiveModel = sender.into();
            disabled.sms_enabled = Set(false);
            disabled.mms_enabled = Set(false);
            disabled.updated_at = Set(Utc::now());
            disabled.update(&txn).await?;
            audit::record(
                &txn,
                actor,
                "withdrawSenderAuthorization",
                "number",
                number_id,
                json!({ "sms": false, "mms": false, "reason": "authorization withdrawn" }),
            )
            .await?;
        }
    }
    txn.commit().await?;
    Ok(withdrawn)
}

/// True when an authorization for the number is on file and not withdrawn.
pub async fn has_active(conn: &impl ConnectionTrait, number_id: i64) -> Result<bool, AppError> {
    let count = sender_authorization::Entity::find()
        .filter(sender_authorization::Column::NumberId.eq(number_id))
        .filter(sender_authorization::Column::WithdrawnAt.is_null())
        .count(conn)
        .await?;
    Ok(count > 0)
}

/// Every authorization of a number, newest first, withdrawn ones included.
pub async fn list(
    db: &DatabaseConnection,
    number_id: i64,
) -> Result<Vec<sender_authorization::Model>, AppError> {
    Ok(sender_authorization::Entity::find()
        .filter(sender_authorization::Column::NumberId.eq(number_id))
        .order_by_desc(sender_authorization::Column::Id)
        .all(db)
        .await?)
}
