//! Histograms of transmission times per day, customer, number and carrier: `delivery`
//! (submission to DELIVERED) and `ack` (submission to the carrier's acknowledgement);
//! `bucket` is `messaging::analytics::bucket_of` of the milliseconds.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "delivery_times")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub day: String,
    pub customer_id: i64,
    pub number_id: i64,
    pub carrier_id: i64,
    /// `delivery` or `ack`.
    pub measure: String,
    pub bucket: i16,
    pub count: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
