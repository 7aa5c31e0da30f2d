//! An issued invoice sent to the customer's billing email: when, to whom, and how it went.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "invoice_emails")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub invoice_id: i64,
    pub recipient: String,
    pub sent_at: DateTimeUtc,
    /// `sent` or `failed`.
    pub outcome: String,
    /// Where it went (the outbox file, the SMTP answer) or why it failed.
    pub reference: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
