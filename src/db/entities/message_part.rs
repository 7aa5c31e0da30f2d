//! One MIME part of an MMS: its type and size are kept with the record; its content is
//! purged with the message's content.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "message_parts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub message_id: String,
    /// The part's place in the message, from 0.
    pub seq: i16,
    pub content_type: String,
    pub content_id: Option<String>,
    pub filename: Option<String>,
    pub size_bytes: i64,
    /// None once the content is purged.
    pub content: Option<Vec<u8>>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
