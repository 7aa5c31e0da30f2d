//! A short code's filing with one carrier, for SMS, MMS or both.

use sea_orm::entity::prelude::*;

use crate::compliance::filings::{FilingKind, FilingStatus};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "carrier_filings")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub customer_id: i64,
    pub number_id: i64,
    pub carrier_id: i64,
    pub kind: FilingKind,
    pub use_case: String,
    /// A JSON array of sample messages.
    pub sample_messages: String,
    /// The answer to HELP.
    pub help_answer: String,
    /// The answer to STOP.
    pub stop_answer: String,
    pub status: FilingStatus,
    pub decision_reason: Option<String>,
    pub submitted_at: Option<DateTimeUtc>,
    pub decided_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
