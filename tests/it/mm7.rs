//! MM7 over real HTTP, with requests built by hand in the test (SOAP 1.1 in
//! multipart/related, element names from the 3GPP REL-6 MM7 schema) and a VASP of the test's
//! own, a plain TCP HTTP receiver, for delivery reports and MO MMS. The MMS policy, T-Mobile
//! without reports, cancel, and the AT&T ratio at its edges.

use std::time::Duration;

use base64::Engine as _;
use quick_xml::events::Event;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::mpsc;

use crate::helpers::{spawn_app_with, Backend, TestApp};
use crate::on_both_databases;
use crate::smpp::wait_for_status;

on_both_databases!(
    a_submitted_mms_is_stored_rated_delivered_and_reported,
    every_policy_refusal_is_received_rated_and_rejected,
    requests_that_cannot_be_served_are_refused_and_nothing_is_stored,
    images_pass_once_the_policy_and_the_use_case_allow_them,
    a_tmobile_mms_ends_unconfirmed_without_a_report,
    mo_mms_is_delivered_to_the_vasp,
    a_waiting_mms_can_be_cancelled,
    the_att_ratio_counts_both_directions_without_exempt_traffic,
);

const NS: &str = "http://www.3gpp.org/ftp/Specs/archive/23_series/23.140/schema/REL-6-MM7-1-4";
const OURS: &str = "+12065550100";
const VERIZON_SUBSCRIBER: &str = "+15035550123";
const TMOBILE_SUBSCRIBER: &str = "+14255550123";
const ATT_SUBSCRIBER: &str = "+12065550199";

/// The demo, MMS throttles loose enough for a burst, a fast simulator.
async fn mm7_app(
    backend: Backend,
    adjust: impl FnOnce(&mut backoffice::config::Settings),
) -> Option<TestApp> {
    spawn_app_with(
        backend,
        |s| {
            s.carriers.simulator.delay_ms = 50;
            s.throttle.long_code.per_second = 1000;
            s.throttle.toll_free.per_second = 1000;
            s.smpp.receipt_retry_secs = 1;
            adjust(s);
        },
        true,
    )
    .await
}

/// The text of the first element with this local name.
fn xml_text(xml: &str, name: &str) -> Option<String> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut inside = false;
    let mut text = String::new();
    loop {
        match reader.read_event().ok()? {
            Event::Start(e) if e.local_name().as_ref() == name.as_bytes() => inside = true,
            Event::Text(t) if inside => text.push_str(&t.decode().ok()?),
            Event::GeneralRef(r) if inside => {
                let name = r.decode().ok()?;
                text.push_str(quick_xml::escape::resolve_predefined_entity(&name)?);
            }
            Event::End(e) if inside && e.local_name().as_ref() == name.as_bytes() => {
                return Some(text)
            }
            Event::Eof => return None,
            _ => {}
        }
    }
}

/// One content part of a request.
struct Part<'a> {
    content_type: &'a str,
    data: Vec<u8>,
}

fn text(body: &str) -> Part<'_> {
    Part {
        content_type: "text/plain; charset=utf-8",
        data: body.as_bytes().to_vec(),
    }
}

fn media(content_type: &str, size: usize) -> Part<'_> {
    Part {
        content_type,
        data: (0..size).map(|i| (i % 251) as u8).collect(),
    }
}

/// A SubmitReq envelope.
fn submit_envelope(
    vasp_id: &str,
    sender: &str,
    to: &[&str],
    report: bool,
    subject: &str,
) -> String {
    let recipients: String = to
        .iter()
        .map(|n| format!("<To><Number>{n}</Number></To>"))
        .collect();
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<env:Envelope xmlns:env="http://schemas.xmlsoap.org/soap/envelope/">
  <env:Header><mm7:TransactionID xmlns:mm7="{NS}" env:mustUnderstand="1">vasp-42</mm7:TransactionID></env:Header>
  <env:Body>
    <SubmitReq xmlns="{NS}">
      <MM7Version>6.8.0</MM7Version>
      <SenderIdentification><VASPID>{vasp_id}</VASPID><VASID>alerts</VASID><SenderAddress><Number>{sender}</Number></SenderAddress></SenderIdentification>
      <Recipients>{recipients}</Recipients>
      <ServiceCode>demo</ServiceCode>
      <MessageClass>Informational</MessageClass>
      <DeliveryReport>{report}</DeliveryReport>
      <Priority>Normal</Priority>
      <Subject>{subject}</Subject>
      <Content href="cid:mms-content" allowAdaptations="true"/>
    </SubmitReq>
  </env:Body>
</env:Envelope>"#
    )
}

