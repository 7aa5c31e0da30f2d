//! Customers' MM7 credentials in the database: created and changed by admins, audited, the
//! password stored as an argon2 hash and shown only in the request that sets it.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set,
    TransactionTrait,
};
use serde_json::json;

use crate::audit;
use crate::auth::RequestContext;
use crate::db::entities::{customer, mm7_account};
use crate::error::AppError;
use crate::smpp::accounts::{generate_password, hash_password};

/// A credential to create.
#[derive(Clone, Debug)]
pub struct NewMm7Account {
    pub customer_id: i64,
    pub username: String,
    /// Generated when absent.
    pub password: Option<String>,
    pub vasp_id: String,
    pub vas_id: Option<String>,
    pub delivery_url: Option<String>,
}

/// Changes; absent fields stay (an empty `delivery_url` or `vas_id` clears it).
#[derive(Clone, Debug, Default)]
pub struct Mm7AccountUpdate {
    pub password: Option<String>,
    pub vasp_id: Option<String>,
    pub vas_id: Option<String>,
    pub delivery_url: Option<String>,
    pub enabled: Option<bool>,
}

fn visible(value: &str) -> bool {
    value.bytes().all(|b| b.is_ascii_graphic())
}

fn check_username(username: &str) -> Result<(), AppError> {
    if username.is_empty() || username.len() > 64 || !visible(username) || username.contains(':') {
        return Err(AppError::invalid_field(
            "username",
            "must be 1 to 64 visible ASCII characters without ':'",
        ));
    }
    Ok(())
}

fn check_password(password: &str) -> Result<(), AppError> {
    if password.len() < 8 || password.len() > 128 || !visible(password) {
        return Err(AppError::invalid_field(
            "password",
            "must be 8 to 128 visible ASCII characters",
        ));
    }
    Ok(())
}

fn check_id(field: &str, value: &str) -> Result<(), AppError> {
    if value.is_empty() || value.len() > 64 || !visible(value) {
        return Err(AppError::invalid_field(
            field,
            "must be 1 to 64 visible ASCII characters",
        ));
    }
    Ok(())
}

/// An http or https URL, or none for an empty value.
fn check_url(url: &str) -> Result<Option<String>, AppError> {
    let url = url.trim();
    if url.is_empty() {
        return Ok(None);
    }
    match reqwest::Url::parse(url) {
        Ok(parsed) if ["http", "https"].contains(&parsed.scheme()) && url.len() <= 1000 => {
            Ok(Some(url.to_owned()))
        }
        _ => Err(AppError::invalid_field(
            "deliveryUrl",
            "must be an http or https URL",
        )),
    }
}

/// Creates a credential; returns it with the plain password, shown this once.
pub async fn create(
    db: &DatabaseConnection,
    actor: &RequestContext,
    new: NewMm7Account,
) -> Result<(mm7_account::Model, String), AppError> {
    check_username(&new.username)?;
    let password = match new.password {
        Some(password) => {
            check_password(&password)?;
            password
        }
        None => generate_password(),
    };
    check_id("vaspId", &new.vasp_id)?;
    if let Some(vas_id) = &new.vas_id {
        check_id("vasId", vas_id)?;
    }
    let delivery_url = match &new.delivery_url {
        Some(url) => check_url(url)?,
        None => None,
    };
    customer::Entity::find_by_id(new.customer_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::invalid_field("customerId", "no such customer"))?;
    if find_by_username(db, &new.username).await?.is_some() {
        return Err(AppError::Conflict(format!(
            "MM7 username {} is taken",
            new.username
        )));
    }
    let password_hash = hash_password(&password)?;
    let now = Utc::now();
    let txn = db.begin().await?;
    let created = mm7_account::ActiveModel {
        customer_id: Set(new.customer_id),
        username: Set(new.username),
        password_hash: Set(password_hash),
        vasp_id: Set(new.vasp_id),
        vas_id: Set(new.vas_id),
        delivery_url: Set(delivery_url),
        enabled: Set(true),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        "createMm7Account",
        "mm7_account",
        created.id,
        json!({ "customer_id": created.customer_id, "username": created.username,
                "vasp_id": created.vasp_id, "vas_id": created.vas_id,
                "delivery_url": created.delivery_url }),
    )
    .await?;
    txn.commit().await?;
    Ok((created, password))
}

/// Changes a credential (a new password is hashed; the audit row never holds it).
pub async fn update(
    db: &DatabaseConnection,
    actor: &RequestContext,
    id: i64,
    change: Mm7AccountUpdate,
) -> Result<mm7_account::Model, AppError> {
    let current = mm7_account::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("MM7 account {id}")))?;
    let mut active: mm7_account::ActiveModel = current.into();
    let mut detail = serde_json::Map::new();
    if let Some(password) = &change.password {
        check_password(password)?;
        active.password_hash = Set(hash_password(password)?);
        detail.insert("password".into(), json!("changed"));
    }
    if let Some(vasp_id) = change.vasp_id {
        check_id("vaspId", &vasp_id)?;
        detail.insert("vasp_id".into(), json!(vasp_id));
        active.vasp_id = Set(vasp_id);
    }
    if let Some(vas_id) = change.vas_id {
        let vas_id = Some(vas_id.trim().to_owned()).filter(|v| !v.is_empty());
        if let Some(v) = &vas_id {
            check_id("vasId", v)?;
        }
        detail.insert("vas_id".into(), json!(vas_id));
        active.vas_id = Set(vas_id);
    }
    if let Some(url) = change.delivery_url {
        let url = check_url(&url)?;
        detail.insert("delivery_url".into(), json!(url));
        active.delivery_url = Set(url);
    }
    if let Some(enabled) = change.enabled {
        detail.insert("enabled".into(), json!(enabled));
        active.enabled = Set(enabled);
    }
    active.updated_at = Set(Utc::now());
    let txn = db.begin().await?;
    let saved = active.update(&txn).await?;
    audit::record(
        &txn,
        actor,
        "updateMm7Account",
        "mm7_account",
        id,
        serde_json::Value::Object(detail),
    )
    .await?;
    txn.commit().await?;
    Ok(saved)
}

pub async fn find_by_username(
    db: &DatabaseConnection,
    username: &str,
) -> Result<Option<mm7_account::Model>, AppError> {
    Ok(mm7_account::Entity::find()
        .filter(mm7_account::Column::Username.eq(username))
        .one(db)
        .await?)
}

/// Credentials, oldest first; with a customer, only its own.
pub async fn list(
    db: &DatabaseConnection,
    customer_id: Option<i64>,
) -> Result<Vec<mm7_account::Model>, AppError> {
    let mut select = mm7_account::Entity::find().order_by_asc(mm7_account::Column::Id);
    if let Some(customer_id) = customer_id {
        select = select.filter(mm7_account::Column::CustomerId.eq(customer_id));
    }
    Ok(select.all(db).await?)
}

/// Where a customer's reports and MO MMS go: its first enabled credential with a URL.
pub async fn delivery_url(
    db: &DatabaseConnection,
    customer_id: i64,
) -> Result<Option<String>, AppError> {
    Ok(list(db, Some(customer_id))
        .await?
        .into_iter()
        .filter(|a| a.enabled)
        .find_map(|a| a.delivery_url))
}
