//! Moving accepted messages to their carriers and carriers' answers back: one dispatcher per
//! carrier connection takes from its queue within the connection's window; receipts from
//! carriers find their message and finish it, and the customer's own receipt follows.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use tokio::sync::{mpsc, Semaphore};
use tokio_util::sync::CancellationToken;

use super::analytics::StatsKey;
use super::connectors::{CarrierEvent, Connector, SendOutcome};
use super::outbound::{backoff, OutboundMessage, OutboundQueue, Queued};
use super::status::MessageStatus;
use super::store::{receipt_for, status_seen, Write};
use crate::billing::rating::{Direction, MessageKind};
use crate::db::entities::{message, message_handoff};
use crate::smpp::gateway::Gateway;

/// The forms a carrier may give one id in: as sent, and its hex or decimal twin (carriers
/// often answer submit_sm in one base and write receipts in the other).
pub fn id_variants(id: &str) -> Vec<String> {
    let id = id.trim();
    let mut variants = vec![id.to_owned()];
    if !id.is_empty() && id.len() <= 20 && id.bytes().all(|b| b.is_ascii_digit()) {
        if let Ok(n) = id.parse::<u64>() {
            variants.push(format!("{n:x}"));
            variants.push(format!("{n:X}"));
        }
    }
    if !id.is_empty() && id.len() <= 16 && id.bytes().all(|b| b.is_ascii_hexdigit()) {
        if let Ok(n) = u64::from_str_radix(id, 16) {
            variants.push(n.to_string());
            variants.push(id.to_ascii_lowercase());
            variants.push(id.to_ascii_uppercase());
        }
    }
    variants.sort();
    variants.dedup();
    variants
}

impl Gateway {
    /// Queues an accepted message on its carrier's connection (once its submit_sm_resp is on
    /// the wire).
    /// MMS leave by the MMS connector; carriers that give no MMS receipts are noted on the
    /// message, which then ends DELIVERED_UNCONFIRMED once the carrier takes it.
    pub fn enqueue(&self, mut message: OutboundMessage) {
        let snapshot = self.snapshot.get();
        let code = message
            .carrier_id
            .and_then(|id| snapshot.carrier_codes.get(&id))
            .map(String::as_str);
        let lane = if message.kind == MessageKind::Mms {
            message.carrier_receipts = !message
                .carrier_id
                .is_some_and(|id| snapshot.mms_no_reports.contains(&id));
            self.router.lane(&self.mms.connector)
        } else {
            self.router.lane_for(code)
        };
        match lane {
            Some(lane) => lane.queue.push(message),
            None => tracing::error!(
                message_id = %message.message_id,
                "no carrier connection for this message; it stays ACCEPTED until a restart"
            ),
        }
    }

    /// After a restart: queues every ACCEPTED message again (no carrier took it), and hands
    /// ENROUTE ones back to the connector that sent them. Returns how many were queued.
    pub async fn recover_outbound(&self) -> Result<usize, sea_orm::DbErr> {
        let accepted = message::Entity::find()
            // Open messages only: what the partial index `idx_messages_open` holds.
            .filter(message::Column::DoneAt.is_null())
            .filter(status_seen(MessageStatus::Accepted))
            .filter(message::Column::Direction.eq(Direction::Mt))
            .order_by_asc(message::Column::Id)
            .all(&self.db)
            .await?;
        let queued = accepted.len();
        for row in &accepted {
            match OutboundMessage::from_row(row) {
                Some(m) => self.enqueue(m),
                None => {
                    tracing::warn!(message_id = %row.message_id, "queued message has no content left; not sent")
                }
            }
        }
        for lane in self.router.lanes() {
            let sent_by_lane = Query::select()
                .column(message_handoff::Column::MessageId)
                .from(message_handoff::Entity)
                .and_where(message_handoff::Column::Connector.eq(lane.connector.name()))
                .to_owned();
            let enroute = message::Entity::find()
                .filter(message::Column::DoneAt.is_null())
                .filter(message::Column::Status.eq(MessageStatus::Accepted))
                .filter(message::Column::MessageId.in_subquery(sent_by_lane))
                .all(&self.db)
                .await?;
            lane.connector.resume(
                enroute
                    .iter()
                    .filter_map(OutboundMessage::from_row)
                    .collect(),
            );
        }
        Ok(queued)
    }

    /// Starts a dispatcher per carrier connection and the carrier-event handler.
    pub fn start_carriers(
        self: &Arc<Self>,
        events: mpsc::Receiver<CarrierEvent>,
        stop: CancellationToken,
    ) -> Vec<tokio::task::JoinHandle<()>> {
        let mut tasks: Vec<_> = self
            .router
            .lanes()
            .map(|lane| {
                tokio::spawn(Arc::clone(self).run_lane(
                    Arc::clone(&lane.connector),
                    Arc::clone(&lane.queue),
                    stop.clone(),
                ))
            })
            .collect();
        tasks.push(tokio::spawn(Arc::clone(self).carrier_events(events, stop)));
        tasks
    }

