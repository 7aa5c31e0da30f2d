//! Customers in the API: every role reads them, customer keys only their own.

use async_graphql::connection::Connection;
use async_graphql::{Context, Object, Result, SimpleObject, ID};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::DatabaseConnection;

use super::error::ResultExt;
use super::guard::{caller, RoleGuard, ACCOUNT_MANAGERS, CUSTOMER_READERS, CUSTOMER_WRITERS};
use super::pagination::{connection, page_args, Cursor};
use super::parse_id;
use crate::billing::money::Money;
use crate::compliance::ratio::RatioLevel;
use crate::config::MmsSettings;
use crate::customers::{portfolio, store, CustomerStatus, CustomerUpdate, NewCustomer};
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

/// Who is calling: what the UI shows as the signed-in user.
#[derive(SimpleObject)]
pub struct Viewer {
    pub role: crate::auth::Role,
    /// A customer key's customer.
    pub customer_id: Option<ID>,
    /// An account manager key's manager.
    pub manager_email: Option<String>,
}

/// One customer of an account manager's portfolio, with what needs attention.
#[derive(SimpleObject)]
pub struct PortfolioCustomer {
    pub customer: Customer,
    /// Alerts about the customer not yet acknowledged.
    pub open_alerts: i64,
    /// Active leases whose term ends within 30 days.
    pub leases_near_renewal: i64,
    /// Sending leases silent for 60 days or more.
    pub silent_codes: i64,
    pub longest_silence_days: Option<i64>,
    /// Sending leases with no forecast for `nextQuarter`.
    pub forecasts_due: i64,
    pub next_quarter: String,
    /// The AT&T MMS ratio's level in the current cycle.
    pub ratio_level: RatioLevel,
    pub ratio: Option<Money>,
    /// MT and MO fragments this calendar month (UTC).
    pub month_fragments: i64,
}

#[Object]
impl CustomerQuery {
    /// The caller.
    #[graphql(guard = "RoleGuard::new(CUSTOMER_READERS)")]
    async fn viewer(&self, ctx: &Context<'_>) -> Result<Viewer> {
        let caller = caller(ctx)?;
        Ok(Viewer {
            role: caller.role,
            customer_id: caller.customer_id.map(|id| ID(id.to_string())),
            manager_email: caller.manager_email.clone(),
        })
    }

    /// An account manager's customers with what needs them: a manager's own key sees its
    /// manager's customers; admins and team keys name a manager (`accountManager`, an email)
    /// or see everyone.
    #[graphql(guard = "RoleGuard::new(ACCOUNT_MANAGERS)")]
    async fn my_customers(
        &self,
        ctx: &Context<'_>,
        account_manager: Option<String>,
        as_of: Option<NaiveDate>,
    ) -> Result<Vec<PortfolioCustomer>> {
        let db = ctx.data::<DatabaseConnection>()?;
        let settings = ctx.data::<MmsSettings>()?;
        let manager = caller(ctx)?.manager_email.clone().or(account_manager);
        let customers = portfolio::customers_of(db, manager.as_deref())
            .await
            .gql()?;
        let as_of = as_of.unwrap_or_else(portfolio::today);
        let overview = portfolio::overview(db, &settings.ratio, customers, as_of)
            .await
            .gql()?;
        Ok(overview
            .into_iter()
            .map(|o| PortfolioCustomer {
                customer: o.customer.into(),
                open_alerts: o.open_alerts,
                leases_near_renewal: o.leases.near_renewal,
                silent_codes: o.leases.silent,
                longest_silence_days: o.leases.longest_silence,
                forecasts_due: o.forecasts_due,
                next_quarter: o.next_quarter,
                ratio_level: o.ratio_level,
                ratio: o.ratio.map(Money),
                month_fragments: o.month_fragments,
            })
            .collect())
    }

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
