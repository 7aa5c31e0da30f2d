//! Carrier connectors: one trait for every way a message leaves for a carrier (the built-in
//! simulator, an upstream SMPP bind), and the events carriers send back (receipts, MO).

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::{mpsc, oneshot};

use super::outbound::OutboundMessage;
use super::status::MessageStatus;
use crate::config::{SimulatorSettings, SIMULATOR};

/// How a carrier answered one submit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SendOutcome {
    /// Taken: the carrier's own id for it, which its receipts will name.
    Accepted { carrier_message_id: String },
    /// Not now (throttled, queue full, no connection): try again later.
    Temporary { reason: String },
    /// Never: the message ends UNDELIVERABLE with the carrier's error.
    Permanent { error_code: u32 },
}

/// A message arriving from a carrier for one of our numbers (MO).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InboundMessage {
    /// The subscriber, as the carrier gave it.
    pub source: String,
    /// Our number, as the carrier gave it.
    pub destination: String,
    pub data_coding: u8,
    /// short_message (or message_payload) octets, without the user-data header.
    pub octets: Vec<u8>,
    /// The part's place when it is one part of a long message (UDH or SAR).
    pub concat: Option<super::admission::Concat>,
    pub received_at: DateTime<Utc>,
}

/// What carriers report back.
#[derive(Debug)]
pub enum CarrierEvent {
    /// A delivery receipt for a message sent over `connector`.
    Receipt {
        connector: String,
        carrier_message_id: String,
        /// The message itself when the connector knows it (the simulator); otherwise it is
        /// found by the carrier's id.
        message: Option<Box<OutboundMessage>>,
        status: MessageStatus,
        error_code: u16,
        /// Answered once the outcome is stored: only then may the carrier be acknowledged.
        stored: Option<oneshot::Sender<bool>>,
    },
    /// An MO message; `stored` is answered once it is durable (or refused and recorded).
    Inbound {
        connector: String,
        message: InboundMessage,
        stored: Option<oneshot::Sender<bool>>,
    },
}

/// A boxed future, for the object-safe trait.
pub type SendFuture<'a> = Pin<Box<dyn Future<Output = SendOutcome> + Send + 'a>>;

/// A way to a carrier.
pub trait Connector: Send + Sync {
    /// The name settings route carriers to.
    fn name(&self) -> &str;
    /// Submits outstanding at once.
    fn window(&self) -> usize;
    /// Sends one message and waits for the carrier's answer.
    fn send<'a>(&'a self, message: &'a OutboundMessage) -> SendFuture<'a>;
    /// Messages this connector sent that wait for a receipt, after a restart: a connector
    /// that decides outcomes itself (the simulator) reports them again; a real carrier
    /// sends its receipts on its own.
    fn resume(&self, _enroute: Vec<OutboundMessage>) {}
    /// Starts what the connector runs in the background (a bind it keeps up), until `stop`.
    fn start(
        &self,
        _stop: tokio_util::sync::CancellationToken,
    ) -> Option<tokio::task::JoinHandle<()>> {
        None
    }
}

/// The built-in carrier: it acknowledges after `ack_delay_ms`, refuses destinations under
/// `refused_prefixes`, and `delay_ms` later reports DELIVERED, or UNDELIVERABLE (err 001)
/// under `undeliverable_prefixes`.
pub struct Simulator {
    settings: SimulatorSettings,
    events: mpsc::Sender<CarrierEvent>,
}

impl Simulator {
    pub fn new(settings: SimulatorSettings, events: mpsc::Sender<CarrierEvent>) -> Arc<Self> {
        Arc::new(Self { settings, events })
    }

    fn matches(prefixes: &[String], destination: &str) -> bool {
        prefixes.iter().any(|p| destination.starts_with(p.as_str()))
    }

    fn report_later(&self, message: OutboundMessage, delay: Duration) {
        let events = self.events.clone();
        let undeliverable =
            Self::matches(&self.settings.undeliverable_prefixes, &message.destination);
        tokio::spawn(async move {
            tokio::time::sleep(delay).await;
            let (status, error_code) = if undeliverable {
                (MessageStatus::Undeliverable, 1)
            } else {
                (MessageStatus::Delivered, 0)
            };
            let _ = events
                .send(CarrierEvent::Receipt {
                    connector: SIMULATOR.into(),
                    carrier_message_id: simulated_id(&message.message_id),
                    message: Some(Box::new(message)),
                    status,
                    error_code,
                    stored: None,
                })
                .await;
        });
    }
}

/// The simulator's id for a message.
fn simulated_id(message_id: &str) -> String {
    format!("sim-{message_id}")
}

impl Connector for Simulator {
    fn name(&self) -> &str {
        SIMULATOR
    }

    fn window(&self) -> usize {
        self.settings.window.max(1)
    }

    fn send<'a>(&'a self, message: &'a OutboundMessage) -> SendFuture<'a> {
        Box::pin(async move {
            if self.settings.ack_delay_ms > 0 {
                tokio::time::sleep(Duration::from_millis(self.settings.ack_delay_ms)).await;
            }
            if Self::matches(&self.settings.refused_prefixes, &message.destination) {
                // ESME_RINVDSTADR, as an SMSC answers a destination it will not serve.
                return SendOutcome::Permanent { error_code: 0x0B };
            }
            // A carrier that gives no receipts for this message gives none here either.
            if message.carrier_receipts {
                self.report_later(
                    message.clone(),
                    Duration::from_millis(self.settings.delay_ms),
                );
            }
            SendOutcome::Accepted {
                carrier_message_id: simulated_id(&message.message_id),
            }
        })
    }

    fn resume(&self, enroute: Vec<OutboundMessage>) {
        for message in enroute {
            self.report_later(message, Duration::from_millis(self.settings.delay_ms));
        }
    }
}