    async fn run_lane(
        self: Arc<Self>,
        connector: Arc<dyn Connector>,
        queue: Arc<OutboundQueue>,
        stop: CancellationToken,
    ) {
        let window = Arc::new(Semaphore::new(connector.window()));
        let depth = self
            .metrics
            .outbound_queued
            .with_label_values(&[connector.name()]);
        loop {
            let permit = tokio::select! {
                permit = Arc::clone(&window).acquire_owned() => permit.expect("never closed"),
                _ = stop.cancelled() => return,
            };
            depth.set(i64::try_from(queue.len()).unwrap_or(i64::MAX));
            let now = Utc::now();
            if let Some(entry) = queue.pop(now) {
                if entry.message.expired(now) {
                    drop(permit);
                    self.finish(&entry.message, MessageStatus::Expired, 0).await;
                    continue;
                }
                let gateway = Arc::clone(&self);
                let (connector, queue) = (Arc::clone(&connector), Arc::clone(&queue));
                tokio::spawn(async move {
                    gateway.send_one(connector.as_ref(), &queue, entry).await;
                    drop(permit);
                });
                continue;
            }
            drop(permit);
            let wait = queue
                .next_due()
                .and_then(|at| (at - now).to_std().ok())
                .unwrap_or(Duration::from_secs(1));
            tokio::select! {
                _ = queue.changed() => {}
                _ = tokio::time::sleep(wait) => {}
                _ = stop.cancelled() => return,
            }
        }
    }

    async fn send_one(&self, connector: &dyn Connector, queue: &OutboundQueue, mut entry: Queued) {
        match connector.send(&entry.message).await {
            SendOutcome::Accepted { carrier_message_id } => {
                let sent_at = Utc::now();
                self.metrics
                    .carrier_ack_seconds
                    .with_label_values(&[&self.carrier_label(entry.message.carrier_id)])
                    .observe(seconds_since(entry.message.submitted_at, sent_at));
                let m = &entry.message;
                let key = StatsKey::new(
                    m.submitted_at,
                    m.customer_id,
                    m.number_id,
                    m.carrier_id,
                    Direction::Mt,
                );
                let write = Write::Sent {
                    message_id: m.message_id.clone(),
                    connector: connector.name().to_owned(),
                    carrier_message_id,
                    ack: Some((key, (sent_at - m.submitted_at).num_milliseconds())),
                };
                if let Err(e) = self.writer.write(write).await {
                    tracing::warn!(error = %e, "sent state not stored; the receipt still finishes the message");
                }
                if !entry.message.carrier_receipts {
                    self.finish(&entry.message, MessageStatus::DeliveredUnconfirmed, 0)
                        .await;
                }
            }
            SendOutcome::Temporary { reason } => {
                entry.attempts += 1;
                let now = Utc::now();
                if entry.message.expired(now) {
                    self.finish(&entry.message, MessageStatus::Expired, 0).await;
                    return;
                }
                let wait = backoff(
                    entry.attempts - 1,
                    Duration::from_millis(self.carriers.retry_base_ms),
                    Duration::from_millis(self.carriers.retry_max_ms),
                );
                tracing::info!(message_id = %entry.message.message_id, attempts = entry.attempts, %reason, "temporary failure; retrying");
                self.metrics
                    .carrier_retries
                    .with_label_values(&[connector.name()])
                    .inc();
                let at = now + chrono::Duration::from_std(wait).unwrap_or_default();
                queue.retry_at(entry, at);
            }
            SendOutcome::Permanent { error_code } => {
                let code = u16::try_from(error_code).unwrap_or(u16::MAX);
                self.finish(&entry.message, MessageStatus::Undeliverable, code)
                    .await;
            }
        }
    }

    /// Stores a final status (only if the message is not final yet) and sends the
    /// customer's receipt when they asked for one.
    pub async fn finish(&self, message: &OutboundMessage, status: MessageStatus, error_code: u16) {
        let done_at = Utc::now();
        // No receipt is invented for a message whose carrier gives none.
        let receipt = (status != MessageStatus::DeliveredUnconfirmed
            && message.receipts.wants(status))
        .then(|| receipt_for(message, status, done_at, error_code));
        let write = Write::Finish {
            message_id: message.message_id.clone(),
            status,
            error_code: Some(i32::from(error_code)),
            done_at,
            receipt: receipt.clone(),
        };
        match self.writer.write(write).await {
            Ok(true) => {
                if status == MessageStatus::Delivered {
                    self.metrics
                        .delivery_seconds
                        .with_label_values(&[&self.carrier_label(message.carrier_id)])
                        .observe(seconds_since(message.submitted_at, done_at));
                }
                if let Some(receipt) = receipt {
                    self.dispatch(receipt).await;
                }
            }
            Ok(false) => {}
            Err(e) => tracing::warn!(error = %e, "final status not stored"),
        }
    }

    /// A carrier's code for metrics labels (`UNKNOWN` without one).
    fn carrier_label(&self, carrier_id: Option<i64>) -> String {
        carrier_id
            .and_then(|id| self.snapshot.get().carrier_codes.get(&id).cloned())
            .unwrap_or_else(|| "UNKNOWN".into())
    }

