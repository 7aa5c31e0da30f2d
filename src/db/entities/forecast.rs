//! One revision of a short code's quarterly forecast (non-binding); the newest is in force.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "forecasts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub customer_id: i64,
    pub number_id: i64,
    /// `2026-Q4`.
    pub quarter: String,
    /// 1 for the first submission, then one more per revision.
    pub revision: i32,
    pub expected_messages: i64,
    /// A JSON array of 24 decimal strings: each hour's (UTC) share of the traffic.
    pub hourly_pattern: String,
    pub peak_per_second: i64,
    pub note: Option<String>,
    pub submitted_by: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
