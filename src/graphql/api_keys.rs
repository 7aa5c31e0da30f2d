//! API keys in the API: admins list, create and revoke them.

use async_graphql::connection::Connection;
use async_graphql::dataloader::DataLoader;
use async_graphql::{ComplexObject, Context, InputObject, Object, Result, SimpleObject, ID};
use chrono::{DateTime, Utc};
use sea_orm::{DatabaseConnection, EntityTrait};

use super::customers::Customer;
use super::error::{code, coded, ResultExt};
use super::guard::{caller, RoleGuard, ADMINS};
use super::loader::CustomerLoader;
use super::pagination::{connection, page_args, Cursor};
use super::parse_id;
use crate::auth::keys::{self, NewApiKey};
use crate::auth::Role;
use crate::db::entities::api_key;
use crate::db::page::{self, Direction};

/// An API key; its secret is never shown after creation.
#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct ApiKey {
    pub id: ID,
    pub name: String,
    pub role: Role,
    pub customer_id: Option<ID>,
    /// The first characters of the secret, to tell keys apart.
    pub key_prefix: String,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    /// An account manager key's manager: it sees that manager's customers' alerts.
    pub email: Option<String>,
    #[graphql(skip)]
    customer_key: Option<i64>,
}

#[ComplexObject]
impl ApiKey {
    /// The customer a customer key acts for.
    async fn customer(&self, ctx: &Context<'_>) -> Result<Option<Customer>> {
        let Some(id) = self.customer_key else {
            return Ok(None);
        };
        let loader = ctx.data::<DataLoader<CustomerLoader>>()?;
        loader.load_one(id).await.map_err(|e| {
            tracing::error!(error = ?e, "loading customers failed");
            coded(code::INTERNAL, "internal error")
        })
    }
}

impl From<api_key::Model> for ApiKey {
    fn from(m: api_key::Model) -> Self {
        Self {
            id: ID(m.id.to_string()),
            name: m.name,
            role: m.role,
            customer_id: m.customer_id.map(|id| ID(id.to_string())),
            key_prefix: m.key_prefix,
            created_at: m.created_at,
            revoked_at: m.revoked_at,
            email: m.email,
            customer_key: m.customer_id,
        }
    }
}

/// A key to create; `customerId` is required for, and only for, the customer role.
#[derive(InputObject)]
#[graphql(name = "NewApiKeyInput")]
pub struct NewApiKeyInput {
    pub name: String,
    pub role: Role,
    pub customer_id: Option<ID>,
    /// For an account manager key: the manager's email, as customers record their account
    /// manager. Without one the key is team-wide and sees every customer's alerts.
    pub email: Option<String>,
}

/// The created key and its secret, shown this once.
#[derive(SimpleObject)]
pub struct CreatedApiKey {
    pub api_key: ApiKey,
    pub secret: String,
}

#[derive(Default)]
pub struct ApiKeyQuery;

#[Object]
impl ApiKeyQuery {
    /// Every API key, newest first, revoked ones included.
    #[graphql(
        guard = "RoleGuard::new(ADMINS)",
        complexity = "first * child_complexity"
    )]
    async fn api_keys(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 20)] first: usize,
        after: Option<String>,
    ) -> Result<Connection<Cursor, ApiKey>> {
        let (first, after) = page_args(first, after.as_deref())?;
        let db = ctx.data::<DatabaseConnection>()?;
        let page = page::keyset(
            db,
            api_key::Entity::find(),
            api_key::Column::Id,
            after,
            first,
            Direction::NewestFirst,
        )
        .await
        .gql()?;
        Ok(connection(page, after, |m| m.id, ApiKey::from))
    }
}

#[derive(Default)]
pub struct ApiKeyMutation;

#[Object]
impl ApiKeyMutation {
    #[graphql(guard = "RoleGuard::new(ADMINS)")]
    async fn create_api_key(
        &self,
        ctx: &Context<'_>,
        input: NewApiKeyInput,
    ) -> Result<CreatedApiKey> {
        let customer_id = input
            .customer_id
            .map(|id| parse_id(&id, "customerId"))
            .transpose()?;
        let db = ctx.data::<DatabaseConnection>()?;
        let new = NewApiKey {
            name: input.name,
            role: input.role,
            customer_id,
            email: input.email,
        };
        let created = keys::create(db, caller(ctx)?, new).await.gql()?;
        Ok(CreatedApiKey {
            api_key: created.key.into(),
            secret: created.secret,
        })
    }

    /// Revokes a key; requests with it fail from now on.
    #[graphql(guard = "RoleGuard::new(ADMINS)")]
    async fn revoke_api_key(&self, ctx: &Context<'_>, id: ID) -> Result<ApiKey> {
        let id = parse_id(&id, "id")?;
        let db = ctx.data::<DatabaseConnection>()?;
        Ok(keys::revoke(db, caller(ctx)?, id).await.gql()?.into())
    }
}
