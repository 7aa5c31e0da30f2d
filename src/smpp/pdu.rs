//! SMPP v3.4 / v5.0 PDUs the gateway speaks, decoded from and encoded to bytes. Hand-written
//! rather than taken from a crate so that every malformed field maps to the exact
//! command_status that names it, and so that framing survives a bad body: the frame length is
//! read first, the body is parsed from its own slice, and a bad body is answered and skipped.
//! Nothing here panics on peer input.

/// Octets of the PDU header.
pub const HEADER_LEN: usize = 16;

/// Command ids.
pub mod command {
    pub const GENERIC_NACK: u32 = 0x8000_0000;
    pub const BIND_RECEIVER: u32 = 0x0000_0001;
    pub const BIND_TRANSMITTER: u32 = 0x0000_0002;
    pub const QUERY_SM: u32 = 0x0000_0003;
    pub const SUBMIT_SM: u32 = 0x0000_0004;
    pub const DELIVER_SM: u32 = 0x0000_0005;
    pub const UNBIND: u32 = 0x0000_0006;
    pub const CANCEL_SM: u32 = 0x0000_0008;
    pub const BIND_TRANSCEIVER: u32 = 0x0000_0009;
    pub const ENQUIRE_LINK: u32 = 0x0000_0015;
    pub const DATA_SM: u32 = 0x0000_0103;
    /// Set in every response id.
    pub const RESPONSE: u32 = 0x8000_0000;
}

/// command_status values.
pub mod status {
    pub const OK: u32 = 0x00;
    pub const INVMSGLEN: u32 = 0x01;
    pub const INVCMDLEN: u32 = 0x02;
    pub const INVCMDID: u32 = 0x03;
    pub const INVBNDSTS: u32 = 0x04;
    pub const ALYBND: u32 = 0x05;
    pub const INVPRTFLG: u32 = 0x06;
    pub const INVREGDLVFLG: u32 = 0x07;
    pub const SYSERR: u32 = 0x08;
    pub const INVSRCADR: u32 = 0x0A;
    pub const INVDSTADR: u32 = 0x0B;
    pub const INVMSGID: u32 = 0x0C;
    pub const BINDFAIL: u32 = 0x0D;
    pub const INVPASWD: u32 = 0x0E;
    pub const INVSYSID: u32 = 0x0F;
    pub const CANCELFAIL: u32 = 0x11;
    pub const MSGQFUL: u32 = 0x14;
    pub const INVSERTYP: u32 = 0x15;
    pub const INVESMCLASS: u32 = 0x43;
    pub const THROTTLED: u32 = 0x58;
    pub const INVSCHED: u32 = 0x61;
    pub const INVEXPIRY: u32 = 0x62;
    pub const QUERYFAIL: u32 = 0x67;
    pub const INVOPTPARSTREAM: u32 = 0xC0;
    pub const INVPARLEN: u32 = 0xC2;
    pub const MISSINGOPTPARAM: u32 = 0xC3;
    pub const INVOPTPARAMVAL: u32 = 0xC4;
    /// SMPP 5.0: invalid data coding scheme.
    pub const INVDCS: u32 = 0x104;
}

/// TLV tags.
pub mod tag {
    pub const RECEIPTED_MESSAGE_ID: u16 = 0x001E;
    pub const SAR_MSG_REF_NUM: u16 = 0x020C;
    pub const SAR_TOTAL_SEGMENTS: u16 = 0x020E;
    pub const SAR_SEGMENT_SEQNUM: u16 = 0x020F;
    pub const SC_INTERFACE_VERSION: u16 = 0x0210;
    pub const MESSAGE_PAYLOAD: u16 = 0x0424;
    pub const MESSAGE_STATE: u16 = 0x0427;
}

/// esm_class bits.
pub mod esm {
    /// The short message starts with a user-data header.
    pub const UDHI: u8 = 0x40;
    /// deliver_sm carries a delivery receipt.
    pub const DELIVERY_RECEIPT: u8 = 0x04;
}

/// The 16-octet header every PDU starts with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Header {
    pub command_length: u32,
    pub command_id: u32,
    pub command_status: u32,
    pub sequence_number: u32,
}

