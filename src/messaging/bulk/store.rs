//! Batches and their rows in the database. A row moves PENDING → SUBMITTING (claimed with its
//! message id) → SENT or FAILED, and only by conditional updates, so two senders (two
//! instances, or a restart) never submit one row twice.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveEnum, ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait, FromQueryResult, JoinType, QueryFilter, QueryOrder, QuerySelect, Set,
    TransactionTrait,
};

use super::{BatchState, Preview, RowState, Sender};
use crate::auth::RequestContext;
use crate::billing::money::{from_micros, to_micros};
use crate::db::entities::{message, message_charge, send_batch, send_batch_row};
use crate::db::page::{keyset, Direction, Page};
use crate::error::AppError;
use crate::messaging::status::MessageStatus;
use crate::messaging::store::STATUS_SEEN_SQL;

/// Rows per insert statement: 16 columns each stays far under every parameter limit.
const INSERT_CHUNK: usize = 500;

fn micros(amount: rust_decimal::Decimal) -> Result<i64, AppError> {
    to_micros(amount).map_err(|e| AppError::Internal(anyhow::anyhow!("a row's price: {e}")))
}

/// Stores a previewed upload as a batch: rows that failed the preview are kept as SKIPPED with
/// their reason (so the results list every line), the rest wait to be sent. Audited.
pub async fn create(
    db: &DatabaseConnection,
    actor: &RequestContext,
    sender: &Sender,
    name: &str,
    file_name: &str,
    preview: &Preview,
) -> Result<send_batch::Model, AppError> {
    let now = Utc::now();
    let sendable = preview.rows.len() - preview.failing();
    let txn = db.begin().await?;
    let batch = send_batch::ActiveModel {
        customer_id: Set(sender.customer_id),
        number_id: Set(sender.number_id),
        source: Set(sender.address.clone()),
        name: Set(name.to_string()),
        file_name: Set(file_name.to_string()),
        state: Set(if sendable == 0 {
            BatchState::Done
        } else {
            BatchState::Sending
        }),
        total_rows: Set(i32::try_from(preview.rows.len()).unwrap_or(i32::MAX)),
        currency: Set(preview.currency.clone()),
        quoted_micros: Set(micros(preview.price)?),
        created_by: Set(actor.actor.clone()),
        created_at: Set(now),
        cancelled_at: Set(None),
        finished_at: Set((sendable == 0).then_some(now)),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let mut rows = Vec::with_capacity(preview.rows.len());
    for planned in &preview.rows {
        rows.push(send_batch_row::ActiveModel {
            batch_id: Set(batch.id),
            row_number: Set(i32::try_from(planned.read.line).unwrap_or(i32::MAX)),
            destination: Set(planned
                .destination
                .clone()
                .unwrap_or_else(|| planned.read.destination.chars().take(64).collect())),
            text: Set(planned.read.text.clone()),
            send_at: Set(planned.read.send_at),
            priority: Set(i16::from(planned.read.priority)),
            fragments: Set(i32::try_from(planned.fragments).unwrap_or(i32::MAX)),
            quoted_micros: Set(micros(planned.price)?),
            state: Set(if planned.fails() {
                RowState::Skipped
            } else {
                RowState::Pending
            }),
            reason: Set(planned.read.problem.clone()),
            message_id: Set(None),
            claimed_at: Set(None),
            status: Set(None),
            charge_micros: Set(None),
            sent_at: Set(None),
            ..Default::default()
        });
    }
    for chunk in rows.chunks(INSERT_CHUNK) {
        send_batch_row::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(&txn)
            .await?;
    }
    crate::audit::record(
        &txn,
        actor,
        "send_batch.create",
        "send_batch",
        batch.id,
        serde_json::json!({
            "from": sender.address,
            "file": file_name,
            "rows": preview.rows.len(),
            "skipped": preview.failing(),
            "quoted": preview.price.to_string(),
        }),
    )
    .await?;
    txn.commit().await?;
    Ok(batch)
}

/// A batch, if the caller may see it (a customer key: only its own).
pub async fn get(
    db: &DatabaseConnection,
    id: i64,
    customer: Option<i64>,
) -> Result<Option<send_batch::Model>, DbErr> {
    let mut select = send_batch::Entity::find_by_id(id);
    if let Some(customer) = customer {
        select = select.filter(send_batch::Column::CustomerId.eq(customer));
    }
    select.one(db).await
}

/// Batches, newest first.
pub async fn list(
    db: &DatabaseConnection,
    customer: Option<i64>,
    state: Option<BatchState>,
    after: Option<i64>,
    first: u64,
) -> Result<Page<send_batch::Model>, DbErr> {
    let mut select = send_batch::Entity::find();
    if let Some(customer) = customer {
        select = select.filter(send_batch::Column::CustomerId.eq(customer));
    }
    if let Some(state) = state {
        select = select.filter(send_batch::Column::State.eq(state));
    }
    keyset(
        db,
        select,
        send_batch::Column::Id,
        after,
        first,
        Direction::NewestFirst,
    )
    .await
}

/// A batch's rows in file order, optionally in one state.
pub async fn rows(
    db: &DatabaseConnection,
    batch_id: i64,
    state: Option<RowState>,
    after: Option<i64>,
    first: u64,
) -> Result<Page<send_batch_row::Model>, DbErr> {
    let mut select =
        send_batch_row::Entity::find().filter(send_batch_row::Column::BatchId.eq(batch_id));
    if let Some(state) = state {
        select = select.filter(send_batch_row::Column::State.eq(state));
    }
    keyset(
        db,
        select,
        send_batch_row::Column::Id,
        after,
        first,
        Direction::OldestFirst,
    )
    .await
}

#[derive(FromQueryResult)]
struct StateCount {
    state: RowState,
    count: i64,
}

/// How many rows are in each state.
pub async fn counts(db: &DatabaseConnection, batch_id: i64) -> Result<Vec<(RowState, i64)>, DbErr> {
    let counts = send_batch_row::Entity::find()
        .select_only()
        .column(send_batch_row::Column::State)
        .column_as(send_batch_row::Column::Id.count(), "count")
        .filter(send_batch_row::Column::BatchId.eq(batch_id))
        .group_by(send_batch_row::Column::State)
        .into_model::<StateCount>()
        .all(db)
        .await?;
    Ok(counts.into_iter().map(|c| (c.state, c.count)).collect())
}

#[derive(FromQueryResult)]
struct StatusCount {
    status: MessageStatus,
    count: i64,
}

/// The sent rows' messages by their current status (delivered, undeliverable, …).
pub async fn message_statuses(
    db: &DatabaseConnection,
    batch_id: i64,
) -> Result<Vec<(MessageStatus, i64)>, DbErr> {
    let counts = send_batch_row::Entity::find()
        .select_only()
        .column_as(Expr::cust(STATUS_SEEN_SQL), "status")
        .column_as(send_batch_row::Column::Id.count(), "count")
        .join(
            JoinType::InnerJoin,
            send_batch_row::Entity::belongs_to(message::Entity)
                .from(send_batch_row::Column::MessageId)
                .to(message::Column::MessageId)
                .into(),
        )
        .filter(send_batch_row::Column::BatchId.eq(batch_id))
        .filter(send_batch_row::Column::State.eq(RowState::Sent))
        .group_by(Expr::cust(STATUS_SEEN_SQL))
        .into_model::<StatusCount>()
        .all(db)
        .await?;
    Ok(counts.into_iter().map(|c| (c.status, c.count)).collect())
}

/// What the sent rows were charged, micro-units.
pub async fn charged_micros(db: &DatabaseConnection, batch_id: i64) -> Result<i64, DbErr> {
    let sum: Option<Option<i64>> = send_batch_row::Entity::find()
        .select_only()
        .column_as(Expr::cust("CAST(SUM(charge_micros) AS BIGINT)"), "sum")
        .filter(send_batch_row::Column::BatchId.eq(batch_id))
        .into_tuple()
        .one(db)
        .await?;
    Ok(sum.flatten().unwrap_or(0))
}

/// Cancels a batch still sending: its rows not yet sent become CANCELLED in one statement; a
/// row already being submitted finishes as SENT. Audited.
pub async fn cancel(
    db: &DatabaseConnection,
    actor: &RequestContext,
    id: i64,
    customer: Option<i64>,
) -> Result<send_batch::Model, AppError> {
    let txn = db.begin().await?;
    let now = Utc::now();
    let mut update = send_batch::Entity::update_many()
        .col_expr(
            send_batch::Column::State,
            Expr::value(BatchState::Cancelled),
        )
        .col_expr(send_batch::Column::CancelledAt, Expr::value(now))
        .filter(send_batch::Column::Id.eq(id))
        .filter(send_batch::Column::State.eq(BatchState::Sending));
    if let Some(customer) = customer {
        update = update.filter(send_batch::Column::CustomerId.eq(customer));
    }
    let cancelled = update.exec(&txn).await?.rows_affected;
    let mut select = send_batch::Entity::find_by_id(id);
    if let Some(customer) = customer {
        select = select.filter(send_batch::Column::CustomerId.eq(customer));
    }
    let batch = select
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::NotFound("send batch".into()))?;
    if cancelled == 0 {
        return Err(AppError::Conflict(format!(
            "the batch is already {}",
            match batch.state {
                BatchState::Done => "done",
                _ => "cancelled",
            }
        )));
    }
    let rows = send_batch_row::Entity::update_many()
        .col_expr(
            send_batch_row::Column::State,
            Expr::value(RowState::Cancelled),
        )
        .filter(send_batch_row::Column::BatchId.eq(id))
        .filter(send_batch_row::Column::State.eq(RowState::Pending))
        .exec(&txn)
        .await?
        .rows_affected;
    crate::audit::record(
        &txn,
        actor,
        "send_batch.cancel",
        "send_batch",
        id,
        serde_json::json!({ "rows_cancelled": rows }),
    )
    .await?;
    txn.commit().await?;
    Ok(batch)
}

