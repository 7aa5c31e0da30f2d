//! The upstream SMPP client: this service binds to a carrier's SMSC as an ESME, submits with a
//! window of outstanding requests, keeps the link alive with enquire_link, reconnects with a
//! doubling wait, and turns the carrier's deliver_sm into receipts and MO. A deliver_sm is
//! answered only after what it carried is stored.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::Utc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::{mpsc, oneshot};
use tokio_util::sync::CancellationToken;

use super::pdu::{self, command, find_tlv, status, tag, Address, FromSmsc, OutgoingSubmit};
use super::submission::body_and_parts;
use crate::config::UpstreamSettings;
use crate::messaging::connectors::{
    CarrierEvent, Connector, InboundMessage, SendFuture, SendOutcome,
};
use crate::messaging::encoding::encode;
use crate::messaging::outbound::OutboundMessage;
use crate::messaging::status::MessageStatus;

/// What a carrier's receipt says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CarrierReceipt {
    pub carrier_message_id: String,
    pub status: MessageStatus,
    pub error_code: u16,
}

/// Reads a receipt from its TLVs (receipted_message_id, message_state) or, failing those,
/// from the common text format (`id:… stat:… err:…`).
pub fn parse_receipt(text: &[u8], tlvs: &[pdu::Tlv]) -> Option<CarrierReceipt> {
    let text = String::from_utf8_lossy(text);
    let field = |name: &str| {
        text.split_whitespace()
            .find_map(|word| word.strip_prefix(name).map(str::to_owned))
    };
    let id = find_tlv(tlvs, tag::RECEIPTED_MESSAGE_ID)
        .map(|v| String::from_utf8_lossy(v).trim_end_matches('\0').to_owned())
        .filter(|id| !id.is_empty())
        .or_else(|| field("id:"))?;
    let status = match find_tlv(tlvs, tag::MESSAGE_STATE) {
        Some([state]) => match state {
            1 => MessageStatus::Enroute,
            2 => MessageStatus::Delivered,
            3 => MessageStatus::Expired,
            4 => MessageStatus::Cancelled,
            5 | 8 => MessageStatus::Undeliverable,
            _ => MessageStatus::Accepted,
        },
        _ => match field("stat:")?.as_str() {
            "DELIVRD" => MessageStatus::Delivered,
            "EXPIRED" => MessageStatus::Expired,
            "DELETED" => MessageStatus::Cancelled,
            "UNDELIV" | "REJECTD" => MessageStatus::Undeliverable,
            "ENROUTE" => MessageStatus::Enroute,
            _ => MessageStatus::Accepted,
        },
    };
    let error_code = field("err:")
        .and_then(|e| e.parse::<u16>().ok())
        .unwrap_or(0);
    Some(CarrierReceipt {
        carrier_message_id: id,
        status,
        error_code,
    })
}

/// True for a submit_sm_resp status worth trying again.
pub fn is_temporary(command_status: u32) -> bool {
    matches!(
        command_status,
        status::THROTTLED | status::MSGQFUL | status::SYSERR | 0x64 /* ESME_RX_T_APPN */
    )
}

/// Our stored address in SMPP form: E.164 as international, digits (short codes) as
/// national, letters as alphanumeric.
fn smpp_address(address: &str) -> Address {
    if let Some(digits) = address.strip_prefix('+') {
        Address {
            ton: 1,
            npi: 1,
            addr: digits.to_owned(),
        }
    } else if address.bytes().all(|b| b.is_ascii_digit()) {
        Address {
            ton: 3,
            npi: 0,
            addr: address.to_owned(),
        }
    } else {
        Address {
            ton: 5,
            npi: 0,
            addr: address.to_owned(),
        }
    }
}

