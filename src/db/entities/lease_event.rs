//! One transition of a lease: who, when, why.

use sea_orm::entity::prelude::*;

use crate::compliance::leases::LeaseState;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "lease_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub lease_id: i64,
    pub from_state: Option<LeaseState>,
    pub to_state: LeaseState,
    pub actor: String,
    pub reason: Option<String>,
    pub at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