impl Header {
    /// Reads a header; None when fewer than 16 octets are given.
    pub fn parse(bytes: &[u8]) -> Option<Self> {
        let word = |i: usize| -> Option<u32> {
            let b = bytes.get(i..i + 4)?;
            Some(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
        };
        Some(Self {
            command_length: word(0)?,
            command_id: word(4)?,
            command_status: word(8)?,
            sequence_number: word(12)?,
        })
    }
}

/// A field that could not be read, with the status that names it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct FieldError {
    /// The command_status to answer with.
    pub status: u32,
    /// The PDU field, as the SMPP specification names it.
    pub field: &'static str,
    pub reason: &'static str,
}

fn field_error(status: u32, field: &'static str, reason: &'static str) -> FieldError {
    FieldError {
        status,
        field,
        reason,
    }
}

/// A cursor over a PDU body.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Self { bytes, at: 0 }
    }

    fn u8(&mut self, field: &'static str) -> Result<u8, FieldError> {
        let b = *self
            .bytes
            .get(self.at)
            .ok_or_else(|| field_error(status::INVCMDLEN, field, "the PDU ends before it"))?;
        self.at += 1;
        Ok(b)
    }

    /// A NUL-terminated string of at most `max` octets including the NUL.
    fn c_string(
        &mut self,
        field: &'static str,
        max: usize,
        bad: u32,
    ) -> Result<String, FieldError> {
        let rest = self.bytes.get(self.at..).unwrap_or_default();
        let end = rest
            .iter()
            .position(|&b| b == 0)
            .ok_or_else(|| field_error(status::INVCMDLEN, field, "no terminating NUL"))?;
        if end + 1 > max {
            return Err(field_error(bad, field, "too long"));
        }
        let text = std::str::from_utf8(&rest[..end])
            .ok()
            .filter(|s| s.is_ascii())
            .ok_or_else(|| field_error(bad, field, "not ASCII"))?;
        self.at += end + 1;
        Ok(text.to_owned())
    }

    fn octets(&mut self, field: &'static str, len: usize) -> Result<&'a [u8], FieldError> {
        let slice = self
            .bytes
            .get(self.at..self.at + len)
            .ok_or_else(|| field_error(status::INVMSGLEN, field, "shorter than its length"))?;
        self.at += len;
        Ok(slice)
    }

    fn tlvs(&mut self) -> Result<Vec<Tlv>, FieldError> {
        let mut tlvs = Vec::new();
        while self.at < self.bytes.len() {
            let head = self.bytes.get(self.at..self.at + 4).ok_or_else(|| {
                field_error(status::INVOPTPARSTREAM, "tlv", "truncated TLV header")
            })?;
            let tag = u16::from_be_bytes([head[0], head[1]]);
            let len = usize::from(u16::from_be_bytes([head[2], head[3]]));
            self.at += 4;
            let value = self.bytes.get(self.at..self.at + len).ok_or_else(|| {
                field_error(status::INVPARLEN, "tlv", "value shorter than its length")
            })?;
            self.at += len;
            tlvs.push(Tlv {
                tag,
                value: value.to_vec(),
            });
        }
        Ok(tlvs)
    }
}

/// An optional parameter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tlv {
    pub tag: u16,
    pub value: Vec<u8>,
}

/// Finds a TLV by tag.
pub fn find_tlv(tlvs: &[Tlv], tag: u16) -> Option<&[u8]> {
    tlvs.iter()
        .find(|t| t.tag == tag)
        .map(|t| t.value.as_slice())
}

/// An SMPP address.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Address {
    pub ton: u8,
    pub npi: u8,
    pub addr: String,
}

/// The bind operations.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BindKind {
    Transmitter,
    Receiver,
    Transceiver,
}

impl BindKind {
    /// May submit messages.
    pub fn transmits(self) -> bool {
        matches!(self, BindKind::Transmitter | BindKind::Transceiver)
    }

    /// May receive deliver_sm.
    pub fn receives(self) -> bool {
        matches!(self, BindKind::Receiver | BindKind::Transceiver)
    }