    async fn carrier_events(
        self: Arc<Self>,
        mut events: mpsc::Receiver<CarrierEvent>,
        stop: CancellationToken,
    ) {
        loop {
            let event = tokio::select! {
                event = events.recv() => match event { Some(e) => e, None => return },
                _ = stop.cancelled() => return,
            };
            let gateway = Arc::clone(&self);
            tokio::spawn(async move { gateway.on_carrier_event(event).await });
        }
    }

    async fn on_carrier_event(&self, event: CarrierEvent) {
        match event {
            CarrierEvent::Receipt {
                connector,
                carrier_message_id,
                message,
                status,
                error_code,
                stored,
            } => {
                let message = match message {
                    Some(m) => Some(*m),
                    None => self.find_sent(&connector, &carrier_message_id).await,
                };
                match message {
                    Some(m) if status.is_final() => self.finish(&m, status, error_code).await,
                    Some(_) => {}
                    None => {
                        tracing::warn!(%connector, %carrier_message_id, "receipt for no message we sent; acknowledged and dropped")
                    }
                }
                if let Some(stored) = stored {
                    let _ = stored.send(true);
                }
            }
            CarrierEvent::Inbound {
                connector,
                message,
                stored,
            } => {
                let ok = self.receive_mo(&connector, message).await.is_some();
                if let Some(stored) = stored {
                    let _ = stored.send(ok);
                }
            }
        }
    }

    /// The message a carrier's id names. A receipt can overtake the write that records the
    /// id, so a miss is looked up again for a moment.
    async fn find_sent(
        &self,
        connector: &str,
        carrier_message_id: &str,
    ) -> Option<OutboundMessage> {
        let exact = vec![carrier_message_id.trim().to_owned()];
        let twins: Vec<String> = id_variants(carrier_message_id)
            .into_iter()
            .filter(|v| v != &exact[0])
            .collect();
        // Carriers reuse ids over time: the newest open message with the id is the one.
        let lookup = |ids: Vec<String>| {
            let handed_off = Query::select()
                .column(message_handoff::Column::MessageId)
                .from(message_handoff::Entity)
                .and_where(message_handoff::Column::Connector.eq(connector))
                .and_where(message_handoff::Column::CarrierMessageId.is_in(ids))
                .to_owned();
            message::Entity::find()
                .filter(message::Column::MessageId.in_subquery(handed_off))
                .filter(message::Column::DoneAt.is_null())
                .order_by_desc(message::Column::Id)
                .one(&self.db)
        };
        for attempt in 0..20 {
            // The id as given first: a twin only when nothing carries the id itself.
            let found = match lookup(exact.clone()).await {
                Ok(None) if !twins.is_empty() => lookup(twins.clone()).await,
                other => other,
            };
            match found {
                Ok(Some(row)) => return OutboundMessage::from_row_for_receipt(&row),
                Ok(None) if attempt < 19 => tokio::time::sleep(Duration::from_millis(100)).await,
                Ok(None) => return None,
                Err(e) => {
                    tracing::warn!(error = %e, "cannot look up a receipt's message");
                    return None;
                }
            }
        }
        None
    }

    /// cancel_sm and `cancelMessage`: only a message still waiting for its carrier can be
    /// cancelled; one the carrier has (or is being handed) cannot.
    pub async fn cancel(&self, customer_id: Option<i64>, message_id: &str) -> CancelOutcome {
        let Some(found) = self.find_message(customer_id, message_id).await else {
            return CancelOutcome::NotFound;
        };
        if found.status() != MessageStatus::Accepted || !self.router.cancel(&found.row.message_id) {
            return CancelOutcome::TooLate(found.status());
        }
        let write = Write::Finish {
            message_id: found.row.message_id.clone(),
            status: MessageStatus::Cancelled,
            error_code: None,
            done_at: Utc::now(),
            receipt: None,
        };
        match self.writer.write(write).await {
            Ok(true) => CancelOutcome::Cancelled,
            Ok(false) => CancelOutcome::TooLate(found.status()),
            Err(e) => CancelOutcome::Failed(e),
        }
    }
}

/// What a cancel did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CancelOutcome {
    Cancelled,
    NotFound,
    /// Already with the carrier, or final.
    TooLate(MessageStatus),
    /// The store failed.
    Failed(String),
}

fn seconds_since(from: chrono::DateTime<Utc>, to: chrono::DateTime<Utc>) -> f64 {
    (to - from).num_milliseconds().max(0) as f64 / 1000.0
}

#[cfg(test)]
mod tests {
    use super::id_variants;

    #[test]
    fn carrier_ids_match_across_hex_and_decimal() {
        let decimal = id_variants("255");
        assert!(decimal.contains(&"ff".to_string()) && decimal.contains(&"FF".to_string()));
        let hex = id_variants("1A2B");
        assert!(hex.contains(&"6699".to_string()));
        assert!(hex.contains(&"1a2b".to_string()));
        assert_eq!(id_variants("msg-7"), ["msg-7"]);
    }
}
