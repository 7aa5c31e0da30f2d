//! What every SMPP session shares: the admission snapshot, throttle counters, the group-commit
//! writer, the open binds, the carrier simulator and the receipts owed to customers.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use super::accounts::{network_allows, verify_password, BindType};
use super::pdu::{self, status, Bind, BindKind, Submit};
use super::registry::{SessionCommand, SessionRegistry};
use super::submission::submission;
use crate::config::SmppSettings;
use crate::db::entities::{message, receipt};
use crate::messaging::admission::{admit, Admitted, Refusal};
use crate::messaging::snapshot::{AccountFacts, SnapshotCell};
use crate::messaging::status::MessageStatus;
use crate::messaging::store::{
    new_message_id, pending_receipts, receipt_for, MessageWriter, NewReceipt, Write,
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
    pub receipt: Option<NewReceipt>,
    /// An accepted message for the simulator.
    pub accepted: Option<(String, Admitted)>,
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
        let started = Instant::now();
        let request = match submission(bound.account.customer_id, &submit) {
            Ok(request) => request,
            Err(e) => {
                tracing::info!(field = e.field, reason = e.reason, "submit refused");
                return refuse(e.status);
            }
        };
        let snapshot = self.snapshot.get();
        let admitted = admit(&snapshot, &self.counters, request, Utc::now());
        self.metrics
            .admission_duration
            .observe(started.elapsed().as_secs_f64());
        let admitted = match admitted {
            Ok(admitted) => admitted,
            Err(refusal) => {
                let status = match refusal {
                    Refusal::UnknownSource => status::INVSRCADR,
                    Refusal::InvalidDestination(_) => status::INVDSTADR,
                    Refusal::Throttled => status::THROTTLED,
                    Refusal::NoRate(_) => status::SYSERR,
                };
                if matches!(refusal, Refusal::NoRate(_)) {
                    tracing::error!(reason = %refusal, "message cannot be rated");
                } else {
                    tracing::debug!(reason = %refusal, "submit refused");
                }
                return refuse(status);
            }
        };
        let message_id = new_message_id();
        let receipt = (admitted.status == MessageStatus::Rejected
            && admitted.receipts.wants(MessageStatus::Rejected))
        .then(|| {
            receipt_for(
                &message_id,
                &admitted,
                MessageStatus::Rejected,
                admitted.submitted_at,
                0,
            )
        });
        let accepted = (admitted.status == MessageStatus::Accepted).then(|| admitted.clone());
        let write = Write::Insert {
            message_id: message_id.clone(),
            admitted: Box::new(admitted),
            receipt: receipt.clone(),
        };
        if let Err(e) = self.writer.write(write).await {
            tracing::error!(error = %e, "message not stored; answering ESME_RSYSERR");
            return refuse(status::SYSERR);
        }
        SubmitOutcome {
            response: pdu::submit_response(command_id, sequence, &message_id),
            status: status::OK,
            receipt,
            accepted: accepted.map(|a| (message_id, a)),
        }
    }

    /// The built-in carrier: after the configured delay, the message is delivered, or
    /// undeliverable when its destination matches a configured prefix.
    pub fn simulate(self: &Arc<Self>, message_id: String, admitted: Admitted) {
        let gateway = Arc::clone(self);
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(gateway.settings.simulator.delay_ms)).await;
            let undeliverable = gateway
                .settings
                .simulator
                .undeliverable_prefixes
                .iter()
                .any(|p| admitted.destination.starts_with(p.as_str()));
            let (status, error_code) = if undeliverable {
                (MessageStatus::Undeliverable, 1)
            } else {
                (MessageStatus::Delivered, 0)
            };
            let done_at = Utc::now();
            let receipt = admitted
                .receipts
                .wants(status)
                .then(|| receipt_for(&message_id, &admitted, status, done_at, error_code));
            let write = Write::Finish {
                message_id,
                status,
                error_code: Some(i32::from(error_code)),
                done_at,
                receipt: receipt.clone(),
            };
            match gateway.writer.write(write).await {
                Ok(true) => {
                    if let Some(receipt) = receipt {
                        gateway.dispatch(receipt).await;
                    }
                }
                Ok(false) => {}
                Err(e) => tracing::warn!(error = %e, "final status not stored"),
            }
        });
    }

    /// Hands a stored receipt to a receiver bind of its customer; without one it waits in
    /// the database until a bind comes.
    pub async fn dispatch(&self, receipt: NewReceipt) {
        // try_send: a full session queue (or the caller's own) must not block; the receipt
        // stays pending in the database and the retry timer sends it again.
        if let Some(session) = self.sessions.receiver_for(receipt.customer_id) {
            let _ = session.commands.try_send(SessionCommand::Receipt(receipt));
        }
    }

    /// Sends a customer's pending receipts to a bind that just opened: those stored before
    /// it opened (later ones find the bind themselves, so none is sent twice).
    pub async fn flush_pending(&self, customer_id: i64, bound_at: chrono::DateTime<Utc>) {
        self.dispatch_stored(pending_receipts(&self.db, Some(customer_id), Some(bound_at)).await)
            .await;
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
                    self.dispatch(NewReceipt {
                        message_id: r.message_id,
                        customer_id: r.customer_id,
                        source: r.source,
                        destination: r.destination,
                        text: r.text,
                        message_state: u8::try_from(r.message_state).unwrap_or(0),
                    })
                    .await;
                }
            }
            Err(e) => tracing::warn!(error = %e, "cannot read pending receipts"),
        }
    }

    /// A customer's message by its message_id.
    pub async fn find_message(&self, customer_id: i64, message_id: &str) -> Option<message::Model> {
        message::Entity::find()
            .filter(message::Column::MessageId.eq(message_id))
            .filter(message::Column::CustomerId.eq(customer_id))
            .one(&self.db)
            .await
            .ok()
            .flatten()
    }

    /// cancel_sm: only a message not yet final can be cancelled.
    pub async fn cancel(&self, customer_id: i64, message_id: &str) -> u32 {
        let Some(found) = self.find_message(customer_id, message_id).await else {
            return status::INVMSGID;
        };
        if found.status.is_final() {
            return status::CANCELFAIL;
        }
        let write = Write::Finish {
            message_id: found.message_id,
            status: MessageStatus::Cancelled,
            error_code: None,
            done_at: Utc::now(),
            receipt: None,
        };
        match self.writer.write(write).await {
            Ok(true) => status::OK,
            Ok(false) => status::CANCELFAIL,
            Err(_) => status::SYSERR,
        }
    }
}
