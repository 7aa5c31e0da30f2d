//! API keys: generating secrets, storing only their hash, and resolving a bearer token.

use base64::Engine as _;
use chrono::Utc;
use rand::RngCore as _;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};
use sha2::{Digest, Sha256};
use validator::{ValidationError, ValidationErrors};

use super::{RequestContext, Role};
use crate::audit;
use crate::db::entities::{api_key, customer};
use crate::error::AppError;

/// Every secret starts with this, so a leaked key is recognisable in logs and scanners.
const SECRET_PREFIX: &str = "bo_";
/// Characters of the secret kept in clear to tell keys apart.
const SHOWN_PREFIX_LEN: usize = 11;

/// Why a bearer token was refused.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AuthError {
    /// No key matches the token, or the key was revoked.
    #[error("invalid or revoked API key")]
    InvalidKey,
    /// The database could not be asked.
    #[error(transparent)]
    Db(#[from] sea_orm::DbErr),
}

/// A new key's secret: 32 random bytes, URL-safe base64, behind a fixed prefix.
pub fn generate_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    format!(
        "{SECRET_PREFIX}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    )
}

/// The stored form of a secret. A fast hash is enough: secrets are 256 random bits, so there
/// is nothing to brute-force, and every request must look its key up.
pub fn hash_secret(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Resolves an `Authorization: Bearer` token to the caller.
pub async fn authenticate(
    db: &DatabaseConnection,
    admin_token: Option<&str>,
    token: &str,
) -> Result<RequestContext, AuthError> {
    let hash = hash_secret(token);
    // Compare hashes rather than strings so the time taken says nothing about the token.
    if admin_token.is_some_and(|admin| hash_secret(admin) == hash) {
        return Ok(RequestContext {
            role: Role::Admin,
            customer_id: None,
            actor: "admin-token".into(),
            manager_email: None,
        });
    }
    let key = api_key::Entity::find()
        .filter(api_key::Column::KeyHash.eq(hash))
        .filter(api_key::Column::RevokedAt.is_null())
        .one(db)
        .await?
        .ok_or(AuthError::InvalidKey)?;
    Ok(RequestContext {
        role: key.role,
        customer_id: key.customer_id,
        actor: format!("api-key:{}", key.id),
        manager_email: key.email.filter(|_| key.role == Role::AccountManager),
    })
}

/// What a new key is for.
#[derive(Debug, Clone)]
pub struct NewApiKey {
    pub name: String,
    pub role: Role,
    pub customer_id: Option<i64>,
    /// An account manager's email (only for account manager keys).
    pub email: Option<String>,
}

/// A key just created, with the secret that is never shown again.
#[derive(Debug, Clone)]
pub struct CreatedApiKey {
    pub key: api_key::Model,
    pub secret: String,
}

/// Checks the pairing of role and customer: customer keys need one, other roles must not.
fn validate(new: &NewApiKey) -> Result<(), ValidationErrors> {
    let mut errors = ValidationErrors::new();
    let name_len = new.name.trim().chars().count();
    if name_len == 0 || name_len > 200 {
        errors.add(
            "name",
            ValidationError::new("length").with_message("must be 1 to 200 characters".into()),
        );
    }
    match (new.role, new.customer_id) {
        (Role::Customer, None) => errors.add(
            "customer_id",
            ValidationError::new("required").with_message("a customer key needs a customer".into()),
        ),
        (role, Some(_)) if role != Role::Customer => errors.add(
            "customer_id",
            ValidationError::new("forbidden")
                .with_message("only customer keys are bound to a customer".into()),
        ),
        _ => {}
    }
    if let Some(email) = &new.email {
        if new.role != Role::AccountManager {
            errors.add(
                "email",
                ValidationError::new("forbidden")
                    .with_message("only account manager keys name a manager".into()),
            );
        } else if !validator::ValidateEmail::validate_email(email) {
            errors.add(
                "email",
                ValidationError::new("email").with_message("is not an email address".into()),
            );
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// Creates a key and its audit row in one transaction.
pub async fn create(
    db: &DatabaseConnection,
    actor: &RequestContext,
    new: NewApiKey,
) -> Result<CreatedApiKey, AppError> {
    validate(&new)?;
    if let Some(customer_id) = new.customer_id {
        customer::Entity::find_by_id(customer_id)
            .one(db)
            .await?
            .ok_or_else(|| AppError::invalid_field("customer_id", "no such customer"))?;
    }
    let secret = generate_secret();
    let txn = sea_orm::TransactionTrait::begin(db).await?;
    let key = api_key::ActiveModel {
        name: Set(new.name.trim().to_owned()),
        role: Set(new.role),
        customer_id: Set(new.customer_id),
        key_prefix: Set(secret.chars().take(SHOWN_PREFIX_LEN).collect()),
        key_hash: Set(hash_secret(&secret)),
        created_at: Set(Utc::now()),
        revoked_at: Set(None),
        email: Set(new.email.as_ref().map(|e| e.trim().to_lowercase())),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        "createApiKey",
        "api_key",
        key.id,
        serde_json::json!({ "name": key.name, "role": key.role.as_str(), "customer_id": key.customer_id, "email": key.email }),
    )
    .await?;
    txn.commit().await?;
    Ok(CreatedApiKey { key, secret })
}

/// Revokes a key; it stops working at once. Revoking twice is a conflict, not a silent no-op.
pub async fn revoke(
    db: &DatabaseConnection,
    actor: &RequestContext,
    id: i64,
) -> Result<api_key::Model, AppError> {
    let key = api_key::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("API key {id}")))?;
    if key.revoked_at.is_some() {
        return Err(AppError::Conflict(format!(
            "API key {id} is already revoked"
        )));
    }
    let mut active: api_key::ActiveModel = key.into();
    active.revoked_at = Set(Some(Utc::now()));
    audit::update(
        db,
        actor,
        active,
        "revokeApiKey",
        "api_key",
        id,
        serde_json::json!({}),
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_random_and_only_their_hash_matches() {
        let a = generate_secret();
        let b = generate_secret();
        assert_ne!(a, b);
        assert!(a.starts_with(SECRET_PREFIX));
        assert_eq!(hash_secret(&a), hash_secret(&a));
        assert_ne!(hash_secret(&a), hash_secret(&b));
        assert_eq!(hash_secret(&a).len(), 64);
    }

    #[test]
    fn customer_keys_need_a_customer_and_others_must_not_have_one() {
        let key = |role, customer_id| NewApiKey {
            name: "k".into(),
            role,
            customer_id,
            email: None,
        };
        assert!(validate(&key(Role::Customer, Some(1))).is_ok());
        assert!(validate(&key(Role::Finance, None)).is_ok());
        let err = validate(&key(Role::Customer, None)).unwrap_err();
        assert!(err.field_errors().contains_key("customer_id"));
        let err = validate(&key(Role::Admin, Some(1))).unwrap_err();
        assert!(err.field_errors().contains_key("customer_id"));
    }
}