    fn response_id(self) -> u32 {
        command::RESPONSE
            | match self {
                BindKind::Transmitter => command::BIND_TRANSMITTER,
                BindKind::Receiver => command::BIND_RECEIVER,
                BindKind::Transceiver => command::BIND_TRANSCEIVER,
            }
    }
}

/// A bind request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bind {
    pub kind: BindKind,
    pub system_id: String,
    pub password: String,
    pub system_type: String,
    pub interface_version: u8,
}

/// submit_sm or data_sm, in one shape: what admission needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Submit {
    pub service_type: String,
    pub source: Address,
    pub destination: Address,
    pub esm_class: u8,
    pub priority: u8,
    /// SMPP time, empty when not given.
    pub validity_period: String,
    pub registered_delivery: u8,
    pub data_coding: u8,
    pub short_message: Vec<u8>,
    pub tlvs: Vec<Tlv>,
}

/// cancel_sm.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cancel {
    pub message_id: String,
    pub source: Address,
}

/// query_sm.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Query {
    pub message_id: String,
    pub source: Address,
}

/// A request or response from the ESME.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Inbound {
    Bind(Bind),
    Unbind,
    UnbindResp,
    EnquireLink,
    EnquireLinkResp,
    SubmitSm(Submit),
    DataSm(Submit),
    CancelSm(Cancel),
    QuerySm(Query),
    DeliverSmResp { status: u32 },
    GenericNack,
}

/// Why a frame could not be turned into a request: answer with `status` (as the command's
/// response, or as generic_nack when the command itself is unknown).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeError {
    pub header: Header,
    pub error: FieldError,
}

fn address(r: &mut Reader<'_>, which: &'static str, max: usize) -> Result<Address, FieldError> {
    let (ton_field, npi_field, addr_field, bad) = match which {
        "source" => (
            "source_addr_ton",
            "source_addr_npi",
            "source_addr",
            status::INVSRCADR,
        ),
        _ => (
            "dest_addr_ton",
            "dest_addr_npi",
            "destination_addr",
            status::INVDSTADR,
        ),
    };
    Ok(Address {
        ton: r.u8(ton_field)?,
        npi: r.u8(npi_field)?,
        addr: r.c_string(addr_field, max, bad)?,
    })
}

fn bind(kind: BindKind, r: &mut Reader<'_>) -> Result<Bind, FieldError> {
    let system_id = r.c_string("system_id", 16, status::INVSYSID)?;
    let password = r.c_string("password", 9, status::INVPASWD)?;
    let system_type = r.c_string("system_type", 13, status::BINDFAIL)?;
    let interface_version = r.u8("interface_version")?;
    r.u8("addr_ton")?;
    r.u8("addr_npi")?;
    r.c_string("address_range", 41, status::BINDFAIL)?;
    Ok(Bind {
        kind,
        system_id,
        password,
        system_type,
        interface_version,
    })
}

fn submit_sm(r: &mut Reader<'_>) -> Result<Submit, FieldError> {
    let service_type = r.c_string("service_type", 6, status::INVSERTYP)?;
    let source = address(r, "source", 21)?;
    let destination = address(r, "destination", 21)?;
    let esm_class = r.u8("esm_class")?;
    r.u8("protocol_id")?;
    let priority = r.u8("priority_flag")?;
    r.c_string("schedule_delivery_time", 17, status::INVSCHED)?;
    let validity_period = r.c_string("validity_period", 17, status::INVEXPIRY)?;
    let registered_delivery = r.u8("registered_delivery")?;
    r.u8("replace_if_present_flag")?;
    let data_coding = r.u8("data_coding")?;
    r.u8("sm_default_msg_id")?;
    let sm_length = usize::from(r.u8("sm_length")?);
    let short_message = r.octets("short_message", sm_length)?.to_vec();
    let tlvs = r.tlvs()?;
    Ok(Submit {
        service_type,
        source,
        destination,
        esm_class,
        priority,
        validity_period,
        registered_delivery,
        data_coding,
        short_message,
        tlvs,
    })
}

