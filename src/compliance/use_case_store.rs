//! MMS use cases in the database: submissions by customers and account managers, decisions
//! by compliance (each audited, each an alert for the account manager), the queue.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set,
    TransactionTrait,
};
use serde_json::json;

use super::lease_store::raise_alert;
use super::use_cases::{may_decide, UseCaseStatus};
use crate::audit;
use crate::auth::RequestContext;
use crate::db::entities::{mms_use_case, number};
use crate::error::AppError;

/// A use case to submit.
#[derive(Clone, Debug)]
pub struct NewUseCase {
    pub customer_id: i64,
    pub description: String,
    pub sample_content: String,
    pub number_ids: Vec<i64>,
    pub media_types: Vec<String>,
    pub expected_monthly_volume: i64,
    pub att_exempt: bool,
    pub att_evidence: Option<String>,
}

/// The sender numbers a use case covers.
pub fn numbers_of(use_case: &mms_use_case::Model) -> Vec<i64> {
    serde_json::from_str(&use_case.number_ids).unwrap_or_default()
}

/// The media types a use case may send.
pub fn media_of(use_case: &mms_use_case::Model) -> Vec<String> {
    serde_json::from_str(&use_case.media_types).unwrap_or_default()
}

/// Submits a use case (a changed use case is a new submission). A customer key submits for
/// its own customer and numbers only.
pub async fn submit(
    db: &DatabaseConnection,
    actor: &RequestContext,
    new: NewUseCase,
) -> Result<mms_use_case::Model, AppError> {
    if actor.customer_id.is_some_and(|own| own != new.customer_id) {
        return Err(AppError::NotFound(format!("customer {}", new.customer_id)));
    }
    let description = new.description.trim().to_owned();
    if description.is_empty() || description.chars().count() > 4000 {
        return Err(AppError::invalid_field(
            "description",
            "must be 1 to 4000 characters",
        ));
    }
    if new.sample_content.trim().is_empty() {
        return Err(AppError::invalid_field(
            "sample_content",
            "must not be empty",
        ));
    }
    if new.number_ids.is_empty() {
        return Err(AppError::invalid_field(
            "number_ids",
            "needs at least one sender number",
        ));
    }
    let media: Vec<String> = new
        .media_types
        .iter()
        .map(|m| m.trim().to_ascii_lowercase())
        .collect();
    if media.is_empty() || media.iter().any(|m| !m.contains('/')) {
        return Err(AppError::invalid_field(
            "media_types",
            "needs media types like audio/amr or video/*",
        ));
    }
    if new.expected_monthly_volume < 0 {
        return Err(AppError::invalid_field(
            "expected_monthly_volume",
            "must not be negative",
        ));
    }
    if new.att_exempt
        && new
            .att_evidence
            .as_deref()
            .is_none_or(|e| e.trim().is_empty())
    {
        return Err(AppError::invalid_field(
            "att_evidence",
            "is required for an AT&T exemption",
        ));
    }
    let numbers = number::Entity::find()
        .filter(number::Column::Id.is_in(new.number_ids.clone()))
        .filter(number::Column::CustomerId.eq(new.customer_id))
        .all(db)
        .await?;
    if numbers.len() != new.number_ids.len() {
        return Err(AppError::invalid_field(
            "number_ids",
            "holds a number that is not this customer's",
        ));
    }
    let txn = db.begin().await?;
    let saved = mms_use_case::ActiveModel {
        customer_id: Set(new.customer_id),
        description: Set(description),
        sample_content: Set(new.sample_content.trim().to_owned()),
        number_ids: Set(serde_json::to_string(&new.number_ids).unwrap_or_default()),
        media_types: Set(serde_json::to_string(&media).unwrap_or_default()),
        expected_monthly_volume: Set(new.expected_monthly_volume),
        att_exempt: Set(new.att_exempt),
        att_evidence: Set(new.att_evidence.filter(|e| !e.trim().is_empty())),
        status: Set(UseCaseStatus::Submitted),
        decision_reason: Set(None),
        submitted_by: Set(actor.actor.clone()),
        decided_by: Set(None),
        submitted_at: Set(Utc::now()),
        decided_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        "submitMmsUseCase",
        "mms_use_case",
        saved.id,
        json!({ "numbers": new.number_ids }),
    )
    .await?;
    raise_alert(
        &txn,
        saved.customer_id,
        None,
        "mms_use_case",
        format!("MMS use case {} submitted", saved.id),
        "A new MMS use case waits for compliance.".into(),
    )
    .await?;
    txn.commit().await?;
    Ok(saved)
}

