//! One row of a bulk upload: what it asked for, and once sent, its message and charge.

use sea_orm::entity::prelude::*;

use crate::messaging::bulk::RowState;
use crate::messaging::status::MessageStatus;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "send_batch_rows")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub batch_id: i64,
    /// The spreadsheet line (the header is line 1).
    pub row_number: i32,
    /// E.164 once it parsed; otherwise as the file gave it.
    pub destination: String,
    /// The text with its merge fields filled in.
    pub text: String,
    pub send_at: Option<DateTimeUtc>,
    pub priority: i16,
    pub fragments: i32,
    pub quoted_micros: i64,
    pub state: RowState,
    /// Why it was skipped or failed.
    pub reason: Option<String>,
    /// Set when the row is claimed, before it is submitted.
    pub message_id: Option<String>,
    pub claimed_at: Option<DateTimeUtc>,
    /// The message's status when it was received (ACCEPTED or REJECTED).
    pub status: Option<MessageStatus>,
    pub charge_micros: Option<i64>,
    pub sent_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::send_batch::Entity",
        from = "Column::BatchId",
        to = "super::send_batch::Column::Id"
    )]
    Batch,
}

impl Related<super::send_batch::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Batch.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
