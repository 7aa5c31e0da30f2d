//! One charge line of a message, traceable to the rate or fee behind it.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "message_charges")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub message_id: String,
    /// `usage` or `carrier_fee`.
    pub kind: String,
    pub quantity: i32,
    pub unit_price_micros: i64,
    pub amount_micros: i64,
    pub rate_card_id: Option<i64>,
    pub rate_id: Option<i64>,
    pub carrier_fee_id: Option<i64>,
    pub international: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
