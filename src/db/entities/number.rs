//! A messaging number or sender ID owned by a customer.

use sea_orm::entity::prelude::*;

use crate::compliance::numbers::{NumberKind, ShortCodeType};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "numbers")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub customer_id: i64,
    pub kind: NumberKind,
    /// E.164, short code digits or the alphanumeric ID.
    #[sea_orm(unique)]
    pub address: String,
    pub country: Option<String>,
    pub short_code_type: Option<ShortCodeType>,
    /// 2-way numbers receive MO messages; 1-way numbers do not.
    pub two_way: bool,
    pub sms_enabled: bool,
    pub mms_enabled: bool,
    /// Who attested that the customer legitimately owns the number.
    pub attested_by: Option<String>,
    pub attested_at: Option<DateTimeUtc>,
    /// Overrides of the kind's throttle defaults.
    pub per_second_limit: Option<i32>,
    pub per_day_limit: Option<i64>,
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
    #[sea_orm(has_many = "super::sender_authorization::Entity")]
    SenderAuthorization,
}

impl Related<super::customer::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Customer.def()
    }
}

impl Related<super::sender_authorization::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::SenderAuthorization.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
