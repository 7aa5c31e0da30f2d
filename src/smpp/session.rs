//! One SMPP connection: framing, the bind state, a window of submits in flight, receipts out,
//! keep-alive and a graceful end. A reader task turns bytes into frames, so a slow peer or a
//! bad PDU never blocks the rest; responses that are ready together go out in one flush.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use futures_util::stream::FuturesUnordered;
use futures_util::{FutureExt, StreamExt};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::gateway::{Bound, Gateway, SubmitOutcome};
use super::pdu::{self, command, status, DecodeError, Header, Inbound};
use super::registry::{SessionCommand, SessionEntry};
use crate::messaging::dispatch::CancelOutcome;
use crate::messaging::store::{DeliveryBody, Write};

/// What the reader task hands the session.
enum Frame {
    /// A whole PDU.
    Pdu(Vec<u8>),
    /// A PDU over the length limit, skipped; only its header was kept.
    TooLong(Header),
}

/// Reads length-delimited frames; a length below the header size cannot be resynchronised,
/// so it ends the connection.
async fn read_frames(reader: OwnedReadHalf, max_len: u32, frames: mpsc::Sender<Frame>) {
    // Buffered: a window of PDUs arrives in a few reads, not three reads per PDU.
    let mut reader = tokio::io::BufReader::with_capacity(64 * 1024, reader);
    loop {
        let mut length = [0u8; 4];
        if reader.read_exact(&mut length).await.is_err() {
            return;
        }
        let len = u32::from_be_bytes(length);
        if len < pdu::HEADER_LEN as u32 {
            tracing::info!(command_length = len, "PDU shorter than its header; closing");
            return;
        }
        let mut rest = vec![0u8; 12];
        if reader.read_exact(&mut rest).await.is_err() {
            return;
        }
        let mut frame = length.to_vec();
        frame.extend_from_slice(&rest);
        if len > max_len {
            let mut left = u64::from(len) - 16;
            let mut sink = vec![0u8; 8192];
            while left > 0 {
                let take = usize::try_from(left.min(8192)).unwrap_or(8192);
                if reader.read_exact(&mut sink[..take]).await.is_err() {
                    return;
                }
                left -= take as u64;
            }
            let Some(header) = Header::parse(&frame) else {
                return;
            };
            if frames.send(Frame::TooLong(header)).await.is_err() {
                return;
            }
            continue;
        }
        let body_len = usize::try_from(len).unwrap_or(0) - pdu::HEADER_LEN;
        frame.resize(pdu::HEADER_LEN + body_len, 0);
        if reader
            .read_exact(&mut frame[pdu::HEADER_LEN..])
            .await
            .is_err()
        {
            return;
        }
        if frames.send(Frame::Pdu(frame)).await.is_err() {
            return;
        }
    }
}

fn command_name(command_id: u32) -> &'static str {
    match command_id & !command::RESPONSE {
        command::BIND_RECEIVER => "bind_receiver",
        command::BIND_TRANSMITTER => "bind_transmitter",
        command::BIND_TRANSCEIVER => "bind_transceiver",
        command::SUBMIT_SM => "submit_sm",
        command::DATA_SM => "data_sm",
        command::DELIVER_SM => "deliver_sm_resp",
        command::UNBIND => "unbind",
        command::ENQUIRE_LINK => "enquire_link",
        command::CANCEL_SM => "cancel_sm",
        command::QUERY_SM => "query_sm",
        0 => "generic_nack",
        _ => "unknown",
    }
}

