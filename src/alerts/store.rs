//! Alerts in the database: raised once per key, listed with filters, acknowledged.

use chrono::Utc;
use sea_orm::sea_query::{Expr, Func, OnConflict};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, Select,
    Set,
};

use super::{dedupe_key, Severity};
use crate::db::entities::{alert, customer};
use crate::error::AppError;

/// An alert to raise.
#[derive(Clone, Debug)]
pub struct NewAlert {
    /// None for the operators' alerts.
    pub customer_id: Option<i64>,
    pub lease_id: Option<i64>,
    pub kind: String,
    pub subject: String,
    pub detail: String,
}

/// Raises an alert unless one with its key exists; true when it is new. Writes first (the
/// recipient is resolved when it is sent), so it can run inside a caller's transaction on
/// SQLite while the message writer commits.
pub async fn raise(conn: &impl ConnectionTrait, new: NewAlert) -> Result<bool, AppError> {
    let key = dedupe_key(&new.kind, new.customer_id, new.lease_id, &new.subject);
    let inserted = alert::Entity::insert(alert::ActiveModel {
        customer_id: Set(new.customer_id),
        severity: Set(Severity::of_kind(&new.kind).as_str().into()),
        kind: Set(new.kind.chars().take(32).collect()),
        subject: Set(new.subject.chars().take(200).collect()),
        detail: Set(new.detail),
        lease_id: Set(new.lease_id),
        recipient: Set(None),
        dedupe_key: Set(Some(key)),
        state: Set("pending".into()),
        attempts: Set(0),
        next_attempt_at: Set(None),
        last_error: Set(None),
        created_at: Set(Utc::now()),
        acknowledged_at: Set(None),
        acknowledged_by: Set(None),
        emailed_at: Set(None),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::column(alert::Column::DedupeKey)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(conn)
    .await?;
    Ok(inserted > 0)
}

/// Which alerts to list.
#[derive(Clone, Debug, Default)]
pub struct AlertFilter {
    pub kind: Option<String>,
    pub customer_id: Option<i64>,
    /// `pending`, `sent`, `failed` or `none`.
    pub state: Option<String>,
    pub acknowledged: Option<bool>,
    /// An account manager's own key: only alerts about their customers or addressed to them.
    pub manager_email: Option<String>,
}

/// The alerts matching `filter`, for a keyset page (`db::page::keyset`).
pub fn select(filter: &AlertFilter) -> Select<alert::Entity> {
    let mut select = alert::Entity::find();
    if let Some(kind) = &filter.kind {
        select = select.filter(alert::Column::Kind.eq(kind.as_str()));
    }
    if let Some(customer) = filter.customer_id {
        select = select.filter(alert::Column::CustomerId.eq(customer));
    }
    if let Some(state) = &filter.state {
        select = select.filter(alert::Column::State.eq(state.as_str()));
    }
    if let Some(email) = &filter.manager_email {
        let email = email.trim().to_lowercase();
        let theirs = sea_orm::sea_query::Query::select()
            .column(customer::Column::Id)
            .from(customer::Entity)
            .and_where(
                Expr::expr(Func::lower(Expr::col(
                    customer::Column::AccountManagerEmail,
                )))
                .eq(email.as_str()),
            )
            .to_owned();
        select = select.filter(
            Condition::any()
                .add(alert::Column::CustomerId.in_subquery(theirs))
                .add(
                    Expr::expr(Func::lower(Expr::col(alert::Column::Recipient))).eq(email.as_str()),
                ),
        );
    }
    match filter.acknowledged {
        Some(true) => select.filter(alert::Column::AcknowledgedAt.is_not_null()),
        Some(false) => select.filter(alert::Column::AcknowledgedAt.is_null()),
        None => select,
    }
}

/// Marks an alert as seen by `actor`; acknowledging again keeps the first time.
pub async fn acknowledge(
    conn: &impl ConnectionTrait,
    id: i64,
    actor: &str,
) -> Result<alert::Model, AppError> {
    let current = alert::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("alert {id}")))?;
    if current.acknowledged_at.is_some() {
        return Ok(current);
    }
    let mut active: alert::ActiveModel = current.into();
    active.acknowledged_at = Set(Some(Utc::now()));
    active.acknowledged_by = Set(Some(actor.chars().take(200).collect()));
    Ok(active.update(conn).await?)
}