fn data_sm(r: &mut Reader<'_>) -> Result<Submit, FieldError> {
    let service_type = r.c_string("service_type", 6, status::INVSERTYP)?;
    let source = address(r, "source", 65)?;
    let destination = address(r, "destination", 65)?;
    let esm_class = r.u8("esm_class")?;
    let registered_delivery = r.u8("registered_delivery")?;
    let data_coding = r.u8("data_coding")?;
    let tlvs = r.tlvs()?;
    Ok(Submit {
        service_type,
        source,
        destination,
        esm_class,
        priority: 0,
        validity_period: String::new(),
        registered_delivery,
        data_coding,
        short_message: Vec::new(),
        tlvs,
    })
}

/// Decodes one whole frame (header and body).
pub fn decode(frame: &[u8]) -> Result<(Header, Inbound), DecodeError> {
    let header = Header::parse(frame).ok_or(DecodeError {
        header: Header {
            command_length: 0,
            command_id: command::GENERIC_NACK,
            command_status: 0,
            sequence_number: 0,
        },
        error: field_error(status::INVCMDLEN, "command_length", "shorter than a header"),
    })?;
    let body = frame.get(HEADER_LEN..).unwrap_or_default();
    let mut r = Reader::new(body);
    let fail = |error: FieldError| DecodeError { header, error };
    let inbound = match header.command_id {
        command::BIND_TRANSMITTER => {
            Inbound::Bind(bind(BindKind::Transmitter, &mut r).map_err(fail)?)
        }
        command::BIND_RECEIVER => Inbound::Bind(bind(BindKind::Receiver, &mut r).map_err(fail)?),
        command::BIND_TRANSCEIVER => {
            Inbound::Bind(bind(BindKind::Transceiver, &mut r).map_err(fail)?)
        }
        command::UNBIND => Inbound::Unbind,
        id if id == command::UNBIND | command::RESPONSE => Inbound::UnbindResp,
        command::ENQUIRE_LINK => Inbound::EnquireLink,
        id if id == command::ENQUIRE_LINK | command::RESPONSE => Inbound::EnquireLinkResp,
        command::SUBMIT_SM => Inbound::SubmitSm(submit_sm(&mut r).map_err(fail)?),
        command::DATA_SM => Inbound::DataSm(data_sm(&mut r).map_err(fail)?),
        command::CANCEL_SM => {
            r.c_string("service_type", 6, status::INVSERTYP)
                .map_err(fail)?;
            let message_id = r
                .c_string("message_id", 65, status::INVMSGID)
                .map_err(fail)?;
            let source = address(&mut r, "source", 21).map_err(fail)?;
            address(&mut r, "destination", 21).map_err(fail)?;
            Inbound::CancelSm(Cancel { message_id, source })
        }
        command::QUERY_SM => {
            let message_id = r
                .c_string("message_id", 65, status::INVMSGID)
                .map_err(fail)?;
            let source = address(&mut r, "source", 21).map_err(fail)?;
            Inbound::QuerySm(Query { message_id, source })
        }
        id if id == command::DELIVER_SM | command::RESPONSE => Inbound::DeliverSmResp {
            status: header.command_status,
        },
        command::GENERIC_NACK => Inbound::GenericNack,
        _ => {
            return Err(fail(field_error(
                status::INVCMDID,
                "command_id",
                "not a command this gateway accepts",
            )))
        }
    };
    Ok((header, inbound))
}

/// The response id of a request id (generic_nack when there is none).
pub fn response_id(command_id: u32) -> u32 {
    match command_id {
        command::BIND_RECEIVER
        | command::BIND_TRANSMITTER
        | command::BIND_TRANSCEIVER
        | command::QUERY_SM
        | command::SUBMIT_SM
        | command::DELIVER_SM
        | command::UNBIND
        | command::CANCEL_SM
        | command::ENQUIRE_LINK
        | command::DATA_SM => command_id | command::RESPONSE,
        _ => command::GENERIC_NACK,
    }
}

/// Builds outbound PDUs.
pub struct Writer {
    bytes: Vec<u8>,
}

