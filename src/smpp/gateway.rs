//! What every SMPP session shares: the admission snapshot, throttle counters, the group-commit
//! writer, the open binds, the carrier connections and the deliveries owed to customers.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use chrono::Utc;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use super::accounts::{network_allows, verify_password, BindType};
use super::pdu::{self, status, Bind, BindKind, Submit};
use super::registry::{SessionCommand, SessionRegistry};
use super::submission::submission;
use crate::compliance::numbers::NumberKind;
use crate::config::{
    CarrierSettings, ComplianceSettings, MmsSettings, SmppSettings, ThrottleSettings,
};
use crate::db::entities::{message, receipt};
use crate::messaging::admission::{admit, Refusal, Submission};
use crate::messaging::outbound::OutboundMessage;
use crate::messaging::router::CarrierRouter;
use crate::messaging::snapshot::{AccountFacts, SnapshotCell};
use crate::messaging::status::MessageStatus;
use crate::messaging::store::{
    new_message_id, pending_receipts, receipt_for, with_handoff, Delivery, MessageWriter,
    StoredMessage, Write, MM7_KINDS,
};
use crate::messaging::throttle_counter::ThrottleCounters;
use crate::metrics::Metrics;

/// The shared state of the SMPP side.
pub struct Gateway {
    pub db: DatabaseConnection,
    pub snapshot: SnapshotCell,
    pub counters: ThrottleCounters,
    pub writer: MessageWriter,
    pub sessions: Arc<SessionRegistry>,
    pub metrics: Metrics,
    pub settings: SmppSettings,
    pub carriers: CarrierSettings,
    /// The carrier connections and their queues.
    pub router: CarrierRouter,
    pub throttle: ThrottleSettings,
    pub compliance: ComplianceSettings,
    pub mms: MmsSettings,
    /// MO messages are taken one at a time, so joining parts sees each part once.
    pub mo_lock: tokio::sync::Mutex<()>,
    /// The latest traffic of each short code (by number id) since the last flush: kept here
    /// so admission writes nothing per message for it.
    pub code_traffic: std::sync::Mutex<std::collections::HashMap<i64, chrono::DateTime<Utc>>>,
    /// MM7 delivery reports and MO MMS waiting to be posted to customers' VASPs.
    pub vasp_posts: tokio::sync::mpsc::Sender<Delivery>,
}

/// A message admission received and stored.
#[derive(Debug)]
pub struct Received {
    pub message_id: String,
    /// Set when it was received but REJECTED for a compliance reason.
    pub reject_reason: Option<String>,
    /// The destination's carrier.
    pub carrier_id: Option<i64>,
    /// What it was rated at, all charge lines together.
    pub charge: rust_decimal::Decimal,
    /// A REJECTD receipt (or MM7 report) to dispatch once the answer is sent.
    pub receipt: Option<Delivery>,
    /// An accepted message for its carrier's queue.
    pub accepted: Option<OutboundMessage>,
}

/// Why a message was not received.
#[derive(Debug)]
pub enum Unreceived {
    /// Refused at the protocol level: nothing is stored.
    Refused(Refusal),
    /// The store failed: nothing was acknowledged.
    Store,
}

/// A bound session's identity.
#[derive(Clone, Debug)]
pub struct Bound {
    pub kind: BindKind,
    pub account: AccountFacts,
    pub system_id: String,
}

/// The outcome of a submit: the response to send, then what follows once it is on the wire.
pub struct SubmitOutcome {
    pub response: Vec<u8>,
    pub status: u32,
    /// A REJECTD receipt to dispatch after the response.
    pub receipt: Option<Delivery>,
    /// An accepted message for its carrier's queue.
    pub accepted: Option<OutboundMessage>,
}

