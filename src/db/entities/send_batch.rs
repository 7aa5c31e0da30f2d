//! A bulk upload being sent: who sent it from which number, and what the preview priced it at.

use sea_orm::entity::prelude::*;

use crate::messaging::bulk::BatchState;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "send_batches")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub customer_id: i64,
    pub number_id: i64,
    /// The sending number's stored form.
    pub source: String,
    pub name: String,
    pub file_name: String,
    pub state: BatchState,
    pub total_rows: i32,
    pub currency: String,
    /// The preview's price of the rows it would send, micro-units.
    pub quoted_micros: i64,
    /// The caller that uploaded it (as the audit log names callers).
    pub created_by: String,
    pub created_at: DateTimeUtc,
    pub cancelled_at: Option<DateTimeUtc>,
    pub finished_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::send_batch_row::Entity")]
    Rows,
}

impl Related<super::send_batch_row::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Rows.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
