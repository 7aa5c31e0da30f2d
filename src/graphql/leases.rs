//! Short-code leases in the API: applications, activation, notice, suspension, maintenance,
//! their events and one-time charges, the one-time price list and account managers' alerts.

use async_graphql::{Context, InputObject, Object, Result, SimpleObject, ID};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::error::ResultExt;
use super::guard::{
    caller, scoped_customer, RoleGuard, ACCOUNT_MANAGERS, ADMINS, COMPLIANCE, CUSTOMER_READERS,
    FINANCE,
};
use super::parse_id;
use crate::billing::money::{from_micros, Money};
use crate::compliance::lease_store::{self, MaintenanceSummary};
use crate::compliance::leases::LeaseState;
use crate::db::entities::{lease_event, number, one_time_charge, one_time_price, short_code_lease};
use crate::error::AppError;

/// A short code's lease.
pub struct Lease(short_code_lease::Model);

#[Object]
impl Lease {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn customer_id(&self) -> ID {
        ID(self.0.customer_id.to_string())
    }
    async fn number_id(&self) -> ID {
        ID(self.0.number_id.to_string())
    }
    /// The short code's digits.
    async fn short_code(&self, ctx: &Context<'_>) -> Result<Option<String>> {
        let db = ctx.data::<DatabaseConnection>()?;
        Ok(number::Entity::find_by_id(self.0.number_id)
            .one(db)
            .await
            .map_err(AppError::from)
            .gql()?
            .map(|n| n.address))
    }
    async fn state(&self) -> LeaseState {
        self.0.state
    }
    /// A new application after a cancellation for inactivity.
    async fn reapplication(&self) -> bool {
        self.0.reapplication
    }
    async fn applied_at(&self) -> DateTime<Utc> {
        self.0.applied_at
    }
    async fn activated_on(&self) -> Option<NaiveDate> {
        self.0.activated_on
    }
    /// The current term's number (0 before activation).
    async fn term(&self) -> i32 {
        self.0.term
    }
    async fn term_ends_on(&self) -> Option<NaiveDate> {
        self.0.term_ends_on
    }
    async fn notice_given_on(&self) -> Option<NaiveDate> {
        self.0.notice_given_on
    }
    /// With notice given: the day the lease ends.
    async fn ends_on(&self) -> Option<NaiveDate> {
        self.0.ends_on
    }
    async fn last_traffic_at(&self) -> Option<DateTime<Utc>> {
        self.0.last_traffic_at
    }
    /// Days without traffic today (counted from activation before any traffic).
    async fn days_silent(&self) -> Option<i64> {
        let since = self
            .0
            .last_traffic_at
            .map(|t| t.date_naive())
            .or(self.0.activated_on)?;
        Some((Utc::now().date_naive() - since).num_days().max(0))
    }
    /// Every transition, oldest first.
    async fn events(&self, ctx: &Context<'_>) -> Result<Vec<LeaseEvent>> {
        let db = ctx.data::<DatabaseConnection>()?;
        Ok(lease_event::Entity::find()
            .filter(lease_event::Column::LeaseId.eq(self.0.id))
            .order_by_asc(lease_event::Column::Id)
            .all(db)
            .await
            .map_err(AppError::from)
            .gql()?
            .into_iter()
            .map(|e| LeaseEvent {
                from_state: e.from_state,
                to_state: e.to_state,
                actor: e.actor,
                reason: e.reason,
                at: e.at,
            })
            .collect())
    }
    /// The one-time charges it caused, oldest first.
    async fn charges(&self, ctx: &Context<'_>) -> Result<Vec<OneTimeCharge>> {
        let db = ctx.data::<DatabaseConnection>()?;
        Ok(one_time_charge::Entity::find()
            .filter(one_time_charge::Column::LeaseId.eq(self.0.id))
            .order_by_asc(one_time_charge::Column::Id)
            .all(db)
            .await
            .map_err(AppError::from)
            .gql()?
            .into_iter()
            .map(OneTimeCharge::from)
            .collect())
    }
}

