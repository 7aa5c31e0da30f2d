//! Carrier routing, the outbound queue and MO, against an upstream SMSC written here from the
//! SMPP 3.4 specification (none of the service's codec): routing by carrier, receipts mapped
//! back from hex and decimal ids, retries on throttling and on a dropped connection, no
//! duplicates across a restart, priority order, cancel and expiry; MO to a bound customer,
//! held MO on a later bind, long MO joined, STOP then START.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use backoffice::config::{Settings, UpstreamSettings};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::mpsc;

use crate::helpers::{spawn_app_with, Backend, TestApp};
use crate::on_both_databases;
use crate::smpp::{
    c, gsm, message_row, parse_deliver_sm, submit_body, tlv, wait_for_status, Esme, BIND_RECEIVER,
    BIND_TRANSCEIVER, BIND_TRANSMITTER, DELIVER_SM, RESP, SUBMIT_SM, UNBIND,
};

const ENQUIRE_LINK: u32 = 0x15;
const THROTTLED: u32 = 0x58;

/// How the SMSC answers a submit_sm.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Answer {
    Ok,
    /// OK after a pause.
    OkAfter(u64),
    Status(u32),
    /// Close the connection without answering.
    Drop,
}

/// How the SMSC writes ids and receipts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ids {
    /// No receipts.
    Silent,
    /// submit_sm_resp in decimal, the receipt's text in hex, no TLVs.
    DecimalThenHexText,
    /// submit_sm_resp in hex, the receipt's TLVs in decimal.
    HexThenDecimalTlv,
}

#[derive(Clone, Debug)]
struct Submitted {
    destination: String,
    priority: u8,
    text: Vec<u8>,
    carrier_id: u64,
}

type Policy = Box<dyn FnMut(&Submitted, usize) -> Answer + Send>;

struct SmscState {
    submits: Vec<Submitted>,
    policy: Policy,
    ids: Ids,
    next_id: u64,
    connection: Option<mpsc::Sender<Vec<u8>>>,
    next_seq: u32,
    /// deliver_sm_resp statuses, in order.
    deliver_acks: Vec<u32>,
    binds: usize,
}

/// An SMSC that binds anyone, answers submits by its policy and can send deliver_sm.
#[derive(Clone)]
struct TestSmsc {
    addr: String,
    state: Arc<Mutex<SmscState>>,
}

fn frame(id: u32, status: u32, seq: u32, body: &[u8]) -> Vec<u8> {
    let mut f = (16 + u32::try_from(body.len()).unwrap())
        .to_be_bytes()
        .to_vec();
    f.extend(id.to_be_bytes());
    f.extend(status.to_be_bytes());
    f.extend(seq.to_be_bytes());
    f.extend_from_slice(body);
    f
}

/// The destination, priority and short_message of a submit_sm body.
fn parse_submit(body: &[u8]) -> (String, u8, Vec<u8>) {
    let mut at = 0;
    let c_string = |at: &mut usize| {
        let start = *at;
        while body[*at] != 0 {
            *at += 1;
        }
        *at += 1;
        String::from_utf8(body[start..*at - 1].to_vec()).unwrap()
    };
    c_string(&mut at); // service_type
    at += 2;
    c_string(&mut at); // source
    at += 2;
    let destination = c_string(&mut at);
    at += 2; // esm_class, protocol_id
    let priority = body[at];
    at += 1;
    c_string(&mut at);
    c_string(&mut at);
    at += 4;
    let len = usize::from(body[at]);
    at += 1;
    let mut text = body[at..at + len].to_vec();
    if len == 0 && body.len() > at + 4 {
        text = body[at + 4..].to_vec(); // message_payload
    }
    (destination, priority, text)
}

fn deliver_body(source: &str, dest: &str, esm: u8, dc: u8, sm: &[u8], tlvs: &[u8]) -> Vec<u8> {
    let mut b = c("");
    b.extend([1, 1]);
    b.extend(c(source));
    b.extend([1, 1]);
    b.extend(c(dest));
    b.extend([esm, 0, 0]);
    b.extend(c(""));
    b.extend(c(""));
    b.extend([0, 0, dc, 0, u8::try_from(sm.len()).unwrap()]);
    b.extend_from_slice(sm);
    b.extend_from_slice(tlvs);
    b
}

impl TestSmsc {
    async fn start(ids: Ids, policy: Policy) -> Self {
        Self::start_with(ids, policy, None).await
    }

