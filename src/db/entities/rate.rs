//! A price per fragment on a rate card, in micro-units.

use sea_orm::entity::prelude::*;

use crate::billing::rating::{Direction, MessageKind};
use crate::compliance::numbers::NumberKind;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "rates")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub rate_card_id: i64,
    pub message_kind: MessageKind,
    pub direction: Direction,
    pub number_kind: NumberKind,
    /// ISO 3166 alpha-2, `*` (any) or `INTL` (the international rate).
    pub jurisdiction: String,
    pub unit_price_micros: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::rate_card::Entity",
        from = "Column::RateCardId",
        to = "super::rate_card::Column::Id"
    )]
    RateCard,
}

impl Related<super::rate_card::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::RateCard.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