/// Serves one connection until the peer unbinds or leaves, or the gateway shuts down.
pub async fn serve(
    gateway: Arc<Gateway>,
    stream: TcpStream,
    peer: SocketAddr,
    session_id: u64,
    shutdown: CancellationToken,
) {
    let _ = stream.set_nodelay(true);
    let (reader, writer) = stream.into_split();
    let (frames_tx, mut frames) = mpsc::channel::<Frame>(256);
    let reader_task = tokio::spawn(read_frames(reader, gateway.settings.max_pdu_len, frames_tx));
    let (commands_tx, mut commands) = mpsc::channel::<SessionCommand>(1024);
    let mut session = Session {
        gateway: Arc::clone(&gateway),
        out: writer,
        pending: Vec::with_capacity(64 * 1024),
        after: Vec::new(),
        bound: None,
        peer,
        session_id,
        commands_tx,
        next_sequence: 1,
        deliveries_in_flight: HashMap::new(),
        closing: false,
        window_full: false,
        reader: reader_task.abort_handle(),
    };
    let mut in_flight = FuturesUnordered::new();
    let idle = Duration::from_secs(gateway.settings.idle_timeout_secs.max(1));
    let mut last_heard = tokio::time::Instant::now();
    let mut ticker = tokio::time::interval(idle / 2);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut frames_done = false;
    loop {
        tokio::select! {
            frame = frames.recv(), if !frames_done => {
                match frame {
                    Some(frame) => {
                        last_heard = tokio::time::Instant::now();
                        session.window_full = session
                            .bound
                            .as_ref()
                            .is_some_and(|b| in_flight.len() >= b.account.window_size as usize);
                        if let Some(work) = session.on_frame(frame).await {
                            in_flight.push(work);
                        }
                    }
                    None => {
                        // The peer left, or shutdown stopped the reader: what was read is
                        // served, then the session ends.
                        frames_done = true;
                        session.closing = true;
                    }
                }
            }
            Some(outcome) = in_flight.next() => {
                session.finish_submit(outcome).await;
                // A group commit answers many submits at once: take every one that is ready,
                // so they leave in one write.
                while let Some(Some(outcome)) = in_flight.next().now_or_never() {
                    session.finish_submit(outcome).await;
                }
            }
            Some(command) = commands.recv() => session.on_command(command),
            _ = ticker.tick() => {
                let silent = last_heard.elapsed();
                if silent > idle * 2 {
                    tracing::info!(session_id, "peer silent too long; closing");
                    break;
                }
                if silent > idle {
                    session.send_request(command::ENQUIRE_LINK);
                }
            }
            _ = shutdown.cancelled(), if !session.closing => {
                // Stop reading; PDUs already read are still answered, then the bind ends.
                reader_task.abort();
                session.closing = true;
                session.send_request(command::UNBIND);
            }
        }
        // Whatever was ready went into the buffer; one write sends it all.
        if session.write_pending().await.is_err() {
            break;
        }
        session.after_flush().await;
        if session.closing && frames_done && in_flight.is_empty() {
            break;
        }
    }
    // Submits already accepted are answered before the connection closes.
    while let Some(outcome) = in_flight.next().await {
        session.finish_submit(outcome).await;
    }
    let _ = session.write_pending().await;
    session.after_flush().await;
    let _ = session.out.shutdown().await;
    reader_task.abort();
    if session.bound.is_some() {
        gateway.sessions.remove(session_id);
        gateway.metrics.smpp_binds.dec();
    }
}

type SubmitWork = std::pin::Pin<Box<dyn std::future::Future<Output = SubmitOutcome> + Send>>;

struct Session {
    gateway: Arc<Gateway>,
    out: OwnedWriteHalf,
    /// PDUs ready to go, written together.
    pending: Vec<u8>,
    /// Submits answered in `pending`, with what follows once they are on the wire.
    after: Vec<SubmitOutcome>,
    bound: Option<Bound>,
    peer: SocketAddr,
    session_id: u64,
    commands_tx: mpsc::Sender<SessionCommand>,
    next_sequence: u32,
    /// deliver_sm sequence numbers awaiting their response: the delivery's message_id, and
    /// whether it is an MO message.
    deliveries_in_flight: HashMap<u32, (String, bool)>,
    closing: bool,
    /// The account's window of outstanding submits is used up.
    window_full: bool,
    /// Stops the reader task: the frames it already read are still served.
    reader: tokio::task::AbortHandle,
}

impl Session {
    fn queue(&mut self, bytes: &[u8]) {
        self.pending.extend_from_slice(bytes);
    }

