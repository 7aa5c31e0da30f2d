//! Sends the batches' due rows through the gateway's one admission path, inside `serve`.
//! Each row is claimed with its message id before it is submitted, so a row is stored at most
//! once whatever stops the service, and a throttled row simply waits for the number's next
//! second: a batch goes out at the pace its sending number is allowed.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use futures_util::StreamExt;
use tokio_util::sync::CancellationToken;

use super::store;
use super::{refusal_reason, submission, Sender};
use crate::db::entities::{send_batch, send_batch_row};
use crate::messaging::admission::Refusal;
use crate::messaging::status::MessageStatus;
use crate::messaging::store::new_message_id;
use crate::smpp::gateway::{Gateway, Unreceived};

/// Rows fetched per round and batch.
const ROUND: u64 = 256;
/// Rows in flight at once: enough for the group-commit writer to batch them.
const IN_FLIGHT: usize = 16;
/// How long a claim may stay unfinished before a restart settles it.
const STALE_CLAIM: chrono::Duration = chrono::Duration::seconds(60);

/// Sends due rows until `stop`; settles stale claims first and then every minute.
pub async fn run(gateway: Arc<Gateway>, stop: CancellationToken) {
    let mut last_recovery: Option<chrono::DateTime<Utc>> = None;
    loop {
        let now = Utc::now();
        if last_recovery.is_none_or(|at| now - at > STALE_CLAIM) {
            match store::recover_claims(&gateway.db, now - STALE_CLAIM).await {
                Ok(r) if r.sent + r.released > 0 => {
                    tracing::info!(sent = r.sent, released = r.released, "bulk claims settled")
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "bulk claims not settled"),
            }
            last_recovery = Some(now);
        }
        let sent = match send_round(&gateway, &stop).await {
            Ok(sent) => sent,
            Err(e) => {
                tracing::warn!(error = %e, "bulk sending round failed");
                0
            }
        };
        // Busy rounds follow each other at once; otherwise look again shortly.
        let pause = if sent > 0 {
            Duration::from_millis(0)
        } else {
            Duration::from_millis(500)
        };
        tokio::select! {
            () = stop.cancelled() => return,
            () = tokio::time::sleep(pause) => {}
        }
    }
}

/// One pass over every sending batch; returns how many rows were stored.
async fn send_round(
    gateway: &Arc<Gateway>,
    stop: &CancellationToken,
) -> Result<u64, sea_orm::DbErr> {
    let mut stored = 0;
    for batch in store::sending(&gateway.db).await? {
        if stop.is_cancelled() {
            break;
        }
        stored += send_batch(gateway, &batch, stop).await?;
        store::finish_if_done(&gateway.db, batch.id, Utc::now()).await?;
    }
    Ok(stored)
}

async fn send_batch(
    gateway: &Arc<Gateway>,
    batch: &send_batch::Model,
    stop: &CancellationToken,
) -> Result<u64, sea_orm::DbErr> {
    let rows = store::due_rows(&gateway.db, batch.id, Utc::now(), ROUND).await?;
    let sender = Sender {
        customer_id: batch.customer_id,
        number_id: batch.number_id,
        address: batch.source.clone(),
    };
    let throttled = AtomicBool::new(false);
    let results: Vec<Result<bool, sea_orm::DbErr>> = futures_util::stream::iter(rows)
        .map(|row| {
            let (sender, throttled) = (&sender, &throttled);
            async move {
                if stop.is_cancelled() || throttled.load(Ordering::Relaxed) {
                    return Ok(false);
                }
                send_row(gateway, sender, row, throttled).await
            }
        })
        .buffer_unordered(IN_FLIGHT)
        .collect()
        .await;
    let mut stored = 0;
    for result in results {
        if result? {
            stored += 1;
        }
    }
    Ok(stored)
}

/// Claims, submits and records one row; true when its message was stored.
async fn send_row(
    gateway: &Gateway,
    sender: &Sender,
    row: send_batch_row::Model,
    throttled: &AtomicBool,
) -> Result<bool, sea_orm::DbErr> {
    let db = &gateway.db;
    let message_id = new_message_id();
    let now = Utc::now();
    if !store::claim(db, row.id, &message_id, now).await? {
        return Ok(false);
    }
    let validity = chrono::Duration::seconds(
        i64::try_from(gateway.carriers.default_validity_secs).unwrap_or(i64::MAX / 1000),
    );
    let request = submission(
        sender,
        &row.destination,
        &row.text,
        u8::try_from(row.priority).unwrap_or(0),
        Some(now + validity),
    );
    match gateway.receive_as(request, message_id).await {
        Ok(received) => {
            let status = if received.reject_reason.is_some() {
                MessageStatus::Rejected
            } else {
                MessageStatus::Accepted
            };
            store::mark_sent(db, row.id, status, received.charge, Utc::now()).await?;
            if let Some(accepted) = received.accepted {
                gateway.enqueue(accepted);
            }
            Ok(true)
        }
        Err(Unreceived::Refused(Refusal::Throttled)) => {
            throttled.store(true, Ordering::Relaxed);
            store::release(db, row.id).await?;
            // The number's next second.
            tokio::time::sleep(Duration::from_millis(200)).await;
            Ok(false)
        }
        Err(Unreceived::Refused(refusal)) => {
            store::mark_failed(db, row.id, &refusal_reason(&refusal)).await?;
            Ok(false)
        }
        Err(Unreceived::Store) => {
            store::release(db, row.id).await?;
            tokio::time::sleep(Duration::from_secs(1)).await;
            Ok(false)
        }
    }
}
