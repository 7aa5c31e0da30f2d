//! Numbers and sender IDs in the API: account managers set them up, compliance attests and
//! authorizes, customer keys read their own.

use async_graphql::connection::Connection;
use async_graphql::dataloader::DataLoader;
use async_graphql::{ComplexObject, Context, InputObject, Object, Result, SimpleObject, ID};
use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;

use super::customers::Customer;
use super::error::{code, coded, ResultExt};
use super::guard::{caller, RoleGuard, ACCOUNT_MANAGERS, COMPLIANCE, NUMBER_READERS};
use super::loader::CustomerLoader;
use super::pagination::{connection, page_args, Cursor};
use super::parse_id;
use crate::compliance::authorizations::{self, NewAuthorization};
use crate::compliance::number_store::{self, NewNumber, NumberFilter};
use crate::compliance::numbers::{NumberKind, ShortCodeType};
use crate::config::{ComplianceSettings, ThrottleSettings};
use crate::db::entities::{number, sender_authorization};
use crate::messaging::throttle;

/// A messaging number or sender ID.
#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct Number {
    pub id: ID,
    pub customer_id: ID,
    pub kind: NumberKind,
    /// E.164 for phone numbers, digits for short codes, the ID for alphanumeric senders.
    pub address: String,
    /// ISO 3166 alpha-2; null for alphanumeric IDs.
    pub country: Option<String>,
    pub short_code_type: Option<ShortCodeType>,
    pub two_way: bool,
    pub sms_enabled: bool,
    pub mms_enabled: bool,
    pub attested_by: Option<String>,
    pub attested_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    #[graphql(skip)]
    model: number::Model,
}

/// The limits a number sends under, in fragments.
#[derive(SimpleObject)]
pub struct Throttle {
    pub per_second: u32,
    /// Null: no daily cap.
    pub per_day: Option<u64>,
    /// True when the number overrides its kind's defaults.
    pub overridden: bool,
}

#[ComplexObject]
impl Number {
    /// True when the number may send (SMS or MMS enabled).
    async fn messaging_enabled(&self) -> bool {
        self.sms_enabled || self.mms_enabled
    }

    /// The limits in force: the number's own, else its kind's defaults.
    async fn throttle(&self, ctx: &Context<'_>) -> Result<Throttle> {
        let settings = ctx.data::<ThrottleSettings>()?;
        let limits = throttle::effective(
            settings,
            self.model.kind,
            self.model
                .per_second_limit
                .and_then(|n| u32::try_from(n).ok()),
            self.model.per_day_limit.and_then(|n| u64::try_from(n).ok()),
        );
        Ok(Throttle {
            per_second: limits.per_second,
            per_day: limits.per_day,
            overridden: limits.overridden,
        })
    }

    async fn customer(&self, ctx: &Context<'_>) -> Result<Option<Customer>> {
        let loader = ctx.data::<DataLoader<CustomerLoader>>()?;
        loader.load_one(self.model.customer_id).await.map_err(|e| {
            tracing::error!(error = ?e, "loading customers failed");
            coded(code::INTERNAL, "internal error")
        })
    }

    /// Authorizations on file for an alphanumeric ID, newest first.
    #[graphql(guard = "RoleGuard::new(COMPLIANCE)")]
    async fn authorizations(&self, ctx: &Context<'_>) -> Result<Vec<SenderAuthorization>> {
        let db = ctx.data::<DatabaseConnection>()?;
        let rows = authorizations::list(db, self.model.id).await.gql()?;
        Ok(rows.into_iter().map(SenderAuthorization::from).collect())
    }
}

impl From<number::Model> for Number {
    fn from(m: number::Model) -> Self {
        Self {
            id: ID(m.id.to_string()),
            customer_id: ID(m.customer_id.to_string()),
            kind: m.kind,
            address: m.address.clone(),
            country: m.country.clone(),
            short_code_type: m.short_code_type,
            two_way: m.two_way,
            sms_enabled: m.sms_enabled,
            mms_enabled: m.mms_enabled,
            attested_by: m.attested_by.clone(),
            attested_at: m.attested_at,
            created_at: m.created_at,
            updated_at: m.updated_at,
            model: m,
        }
    }
}

