//! An API key: a role, optionally bound to one customer. Only a SHA-256 hash of the secret is
//! kept; the secret is shown once when the key is created.

use sea_orm::entity::prelude::*;

use crate::auth::Role;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "api_keys")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub name: String,
    pub role: Role,
    /// Set exactly when the role is `customer`.
    pub customer_id: Option<i64>,
    /// The first characters of the secret, so people can tell their keys apart.
    pub key_prefix: String,
    #[sea_orm(unique)]
    pub key_hash: String,
    pub created_at: DateTimeUtc,
    pub revoked_at: Option<DateTimeUtc>,
    /// For an account manager's key, the manager's email as customers record it: the key
    /// then sees that manager's customers' alerts. None: a team-wide key.
    pub email: Option<String>,
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

impl Related<super::customer::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Customer.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
