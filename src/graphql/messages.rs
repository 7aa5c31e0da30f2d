//! Messages in the API: the detail records with their charge, and the live SMPP binds.

use std::sync::Arc;

use async_graphql::connection::Connection;
use async_graphql::{Context, InputObject, Object, Result, SimpleObject, ID};
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

use super::error::ResultExt;
use super::guard::{caller, RoleGuard, ADMINS, CUSTOMER_READERS};
use super::pagination::{connection, page_args, Cursor};
use super::parse_id;
use crate::billing::money::{from_micros, Money};
use crate::billing::rating::{Direction, MessageKind};
use crate::db::entities::{message, message_charge, message_part};
use crate::db::page::{self, Direction as PageDirection};
use crate::error::AppError;
use crate::messaging::connectors::InboundMessage;
use crate::messaging::dispatch::CancelOutcome;
use crate::messaging::encoding::DataCoding;
use crate::messaging::status::MessageStatus;
use crate::messaging::store::{status_seen, with_handoff, with_handoffs, StoredMessage};
use crate::smpp::gateway::Gateway;
use crate::smpp::registry::SessionRegistry;

/// An amount in a currency.
#[derive(SimpleObject)]
pub struct Charge {
    pub amount: Money,
    pub currency: String,
}

/// One charge line behind a message's charge.
#[derive(SimpleObject)]
pub struct ChargeLine {
    /// `usage` or `carrier_fee`.
    pub kind: String,
    pub quantity: i32,
    pub unit_price: Money,
    pub amount: Money,
    pub rate_card_id: Option<ID>,
    pub rate_id: Option<ID>,
    pub carrier_fee_id: Option<ID>,
    pub international: bool,
}

/// One MIME part of an MMS: its type and size (its content is not served).
#[derive(SimpleObject)]
pub struct MmsPartInfo {
    pub seq: i16,
    pub content_type: String,
    pub content_id: Option<String>,
    pub filename: Option<String>,
    pub size_bytes: i64,
}

/// A message's detail record, with its handoff to a carrier.
pub struct Message(StoredMessage);