impl Writer {
    fn new(command_id: u32, command_status: u32, sequence_number: u32) -> Self {
        let mut bytes = Vec::with_capacity(64);
        bytes.extend_from_slice(&[0; 4]);
        bytes.extend_from_slice(&command_id.to_be_bytes());
        bytes.extend_from_slice(&command_status.to_be_bytes());
        bytes.extend_from_slice(&sequence_number.to_be_bytes());
        Self { bytes }
    }

    fn c_string(mut self, s: &str) -> Self {
        self.bytes.extend_from_slice(s.as_bytes());
        self.bytes.push(0);
        self
    }

    fn u8(mut self, b: u8) -> Self {
        self.bytes.push(b);
        self
    }

    fn tlv(mut self, tag: u16, value: &[u8]) -> Self {
        let len = u16::try_from(value.len()).unwrap_or(u16::MAX);
        self.bytes.extend_from_slice(&tag.to_be_bytes());
        self.bytes.extend_from_slice(&len.to_be_bytes());
        self.bytes.extend_from_slice(&value[..usize::from(len)]);
        self
    }

    fn finish(mut self) -> Vec<u8> {
        let len = u32::try_from(self.bytes.len()).unwrap_or(u32::MAX);
        self.bytes[..4].copy_from_slice(&len.to_be_bytes());
        self.bytes
    }
}

/// A response with no body (errors, unbind_resp, enquire_link_resp, cancel_sm_resp,
/// generic_nack).
pub fn empty_response(command_id: u32, command_status: u32, sequence_number: u32) -> Vec<u8> {
    Writer::new(command_id, command_status, sequence_number).finish()
}

/// bind_*_resp; the body (system_id, sc_interface_version) only on success.
pub fn bind_response(
    kind: BindKind,
    command_status: u32,
    sequence_number: u32,
    system_id: &str,
) -> Vec<u8> {
    let writer = Writer::new(kind.response_id(), command_status, sequence_number);
    if command_status != status::OK {
        return writer.finish();
    }
    writer
        .c_string(system_id)
        .tlv(tag::SC_INTERFACE_VERSION, &[0x50])
        .finish()
}

/// submit_sm_resp or data_sm_resp carrying the message_id.
pub fn submit_response(command_id: u32, sequence_number: u32, message_id: &str) -> Vec<u8> {
    Writer::new(command_id | command::RESPONSE, status::OK, sequence_number)
        .c_string(message_id)
        .finish()
}

/// query_sm_resp.
pub fn query_response(
    sequence_number: u32,
    message_id: &str,
    final_date: &str,
    message_state: u8,
    error_code: u8,
) -> Vec<u8> {
    Writer::new(
        command::QUERY_SM | command::RESPONSE,
        status::OK,
        sequence_number,
    )
    .c_string(message_id)
    .c_string(final_date)
    .u8(message_state)
    .u8(error_code)
    .finish()
}

/// A request the gateway sends (enquire_link, unbind).
pub fn request(command_id: u32, sequence_number: u32) -> Vec<u8> {
    Writer::new(command_id, status::OK, sequence_number).finish()
}

/// A deliver_sm to the ESME: a delivery receipt (with its TLVs) or an MO message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeliverSm {
    pub source: Address,
    pub destination: Address,
    pub esm_class: u8,
    pub data_coding: u8,
    pub short_message: Vec<u8>,
    /// For receipts: (receipted_message_id, message_state).
    pub receipt: Option<(String, u8)>,
}