impl Gateway {
    /// Checks a bind: system_id, password (argon2, off the async threads), account state,
    /// bind type and source address. The bind-count limit is applied when registering.
    pub async fn authenticate(&self, bind: &Bind, peer: SocketAddr) -> Result<Bound, u32> {
        let account = self
            .snapshot
            .get()
            .accounts
            .get(&bind.system_id)
            .cloned()
            .ok_or(status::INVSYSID)?;
        let (password, hash) = (bind.password.clone(), account.password_hash.clone());
        let verified = tokio::task::spawn_blocking(move || verify_password(&password, &hash))
            .await
            .unwrap_or(false);
        if !verified {
            return Err(status::INVPASWD);
        }
        let wanted = match bind.kind {
            BindKind::Transmitter => BindType::Transmitter,
            BindKind::Receiver => BindType::Receiver,
            BindKind::Transceiver => BindType::Transceiver,
        };
        if !account.enabled
            || !account.bind_types.contains(&wanted)
            || !network_allows(&account.networks, peer.ip())
        {
            return Err(status::BINDFAIL);
        }
        Ok(Bound {
            kind: bind.kind,
            account,
            system_id: bind.system_id.clone(),
        })
    }

    /// Admits, stores and answers one submit_sm or data_sm.
    pub async fn submit(
        &self,
        bound: &Bound,
        command_id: u32,
        sequence: u32,
        submit: Submit,
    ) -> SubmitOutcome {
        let refuse = |status: u32| SubmitOutcome {
            response: pdu::empty_response(command_id | pdu::command::RESPONSE, status, sequence),
            status,
            receipt: None,
            accepted: None,
        };
        let now = Utc::now();
        let validity = chrono::Duration::seconds(
            i64::try_from(self.carriers.default_validity_secs).unwrap_or(i64::MAX / 1000),
        );
        let request = match submission(bound.account.customer_id, &submit, now, validity) {
            Ok(request) => request,
            Err(e) => {
                tracing::info!(field = e.field, reason = e.reason, "submit refused");
                return refuse(e.status);
            }
        };
        match self.receive(request).await {
            Ok(received) => SubmitOutcome {
                response: pdu::submit_response(command_id, sequence, &received.message_id),
                status: status::OK,
                receipt: received.receipt,
                accepted: received.accepted,
            },
            Err(Unreceived::Refused(refusal)) => refuse(match refusal {
                Refusal::UnknownSource => status::INVSRCADR,
                Refusal::InvalidDestination(_) => status::INVDSTADR,
                Refusal::Throttled => status::THROTTLED,
                Refusal::NoRate(_) => status::SYSERR,
            }),
            Err(Unreceived::Store) => refuse(status::SYSERR),
        }
    }

    /// Admits, rates and stores one message, whichever way it entered (SMPP, MM7): the one
    /// admission path. Once this returns the message is durable and may be acknowledged;
    /// the caller then dispatches the receipt and queues the accepted message.
    pub async fn receive(&self, request: Submission) -> Result<Received, Unreceived> {
        self.receive_as(request, new_message_id()).await
    }

    /// `receive` under a message id the caller chose and recorded first: a bulk row holds its
    /// id before it is submitted, so after a crash the store tells whether it was sent.
    pub async fn receive_as(
        &self,
        request: Submission,
        message_id: String,
    ) -> Result<Received, Unreceived> {
        let started = Instant::now();
        let snapshot = self.snapshot.get();
        let admitted = admit(&snapshot, &self.counters, request, Utc::now());
        self.metrics
            .admission_duration
            .observe(started.elapsed().as_secs_f64());
        let admitted = match admitted {
            Ok(admitted) => admitted,
            Err(refusal) => {
                if matches!(refusal, Refusal::NoRate(_)) {
                    tracing::error!(reason = %refusal, "message cannot be rated");
                } else {
                    tracing::debug!(reason = %refusal, "submission refused");
                }
                return Err(Unreceived::Refused(refusal));
            }
        };
        if admitted.number_kind == NumberKind::ShortCode
            && admitted.status == MessageStatus::Accepted
        {
            self.saw_code_traffic(admitted.number_id, admitted.submitted_at);
        }
        let outbound = OutboundMessage::new(&message_id, &admitted);
        let rejected = admitted.status == MessageStatus::Rejected;
        let receipt = (rejected && admitted.receipts.wants(MessageStatus::Rejected))
            .then(|| receipt_for(&outbound, MessageStatus::Rejected, admitted.submitted_at, 0));
        let reject_reason = admitted.reject_reason.clone();
        let carrier_id = admitted.carrier_id;
        let charge = crate::billing::rating::total(&admitted.charges);
        let write = Write::Insert {
            message_id: message_id.clone(),
            admitted: Box::new(admitted),
            receipt: receipt.clone(),
        };
        if let Err(e) = self.writer.write(write).await {
            tracing::error!(error = %e, "message not stored; refused as a system error");
            return Err(Unreceived::Store);
        }
        Ok(Received {
            message_id,
            reject_reason,
            carrier_id,
            charge,
            receipt,
            accepted: (!rejected).then_some(outbound),
        })
    }

