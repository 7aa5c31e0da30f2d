//! Reading and changing numbers. Rules come from `numbers`; every change is audited in its
//! own transaction.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    Set, TransactionTrait,
};
use serde_json::json;

use super::authorizations;
use super::numbers::{
    check_enablement, check_setup, parse_sender, EnablementFacts, NumberKind, NumberSetup,
    ShortCodeType,
};
use crate::audit;
use crate::auth::RequestContext;
use crate::db::entities::{customer, number};
use crate::db::page::{self, Direction, Page};
use crate::error::AppError;

/// A number to register for a customer.
#[derive(Clone, Debug)]
pub struct NewNumber {
    pub customer_id: i64,
    pub kind: NumberKind,
    pub address: String,
    pub short_code_type: Option<ShortCodeType>,
    pub two_way: bool,
    /// Always refused: the contract supports no FTEU programs.
    pub fteu: bool,
    pub per_second_limit: Option<u32>,
    pub per_day_limit: Option<u64>,
}

/// Highest per-number throughput an override may set.
pub const MAX_PER_SECOND: u32 = 1_000_000;

fn check_limits(per_second: Option<u32>, per_day: Option<u64>) -> Result<(), AppError> {
    if per_second.is_some_and(|n| n == 0 || n > MAX_PER_SECOND) {
        return Err(AppError::invalid_field(
            "per_second_limit",
            format!("must be between 1 and {MAX_PER_SECOND}"),
        ));
    }
    if per_day.is_some_and(|n| n == 0 || i64::try_from(n).is_err()) {
        return Err(AppError::invalid_field(
            "per_day_limit",
            "must be at least 1",
        ));
    }
    Ok(())
}