/// Encodes a deliver_sm; a message longer than short_message holds goes as message_payload.
pub fn deliver_sm(sequence_number: u32, pdu: &DeliverSm) -> Vec<u8> {
    let long = pdu.short_message.len() > 254;
    let sm_length = if long {
        0
    } else {
        u8::try_from(pdu.short_message.len()).unwrap_or(u8::MAX)
    };
    let mut writer = Writer::new(command::DELIVER_SM, status::OK, sequence_number)
        .c_string("")
        .u8(pdu.source.ton)
        .u8(pdu.source.npi)
        .c_string(&pdu.source.addr)
        .u8(pdu.destination.ton)
        .u8(pdu.destination.npi)
        .c_string(&pdu.destination.addr)
        .u8(pdu.esm_class)
        .u8(0) // protocol_id
        .u8(0) // priority_flag
        .c_string("") // schedule_delivery_time
        .c_string("") // validity_period
        .u8(0) // registered_delivery
        .u8(0) // replace_if_present_flag
        .u8(pdu.data_coding)
        .u8(0) // sm_default_msg_id
        .u8(sm_length);
    writer
        .bytes
        .extend_from_slice(&pdu.short_message[..usize::from(sm_length)]);
    if long {
        writer = writer.tlv(tag::MESSAGE_PAYLOAD, &pdu.short_message);
    }
    if let Some((message_id, state)) = &pdu.receipt {
        let mut id = message_id.as_bytes().to_vec();
        id.push(0);
        writer = writer
            .tlv(tag::RECEIPTED_MESSAGE_ID, &id)
            .tlv(tag::MESSAGE_STATE, &[*state]);
    }
    writer.finish()
}

/// A bind request to an upstream SMSC (SMPP 3.4).
pub fn bind_request(
    command_id: u32,
    sequence_number: u32,
    system_id: &str,
    password: &str,
    system_type: &str,
) -> Vec<u8> {
    Writer::new(command_id, status::OK, sequence_number)
        .c_string(system_id)
        .c_string(password)
        .c_string(system_type)
        .u8(0x34) // interface_version 3.4
        .u8(0) // addr_ton
        .u8(0) // addr_npi
        .c_string("") // address_range
        .finish()
}

/// A submit_sm to an upstream SMSC.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutgoingSubmit {
    pub source: Address,
    pub destination: Address,
    /// Set explicitly: 0, or UDHI when `short_message` starts with a user-data header.
    pub esm_class: u8,
    pub priority: u8,
    pub validity_period: String,
    pub registered_delivery: u8,
    pub data_coding: u8,
    pub short_message: Vec<u8>,
}

/// Encodes a submit_sm; a message longer than short_message holds goes as message_payload.
pub fn submit_sm_request(sequence_number: u32, pdu: &OutgoingSubmit) -> Vec<u8> {
    let long = pdu.short_message.len() > 254;
    let mut writer = Writer::new(command::SUBMIT_SM, status::OK, sequence_number)
        .c_string("")
        .u8(pdu.source.ton)
        .u8(pdu.source.npi)
        .c_string(&pdu.source.addr)
        .u8(pdu.destination.ton)
        .u8(pdu.destination.npi)
        .c_string(&pdu.destination.addr)
        .u8(pdu.esm_class)
        .u8(0) // protocol_id
        .u8(pdu.priority)
        .c_string("") // schedule_delivery_time
        .c_string(&pdu.validity_period)
        .u8(pdu.registered_delivery)
        .u8(0) // replace_if_present_flag
        .u8(pdu.data_coding)
        .u8(0); // sm_default_msg_id
    if long {
        writer = writer.u8(0).tlv(tag::MESSAGE_PAYLOAD, &pdu.short_message);
    } else {
        writer = writer.u8(u8::try_from(pdu.short_message.len()).unwrap_or(0));
        writer.bytes.extend_from_slice(&pdu.short_message);
    }
    writer.finish()
}

/// deliver_sm_resp (its message_id is empty).
pub fn deliver_sm_response(sequence_number: u32, command_status: u32) -> Vec<u8> {
    Writer::new(
        command::DELIVER_SM | command::RESPONSE,
        command_status,
        sequence_number,
    )
    .c_string("")
    .finish()
}

/// What an upstream SMSC sends a bound ESME.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FromSmsc {
    BindResp,
    /// submit_sm_resp: the SMSC's message_id (empty on error).
    SubmitResp {
        message_id: String,
    },
    /// deliver_sm (a receipt or MO); same layout as submit_sm.
    DeliverSm(Submit),
    EnquireLink,
    EnquireLinkResp,
    Unbind,
    UnbindResp,
    GenericNack,
    Other,
}