#[Object]
impl Message {
    async fn id(&self) -> ID {
        ID(self.0.row.id.to_string())
    }
    /// The id the customer saw in submit_sm_resp and receipts.
    async fn message_id(&self) -> &str {
        &self.0.row.message_id
    }
    async fn customer_id(&self) -> ID {
        ID(self.0.row.customer_id.to_string())
    }
    async fn direction(&self) -> Direction {
        self.0.row.direction
    }
    async fn kind(&self) -> MessageKind {
        self.0.row.kind
    }
    async fn source(&self) -> &str {
        &self.0.row.source
    }
    async fn destination(&self) -> &str {
        &self.0.row.destination
    }
    async fn destination_country(&self) -> Option<&str> {
        self.0.row.destination_country.as_deref()
    }
    async fn carrier_id(&self) -> Option<ID> {
        self.0.row.carrier_id.map(|id| ID(id.to_string()))
    }
    /// The carrier's code (`ATT`), when the destination's carrier is known.
    async fn carrier_code(&self, ctx: &Context<'_>) -> Result<Option<String>> {
        let gateway = ctx.data::<Arc<Gateway>>()?;
        Ok(self
            .0
            .row
            .carrier_id
            .and_then(|id| gateway.snapshot.get().carrier_codes.get(&id).cloned()))
    }
    /// SMPP priority_flag: 0 (lowest) to 3; the outbound queue sends higher first.
    async fn priority(&self) -> i16 {
        self.0.row.priority
    }
    /// The end of its validity period: still queued then, it expires.
    async fn expires_at(&self) -> Option<DateTime<Utc>> {
        self.0.row.expires_at
    }
    /// When the carrier acknowledged it (ENROUTE).
    async fn sent_at(&self) -> Option<DateTime<Utc>> {
        self.0.handoff.as_ref().map(|h| h.sent_at)
    }
    /// The carrier connection it left by.
    async fn connector(&self) -> Option<&str> {
        self.0.handoff.as_ref().map(|h| h.connector.as_str())
    }
    /// The carrier's own id for it.
    async fn carrier_message_id(&self) -> Option<&str> {
        self.0
            .handoff
            .as_ref()
            .map(|h| h.carrier_message_id.as_str())
    }
    async fn status(&self) -> MessageStatus {
        self.0.status()
    }
    /// `gsm7`, `ucs2`, `latin1` or `ksc5601`.
    async fn encoding(&self) -> &str {
        &self.0.row.encoding
    }
    async fn data_coding(&self) -> i16 {
        self.0.row.data_coding
    }
    async fn fragment_count(&self) -> i32 {
        self.0.row.fragment_count
    }
    /// The text; null once purged (30 days after processing).
    async fn body(&self) -> Option<&str> {
        self.0.row.body.as_deref()
    }
    async fn submitted_at(&self) -> DateTime<Utc> {
        self.0.row.submitted_at
    }
    async fn done_at(&self) -> Option<DateTime<Utc>> {
        self.0.row.done_at
    }
    async fn error_code(&self) -> Option<i32> {
        self.0.row.error_code
    }
    /// Why compliance rejected it (status REJECTED).
    async fn reject_reason(&self) -> Option<&str> {
        self.0.row.reject_reason.as_deref()
    }
    /// An MMS's subject.
    async fn subject(&self) -> Option<&str> {
        self.0.row.subject.as_deref()
    }
    /// The MMS use case it was sent under.
    async fn use_case_id(&self) -> Option<ID> {
        self.0.row.use_case_id.map(|id| ID(id.to_string()))
    }
    /// An MMS's parts, by type and size (empty for SMS).
    async fn parts(&self, ctx: &Context<'_>) -> Result<Vec<MmsPartInfo>> {
        if self.0.row.kind != MessageKind::Mms {
            return Ok(Vec::new());
        }
        let db = ctx.data::<DatabaseConnection>()?;
        let rows = message_part::Entity::find()
            .filter(message_part::Column::MessageId.eq(self.0.row.message_id.as_str()))
            .order_by_asc(message_part::Column::Seq)
            .all(db)
            .await
            .map_err(AppError::from)
            .gql()?;
        Ok(rows
            .into_iter()
            .map(|p| MmsPartInfo {
                seq: p.seq,
                content_type: p.content_type,
                content_id: p.content_id,
                filename: p.filename,
                size_bytes: p.size_bytes,
            })
            .collect())
    }
    async fn charge(&self) -> Charge {
        Charge {
            amount: Money(from_micros(self.0.row.charge_micros)),
            currency: self.0.row.currency.clone(),
        }
    }
    /// The lines behind the charge.
    async fn charges(&self, ctx: &Context<'_>) -> Result<Vec<ChargeLine>> {
        let db = ctx.data::<DatabaseConnection>()?;
        let rows = message_charge::Entity::find()
            .filter(message_charge::Column::MessageId.eq(self.0.row.message_id.as_str()))
            .order_by_asc(message_charge::Column::Id)
            .all(db)
            .await
            .map_err(AppError::from)
            .gql()?;
        let id = |v: Option<i64>| v.map(|v| ID(v.to_string()));
        Ok(rows
            .into_iter()
            .map(|r| ChargeLine {
                kind: r.kind,
                quantity: r.quantity,
                unit_price: Money(from_micros(r.unit_price_micros)),
                amount: Money(from_micros(r.amount_micros)),
                rate_card_id: id(r.rate_card_id),
                rate_id: id(r.rate_id),
                carrier_fee_id: id(r.carrier_fee_id),
                international: r.international,
            })
            .collect())
    }
}

/// Which messages to list.
#[derive(InputObject, Default)]
#[graphql(name = "MessageFilter")]
pub struct MessageFilter {
    pub customer_id: Option<ID>,
    pub direction: Option<Direction>,
    pub status: Option<MessageStatus>,
    pub number_id: Option<ID>,
    pub kind: Option<MessageKind>,
    /// Rejected messages whose reason starts with this (`CONTENT_PROHIBITED`,
    /// `MMS_MEDIA_REFUSED`, ...): the blocked traffic.
    pub reason_code: Option<String>,
    /// Submitted at or after.
    pub from: Option<DateTime<Utc>>,
    /// Submitted before.
    pub to: Option<DateTime<Utc>>,
}

