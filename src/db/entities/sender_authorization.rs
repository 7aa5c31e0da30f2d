//! Evidence that an alphanumeric sender authorized the customer to use its name.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sender_authorizations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub number_id: i64,
    /// Where the evidence is: a document or ticket reference.
    pub reference: String,
    /// Who, at the sender, granted it.
    pub granted_by: String,
    pub granted_at: DateTimeUtc,
    /// The API actor who recorded it.
    pub recorded_by: String,
    pub recorded_at: DateTimeUtc,
    pub withdrawn_by: Option<String>,
    pub withdrawn_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::number::Entity",
        from = "Column::NumberId",
        to = "super::number::Column::Id"
    )]
    Number,
}

impl Related<super::number::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Number.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
