//! One row per mutation: who did what to which entity, and when.

use sea_orm::entity::prelude::*;

use crate::auth::Role;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_log")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// `admin-token`, `api-key:<id>` or `cli`.
    pub actor: String,
    pub actor_role: Role,
    /// The GraphQL mutation or CLI command, e.g. `createCustomer`.
    pub action: String,
    pub entity_type: String,
    pub entity_id: String,
    /// JSON of the changed fields (never secrets).
    pub detail: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
