//! The SMPP gateway over real TCP: binds, submits in every coding and long form, receipts,
//! opt-out, throttling, malformed PDUs, cancel and query, graceful shutdown. The client here
//! builds its PDUs by hand from the specification (and one test uses the rusmpp crate), so
//! none of the server's codec is used to test itself.

use std::time::Duration;

use backoffice::db::entities::message;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::helpers::{spawn_app_with, Backend, TestApp};
use crate::on_both_databases;

pub(crate) const BIND_RECEIVER: u32 = 0x01;
pub(crate) const BIND_TRANSMITTER: u32 = 0x02;
pub(crate) const QUERY_SM: u32 = 0x03;
pub(crate) const SUBMIT_SM: u32 = 0x04;
pub(crate) const DELIVER_SM: u32 = 0x05;
pub(crate) const UNBIND: u32 = 0x06;
pub(crate) const CANCEL_SM: u32 = 0x08;
pub(crate) const BIND_TRANSCEIVER: u32 = 0x09;
pub(crate) const ENQUIRE_LINK: u32 = 0x15;
pub(crate) const DATA_SM: u32 = 0x103;
pub(crate) const RESP: u32 = 0x8000_0000;

/// A PDU as read off the wire.
#[derive(Debug, Clone)]
pub(crate) struct Pdu {
    pub(crate) id: u32,
    pub(crate) status: u32,
    pub(crate) seq: u32,
    pub(crate) body: Vec<u8>,
}

/// A minimal ESME written from the SMPP 3.4 specification.
pub(crate) struct Esme {
    stream: TcpStream,
    seq: u32,
}

pub(crate) fn c(s: &str) -> Vec<u8> {
    let mut v = s.as_bytes().to_vec();
    v.push(0);
    v
}

pub(crate) fn tlv(tag: u16, value: &[u8]) -> Vec<u8> {
    let mut v = tag.to_be_bytes().to_vec();
    v.extend_from_slice(&u16::try_from(value.len()).unwrap().to_be_bytes());
    v.extend_from_slice(value);
    v
}

/// A submit_sm body: international addresses, the given esm_class, registered_delivery,
/// data_coding, short message and TLVs.
pub(crate) fn submit_body(
    source: &str,
    dest: &str,
    esm: u8,
    rd: u8,
    dc: u8,
    sm: &[u8],
    tlvs: &[u8],
) -> Vec<u8> {
    let mut b = c("");
    b.extend([1, 1]);
    b.extend(c(source));
    b.extend([1, 1]);
    b.extend(c(dest));
    b.extend([esm, 0, 0]);
    b.extend(c(""));
    b.extend(c(""));
    b.extend([rd, 0, dc, 0, u8::try_from(sm.len()).unwrap()]);
    b.extend_from_slice(sm);
    b.extend_from_slice(tlvs);
    b
}

pub(crate) fn gsm(text: &str) -> Vec<u8> {
    text.bytes().collect()
}

impl Esme {
    pub(crate) async fn connect(app: &TestApp) -> Self {
        Self {
            stream: TcpStream::connect(app.smpp_addr).await.unwrap(),
            seq: 0,
        }
    }

    pub(crate) async fn send(&mut self, id: u32, body: &[u8]) -> u32 {
        self.seq += 1;
        self.send_with_seq(id, 0, self.seq, body).await;
        self.seq
    }

    pub(crate) async fn send_with_seq(&mut self, id: u32, status: u32, seq: u32, body: &[u8]) {
        let mut frame = (16 + u32::try_from(body.len()).unwrap())
            .to_be_bytes()
            .to_vec();
        frame.extend(id.to_be_bytes());
        frame.extend(status.to_be_bytes());
        frame.extend(seq.to_be_bytes());
        frame.extend_from_slice(body);
        self.stream.write_all(&frame).await.unwrap();
    }

    pub(crate) async fn read(&mut self) -> Pdu {
        tokio::time::timeout(Duration::from_secs(10), async {
            let mut header = [0u8; 16];
            self.stream.read_exact(&mut header).await.expect("a PDU");
            let word = |i: usize| u32::from_be_bytes(header[i..i + 4].try_into().unwrap());
            let mut body = vec![0u8; usize::try_from(word(0)).unwrap() - 16];
            self.stream.read_exact(&mut body).await.unwrap();
            Pdu {
                id: word(4),
                status: word(8),
                seq: word(12),
                body,
            }
        })
        .await
        .expect("a PDU within 10 s")
    }

    /// Reads until the response to `seq`, answering enquire_links on the way; deliver_sm
    /// before it is an error (a response must precede its receipt).
    pub(crate) async fn response(&mut self, seq: u32) -> Pdu {
        loop {
            let pdu = self.read().await;
            if pdu.id == ENQUIRE_LINK {
                self.send_with_seq(ENQUIRE_LINK | RESP, 0, pdu.seq, &[])
                    .await;
                continue;
            }
            assert_ne!(
                pdu.id, DELIVER_SM,
                "a deliver_sm came before the response to {seq}"
            );
            assert_eq!(pdu.seq, seq, "{pdu:?}");
            return pdu;
        }
    }

    pub(crate) async fn bind(&mut self, id: u32, system_id: &str, password: &str) -> u32 {
        let mut body = c(system_id);
        body.extend(c(password));
        body.extend(c(""));
        body.extend([0x34, 0, 0]);
        body.extend(c(""));
        let seq = self.send(id, &body).await;
        let resp = self.response(seq).await;
        assert_eq!(resp.id, id | RESP);
        resp.status
    }

