//! A number prefix served by a carrier; the longest matching prefix wins.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "carrier_prefixes")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub prefix: String,
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
