//! MM7 SOAP 1.1 envelopes (3GPP TS 23.140): the requests a VASP sends us (SubmitReq,
//! CancelReq), the answers we give, and the requests we send a VASP (DeliveryReportReq,
//! DeliverReq). Parsing goes through quick-xml into a small element tree and matches local
//! names, so any namespace prefix and any MM7 schema release is read the same way.

use std::fmt::Write as _;

use chrono::{DateTime, Utc};
use quick_xml::escape::{escape, resolve_predefined_entity};
use quick_xml::events::Event;
use quick_xml::Reader;

/// The MM7 schema our answers use.
pub const MM7_NAMESPACE: &str =
    "http://www.3gpp.org/ftp/Specs/archive/23_series/23.140/schema/REL-6-MM7-1-4";
const SOAP_NAMESPACE: &str = "http://schemas.xmlsoap.org/soap/envelope/";
/// The MM7Version our answers carry.
pub const MM7_VERSION: &str = "6.8.0";

/// One XML element: its local name, attributes (local names), children and text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Element {
    pub name: String,
    pub attributes: Vec<(String, String)>,
    pub children: Vec<Element>,
    pub text: String,
}

impl Element {
    /// The first child with this local name.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    /// The trimmed text of the first child with this name, when not empty.
    pub fn text_of(&self, name: &str) -> Option<String> {
        self.child(name)
            .map(|c| c.text.trim().to_owned())
            .filter(|t| !t.is_empty())
    }

    pub fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The first element with this name anywhere below (depth first).
    pub fn find(&self, name: &str) -> Option<&Element> {
        self.children.iter().find_map(|c| {
            if c.name == name {
                Some(c)
            } else {
                c.find(name)
            }
        })
    }
}

fn local(name: &[u8]) -> String {
    let name = String::from_utf8_lossy(name);
    name.rsplit(':').next().unwrap_or_default().to_owned()
}

/// Parses a whole XML document into its root element.
pub fn parse(xml: &[u8]) -> Result<Element, String> {
    let mut reader = Reader::from_reader(xml);
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    let mut buf = Vec::new();
    let open = |e: &quick_xml::events::BytesStart<'_>| -> Result<Element, String> {
        let mut attributes = Vec::new();
        for attribute in e.attributes() {
            let attribute = attribute.map_err(|e| format!("bad attribute: {e}"))?;
            let value = attribute
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map_err(|e| format!("bad attribute value: {e}"))?;
            attributes.push((local(attribute.key.as_ref()), value.into_owned()));
        }
        Ok(Element {
            name: local(e.name().as_ref()),
            attributes,
            ..Default::default()
        })
    };
    loop {
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| format!("not well-formed XML: {e}"))?;
        match event {
            Event::Start(e) => stack.push(open(&e)?),
            Event::Empty(e) => {
                let element = open(&e)?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(element),
                    None => root = Some(element),
                }
            }
            Event::End(_) => {
                let element = stack.pop().ok_or("an end tag without its start")?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(element),
                    None => root = Some(element),
                }
            }
            Event::Text(t) => {
                if let Some(current) = stack.last_mut() {
                    let text = t.decode().map_err(|e| format!("bad text: {e}"))?;
                    current.text.push_str(&text);
                }
            }
            Event::CData(t) => {
                if let Some(current) = stack.last_mut() {
                    current.text.push_str(&String::from_utf8_lossy(&t));
                }
            }
            Event::GeneralRef(r) => {
                if let Some(current) = stack.last_mut() {
                    if let Some(c) = r
                        .resolve_char_ref()
                        .map_err(|e| format!("bad reference: {e}"))?
                    {
                        current.text.push(c);
                    } else {
                        let name = r.decode().map_err(|e| format!("bad reference: {e}"))?;
                        let value = resolve_predefined_entity(&name)
                            .ok_or_else(|| format!("unknown entity &{name};"))?;
                        current.text.push_str(value);
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    if !stack.is_empty() {
        return Err("the document ends inside an element".into());
    }
    root.ok_or_else(|| "no root element".into())
}

/// Why a request cannot be served, as MM7 says it: a status code and a text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Status {
    pub code: u16,
    pub text: String,
}

impl Status {
    pub fn new(code: u16, text: impl Into<String>) -> Self {
        Self {
            code,
            text: text.into(),
        }
    }

    pub fn success(text: impl Into<String>) -> Self {
        Self::new(1000, text)
    }
}

/// The MM7 codes this service uses.
pub mod code {
    pub const SUCCESS: u16 = 1000;
    pub const OPERATION_RESTRICTED: u16 = 2001;
    pub const ADDRESS_ERROR: u16 = 2002;
    pub const CONTENT_REFUSED: u16 = 2004;
    pub const MESSAGE_ID_NOT_FOUND: u16 = 2005;
    pub const FORMAT_CORRUPT: u16 = 2007;
    pub const SERVER_ERROR: u16 = 3000;
    pub const NOT_POSSIBLE: u16 = 3001;
    pub const MESSAGE_REJECTED: u16 = 3002;
    pub const MULTIPLE_ADDRESSES: u16 = 3003;
    pub const IMPROPER_IDENTIFICATION: u16 = 4001;
    pub const UNSUPPORTED_OPERATION: u16 = 4003;
    pub const VALIDATION_ERROR: u16 = 4004;
    pub const SERVICE_UNAVAILABLE: u16 = 4006;
}

/// The MM7 status of a message received but REJECTED, from its coded reason.
pub fn status_for_rejection(reason: &str) -> u16 {
    let code = reason.split(':').next().unwrap_or_default();
    match code {
        "MMS_GROUP_NOT_SUPPORTED" => code::MULTIPLE_ADDRESSES,
        "MMS_INTERNATIONAL" => code::ADDRESS_ERROR,
        "MMS_TOO_LARGE" | "MMS_MEDIA_REFUSED" | "CONTENT_PROHIBITED" | "MMS_CONTENT_MISSING" => {
            code::CONTENT_REFUSED
        }
        "MMS_USE_CASE_NOT_APPROVED"
        | "SHORT_CODE_NOT_LEASED"
        | "SHORT_CODE_SUSPENDED"
        | "NO_CARRIER_APPROVAL" => code::OPERATION_RESTRICTED,
        _ if reason.contains("not enabled for MMS") => code::OPERATION_RESTRICTED,
        _ => code::MESSAGE_REJECTED,
    }
}

/// A SubmitReq: an MMS from the VASP.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SubmitReq {
    pub transaction_id: String,
    pub vasp_id: Option<String>,
    pub vas_id: Option<String>,
    /// The sender as given (a number or a short code).
    pub sender: Option<String>,
    /// Every To, Cc and Bcc address.
    pub recipients: Vec<String>,
    pub delivery_report: bool,
    /// `High`, `Normal` or `Low`.
    pub priority: Option<String>,
    pub subject: Option<String>,
    pub expiry: Option<DateTime<Utc>>,
    /// The content's reference (`cid:...`).
    pub content_href: Option<String>,
}

