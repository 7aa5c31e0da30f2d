//! A one-time charge, dated when its event happened; billed by invoicing like message
//! charges (integer micro-units).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "one_time_charges")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub customer_id: i64,
    pub kind: String,
    pub description: String,
    pub quantity: i32,
    pub unit_price_micros: i64,
    pub amount_micros: i64,
    pub currency: String,
    pub incurred_at: DateTimeUtc,
    pub lease_id: Option<i64>,
    pub created_at: DateTimeUtc,
    pub filing_id: Option<i64>,
    /// The issued invoice that billed it; none while unbilled.
    pub invoice_id: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
