//! A one-time price (set-up, leasing per term, migration, filing, re-application,
//! surcharge), effective-dated; rack when `customer_id` is none.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "one_time_prices")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub customer_id: Option<i64>,
    pub currency: String,
    pub kind: String,
    /// `random` or `vanity` for leasing and set-up; empty otherwise.
    pub variant: String,
    pub unit_price_micros: i64,
    pub effective_from: DateTimeUtc,
    pub effective_to: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