/// The submit_sm for a message: its text in its data_coding, with the concatenation header
/// of the part it is, its priority and validity; the carrier is always asked for a receipt.
pub fn outgoing_submit(message: &OutboundMessage) -> Result<OutgoingSubmit, String> {
    let mut octets = encode(message.data_coding, &message.text).map_err(|e| e.to_string())?;
    let mut esm_class = 0;
    if let Some(c) = message.concat {
        octets.splice(
            0..0,
            [0x05, 0x00, 0x03, (c.reference & 0xFF) as u8, c.total, c.seq],
        );
        esm_class = pdu::esm::UDHI;
    }
    Ok(OutgoingSubmit {
        source: smpp_address(&message.source),
        destination: smpp_address(&message.destination),
        esm_class,
        priority: message.priority,
        validity_period: message
            .expires_at
            .map(|at| at.format("%y%m%d%H%M%S000+").to_string())
            .unwrap_or_default(),
        registered_delivery: 1,
        data_coding: message.data_coding.octet(),
        short_message: octets,
    })
}

type Pending = Mutex<HashMap<u32, oneshot::Sender<(u32, String)>>>;

struct Link {
    name: String,
    settings: UpstreamSettings,
    events: mpsc::Sender<CarrierEvent>,
    /// Frames to write on the current connection; `None` while down.
    out: Mutex<Option<mpsc::Sender<Vec<u8>>>>,
    /// submit_sm awaiting its response, by sequence number.
    pending: Pending,
    sequence: AtomicU32,
}

impl Link {
    fn next_sequence(&self) -> u32 {
        let s = self.sequence.fetch_add(1, Ordering::Relaxed);
        (s % 0x7FFF_FFFE) + 1
    }

    fn writer(&self) -> Option<mpsc::Sender<Vec<u8>>> {
        self.out.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    fn set_writer(&self, writer: Option<mpsc::Sender<Vec<u8>>>) {
        *self.out.lock().unwrap_or_else(|p| p.into_inner()) = writer;
    }

    /// Fails every submit still waiting: its connection is gone (a temporary failure).
    fn drop_pending(&self) {
        self.pending
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clear();
    }

    fn answer(&self, sequence: u32, command_status: u32, message_id: String) {
        let waiting = self
            .pending
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&sequence);
        if let Some(waiting) = waiting {
            let _ = waiting.send((command_status, message_id));
        }
    }
}

/// A connector to one upstream SMSC.
pub struct UpstreamConnector {
    link: Arc<Link>,
}

impl UpstreamConnector {
    pub fn new(
        name: &str,
        settings: UpstreamSettings,
        events: mpsc::Sender<CarrierEvent>,
    ) -> Arc<Self> {
        Arc::new(Self {
            link: Arc::new(Link {
                name: name.to_owned(),
                settings,
                events,
                out: Mutex::new(None),
                pending: Mutex::new(HashMap::new()),
                sequence: AtomicU32::new(1),
            }),
        })
    }
}

impl Connector for UpstreamConnector {
    fn name(&self) -> &str {
        &self.link.name
    }

    fn window(&self) -> usize {
        self.link.settings.window.max(1)
    }

    fn send<'a>(&'a self, message: &'a OutboundMessage) -> SendFuture<'a> {
        Box::pin(async move {
            let link = &self.link;
            let submit = match outgoing_submit(message) {
                Ok(submit) => submit,
                Err(e) => {
                    tracing::error!(error = %e, "message cannot be encoded for the carrier");
                    return SendOutcome::Permanent {
                        error_code: status::INVDCS,
                    };
                }
            };
            let Some(writer) = link.writer() else {
                return SendOutcome::Temporary {
                    reason: "not connected".into(),
                };
            };
            let sequence = link.next_sequence();
            let (answer, answered) = oneshot::channel();
            link.pending
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .insert(sequence, answer);
            if writer
                .send(pdu::submit_sm_request(sequence, &submit))
                .await
                .is_err()
            {
                link.answer(sequence, status::SYSERR, String::new());
                return SendOutcome::Temporary {
                    reason: "connection lost".into(),
                };
            }
            let timeout = Duration::from_secs(link.settings.response_timeout_secs.max(1));
            match tokio::time::timeout(timeout, answered).await {
                Ok(Ok((status::OK, carrier_message_id))) => {
                    SendOutcome::Accepted { carrier_message_id }
                }
                Ok(Ok((code, _))) if is_temporary(code) => SendOutcome::Temporary {
                    reason: format!("carrier answered {code:#x}"),
                },
                Ok(Ok((code, _))) => SendOutcome::Permanent { error_code: code },
                Ok(Err(_)) => SendOutcome::Temporary {
                    reason: "connection lost".into(),
                },
                Err(_) => {
                    link.answer(sequence, status::SYSERR, String::new());
                    SendOutcome::Temporary {
                        reason: "no submit_sm_resp in time".into(),
                    }
                }
            }
        })
    }

