//! A deliver_sm owed to a customer (a delivery receipt or an MO message): pending until a
//! receiver bind acknowledges it.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "receipts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub message_id: String,
    pub customer_id: i64,
    /// The receipt's source: the original destination.
    pub source: String,
    /// The receipt's destination: the original source.
    pub destination: String,
    pub text: String,
    /// SMPP message_state.
    pub message_state: i16,
    /// `pending` or `acked`.
    pub state: String,
    pub attempts: i32,
    pub created_at: DateTimeUtc,
    pub sent_at: Option<DateTimeUtc>,
    pub acked_at: Option<DateTimeUtc>,
    /// `receipt` or `mo`.
    pub kind: String,
    pub esm_class: i16,
    pub data_coding: i16,
    /// For MO: the short_message octets, hex (user-data header included when it has one).
    pub payload: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
