//! The SMPP listener. This phase binds the port and owns its lifecycle (address reporting,
//! graceful shutdown); the protocol itself (binds, submit_sm, receipts) is the SMPP gateway
//! issue. Until then a connection is accepted, logged and closed.

pub mod account_store;
pub mod accounts;

use std::net::SocketAddr;

use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

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

    /// Accepts until `shutdown` fires; connection tasks are tracked so shutdown can drain them.
    pub async fn run(self, shutdown: CancellationToken, tasks: TaskTracker) {
        loop {
            tokio::select! {
                _ = shutdown.cancelled() => break,
                accepted = self.listener.accept() => match accepted {
                    Ok((stream, peer)) => {
                        tasks.spawn(async move {
                            tracing::info!(%peer, "smpp connection closed: the gateway is not enabled in this build");
                            drop(stream);
                        });
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
