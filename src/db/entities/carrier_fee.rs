//! A carrier's pass-through fees: per message (fragment) and per filing, in micro-units.

use sea_orm::entity::prelude::*;

use crate::billing::rating::{Direction, MessageKind};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "carrier_fees")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub carrier_id: i64,
    pub message_kind: MessageKind,
    pub direction: Direction,
    pub currency: String,
    pub per_message_micros: i64,
    pub per_filing_micros: i64,
    pub effective_from: DateTimeUtc,
    pub effective_to: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
