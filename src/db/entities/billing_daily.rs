//! The billing roll-up per customer, currency, UTC day and invoice line key, kept current by
//! the message writer in the same transaction as the messages: what an invoice run reads.

use sea_orm::entity::prelude::*;

use crate::billing::rating::{Direction, MessageKind};
use crate::compliance::numbers::NumberKind;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "billing_daily")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub customer_id: i64,
    pub currency: String,
    /// `YYYY-MM-DD`, UTC, of the records' submission.
    pub day: String,
    /// The issued invoice that billed these records; 0 while unbilled (a key column, so not
    /// null).
    pub invoice_id: i64,
    /// `usage` or `carrier_fee`.
    pub charge_kind: String,
    pub message_kind: MessageKind,
    pub direction: Direction,
    pub number_kind: NumberKind,
    /// The destination country; empty when unknown.
    pub country: String,
    /// 0 when unknown.
    pub carrier_id: i64,
    pub unit_price_micros: i64,
    pub records: i64,
    pub quantity: i64,
    pub amount_micros: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