/// Evidence that an alphanumeric sender authorized the customer.
#[derive(SimpleObject)]
pub struct SenderAuthorization {
    pub id: ID,
    pub number_id: ID,
    pub reference: String,
    pub granted_by: String,
    pub granted_at: DateTime<Utc>,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
    pub withdrawn_by: Option<String>,
    pub withdrawn_at: Option<DateTime<Utc>>,
}

impl From<sender_authorization::Model> for SenderAuthorization {
    fn from(m: sender_authorization::Model) -> Self {
        Self {
            id: ID(m.id.to_string()),
            number_id: ID(m.number_id.to_string()),
            reference: m.reference,
            granted_by: m.granted_by,
            granted_at: m.granted_at,
            recorded_by: m.recorded_by,
            recorded_at: m.recorded_at,
            withdrawn_by: m.withdrawn_by,
            withdrawn_at: m.withdrawn_at,
        }
    }
}

/// A number to register. It starts disabled: attest it, then enable SMS and/or MMS.
#[derive(InputObject)]
#[graphql(name = "NewNumberInput")]
pub struct NewNumberInput {
    pub customer_id: ID,
    pub kind: NumberKind,
    /// Any common form; stored as E.164 for phone numbers.
    pub address: String,
    /// Required for short codes, refused for other kinds.
    pub short_code_type: Option<ShortCodeType>,
    #[graphql(default)]
    pub two_way: bool,
    /// Free-to-end-user programs are not supported: true is a validation error.
    #[graphql(default)]
    pub fteu: bool,
    pub per_second_limit: Option<u32>,
    pub per_day_limit: Option<u64>,
}

/// Evidence of an alphanumeric sender's authorization.
#[derive(InputObject)]
#[graphql(name = "SenderAuthorizationInput")]
pub struct SenderAuthorizationInput {
    pub number_id: ID,
    pub reference: String,
    pub granted_by: String,
    pub granted_at: DateTime<Utc>,
}

#[derive(Default)]
pub struct NumberQuery;

#[Object]
impl NumberQuery {
    /// Numbers, oldest first, optionally of one customer or kind. Customer keys see their own.
    #[graphql(
        guard = "RoleGuard::new(NUMBER_READERS)",
        complexity = "first * child_complexity"
    )]
    async fn numbers(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 20)] first: usize,
        after: Option<String>,
        customer_id: Option<ID>,
        kind: Option<NumberKind>,
    ) -> Result<Connection<Cursor, Number>> {
        let (first, after) = page_args(first, after.as_deref())?;
        let filter = NumberFilter {
            only: caller(ctx)?.customer_id,
            customer_id: customer_id
                .map(|id| parse_id(&id, "customerId"))
                .transpose()?,
            kind,
        };
        let db = ctx.data::<DatabaseConnection>()?;
        let page = number_store::list(db, filter, after, first).await.gql()?;
        Ok(connection(page, after, |m| m.id, Number::from))
    }

    #[graphql(guard = "RoleGuard::new(NUMBER_READERS)")]
    async fn number(&self, ctx: &Context<'_>, id: ID) -> Result<Number> {
        let id = parse_id(&id, "id")?;
        let db = ctx.data::<DatabaseConnection>()?;
        Ok(number_store::get(db, id, caller(ctx)?.customer_id)
            .await
            .gql()?
            .into())
    }

    /// Countries alphanumeric sender IDs may send to (never US or CA).
    #[graphql(guard = "RoleGuard::new(NUMBER_READERS)")]
    async fn alphanumeric_countries(&self, ctx: &Context<'_>) -> Result<Vec<String>> {
        Ok(ctx
            .data::<ComplianceSettings>()?
            .alphanumeric_countries
            .clone())
    }
}

#[derive(Default)]
pub struct NumberMutation;