/// One transition of a lease.
#[derive(SimpleObject)]
pub struct LeaseEvent {
    pub from_state: Option<LeaseState>,
    pub to_state: LeaseState,
    pub actor: String,
    pub reason: Option<String>,
    pub at: DateTime<Utc>,
}

/// A one-time charge (set-up, leasing term, re-application…), billed with the messages.
#[derive(SimpleObject)]
pub struct OneTimeCharge {
    pub id: ID,
    pub customer_id: ID,
    pub kind: String,
    pub description: String,
    pub quantity: i32,
    pub unit_price: Money,
    pub amount: Money,
    pub currency: String,
    pub incurred_at: DateTime<Utc>,
    pub lease_id: Option<ID>,
}

impl From<one_time_charge::Model> for OneTimeCharge {
    fn from(c: one_time_charge::Model) -> Self {
        Self {
            id: ID(c.id.to_string()),
            customer_id: ID(c.customer_id.to_string()),
            kind: c.kind,
            description: c.description,
            quantity: c.quantity,
            unit_price: Money(from_micros(c.unit_price_micros)),
            amount: Money(from_micros(c.amount_micros)),
            currency: c.currency,
            incurred_at: c.incurred_at,
            lease_id: c.lease_id.map(|id| ID(id.to_string())),
        }
    }
}

/// A one-time price; rack when `customerId` is null.
#[derive(SimpleObject)]
pub struct OneTimePrice {
    pub id: ID,
    pub customer_id: Option<ID>,
    pub currency: String,
    /// `setup`, `leasing` (per term), `migration`, `filing`, `reapplication`, `surcharge`.
    pub kind: String,
    /// `random` or `vanity` (short codes), or empty for any.
    pub variant: String,
    pub unit_price: Money,
    pub effective_from: DateTime<Utc>,
    pub effective_to: Option<DateTime<Utc>>,
}

impl From<one_time_price::Model> for OneTimePrice {
    fn from(p: one_time_price::Model) -> Self {
        Self {
            id: ID(p.id.to_string()),
            customer_id: p.customer_id.map(|id| ID(id.to_string())),
            currency: p.currency,
            kind: p.kind,
            variant: p.variant,
            unit_price: Money(from_micros(p.unit_price_micros)),
            effective_from: p.effective_from,
            effective_to: p.effective_to,
        }
    }
}

/// A price to add to the list.
#[derive(InputObject)]
#[graphql(name = "NewOneTimePriceInput")]
pub struct NewOneTimePriceInput {
    pub customer_id: Option<ID>,
    pub currency: String,
    pub kind: String,
    #[graphql(default)]
    pub variant: String,
    pub unit_price: Money,
    pub effective_from: DateTime<Utc>,
    pub effective_to: Option<DateTime<Utc>>,
}

/// Notice given: the lease, when it ends, and whether the notice came too late for the
/// current term (it then renews once more).
#[derive(SimpleObject)]
pub struct NoticeResult {
    pub lease: Lease,
    pub ends_on: NaiveDate,
    pub late: bool,
    /// Plain words for the caller.
    pub message: String,
}

#[derive(Default)]
pub struct LeaseQuery;

#[Object]
impl LeaseQuery {
    /// Leases, newest first, optionally of one customer or in one state (customer keys: their
    /// own).
    #[graphql(guard = "RoleGuard::new(CUSTOMER_READERS)")]
    async fn leases(
        &self,
        ctx: &Context<'_>,
        customer_id: Option<ID>,
        state: Option<LeaseState>,
    ) -> Result<Vec<Lease>> {
        let mut select =
            short_code_lease::Entity::find().order_by_desc(short_code_lease::Column::Id);
        if let Some(customer) = scoped_customer(ctx, customer_id.as_ref(), "customerId")? {
            select = select.filter(short_code_lease::Column::CustomerId.eq(customer));
        }
        if let Some(state) = state {
            select = select.filter(short_code_lease::Column::State.eq(state));
        }
        let db = ctx.data::<DatabaseConnection>()?;
        Ok(select
            .limit(500)
            .all(db)
            .await
            .map_err(AppError::from)
            .gql()?
            .into_iter()
            .map(Lease)
            .collect())
    }