    /// Submits and returns (status, message_id).
    pub(crate) async fn submit(&mut self, body: &[u8]) -> (u32, String) {
        let seq = self.send(SUBMIT_SM, body).await;
        let resp = self.response(seq).await;
        assert_eq!(resp.id, SUBMIT_SM | RESP);
        let id = String::from_utf8(
            resp.body
                .split(|b| *b == 0)
                .next()
                .unwrap_or_default()
                .to_vec(),
        )
        .unwrap();
        (resp.status, id)
    }

    /// Waits for a receipt, acknowledges it, and returns (text, TLVs).
    pub(crate) async fn receipt(&mut self) -> (String, Vec<(u16, Vec<u8>)>, u8) {
        loop {
            let pdu = self.read().await;
            if pdu.id == ENQUIRE_LINK {
                self.send_with_seq(ENQUIRE_LINK | RESP, 0, pdu.seq, &[])
                    .await;
                continue;
            }
            assert_eq!(pdu.id, DELIVER_SM, "{pdu:?}");
            self.send_with_seq(DELIVER_SM | RESP, 0, pdu.seq, &c(""))
                .await;
            return parse_deliver_sm(&pdu.body);
        }
    }
}

/// (short_message as text, TLVs, esm_class) of a deliver_sm body.
pub(crate) fn parse_deliver_sm(body: &[u8]) -> (String, Vec<(u16, Vec<u8>)>, u8) {
    let mut at = 0;
    let skip_c = |at: &mut usize| {
        while body[*at] != 0 {
            *at += 1;
        }
        *at += 1;
    };
    skip_c(&mut at); // service_type
    at += 2;
    skip_c(&mut at); // source
    at += 2;
    skip_c(&mut at); // destination
    let esm = body[at];
    at += 3; // esm_class, protocol_id, priority
    skip_c(&mut at);
    skip_c(&mut at);
    at += 4; // registered_delivery, replace, data_coding, default id
    let len = usize::from(body[at]);
    at += 1;
    let text = String::from_utf8(body[at..at + len].to_vec()).unwrap();
    at += len;
    let mut tlvs = Vec::new();
    while at + 4 <= body.len() {
        let tag = u16::from_be_bytes([body[at], body[at + 1]]);
        let l = usize::from(u16::from_be_bytes([body[at + 2], body[at + 3]]));
        tlvs.push((tag, body[at + 4..at + 4 + l].to_vec()));
        at += 4 + l;
    }
    (text, tlvs, esm)
}

pub(crate) async fn demo_app(backend: Backend, delay_ms: u64) -> Option<TestApp> {
    spawn_app_with(backend, |s| s.carriers.simulator.delay_ms = delay_ms, true).await
}

pub(crate) async fn message_row(app: &TestApp, message_id: &str) -> Value {
    app.gql(
        app.admin(),
        "query($id: ID!) { message(id: $id) { messageId status encoding fragmentCount body rejectReason destination charge { amount currency } charges { kind quantity } } }",
        json!({ "id": message_id }),
    )
    .await["message"]
        .clone()
}