    /// With `tls`, every connection is a TLS server session first.
    async fn start_with(ids: Ids, policy: Policy, tls: Option<tokio_rustls::TlsAcceptor>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let smsc = Self {
            addr: listener.local_addr().unwrap().to_string(),
            state: Arc::new(Mutex::new(SmscState {
                submits: Vec::new(),
                policy,
                ids,
                next_id: 1000,
                connection: None,
                next_seq: 1,
                deliver_acks: Vec::new(),
                binds: 0,
            })),
        };
        let serving = smsc.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let smsc = serving.clone();
                match tls.clone() {
                    Some(acceptor) => {
                        tokio::spawn(async move {
                            if let Ok(stream) = acceptor.accept(stream).await {
                                smsc.serve(stream).await;
                            }
                        });
                    }
                    None => {
                        tokio::spawn(smsc.serve(stream));
                    }
                }
            }
        });
        smsc
    }

    async fn serve<S>(self, stream: S)
    where
        S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
    {
        let (mut reader, mut writer) = tokio::io::split(stream);
        let (out, mut frames) = mpsc::channel::<Vec<u8>>(256);
        let writing = tokio::spawn(async move {
            while let Some(f) = frames.recv().await {
                if f.is_empty() || writer.write_all(&f).await.is_err() {
                    break; // an empty frame: drop the connection
                }
            }
        });
        loop {
            let mut header = [0u8; 16];
            if reader.read_exact(&mut header).await.is_err() {
                break;
            }
            let word = |i: usize| u32::from_be_bytes(header[i..i + 4].try_into().unwrap());
            let (len, id, status, seq) = (word(0), word(4), word(8), word(12));
            let mut body = vec![0u8; len as usize - 16];
            if reader.read_exact(&mut body).await.is_err() {
                break;
            }
            match id {
                BIND_TRANSCEIVER | 0x01 | 0x02 => {
                    {
                        let mut state = self.state.lock().unwrap();
                        state.connection = Some(out.clone());
                        state.binds += 1;
                    }
                    let _ = out.send(frame(id | RESP, 0, seq, &c("testsmsc"))).await;
                }
                ENQUIRE_LINK => {
                    let _ = out.send(frame(ENQUIRE_LINK | RESP, 0, seq, &[])).await;
                }
                UNBIND => {
                    let _ = out.send(frame(UNBIND | RESP, 0, seq, &[])).await;
                    break;
                }
                SUBMIT_SM => {
                    let (destination, priority, text) = parse_submit(&body);
                    let (answer, carrier_id, ids) = {
                        let mut state = self.state.lock().unwrap();
                        state.next_id += 1;
                        let submitted = Submitted {
                            destination,
                            priority,
                            text,
                            carrier_id: state.next_id,
                        };
                        let nth = state.submits.len();
                        let answer = (state.policy)(&submitted, nth);
                        state.submits.push(submitted);
                        (answer, state.next_id, state.ids)
                    };
                    let id_text = match ids {
                        Ids::HexThenDecimalTlv => format!("{carrier_id:X}"),
                        _ => carrier_id.to_string(),
                    };
                    match answer {
                        Answer::Drop => {
                            let _ = out.send(Vec::new()).await;
                            break;
                        }
                        Answer::Status(code) => {
                            let _ = out.send(frame(SUBMIT_SM | RESP, code, seq, &[])).await;
                        }
                        Answer::Ok | Answer::OkAfter(_) => {
                            if let Answer::OkAfter(ms) = answer {
                                tokio::time::sleep(Duration::from_millis(ms)).await;
                            }
                            let _ = out
                                .send(frame(SUBMIT_SM | RESP, 0, seq, &c(&id_text)))
                                .await;
                            if ids != Ids::Silent {
                                let smsc = self.clone();
                                tokio::spawn(async move {
                                    tokio::time::sleep(Duration::from_millis(100)).await;
                                    smsc.send_receipt(carrier_id, ids, 2).await;
                                });
                            }
                        }
                    }
                }
                id if id == DELIVER_SM | RESP => {
                    self.state.lock().unwrap().deliver_acks.push(status);
                }
                _ => {}
            }
        }
        let _ = out.send(Vec::new()).await;
        let _ = writing.await;
    }

    /// Sends a receipt for the SMSC's message `carrier_id` (message_state 2 = delivered).
    async fn send_receipt(&self, carrier_id: u64, ids: Ids, state: u8) {
        let (text, tlvs) = match ids {
            Ids::HexThenDecimalTlv => {
                let mut tlvs = tlv(0x001E, &c(&carrier_id.to_string()));
                tlvs.extend(tlv(0x0427, &[state]));
                ("sub:001 dlvrd:001 stat:DELIVRD err:000".to_string(), tlvs)
            }
            _ => (
                format!("id:{carrier_id:x} sub:001 dlvrd:001 submit date:2612010000 done date:2612010001 stat:DELIVRD err:000"),
                Vec::new(),
            ),
        };
        let body = deliver_body(
            "14255550123",
            "12065550100",
            0x04,
            0,
            text.as_bytes(),
            &tlvs,
        );
        self.deliver(body).await;
    }

    /// Sends an MO deliver_sm from `source` to `dest`.
    async fn inject_mo(&self, source: &str, dest: &str, esm: u8, sm: &[u8]) {
        self.deliver(deliver_body(source, dest, esm, 0, sm, &[]))
            .await;
    }

    async fn deliver(&self, body: Vec<u8>) {
        let (connection, seq) = {
            let mut state = self.state.lock().unwrap();
            state.next_seq += 1;
            (state.connection.clone(), state.next_seq)
        };
        connection
            .expect("the service is bound")
            .send(frame(DELIVER_SM, 0, seq, &body))
            .await
            .unwrap();
    }

    fn submits(&self) -> Vec<Submitted> {
        self.state.lock().unwrap().submits.clone()
    }

    fn deliver_acks(&self) -> Vec<u32> {
        self.state.lock().unwrap().deliver_acks.clone()
    }

    async fn wait<T>(&self, what: &str, mut ready: impl FnMut(&SmscState) -> Option<T>) -> T {
        for _ in 0..200 {
            if let Some(value) = ready(&self.state.lock().unwrap()) {
                return value;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the SMSC never saw {what}");
    }

    async fn wait_bound(&self) {
        self.wait("a bind", |s| (s.connection.is_some()).then_some(()))
            .await;
    }
}

/// The demo service with AT&T (`+1206555…`) routed to `smsc`; other carriers stay on the
/// simulator.
async fn app_with_upstream(backend: Backend, smsc: &TestSmsc, window: usize) -> Option<TestApp> {
    let addr = smsc.addr.clone();
    let app = spawn_app_with(
        backend,
        move |s: &mut Settings| route_att(s, &addr, window),
        true,
    )
    .await?;
    smsc.wait_bound().await;
    Some(app)
}

fn route_att(s: &mut Settings, addr: &str, window: usize) {
    s.carriers.upstream.insert(
        "att".into(),
        UpstreamSettings {
            addr: addr.into(),
            system_id: "backoffice".into(),
            password: "secret".into(),
            window,
            reconnect_max_secs: 1,
            response_timeout_secs: 5,
            ..UpstreamSettings::default()
        },
    );
    s.carriers.routes.insert("ATT".into(), "att".into());
    s.carriers.retry_base_ms = 100;
    s.carriers.retry_max_ms = 400;
    s.carriers.simulator.delay_ms = 50;
}

async fn customer(app: &TestApp, bind: u32) -> Esme {
    let mut esme = Esme::connect(app).await;
    assert_eq!(esme.bind(bind, "demo", "demopass").await, 0);
    esme
}

async fn submit_to(esme: &mut Esme, dest: &str, text: &str) -> String {
    let (status, id) = esme
        .submit(&submit_body("12065550100", dest, 0, 1, 0, &gsm(text), &[]))
        .await;
    assert_eq!(status, 0, "submit to {dest}");
    id
}

async fn messages_routed_by_carrier_find_their_receipts_in_hex_or_decimal(backend: Backend) {
    let smsc = TestSmsc::start(Ids::DecimalThenHexText, Box::new(|_, _| Answer::Ok)).await;
    let Some(app) = app_with_upstream(backend, &smsc, 5).await else {
        return;
    };
    let mut esme = customer(&app, BIND_TRANSCEIVER).await;
    let att = submit_to(&mut esme, "12065550111", "to AT&T").await;
    let tmobile = submit_to(&mut esme, "14255550123", "to T-Mobile").await;
    let mut receipted = Vec::new();
    for _ in 0..2 {
        let (text, _, esm) = esme.receipt().await;
        assert_eq!(esm, 0x04);
        assert!(text.contains("stat:DELIVRD"), "{text}");
        receipted.push(text);
    }
    for id in [&att, &tmobile] {
        assert!(receipted
            .iter()
            .any(|t| t.starts_with(&format!("id:{id} "))));
        wait_for_status(&app, id, "DELIVERED").await;
    }
    let submits = smsc.submits();
    assert_eq!(submits.len(), 1, "only AT&T traffic goes upstream");
    assert_eq!(submits[0].destination, "12065550111");
    assert_eq!(submits[0].text, b"to AT&T");
    let row = app
        .gql(
            app.admin(),
            "query($id: ID!) { message(id: $id) { connector carrierMessageId carrierCode sentAt } }",
            json!({ "id": att }),
        )
        .await;
    assert_eq!(row["message"]["connector"], "att");
    assert_eq!(row["message"]["carrierCode"], "ATT");
    assert_eq!(
        row["message"]["carrierMessageId"],
        submits[0].carrier_id.to_string(),
        "the receipt said {:x}",
        submits[0].carrier_id
    );
    assert!(row["message"]["sentAt"].is_string());

    smsc.state.lock().unwrap().ids = Ids::HexThenDecimalTlv;
    let second = submit_to(&mut esme, "12065550112", "hex then decimal").await;
    let (text, _, _) = esme.receipt().await;
    assert!(text.starts_with(&format!("id:{second} ")), "{text}");
    wait_for_status(&app, &second, "DELIVERED").await;
    app.stop().await;
}

async fn temporary_failures_are_retried_until_the_carrier_takes_the_message(backend: Backend) {
    // The first try of each destination is refused: throttled for one, a dropped
    // connection for the other.
    let smsc = TestSmsc::start(
        Ids::DecimalThenHexText,
        Box::new(|s, _| match s.destination.as_str() {
            "12065550121" => Answer::Status(THROTTLED),
            "12065550122" => Answer::Drop,
            _ => Answer::Ok,
        }),
    )
    .await;
    let Some(app) = app_with_upstream(backend, &smsc, 5).await else {
        return;
    };
    let mut esme = customer(&app, BIND_TRANSMITTER).await;
    let throttled = submit_to(&mut esme, "12065550121", "throttled first").await;
    smsc.wait("the throttled try", |s| {
        (!s.submits.is_empty()).then_some(())
    })
    .await;
    smsc.state.lock().unwrap().policy = Box::new(|s, _| match s.destination.as_str() {
        "12065550122" => Answer::Drop,
        _ => Answer::Ok,
    });
    wait_for_status(&app, &throttled, "DELIVERED").await;
    let dropped = submit_to(&mut esme, "12065550122", "dropped first").await;
    smsc.wait("the dropped try", |s| {
        s.submits
            .iter()
            .any(|m| m.destination == "12065550122")
            .then_some(())
    })
    .await;
    smsc.state.lock().unwrap().policy = Box::new(|_, _| Answer::Ok);
    wait_for_status(&app, &dropped, "DELIVERED").await;
    let tries = |dest: &str| {
        smsc.submits()
            .iter()
            .filter(|m| m.destination == dest)
            .count()
    };
    assert_eq!(tries("12065550121"), 2, "throttled once, then taken");
    assert_eq!(
        tries("12065550122"),
        2,
        "lost with the connection, then taken"
    );
    assert!(smsc.state.lock().unwrap().binds >= 2, "it bound again");
    let metrics = app
        .client
        .get(app.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains("backoffice_carrier_retries_total{connector=\"att\"}"),
        "{metrics}"
    );
    assert!(metrics.contains("backoffice_carrier_ack_seconds_count{carrier=\"ATT\"}"));
    assert!(metrics.contains("backoffice_delivery_seconds_count{carrier=\"ATT\"}"));
    app.stop().await;
}

async fn a_restart_sends_what_was_queued_once_and_nothing_the_carrier_took(backend: Backend) {
    // The first SMSC takes one message and throttles the other forever.
    let first = TestSmsc::start(
        Ids::Silent,
        Box::new(|s, _| match s.destination.as_str() {
            "12065550131" => Answer::Ok,
            _ => Answer::Status(THROTTLED),
        }),
    )
    .await;
    let Some(mut app) = app_with_upstream(backend, &first, 5).await else {
        return;
    };
    let mut esme = customer(&app, BIND_TRANSCEIVER).await;
    let taken = submit_to(&mut esme, "12065550131", "taken before the restart").await;
    let queued = submit_to(&mut esme, "12065550132", "queued across the restart").await;
    wait_for_status(&app, &taken, "ENROUTE").await;
    first
        .wait("a retry of the queued message", |s| {
            (s.submits
                .iter()
                .filter(|m| m.destination == "12065550132")
                .count()
                >= 2)
                .then_some(())
        })
        .await;
    // Listed by their status as seen: the taken one ENROUTE, the queued one ACCEPTED.
    for (status, listed, not_listed) in
        [("ENROUTE", &taken, &queued), ("ACCEPTED", &queued, &taken)]
    {
        let page = app
            .gql(
                app.admin(),
                "query($status: MessageStatus) { messages(first: 50, filter: { status: $status }) { edges { node { messageId status } } } }",
                json!({ "status": status }),
            )
            .await;
        let ids: Vec<&str> = page["messages"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                assert_eq!(e["node"]["status"], status);
                e["node"]["messageId"].as_str().unwrap()
            })
            .collect();
        assert!(ids.contains(&listed.as_str()), "{status}: {ids:?}");
        assert!(!ids.contains(&not_listed.as_str()), "{status}: {ids:?}");
    }
    let carrier_id = first.submits()[0].carrier_id;
    drop(esme);

    let second = TestSmsc::start(Ids::DecimalThenHexText, Box::new(|_, _| Answer::Ok)).await;
    second.state.lock().unwrap().next_id = 5000; // another SMSC, other ids
    let addr = second.addr.clone();
    app.restart(move |s| route_att(s, &addr, 5)).await;
    second.wait_bound().await;
    wait_for_status(&app, &queued, "DELIVERED").await;
    let resent: Vec<String> = second
        .submits()
        .into_iter()
        .map(|m| m.destination)
        .collect();
    assert_eq!(
        resent,
        ["12065550132"],
        "the taken message is not sent again"
    );
    // The first carrier's receipt for the taken message still finds it.
    second
        .send_receipt(carrier_id, Ids::DecimalThenHexText, 2)
        .await;
    wait_for_status(&app, &taken, "DELIVERED").await;
    app.stop().await;
}

