//! The opt-out registry: a subscriber's STOP blocks further MT from that sender until START.
//! Records are kept 6 years (the retention job deletes older ones).

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    Set, TransactionTrait,
};
use serde_json::json;

use super::address::parse_e164;
use crate::audit;
use crate::auth::RequestContext;
use crate::db::entities::opt_out;
use crate::db::page::{self, Direction, Page};
use crate::error::AppError;

/// How long opt-out records are kept, in years.
pub const RETENTION_YEARS: u32 = 6;

/// A sender's stored form: E.164 for phone numbers, as given for short codes and IDs.
fn sender_address(sender: &str) -> Result<String, AppError> {
    let sender = sender.trim();
    let plain =
        (1..=16).contains(&sender.len()) && sender.bytes().all(|b| b.is_ascii_alphanumeric());
    if sender.starts_with('+') {
        parse_e164(sender)
            .map(|n| n.e164)
            .map_err(|e| AppError::invalid_field("sender", e.to_string()))
    } else if plain {
        Ok(sender.to_owned())
    } else {
        Err(AppError::invalid_field(
            "sender",
            "is not a number, short code or sender ID",
        ))
    }
}

fn keyword(keyword: &str) -> Result<String, AppError> {
    let keyword = keyword.trim().to_uppercase();
    if keyword.is_empty() || keyword.chars().count() > 32 {
        return Err(AppError::invalid_field(
            "keyword",
            "must be 1 to 32 characters",
        ));
    }
    Ok(keyword)
}

/// The opt-out in force for this pair, if any.
pub async fn active(
    conn: &impl ConnectionTrait,
    sender: &str,
    subscriber: &str,
) -> Result<Option<opt_out::Model>, AppError> {
    Ok(opt_out::Entity::find()
        .filter(opt_out::Column::Sender.eq(sender))
        .filter(opt_out::Column::Subscriber.eq(subscriber))
        .filter(opt_out::Column::OptedInAt.is_null())
        .one(conn)
        .await?)
}

/// Records a STOP; a pair already opted out keeps its first record.
pub async fn record_opt_out(
    db: &DatabaseConnection,
    actor: &RequestContext,
    sender: &str,
    subscriber: &str,
    stop_keyword: &str,
) -> Result<opt_out::Model, AppError> {
    let sender = sender_address(sender)?;
    let subscriber = parse_e164(subscriber)
        .map_err(|e| AppError::invalid_field("subscriber", e.to_string()))?
        .e164;
    let stop_keyword = keyword(stop_keyword)?;
    if let Some(existing) = active(db, &sender, &subscriber).await? {
        return Ok(existing);
    }
    let txn = db.begin().await?;
    let created = opt_out::ActiveModel {
        sender: Set(sender),
        subscriber: Set(subscriber),
        keyword: Set(stop_keyword.clone()),
        opted_out_at: Set(Utc::now()),
        opt_in_keyword: Set(None),
        opted_in_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        "recordOptOut",
        "opt_out",
        created.id,
        json!({ "keyword": stop_keyword }),
    )
    .await?;
    txn.commit().await?;
    Ok(created)
}

/// Records a START: the opt-out stops blocking but its record stays.
pub async fn record_opt_in(
    db: &DatabaseConnection,
    actor: &RequestContext,
    sender: &str,
    subscriber: &str,
    start_keyword: &str,
) -> Result<opt_out::Model, AppError> {
    let sender = sender_address(sender)?;
    let subscriber = parse_e164(subscriber)
        .map_err(|e| AppError::invalid_field("subscriber", e.to_string()))?
        .e164;
    let start_keyword = keyword(start_keyword)?;
    let current = active(db, &sender, &subscriber).await?.ok_or_else(|| {
        AppError::Conflict("the subscriber is not opted out of this sender".into())
    })?;
    let txn = db.begin().await?;
    let mut active_model: opt_out::ActiveModel = current.into();
    active_model.opt_in_keyword = Set(Some(start_keyword.clone()));
    active_model.opted_in_at = Set(Some(Utc::now()));
    let updated = active_model.update(&txn).await?;
    audit::record(
        &txn,
        actor,
        "recordOptIn",
        "opt_out",
        updated.id,
        json!({ "keyword": start_keyword }),
    )
    .await?;
    txn.commit().await?;
    Ok(updated)
}

/// True when MT from `sender` to `subscriber` is blocked.
pub async fn is_opted_out(
    conn: &impl ConnectionTrait,
    sender: &str,
    subscriber: &str,
) -> Result<bool, AppError> {
    Ok(active(conn, sender, subscriber).await?.is_some())
}

/// A page of records, newest first, optionally for one sender and/or subscriber.
pub async fn list(
    db: &DatabaseConnection,
    sender: Option<&str>,
    subscriber: Option<&str>,
    after: Option<i64>,
    first: u64,
) -> Result<Page<opt_out::Model>, AppError> {
    let mut select = opt_out::Entity::find();
    if let Some(sender) = sender {
        select = select.filter(opt_out::Column::Sender.eq(sender_address(sender)?));
    }
    if let Some(subscriber) = subscriber {
        let subscriber = parse_e164(subscriber)
            .map_err(|e| AppError::invalid_field("subscriber", e.to_string()))?;
        select = select.filter(opt_out::Column::Subscriber.eq(subscriber.e164));
    }
    Ok(page::keyset(
        db,
        select,
        opt_out::Column::Id,
        after,
        first,
        Direction::NewestFirst,
    )
    .await?)
}