/// A CancelReq: withdraw a message not yet sent.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CancelReq {
    pub transaction_id: String,
    pub vasp_id: Option<String>,
    pub vas_id: Option<String>,
    pub message_id: String,
}

/// A request from a VASP.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Request {
    Submit(SubmitReq),
    Cancel(CancelReq),
    /// Another MM7 operation (ReplaceReq, ...): answered 4003.
    Unsupported {
        transaction_id: String,
        name: String,
    },
}

/// An address element's value: Number, ShortCode or RFC2822Address.
fn address(element: &Element) -> Option<String> {
    ["Number", "ShortCode", "RFC2822Address"]
        .iter()
        .find_map(|n| element.text_of(n))
}

/// An ISO 8601 duration (`P2D`, `PT1H30M`) or an xs:dateTime, from `now`.
fn relative_or_absolute(value: &str, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    if let Ok(at) = DateTime::parse_from_rfc3339(value) {
        return Some(at.with_timezone(&Utc));
    }
    let rest = value.strip_prefix('P')?;
    let (date, time) = rest.split_once('T').unwrap_or((rest, ""));
    let mut seconds = 0i64;
    let mut add = |part: &str, units: &[(char, i64)]| -> Option<()> {
        let mut number = String::new();
        for c in part.chars() {
            if c.is_ascii_digit() {
                number.push(c);
            } else {
                let (_, scale) = units.iter().find(|(u, _)| *u == c)?;
                seconds += number.parse::<i64>().ok()? * scale;
                number.clear();
            }
        }
        number.is_empty().then_some(())
    };
    add(
        date,
        &[
            ('Y', 365 * 86_400),
            ('M', 30 * 86_400),
            ('W', 7 * 86_400),
            ('D', 86_400),
        ],
    )?;
    add(time, &[('H', 3_600), ('M', 60), ('S', 1)])?;
    (seconds > 0).then(|| now + chrono::Duration::seconds(seconds))
}