async fn higher_priority_leaves_first(backend: Backend) {
    // One at a time, the first answered slowly, so the rest wait in the queue together.
    let smsc = TestSmsc::start(
        Ids::Silent,
        Box::new(|_, nth| {
            if nth == 0 {
                Answer::OkAfter(700)
            } else {
                Answer::Ok
            }
        }),
    )
    .await;
    let Some(app) = app_with_upstream(backend, &smsc, 1).await else {
        return;
    };
    let mut esme = customer(&app, BIND_TRANSCEIVER).await;
    let with_priority = |dest: &str, priority: u8| {
        let mut body = submit_body("12065550100", dest, 0, 0, 0, b"p", &[]);
        // service_type, 2 + source, 2 + destination, esm_class, protocol_id, then priority
        let at = 1 + 2 + "12065550100".len() + 1 + 2 + dest.len() + 1 + 2;
        body[at] = priority;
        body
    };
    for (dest, priority) in [
        ("12065550140", 0),
        ("12065550141", 0),
        ("12065550142", 1),
        ("12065550143", 3),
        ("12065550144", 0),
    ] {
        let (status, _) = esme.submit(&with_priority(dest, priority)).await;
        assert_eq!(status, 0);
    }
    let order = smsc
        .wait("five submits", |s| {
            (s.submits.len() == 5).then(|| {
                s.submits
                    .iter()
                    .map(|m| (m.destination.clone(), m.priority))
                    .collect::<Vec<_>>()
            })
        })
        .await;
    let order: Vec<&str> = order.iter().map(|(d, _)| &d[7..]).collect();
    assert_eq!(order, ["0140", "0143", "0142", "0141", "0144"]);
    app.stop().await;
}

