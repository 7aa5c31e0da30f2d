//! Reading and changing customers. Every change writes its audit row in the same transaction.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set,
    TransactionTrait,
};
use validator::Validate;

use super::{CustomerUpdate, NewCustomer};
use crate::audit;
use crate::auth::RequestContext;
use crate::db::entities::customer;
use crate::db::page::{self, Direction, Page};
use crate::error::AppError;

/// Creates a customer; a taken name is a conflict.
pub async fn create(
    db: &DatabaseConnection,
    actor: &RequestContext,
    new: NewCustomer,
) -> Result<customer::Model, AppError> {
    new.validate()?;
    let name = new.name.trim().to_owned();
    ensure_name_free(db, &name, None).await?;
    let now = Utc::now();
    let txn = db.begin().await?;
    let created = customer::ActiveModel {
        name: Set(name),
        account_manager_email: Set(new.account_manager_email),
        billing_email: Set(new.billing_email),
        currency: Set(new.currency),
        status: Set(new.status),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        "createCustomer",
        "customer",
        created.id,
        serde_json::json!({
            "name": created.name,
            "account_manager_email": created.account_manager_email,
            "billing_email": created.billing_email,
            "currency": created.currency,
            "status": created.status,
        }),
    )
    .await?;
    txn.commit().await?;
    Ok(created)
}

/// Applies the fields an update sets; the audit row holds just those fields.
pub async fn update(
    db: &DatabaseConnection,
    actor: &RequestContext,
    id: i64,
    change: CustomerUpdate,
) -> Result<customer::Model, AppError> {
    change.validate()?;
    let current = get(db, id, None).await?;
    let mut active: customer::ActiveModel = current.into();
    let mut detail = serde_json::Map::new();
    if let Some(name) = change.name {
        let name = name.trim().to_owned();
        ensure_name_free(db, &name, Some(id)).await?;
        detail.insert("name".into(), name.clone().into());
        active.name = Set(name);
    }
    if let Some(email) = change.account_manager_email {
        detail.insert("account_manager_email".into(), email.clone().into());
        active.account_manager_email = Set(email);
    }
    if let Some(email) = change.billing_email {
        detail.insert("billing_email".into(), email.clone().into());
        active.billing_email = Set(email);
    }
    if let Some(currency) = change.currency {
        detail.insert("currency".into(), currency.clone().into());
        active.currency = Set(currency);
    }
    if let Some(status) = change.status {
        detail.insert("status".into(), serde_json::json!(status));
        active.status = Set(status);
    }
    active.updated_at = Set(Utc::now());
    audit::update(
        db,
        actor,
        active,
        "updateCustomer",
        "customer",
        id,
        detail.into(),
    )
    .await
}

/// One customer; with `only` set (a customer key), any other id is not found.
pub async fn get(
    db: &DatabaseConnection,
    id: i64,
    only: Option<i64>,
) -> Result<customer::Model, AppError> {
    if only.is_some_and(|own| own != id) {
        return Err(AppError::NotFound(format!("customer {id}")));
    }
    customer::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("customer {id}")))
}

/// A page of customers, oldest first; with `only` set, just that customer.
pub async fn list(
    db: &DatabaseConnection,
    only: Option<i64>,
    after: Option<i64>,
    first: u64,
) -> Result<Page<customer::Model>, AppError> {
    let mut select = customer::Entity::find();
    if let Some(own) = only {
        select = select.filter(customer::Column::Id.eq(own));
    }
    Ok(page::keyset(
        db,
        select,
        customer::Column::Id,
        after,
        first,
        Direction::OldestFirst,
    )
    .await?)
}

/// The customer with this exact name, if any (demo seeding is keyed on it).
pub async fn find_by_name(
    db: &DatabaseConnection,
    name: &str,
) -> Result<Option<customer::Model>, AppError> {
    Ok(customer::Entity::find()
        .filter(customer::Column::Name.eq(name))
        .one(db)
        .await?)
}

async fn ensure_name_free(
    db: &DatabaseConnection,
    name: &str,
    except: Option<i64>,
) -> Result<(), AppError> {
    match find_by_name(db, name).await? {
        Some(existing) if Some(existing.id) != except => Err(AppError::Conflict(format!(
            "a customer named {name:?} already exists"
        ))),
        _ => Ok(()),
    }
}