/// The envelope and the content (a multipart/mixed part, each media part in base64) as one
/// multipart/related body.
fn related(envelope: &str, parts: &[Part<'_>]) -> (String, Vec<u8>) {
    let mut body = Vec::new();
    body.extend_from_slice(
        format!("--outer\r\nContent-Type: text/xml; charset=utf-8\r\nContent-ID: <envelope>\r\n\r\n{envelope}\r\n--outer\r\nContent-Type: multipart/mixed; boundary=\"inner\"\r\nContent-ID: <mms-content>\r\n\r\n").as_bytes(),
    );
    for (i, part) in parts.iter().enumerate() {
        body.extend_from_slice(
            format!(
                "--inner\r\nContent-Type: {}\r\nContent-ID: <p{i}>\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n",
                part.content_type,
                base64::engine::general_purpose::STANDARD.encode(&part.data)
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(b"--inner--\r\n--outer--\r\n");
    (
        "multipart/related; boundary=\"outer\"; type=\"text/xml\"; start=\"<envelope>\"".into(),
        body,
    )
}

/// POSTs to /mm7 with the demo credential (or another); returns the HTTP status and body.
async fn post(
    app: &TestApp,
    credential: (&str, &str),
    content_type: &str,
    body: Vec<u8>,
) -> (u16, String) {
    let response = app
        .client
        .post(app.url("/mm7"))
        .basic_auth(credential.0, Some(credential.1))
        .header("Content-Type", content_type)
        .header("SOAPAction", "\"\"")
        .body(body)
        .send()
        .await
        .expect("MM7 request sent");
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

const DEMO: (&str, &str) = ("demo", "demopass");

/// Submits an MMS; returns (StatusCode, StatusText, MessageID).
async fn submit(
    app: &TestApp,
    sender: &str,
    to: &[&str],
    report: bool,
    parts: &[Part<'_>],
) -> (u16, String, Option<String>) {
    let (content_type, body) = related(
        &submit_envelope("DEMOCO", sender, to, report, "Your order"),
        parts,
    );
    let (http, rsp) = post(app, DEMO, &content_type, body).await;
    let code: u16 = xml_text(&rsp, "StatusCode")
        .unwrap_or_default()
        .parse()
        .unwrap_or(0);
    if code == 1000 || xml_text(&rsp, "MessageID").is_some() {
        assert_eq!(http, 200, "{rsp}");
        assert!(
            xml_text(&rsp, "SubmitRsp").is_some() || rsp.contains("SubmitRsp"),
            "{rsp}"
        );
    }
    (
        code,
        xml_text(&rsp, "StatusText").unwrap_or_default(),
        xml_text(&rsp, "MessageID"),
    )
}

/// A VASP of the test's own: every POST it receives (headers, body), each answered with
/// the response element `answer` and StatusCode 1000.
async fn vasp() -> (String, mpsc::UnboundedReceiver<(String, Vec<u8>)>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/mm7-inbox", listener.local_addr().unwrap());
    let (seen, received) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let seen = seen.clone();
            tokio::spawn(async move {
                let mut data = Vec::new();
                let mut buf = [0u8; 65536];
                let (head, length) = loop {
                    let n = socket.read(&mut buf).await.unwrap_or(0);
                    if n == 0 {
                        return;
                    }
                    data.extend_from_slice(&buf[..n]);
                    if let Some(end) = data.windows(4).position(|w| w == b"\r\n\r\n") {
                        let head = String::from_utf8_lossy(&data[..end]).to_string();
                        let length = head
                            .lines()
                            .find_map(|l| {
                                l.to_ascii_lowercase()
                                    .strip_prefix("content-length:")
                                    .map(|v| v.trim().parse::<usize>().unwrap())
                            })
                            .unwrap_or(0);
                        data.drain(..end + 4);
                        break (head, length);
                    }
                };
                while data.len() < length {
                    let n = socket.read(&mut buf).await.unwrap_or(0);
                    if n == 0 {
                        return;
                    }
                    data.extend_from_slice(&buf[..n]);
                }
                let request = String::from_utf8_lossy(&data);
                let answer = if request.contains("DeliverReq") {
                    "DeliverRsp"
                } else {
                    "DeliveryReportRsp"
                };
                let body = format!(
                    r#"<?xml version="1.0"?><env:Envelope xmlns:env="http://schemas.xmlsoap.org/soap/envelope/"><env:Header><mm7:TransactionID xmlns:mm7="{NS}">x</mm7:TransactionID></env:Header><env:Body><{answer} xmlns="{NS}"><MM7Version>6.8.0</MM7Version><Status><StatusCode>1000</StatusCode><StatusText>ok</StatusText></Status></{answer}></env:Body></env:Envelope>"#
                );
                let _ = socket
                    .write_all(format!("HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len()).as_bytes())
                    .await;
                let _ = seen.send((head, data));
            });
        }
    });
    (url, received)
}

/// Points the demo's MM7 credential at `url`.
async fn deliver_to(app: &TestApp, url: &str) {
    let accounts = app
        .gql(
            app.admin(),
            "{ mm7Accounts { id username vaspId } }",
            json!({}),
        )
        .await;
    let demo = &accounts["mm7Accounts"][0];
    assert_eq!(demo["username"], "demo");
    assert_eq!(demo["vaspId"], "DEMOCO");
    app.gql(
        app.admin(),
        "mutation($id: ID!, $url: String) { updateMm7Account(id: $id, input: {deliveryUrl: $url}) { deliveryUrl } }",
        json!({ "id": demo["id"], "url": url }),
    )
    .await;
}

async fn mms_row(app: &TestApp, message_id: &str) -> Value {
    app.gql(
        app.admin(),
        "query($id: ID!) { message(id: $id) { kind status rejectReason subject body useCaseId fragmentCount charge { amount } charges { kind quantity unitPrice amount } parts { seq contentType sizeBytes } } }",
        json!({ "id": message_id }),
    )
    .await["message"]
        .clone()
}

async fn next_post(received: &mut mpsc::UnboundedReceiver<(String, Vec<u8>)>) -> (String, Vec<u8>) {
    tokio::time::timeout(Duration::from_secs(10), received.recv())
        .await
        .expect("the VASP received a post")
        .expect("the receiver runs")
}

async fn a_submitted_mms_is_stored_rated_delivered_and_reported(backend: Backend) {
    let Some(app) = mm7_app(backend, |_| {}).await else {
        return;
    };
    let (url, mut received) = vasp().await;
    deliver_to(&app, &url).await;
    let (code, status_text, message_id) = submit(
        &app,
        OURS,
        &[VERIZON_SUBSCRIBER],
        true,
        &[
            text("Your order shipped"),
            media("audio/amr", 3000),
            media("video/mp4", 20_000),
        ],
    )
    .await;
    assert_eq!(code, 1000, "{status_text}");
    let message_id = message_id.expect("a MessageID");
    let row = wait_for_status(&app, &message_id, "DELIVERED").await;
    assert_eq!(row["destination"], VERIZON_SUBSCRIBER);
    let row = mms_row(&app, &message_id).await;
    assert_eq!(row["kind"], "MMS");
    assert_eq!(row["subject"], "Your order");
    assert!(row["body"].as_str().unwrap().contains("Your order shipped"));
    assert!(
        row["useCaseId"].is_string(),
        "sent under the demo's approved use case"
    );
    let parts: Vec<(String, i64)> = row["parts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["contentType"].as_str().unwrap().to_owned(),
                p["sizeBytes"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        parts,
        [
            ("text/plain".to_string(), 18),
            ("audio/amr".to_string(), 3000),
            ("video/mp4".to_string(), 20_000)
        ]
    );
    // One MMS is one billable message at the MMS long-code rate: Demo Co's own card is 80%
    // of the rack's 0.0200.
    let usage = &row["charges"][0];
    assert_eq!(
        (usage["kind"].as_str(), usage["quantity"].as_i64()),
        (Some("usage"), Some(1))
    );
    assert_eq!(usage["unitPrice"], "0.016000");

    let (head, body) = next_post(&mut received).await;
    assert!(head.starts_with("POST /mm7-inbox"), "{head}");
    let report = String::from_utf8(body).unwrap();
    assert!(report.contains("DeliveryReportReq"), "{report}");
    assert_eq!(
        xml_text(&report, "MessageID").as_deref(),
        Some(message_id.as_str())
    );
    assert_eq!(xml_text(&report, "MMStatus").as_deref(), Some("Retrieved"));
    assert_eq!(
        xml_text(&report, "Number").as_deref(),
        Some(VERIZON_SUBSCRIBER)
    );
    // Acknowledged with 1000: it is not posted again (the retry timer runs every second).
    let again = tokio::time::timeout(Duration::from_millis(2500), received.recv()).await;
    assert!(again.is_err(), "an acknowledged report was posted again");
    app.stop().await;
}

/// (sender, recipients, parts, the MM7 status, the reason it names).
type RefusalCase<'a> = (&'a str, Vec<&'a str>, Vec<Part<'a>>, u16, &'a str);

async fn every_policy_refusal_is_received_rated_and_rejected(backend: Backend) {
    let Some(app) = mm7_app(backend, |_| {}).await else {
        return;
    };
    let too_large = media("video/mp4", 614_400);
    let cases: Vec<RefusalCase<'_>> = vec![
        (
            OURS,
            vec![VERIZON_SUBSCRIBER, ATT_SUBSCRIBER],
            vec![text("hi")],
            3003,
            "MMS_GROUP_NOT_SUPPORTED",
        ),
        (
            OURS,
            vec!["+442071838750"],
            vec![text("hi")],
            2002,
            "MMS_INTERNATIONAL",
        ),
        // 614,400 bytes of video plus the subject is over the 600 KB limit.
        (
            OURS,
            vec![VERIZON_SUBSCRIBER],
            vec![too_large],
            2004,
            "MMS_TOO_LARGE",
        ),
        (
            OURS,
            vec![VERIZON_SUBSCRIBER],
            vec![media("image/jpeg", 100)],
            2004,
            "MMS_MEDIA_REFUSED",
        ),
        (
            "+18885550100",
            vec![VERIZON_SUBSCRIBER],
            vec![text("hi")],
            2001,
            "MMS_USE_CASE_NOT_APPROVED",
        ),
        (
            OURS,
            vec![VERIZON_SUBSCRIBER],
            vec![text("You have won! Claim your prize")],
            2004,
            "CONTENT_PROHIBITED",
        ),
        (
            "55501",
            vec![VERIZON_SUBSCRIBER],
            vec![text("hi")],
            2001,
            "not enabled for MMS",
        ),
    ];
    for (sender, to, parts, expected, reason) in cases {
        let (code, status_text, message_id) = submit(&app, sender, &to, false, &parts).await;
        assert_eq!(code, expected, "{reason}: {status_text}");
        assert!(status_text.contains(reason), "{status_text}");
        let message_id = message_id.expect("a refused MMS is still received: it has a MessageID");
        let row = mms_row(&app, &message_id).await;
        assert_eq!(row["status"], "REJECTED");
        assert!(
            row["rejectReason"].as_str().unwrap().contains(reason),
            "{row}"
        );
        assert_ne!(
            row["charge"]["amount"], "0.000000",
            "rejected MMS are rated: {row}"
        );
    }
    let blocked = app
        .gql(
            app.admin(),
            "{ messages(first: 50, filter: {kind: MMS, reasonCode: \"MMS_\"}) { nodes { rejectReason } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        blocked["messages"]["nodes"].as_array().unwrap().len(),
        5,
        "{blocked}"
    );
    app.stop().await;
}

async fn requests_that_cannot_be_served_are_refused_and_nothing_is_stored(backend: Backend) {
    let Some(app) = mm7_app(backend, |_| {}).await else {
        return;
    };
    let (content_type, body) = related(
        &submit_envelope("DEMOCO", OURS, &[VERIZON_SUBSCRIBER], false, "s"),
        &[text("hi")],
    );
    let (http, _) = post(
        &app,
        ("demo", "wrong-password"),
        &content_type,
        body.clone(),
    )
    .await;
    assert_eq!(http, 401, "a wrong password");
    let (http, _) = post(&app, ("nobody", "demopass"), &content_type, body.clone()).await;
    assert_eq!(http, 401, "an unknown user");

    let (wrong_vasp, wrong_body) = related(
        &submit_envelope("OTHERCO", OURS, &[VERIZON_SUBSCRIBER], false, "s"),
        &[text("hi")],
    );
    let (http, rsp) = post(&app, DEMO, &wrong_vasp, wrong_body).await;
    assert_eq!(http, 500);
    assert_eq!(
        xml_text(&rsp, "StatusCode").as_deref(),
        Some("4001"),
        "{rsp}"
    );
    assert!(xml_text(&rsp, "StatusText").unwrap().starts_with("VASPID"));

    let (http, rsp) = post(
        &app,
        DEMO,
        "text/xml",
        b"<env:Envelope><unclosed></env:Envelope>".to_vec(),
    )
    .await;
    assert_eq!(http, 500);
    assert_eq!(
        xml_text(&rsp, "StatusCode").as_deref(),
        Some("2007"),
        "{rsp}"
    );

    let (foreign, foreign_body) = related(
        &submit_envelope("DEMOCO", "+12065550999", &[VERIZON_SUBSCRIBER], false, "s"),
        &[text("hi")],
    );
    let (_, rsp) = post(&app, DEMO, &foreign, foreign_body).await;
    assert_eq!(
        xml_text(&rsp, "StatusCode").as_deref(),
        Some("2002"),
        "{rsp}"
    );
    assert!(
        xml_text(&rsp, "MessageID").is_none(),
        "not received: no MessageID"
    );

    let messages = app
        .gql(app.admin(), "{ messages { nodes { id } } }", json!({}))
        .await;
    assert_eq!(
        messages["messages"]["nodes"].as_array().unwrap().len(),
        0,
        "nothing stored"
    );
    app.stop().await;
}

async fn images_pass_once_the_policy_and_the_use_case_allow_them(backend: Backend) {
    let Some(app) = mm7_app(backend, |s| {
        s.mms.refused_media.clear();
        s.mms.allowed_media.push("image/*".into());
    })
    .await
    else {
        return;
    };
    let image = || vec![media("image/png", 500)];
    let (code, status_text, _) = submit(&app, OURS, &[VERIZON_SUBSCRIBER], false, &image()).await;
    assert_eq!(
        code, 2001,
        "the policy allows images, the approved use case does not: {status_text}"
    );
    assert!(status_text.contains("image/png"), "{status_text}");

    let cases = app
        .gql(
            app.admin(),
            "{ mmsUseCases { customerId numberIds status } }",
            json!({}),
        )
        .await;
    let approved = cases["mmsUseCases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["status"] == "APPROVED")
        .unwrap()
        .clone();
    let submitted = app
        .gql(
            app.admin(),
            "mutation($input: MmsUseCaseInput!) { submitMmsUseCase(input: $input) { id } }",
            json!({ "input": { "customerId": approved["customerId"], "description": "Receipts with a picture", "sampleContent": "Your receipt (image)", "numberIds": approved["numberIds"], "mediaTypes": ["text/*", "image/png"], "expectedMonthlyVolume": 100 } }),
        )
        .await;
    app.gql(
        app.admin(),
        "mutation($id: ID!) { decideMmsUseCase(id: $id, status: APPROVED) { status } }",
        json!({ "id": submitted["submitMmsUseCase"]["id"] }),
    )
    .await;
    let mut last = (0, String::new(), None);
    for _ in 0..40 {
        last = submit(&app, OURS, &[VERIZON_SUBSCRIBER], false, &image()).await;
        if last.0 == 1000 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(last.0, 1000, "allowed once approved: {}", last.1);
    app.stop().await;
}

async fn a_tmobile_mms_ends_unconfirmed_without_a_report(backend: Backend) {
    let Some(app) = mm7_app(backend, |_| {}).await else {
        return;
    };
    let (url, mut received) = vasp().await;
    deliver_to(&app, &url).await;
    let (code, status_text, message_id) =
        submit(&app, OURS, &[TMOBILE_SUBSCRIBER], true, &[text("hi")]).await;
    assert_eq!(code, 1000);
    assert!(
        status_text.contains("no delivery reports"),
        "the answer says none will come: {status_text}"
    );
    let message_id = message_id.unwrap();
    wait_for_status(&app, &message_id, "DELIVERED_UNCONFIRMED").await;
    let report = tokio::time::timeout(Duration::from_millis(1500), received.recv()).await;
    assert!(
        report.is_err(),
        "no report is invented for T-Mobile: {report:?}"
    );
    // The same sender to Verizon does get one: the rule is the carrier's.
    let (_, _, verizon) = submit(&app, OURS, &[VERIZON_SUBSCRIBER], true, &[text("hi")]).await;
    let (_, body) = next_post(&mut received).await;
    assert_eq!(
        xml_text(&String::from_utf8(body).unwrap(), "MessageID"),
        verizon
    );
    app.stop().await;
}

async fn mo_mms_is_delivered_to_the_vasp(backend: Backend) {
    let Some(app) = mm7_app(backend, |_| {}).await else {
        return;
    };
    let (url, mut received) = vasp().await;
    deliver_to(&app, &url).await;
    let audio: Vec<u8> = (0..=255u8).cycle().take(1000).collect();
    let injected = app
        .gql(
            app.admin(),
            "mutation($input: InjectInboundInput!) { injectInbound(input: $input) { messageId kind direction status } }",
            json!({ "input": { "source": ATT_SUBSCRIBER, "destination": OURS, "text": "Here is my voice note",
                "mms": { "subject": "Re: order", "parts": [{ "contentType": "audio/amr", "base64": base64::engine::general_purpose::STANDARD.encode(&audio), "filename": "note.amr" }] } } }),
        )
        .await;
    let mo = &injected["injectInbound"];
    assert_eq!(
        (mo["kind"].as_str(), mo["direction"].as_str()),
        (Some("MMS"), Some("MO"))
    );
    let message_id = mo["messageId"].as_str().unwrap().to_owned();

    let (head, body) = next_post(&mut received).await;
    let content_type = head
        .lines()
        .find_map(|l| {
            l.strip_prefix("content-type: ")
                .or_else(|| l.strip_prefix("Content-Type: "))
        })
        .expect("a Content-Type")
        .to_owned();
    assert!(
        content_type.starts_with("multipart/related"),
        "{content_type}"
    );
    let mut raw = format!("Content-Type: {content_type}\r\n\r\n").into_bytes();
    raw.extend_from_slice(&body);
    let mail = mailparse::parse_mail(&raw).unwrap();
    let envelope = mail.subparts[0].get_body().unwrap();
    assert!(envelope.contains("DeliverReq"), "{envelope}");
    assert_eq!(xml_text(&envelope, "Subject").as_deref(), Some("Re: order"));
    assert_eq!(
        xml_text(&envelope, "Number").as_deref(),
        Some(ATT_SUBSCRIBER),
        "the Sender comes first"
    );
    let href = envelope
        .split("href=\"cid:")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let content = mail
        .subparts
        .iter()
        .find(|p| p.headers.iter().any(|h| h.get_value().contains(&href)))
        .expect("the content part the envelope names");
    let leaves: Vec<(String, Vec<u8>)> = content
        .subparts
        .iter()
        .map(|p| (p.ctype.mimetype.clone(), p.get_body_raw().unwrap()))
        .collect();
    assert_eq!(
        leaves[0],
        ("text/plain".to_string(), b"Here is my voice note".to_vec())
    );
    assert_eq!(leaves[1], ("audio/amr".to_string(), audio));
    // The VASP answered 1000: the MO MMS is DELIVERED.
    wait_for_status(&app, &message_id, "DELIVERED").await;
    app.stop().await;
}

fn cancel_envelope(message_id: &str) -> String {
    format!(
        r#"<?xml version="1.0"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Header><TransactionID xmlns="{NS}">c-1</TransactionID></soap:Header><soap:Body><CancelReq xmlns="{NS}"><MM7Version>6.8.0</MM7Version><SenderIdentification><VASPID>DEMOCO</VASPID></SenderIdentification><MessageID>{message_id}</MessageID></CancelReq></soap:Body></soap:Envelope>"#
    )
}

async fn a_waiting_mms_can_be_cancelled(backend: Backend) {
    // One message at a time, each held a while by the carrier: the second waits in the queue.
    let Some(app) = mm7_app(backend, |s| {
        s.carriers.simulator.window = 1;
        s.carriers.simulator.ack_delay_ms = 1500;
    })
    .await
    else {
        return;
    };
    let (_, _, first) = submit(&app, OURS, &[VERIZON_SUBSCRIBER], false, &[text("one")]).await;
    let (_, _, second) = submit(&app, OURS, &[VERIZON_SUBSCRIBER], false, &[text("two")]).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let shared = &app;
    let cancel = |id: String| async move {
        let (http, rsp) = post(
            shared,
            DEMO,
            "text/xml; charset=utf-8",
            cancel_envelope(&id).into_bytes(),
        )
        .await;
        assert!(rsp.contains("CancelRsp"), "{http}: {rsp}");
        xml_text(&rsp, "StatusCode").unwrap()
    };
    assert_eq!(cancel(second.clone().unwrap()).await, "1000");
    assert_eq!(
        cancel(first.clone().unwrap()).await,
        "3001",
        "the carrier already has it"
    );
    assert_eq!(cancel("nosuchmessage".into()).await, "2005");
    wait_for_status(&app, &second.unwrap(), "CANCELLED").await;
    wait_for_status(&app, &first.unwrap(), "DELIVERED").await;
    app.stop().await;
}

const RATIO: &str = "query($c: ID) { mmsRatio(customerId: $c) { cycleStart cycleEnd outgoing incoming ratio level days { day cumulativeOutgoing cumulativeIncoming } } }";

async fn the_att_ratio_counts_both_directions_without_exempt_traffic(backend: Backend) {
    let Some(app) = mm7_app(backend, |s| s.mms.ratio.min_outgoing = 1).await else {
        return;
    };
    let customers = app
        .gql(app.admin(), "{ mmsUseCases { customerId } }", json!({}))
        .await;
    let customer = customers["mmsUseCases"][0]["customerId"].clone();
    let ratio = || async {
        app.gql(app.admin(), RATIO, json!({ "c": customer })).await["mmsRatio"].clone()
    };
    assert!(
        ratio().await["cycleStart"].is_null(),
        "no cycle before the first MMS with AT&T"
    );

    let inbound = |n: usize| {
        let app = &app;
        async move {
            for _ in 0..n {
                app.gql(
                    app.admin(),
                    "mutation($input: InjectInboundInput!) { injectInbound(input: $input) { status } }",
                    json!({ "input": { "source": "+12065550177", "destination": OURS, "text": "reply", "mms": { "parts": [] } } }),
                )
                .await;
            }
        }
    };
    let outbound = |n: usize, sender: &'static str| {
        let app = &app;
        async move {
            for _ in 0..n {
                let (code, status_text, _) =
                    submit(app, sender, &[ATT_SUBSCRIBER], false, &[text("news")]).await;
                assert_eq!(code, 1000, "{status_text}");
            }
        }
    };
    let check = || async {
        app.gql(
            app.admin(),
            "mutation { checkMmsRatios { customersChecked alertsRaised } }",
            json!({}),
        )
        .await["checkMmsRatios"]["alertsRaised"]
            .as_i64()
            .unwrap()
    };
    inbound(1).await;
    outbound(2, OURS).await;
    // Traffic with other carriers is not counted.
    outbound(1, OURS).await; // to AT&T: 3 out, 1 in
    submit(&app, OURS, &[VERIZON_SUBSCRIBER], false, &[text("x")]).await;
    let now = ratio().await;
    assert_eq!(
        (now["outgoing"].as_i64(), now["incoming"].as_i64()),
        (Some(3), Some(1)),
        "{now}"
    );
    assert_eq!(now["ratio"], "3");
    assert_eq!(
        now["level"], "WARNING",
        "3:1 is past the 2.7 warning, not past the 3:1 limit"
    );
    let today = now["days"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(today["cumulativeOutgoing"], 3);
    assert_eq!(
        now["cycleStart"], today["day"],
        "the cycle starts with the first MMS"
    );
    let start: chrono::NaiveDate = now["cycleStart"].as_str().unwrap().parse().unwrap();
    let end: chrono::NaiveDate = now["cycleEnd"].as_str().unwrap().parse().unwrap();
    assert_eq!((end - start).num_days(), 89, "a 90-day cycle");
    assert_eq!(check().await, 1, "the warning is alerted");
    assert_eq!(check().await, 0, "once per cycle");

    // An AT&T-exempt use case's traffic does not count.
    let toll_free = app
        .gql(
            app.admin(),
            "{ numbers(first: 20) { nodes { id address } } }",
            json!({}),
        )
        .await["numbers"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["address"] == "+18885550100")
        .unwrap()["id"]
        .clone();
    let exempt = app
        .gql(
            app.admin(),
            "mutation($input: MmsUseCaseInput!) { submitMmsUseCase(input: $input) { id } }",
            json!({ "input": { "customerId": customer, "description": "Two-way support", "sampleContent": "Reply with a photo", "numberIds": [toll_free], "mediaTypes": ["text/*"], "expectedMonthlyVolume": 10, "attExempt": true, "attEvidence": "AT&T approval letter 2026-11" } }),
        )
        .await;
    app.gql(
        app.admin(),
        "mutation($id: ID!) { decideMmsUseCase(id: $id, status: APPROVED) { status } }",
        json!({ "id": exempt["submitMmsUseCase"]["id"] }),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await; // admission reloads its view
    outbound(3, "+18885550100").await;
    let after_exempt = ratio().await;
    assert_eq!(
        after_exempt["outgoing"], 3,
        "exempt traffic left out: {after_exempt}"
    );

    // One more counted MMS: 4 to 1 is past the limit.
    outbound(1, OURS).await;
    let breach = ratio().await;
    assert_eq!(breach["level"], "BREACH", "{breach}");
    assert_eq!(check().await, 1, "the breach is alerted and recorded");
    let alerts: Vec<(String, i64, i64)> = {
        use sea_orm::EntityTrait;
        backoffice::db::entities::att_ratio_alert::Entity::find()
            .all(&app.db)
            .await
            .unwrap()
            .into_iter()
            .map(|a| (a.level, a.outgoing, a.incoming))
            .collect()
    };
    assert_eq!(
        alerts,
        [("warning".to_string(), 3, 1), ("breach".to_string(), 4, 1)]
    );
    app.stop().await;
}