async fn a_waiting_message_can_be_cancelled_or_expire(backend: Backend) {
    let smsc = TestSmsc::start(Ids::Silent, Box::new(|_, _| Answer::Status(THROTTLED))).await;
    let Some(app) = app_with_upstream(backend, &smsc, 5).await else {
        return;
    };
    let mut esme = customer(&app, BIND_TRANSCEIVER).await;
    let mut short_lived = submit_body("12065550100", "12065550151", 0, 1, 0, b"brief", &[]);
    // validity_period is the second empty C-string after the priority flag.
    let at = 1 + 2 + 12 + 2 + 12 + 3 + 1;
    short_lived.splice(at..at + 1, c("000000000002000R"));
    let (status, expiring) = esme.submit(&short_lived).await;
    assert_eq!(status, 0);
    let cancelled = submit_to(&mut esme, "12065550152", "cancel me").await;
    let cancel = "mutation($id: ID!) { cancelMessage(id: $id) { status doneAt } }";
    let record_id = message_row_id(&app, &cancelled).await;
    let data = app
        .gql(app.admin(), cancel, json!({ "id": record_id }))
        .await;
    assert_eq!(
        data["cancelMessage"]["status"], "CANCELLED",
        "by its record id"
    );
    let (code, _) = app
        .gql_error(Some(app.admin()), cancel, json!({ "id": cancelled }))
        .await;
    assert_eq!(code, "CONFLICT");
    wait_for_status(&app, &expiring, "EXPIRED").await;
    let (text, _, _) = esme.receipt().await;
    assert!(
        text.starts_with(&format!("id:{expiring} ")) && text.contains("stat:EXPIRED"),
        "{text}"
    );
    let tries_after_cancel = smsc
        .submits()
        .iter()
        .filter(|m| m.destination == "12065550152")
        .count();
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(
        smsc.submits()
            .iter()
            .filter(|m| m.destination == "12065550152")
            .count(),
        tries_after_cancel,
        "a cancelled message is not tried again"
    );
    app.stop().await;
}

