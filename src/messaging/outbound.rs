//! The outbound queue: admitted messages wait here, per carrier connection, until the
//! carrier takes them. Higher `priority_flag` first, then oldest first; a temporary failure
//! waits its backoff and tries again; a message past its validity leaves as EXPIRED; a
//! message still waiting can be cancelled. The queue lives in memory and the database is its
//! truth: every message here is ACCEPTED in the store, so a restart rebuilds it from there
//! (`recover`), and a message the carrier acknowledged is ENROUTE and never queued again.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashMap};
use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::Notify;

use super::admission::{Admitted, Concat, ReceiptRequest};
use super::encoding::DataCoding;
use crate::billing::rating::MessageKind;
use crate::db::entities::message;

/// What a carrier connector needs to send a message, and what its receipt needs afterwards.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutboundMessage {
    pub message_id: String,
    pub customer_id: i64,
    /// Our number it is sent from.
    pub number_id: Option<i64>,
    pub carrier_id: Option<i64>,
    pub source: String,
    pub destination: String,
    pub text: String,
    pub data_coding: DataCoding,
    pub concat: Option<Concat>,
    pub priority: u8,
    pub submitted_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub receipts: ReceiptRequest,
    /// SMS or MMS: an MMS's receipt is an MM7 delivery report.
    pub kind: MessageKind,
    /// False when the carrier will send no receipt for it (T-Mobile for A2P MMS): it ends
    /// DELIVERED_UNCONFIRMED once the carrier takes it. Set when it is queued.
    pub carrier_receipts: bool,
}

impl OutboundMessage {
    pub fn new(message_id: &str, admitted: &Admitted) -> Self {
        Self {
            message_id: message_id.to_owned(),
            customer_id: admitted.customer_id,
            number_id: Some(admitted.number_id),
            carrier_id: admitted.carrier_id,
            source: admitted.source.clone(),
            destination: admitted.destination.clone(),
            text: admitted.text.clone(),
            data_coding: admitted.data_coding,
            concat: admitted.concat,
            priority: admitted.priority,
            submitted_at: admitted.submitted_at,
            expires_at: admitted.expires_at,
            receipts: admitted.receipts,
            kind: admitted.kind,
            carrier_receipts: true,
        }
    }

    /// A stored message, for recovery after a restart; `None` when its content is gone.
    pub fn from_row(row: &message::Model) -> Option<Self> {
        row.body.as_ref()?;
        Self::from_row_for_receipt(row)
    }

    /// A stored message, enough to finish it and write its receipt (the content may be gone).
    pub fn from_row_for_receipt(row: &message::Model) -> Option<Self> {
        Some(Self {
            message_id: row.message_id.clone(),
            customer_id: row.customer_id,
            number_id: row.number_id,
            carrier_id: row.carrier_id,
            source: row.source.clone(),
            destination: row.destination.clone(),
            text: row.body.clone().unwrap_or_default(),
            data_coding: DataCoding::from_octet(u8::try_from(row.data_coding).unwrap_or(0))
                .unwrap_or(DataCoding::Gsm7),
            concat: match (row.concat_ref, row.concat_total, row.concat_seq) {
                (Some(r), Some(t), Some(s)) => Some(Concat {
                    reference: u16::try_from(r).ok()?,
                    total: u8::try_from(t).ok()?,
                    seq: u8::try_from(s).ok()?,
                }),
                _ => None,
            },
            priority: u8::try_from(row.priority).unwrap_or(0),
            submitted_at: row.submitted_at,
            expires_at: row.expires_at,
            receipts: match (row.registered_delivery, row.receipt_failure_only) {
                (false, _) => ReceiptRequest::None,
                (true, true) => ReceiptRequest::OnFailure,
                (true, false) => ReceiptRequest::Always,
            },
            kind: row.kind,
            carrier_receipts: true,
        })
    }

    /// True once the validity period has passed.
    pub fn expired(&self, now: DateTime<Utc>) -> bool {
        self.expires_at.is_some_and(|at| at <= now)
    }
}

/// A message waiting, with how often it was tried.
#[derive(Clone, Debug)]
pub struct Queued {
    pub message: OutboundMessage,
    pub attempts: u32,
    /// Arrival order, for first-in first-out within a priority.
    order: u64,
}

impl PartialEq for Queued {
    fn eq(&self, other: &Self) -> bool {
        self.order == other.order
    }
}
impl Eq for Queued {}
impl PartialOrd for Queued {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Queued {
    /// The heap's top is the highest priority, then the earliest arrival.
    fn cmp(&self, other: &Self) -> Ordering {
        self.message
            .priority
            .cmp(&other.message.priority)
            .then_with(|| other.order.cmp(&self.order))
    }
}

#[derive(Default)]
struct State {
    ready: BinaryHeap<Queued>,
    /// Waiting out a backoff: (when it may go again, the entry).
    delayed: Vec<(DateTime<Utc>, Queued)>,
    /// Every message id in `ready` or `delayed`; a cancelled one is removed here and skipped.
    waiting: HashMap<String, ()>,
    next_order: u64,
}

/// The queue of one carrier connection.
#[derive(Default)]
pub struct OutboundQueue {
    state: Mutex<State>,
    changed: Notify,
}

impl OutboundQueue {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Queues a message for its first try.
    pub fn push(&self, message: OutboundMessage) {
        {
            let mut state = self.lock();
            let order = state.next_order;
            state.next_order += 1;
            state.waiting.insert(message.message_id.clone(), ());
            state.ready.push(Queued {
                message,
                attempts: 0,
                order,
            });
        }
        self.changed.notify_one();
    }

