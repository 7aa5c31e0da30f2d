//! A ratio level (warning or breach) a customer reached in one AT&T 90-day cycle: recorded
//! once, so each is alerted once per cycle.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "att_ratio_alerts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub customer_id: i64,
    pub cycle_start: Date,
    /// `warning` or `breach`.
    pub level: String,
    /// The counts when it was reached.
    pub outgoing: i64,
    pub incoming: i64,
    pub recorded_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
