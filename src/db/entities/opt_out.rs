//! A subscriber's STOP for one sender, and the START that lifted it (kept 6 years).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "opt_outs")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The sender's stored address (E.164, short code or ID).
    pub sender: String,
    /// The subscriber's E.164 number.
    pub subscriber: String,
    pub keyword: String,
    pub opted_out_at: DateTimeUtc,
    pub opt_in_keyword: Option<String>,
    /// When set, the opt-out no longer blocks.
    pub opted_in_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