/// Reads a request envelope. An error is a status to answer with (2007 for XML that is not
/// an MM7 envelope, 4004 naming the element that is wrong).
pub fn parse_request(xml: &[u8], now: DateTime<Utc>) -> Result<Request, Status> {
    let root = parse(xml).map_err(|e| Status::new(code::FORMAT_CORRUPT, e))?;
    if root.name != "Envelope" {
        return Err(Status::new(
            code::FORMAT_CORRUPT,
            "the root element is not a SOAP Envelope",
        ));
    }
    let transaction_id = root
        .child("Header")
        .and_then(|h| h.text_of("TransactionID"))
        .unwrap_or_default();
    let body = root
        .child("Body")
        .and_then(|b| b.children.first())
        .ok_or_else(|| Status::new(code::FORMAT_CORRUPT, "the SOAP Body is empty"))?;
    let identification = body.child("SenderIdentification");
    let vasp_id = identification.and_then(|s| s.text_of("VASPID"));
    let vas_id = identification.and_then(|s| s.text_of("VASID"));
    match body.name.as_str() {
        "SubmitReq" => {
            let recipients: Vec<String> = body
                .child("Recipients")
                .map(|r| {
                    r.children
                        .iter()
                        .filter(|c| ["To", "Cc", "Bcc"].contains(&c.name.as_str()))
                        .flat_map(|c| c.children.iter())
                        .filter_map(|a| {
                            let v = a.text.trim();
                            (!v.is_empty()).then(|| v.to_owned())
                        })
                        .collect()
                })
                .unwrap_or_default();
            if recipients.is_empty() {
                return Err(Status::new(
                    code::VALIDATION_ERROR,
                    "Recipients: at least one address is required",
                ));
            }
            let flag = |name: &str| -> Result<bool, Status> {
                match body.text_of(name).as_deref() {
                    None | Some("false") | Some("0") => Ok(false),
                    Some("true") | Some("1") => Ok(true),
                    Some(other) => Err(Status::new(
                        code::VALIDATION_ERROR,
                        format!("{name}: {other:?} is not a boolean"),
                    )),
                }
            };
            let expiry = match body.text_of("ExpiryDate") {
                None => None,
                Some(v) => Some(relative_or_absolute(&v, now).ok_or_else(|| {
                    Status::new(
                        code::VALIDATION_ERROR,
                        format!("ExpiryDate: {v:?} is neither a date-time nor a duration"),
                    )
                })?),
            };
            let priority = body.text_of("Priority");
            if let Some(p) = &priority {
                if !["High", "Normal", "Low"].contains(&p.as_str()) {
                    return Err(Status::new(
                        code::VALIDATION_ERROR,
                        format!("Priority: {p:?} is not High, Normal or Low"),
                    ));
                }
            }
            Ok(Request::Submit(SubmitReq {
                transaction_id,
                vasp_id,
                vas_id,
                sender: identification
                    .and_then(|s| s.child("SenderAddress"))
                    .and_then(address),
                recipients,
                delivery_report: flag("DeliveryReport")?,
                priority,
                subject: body.text_of("Subject"),
                expiry,
                content_href: body
                    .child("Content")
                    .and_then(|c| c.attribute("href"))
                    .map(str::to_owned),
            }))
        }
        "CancelReq" => Ok(Request::Cancel(CancelReq {
            transaction_id,
            vasp_id,
            vas_id,
            message_id: body
                .text_of("MessageID")
                .ok_or_else(|| Status::new(code::VALIDATION_ERROR, "MessageID: required"))?,
        })),
        other => Ok(Request::Unsupported {
            transaction_id,
            name: other.to_owned(),
        }),
    }
}

/// The status code in a VASP's answer (DeliveryReportRsp, DeliverRsp or a fault).
pub fn response_status(xml: &[u8]) -> Option<u16> {
    let root = parse(xml).ok()?;
    root.find("Status")?.text_of("StatusCode")?.parse().ok()
}

fn envelope(transaction_id: &str, body: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<env:Envelope xmlns:env=\"{SOAP_NAMESPACE}\"><env:Header><mm7:TransactionID xmlns:mm7=\"{MM7_NAMESPACE}\" env:mustUnderstand=\"1\">{}</mm7:TransactionID></env:Header><env:Body>{body}</env:Body></env:Envelope>",
        escape(transaction_id)
    )
}

fn status_xml(status: &Status) -> String {
    format!(
        "<Status><StatusCode>{}</StatusCode><StatusText>{}</StatusText></Status>",
        status.code,
        escape(status.text.as_str())
    )
}