async fn message_row_id(app: &TestApp, message_id: &str) -> String {
    let data = app
        .gql(
            app.admin(),
            "query($id: ID!) { message(id: $id) { id } }",
            json!({ "id": message_id }),
        )
        .await;
    data["message"]["id"].as_str().unwrap().to_owned()
}

async fn mo_reaches_a_bound_customer_or_waits_for_one(backend: Backend) {
    let smsc = TestSmsc::start(Ids::Silent, Box::new(|_, _| Answer::Ok)).await;
    let Some(app) = app_with_upstream(backend, &smsc, 5).await else {
        return;
    };
    let mut receiver = customer(&app, BIND_RECEIVER).await;
    smsc.inject_mo("14255550199", "12065550100", 0, b"Hello back")
        .await;
    let pdu = receiver.read().await;
    assert_eq!(pdu.id, DELIVER_SM);
    let (text, _, esm) = parse_deliver_sm(&pdu.body);
    assert_eq!((text.as_str(), esm), ("Hello back", 0));
    receiver
        .send_with_seq(DELIVER_SM | RESP, 0, pdu.seq, &c(""))
        .await;
    smsc.wait("the carrier's acknowledgement", |s| {
        (s.deliver_acks == [0]).then_some(())
    })
    .await;
    let mo = "query { messages(first: 10, filter: { direction: MO }) { edges { node { messageId source destination status rejectReason charge { amount } } } } }";
    let delivered = loop {
        let data = app.gql(app.admin(), mo, json!({})).await;
        let node = data["messages"]["edges"][0]["node"].clone();
        if node["status"] == "DELIVERED" {
            break node;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(delivered["source"], "+14255550199");
    assert_eq!(delivered["destination"], "+12065550100");
    assert_ne!(delivered["charge"]["amount"], "0.000000", "MO is rated");

    drop(receiver);
    tokio::time::sleep(Duration::from_millis(200)).await;
    smsc.inject_mo("14255550199", "12065550100", 0, b"while away")
        .await;
    smsc.wait("the second acknowledgement", |s| {
        (s.deliver_acks.len() == 2).then_some(())
    })
    .await;
    assert_eq!(smsc.deliver_acks(), [0, 0], "stored, so acknowledged");
    let mut later = customer(&app, BIND_TRANSCEIVER).await;
    let pdu = later.read().await;
    let (text, _, _) = parse_deliver_sm(&pdu.body);
    assert_eq!(text, "while away");
    later
        .send_with_seq(DELIVER_SM | RESP, 0, pdu.seq, &c(""))
        .await;

    smsc.inject_mo("14255550199", "DEMOCO", 0, b"to an alphanumeric ID")
        .await;
    smsc.wait("the third acknowledgement", |s| {
        (s.deliver_acks.len() == 3).then_some(())
    })
    .await;
    let data = app
        .gql(
            app.admin(),
            "query { messages(first: 10, filter: { direction: MO, status: REJECTED }) { edges { node { destination rejectReason } } } }",
            json!({}),
        )
        .await;
    let rejected = &data["messages"]["edges"][0]["node"];
    assert_eq!(rejected["destination"], "DEMOCO");
    assert!(rejected["rejectReason"]
        .as_str()
        .unwrap()
        .contains("alphanumeric"));
    app.stop().await;
}

async fn long_mo_is_joined_and_stop_then_start_governs_mt(backend: Backend) {
    let Some(app) = crate::smpp::demo_app(backend, 50).await else {
        return;
    };
    let mut esme = customer(&app, BIND_TRANSCEIVER).await;
    let inject = "mutation($input: InjectInboundInput!) { injectInbound(input: $input) { messageId status direction fragmentCount } }";
    for (seq, text) in [(2, "second half."), (1, "First half, ")] {
        let data = app
            .gql(
                app.admin(),
                inject,
                json!({ "input": { "source": "+14255550177", "destination": "+12065550100", "text": text, "part": { "reference": 7, "total": 2, "seq": seq } } }),
            )
            .await;
        assert_eq!(data["injectInbound"]["direction"], "MO");
    }
    let pdu = esme.read().await;
    let (text, _, esm) = parse_deliver_sm(&pdu.body);
    assert_eq!((text.as_str(), esm), ("First half, second half.", 0));
    esme.send_with_seq(DELIVER_SM | RESP, 0, pdu.seq, &c(""))
        .await;

    let keyword = |text: &str| json!({ "input": { "source": "+14255550177", "destination": "+12065550100", "text": text } });
    app.gql(app.admin(), inject, keyword("Stop")).await;
    let pdu = esme.read().await; // the customer sees the STOP too
    esme.send_with_seq(DELIVER_SM | RESP, 0, pdu.seq, &c(""))
        .await;
    let blocked = submit_to(&mut esme, "14255550177", "after STOP").await;
    let row = message_row(&app, &blocked).await;
    assert_eq!(row["status"], "REJECTED");
    assert!(row["rejectReason"].as_str().unwrap().contains("opted out"));
    let (receipt, _, _) = esme.receipt().await;
    assert!(receipt.contains("stat:REJECTD"));
    app.gql(app.admin(), inject, keyword("START")).await;
    let pdu = esme.read().await;
    esme.send_with_seq(DELIVER_SM | RESP, 0, pdu.seq, &c(""))
        .await;
    let allowed = submit_to(&mut esme, "14255550177", "after START").await;
    wait_for_status(&app, &allowed, "DELIVERED").await;
    let (code, _) = app
        .gql_error(
            Some(app.admin()),
            inject,
            json!({ "input": { "source": "+14255550177", "destination": "+19995550100", "text": "x" } }),
        )
        .await;
    assert_eq!(code, "VALIDATION");
    app.stop().await;
}

on_both_databases!(
    messages_routed_by_carrier_find_their_receipts_in_hex_or_decimal,
    temporary_failures_are_retried_until_the_carrier_takes_the_message,
    a_restart_sends_what_was_queued_once_and_nothing_the_carrier_took,
    higher_priority_leaves_first,
    a_waiting_message_can_be_cancelled_or_expire,
    mo_reaches_a_bound_customer_or_waits_for_one,
    long_mo_is_joined_and_stop_then_start_governs_mt,
);

async fn analytics_count_what_was_sent(backend: Backend) {
    let Some(app) = crate::smpp::demo_app(backend, 50).await else {
        return;
    };
    let mut esme = customer(&app, BIND_TRANSMITTER).await;
    let mut ids = Vec::new();
    for dest in ["14255550131", "14255550132", "14255550133"] {
        ids.push((submit_to(&mut esme, dest, "to T-Mobile").await, "DELIVERED"));
    }
    let long = "x".repeat(200); // two fragments
    ids.push((
        submit_to(&mut esme, "14255550134", &long).await,
        "DELIVERED",
    ));
    for dest in ["15035550191", "15035550192"] {
        ids.push((
            submit_to(&mut esme, dest, "to Verizon").await,
            "UNDELIVERABLE",
        ));
    }
    let mut alphanumeric = submit_body("DEMOCO", "14255550135", 0, 0, 0, b"x", &[]);
    alphanumeric[1] = 5; // source_addr_ton: alphanumeric
    let (status, rejected) = esme.submit(&alphanumeric).await;
    assert_eq!(status, 0);
    ids.push((rejected, "REJECTED"));
    for (id, status) in &ids {
        wait_for_status(&app, id, status).await;
    }
    app.gql(
        app.admin(),
        "mutation($input: InjectInboundInput!) { injectInbound(input: $input) { id } }",
        json!({ "input": { "source": "+14255550131", "destination": "+12065550100", "text": "hi" } }),
    )
    .await;
    let today = chrono::Utc::now().date_naive().to_string();
    let data = app
        .gql(
            app.admin(),
            "query($f: DeliveryStatsFilter!) { deliveryStats(filter: $f, groupBy: [CARRIER, DIRECTION]) { carrierCode direction received fragments delivered undeliverable rejected inFlight deliveredRatio deliveryP50Ms deliveryP95Ms carrierAckP50Ms } }",
            json!({ "f": { "from": today, "to": today } }),
        )
        .await;
    let rows = data["deliveryStats"].as_array().unwrap().clone();
    let row = |carrier: &str, direction: &str| {
        rows.iter()
            .find(|r| r["carrierCode"] == carrier && r["direction"] == direction)
            .unwrap_or_else(|| panic!("no {carrier} {direction} row in {rows:?}"))
            .clone()
    };
    let tmobile = row("TMOBILE", "MT");
    assert_eq!(tmobile["received"], 5, "4 sent and 1 rejected: {tmobile}");
    assert_eq!(tmobile["fragments"], 6);
    assert_eq!(tmobile["delivered"], 4);
    assert_eq!(tmobile["rejected"], 1);
    assert_eq!(tmobile["inFlight"], 0);
    assert_eq!(tmobile["deliveredRatio"], 1.0);
    let p50 = tmobile["deliveryP50Ms"].as_i64().expect("a p50");
    assert!(p50 >= 50, "the simulator takes 50 ms: {p50}");
    assert!(tmobile["deliveryP95Ms"].as_i64().unwrap() >= p50);
    let ack = tmobile["carrierAckP50Ms"]
        .as_i64()
        .expect("an acknowledgement time");
    assert!(ack <= p50, "acknowledged before delivered: {ack} vs {p50}");
    let verizon = row("VERIZON", "MT");
    assert_eq!(
        (
            verizon["received"].as_i64(),
            verizon["undeliverable"].as_i64()
        ),
        (Some(2), Some(2))
    );
    assert_eq!(verizon["deliveredRatio"], 0.0);
    assert!(verizon["deliveryP50Ms"].is_null());
    let mo = row("TMOBILE", "MO");
    assert_eq!(mo["received"], 1);
    let (code, _) = app
        .gql_error(
            Some(app.admin()),
            "query($f: DeliveryStatsFilter!) { deliveryStats(filter: $f) { received } }",
            json!({ "f": { "from": today, "to": "2020-01-01" } }),
        )
        .await;
    assert_eq!(code, "VALIDATION");
    app.stop().await;
}

on_both_databases!(analytics_count_what_was_sent);

async fn the_upstream_link_can_run_over_tls(backend: Backend) {
    use tokio_rustls::rustls;
    let certified = rcgen::generate_simple_self_signed(vec!["localhost".into()]).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("smsc-ca.pem");
    std::fs::write(&ca, certified.cert.pem()).unwrap();
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(
        vec![certified.cert.der().clone()],
        rustls::pki_types::PrivateKeyDer::Pkcs8(certified.key_pair.serialize_der().into()),
    )
    .unwrap();
    let smsc = TestSmsc::start_with(
        Ids::DecimalThenHexText,
        Box::new(|_, _| Answer::Ok),
        Some(tokio_rustls::TlsAcceptor::from(Arc::new(config))),
    )
    .await;
    let addr = smsc.addr.clone();
    let ca_file = ca.display().to_string();
    let Some(app) = spawn_app_with(
        backend,
        move |s: &mut Settings| {
            route_att(s, &addr, 5);
            let upstream = s.carriers.upstream.get_mut("att").unwrap();
            upstream.tls = true;
            upstream.tls_ca_file = Some(ca_file);
            upstream.tls_server_name = Some("localhost".into());
        },
        true,
    )
    .await
    else {
        return;
    };
    smsc.wait_bound().await;
    let mut esme = customer(&app, BIND_TRANSCEIVER).await;
    let id = submit_to(&mut esme, "12065550171", "over TLS").await;
    let (text, _, _) = esme.receipt().await;
    assert!(text.starts_with(&format!("id:{id} ")), "{text}");
    wait_for_status(&app, &id, "DELIVERED").await;
    assert_eq!(smsc.submits()[0].text, b"over TLS");
    app.stop().await;
}

on_both_databases!(the_upstream_link_can_run_over_tls);
