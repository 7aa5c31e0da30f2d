//! A number ported away from its prefix's carrier: its own entry overrides the prefix table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "ported_numbers")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub number: String,
    pub carrier_id: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::carrier::Entity",
        from = "Column::CarrierId",
        to = "super::carrier::Column::Id"
    )]
    Carrier,
}

impl ActiveModelBehavior for ActiveModel {}