#[Object]
impl NumberMutation {
    #[graphql(guard = "RoleGuard::new(ACCOUNT_MANAGERS)")]
    async fn create_number(&self, ctx: &Context<'_>, input: NewNumberInput) -> Result<Number> {
        let new = NewNumber {
            customer_id: parse_id(&input.customer_id, "customerId")?,
            kind: input.kind,
            address: input.address,
            short_code_type: input.short_code_type,
            two_way: input.two_way,
            fteu: input.fteu,
            per_second_limit: input.per_second_limit,
            per_day_limit: input.per_day_limit,
        };
        let db = ctx.data::<DatabaseConnection>()?;
        Ok(number_store::create(db, caller(ctx)?, new)
            .await
            .gql()?
            .into())
    }

    /// Makes a number 1-way or 2-way (alphanumeric IDs are always 1-way).
    #[graphql(guard = "RoleGuard::new(ACCOUNT_MANAGERS)")]
    async fn set_number_two_way(
        &self,
        ctx: &Context<'_>,
        id: ID,
        two_way: bool,
        #[graphql(default)] fteu: bool,
    ) -> Result<Number> {
        let id = parse_id(&id, "id")?;
        let db = ctx.data::<DatabaseConnection>()?;
        Ok(
            number_store::set_two_way(db, caller(ctx)?, id, two_way, fteu)
                .await
                .gql()?
                .into(),
        )
    }

    /// Sets the number's own limits; null returns a limit to its kind's default.
    #[graphql(guard = "RoleGuard::new(ACCOUNT_MANAGERS)")]
    async fn set_number_throttle(
        &self,
        ctx: &Context<'_>,
        id: ID,
        per_second: Option<u32>,
        per_day: Option<u64>,
    ) -> Result<Number> {
        let id = parse_id(&id, "id")?;
        let db = ctx.data::<DatabaseConnection>()?;
        Ok(
            number_store::set_throttle(db, caller(ctx)?, id, per_second, per_day)
                .await
                .gql()?
                .into(),
        )
    }

    /// Turns SMS and MMS on or off. On needs the owner attestation, and for an alphanumeric
    /// ID an authorization on file.
    #[graphql(guard = "RoleGuard::new(ACCOUNT_MANAGERS)")]
    async fn set_number_messaging(
        &self,
        ctx: &Context<'_>,
        id: ID,
        sms: bool,
        mms: bool,
    ) -> Result<Number> {
        let id = parse_id(&id, "id")?;
        let db = ctx.data::<DatabaseConnection>()?;
        Ok(number_store::set_messaging(db, caller(ctx)?, id, sms, mms)
            .await
            .gql()?
            .into())
    }

    /// Records who attested that the customer legitimately owns the number.
    #[graphql(guard = "RoleGuard::new(COMPLIANCE)")]
    async fn attest_number_ownership(
        &self,
        ctx: &Context<'_>,
        id: ID,
        attested_by: String,
    ) -> Result<Number> {
        let id = parse_id(&id, "id")?;
        let db = ctx.data::<DatabaseConnection>()?;
        Ok(number_store::attest(db, caller(ctx)?, id, &attested_by)
            .await
            .gql()?
            .into())
    }

    #[graphql(guard = "RoleGuard::new(COMPLIANCE)")]
    async fn record_sender_authorization(
        &self,
        ctx: &Context<'_>,
        input: SenderAuthorizationInput,
    ) -> Result<SenderAuthorization> {
        let new = NewAuthorization {
            number_id: parse_id(&input.number_id, "numberId")?,
            reference: input.reference,
            granted_by: input.granted_by,
            granted_at: input.granted_at,
        };
        let db = ctx.data::<DatabaseConnection>()?;
        Ok(authorizations::record(db, caller(ctx)?, new)
            .await
            .gql()?
            .into())
    }

    /// Withdraws an authorization; with none left the ID is disabled.
    #[graphql(guard = "RoleGuard::new(COMPLIANCE)")]
    async fn withdraw_sender_authorization(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> Result<SenderAuthorization> {
        let id = parse_id(&id, "id")?;
        let db = ctx.data::<DatabaseConnection>()?;
        Ok(authorizations::withdraw(db, caller(ctx)?, id)
            .await
            .gql()?
            .into())
    }
}