    /// Notes a short code's traffic for its lease's inactivity count.
    pub fn saw_code_traffic(&self, number_id: i64, at: chrono::DateTime<Utc>) {
        let mut seen = self
            .code_traffic
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let last = seen.entry(number_id).or_insert(at);
        *last = (*last).max(at);
    }

    /// Writes the short codes' latest traffic to their leases.
    pub async fn flush_code_traffic(&self) {
        let seen: Vec<_> = std::mem::take(
            &mut *self
                .code_traffic
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner()),
        )
        .into_iter()
        .collect();
        if seen.is_empty() {
            return;
        }
        if let Err(e) = crate::compliance::lease_store::record_traffic(&self.db, &seen).await {
            tracing::warn!(error = %e, "short-code traffic not recorded; kept for the next flush");
            for (number_id, at) in seen {
                self.saw_code_traffic(number_id, at);
            }
        }
    }

    /// Hands a stored delivery (receipt or MO) to a receiver bind of its customer; without
    /// one it waits in the database until a bind comes.
    pub async fn dispatch(&self, delivery: Delivery) {
        if delivery.body.is_mm7() {
            // Posted to the customer's VASP; a full queue leaves it to the retry timer.
            let _ = self.vasp_posts.try_send(delivery);
            return;
        }
        // try_send: a full session queue (or the caller's own) must not block; the delivery
        // stays pending in the database and the retry timer sends it again.
        if let Some(session) = self.sessions.receiver_for(delivery.customer_id) {
            let _ = session.commands.try_send(SessionCommand::Deliver(delivery));
        }
    }

    /// Sends a customer's pending receipts to a bind that just opened: those stored before
    /// it opened (later ones find the bind themselves, so none is sent twice).
    pub async fn flush_pending(&self, customer_id: i64, bound_at: chrono::DateTime<Utc>) {
        let smpp_only = pending_receipts(&self.db, Some(customer_id), Some(bound_at))
            .await
            .map(|rows| {
                rows.into_iter()
                    .filter(|r| !MM7_KINDS.contains(&r.kind.as_str()))
                    .collect()
            });
        self.dispatch_stored(smpp_only).await;
    }

    /// Sends again every receipt still unacknowledged after the retry interval.
    pub async fn resend_unacknowledged(&self) {
        let retry = i64::try_from(self.settings.receipt_retry_secs).unwrap_or(30);
        let before = Utc::now() - chrono::Duration::seconds(retry);
        self.dispatch_stored(pending_receipts(&self.db, None, Some(before)).await)
            .await;
    }

    async fn dispatch_stored(&self, stored: Result<Vec<receipt::Model>, sea_orm::DbErr>) {
        match stored {
            Ok(receipts) => {
                for r in receipts {
                    self.dispatch(Delivery::from_row(r)).await;
                }
            }
            Err(e) => tracing::warn!(error = %e, "cannot read pending receipts"),
        }
    }

    /// A message by its message_id, with its handoff; with a customer, only that customer's.
    pub async fn find_message(
        &self,
        customer_id: Option<i64>,
        message_id: &str,
    ) -> Option<StoredMessage> {
        let mut select = message::Entity::find().filter(message::Column::MessageId.eq(message_id));
        if let Some(customer_id) = customer_id {
            select = select.filter(message::Column::CustomerId.eq(customer_id));
        }
        let row = select.one(&self.db).await.ok().flatten()?;
        with_handoff(&self.db, row).await.ok()
    }
}
