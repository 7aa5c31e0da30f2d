//! The audit log in the API, for admins.

use async_graphql::connection::Connection;
use async_graphql::{Context, Object, Result, SimpleObject, ID};
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use super::error::ResultExt;
use super::guard::{RoleGuard, ADMINS};
use super::pagination::{connection, page_args, Cursor};
use crate::auth::Role;
use crate::db::entities::audit_log;
use crate::db::page::{self, Direction};

/// One mutation: who did what to which entity, and when.
#[derive(SimpleObject)]
pub struct AuditEntry {
    pub id: ID,
    pub actor: String,
    pub actor_role: Role,
    pub action: String,
    pub entity_type: String,
    pub entity_id: String,
    /// The changed fields, as a JSON object.
    pub detail: String,
    pub created_at: DateTime<Utc>,
}

impl From<audit_log::Model> for AuditEntry {
    fn from(m: audit_log::Model) -> Self {
        Self {
            id: ID(m.id.to_string()),
            actor: m.actor,
            actor_role: m.actor_role,
            action: m.action,
            entity_type: m.entity_type,
            entity_id: m.entity_id,
            detail: m.detail,
            created_at: m.created_at,
        }
    }
}

#[derive(Default)]
pub struct AuditQuery;

#[Object]
impl AuditQuery {
    /// The audit log, newest first, optionally for one entity (`entityType` `customer`, say).
    #[graphql(
        guard = "RoleGuard::new(ADMINS)",
        complexity = "first * child_complexity"
    )]
    async fn audit_log(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 20)] first: usize,
        after: Option<String>,
        entity_type: Option<String>,
        entity_id: Option<ID>,
    ) -> Result<Connection<Cursor, AuditEntry>> {
        let (first, after) = page_args(first, after.as_deref())?;
        let db = ctx.data::<DatabaseConnection>()?;
        let mut select = audit_log::Entity::find();
        if let Some(entity_type) = entity_type {
            select = select.filter(audit_log::Column::EntityType.eq(entity_type));
        }
        if let Some(entity_id) = entity_id {
            select = select.filter(audit_log::Column::EntityId.eq(entity_id.0));
        }
        let page = page::keyset(
            db,
            select,
            audit_log::Column::Id,
            after,
            first,
            Direction::NewestFirst,
        )
        .await
        .gql()?;
        Ok(connection(page, after, |m| m.id, AuditEntry::from))
    }
}
