//! One invoice line: a group of records with the same kind, direction, number kind,
//! jurisdiction and unit price (or one carrier's fees, or one one-time charge), and the key
//! that finds its records again.

use sea_orm::entity::prelude::*;

use crate::billing::rating::{Direction, MessageKind};
use crate::compliance::numbers::NumberKind;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "invoice_lines")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub invoice_id: i64,
    pub seq: i32,
    /// `messages`, `carrier_fees` or `one_time`.
    pub section: String,
    pub description: String,
    /// `usage`, `carrier_fee`, or the one-time charge's kind.
    pub charge_kind: String,
    pub message_kind: Option<MessageKind>,
    pub direction: Option<Direction>,
    pub number_kind: Option<NumberKind>,
    /// The destination's (MO: the subscriber's) country.
    pub country: Option<String>,
    pub carrier_id: Option<i64>,
    pub one_time_charge_id: Option<i64>,
    /// Records of an earlier, already issued period.
    pub late: bool,
    pub quantity: i64,
    pub unit_price_micros: i64,
    /// The exact sum of its records.
    pub raw_micros: i64,
    /// Rounded once to the currency's minor unit, half away from zero.
    pub amount_micros: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
