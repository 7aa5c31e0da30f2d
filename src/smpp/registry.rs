//! The binds open on this instance: for bind limits, receipt routing and the admin view.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use tokio::sync::mpsc;

use super::pdu::BindKind;
use crate::messaging::store::Delivery;

/// What a session is told from outside its own connection.
#[derive(Debug)]
pub enum SessionCommand {
    /// Send this receipt or MO message as a deliver_sm.
    Deliver(Delivery),
}

/// One open bind.
#[derive(Clone, Debug)]
pub struct SessionEntry {
    pub session_id: u64,
    pub account_id: i64,
    pub customer_id: i64,
    pub system_id: String,
    pub kind: BindKind,
    pub peer: SocketAddr,
    pub bound_at: DateTime<Utc>,
    pub commands: mpsc::Sender<SessionCommand>,
}

/// Every open bind, by session id.
#[derive(Debug, Default)]
pub struct SessionRegistry {
    sessions: Mutex<HashMap<u64, SessionEntry>>,
    next_receiver: Mutex<usize>,
}

impl SessionRegistry {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<u64, SessionEntry>> {
        self.sessions
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Registers a bind unless the account already has `max_binds`; false when full.
    pub fn try_add(&self, entry: SessionEntry, max_binds: u32) -> bool {
        let mut sessions = self.lock();
        let open = sessions
            .values()
            .filter(|s| s.account_id == entry.account_id)
            .count();
        if open >= usize::try_from(max_binds).unwrap_or(usize::MAX) {
            return false;
        }
        sessions.insert(entry.session_id, entry);
        true
    }

    pub fn remove(&self, session_id: u64) {
        self.lock().remove(&session_id);
    }

    /// Every open bind.
    pub fn list(&self) -> Vec<SessionEntry> {
        let mut all: Vec<SessionEntry> = self.lock().values().cloned().collect();
        all.sort_by_key(|s| s.session_id);
        all
    }

    /// A bind of the customer that can receive deliver_sm, taken in turn.
    pub fn receiver_for(&self, customer_id: i64) -> Option<SessionEntry> {
        let receivers: Vec<SessionEntry> = self
            .list()
            .into_iter()
            .filter(|s| s.customer_id == customer_id && s.kind.receives())
            .collect();
        if receivers.is_empty() {
            return None;
        }
        let mut turn = self
            .next_receiver
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        *turn = turn.wrapping_add(1);
        receivers.get(*turn % receivers.len()).cloned()
    }
}