/// A live SMPP bind.
#[derive(SimpleObject)]
pub struct SmppSession {
    pub session_id: ID,
    pub system_id: String,
    pub customer_id: ID,
    /// `transmitter`, `receiver` or `transceiver`.
    pub bind_type: String,
    pub peer: String,
    pub bound_at: DateTime<Utc>,
}

#[derive(Default)]
pub struct MessageQuery;

#[Object]
impl MessageQuery {
    /// Messages, newest first. A customer key sees its own.
    #[graphql(
        guard = "RoleGuard::new(CUSTOMER_READERS)",
        complexity = "first * child_complexity"
    )]
    async fn messages(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 20)] first: usize,
        after: Option<String>,
        #[graphql(default)] filter: MessageFilter,
    ) -> Result<Connection<Cursor, Message>> {
        let (first, after) = page_args(first, after.as_deref())?;
        let mut select = message::Entity::find();
        if let Some(own) = caller(ctx)?.customer_id {
            select = select.filter(message::Column::CustomerId.eq(own));
        }
        if let Some(customer) = filter.customer_id {
            select =
                select.filter(message::Column::CustomerId.eq(parse_id(&customer, "customerId")?));
        }
        if let Some(direction) = filter.direction {
            select = select.filter(message::Column::Direction.eq(direction));
        }
        if let Some(status) = filter.status {
            select = select.filter(status_seen(status));
        }
        if let Some(number) = filter.number_id {
            select = select.filter(message::Column::NumberId.eq(parse_id(&number, "numberId")?));
        }
        if let Some(kind) = filter.kind {
            select = select.filter(message::Column::Kind.eq(kind));
        }
        if let Some(code) = filter
            .reason_code
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
        {
            select = select
                .filter(message::Column::Status.eq(MessageStatus::Rejected))
                .filter(message::Column::RejectReason.starts_with(code));
        }
        if let Some(from) = filter.from {
            select = select.filter(message::Column::SubmittedAt.gte(from));
        }
        if let Some(to) = filter.to {
            select = select.filter(message::Column::SubmittedAt.lt(to));
        }
        let db = ctx.data::<DatabaseConnection>()?;
        let page = page::keyset(
            db,
            select,
            message::Column::Id,
            after,
            first,
            PageDirection::NewestFirst,
        )
        .await
        .map_err(AppError::from)
        .gql()?;
        let page = page::Page {
            items: with_handoffs(db, page.items)
                .await
                .map_err(AppError::from)
                .gql()?,
            has_next: page.has_next,
        };
        Ok(connection(page, after, |m| m.row.id, Message))
    }

    /// One message, by its id or its message_id.
    #[graphql(guard = "RoleGuard::new(CUSTOMER_READERS)")]
    async fn message(&self, ctx: &Context<'_>, id: ID) -> Result<Message> {
        let db = ctx.data::<DatabaseConnection>()?;
        let mut select = match id.parse::<i64>() {
            Ok(numeric) => message::Entity::find().filter(
                sea_orm::Condition::any()
                    .add(message::Column::Id.eq(numeric))
                    .add(message::Column::MessageId.eq(id.as_str())),
            ),
            Err(_) => message::Entity::find().filter(message::Column::MessageId.eq(id.as_str())),
        };
        if let Some(own) = caller(ctx)?.customer_id {
            select = select.filter(message::Column::CustomerId.eq(own));
        }
        let row = select
            .one(db)
            .await
            .map_err(AppError::from)
            .gql()?
            .ok_or_else(|| AppError::NotFound(format!("message {}", id.as_str())))
            .gql()?;
        Ok(Message(
            with_handoff(db, row).await.map_err(AppError::from).gql()?,
        ))
    }

    /// The SMPP binds open on this instance.
    #[graphql(guard = "RoleGuard::new(ADMINS)")]
    async fn smpp_sessions(&self, ctx: &Context<'_>) -> Result<Vec<SmppSession>> {
        let registry = ctx.data::<Arc<SessionRegistry>>()?;
        Ok(registry
            .list()
            .into_iter()
            .map(|s| SmppSession {
                session_id: ID(s.session_id.to_string()),
                system_id: s.system_id,
                customer_id: ID(s.customer_id.to_string()),
                bind_type: format!("{:?}", s.kind).to_lowercase(),
                peer: s.peer.to_string(),
                bound_at: s.bound_at,
            })
            .collect())
    }
}