pub(crate) async fn wait_for_status(app: &TestApp, message_id: &str, status: &str) -> Value {
    for _ in 0..100 {
        let row = message_row(app, message_id).await;
        if row["status"] == status {
            return row;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!(
        "{message_id} never reached {status}: {}",
        message_row(app, message_id).await
    );
}

on_both_databases!(
    every_bind_outcome_has_its_status,
    a_message_is_stored_rated_and_receipted_with_the_exact_text,
    every_data_coding_is_accepted_and_rated,
    long_messages_arrive_by_udh_sar_or_payload,
    receipts_wait_for_a_receiver_bind,
    an_opted_out_subscriber_gets_a_rejected_message,
    prohibited_content_is_received_rated_and_rejected_with_its_rule,
    a_number_over_its_throttle_is_refused,
    a_malformed_pdu_is_answered_and_the_session_goes_on,
    cancel_and_query_work_until_the_message_is_final,
    shutdown_answers_every_submit_it_accepted,
    a_third_party_codec_interoperates,
    submits_beyond_the_window_are_refused,
);

async fn every_bind_outcome_has_its_status(backend: Backend) {
    let Some(app) = demo_app(backend, 50).await else {
        return;
    };
    let demo = app
        .gql(app.admin(), "{ customers { nodes { id } } }", json!({}))
        .await["customers"]["nodes"][0]["id"]
        .clone();
    let account = |system_id: &str, extra: Value| {
        let mut input = json!({ "customerId": demo, "systemId": system_id, "password": "secret1" });
        input
            .as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        json!({ "input": input })
    };
    let create = "mutation($input: NewSmppAccountInput!) { createSmppAccount(input: $input) { account { id } } }";
    app.gql(
        app.admin(),
        create,
        account("txonly", json!({ "bindTypes": ["TRANSMITTER"] })),
    )
    .await;
    app.gql(
        app.admin(),
        create,
        account("faraway", json!({ "allowedNetworks": ["10.0.0.0/8"] })),
    )
    .await;
    app.gql(
        app.admin(),
        create,
        account("single", json!({ "maxBinds": 1 })),
    )
    .await;
    let off = app
        .gql(app.admin(), create, account("off", json!({})))
        .await["createSmppAccount"]["account"]["id"]
        .clone();
    app.gql(
        app.admin(),
        "mutation($id: ID!) { setSmppAccountEnabled(id: $id, enabled: false) { id } }",
        json!({ "id": off }),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await; // the admission snapshot refreshes

    let cases = [
        (BIND_TRANSCEIVER, "demo", "demopass", 0x00),
        (BIND_TRANSCEIVER, "demo", "wrong", 0x0E),
        (BIND_TRANSCEIVER, "nobody", "demopass", 0x0F),
        (BIND_RECEIVER, "txonly", "secret1", 0x0D),
        (BIND_TRANSMITTER, "txonly", "secret1", 0x00),
        (BIND_TRANSCEIVER, "faraway", "secret1", 0x0D),
        (BIND_TRANSCEIVER, "off", "secret1", 0x0D),
    ];
    for (command, system_id, password, expected) in cases {
        let mut esme = Esme::connect(&app).await;
        assert_eq!(
            esme.bind(command, system_id, password).await,
            expected,
            "{system_id}/{password}"
        );
    }
    let mut first = Esme::connect(&app).await;
    assert_eq!(first.bind(BIND_TRANSCEIVER, "single", "secret1").await, 0);
    assert_eq!(
        first.bind(BIND_TRANSCEIVER, "single", "secret1").await,
        0x05,
        "already bound"
    );
    let mut second = Esme::connect(&app).await;
    assert_eq!(
        second.bind(BIND_TRANSCEIVER, "single", "secret1").await,
        0x0D,
        "max binds"
    );
    let sessions = app
        .gql(
            app.admin(),
            "{ smppSessions { systemId bindType } }",
            json!({}),
        )
        .await;
    assert!(sessions["smppSessions"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["systemId"] == "single"));
    let mut unbound = Esme::connect(&app).await;
    let seq = unbound
        .send(
            SUBMIT_SM,
            &submit_body("12065550100", "14255550123", 0, 0, 0, b"x", &[]),
        )
        .await;
    assert_eq!(
        unbound.response(seq).await.status,
        0x04,
        "submit before bind"
    );
    app.stop().await;
}

async fn a_message_is_stored_rated_and_receipted_with_the_exact_text(backend: Backend) {
    let Some(app) = demo_app(backend, 50).await else {
        return;
    };
    let mut esme = Esme::connect(&app).await;
    assert_eq!(esme.bind(BIND_TRANSCEIVER, "demo", "demopass").await, 0);
    let (status, id) = esme
        .submit(&submit_body(
            "12065550100",
            "14255550123",
            0,
            1,
            0,
            &gsm("Hello"),
            &[],
        ))
        .await;
    assert_eq!(status, 0);
    assert_eq!(id.len(), 22);
    let (text, tlvs, esm) = esme.receipt().await;
    assert_eq!(esm, 0x04);
    let pattern = format!("id:{id} sub:001 dlvrd:001 submit date:");
    assert!(text.starts_with(&pattern), "{text}");
    let tail: Vec<&str> = text.split(' ').collect();
    assert_eq!(tail.len(), 9, "{text}");
    assert_eq!(
        &tail[3..7].iter().map(|t| t.len()).collect::<Vec<_>>(),
        &[6, 15, 4, 15],
        "{text}"
    );
    assert!(
        tail[4].starts_with("date:") && tail[6].starts_with("date:"),
        "{text}"
    );
    assert_eq!(&tail[7..], ["stat:DELIVRD", "err:000"]);
    assert!(tlvs.contains(&(0x001E, c(&id))), "{tlvs:?}");
    assert!(tlvs.contains(&(0x0427, vec![2])), "{tlvs:?}");
    let row = wait_for_status(&app, &id, "DELIVERED").await;
    assert_eq!(row["destination"], "+14255550123");
    assert_eq!(row["fragmentCount"], 1);
    // Demo Co: 0.8 × 0.0079 for a US long-code SMS, plus T-Mobile's 0.0030 per fragment.
    assert_eq!(
        row["charge"],
        json!({ "amount": "0.009320", "currency": "USD" })
    );
    assert_eq!(
        row["charges"],
        json!([{ "kind": "usage", "quantity": 1 }, { "kind": "carrier_fee", "quantity": 1 }])
    );
    let metrics = app
        .client
        .get(app.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(metrics.contains("backoffice_smpp_binds 1"), "{metrics}");
    assert!(
        metrics.contains(r#"backoffice_smpp_pdus_total{command="submit_sm",status="0x0"} 1"#),
        "{metrics}"
    );
    assert!(metrics.contains("backoffice_commit_batch_size_count"));
    app.stop().await;
}

async fn every_data_coding_is_accepted_and_rated(backend: Backend) {
    let Some(app) = demo_app(backend, 50).await else {
        return;
    };
    let mut esme = Esme::connect(&app).await;
    assert_eq!(esme.bind(BIND_TRANSMITTER, "demo", "demopass").await, 0);
    let ucs2: Vec<u8> = "Привет 😀"
        .encode_utf16()
        .flat_map(u16::to_be_bytes)
        .collect();
    let ksc = [0xBE, 0xC8, 0xB3, 0xE7]; // 안녕 in EUC-KR
    let cases: [(u8, Vec<u8>, &str, &str); 5] = [
        (0, vec![0x48, 0x69, 0x1B, 0x28, 0x00], "Hi{@", "gsm7"),
        (1, b"Plain ASCII".to_vec(), "Plain ASCII", "gsm7"),
        (3, vec![0x4F, 0x6C, 0xE1], "Olá", "latin1"),
        (8, ucs2, "Привет 😀", "ucs2"),
        (14, ksc.to_vec(), "안녕", "ksc5601"),
    ];
    for (dc, bytes, text, encoding) in cases {
        let (status, id) = esme
            .submit(&submit_body(
                "12065550100",
                "14255550123",
                0,
                0,
                dc,
                &bytes,
                &[],
            ))
            .await;
        assert_eq!(status, 0, "data_coding {dc}");
        let row = message_row(&app, &id).await;
        assert_eq!(
            (row["body"].as_str(), row["encoding"].as_str()),
            (Some(text), Some(encoding)),
            "data_coding {dc}"
        );
    }
    let bad_ucs2 = [0xD8, 0x3D];
    let (status, _) = esme
        .submit(&submit_body(
            "12065550100",
            "14255550123",
            0,
            0,
            8,
            &bad_ucs2,
            &[],
        ))
        .await;
    assert_eq!(status, 0x104, "an unpaired surrogate is not UCS-2");
    let (status, _) = esme
        .submit(&submit_body(
            "12065550100",
            "14255550123",
            0,
            0,
            4,
            b"x",
            &[],
        ))
        .await;
    assert_eq!(status, 0x104);
    let (status, _) = esme
        .submit(&submit_body(
            "19995550100",
            "14255550123",
            0,
            0,
            0,
            b"x",
            &[],
        ))
        .await;
    assert_eq!(status, 0x0A, "not the customer's number");
    let (status, _) = esme
        .submit(&submit_body("12065550100", "12", 0, 0, 0, b"x", &[]))
        .await;
    assert_eq!(status, 0x0B);
    app.stop().await;
}

async fn long_messages_arrive_by_udh_sar_or_payload(backend: Backend) {
    let Some(app) = demo_app(backend, 50).await else {
        return;
    };
    let mut esme = Esme::connect(&app).await;
    assert_eq!(esme.bind(BIND_TRANSMITTER, "demo", "demopass").await, 0);
    let mut ids = Vec::new();
    for seq in 1..=2u8 {
        let mut sm = vec![0x05, 0x00, 0x03, 0x7A, 2, seq];
        sm.extend(gsm(&"a".repeat(153)));
        let (status, id) = esme
            .submit(&submit_body(
                "12065550100",
                "14255550123",
                0x40,
                0,
                0,
                &sm,
                &[],
            ))
            .await;
        assert_eq!(status, 0);
        ids.push(id);
    }
    for seq in 1..=2u8 {
        let tlvs = [
            tlv(0x020C, &[0x01, 0x02]),
            tlv(0x020E, &[2]),
            tlv(0x020F, &[seq]),
        ]
        .concat();
        let (status, id) = esme
            .submit(&submit_body(
                "12065550100",
                "14255550123",
                0,
                0,
                0,
                &gsm(&"b".repeat(150)),
                &tlvs,
            ))
            .await;
        assert_eq!(status, 0);
        ids.push(id);
    }
    let payload = tlv(0x0424, &gsm(&"c".repeat(300)));
    let (status, payload_id) = esme
        .submit(&submit_body(
            "12065550100",
            "14255550123",
            0,
            0,
            0,
            &[],
            &payload,
        ))
        .await;
    assert_eq!(status, 0);
    let data_sm = {
        let mut b = c("");
        b.extend([1, 1]);
        b.extend(c("12065550100"));
        b.extend([1, 1]);
        b.extend(c("14255550123"));
        b.extend([0, 0, 8]);
        b.extend(tlv(
            0x0424,
            &"ж"
                .repeat(100)
                .encode_utf16()
                .flat_map(u16::to_be_bytes)
                .collect::<Vec<_>>(),
        ));
        b
    };
    let seq = esme.send(DATA_SM, &data_sm).await;
    let resp = esme.response(seq).await;
    assert_eq!((resp.id, resp.status), (DATA_SM | RESP, 0));
    let data_id = String::from_utf8(resp.body[..resp.body.len() - 1].to_vec()).unwrap();
    for id in &ids {
        let row = message_row(&app, id).await;
        assert_eq!(row["fragmentCount"], 1, "each part is the fragment it is");
        assert_eq!(row["charges"][0]["quantity"], 1);
    }
    assert_eq!(
        message_row(&app, &payload_id).await["fragmentCount"],
        2,
        "300 septets: 153 + 147"
    );
    let data = message_row(&app, &data_id).await;
    assert_eq!(
        (data["fragmentCount"].as_i64(), data["encoding"].as_str()),
        (Some(2), Some("ucs2"))
    );
    app.stop().await;
}

async fn receipts_wait_for_a_receiver_bind(backend: Backend) {
    let Some(app) = demo_app(backend, 50).await else {
        return;
    };
    let mut tx = Esme::connect(&app).await;
    assert_eq!(tx.bind(BIND_TRANSMITTER, "demo", "demopass").await, 0);
    let (_, id) = tx
        .submit(&submit_body(
            "12065550100",
            "15035550199",
            0,
            1,
            0,
            &gsm("to an unreachable phone"),
            &[],
        ))
        .await;
    wait_for_status(&app, &id, "UNDELIVERABLE").await;
    let seq = tx.send(UNBIND, &[]).await;
    assert_eq!(tx.response(seq).await.id, UNBIND | RESP);
    let mut rx = Esme::connect(&app).await;
    assert_eq!(rx.bind(BIND_RECEIVER, "demo", "demopass").await, 0);
    let (text, _, _) = rx.receipt().await;
    assert!(
        text.starts_with(&format!("id:{id} sub:001 dlvrd:000 ")),
        "{text}"
    );
    assert!(text.ends_with("stat:UNDELIV err:001"), "{text}");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let pending = backoffice::messaging::store::pending_receipts(&app.db, None, None)
        .await
        .unwrap();
    assert!(
        pending.is_empty(),
        "the acknowledged receipt is no longer pending: {pending:?}"
    );
    app.stop().await;
}

async fn an_opted_out_subscriber_gets_a_rejected_message(backend: Backend) {
    let Some(app) = demo_app(backend, 50).await else {
        return;
    };
    app.gql(
        app.admin(),
        "mutation { recordOptOut(sender: \"+12065550100\", subscriber: \"+14255550124\") { id } }",
        json!({}),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut esme = Esme::connect(&app).await;
    assert_eq!(esme.bind(BIND_TRANSCEIVER, "demo", "demopass").await, 0);
    let (status, id) = esme
        .submit(&submit_body(
            "12065550100",
            "14255550124",
            0,
            1,
            0,
            &gsm("Promo"),
            &[],
        ))
        .await;
    assert_eq!(status, 0, "received, acknowledged with a message_id");
    let (text, _, _) = esme.receipt().await;
    assert!(
        text.starts_with(&format!("id:{id} ")) && text.ends_with("stat:REJECTD err:000"),
        "{text}"
    );
    let row = message_row(&app, &id).await;
    assert_eq!(row["status"], "REJECTED");
    assert!(row["rejectReason"].as_str().unwrap().contains("opted out"));
    assert_ne!(
        row["charge"]["amount"], "0.000000",
        "rejected messages are rated"
    );
    let mut alphanumeric = submit_body("DEMOCO", "14255550123", 0, 0, 0, &gsm("Hi"), &[]);
    alphanumeric[1] = 5; // source_addr_ton: alphanumeric
    let (status, alpha) = esme.submit(&alphanumeric).await;
    assert_eq!(status, 0);
    let row = message_row(&app, &alpha).await;
    assert_eq!(
        row["status"], "REJECTED",
        "alphanumeric IDs never send to the US"
    );
    app.stop().await;
}

async fn prohibited_content_is_received_rated_and_rejected_with_its_rule(backend: Backend) {
    let Some(app) = demo_app(backend, 50).await else {
        return;
    };
    let mut esme = Esme::connect(&app).await;
    assert_eq!(esme.bind(BIND_TRANSCEIVER, "demo", "demopass").await, 0);
    for (text, rule) in [
        ("Fresh THC gummies, 20% off today", "shaft-cannabis"),
        ("Your parcel: https://bit.ly/3xYz", "blocked-domain:bit.ly"),
        (
            "Please verify your Password at our site",
            "phishing-credentials",
        ),
    ] {
        let (status, id) = esme
            .submit(&submit_body(
                "12065550100",
                "14255550125",
                0,
                1,
                0,
                &gsm(text),
                &[],
            ))
            .await;
        assert_eq!(status, 0, "received, acknowledged with a message_id");
        let (receipt, _, _) = esme.receipt().await;
        assert!(receipt.contains("stat:REJECTD"), "{receipt}");
        let row = message_row(&app, &id).await;
        assert_eq!(row["status"], "REJECTED");
        assert_eq!(
            row["rejectReason"],
            format!("CONTENT_PROHIBITED: rule {rule}"),
            "{text}"
        );
        assert_ne!(row["charge"]["amount"], "0.000000", "rated all the same");
    }
    let (_, clean) = esme
        .submit(&submit_body(
            "12065550100",
            "14255550125",
            0,
            1,
            0,
            &gsm("Your code is 482913"),
            &[],
        ))
        .await;
    wait_for_status(&app, &clean, "DELIVERED").await;
    app.stop().await;
}

async fn a_number_over_its_throttle_is_refused(backend: Backend) {
    let Some(app) = demo_app(backend, 50).await else {
        return;
    };
    let number = app
        .gql(
            app.admin(),
            "{ numbers(kind: LONG_CODE) { nodes { id } } }",
            json!({}),
        )
        .await["numbers"]["nodes"][0]["id"]
        .clone();
    app.gql(
        app.admin(),
        "mutation($id: ID!) { setNumberThrottle(id: $id, perSecond: 2) { id } }",
        json!({ "id": number }),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut esme = Esme::connect(&app).await;
    assert_eq!(esme.bind(BIND_TRANSMITTER, "demo", "demopass").await, 0);
    let body = submit_body("12065550100", "14255550123", 0, 0, 0, &gsm("burst"), &[]);
    let started = std::time::Instant::now();
    let mut seqs = Vec::new();
    for _ in 0..10 {
        seqs.push(esme.send(SUBMIT_SM, &body).await);
    }
    let mut accepted = 0;
    let mut throttled = 0;
    for _ in &seqs {
        let resp = esme.read().await;
        match resp.status {
            0 => accepted += 1,
            0x58 => throttled += 1,
            other => panic!("unexpected status {other:#x}"),
        }
    }
    // 2 a second: a burst spanning n wall-clock seconds gets at most 2n through.
    let seconds = usize::try_from(started.elapsed().as_secs()).unwrap() + 2;
    assert!(
        accepted >= 2 && accepted <= 2 * seconds,
        "{accepted} in about {seconds} s"
    );
    assert!(throttled >= 1, "a burst of 10 at 2/s is throttled");
    assert_eq!(accepted + throttled, 10);
    let stored = message::Entity::find().count(&app.db).await.unwrap();
    assert_eq!(
        stored as usize, accepted,
        "throttled messages are not received"
    );
    app.stop().await;
}

async fn a_malformed_pdu_is_answered_and_the_session_goes_on(backend: Backend) {
    let Some(app) = demo_app(backend, 50).await else {
        return;
    };
    let mut esme = Esme::connect(&app).await;
    assert_eq!(esme.bind(BIND_TRANSMITTER, "demo", "demopass").await, 0);
    let long_source = "1".repeat(25);
    let seq = esme
        .send(
            SUBMIT_SM,
            &submit_body(&long_source, "14255550123", 0, 0, 0, b"x", &[]),
        )
        .await;
    let resp = esme.response(seq).await;
    assert_eq!((resp.id, resp.status), (SUBMIT_SM | RESP, 0x0A));
    let seq = esme.send(0x0000_0777, &[1, 2, 3]).await;
    let resp = esme.response(seq).await;
    assert_eq!(
        (resp.id, resp.status),
        (0x8000_0000, 0x03),
        "generic_nack, invalid command id"
    );
    let mut cut = submit_body("12065550100", "14255550123", 0, 0, 0, b"Hello", &[]);
    cut.truncate(cut.len() - 2);
    let seq = esme.send(SUBMIT_SM, &cut).await;
    assert_eq!(esme.response(seq).await.status, 0x01);
    let seq = esme.send(SUBMIT_SM, &vec![0u8; 80_000]).await;
    assert_eq!(
        esme.response(seq).await.status,
        0x02,
        "over the length limit, skipped whole"
    );
    let (status, id) = esme
        .submit(&submit_body(
            "12065550100",
            "14255550123",
            0,
            0,
            0,
            &gsm("still here"),
            &[],
        ))
        .await;
    assert_eq!(status, 0);
    assert_eq!(message_row(&app, &id).await["body"], "still here");
    let seq = esme.send(ENQUIRE_LINK, &[]).await;
    assert_eq!(esme.response(seq).await.id, ENQUIRE_LINK | RESP);
    app.stop().await;
}

async fn cancel_and_query_work_until_the_message_is_final(backend: Backend) {
    // The simulator takes one message at a time and acknowledges it after 1.5 s: the first
    // is with the carrier (too late to cancel), the second still waits in the queue.
    let Some(app) = spawn_app_with(
        backend,
        |s| {
            s.carriers.simulator.window = 1;
            s.carriers.simulator.ack_delay_ms = 1_500;
            s.carriers.simulator.delay_ms = 100;
        },
        true,
    )
    .await
    else {
        return;
    };
    let mut esme = Esme::connect(&app).await;
    assert_eq!(esme.bind(BIND_TRANSCEIVER, "demo", "demopass").await, 0);
    let mut ids = Vec::new();
    for text in ["with the carrier", "cancel me"] {
        let (_, id) = esme
            .submit(&submit_body(
                "12065550100",
                "14255550123",
                0,
                0,
                0,
                &gsm(text),
                &[],
            ))
            .await;
        ids.push(id);
    }
    let (sent, queued) = (&ids[0], &ids[1]);
    let query = |id: &str| {
        let mut b = c(id);
        b.extend([1, 1]);
        b.extend(c("12065550100"));
        b
    };
    let cancel = |id: &str| {
        let mut b = c("");
        b.extend(c(id));
        b.extend([1, 1]);
        b.extend(c("12065550100"));
        b.extend([1, 1]);
        b.extend(c("14255550123"));
        b
    };
    let seq = esme.send(QUERY_SM, &query(queued)).await;
    let resp = esme.response(seq).await;
    assert_eq!(resp.status, 0);
    assert_eq!(resp.body[resp.body.len() - 2], 6, "ACCEPTED");
    let seq = esme.send(CANCEL_SM, &cancel(sent)).await;
    assert_eq!(
        esme.response(seq).await.status,
        0x11,
        "a message handed to the carrier cannot be cancelled"
    );
    let seq = esme.send(CANCEL_SM, &cancel(queued)).await;
    assert_eq!(esme.response(seq).await.status, 0);
    let seq = esme.send(QUERY_SM, &query(queued)).await;
    let resp = esme.response(seq).await;
    assert_eq!(resp.body[resp.body.len() - 2], 4, "DELETED");
    let seq = esme.send(CANCEL_SM, &cancel(queued)).await;
    assert_eq!(esme.response(seq).await.status, 0x11, "already final");
    let seq = esme.send(QUERY_SM, &query("nosuchmessage")).await;
    assert_eq!(esme.response(seq).await.status, 0x67);
    wait_for_status(&app, sent, "DELIVERED").await;
    tokio::time::sleep(Duration::from_millis(1_800)).await;
    assert_eq!(
        message_row(&app, queued).await["status"],
        "CANCELLED",
        "the carrier never gets it"
    );
    app.stop().await;
}

async fn shutdown_answers_every_submit_it_accepted(backend: Backend) {
    let Some(mut app) = demo_app(backend, 50).await else {
        return;
    };
    let mut esme = Esme::connect(&app).await;
    assert_eq!(esme.bind(BIND_TRANSMITTER, "demo", "demopass").await, 0);
    let body = submit_body(
        "12065550100",
        "14255550123",
        0,
        0,
        0,
        &gsm("in flight"),
        &[],
    );
    for _ in 0..50 {
        esme.send(SUBMIT_SM, &body).await;
    }
    // Once the first answer is back the rest are in the server's hands; shut down then.
    let first = esme.read().await;
    assert_eq!((first.id, first.status), (SUBMIT_SM | RESP, 0));
    let mut acknowledged =
        vec![String::from_utf8(first.body[..first.body.len() - 1].to_vec()).unwrap()];
    app.shutdown().await;
    let mut saw_unbind = false;
    loop {
        let mut header = [0u8; 16];
        match tokio::time::timeout(Duration::from_secs(5), esme.stream.read_exact(&mut header))
            .await
        {
            Ok(Ok(_)) => {}
            _ => break,
        }
        let len = usize::try_from(u32::from_be_bytes(header[0..4].try_into().unwrap())).unwrap();
        let mut rest = vec![0u8; len - 16];
        esme.stream.read_exact(&mut rest).await.unwrap();
        let (id, status) = (
            u32::from_be_bytes(header[4..8].try_into().unwrap()),
            u32::from_be_bytes(header[8..12].try_into().unwrap()),
        );
        saw_unbind |= id == UNBIND;
        if id == SUBMIT_SM | RESP && status == 0 {
            acknowledged.push(String::from_utf8(rest[..rest.len() - 1].to_vec()).unwrap());
        }
    }
    // Submits the server had read were answered; ones it never read were never
    // acknowledged. Either way, every acknowledged message must be stored.
    assert!(saw_unbind, "the server ended the bind with an unbind");
    let stored = message::Entity::find()
        .filter(message::Column::MessageId.is_in(acknowledged.clone()))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(
        stored as usize,
        acknowledged.len(),
        "every acknowledged message is stored"
    );
    app.stop().await;
}

async fn a_third_party_codec_interoperates(backend: Backend) {
    use futures_util::{SinkExt, StreamExt};
    use rusmpp::pdus::{BindTransceiver, SubmitSm};
    use rusmpp::tokio_codec::CommandCodec;
    use rusmpp::types::{COctetString, OctetString};
    use rusmpp::values::{EsmClass, Npi, RegisteredDelivery, ServiceType, Ton};
    use rusmpp::{Command, CommandId, CommandStatus, Pdu};
    use std::str::FromStr;

    let Some(app) = demo_app(backend, 50).await else {
        return;
    };
    let stream = TcpStream::connect(app.smpp_addr).await.unwrap();
    let mut framed = tokio_util::codec::Framed::new(stream, CommandCodec::new());
    let bind = BindTransceiver::builder()
        .system_id(COctetString::from_str("demo").unwrap())
        .password(COctetString::from_str("demopass").unwrap())
        .system_type(COctetString::empty())
        .addr_ton(Ton::Unknown)
        .addr_npi(Npi::Unknown)
        .address_range(COctetString::empty())
        .build();
    framed
        .send(Command::new(CommandStatus::EsmeRok, 1, bind))
        .await
        .unwrap();
    let resp = framed.next().await.unwrap().unwrap();
    assert_eq!(
        (resp.id(), resp.status()),
        (CommandId::BindTransceiverResp, CommandStatus::EsmeRok)
    );
    let submit = SubmitSm::builder()
        .service_type(ServiceType::default())
        .source_addr_ton(Ton::International)
        .source_addr_npi(Npi::Isdn)
        .source_addr(COctetString::from_str("12065550100").unwrap())
        .dest_addr_ton(Ton::International)
        .dest_addr_npi(Npi::Isdn)
        .destination_addr(COctetString::from_str("15035550100").unwrap())
        .esm_class(EsmClass::default())
        .registered_delivery(RegisteredDelivery::request_all())
        .short_message(OctetString::from_str("Hello from rusmpp").unwrap())
        .build();
    framed
        .send(Command::new(CommandStatus::EsmeRok, 2, submit))
        .await
        .unwrap();
    let resp = framed.next().await.unwrap().unwrap();
    assert_eq!(
        (resp.id(), resp.status(), resp.sequence_number()),
        (CommandId::SubmitSmResp, CommandStatus::EsmeRok, 2)
    );
    let Some(Pdu::SubmitSmResp(submitted)) = resp.pdu() else {
        panic!("{resp:?}")
    };
    let message_id = submitted.message_id().to_string();
    let receipt = framed.next().await.unwrap().unwrap();
    let Some(Pdu::DeliverSm(deliver)) = receipt.pdu() else {
        panic!("{receipt:?}")
    };
    let text = String::from_utf8(deliver.short_message().as_ref().to_vec()).unwrap();
    assert!(
        text.starts_with(&format!("id:{message_id} sub:001 dlvrd:001")),
        "{text}"
    );
    assert_eq!(
        message_row(&app, &message_id).await["body"],
        "Hello from rusmpp"
    );
    app.stop().await;
}

async fn submits_beyond_the_window_are_refused(backend: Backend) {
    let Some(app) = demo_app(backend, 50).await else {
        return;
    };
    let demo = app
        .gql(app.admin(), "{ customers { nodes { id } } }", json!({}))
        .await["customers"]["nodes"][0]["id"]
        .clone();
    app.gql(
        app.admin(),
        "mutation($c: ID!) { createSmppAccount(input: { customerId: $c, systemId: \"narrow\", password: \"secret1\", windowSize: 2 }) { account { id } } }",
        json!({ "c": demo }),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut esme = Esme::connect(&app).await;
    assert_eq!(esme.bind(BIND_TRANSCEIVER, "narrow", "secret1").await, 0);
    let body = submit_body("12065550100", "14255550123", 0, 0, 0, &gsm("windowed"), &[]);
    for _ in 0..30 {
        esme.send(SUBMIT_SM, &body).await;
    }
    let mut statuses = Vec::new();
    for _ in 0..30 {
        statuses.push(esme.read().await.status);
    }
    let accepted = statuses.iter().filter(|s| **s == 0).count();
    let full = statuses.iter().filter(|s| **s == 0x14).count();
    assert_eq!(accepted + full, 30, "{statuses:?}");
    assert!(accepted >= 2 && full >= 1, "window of 2: {statuses:?}");
    let stored = message::Entity::find().count(&app.db).await.unwrap();
    assert_eq!(stored as usize, accepted);
    app.stop().await;
}

/// PostgreSQL only: its planner keeps a prepared statement's plan until the table's statistics
/// change, so the writer refreshes them as it grows the tables (a manual ANALYZE, which is
/// `last_analyze`; autovacuum's own would be `last_autoanalyze`).
#[tokio::test]
async fn the_writer_keeps_the_message_tables_statistics_current_on_postgres() {
    use sea_orm::{ConnectionTrait, Statement};
    let Some(app) = demo_app(Backend::Postgres, 600_000).await else {
        return;
    };
    let analysed = || async {
        app.db
            .query_one(Statement::from_string(
                sea_orm::DbBackend::Postgres,
                "SELECT count(*) AS n FROM pg_stat_user_tables \
                 WHERE relname IN ('messages', 'message_charges', 'message_handoffs', 'receipts') \
                 AND last_analyze IS NOT NULL",
            ))
            .await
            .unwrap()
            .unwrap()
            .try_get::<i64>("", "n")
            .unwrap()
    };
    assert_eq!(
        analysed().await,
        0,
        "a fresh database has no statistics yet"
    );
    let mut esme = Esme::connect(&app).await;
    assert_eq!(esme.bind(BIND_TRANSMITTER, "demo", "demopass").await, 0);
    let body = submit_body("12065550100", "14255550123", 0, 0, 0, &gsm("stats"), &[]);
    for _ in 0..25 {
        for _ in 0..50 {
            esme.send(SUBMIT_SM, &body).await;
        }
        for _ in 0..50 {
            assert_eq!(esme.read().await.status, 0);
        }
    }
    let mut tables = 0;
    for _ in 0..100 {
        tables = analysed().await;
        if tables == 4 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(tables, 4, "the tables were analysed after 1,250 messages");
    app.stop().await;
}

/// PostgreSQL only, where the writer keeps several group commits in flight: final statuses
/// for one message racing on different lanes finish it once, with one receipt.
#[tokio::test]
async fn racing_final_statuses_finish_a_message_once_on_postgres() {
    use backoffice::db::entities::receipt;
    use backoffice::messaging::status::MessageStatus;
    use backoffice::messaging::store::{Delivery, DeliveryBody, MessageWriter, Write};
    use backoffice::metrics::Metrics;
    let Some(app) = demo_app(Backend::Postgres, 600_000).await else {
        return;
    };
    let mut esme = Esme::connect(&app).await;
    assert_eq!(esme.bind(BIND_TRANSMITTER, "demo", "demopass").await, 0);
    let body = submit_body("12065550100", "14255550123", 0, 0, 0, &gsm("race"), &[]);
    let mut messages = Vec::new();
    for _ in 0..8 {
        let (status, message_id) = esme.submit(&body).await;
        assert_eq!(status, 0);
        messages.push(message_id);
    }
    for message_id in &messages {
        wait_for_status(&app, message_id, "ENROUTE").await;
    }
    let customer_id = message::Entity::find()
        .filter(message::Column::MessageId.eq(messages[0].as_str()))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .customer_id;
    let (writer, task) =
        MessageWriter::start(app.db.clone(), 1_000, 4, Metrics::new().unwrap()).unwrap();
    // Ten final statuses for each message, a few yields apart: the lanes take batches of
    // their own and have them in flight at once.
    let mut finishes = Vec::new();
    for round in 0..10 {
        for message_id in &messages {
            let (writer, message_id) = (writer.clone(), message_id.clone());
            let status = if round % 2 == 0 {
                MessageStatus::Delivered
            } else {
                MessageStatus::Undeliverable
            };
            let write = Write::Finish {
                message_id: message_id.clone(),
                status,
                error_code: None,
                done_at: chrono::Utc::now(),
                receipt: Some(Delivery {
                    message_id: message_id.clone(),
                    customer_id,
                    source: "+14255550123".into(),
                    destination: "+12065550100".into(),
                    body: DeliveryBody::Receipt {
                        text: format!("round {round}"),
                        message_state: 2,
                    },
                }),
            };
            finishes.push(tokio::spawn(async move {
                (message_id, writer.write(write).await)
            }));
            for _ in 0..3 {
                tokio::task::yield_now().await;
            }
        }
    }
    let mut finished = std::collections::HashMap::<String, usize>::new();
    for finish in finishes {
        let (message_id, outcome) = finish.await.unwrap();
        if outcome.expect("every write is committed") {
            *finished.entry(message_id).or_default() += 1;
        }
    }
    drop(writer);
    task.await.unwrap();
    for message_id in &messages {
        assert_eq!(
            finished.get(message_id),
            Some(&1),
            "exactly one final status changed {message_id}"
        );
        let receipts = receipt::Entity::find()
            .filter(receipt::Column::MessageId.eq(message_id.as_str()))
            .count(&app.db)
            .await
            .unwrap();
        assert_eq!(
            receipts, 1,
            "one receipt for {message_id}'s one final status"
        );
    }
    app.stop().await;
}
