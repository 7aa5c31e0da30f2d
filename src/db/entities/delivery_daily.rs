//! Delivery analytics per day (of submission), customer, number, carrier (0: unknown) and
//! direction, kept current by the message writer in the same transaction as the messages.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "delivery_daily")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// `YYYY-MM-DD`, UTC.
    pub day: String,
    pub customer_id: i64,
    pub number_id: i64,
    pub carrier_id: i64,
    /// `mt` or `mo`.
    pub direction: String,
    pub received: i64,
    pub fragments: i64,
    pub delivered: i64,
    pub undeliverable: i64,
    pub expired: i64,
    pub rejected: i64,
    pub cancelled: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