    #[graphql(guard = "RoleGuard::new(CUSTOMER_READERS)")]
    async fn lease(&self, ctx: &Context<'_>, id: ID) -> Result<Lease> {
        let id = parse_id(&id, "id")?;
        let db = ctx.data::<DatabaseConnection>()?;
        let own = caller(ctx)?.customer_id;
        short_code_lease::Entity::find_by_id(id)
            .one(db)
            .await
            .map_err(AppError::from)
            .gql()?
            .filter(|l| own.is_none_or(|c| c == l.customer_id))
            .map(Lease)
            .ok_or_else(|| AppError::NotFound(format!("lease {id}")))
            .gql()
    }

    /// One-time charges incurred in `[from, to)`, optionally of one customer.
    #[graphql(guard = "RoleGuard::new(FINANCE)")]
    async fn one_time_charges(
        &self,
        ctx: &Context<'_>,
        customer_id: Option<ID>,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<OneTimeCharge>> {
        let mut select = one_time_charge::Entity::find()
            .filter(one_time_charge::Column::IncurredAt.gte(from))
            .filter(one_time_charge::Column::IncurredAt.lt(to))
            .order_by_asc(one_time_charge::Column::IncurredAt)
            .order_by_asc(one_time_charge::Column::Id);
        if let Some(id) = customer_id {
            select =
                select.filter(one_time_charge::Column::CustomerId.eq(parse_id(&id, "customerId")?));
        }
        let db = ctx.data::<DatabaseConnection>()?;
        Ok(select
            .limit(1000)
            .all(db)
            .await
            .map_err(AppError::from)
            .gql()?
            .into_iter()
            .map(OneTimeCharge::from)
            .collect())
    }

    /// The one-time price list, newest first.
    #[graphql(guard = "RoleGuard::new(FINANCE)")]
    async fn one_time_prices(&self, ctx: &Context<'_>) -> Result<Vec<OneTimePrice>> {
        let db = ctx.data::<DatabaseConnection>()?;
        Ok(lease_store::prices(db)
            .await
            .gql()?
            .into_iter()
            .map(OneTimePrice::from)
            .collect())
    }
}

#[derive(Default)]
pub struct LeaseMutation;

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

#[Object]
impl LeaseMutation {
    /// Applies for a lease of a short code (again, after a cancellation for inactivity).
    #[graphql(guard = "RoleGuard::new(ACCOUNT_MANAGERS)")]
    async fn apply_lease(&self, ctx: &Context<'_>, number_id: ID) -> Result<Lease> {
        let db = ctx.data::<DatabaseConnection>()?;
        let number_id = parse_id(&number_id, "numberId")?;
        Ok(Lease(
            lease_store::apply(db, caller(ctx)?, number_id)
                .await
                .gql()?,
        ))
    }

    /// Activates an applied lease (`on`: today by default); set-up and the first term are
    /// charged.
    #[graphql(guard = "RoleGuard::new(ACCOUNT_MANAGERS)")]
    async fn activate_lease(
        &self,
        ctx: &Context<'_>,
        id: ID,
        on: Option<NaiveDate>,
    ) -> Result<Lease> {
        let db = ctx.data::<DatabaseConnection>()?;
        let id = parse_id(&id, "id")?;
        Ok(Lease(
            lease_store::activate(db, caller(ctx)?, id, on.unwrap_or_else(today))
                .await
                .gql()?,
        ))
    }

