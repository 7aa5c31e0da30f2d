//! Carrier filings in the API: compliance drafts, submits and records carriers' decisions;
//! everyone reads them (customer keys: their own).

use async_graphql::{Context, InputObject, Object, Result, SimpleObject, ID};
use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;

use super::error::ResultExt;
use super::guard::{caller, scoped_customer, RoleGuard, COMPLIANCE, CUSTOMER_READERS};
use super::parse_id;
use crate::compliance::filing_store::{self, NewFiling};
use crate::compliance::filings::{FilingKind, FilingStatus};
use crate::db::entities::carrier_filing;

/// A short code's filing with one carrier.
#[derive(SimpleObject)]
pub struct Filing {
    pub id: ID,
    pub customer_id: ID,
    pub number_id: ID,
    pub carrier_id: ID,
    pub kind: FilingKind,
    pub use_case: String,
    pub sample_messages: Vec<String>,
    pub help_answer: String,
    pub stop_answer: String,
    pub status: FilingStatus,
    pub decision_reason: Option<String>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub decided_at: Option<DateTime<Utc>>,
}

impl From<carrier_filing::Model> for Filing {
    fn from(f: carrier_filing::Model) -> Self {
        Self {
            id: ID(f.id.to_string()),
            customer_id: ID(f.customer_id.to_string()),
            number_id: ID(f.number_id.to_string()),
            carrier_id: ID(f.carrier_id.to_string()),
            kind: f.kind,
            use_case: f.use_case,
            sample_messages: serde_json::from_str(&f.sample_messages).unwrap_or_default(),
            help_answer: f.help_answer,
            stop_answer: f.stop_answer,
            status: f.status,
            decision_reason: f.decision_reason,
            submitted_at: f.submitted_at,
            decided_at: f.decided_at,
        }
    }
}

/// A filing to draft.
#[derive(InputObject)]
#[graphql(name = "NewFilingInput")]
pub struct NewFilingInput {
    pub number_id: ID,
    pub carrier_id: ID,
    pub kind: FilingKind,
    pub use_case: String,
    pub sample_messages: Vec<String>,
    pub help_answer: String,
    pub stop_answer: String,
}

#[derive(Default)]
pub struct FilingQuery;

#[Object]
impl FilingQuery {
    /// Filings, newest first, optionally of one customer or short code.
    #[graphql(guard = "RoleGuard::new(CUSTOMER_READERS)")]
    async fn filings(
        &self,
        ctx: &Context<'_>,
        customer_id: Option<ID>,
        number_id: Option<ID>,
    ) -> Result<Vec<Filing>> {
        let db = ctx.data::<DatabaseConnection>()?;
        let customer = scoped_customer(ctx, customer_id.as_ref(), "customerId")?;
        let number = number_id.map(|id| parse_id(&id, "numberId")).transpose()?;
        Ok(filing_store::list(db, customer, number)
            .await
            .gql()?
            .into_iter()
            .map(Filing::from)
            .collect())
    }
}

#[derive(Default)]
pub struct FilingMutation;

#[Object]
impl FilingMutation {
    /// Drafts a filing of a short code with a carrier.
    #[graphql(guard = "RoleGuard::new(COMPLIANCE)")]
    async fn create_filing(&self, ctx: &Context<'_>, input: NewFilingInput) -> Result<Filing> {
        let db = ctx.data::<DatabaseConnection>()?;
        let new = NewFiling {
            number_id: parse_id(&input.number_id, "numberId")?,
            carrier_id: parse_id(&input.carrier_id, "carrierId")?,
            kind: input.kind,
            use_case: input.use_case,
            sample_messages: input.sample_messages,
            help_answer: input.help_answer,
            stop_answer: input.stop_answer,
        };
        Ok(filing_store::create(db, caller(ctx)?, new)
            .await
            .gql()?
            .into())
    }

    /// Moves a filing: `SUBMITTED` (charges the filing fee and the carrier's pass-through
    /// fee), `APPROVED`, `REJECTED` or `AMENDMENT_REQUIRED` (both with a reason).
    #[graphql(guard = "RoleGuard::new(COMPLIANCE)")]
    async fn set_filing_status(
        &self,
        ctx: &Context<'_>,
        id: ID,
        status: FilingStatus,
        reason: Option<String>,
    ) -> Result<Filing> {
        let db = ctx.data::<DatabaseConnection>()?;
        let id = parse_id(&id, "id")?;
        Ok(
            filing_store::set_status(db, caller(ctx)?, id, status, reason)
                .await
                .gql()?
                .into(),
        )
    }
}