/// Decodes a frame from an upstream SMSC.
pub fn decode_from_smsc(frame: &[u8]) -> Result<(Header, FromSmsc), DecodeError> {
    let header = Header::parse(frame).ok_or(DecodeError {
        header: Header {
            command_length: 0,
            command_id: command::GENERIC_NACK,
            command_status: 0,
            sequence_number: 0,
        },
        error: field_error(status::INVCMDLEN, "command_length", "shorter than a header"),
    })?;
    let body = frame.get(HEADER_LEN..).unwrap_or_default();
    let mut r = Reader::new(body);
    let fail = |error: FieldError| DecodeError { header, error };
    let pdu = match header.command_id {
        command::DELIVER_SM => FromSmsc::DeliverSm(submit_sm(&mut r).map_err(fail)?),
        id if id == command::SUBMIT_SM | command::RESPONSE => FromSmsc::SubmitResp {
            message_id: if body.is_empty() {
                String::new()
            } else {
                r.c_string("message_id", 65, status::INVMSGID)
                    .map_err(fail)?
            },
        },
        id if id == command::BIND_TRANSCEIVER | command::RESPONSE
            || id == command::BIND_TRANSMITTER | command::RESPONSE
            || id == command::BIND_RECEIVER | command::RESPONSE =>
        {
            FromSmsc::BindResp
        }
        command::ENQUIRE_LINK => FromSmsc::EnquireLink,
        id if id == command::ENQUIRE_LINK | command::RESPONSE => FromSmsc::EnquireLinkResp,
        command::UNBIND => FromSmsc::Unbind,
        id if id == command::UNBIND | command::RESPONSE => FromSmsc::UnbindResp,
        command::GENERIC_NACK => FromSmsc::GenericNack,
        _ => FromSmsc::Other,
    };
    Ok((header, pdu))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn frame(command_id: u32, sequence: u32, body: &[u8]) -> Vec<u8> {
        let mut bytes = Writer::new(command_id, 0, sequence).finish();
        bytes.extend_from_slice(body);
        let len = u32::try_from(bytes.len()).unwrap();
        bytes[..4].copy_from_slice(&len.to_be_bytes());
        bytes
    }

    fn submit_body(source: &str, dest: &str, message: &[u8]) -> Vec<u8> {
        let mut body = Vec::new();
        body.extend_from_slice(b"\0");
        body.extend_from_slice(&[1, 1]);
        body.extend_from_slice(source.as_bytes());
        body.push(0);
        body.extend_from_slice(&[1, 1]);
        body.extend_from_slice(dest.as_bytes());
        body.push(0);
        body.extend_from_slice(&[0, 0, 0]);
        body.extend_from_slice(b"\0\0");
        body.extend_from_slice(&[1, 0, 0, 0]);
        body.push(u8::try_from(message.len()).unwrap());
        body.extend_from_slice(message);
        body
    }

    #[test]
    fn a_submit_sm_decodes_with_its_fields_and_tlvs() {
        let mut body = submit_body("12065550100", "14255550123", b"Hello");
        body.extend_from_slice(&[0x04, 0x24, 0x00, 0x02, b'h', b'i']);
        let (header, decoded) = decode(&frame(command::SUBMIT_SM, 7, &body)).unwrap();
        assert_eq!(header.sequence_number, 7);
        let Inbound::SubmitSm(submit) = decoded else {
            panic!("{decoded:?}")
        };
        assert_eq!(submit.source.addr, "12065550100");
        assert_eq!(submit.destination.ton, 1);
        assert_eq!(submit.short_message, b"Hello");
        assert_eq!(submit.registered_delivery, 1);
        assert_eq!(
            find_tlv(&submit.tlvs, tag::MESSAGE_PAYLOAD),
            Some(&b"hi"[..])
        );
    }

    #[test]
    fn bad_fields_name_themselves_and_their_status() {
        let long_source = "1".repeat(25);
        let err = decode(&frame(
            command::SUBMIT_SM,
            9,
            &submit_body(&long_source, "1", b"x"),
        ))
        .unwrap_err();
        assert_eq!(
            (err.error.status, err.error.field),
            (status::INVSRCADR, "source_addr")
        );
        assert_eq!(err.header.sequence_number, 9);
        let mut short = submit_body("1", "2", b"Hello");
        short.truncate(short.len() - 2);
        let err = decode(&frame(command::SUBMIT_SM, 1, &short)).unwrap_err();
        assert_eq!(
            (err.error.status, err.error.field),
            (status::INVMSGLEN, "short_message")
        );
        let err = decode(&frame(0x0000_0777, 1, &[])).unwrap_err();
        assert_eq!(err.error.status, status::INVCMDID);
        assert_eq!(response_id(0x0000_0777), command::GENERIC_NACK);
        let mut tlv_cut = submit_body("1", "2", b"x");
        tlv_cut.extend_from_slice(&[0x04, 0x24, 0x00, 0x09, 1]);
        let err = decode(&frame(command::SUBMIT_SM, 1, &tlv_cut)).unwrap_err();
        assert_eq!(err.error.status, status::INVPARLEN);
    }

    #[test]
    fn binds_and_responses_round_trip_their_fields() {
        let body = b"demo\0demopass\0\0\x34\0\0\0";
        let (_, decoded) = decode(&frame(command::BIND_TRANSCEIVER, 1, body)).unwrap();
        assert_eq!(
            decoded,
            Inbound::Bind(Bind {
                kind: BindKind::Transceiver,
                system_id: "demo".into(),
                password: "demopass".into(),
                system_type: String::new(),
                interface_version: 0x34,
            })
        );
        let err = decode(&frame(
            command::BIND_TRANSMITTER,
            1,
            b"demo\0toolongpass\0\0\x34\0\0\0",
        ))
        .unwrap_err();
        assert_eq!(
            (err.error.status, err.error.field),
            (status::INVPASWD, "password")
        );
        let resp = submit_response(command::SUBMIT_SM, 5, "abc");
        let header = Header::parse(&resp).unwrap();
        assert_eq!(header.command_id, 0x8000_0004);
        assert_eq!(header.command_length as usize, resp.len());
        assert_eq!(&resp[16..], b"abc\0");
    }

    #[test]
    fn a_receipt_carries_its_message_id_and_state_tlvs() {
        let pdu = DeliverSm {
            source: Address {
                ton: 1,
                npi: 1,
                addr: "14255550123".into(),
            },
            destination: Address {
                ton: 1,
                npi: 1,
                addr: "12065550100".into(),
            },
            esm_class: esm::DELIVERY_RECEIPT,
            data_coding: 0,
            short_message: b"id:abc stat:DELIVRD".to_vec(),
            receipt: Some(("abc".into(), 2)),
        };
        let bytes = deliver_sm(3, &pdu);
        let mut r = Reader::new(&bytes[HEADER_LEN..]);
        r.c_string("service_type", 6, 0).unwrap();
        let source = address(&mut r, "source", 21).unwrap();
        assert_eq!(source.addr, "14255550123");
        address(&mut r, "destination", 21).unwrap();
        assert_eq!(r.u8("esm_class").unwrap(), esm::DELIVERY_RECEIPT);
        for field in ["protocol_id", "priority_flag"] {
            r.u8(field).unwrap();
        }
        r.c_string("s", 17, 0).unwrap();
        r.c_string("v", 17, 0).unwrap();
        for field in ["rd", "rip", "dc", "def"] {
            r.u8(field).unwrap();
        }
        let len = usize::from(r.u8("sm_length").unwrap());
        assert_eq!(r.octets("sm", len).unwrap(), b"id:abc stat:DELIVRD");
        let tlvs = r.tlvs().unwrap();
        assert_eq!(
            find_tlv(&tlvs, tag::RECEIPTED_MESSAGE_ID),
            Some(&b"abc\0"[..])
        );
        assert_eq!(find_tlv(&tlvs, tag::MESSAGE_STATE), Some(&[2u8][..]));
    }

    proptest! {
        #[test]
        fn no_frame_makes_decoding_panic(body in proptest::collection::vec(any::<u8>(), 0..200), id in prop::sample::select(vec![1u32, 2, 3, 4, 6, 8, 9, 0x15, 0x103, 0x8000_0005, 0x777])) {
            let _ = decode(&frame(id, 1, &body));
        }
    }
}