    async fn write_pending(&mut self) -> std::io::Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let result = self.out.write_all(&self.pending).await;
        self.pending.clear();
        result
    }

    fn count(&self, command_id: u32, status: u32) {
        self.gateway
            .metrics
            .smpp_pdus
            .with_label_values(&[command_name(command_id), &format!("{status:#x}")])
            .inc();
    }

    fn respond(&mut self, command_id: u32, status: u32, sequence: u32) {
        self.count(command_id, status);
        let bytes = pdu::empty_response(pdu::response_id(command_id), status, sequence);
        self.queue(&bytes);
    }

    fn send_request(&mut self, command_id: u32) {
        let sequence = self.sequence();
        self.queue(&pdu::request(command_id, sequence));
    }

    fn sequence(&mut self) -> u32 {
        let s = self.next_sequence;
        self.next_sequence = if s >= 0x7FFF_FFFF { 1 } else { s + 1 };
        s
    }

    async fn on_frame(&mut self, frame: Frame) -> Option<SubmitWork> {
        let bytes = match frame {
            Frame::TooLong(header) => {
                self.respond(header.command_id, status::INVCMDLEN, header.sequence_number);
                return None;
            }
            Frame::Pdu(bytes) => bytes,
        };
        let (header, inbound) = match pdu::decode(&bytes) {
            Ok(decoded) => decoded,
            Err(DecodeError { header, error }) => {
                tracing::info!(field = error.field, reason = error.reason, "malformed PDU");
                self.respond(header.command_id, error.status, header.sequence_number);
                return None;
            }
        };
        let sequence = header.sequence_number;
        match inbound {
            Inbound::Bind(bind) => {
                if self.bound.is_some() {
                    self.count(header.command_id, status::ALYBND);
                    self.queue(&pdu::bind_response(bind.kind, status::ALYBND, sequence, ""));
                    return None;
                }
                let outcome = self.gateway.authenticate(&bind, self.peer).await;
                let outcome = outcome.and_then(|bound| {
                    let entry = SessionEntry {
                        session_id: self.session_id,
                        account_id: bound.account.id,
                        customer_id: bound.account.customer_id,
                        system_id: bound.system_id.clone(),
                        kind: bound.kind,
                        peer: self.peer,
                        bound_at: Utc::now(),
                        commands: self.commands_tx.clone(),
                    };
                    if self
                        .gateway
                        .sessions
                        .try_add(entry, bound.account.max_binds)
                    {
                        Ok(bound)
                    } else {
                        Err(status::BINDFAIL)
                    }
                });
                match outcome {
                    Ok(bound) => {
                        self.count(header.command_id, status::OK);
                        self.queue(&pdu::bind_response(
                            bind.kind,
                            status::OK,
                            sequence,
                            "backoffice",
                        ));
                        self.gateway.metrics.smpp_binds.inc();
                        tracing::info!(session_id = self.session_id, system_id = %bound.system_id, "bound");
                        let receives = bound.kind.receives();
                        let customer = bound.account.customer_id;
                        self.bound = Some(bound);
                        if receives {
                            let gateway = Arc::clone(&self.gateway);
                            let bound_at = Utc::now();
                            tokio::spawn(
                                async move { gateway.flush_pending(customer, bound_at).await },
                            );
                        }
                    }
                    Err(refused) => {
                        tracing::info!(
                            session_id = self.session_id,
                            status = refused,
                            "bind refused"
                        );
                        self.count(header.command_id, refused);
                        self.queue(&pdu::bind_response(bind.kind, refused, sequence, ""));
                    }
                }
                None
            }
            Inbound::Unbind => {
                self.respond(header.command_id, status::OK, sequence);
                self.closing = true;
                self.reader.abort();
                None
            }
            Inbound::UnbindResp => {
                self.closing = true;
                self.reader.abort();
                None
            }
            Inbound::EnquireLink => {
                self.respond(header.command_id, status::OK, sequence);
                None
            }
            Inbound::EnquireLinkResp | Inbound::GenericNack => None,
            Inbound::DeliverSmResp { status: answered } => {
                if let Some((message_id, mo)) = self.deliveries_in_flight.remove(&sequence) {
                    if answered == status::OK {
                        let gateway = Arc::clone(&self.gateway);
                        tokio::spawn(async move {
                            let _ = gateway
                                .writer
                                .write(Write::ReceiptAcked { message_id, mo })
                                .await;
                        });
                    }
                }
                None
            }
            Inbound::SubmitSm(submit) | Inbound::DataSm(submit) => {
                let Some(bound) = self.bound.clone().filter(|b| b.kind.transmits()) else {
                    self.respond(header.command_id, status::INVBNDSTS, sequence);
                    return None;
                };
                if self.window_full {
                    // More outstanding requests than the account's window: the queue is full.
                    self.respond(header.command_id, status::MSGQFUL, sequence);
                    return None;
                }
                let gateway = Arc::clone(&self.gateway);
                let command_id = header.command_id;
                Some(Box::pin(async move {
                    gateway.submit(&bound, command_id, sequence, submit).await
                }))
            }
            Inbound::CancelSm(cancel) => {
                let Some(bound) = self.bound.clone() else {
                    self.respond(header.command_id, status::INVBNDSTS, sequence);
                    return None;
                };
                let answer = match self
                    .gateway
                    .cancel(Some(bound.account.customer_id), &cancel.message_id)
                    .await
                {
                    CancelOutcome::Cancelled => status::OK,
                    CancelOutcome::NotFound => status::INVMSGID,
                    CancelOutcome::TooLate(_) => status::CANCELFAIL,
                    CancelOutcome::Failed(_) => status::SYSERR,
                };
                self.respond(header.command_id, answer, sequence);
                None
            }
            Inbound::QuerySm(query) => {
                let Some(bound) = self.bound.clone() else {
                    self.respond(header.command_id, status::INVBNDSTS, sequence);
                    return None;
                };
                match self
                    .gateway
                    .find_message(Some(bound.account.customer_id), &query.message_id)
                    .await
                {
                    Some(found) => {
                        self.count(header.command_id, status::OK);
                        let final_date = found
                            .row
                            .done_at
                            .map(|d| d.format("%y%m%d%H%M%S000+").to_string())
                            .unwrap_or_default();
                        let error = u8::try_from(found.row.error_code.unwrap_or(0)).unwrap_or(0);
                        self.queue(&pdu::query_response(
                            sequence,
                            &found.row.message_id,
                            &final_date,
                            found.status().message_state(),
                            error,
                        ));
                    }
                    None => self.respond(header.command_id, status::QUERYFAIL, sequence),
                }
                None
            }
        }
    }

    async fn finish_submit(&mut self, outcome: SubmitOutcome) {
        // submit_sm or data_sm: the response header names which.
        let command_id =
            pdu::Header::parse(&outcome.response).map_or(command::SUBMIT_SM, |h| h.command_id);
        self.count(command_id, outcome.status);
        self.queue(&outcome.response);
        self.after.push(outcome);
    }

    fn on_command(&mut self, command: SessionCommand) {
        match command {
            SessionCommand::Deliver(delivery) => {
                let sequence = self.sequence();
                let address = |addr: &str| pdu::Address {
                    ton: 1,
                    npi: 1,
                    addr: addr.trim_start_matches('+').to_owned(),
                };
                let is_mo = matches!(delivery.body, DeliveryBody::Mo { .. });
                let (esm_class, data_coding, short_message, receipt) = match delivery.body {
                    DeliveryBody::Receipt {
                        text,
                        message_state,
                    } => (
                        pdu::esm::DELIVERY_RECEIPT,
                        0,
                        text.into_bytes(),
                        Some((delivery.message_id.clone(), message_state)),
                    ),
                    DeliveryBody::Mo {
                        esm_class,
                        data_coding,
                        octets,
                    } => (esm_class, data_coding, octets, None),
                    // Posted to a VASP, never sent to a bind (the gateway routes them there).
                    DeliveryBody::Mm7Report { .. } | DeliveryBody::Mm7Deliver => return,
                };
                let deliver = pdu::DeliverSm {
                    source: address(&delivery.source),
                    destination: address(&delivery.destination),
                    esm_class,
                    data_coding,
                    short_message,
                    receipt,
                };
                self.queue(&pdu::deliver_sm(sequence, &deliver));
                self.deliveries_in_flight
                    .insert(sequence, (delivery.message_id, is_mo));
            }
        }
    }

    /// Once responses are on the wire: receipts of rejected messages go out, accepted
    /// messages join their carrier's queue.
    async fn after_flush(&mut self) {
        for outcome in std::mem::take(&mut self.after) {
            if let Some(receipt) = outcome.receipt {
                self.gateway.dispatch(receipt).await;
            }
            if let Some(message) = outcome.accepted {
                self.gateway.enqueue(message);
            }
        }
    }
}
