//! Retention: a message's content (its text, subject, MMS parts and the copy in its MO
//! delivery) is purged `content_days` after the message ended, and its detail record with
//! its charges `record_days` after it was submitted. Both go in small batches, each its own
//! short transaction with a pause after it, so the message writer is never held up for long.
//! Invoices keep their lines and the billing roll-up keeps its totals; only the per-record
//! drill-down of a purged period is gone.

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    TransactionTrait,
};

use crate::config::RetentionSettings;
use crate::db::entities::{message, message_charge, message_handoff, message_part, receipt};
use crate::error::AppError;

/// What a purge did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct PurgeSummary {
    pub contents_purged: i64,
    pub records_deleted: i64,
    pub batches: i64,
}

/// The first instant whose records are still kept, `days` before `now`.
pub fn cutoff(now: DateTime<Utc>, days: u32) -> DateTime<Utc> {
    now - Duration::days(i64::from(days))
}

/// Purges what has passed its retention as of `now`.
pub async fn purge(
    db: &DatabaseConnection,
    settings: &RetentionSettings,
    now: DateTime<Utc>,
) -> Result<PurgeSummary, AppError> {
    let mut summary = PurgeSummary::default();
    let batch = settings.batch_size.max(1);
    let pause = std::time::Duration::from_millis(settings.pause_ms);

    // Records first: their content goes with them.
    let record_cutoff = cutoff(now, settings.record_days);
    loop {
        let rows: Vec<(i64, String)> = message::Entity::find()
            .select_only()
            .column(message::Column::Id)
            .column(message::Column::MessageId)
            .filter(message::Column::SubmittedAt.lt(record_cutoff))
            .order_by_asc(message::Column::Id)
            .limit(batch)
            .into_tuple()
            .all(db)
            .await?;
        if rows.is_empty() {
            break;
        }
        let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
        let message_ids: Vec<String> = rows.into_iter().map(|r| r.1).collect();
        let txn = db.begin().await?;
        message_charge::Entity::delete_many()
            .filter(message_charge::Column::MessageId.is_in(message_ids.clone()))
            .exec(&txn)
            .await?;
        message_part::Entity::delete_many()
            .filter(message_part::Column::MessageId.is_in(message_ids.clone()))
            .exec(&txn)
            .await?;
        message_handoff::Entity::delete_many()
            .filter(message_handoff::Column::MessageId.is_in(message_ids.clone()))
            .exec(&txn)
            .await?;
        receipt::Entity::delete_many()
            .filter(receipt::Column::MessageId.is_in(message_ids))
            .exec(&txn)
            .await?;
        let deleted = message::Entity::delete_many()
            .filter(message::Column::Id.is_in(ids))
            .exec(&txn)
            .await?;
        txn.commit().await?;
        summary.records_deleted += i64::try_from(deleted.rows_affected).unwrap_or(i64::MAX);
        summary.batches += 1;
        tokio::time::sleep(pause).await;
    }

    // Then the content of messages that ended long enough ago, in id order from where the
    // last batch stopped (a purged row is never read twice in a pass).
    let content_cutoff = cutoff(now, settings.content_days);
    let mut after = 0i64;
    loop {
        let rows: Vec<(i64, String)> = message::Entity::find()
            .select_only()
            .column(message::Column::Id)
            .column(message::Column::MessageId)
            .filter(message::Column::Id.gt(after))
            .filter(message::Column::DoneAt.lt(content_cutoff))
            .filter(message::Column::Body.is_not_null())
            .order_by_asc(message::Column::Id)
            .limit(batch)
            .into_tuple()
            .all(db)
            .await?;
        let Some(last) = rows.last().map(|r| r.0) else {
            break;
        };
        after = last;
        let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
        let message_ids: Vec<String> = rows.into_iter().map(|r| r.1).collect();
        let txn = db.begin().await?;
        let purged = message::Entity::update_many()
            .col_expr(message::Column::Body, Expr::value(Option::<String>::None))
            .col_expr(
                message::Column::Subject,
                Expr::value(Option::<String>::None),
            )
            .filter(message::Column::Id.is_in(ids))
            .exec(&txn)
            .await?;
        message_part::Entity::update_many()
            .col_expr(
                message_part::Column::Content,
                Expr::value(Option::<Vec<u8>>::None),
            )
            .filter(message_part::Column::MessageId.is_in(message_ids.clone()))
            .exec(&txn)
            .await?;
        // A delivery still waiting for its ESME keeps its text until it is delivered.
        receipt::Entity::update_many()
            .col_expr(receipt::Column::Text, Expr::value(""))
            .col_expr(
                receipt::Column::Payload,
                Expr::value(Option::<String>::None),
            )
            .filter(receipt::Column::MessageId.is_in(message_ids))
            .filter(receipt::Column::State.is_in(["acked", "dropped"]))
            .exec(&txn)
            .await?;
        txn.commit().await?;
        summary.contents_purged += i64::try_from(purged.rows_affected).unwrap_or(i64::MAX);
        summary.batches += 1;
        tokio::time::sleep(pause).await;
    }
    Ok(summary)
}