/// Batches with rows to send.
pub async fn sending(db: &DatabaseConnection) -> Result<Vec<send_batch::Model>, DbErr> {
    send_batch::Entity::find()
        .filter(send_batch::Column::State.eq(BatchState::Sending))
        .order_by_asc(send_batch::Column::Id)
        .all(db)
        .await
}

/// The batch's pending rows whose time has come: higher priority first, then file order.
pub async fn due_rows(
    db: &DatabaseConnection,
    batch_id: i64,
    now: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<send_batch_row::Model>, DbErr> {
    send_batch_row::Entity::find()
        .filter(send_batch_row::Column::BatchId.eq(batch_id))
        .filter(send_batch_row::Column::State.eq(RowState::Pending))
        .filter(
            send_batch_row::Column::SendAt
                .is_null()
                .or(send_batch_row::Column::SendAt.lte(now)),
        )
        .order_by_desc(send_batch_row::Column::Priority)
        .order_by_asc(send_batch_row::Column::RowNumber)
        .limit(limit)
        .all(db)
        .await
}

/// Claims a pending row under the message id it will be stored with; false when another
/// sender (or a cancel) got to it first.
pub async fn claim(
    db: &impl ConnectionTrait,
    row_id: i64,
    message_id: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let claimed = send_batch_row::Entity::update_many()
        .col_expr(
            send_batch_row::Column::State,
            Expr::value(RowState::Submitting),
        )
        .col_expr(send_batch_row::Column::MessageId, Expr::value(message_id))
        .col_expr(send_batch_row::Column::ClaimedAt, Expr::value(now))
        .filter(send_batch_row::Column::Id.eq(row_id))
        .filter(send_batch_row::Column::State.eq(RowState::Pending))
        .exec(db)
        .await?;
    Ok(claimed.rows_affected == 1)
}

/// A claimed row whose message was stored.
pub async fn mark_sent(
    db: &impl ConnectionTrait,
    row_id: i64,
    status: MessageStatus,
    charge: rust_decimal::Decimal,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    send_batch_row::Entity::update_many()
        .col_expr(send_batch_row::Column::State, Expr::value(RowState::Sent))
        .col_expr(send_batch_row::Column::Status, Expr::value(status))
        .col_expr(
            send_batch_row::Column::ChargeMicros,
            Expr::value(to_micros(charge).unwrap_or(0)),
        )
        .col_expr(send_batch_row::Column::SentAt, Expr::value(at))
        .filter(send_batch_row::Column::Id.eq(row_id))
        .exec(db)
        .await?;
    Ok(())
}

/// A claimed row admission refused: nothing was stored, so it keeps no message id.
pub async fn mark_failed(
    db: &impl ConnectionTrait,
    row_id: i64,
    reason: &str,
) -> Result<(), DbErr> {
    send_batch_row::Entity::update_many()
        .col_expr(send_batch_row::Column::State, Expr::value(RowState::Failed))
        .col_expr(send_batch_row::Column::Reason, Expr::value(reason))
        .col_expr(
            send_batch_row::Column::MessageId,
            Expr::value(Option::<String>::None),
        )
        .filter(send_batch_row::Column::Id.eq(row_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Puts a claimed row back to wait (throttled, or the store was unavailable).
pub async fn release(db: &impl ConnectionTrait, row_id: i64) -> Result<(), DbErr> {
    send_batch_row::Entity::update_many()
        .col_expr(
            send_batch_row::Column::State,
            Expr::value(RowState::Pending),
        )
        .col_expr(
            send_batch_row::Column::MessageId,
            Expr::value(Option::<String>::None),
        )
        .col_expr(
            send_batch_row::Column::ClaimedAt,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .filter(send_batch_row::Column::Id.eq(row_id))
        .filter(send_batch_row::Column::State.eq(RowState::Submitting))
        .exec(db)
        .await?;
    Ok(())
}

/// Marks a sending batch DONE once no row waits or is being submitted.
pub async fn finish_if_done(
    db: &DatabaseConnection,
    batch_id: i64,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let open = send_batch_row::Entity::find()
        .filter(send_batch_row::Column::BatchId.eq(batch_id))
        .filter(send_batch_row::Column::State.is_in([RowState::Pending, RowState::Submitting]))
        .limit(1)
        .one(db)
        .await?;
    if open.is_some() {
        return Ok(false);
    }
    let done = send_batch::Entity::update_many()
        .col_expr(send_batch::Column::State, Expr::value(BatchState::Done))
        .col_expr(send_batch::Column::FinishedAt, Expr::value(now))
        .filter(send_batch::Column::Id.eq(batch_id))
        .filter(send_batch::Column::State.eq(BatchState::Sending))
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}

/// What recovering claims found.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Recovered {
    /// Claimed rows whose message was stored: now SENT.
    pub sent: u64,
    /// Claimed rows with no stored message: back to PENDING, to be sent once.
    pub released: u64,
}

/// Settles rows claimed before `claimed_before` and never finished (the sender stopped
/// between storing a message and marking its row): the message store decides.
pub async fn recover_claims(
    db: &DatabaseConnection,
    claimed_before: DateTime<Utc>,
) -> Result<Recovered, DbErr> {
    let stale = send_batch_row::Entity::find()
        .filter(send_batch_row::Column::State.eq(RowState::Submitting))
        .filter(send_batch_row::Column::ClaimedAt.lt(claimed_before))
        .all(db)
        .await?;
    let mut recovered = Recovered::default();
    for row in stale {
        let Some(message_id) = row.message_id.as_deref() else {
            release(db, row.id).await?;
            recovered.released += 1;
            continue;
        };
        let stored = message::Entity::find()
            .filter(message::Column::MessageId.eq(message_id))
            .one(db)
            .await?;
        match stored {
            Some(stored) => {
                let charged: Option<Option<i64>> = message_charge::Entity::find()
                    .select_only()
                    .column_as(Expr::cust("CAST(SUM(amount_micros) AS BIGINT)"), "sum")
                    .filter(message_charge::Column::MessageId.eq(message_id))
                    .into_tuple()
                    .one(db)
                    .await?;
                let status = if stored.status == MessageStatus::Rejected {
                    MessageStatus::Rejected
                } else {
                    MessageStatus::Accepted
                };
                mark_sent(
                    db,
                    row.id,
                    status,
                    from_micros(charged.flatten().unwrap_or(0)),
                    stored.submitted_at,
                )
                .await?;
                recovered.sent += 1;
            }
            None => {
                release(db, row.id).await?;
                recovered.released += 1;
            }
        }
    }
    Ok(recovered)
}

#[derive(FromQueryResult)]
struct ResultRow {
    row_number: i32,
    destination: String,
    state: RowState,
    message_id: Option<String>,
    current_status: Option<MessageStatus>,
    status: Option<MessageStatus>,
    charge_micros: Option<i64>,
    reason: Option<String>,
}

/// The results as CSV: each line of the file with its message id, current status and charge.
pub async fn results_csv(
    db: &DatabaseConnection,
    batch: &send_batch::Model,
) -> Result<Vec<u8>, DbErr> {
    let rows = send_batch_row::Entity::find()
        .select_only()
        .columns([
            send_batch_row::Column::RowNumber,
            send_batch_row::Column::Destination,
            send_batch_row::Column::State,
            send_batch_row::Column::MessageId,
            send_batch_row::Column::Status,
            send_batch_row::Column::ChargeMicros,
            send_batch_row::Column::Reason,
        ])
        .column_as(Expr::cust(STATUS_SEEN_SQL), "current_status")
        .join(
            JoinType::LeftJoin,
            send_batch_row::Entity::belongs_to(message::Entity)
                .from(send_batch_row::Column::MessageId)
                .to(message::Column::MessageId)
                .into(),
        )
        .filter(send_batch_row::Column::BatchId.eq(batch.id))
        .order_by_asc(send_batch_row::Column::RowNumber)
        .into_model::<ResultRow>()
        .all(db)
        .await?;
    let mut out = csv::Writer::from_writer(Vec::new());
    let header = [
        "line",
        "destination",
        "state",
        "message_id",
        "status",
        "charge",
        "currency",
        "reason",
    ];
    let write_err = |e: csv::Error| DbErr::Custom(format!("writing the results CSV: {e}"));
    out.write_record(header).map_err(write_err)?;
    for row in rows {
        let status = row.current_status.or(row.status);
        out.write_record([
            row.row_number.to_string(),
            row.destination,
            state_name(row.state).to_string(),
            row.message_id.unwrap_or_default(),
            status.map(|s| s.to_value()).unwrap_or_default(),
            row.charge_micros
                .map(|m| from_micros(m).normalize().to_string())
                .unwrap_or_default(),
            batch.currency.clone(),
            row.reason.unwrap_or_default(),
        ])
        .map_err(write_err)?;
    }
    out.into_inner()
        .map_err(|e| DbErr::Custom(format!("writing the results CSV: {e}")))
}

fn state_name(state: RowState) -> &'static str {
    match state {
        RowState::Pending => "pending",
        RowState::Submitting => "submitting",
        RowState::Sent => "sent",
        RowState::Failed => "failed",
        RowState::Skipped => "skipped",
        RowState::Cancelled => "cancelled",
    }
}
