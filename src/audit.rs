//! The audit log: one row per mutation, written in the same transaction as the change so the
//! log and the data never disagree.

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, Set};

use crate::auth::RequestContext;
use crate::db::entities::audit_log;

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
