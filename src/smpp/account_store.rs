//! SMPP accounts in the database. Plain passwords exist only in the request that sets them
//! and in the one response that shows a generated one.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set, TransactionTrait,
};
use serde_json::json;

use super::accounts::{
    check_limits, check_password, check_system_id, encode_bind_types, generate_password,
    hash_password, BindType,
};
use crate::audit;
use crate::auth::RequestContext;
use crate::db::entities::{customer, smpp_account};
use crate::error::AppError;

/// An account to create.
#[derive(Clone, Debug)]
pub struct NewSmppAccount {
    pub customer_id: i64,
    pub system_id: String,
    /// Generated when absent.
    pub password: Option<String>,
    pub bind_types: Vec<BindType>,
    pub max_binds: u32,
    pub window_size: u32,
    pub allowed_networks: Vec<String>,
    pub reassemble_mo: bool,
}

/// Changes to an account's limits; absent fields stay.
#[derive(Clone, Debug, Default)]
pub struct SmppAccountUpdate {
    pub bind_types: Option<Vec<BindType>>,
    pub max_binds: Option<u32>,
    pub window_size: Option<u32>,
    pub allowed_networks: Option<Vec<String>>,
    pub reassemble_mo: Option<bool>,
}

/// Creates an account; returns it with the plain password, shown this once.
pub async fn create(
    db: &DatabaseConnection,
    actor: &RequestContext,
    new: NewSmppAccount,
) -> Result<(smpp_account::Model, String), AppError> {
    check_system_id(&new.system_id)?;
    let password = match new.password {
        Some(password) => {
            check_password(&password)?;
            password
        }
        None => generate_password(),
    };
    let networks = check_limits(
        &new.bind_types,
        new.max_binds,
        new.window_size,
        &new.allowed_networks,
    )?;
    customer::Entity::find_by_id(new.customer_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::invalid_field("customer_id", "no such customer"))?;
    if find_by_system_id(db, &new.system_id).await?.is_some() {
        return Err(AppError::Conflict(format!(
            "system_id {} is taken",
            new.system_id
        )));
    }
    let password_hash = hash_password(&password)?;
    let now = Utc::now();
    let txn = db.begin().await?;
    let created = smpp_account::ActiveModel {
        customer_id: Set(new.customer_id),
        system_id: Set(new.system_id),
        password_hash: Set(password_hash),
        bind_types: Set(encode_bind_types(&new.bind_types)),
        max_binds: Set(i32::try_from(new.max_binds).unwrap_or(i32::MAX)),
        window_size: Set(i32::try_from(new.window_size).unwrap_or(i32::MAX)),
        reassemble_mo: Set(new.reassemble_mo),
        allowed_networks: Set(networks),
        enabled: Set(true),
        password_changed_at: Set(now),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        "createSmppAccount",
        "smpp_account",
        created.id,
        json!({ "customer_id": created.customer_id, "system_id": created.system_id,
                "bind_types": created.bind_types, "max_binds": created.max_binds,
                "window_size": created.window_size, "allowed_networks": created.allowed_networks }),
    )
    .await?;
    txn.commit().await?;
    Ok((created, password))
}

/// Sets a new password (generated when absent); returns it this once.
pub async fn rotate_password(
    db: &DatabaseConnection,
    actor: &RequestContext,
    id: i64,
    password: Option<String>,
) -> Result<(smpp_account::Model, String), AppError> {
    let password = match password {
        Some(password) => {
            check_password(&password)?;
            password
        }
        None => generate_password(),
    };
    let current = get(db, id).await?;
    let mut active: smpp_account::ActiveModel = current.into();
    active.password_hash = Set(hash_password(&password)?);
    active.password_changed_at = Set(Utc::now());
    let updated = save(db, actor, active, "rotateSmppPassword", json!({})).await?;
    Ok((updated, password))
}

/// Enables or disables binding with the account.
pub async fn set_enabled(
    db: &DatabaseConnection,
    actor: &RequestContext,
    id: i64,
    enabled: bool,
) -> Result<smpp_account::Model, AppError> {
    let current = get(db, id).await?;
    let mut active: smpp_account::ActiveModel = current.into();
    active.enabled = Set(enabled);
    save(
        db,
        actor,
        active,
        "setSmppAccountEnabled",
        json!({ "enabled": enabled }),
    )
    .await
}

/// Changes bind types, limits or networks.
pub async fn update(
    db: &DatabaseConnection,
    actor: &RequestContext,
    id: i64,
    change: SmppAccountUpdate,
) -> Result<smpp_account::Model, AppError> {
    let current = get(db, id).await?;
    let bind_types = change
        .bind_types
        .unwrap_or_else(|| super::accounts::decode_bind_types(&current.bind_types));
    let max_binds = change
        .max_binds
        .unwrap_or(u32::try_from(current.max_binds).unwrap_or(1));
    let window_size = change
        .window_size
        .unwrap_or(u32::try_from(current.window_size).unwrap_or(1));
    let networks = match change.allowed_networks {
        Some(networks) => check_limits(&bind_types, max_binds, window_size, &networks)?,
        None => {
            check_limits(&bind_types, max_binds, window_size, &[])?;
            current.allowed_networks.clone()
        }
    };
    let mut active: smpp_account::ActiveModel = current.into();
    active.bind_types = Set(encode_bind_types(&bind_types));
    active.max_binds = Set(i32::try_from(max_binds).unwrap_or(i32::MAX));
    active.window_size = Set(i32::try_from(window_size).unwrap_or(i32::MAX));
    if let Some(reassemble) = change.reassemble_mo {
        active.reassemble_mo = Set(reassemble);
    }
    active.allowed_networks = Set(networks.clone());
    save(
        db,
        actor,
        active,
        "updateSmppAccount",
        json!({ "bind_types": encode_bind_types(&bind_types), "max_binds": max_binds,
                "window_size": window_size, "allowed_networks": networks }),
    )
    .await
}

async fn save(
    db: &DatabaseConnection,
    actor: &RequestContext,
    mut row: smpp_account::ActiveModel,
    action: &str,
    detail: serde_json::Value,
) -> Result<smpp_account::Model, AppError> {
    row.updated_at = Set(Utc::now());
    let id = *row.id.as_ref();
    audit::update(db, actor, row, action, "smpp_account", id, detail).await
}

/// One account.
pub async fn get(conn: &impl ConnectionTrait, id: i64) -> Result<smpp_account::Model, AppError> {
    smpp_account::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("SMPP account {id}")))
}

/// The account a bind names.
pub async fn find_by_system_id(
    conn: &impl ConnectionTrait,
    system_id: &str,
) -> Result<Option<smpp_account::Model>, AppError> {
    Ok(smpp_account::Entity::find()
        .filter(smpp_account::Column::SystemId.eq(system_id))
        .one(conn)
        .await?)
}

/// Accounts, optionally of one customer, by system_id.
pub async fn list(
    db: &DatabaseConnection,
    customer_id: Option<i64>,
) -> Result<Vec<smpp_account::Model>, AppError> {
    let mut select = smpp_account::Entity::find().order_by_asc(smpp_account::Column::SystemId);
    if let Some(customer_id) = customer_id {
        select = select.filter(smpp_account::Column::CustomerId.eq(customer_id));
    }
    Ok(select.all(db).await?)
}