/// SubmitRsp: the status, and the MessageID of a message that was received.
pub fn submit_rsp(transaction_id: &str, status: &Status, message_id: Option<&str>) -> String {
    let mut body = format!(
        "<SubmitRsp xmlns=\"{MM7_NAMESPACE}\"><MM7Version>{MM7_VERSION}</MM7Version>{}",
        status_xml(status)
    );
    if let Some(id) = message_id {
        let _ = write!(body, "<MessageID>{}</MessageID>", escape(id));
    }
    body.push_str("</SubmitRsp>");
    envelope(transaction_id, &body)
}

/// CancelRsp.
pub fn cancel_rsp(transaction_id: &str, status: &Status) -> String {
    envelope(
        transaction_id,
        &format!(
            "<CancelRsp xmlns=\"{MM7_NAMESPACE}\"><MM7Version>{MM7_VERSION}</MM7Version>{}</CancelRsp>",
            status_xml(status)
        ),
    )
}

/// A SOAP fault carrying an RSErrorRsp: for requests that cannot be read or served at all.
pub fn fault(transaction_id: &str, status: &Status) -> String {
    let fault_code = if (2000..3000).contains(&status.code) || (4000..5000).contains(&status.code) {
        "env:Client"
    } else {
        "env:Server"
    };
    envelope(
        transaction_id,
        &format!(
            "<env:Fault><faultcode>{fault_code}</faultcode><faultstring>{}</faultstring><detail><RSErrorRsp xmlns=\"{MM7_NAMESPACE}\"><MM7Version>{MM7_VERSION}</MM7Version>{}</RSErrorRsp></detail></env:Fault>",
            escape(status.text.as_str()),
            status_xml(status)
        ),
    )
}

fn number(address: &str) -> String {
    let tag = if address.starts_with('+') || address.len() > 8 {
        "Number"
    } else {
        "ShortCode"
    };
    format!("<{tag}>{}</{tag}>", escape(address))
}

/// What a delivery report says.
pub struct Report<'a> {
    pub message_id: &'a str,
    /// The subscriber the MMS went to.
    pub recipient: &'a str,
    /// Our number it came from.
    pub sender: &'a str,
    pub date: DateTime<Utc>,
    pub mm_status: &'a str,
    pub status_text: &'a str,
}

/// DeliveryReportReq, to the VASP.
pub fn delivery_report_req(transaction_id: &str, report: &Report<'_>) -> String {
    envelope(
        transaction_id,
        &format!(
            "<DeliveryReportReq xmlns=\"{MM7_NAMESPACE}\"><MM7Version>{MM7_VERSION}</MM7Version><MessageID>{}</MessageID><Recipient>{}</Recipient><Sender>{}</Sender><Date>{}</Date><MMStatus>{}</MMStatus><StatusText>{}</StatusText></DeliveryReportReq>",
            escape(report.message_id),
            number(report.recipient),
            number(report.sender),
            report.date.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            escape(report.mm_status),
            escape(report.status_text),
        ),
    )
}

/// What an MO MMS delivered to the VASP says.
pub struct Deliver<'a> {
    pub linked_id: &'a str,
    /// The subscriber.
    pub sender: &'a str,
    /// Our number.
    pub recipient: &'a str,
    pub subject: Option<&'a str>,
    pub date: DateTime<Utc>,
    /// The Content-ID of the content part.
    pub content_id: &'a str,
}

