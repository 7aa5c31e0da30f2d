//! The audit log: one row per mutation, written in the same transaction as the change so the
//! log and the data never disagree.

use chrono::Utc;
use sea_orm::{
    ActiveModelBehavior, ActiveModelTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    IntoActiveModel, Set, TransactionTrait,
};

use crate::auth::RequestContext;
use crate::db::entities::audit_log;
use crate::error::AppError;

/// Records that `actor` did `action` to the entity; `detail` holds the changed fields.
pub async fn record(
    conn: &impl ConnectionTrait,
    actor: &RequestContext,
    action: &str,
    entity_type: &str,
    entity_id: impl ToString,
    detail: serde_json::Value,
) -> Result<audit_log::Model, DbErr> {
    audit_log::ActiveModel {
        actor: Set(actor.actor.clone()),
        actor_role: Set(actor.role),
        action: Set(action.to_owned()),
        entity_type: Set(entity_type.to_owned()),
        entity_id: Set(entity_id.to_string()),
        detail: Set(detail.to_string()),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(conn)
    .await
}

/// Saves a change to one row and its audit row in one transaction; returns the saved row.
pub async fn update<A>(
    db: &DatabaseConnection,
    actor: &RequestContext,
    row: A,
    action: &str,
    entity_type: &str,
    entity_id: i64,
    detail: serde_json::Value,
) -> Result<<A::Entity as EntityTrait>::Model, AppError>
where
    A: ActiveModelTrait + ActiveModelBehavior + Send,
    <A::Entity as EntityTrait>::Model: IntoActiveModel<A>,
{
    let txn = db.begin().await?;
    let saved = row.update(&txn).await?;
    record(&txn, actor, action, entity_type, entity_id, detail).await?;
    txn.commit().await?;
    Ok(saved)
}
