//! A rate card: a customer's prices over a period, or the rack card (no customer).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "rate_cards")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub name: String,
    /// None for the rack card every customer falls back to.
    pub customer_id: Option<i64>,
    pub currency: String,
    pub effective_from: DateTimeUtc,
    /// Exclusive; None while the card runs on.
    pub effective_to: Option<DateTimeUtc>,
    pub non_gsm_international: bool,
    /// User-data header reserved per fragment of a long message (6, or 7 for 16-bit refs).
    pub udh_octets: i16,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::rate::Entity")]
    Rate,
}

impl Related<super::rate::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Rate.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
