//! MMS use cases in the API: customers and account managers submit, compliance decides from
//! its queue; everyone reads them (customer keys: their own).

use async_graphql::{Context, InputObject, Object, Result, SimpleObject, ID};
use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;

use super::error::ResultExt;
use super::guard::{caller, scoped_customer, RoleGuard, COMPLIANCE, CUSTOMER_READERS, FORECASTERS};
use super::parse_id;
use crate::compliance::use_case_store::{self, media_of, numbers_of, NewUseCase};
use crate::compliance::use_cases::UseCaseStatus;
use crate::db::entities::mms_use_case;

/// An MMS use case.
#[derive(SimpleObject)]
pub struct MmsUseCase {
    pub id: ID,
    pub customer_id: ID,
    pub description: String,
    pub sample_content: String,
    pub number_ids: Vec<ID>,
    pub media_types: Vec<String>,
    pub expected_monthly_volume: i64,
    pub att_exempt: bool,
    pub att_evidence: Option<String>,
    pub status: UseCaseStatus,
    pub decision_reason: Option<String>,
    pub submitted_by: String,
    pub decided_by: Option<String>,
    pub submitted_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
}

impl From<mms_use_case::Model> for MmsUseCase {
    fn from(u: mms_use_case::Model) -> Self {
        Self {
            id: ID(u.id.to_string()),
            customer_id: ID(u.customer_id.to_string()),
            number_ids: numbers_of(&u)
                .into_iter()
                .map(|n| ID(n.to_string()))
                .collect(),
            media_types: media_of(&u),
            description: u.description,
            sample_content: u.sample_content,
            expected_monthly_volume: u.expected_monthly_volume,
            att_exempt: u.att_exempt,
            att_evidence: u.att_evidence,
            status: u.status,
            decision_reason: u.decision_reason,
            submitted_by: u.submitted_by,
            decided_by: u.decided_by,
            submitted_at: u.submitted_at,
            decided_at: u.decided_at,
        }
    }
}

/// A use case to submit.
#[derive(InputObject)]
#[graphql(name = "MmsUseCaseInput")]
pub struct MmsUseCaseInput {
    pub customer_id: ID,
    pub description: String,
    pub sample_content: String,
    pub number_ids: Vec<ID>,
    /// `text/plain`, `audio/*`, `video/mp4`…
    pub media_types: Vec<String>,
    pub expected_monthly_volume: i64,
    #[graphql(default)]
    pub att_exempt: bool,
    pub att_evidence: Option<String>,
}

#[derive(Default)]
pub struct UseCaseQuery;

#[Object]
impl UseCaseQuery {
    /// MMS use cases, newest first (customer keys: their own).
    #[graphql(guard = "RoleGuard::new(CUSTOMER_READERS)")]
    async fn mms_use_cases(
        &self,
        ctx: &Context<'_>,
        customer_id: Option<ID>,
    ) -> Result<Vec<MmsUseCase>> {
        let db = ctx.data::<DatabaseConnection>()?;
        let customer = scoped_customer(ctx, customer_id.as_ref(), "customerId")?;
        Ok(use_case_store::list(db, customer)
            .await
            .gql()?
            .into_iter()
            .map(MmsUseCase::from)
            .collect())
    }

    /// Submissions waiting for a decision, oldest first.
    #[graphql(guard = "RoleGuard::new(COMPLIANCE)")]
    async fn mms_use_case_queue(&self, ctx: &Context<'_>) -> Result<Vec<MmsUseCase>> {
        let db = ctx.data::<DatabaseConnection>()?;
        Ok(use_case_store::queue(db)
            .await
            .gql()?
            .into_iter()
            .map(MmsUseCase::from)
            .collect())
    }
}

#[derive(Default)]
pub struct UseCaseMutation;

#[Object]
impl UseCaseMutation {
    /// Submits an MMS use case (a changed one is a new submission; the old approval stays
    /// in force until this one is decided).
    #[graphql(guard = "RoleGuard::new(FORECASTERS)")]
    async fn submit_mms_use_case(
        &self,
        ctx: &Context<'_>,
        input: MmsUseCaseInput,
    ) -> Result<MmsUseCase> {
        let db = ctx.data::<DatabaseConnection>()?;
        let new = NewUseCase {
            customer_id: parse_id(&input.customer_id, "customerId")?,
            description: input.description,
            sample_content: input.sample_content,
            number_ids: input
                .number_ids
                .iter()
                .map(|id| parse_id(id, "numberIds"))
                .collect::<Result<_>>()?,
            media_types: input.media_types,
            expected_monthly_volume: input.expected_monthly_volume,
            att_exempt: input.att_exempt,
            att_evidence: input.att_evidence,
        };
        Ok(use_case_store::submit(db, caller(ctx)?, new)
            .await
            .gql()?
            .into())
    }

    /// Approves or rejects a submission, or revokes an approval (both with a reason).
    #[graphql(guard = "RoleGuard::new(COMPLIANCE)")]
    async fn decide_mms_use_case(
        &self,
        ctx: &Context<'_>,
        id: ID,
        status: UseCaseStatus,
        reason: Option<String>,
    ) -> Result<MmsUseCase> {
        let db = ctx.data::<DatabaseConnection>()?;
        let id = parse_id(&id, "id")?;
        Ok(use_case_store::decide(db, caller(ctx)?, id, status, reason)
            .await
            .gql()?
            .into())
    }
}