/// A message from a subscriber, as the simulator's carrier would deliver it.
#[derive(InputObject)]
#[graphql(name = "InjectInboundInput")]
pub struct InjectInboundInput {
    /// The subscriber (E.164).
    pub source: String,
    /// Our number or short code it is sent to.
    pub destination: String,
    pub text: String,
    /// For one part of a long message: its reference, total and place (1-based).
    pub part: Option<MessagePartInput>,
    /// Makes it an MO MMS (delivered to the customer's VASP over MM7); `text` becomes its
    /// first, text/plain part when not empty.
    pub mms: Option<InboundMmsInput>,
}

/// An MO MMS's subject and parts.
#[derive(InputObject)]
#[graphql(name = "InboundMmsInput")]
pub struct InboundMmsInput {
    pub subject: Option<String>,
    #[graphql(default)]
    pub parts: Vec<InboundMmsPartInput>,
}

/// One part of an MO MMS: its type and its content in base64.
#[derive(InputObject)]
#[graphql(name = "InboundMmsPartInput")]
pub struct InboundMmsPartInput {
    pub content_type: String,
    pub base64: String,
    pub filename: Option<String>,
}

/// One part of a long message.
#[derive(InputObject)]
#[graphql(name = "MessagePartInput")]
pub struct MessagePartInput {
    pub reference: u16,
    pub total: u8,
    pub seq: u8,
}

#[derive(Default)]
pub struct MessageMutation;

#[Object]
impl MessageMutation {
    /// Cancels a message still waiting for its carrier, by its id or its message_id
    /// (`CONFLICT` once the carrier has it or it is final).
    #[graphql(guard = "RoleGuard::new(ADMINS)")]
    async fn cancel_message(&self, ctx: &Context<'_>, id: ID) -> Result<Message> {
        let gateway = ctx.data::<Arc<Gateway>>()?;
        let db = ctx.data::<DatabaseConnection>()?;
        // Like `message(id)`: the record id or the message_id.
        let message_id = match id.parse::<i64>() {
            Ok(numeric) => message::Entity::find_by_id(numeric)
                .one(db)
                .await
                .map_err(AppError::from)
                .gql()?
                .map_or_else(|| id.to_string(), |m| m.message_id),
            Err(_) => id.to_string(),
        };
        match gateway.cancel(None, &message_id).await {
            CancelOutcome::Cancelled => {}
            CancelOutcome::NotFound => {
                return Err(AppError::NotFound(format!("message {}", id.as_str()))).gql()
            }
            CancelOutcome::TooLate(status) => {
                return Err(AppError::Conflict(format!(
                    "the message is {status:?}: only a message still waiting for its carrier can be cancelled"
                )))
                .gql()
            }
            CancelOutcome::Failed(e) => return Err(AppError::Internal(anyhow::anyhow!(e))).gql(),
        }
        let found = gateway
            .find_message(None, &message_id)
            .await
            .ok_or_else(|| AppError::NotFound(format!("message {}", id.as_str())))
            .gql()?;
        crate::audit::record(
            db,
            caller(ctx)?,
            "cancelMessage",
            "message",
            found.row.id,
            serde_json::json!({ "message_id": found.row.message_id }),
        )
        .await
        .map_err(AppError::from)
        .gql()?;
        Ok(Message(found))
    }

