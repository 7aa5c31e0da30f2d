//! Customers in the API: every role reads them, customer keys only their own.

use async_graphql::connection::Connection;
use async_graphql::{Context, Object, Result, SimpleObject, ID};
use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;

use super::error::ResultExt;
use super::guard::{caller, RoleGuard, CUSTOMER_READERS, CUSTOMER_WRITERS};
use super::pagination::{connection, page_args, Cursor};
use super::parse_id;
use crate::customers::{store, CustomerStatus, CustomerUpdate, NewCustomer};
use crate::db::entities::customer;

/// A customer of the operator.
#[derive(SimpleObject, Clone)]
pub struct Customer {
    pub id: ID,
    pub name: String,
    pub account_manager_email: String,
    pub billing_email: String,
    pub currency: String,
    pub status: CustomerStatus,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<customer::Model> for Customer {
    fn from(m: customer::Model) -> Self {
        Self {
            id: ID(m.id.to_string()),
            name: m.name,
            account_manager_email: m.account_manager_email,
            billing_email: m.billing_email,
            currency: m.currency,
            status: m.status,
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

#[derive(Default)]
pub struct CustomerQuery;

#[Object]
impl CustomerQuery {
    /// Customers, oldest first. A customer key sees only itself.
    #[graphql(
        guard = "RoleGuard::new(CUSTOMER_READERS)",
        complexity = "first * child_complexity"
    )]
    async fn customers(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 20)] first: usize,
        after: Option<String>,
    ) -> Result<Connection<Cursor, Customer>> {
        let (first, after) = page_args(first, after.as_deref())?;
        let only = caller(ctx)?.customer_id;
        let db = ctx.data::<DatabaseConnection>()?;
        let page = store::list(db, only, after, first).await.gql()?;
        Ok(connection(page, after, |m| m.id, Customer::from))
    }

    /// One customer; another customer's id is not found for a customer key.
    #[graphql(guard = "RoleGuard::new(CUSTOMER_READERS)")]
    async fn customer(&self, ctx: &Context<'_>, id: ID) -> Result<Customer> {
        let id = parse_id(&id, "id")?;
        let only = caller(ctx)?.customer_id;
        let db = ctx.data::<DatabaseConnection>()?;
        Ok(store::get(db, id, only).await.gql()?.into())
    }
}

#[derive(Default)]
pub struct CustomerMutation;

#[Object]
impl CustomerMutation {
    #[graphql(guard = "RoleGuard::new(CUSTOMER_WRITERS)")]
    async fn create_customer(&self, ctx: &Context<'_>, input: NewCustomer) -> Result<Customer> {
        let db = ctx.data::<DatabaseConnection>()?;
        Ok(store::create(db, caller(ctx)?, input).await.gql()?.into())
    }

    #[graphql(guard = "RoleGuard::new(CUSTOMER_WRITERS)")]
    async fn update_customer(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: CustomerUpdate,
    ) -> Result<Customer> {
        let id = parse_id(&id, "id")?;
        let db = ctx.data::<DatabaseConnection>()?;
        Ok(store::update(db, caller(ctx)?, id, input)
            .await
            .gql()?
            .into())
    }
}
