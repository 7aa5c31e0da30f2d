//! A message: its detail record (kept 3 years) and its content (kept 30 days).

use sea_orm::entity::prelude::*;

use crate::billing::rating::{Direction, MessageKind};
use crate::compliance::numbers::NumberKind;
use crate::messaging::status::MessageStatus;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "messages")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The id the customer sees in submit_sm_resp and receipts.
    #[sea_orm(unique)]
    pub message_id: String,
    pub customer_id: i64,
    pub direction: Direction,
    pub kind: MessageKind,
    pub number_id: Option<i64>,
    pub number_kind: NumberKind,
    pub source: String,
    pub destination: String,
    pub destination_country: Option<String>,
    pub carrier_id: Option<i64>,
    pub status: MessageStatus,
    pub reject_reason: Option<String>,
    pub error_code: Option<i32>,
    pub data_coding: i16,
    /// `gsm7`, `ucs2`, `latin1` or `ksc5601`.
    pub encoding: String,
    pub fragment_count: i32,
    /// None once the content is purged.
    pub body: Option<String>,
    pub concat_ref: Option<i32>,
    pub concat_total: Option<i16>,
    pub concat_seq: Option<i16>,
    pub registered_delivery: bool,
    /// The sum of the charge lines, in micro-units.
    pub charge_micros: i64,
    pub currency: String,
    pub submitted_at: DateTimeUtc,
    pub done_at: Option<DateTimeUtc>,
    pub updated_at: DateTimeUtc,
    /// SMPP priority_flag (0 to 3): the outbound queue sends higher first.
    pub priority: i16,
    /// The validity period's end: a message still queued then is EXPIRED.
    pub expires_at: Option<DateTimeUtc>,
    /// registered_delivery 2: a receipt only when the message fails.
    pub receipt_failure_only: bool,
    /// The MMS use case it was sent under (the AT&T ratio leaves out exempt ones' traffic).
    pub use_case_id: Option<i64>,
    /// An MMS's subject.
    pub subject: Option<String>,
    /// The issued invoice that billed it; none while unbilled.
    pub invoice_id: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