    /// Gives notice not to renew (`on`: today by default).
    #[graphql(guard = "RoleGuard::new(ACCOUNT_MANAGERS)")]
    async fn give_lease_notice(
        &self,
        ctx: &Context<'_>,
        id: ID,
        on: Option<NaiveDate>,
    ) -> Result<NoticeResult> {
        let db = ctx.data::<DatabaseConnection>()?;
        let id = parse_id(&id, "id")?;
        let (lease, outcome) =
            lease_store::give_notice(db, caller(ctx)?, id, on.unwrap_or_else(today))
                .await
                .gql()?;
        let message = if outcome.late {
            format!(
                "Notice came less than 30 days before the term's end: the lease renews once more and ends on {}.",
                outcome.ends_on
            )
        } else {
            format!(
                "The lease ends on {}, at the end of its current term.",
                outcome.ends_on
            )
        };
        Ok(NoticeResult {
            lease: Lease(lease),
            ends_on: outcome.ends_on,
            late: outcome.late,
            message,
        })
    }

    /// Withdraws notice while the lease still runs.
    #[graphql(guard = "RoleGuard::new(ACCOUNT_MANAGERS)")]
    async fn withdraw_lease_notice(&self, ctx: &Context<'_>, id: ID) -> Result<Lease> {
        let db = ctx.data::<DatabaseConnection>()?;
        let id = parse_id(&id, "id")?;
        Ok(Lease(
            lease_store::withdraw_notice(db, caller(ctx)?, id, today())
                .await
                .gql()?,
        ))
    }

    /// Cancels a lease outright, with a reason.
    #[graphql(guard = "RoleGuard::new(ACCOUNT_MANAGERS)")]
    async fn cancel_lease(&self, ctx: &Context<'_>, id: ID, reason: String) -> Result<Lease> {
        let db = ctx.data::<DatabaseConnection>()?;
        let id = parse_id(&id, "id")?;
        Ok(Lease(
            lease_store::cancel(db, caller(ctx)?, id, &reason)
                .await
                .gql()?,
        ))
    }

    /// Suspends a sending lease, with a reason (compliance).
    #[graphql(guard = "RoleGuard::new(COMPLIANCE)")]
    async fn suspend_lease(&self, ctx: &Context<'_>, id: ID, reason: String) -> Result<Lease> {
        let db = ctx.data::<DatabaseConnection>()?;
        let id = parse_id(&id, "id")?;
        Ok(Lease(
            lease_store::suspend(db, caller(ctx)?, id, &reason)
                .await
                .gql()?,
        ))
    }

    /// Resumes a suspended lease, with a reason (compliance).
    #[graphql(guard = "RoleGuard::new(COMPLIANCE)")]
    async fn resume_lease(&self, ctx: &Context<'_>, id: ID, reason: String) -> Result<Lease> {
        let db = ctx.data::<DatabaseConnection>()?;
        let id = parse_id(&id, "id")?;
        Ok(Lease(
            lease_store::resume(db, caller(ctx)?, id, &reason)
                .await
                .gql()?,
        ))
    }

    /// Applies renewals, notice endings and inactivity as of a day (today by default); the
    /// same as `backoffice leases maintain`.
    #[graphql(guard = "RoleGuard::new(ADMINS)")]
    async fn maintain_leases(
        &self,
        ctx: &Context<'_>,
        as_of: Option<NaiveDate>,
    ) -> Result<MaintenanceSummary> {
        let db = ctx.data::<DatabaseConnection>()?;
        lease_store::maintain_leases(db, caller(ctx)?, as_of.unwrap_or_else(today))
            .await
            .gql()
    }

    /// Adds a price to the one-time price list.
    #[graphql(guard = "RoleGuard::new(FINANCE)")]
    async fn set_one_time_price(
        &self,
        ctx: &Context<'_>,
        input: NewOneTimePriceInput,
    ) -> Result<OneTimePrice> {
        let db = ctx.data::<DatabaseConnection>()?;
        let new = lease_store::NewPrice {
            customer_id: input
                .customer_id
                .map(|id| parse_id(&id, "customerId"))
                .transpose()?,
            currency: input.currency,
            kind: input.kind,
            variant: input.variant,
            unit_price: input.unit_price.0,
            effective_from: input.effective_from,
            effective_to: input.effective_to,
        };
        let saved = lease_store::add_price(db, caller(ctx)?, new).await.gql()?;
        Ok(saved.into())
    }
}