    /// The simulator's carrier delivers an MO message (a subscriber writing to one of our
    /// numbers): stored, rated, and delivered to the customer like any MO. Returns the stored
    /// message.
    #[graphql(guard = "RoleGuard::new(ADMINS)")]
    async fn inject_inbound(
        &self,
        ctx: &Context<'_>,
        input: InjectInboundInput,
    ) -> Result<Message> {
        let gateway = ctx.data::<Arc<Gateway>>()?;
        let db = ctx.data::<DatabaseConnection>()?;
        let source = crate::messaging::address::parse_e164(&input.source)
            .map_err(|e| AppError::invalid_field("source", e.to_string()))
            .gql()?
            .e164;
        let destination = input.destination.trim().to_owned();
        if !gateway.snapshot.get().numbers.contains_key(&destination) {
            return Err(AppError::invalid_field(
                "destination",
                "not one of our numbers",
            ))
            .gql();
        }
        if let Some(mms) = input.mms {
            let message_id = inject_mms(gateway, &source, &destination, &input.text, mms)
                .await
                .gql()?;
            return injected(ctx, gateway, db, &message_id).await;
        }
        let coding = DataCoding::for_text(&input.text);
        let octets = crate::messaging::encoding::encode(coding, &input.text)
            .map_err(|e| AppError::invalid_field("text", e.to_string()))
            .gql()?;
        let concat = match input.part {
            Some(p) if p.seq == 0 || p.seq > p.total => {
                return Err(AppError::invalid_field("part.seq", "must be 1 to total")).gql()
            }
            Some(p) => Some(crate::messaging::admission::Concat {
                reference: p.reference,
                total: p.total,
                seq: p.seq,
            }),
            None => None,
        };
        let message_id = gateway
            .receive_mo(
                crate::config::SIMULATOR,
                InboundMessage {
                    source,
                    destination,
                    data_coding: coding.octet(),
                    octets,
                    concat,
                    received_at: chrono::Utc::now(),
                },
            )
            .await
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("the MO message was not stored")))
            .gql()?;
        injected(ctx, gateway, db, &message_id).await
    }
}

/// Reads back and audits an injected MO message.
async fn injected(
    ctx: &Context<'_>,
    gateway: &Gateway,
    db: &DatabaseConnection,
    message_id: &str,
) -> Result<Message> {
    let found = gateway
        .find_message(None, message_id)
        .await
        .ok_or_else(|| AppError::NotFound(format!("message {message_id}")))
        .gql()?;
    crate::audit::record(
        db,
        caller(ctx)?,
        "injectInbound",
        "message",
        found.row.id,
        serde_json::json!({ "message_id": found.row.message_id }),
    )
    .await
    .map_err(AppError::from)
    .gql()?;
    Ok(Message(found))
}

/// Builds and receives an injected MO MMS.
async fn inject_mms(
    gateway: &Gateway,
    source: &str,
    destination: &str,
    text: &str,
    mms: InboundMmsInput,
) -> Result<String, AppError> {
    use base64::Engine as _;
    let mut parts = Vec::new();
    if !text.is_empty() {
        parts.push(crate::compliance::mms::MmsPart {
            content_type: "text/plain".into(),
            content_id: None,
            filename: None,
            data: text.as_bytes().to_vec(),
        });
    }
    for (i, part) in mms.parts.into_iter().enumerate() {
        let data = base64::engine::general_purpose::STANDARD
            .decode(part.base64.trim())
            .map_err(|_| {
                AppError::invalid_field(&format!("mms.parts[{i}].base64"), "is not base64")
            })?;
        let content_type = part.content_type.trim().to_ascii_lowercase();
        if !content_type.contains('/') {
            return Err(AppError::invalid_field(
                &format!("mms.parts[{i}].contentType"),
                "is not a media type",
            ));
        }
        parts.push(crate::compliance::mms::MmsPart {
            content_type,
            content_id: None,
            filename: part.filename,
            data,
        });
    }
    let content = crate::compliance::mms::MmsContent {
        subject: mms.subject,
        parts,
        recipients: 1,
    };
    gateway
        .receive_mo_mms(source, destination, content, chrono::Utc::now())
        .await
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("the MO MMS was not stored")))
}