fn rule(field_and_error: (&'static str, super::numbers::EnablementError)) -> AppError {
    AppError::invalid_field(field_and_error.0, field_and_error.1.to_string())
}

/// Registers a number, disabled until it is attested and enabled.
pub async fn create(
    db: &DatabaseConnection,
    actor: &RequestContext,
    new: NewNumber,
) -> Result<number::Model, AppError> {
    let sender = parse_sender(new.kind, &new.address)
        .map_err(|e| AppError::invalid_field("address", e.to_string()))?;
    check_setup(NumberSetup {
        kind: new.kind,
        two_way: new.two_way,
        fteu: new.fteu,
        short_code_type: new.short_code_type,
    })
    .map_err(rule)?;
    check_limits(new.per_second_limit, new.per_day_limit)?;
    customer::Entity::find_by_id(new.customer_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::invalid_field("customer_id", "no such customer"))?;
    if find_by_address(db, &sender.address).await?.is_some() {
        return Err(AppError::Conflict(format!(
            "{} is already registered",
            sender.address
        )));
    }
    let now = Utc::now();
    let txn = db.begin().await?;
    let created = number::ActiveModel {
        customer_id: Set(new.customer_id),
        kind: Set(new.kind),
        address: Set(sender.address),
        country: Set(sender.country),
        short_code_type: Set(new.short_code_type),
        two_way: Set(new.two_way),
        sms_enabled: Set(false),
        mms_enabled: Set(false),
        attested_by: Set(None),
        attested_at: Set(None),
        per_second_limit: Set(new.per_second_limit.and_then(|n| i32::try_from(n).ok())),
        per_day_limit: Set(new.per_day_limit.and_then(|n| i64::try_from(n).ok())),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        "createNumber",
        "number",
        created.id,
        json!({ "customer_id": created.customer_id, "kind": format!("{:?}", created.kind),
                "address": created.address, "two_way": created.two_way }),
    )
    .await?;
    txn.commit().await?;
    Ok(created)
}

/// Changes a number's direction; the same rules as at creation apply.
pub async fn set_two_way(
    db: &DatabaseConnection,
    actor: &RequestContext,
    id: i64,
    two_way: bool,
    fteu: bool,
) -> Result<number::Model, AppError> {
    let current = get(db, id, None).await?;
    check_setup(NumberSetup {
        kind: current.kind,
        two_way,
        fteu,
        short_code_type: current.short_code_type,
    })
    .map_err(rule)?;
    let mut active: number::ActiveModel = current.into();
    active.two_way = Set(two_way);
    save(
        db,
        actor,
        active,
        "updateNumber",
        json!({ "two_way": two_way }),
    )
    .await
}

/// Sets or clears (None) the number's own limits.
pub async fn set_throttle(
    db: &DatabaseConnection,
    actor: &RequestContext,
    id: i64,
    per_second: Option<u32>,
    per_day: Option<u64>,
) -> Result<number::Model, AppError> {
    check_limits(per_second, per_day)?;
    let current = get(db, id, None).await?;
    let mut active: number::ActiveModel = current.into();
    active.per_second_limit = Set(per_second.and_then(|n| i32::try_from(n).ok()));
    active.per_day_limit = Set(per_day.and_then(|n| i64::try_from(n).ok()));
    save(
        db,
        actor,
        active,
        "setNumberThrottle",
        json!({ "per_second_limit": per_second, "per_day_limit": per_day }),
    )
    .await
}

/// Records who attested that the customer legitimately owns the number.
pub async fn attest(
    db: &DatabaseConnection,
    actor: &RequestContext,
    id: i64,
    attested_by: &str,
) -> Result<number::Model, AppError> {
    let attested_by = attested_by.trim();
    if attested_by.is_empty() || attested_by.chars().count() > 200 {
        return Err(AppError::invalid_field(
            "attested_by",
            "must be 1 to 200 characters",
        ));
    }
    let current = get(db, id, None).await?;
    let mut active: number::ActiveModel = current.into();
    active.attested_by = Set(Some(attested_by.to_owned()));
    active.attested_at = Set(Some(Utc::now()));
    save(
        db,
        actor,
        active,
        "attestNumberOwnership",
        json!({ "attested_by": attested_by }),
    )
    .await
}

/// Turns SMS and MMS on or off; turning on needs the attestation (and, for an alphanumeric
/// ID, an authorization on file).
pub async fn set_messaging(
    db: &DatabaseConnection,
    actor: &RequestContext,
    id: i64,
    sms: bool,
    mms: bool,
) -> Result<number::Model, AppError> {
    let current = get(db, id, None).await?;
    let facts = EnablementFacts {
        kind: current.kind,
        attested: current.attested_at.is_some(),
        authorization_on_file: authorizations::has_active(db, id).await?,
    };
    check_enablement(facts, sms, mms).map_err(rule)?;
    let mut active: number::ActiveModel = current.into();
    active.sms_enabled = Set(sms);
    active.mms_enabled = Set(mms);
    save(
        db,
        actor,
        active,
        "setNumberMessaging",
        json!({ "sms": sms, "mms": mms }),
    )
    .await
}

async fn save(
    db: &DatabaseConnection,
    actor: &RequestContext,
    mut row: number::ActiveModel,
    action: &str,
    detail: serde_json::Value,
) -> Result<number::Model, AppError> {
    row.updated_at = Set(Utc::now());
    let id = *row.id.as_ref();
    audit::update(db, actor, row, action, "number", id, detail).await
}

/// One number; with `only` set (a customer key), another customer's number is not found.
pub async fn get(
    conn: &impl ConnectionTrait,
    id: i64,
    only: Option<i64>,
) -> Result<number::Model, AppError> {
    number::Entity::find_by_id(id)
        .one(conn)
        .await?
        .filter(|n| only.is_none_or(|own| own == n.customer_id))
        .ok_or_else(|| AppError::NotFound(format!("number {id}")))
}

/// The number with this stored address.
pub async fn find_by_address(
    conn: &impl ConnectionTrait,
    address: &str,
) -> Result<Option<number::Model>, AppError> {
    Ok(number::Entity::find()
        .filter(number::Column::Address.eq(address))
        .one(conn)
        .await?)
}

/// Which numbers to list.
#[derive(Clone, Copy, Debug, Default)]
pub struct NumberFilter {
    /// Forced for customer keys.
    pub only: Option<i64>,
    pub customer_id: Option<i64>,
    pub kind: Option<NumberKind>,
}

/// A page of numbers, oldest first.
pub async fn list(
    db: &DatabaseConnection,
    filter: NumberFilter,
    after: Option<i64>,
    first: u64,
) -> Result<Page<number::Model>, AppError> {
    let mut select = number::Entity::find();
    for customer_id in [filter.only, filter.customer_id].into_iter().flatten() {
        select = select.filter(number::Column::CustomerId.eq(customer_id));
    }
    if let Some(kind) = filter.kind {
        select = select.filter(number::Column::Kind.eq(kind));
    }
    Ok(page::keyset(
        db,
        select,
        number::Column::Id,
        after,
        first,
        Direction::OldestFirst,
    )
    .await?)
}