    fn start(&self, stop: CancellationToken) -> Option<tokio::task::JoinHandle<()>> {
        Some(tokio::spawn(keep_bound(Arc::clone(&self.link), stop)))
    }
}

/// Binds, serves the link until it fails or `stop`, and binds again after a doubling wait.
async fn keep_bound(link: Arc<Link>, stop: CancellationToken) {
    let mut wait = Duration::from_secs(1);
    let max_wait = Duration::from_secs(link.settings.reconnect_max_secs.max(1));
    loop {
        match bind(&link).await {
            Ok(stream) => {
                tracing::info!(connector = %link.name, "bound to the upstream SMSC");
                wait = Duration::from_secs(1);
                serve(&link, stream, &stop).await;
                tracing::info!(connector = %link.name, "upstream link closed");
            }
            Err(e) => tracing::warn!(connector = %link.name, error = %e, "upstream bind failed"),
        }
        link.set_writer(None);
        link.drop_pending();
        tokio::select! {
            _ = stop.cancelled() => return,
            _ = tokio::time::sleep(wait) => {}
        }
        wait = (wait * 2).min(max_wait);
    }
}

async fn read_frame(stream: &mut (impl AsyncReadExt + Unpin)) -> std::io::Result<Vec<u8>> {
    let mut length = [0u8; 4];
    stream.read_exact(&mut length).await?;
    let len = u32::from_be_bytes(length) as usize;
    if !(pdu::HEADER_LEN..=1 << 20).contains(&len) {
        return Err(std::io::Error::other(format!("command_length {len}")));
    }
    let mut frame = vec![0u8; len];
    frame[..4].copy_from_slice(&length);
    stream.read_exact(&mut frame[4..]).await?;
    Ok(frame)
}

/// A connection to an SMSC, plain or TLS.
pub trait SmscStream: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send {}
impl<T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send> SmscStream for T {}

