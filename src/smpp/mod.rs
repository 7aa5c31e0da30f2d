//! The embedded SMPP gateway: an SMSC-side server for customers' integrations (v3.4 and
//! v5.0 binds, submit_sm, data_sm, cancel_sm, query_sm, deliver_sm receipts, enquire_link).
//! `pdu` is the codec, `session` one connection, `gateway` the shared state, admission and
//! the carrier simulator; accounts and their store hold the bind credentials.

pub mod account_store;
pub mod accounts;
pub mod gateway;
pub mod pdu;
pub mod registry;
pub mod session;
pub mod submission;
pub mod upstream;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tracing::Instrument;

use gateway::Gateway;

/// A bound SMPP listener.
pub struct SmppListener {
    listener: TcpListener,
}

impl SmppListener {
    /// Binds now, so the real port is known before the service reports it.
    pub async fn bind(addr: &str) -> std::io::Result<Self> {
        Ok(Self {
            listener: TcpListener::bind(addr).await?,
        })
    }

    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Accepts until `shutdown` fires; each connection is a tracked task, so shutdown waits
    /// for sessions to answer what they accepted.
    pub async fn run(self, gateway: Arc<Gateway>, shutdown: CancellationToken, tasks: TaskTracker) {
        let limit = Arc::new(Semaphore::new(gateway.settings.max_connections.max(1)));
        let next_id = AtomicU64::new(1);
        loop {
            tokio::select! {
                _ = shutdown.cancelled() => break,
                accepted = self.listener.accept() => match accepted {
                    Ok((stream, peer)) => {
                        let Ok(permit) = Arc::clone(&limit).try_acquire_owned() else {
                            tracing::warn!(%peer, "smpp connection refused: too many connections");
                            continue;
                        };
                        let session_id = next_id.fetch_add(1, Ordering::Relaxed);
                        let gateway = Arc::clone(&gateway);
                        let shutdown = shutdown.clone();
                        let span = tracing::info_span!("smpp_session", session_id, %peer);
                        tasks.spawn(
                            async move {
                                session::serve(gateway, stream, peer, session_id, shutdown).await;
                                drop(permit);
                            }
                            .instrument(span),
                        );
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "smpp accept failed");
                        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                    }
                }
            }
        }
        tracing::info!("smpp listener stopped");
    }
}