/// Compliance approves or rejects a submission, or revokes an approval (a reason for both of
/// the latter). An approval supersedes the customer's earlier approvals for the same numbers.
pub async fn decide(
    db: &DatabaseConnection,
    actor: &RequestContext,
    id: i64,
    to: UseCaseStatus,
    reason: Option<String>,
) -> Result<mms_use_case::Model, AppError> {
    let current = mms_use_case::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("MMS use case {id}")))?;
    if !may_decide(current.status, to) {
        return Err(AppError::Conflict(format!(
            "a {:?} use case cannot become {to:?}",
            current.status
        )));
    }
    let reason = reason
        .map(|r| r.trim().to_owned())
        .filter(|r| !r.is_empty());
    if matches!(to, UseCaseStatus::Rejected | UseCaseStatus::Revoked) && reason.is_none() {
        return Err(AppError::invalid_field(
            "reason",
            "is required for this decision",
        ));
    }
    let now = Utc::now();
    // The decision first: a write opens the transaction, so SQLite waits its turn instead of
    // failing to upgrade a read when the message writer commits in between.
    let txn = db.begin().await?;
    let customer_id = current.customer_id;
    let from = current.status;
    let numbers = numbers_of(&current);
    let mut active: mms_use_case::ActiveModel = current.into();
    active.status = Set(to);
    active.decision_reason = Set(reason.clone());
    active.decided_by = Set(Some(actor.actor.clone()));
    active.decided_at = Set(Some(now));
    let saved = active.update(&txn).await?;
    audit::record(
        &txn,
        actor,
        "decideMmsUseCase",
        "mms_use_case",
        id,
        json!({ "from": format!("{from:?}"), "to": format!("{to:?}"), "reason": reason }),
    )
    .await?;
    if to == UseCaseStatus::Approved {
        let earlier = mms_use_case::Entity::find()
            .filter(mms_use_case::Column::CustomerId.eq(customer_id))
            .filter(mms_use_case::Column::Status.eq(UseCaseStatus::Approved))
            .filter(mms_use_case::Column::Id.ne(id))
            .all(&txn)
            .await?;
        for old in earlier
            .into_iter()
            .filter(|o| numbers_of(o).iter().any(|n| numbers.contains(n)))
        {
            let old_id = old.id;
            let mut active: mms_use_case::ActiveModel = old.into();
            active.status = Set(UseCaseStatus::Superseded);
            active.decided_at = Set(Some(now));
            active.decision_reason = Set(Some(format!("superseded by use case {id}")));
            active.update(&txn).await?;
            audit::record(
                &txn,
                actor,
                "supersedeMmsUseCase",
                "mms_use_case",
                old_id,
                json!({ "by": id }),
            )
            .await?;
        }
    }
    raise_alert(
        &txn,
        customer_id,
        None,
        "mms_use_case",
        format!("MMS use case {id} {to:?}"),
        reason.unwrap_or_else(|| format!("The use case is now {to:?}.")),
    )
    .await?;
    txn.commit().await?;
    Ok(saved)
}

/// Use cases, newest first, optionally of one customer.
pub async fn list(
    db: &DatabaseConnection,
    customer_id: Option<i64>,
) -> Result<Vec<mms_use_case::Model>, AppError> {
    let mut select = mms_use_case::Entity::find().order_by_desc(mms_use_case::Column::Id);
    if let Some(id) = customer_id {
        select = select.filter(mms_use_case::Column::CustomerId.eq(id));
    }
    Ok(select.all(db).await?)
}

/// Submissions waiting for compliance, oldest first.
pub async fn queue(db: &DatabaseConnection) -> Result<Vec<mms_use_case::Model>, AppError> {
    Ok(mms_use_case::Entity::find()
        .filter(mms_use_case::Column::Status.eq(UseCaseStatus::Submitted))
        .order_by_asc(mms_use_case::Column::SubmittedAt)
        .order_by_asc(mms_use_case::Column::Id)
        .all(db)
        .await?)
}
