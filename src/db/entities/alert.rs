//! Something an account manager must know (inactivity, leases, ratio, forecasts); the jobs
//! deliver it by email.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "alerts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub customer_id: i64,
    /// `inactivity_warning`, `inactivity_cancelled`, `lease_renewed`, `lease_ended`, …
    pub kind: String,
    pub subject: String,
    pub detail: String,
    pub lease_id: Option<i64>,
    pub created_at: DateTimeUtc,
    pub acknowledged_at: Option<DateTimeUtc>,
    pub emailed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