/// The TLS client settings of an upstream: its trusted roots and the name to verify.
fn tls_connector(
    settings: &UpstreamSettings,
) -> anyhow::Result<(
    tokio_rustls::TlsConnector,
    tokio_rustls::rustls::pki_types::ServerName<'static>,
)> {
    use anyhow::Context as _;
    let mut roots = tokio_rustls::rustls::RootCertStore::empty();
    match &settings.tls_ca_file {
        Some(path) => {
            let pem = std::fs::read(path).with_context(|| format!("reading {path}"))?;
            for cert in rustls_pemfile::certs(&mut pem.as_slice()) {
                roots.add(cert.context("a certificate in the CA file")?)?;
            }
        }
        None => roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned()),
    }
    let config = tokio_rustls::rustls::ClientConfig::builder_with_provider(std::sync::Arc::new(
        tokio_rustls::rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()?
    .with_root_certificates(roots)
    .with_no_client_auth();
    let host = settings.tls_server_name.clone().unwrap_or_else(|| {
        settings
            .addr
            .rsplit_once(':')
            .map_or(settings.addr.clone(), |(host, _)| host.to_owned())
    });
    let name = tokio_rustls::rustls::pki_types::ServerName::try_from(host)
        .context("carriers.upstream tls_server_name")?;
    Ok((
        tokio_rustls::TlsConnector::from(std::sync::Arc::new(config)),
        name,
    ))
}

async fn bind(link: &Link) -> anyhow::Result<Box<dyn SmscStream>> {
    let settings = &link.settings;
    let tcp =
        tokio::time::timeout(Duration::from_secs(10), TcpStream::connect(&settings.addr)).await??;
    tcp.set_nodelay(true)?;
    let mut stream: Box<dyn SmscStream> = if settings.tls {
        let (connector, name) = tls_connector(settings)?;
        Box::new(
            tokio::time::timeout(Duration::from_secs(10), connector.connect(name, tcp)).await??,
        )
    } else {
        Box::new(tcp)
    };
    let command_id = match settings.bind.as_str() {
        "transmitter" => command::BIND_TRANSMITTER,
        "receiver" => command::BIND_RECEIVER,
        _ => command::BIND_TRANSCEIVER,
    };
    let sequence = link.next_sequence();
    stream
        .write_all(&pdu::bind_request(
            command_id,
            sequence,
            &settings.system_id,
            &settings.password,
            &settings.system_type,
        ))
        .await?;
    let frame = tokio::time::timeout(Duration::from_secs(10), read_frame(&mut stream)).await??;
    let header =
        pdu::Header::parse(&frame).ok_or_else(|| anyhow::anyhow!("short bind response"))?;
    if header.command_id != command_id | command::RESPONSE || header.sequence_number != sequence {
        anyhow::bail!("unexpected answer to bind: {:#x}", header.command_id);
    }
    if header.command_status != status::OK {
        anyhow::bail!("bind refused with status {:#x}", header.command_status);
    }
    Ok(stream)
}

async fn serve(link: &Arc<Link>, stream: Box<dyn SmscStream>, stop: &CancellationToken) {
    let (mut reader, mut writer) = tokio::io::split(stream);
    let (out, mut frames) = mpsc::channel::<Vec<u8>>(1024);
    link.set_writer(Some(out.clone()));
    let write_loop = tokio::spawn(async move {
        let mut batch = Vec::new();
        while let Some(frame) = frames.recv().await {
            batch.extend_from_slice(&frame);
            while let Ok(more) = frames.try_recv() {
                batch.extend_from_slice(&more);
            }
            if writer.write_all(&batch).await.is_err() {
                return;
            }
            batch.clear();
        }
        let _ = writer.shutdown().await;
    });
    let keepalive = Duration::from_secs(link.settings.enquire_link_secs.max(1));
    let mut ticker = tokio::time::interval(keepalive);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut last_heard = tokio::time::Instant::now();
    loop {
        tokio::select! {
            frame = read_frame(&mut reader) => {
                let Ok(frame) = frame else { break };
                last_heard = tokio::time::Instant::now();
                if !on_frame(link, &out, &frame).await {
                    break;
                }
            }
            _ = ticker.tick() => {
                if last_heard.elapsed() > keepalive * 3 {
                    tracing::warn!(connector = %link.name, "upstream silent; reconnecting");
                    break;
                }
                let _ = out.send(pdu::request(command::ENQUIRE_LINK, link.next_sequence())).await;
            }
            _ = stop.cancelled() => {
                let _ = out.send(pdu::request(command::UNBIND, link.next_sequence())).await;
                break;
            }
        }
    }
    link.set_writer(None);
    drop(out);
    let _ = tokio::time::timeout(Duration::from_secs(2), write_loop).await;
}

/// Handles one PDU from the SMSC; false when the link should close.
async fn on_frame(link: &Arc<Link>, out: &mpsc::Sender<Vec<u8>>, frame: &[u8]) -> bool {
    let (header, pdu) = match pdu::decode_from_smsc(frame) {
        Ok(decoded) => decoded,
        Err(e) => {
            tracing::info!(connector = %link.name, field = e.error.field, "malformed PDU from the SMSC");
            let reply = pdu::response_id(e.header.command_id);
            let _ = out
                .send(pdu::empty_response(
                    reply,
                    e.error.status,
                    e.header.sequence_number,
                ))
                .await;
            return true;
        }
    };
    let sequence = header.sequence_number;
    match pdu {
        FromSmsc::SubmitResp { message_id } => {
            link.answer(sequence, header.command_status, message_id);
        }
        FromSmsc::GenericNack => link.answer(sequence, header.command_status, String::new()),
        FromSmsc::EnquireLink => {
            let reply = pdu::empty_response(
                command::ENQUIRE_LINK | command::RESPONSE,
                status::OK,
                sequence,
            );
            let _ = out.send(reply).await;
        }
        FromSmsc::Unbind => {
            let reply =
                pdu::empty_response(command::UNBIND | command::RESPONSE, status::OK, sequence);
            let _ = out.send(reply).await;
            return false;
        }
        FromSmsc::UnbindResp => return false,
        FromSmsc::DeliverSm(deliver) => {
            let (stored, answered) = oneshot::channel();
            let event = if deliver.esm_class & 0x3C == pdu::esm::DELIVERY_RECEIPT {
                let Some(receipt) = parse_receipt(&deliver.short_message, &deliver.tlvs) else {
                    let reply = pdu::deliver_sm_response(sequence, status::INVOPTPARAMVAL);
                    let _ = out.send(reply).await;
                    return true;
                };
                CarrierEvent::Receipt {
                    connector: link.name.clone(),
                    carrier_message_id: receipt.carrier_message_id,
                    message: None,
                    status: receipt.status,
                    error_code: receipt.error_code,
                    stored: Some(stored),
                }
            } else {
                let body = match body_and_parts(&deliver) {
                    Ok(body) => body,
                    Err(e) => {
                        let _ = out.send(pdu::deliver_sm_response(sequence, e.status)).await;
                        return true;
                    }
                };
                CarrierEvent::Inbound {
                    connector: link.name.clone(),
                    message: InboundMessage {
                        source: deliver.source.addr.clone(),
                        destination: deliver.destination.addr.clone(),
                        data_coding: deliver.data_coding,
                        octets: body.octets.to_vec(),
                        concat: body.concat,
                        received_at: Utc::now(),
                    },
                    stored: Some(stored),
                }
            };
            if link.events.send(event).await.is_err() {
                return false;
            }
            // Answer once it is stored, without holding up the link.
            let out = out.clone();
            tokio::spawn(async move {
                let status = match answered.await {
                    Ok(true) => status::OK,
                    _ => 0x64, // ESME_RX_T_APPN: try again later
                };
                let _ = out.send(pdu::deliver_sm_response(sequence, status)).await;
            });
        }
        FromSmsc::BindResp | FromSmsc::EnquireLinkResp | FromSmsc::Other => {}
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn receipts_read_from_tlvs_or_from_the_text() {
        let text = b"id:1A2B sub:001 dlvrd:001 submit date:2612011000 done date:2612011001 stat:DELIVRD err:000";
        assert_eq!(
            parse_receipt(text, &[]),
            Some(CarrierReceipt {
                carrier_message_id: "1A2B".into(),
                status: MessageStatus::Delivered,
                error_code: 0,
            })
        );
        let tlvs = vec![
            pdu::Tlv {
                tag: tag::RECEIPTED_MESSAGE_ID,
                value: b"6699\0".to_vec(),
            },
            pdu::Tlv {
                tag: tag::MESSAGE_STATE,
                value: vec![5],
            },
        ];
        let receipt = parse_receipt(b"id:x stat:DELIVRD err:034", &tlvs).unwrap();
        assert_eq!(receipt.carrier_message_id, "6699");
        assert_eq!(receipt.status, MessageStatus::Undeliverable, "the TLV wins");
        assert_eq!(receipt.error_code, 34);
        assert_eq!(parse_receipt(b"no receipt here", &[]), None);
    }

    #[test]
    fn temporary_statuses_are_retried_and_others_are_final() {
        assert!(is_temporary(status::THROTTLED));
        assert!(is_temporary(status::MSGQFUL));
        assert!(!is_temporary(status::INVDSTADR));
    }

    #[test]
    fn addresses_take_their_type_of_number() {
        assert_eq!(smpp_address("+12065550100").ton, 1);
        assert_eq!(smpp_address("55501").ton, 3);
        assert_eq!(smpp_address("DEMOCO").ton, 5);
    }
}