/// DeliverReq, to the VASP (its content follows in the same multipart/related body).
pub fn deliver_req(transaction_id: &str, deliver: &Deliver<'_>) -> String {
    let subject = deliver
        .subject
        .map(|s| format!("<Subject>{}</Subject>", escape(s)))
        .unwrap_or_default();
    envelope(
        transaction_id,
        &format!(
            "<DeliverReq xmlns=\"{MM7_NAMESPACE}\"><MM7Version>{MM7_VERSION}</MM7Version><LinkedID>{}</LinkedID><Sender>{}</Sender><Recipients><To>{}</To></Recipients><TimeStamp>{}</TimeStamp><Priority>Normal</Priority>{subject}<Content href=\"cid:{}\" allowAdaptations=\"true\"/></DeliverReq>",
            escape(deliver.linked_id),
            number(deliver.sender),
            number(deliver.recipient),
            deliver.date.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            escape(deliver.content_id),
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const SUBMIT: &str = r#"<?xml version="1.0"?>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">
 <soap:Header><mm7:TransactionID xmlns:mm7="urn:x" soap:mustUnderstand="1">t-1</mm7:TransactionID></soap:Header>
 <soap:Body><mm7:SubmitReq xmlns:mm7="urn:x">
  <mm7:MM7Version>6.8.0</mm7:MM7Version>
  <mm7:SenderIdentification><mm7:VASPID>DEMOCO</mm7:VASPID><mm7:SenderAddress><mm7:Number>+12065550100</mm7:Number></mm7:SenderAddress></mm7:SenderIdentification>
  <mm7:Recipients><mm7:To><mm7:Number>+14255550123</mm7:Number></mm7:To><mm7:Bcc><mm7:Number>+14255550124</mm7:Number></mm7:Bcc></mm7:Recipients>
  <mm7:DeliveryReport>true</mm7:DeliveryReport>
  <mm7:Subject>Fish &amp; chips &#x263A;</mm7:Subject>
  <mm7:ExpiryDate>PT2H</mm7:ExpiryDate>
  <mm7:Content href="cid:content-1"/>
 </mm7:SubmitReq></soap:Body></soap:Envelope>"#;

    #[test]
    fn a_submit_req_is_read_whatever_its_prefixes() {
        let now = Utc::now();
        let Request::Submit(submit) = parse_request(SUBMIT.as_bytes(), now).unwrap() else {
            panic!("not a submit");
        };
        assert_eq!(submit.transaction_id, "t-1");
        assert_eq!(submit.vasp_id.as_deref(), Some("DEMOCO"));
        assert_eq!(submit.sender.as_deref(), Some("+12065550100"));
        assert_eq!(submit.recipients, ["+14255550123", "+14255550124"]);
        assert!(submit.delivery_report);
        assert_eq!(submit.subject.as_deref(), Some("Fish & chips \u{263A}"));
        assert_eq!(submit.expiry, Some(now + chrono::Duration::hours(2)));
        assert_eq!(submit.content_href.as_deref(), Some("cid:content-1"));
    }

    #[test]
    fn bad_requests_name_what_is_wrong() {
        let now = Utc::now();
        assert_eq!(
            parse_request(b"<a><b></a>", now).unwrap_err().code,
            code::FORMAT_CORRUPT
        );
        let no_recipients = SUBMIT.replace("<mm7:To><mm7:Number>+14255550123</mm7:Number></mm7:To><mm7:Bcc><mm7:Number>+14255550124</mm7:Number></mm7:Bcc>", "");
        let error = parse_request(no_recipients.as_bytes(), now).unwrap_err();
        assert_eq!(error.code, code::VALIDATION_ERROR);
        assert!(error.text.starts_with("Recipients"));
        let bad_flag = SUBMIT.replace(">true<", ">maybe<");
        assert!(parse_request(bad_flag.as_bytes(), now)
            .unwrap_err()
            .text
            .starts_with("DeliveryReport"));
    }

    #[test]
    fn answers_are_envelopes_with_the_status() {
        let rsp = submit_rsp(
            "t-1",
            &Status::new(2004, "MMS_MEDIA_REFUSED: <image>"),
            Some("abc"),
        );
        let root = parse(rsp.as_bytes()).unwrap();
        let body = root.child("Body").unwrap().child("SubmitRsp").unwrap();
        assert_eq!(body.text_of("MessageID").as_deref(), Some("abc"));
        assert_eq!(response_status(rsp.as_bytes()), Some(2004));
        assert_eq!(
            body.child("Status")
                .unwrap()
                .text_of("StatusText")
                .as_deref(),
            Some("MMS_MEDIA_REFUSED: <image>")
        );
        let fault = fault("t", &Status::new(4001, "who?"));
        assert_eq!(response_status(fault.as_bytes()), Some(4001));
        assert!(parse(fault.as_bytes())
            .unwrap()
            .find("faultcode")
            .unwrap()
            .text
            .contains("Client"));
    }

    #[test]
    fn rejection_reasons_map_to_mm7_statuses() {
        assert_eq!(status_for_rejection("MMS_GROUP_NOT_SUPPORTED: two"), 3003);
        assert_eq!(status_for_rejection("MMS_INTERNATIONAL: GB"), 2002);
        assert_eq!(status_for_rejection("MMS_MEDIA_REFUSED: image/png"), 2004);
        assert_eq!(status_for_rejection("CONTENT_PROHIBITED: rule x"), 2004);
        assert_eq!(
            status_for_rejection("MMS_USE_CASE_NOT_APPROVED: none"),
            2001
        );
        assert_eq!(
            status_for_rejection("the subscriber opted out of this sender"),
            3002
        );
    }
}