    /// Puts a message back to wait until `at` (after a temporary failure).
    pub fn retry_at(&self, entry: Queued, at: DateTime<Utc>) {
        {
            let mut state = self.lock();
            state.waiting.insert(entry.message.message_id.clone(), ());
            state.delayed.push((at, entry));
        }
        self.changed.notify_one();
    }

    /// The next message to send now, if any: due retries join the ready ones first.
    pub fn pop(&self, now: DateTime<Utc>) -> Option<Queued> {
        let mut state = self.lock();
        let mut i = 0;
        while i < state.delayed.len() {
            if state.delayed[i].0 <= now {
                let (_, entry) = state.delayed.swap_remove(i);
                state.ready.push(entry);
            } else {
                i += 1;
            }
        }
        while let Some(entry) = state.ready.pop() {
            if state.waiting.remove(&entry.message.message_id).is_some() {
                return Some(entry);
            }
        }
        None
    }

    /// When the earliest delayed message becomes due.
    pub fn next_due(&self) -> Option<DateTime<Utc>> {
        self.lock().delayed.iter().map(|(at, _)| *at).min()
    }

    /// Removes a waiting message; false when it is not waiting here (sent, being sent, or
    /// never queued here).
    pub fn cancel(&self, message_id: &str) -> bool {
        let mut state = self.lock();
        if state.waiting.remove(message_id).is_none() {
            return false;
        }
        state
            .delayed
            .retain(|(_, e)| e.message.message_id != message_id);
        true
    }

    /// Messages waiting now.
    pub fn len(&self) -> usize {
        self.lock().waiting.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Resolves when something was queued or put back.
    pub async fn changed(&self) {
        self.changed.notified().await;
    }
}

/// The wait before try number `attempts + 1`: doubling from `base`, at most `max`.
pub fn backoff(attempts: u32, base: Duration, max: Duration) -> Duration {
    let factor = 1u32 << attempts.min(16);
    base.saturating_mul(factor).min(max)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn message(id: &str, priority: u8) -> OutboundMessage {
        OutboundMessage {
            message_id: id.into(),
            customer_id: 1,
            number_id: None,
            carrier_id: None,
            source: "+12065550100".into(),
            destination: "+14255550123".into(),
            text: "hi".into(),
            data_coding: DataCoding::Gsm7,
            concat: None,
            priority,
            submitted_at: Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap(),
            expires_at: None,
            receipts: ReceiptRequest::Always,
            kind: MessageKind::Sms,
            carrier_receipts: true,
        }
    }

    #[test]
    fn higher_priority_goes_first_then_arrival_order() {
        let queue = OutboundQueue::default();
        for (id, priority) in [("a", 0), ("b", 1), ("c", 0), ("d", 3), ("e", 1)] {
            queue.push(message(id, priority));
        }
        let now = Utc::now();
        let order: Vec<String> = std::iter::from_fn(|| queue.pop(now))
            .map(|q| q.message.message_id)
            .collect();
        assert_eq!(order, ["d", "b", "e", "a", "c"]);
    }

    #[test]
    fn a_retry_waits_for_its_time_and_a_cancelled_message_never_leaves() {
        let queue = OutboundQueue::default();
        queue.push(message("a", 0));
        queue.push(message("b", 0));
        let now = Utc::now();
        let first = queue.pop(now).unwrap();
        queue.retry_at(first, now + chrono::Duration::seconds(5));
        assert!(queue.cancel("b"));
        assert!(!queue.cancel("b"), "already gone");
        assert!(queue.pop(now).is_none(), "a waits, b is cancelled");
        assert_eq!(queue.next_due(), Some(now + chrono::Duration::seconds(5)));
        let again = queue.pop(now + chrono::Duration::seconds(5)).unwrap();
        assert_eq!(
            (again.message.message_id.as_str(), again.attempts),
            ("a", 0)
        );
        assert!(queue.is_empty());
    }

    #[test]
    fn backoff_doubles_up_to_its_ceiling() {
        let (base, max) = (Duration::from_millis(100), Duration::from_secs(1));
        assert_eq!(backoff(0, base, max), Duration::from_millis(100));
        assert_eq!(backoff(2, base, max), Duration::from_millis(400));
        assert_eq!(backoff(9, base, max), max);
        assert_eq!(backoff(u32::MAX, base, max), max);
    }
}
