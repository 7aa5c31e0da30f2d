//! A carrier's taking of a message (ENROUTE): the connector it left by and the carrier's id
//! for it, by which the carrier's receipts find it. A row of its own, written once, so the
//! hot path never rewrites the message it just stored.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "message_handoffs")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub message_id: String,
    pub connector: String,
    /// From the carrier's submit_sm_resp.
    pub carrier_message_id: String,
    /// When the carrier acknowledged it.
    pub sent_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
