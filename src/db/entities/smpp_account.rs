//! A customer's SMPP bind credentials and session limits.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "smpp_accounts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub customer_id: i64,
    #[sea_orm(unique)]
    pub system_id: String,
    /// Argon2 PHC string; the password itself is never stored.
    pub password_hash: String,
    /// Comma-separated: `transmitter`, `receiver`, `transceiver`.
    pub bind_types: String,
    pub max_binds: i32,
    /// Outstanding requests allowed per bind.
    pub window_size: i32,
    /// Long MO messages are joined into one deliver_sm before delivery.
    pub reassemble_mo: bool,
    /// Comma-separated CIDR networks binds may come from; empty means any.
    pub allowed_networks: String,
    pub enabled: bool,
    pub password_changed_at: DateTimeUtc,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::customer::Entity",
        from = "Column::CustomerId",
        to = "super::customer::Column::Id"
    )]
    Customer,
}

impl ActiveModelBehavior for ActiveModel {}
