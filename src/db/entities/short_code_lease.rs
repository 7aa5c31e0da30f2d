//! A short code's lease: its state, its terms and what maintenance has done.

use sea_orm::entity::prelude::*;

use crate::compliance::leases::LeaseState;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "short_code_leases")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub customer_id: i64,
    /// The short code (a number of kind short_code).
    pub number_id: i64,
    pub state: LeaseState,
    /// A new application after a cancellation: charges the re-application fee too.
    pub reapplication: bool,
    pub applied_at: DateTimeUtc,
    pub activated_on: Option<Date>,
    /// The current term's number (0 before activation).
    pub term: i32,
    pub term_ends_on: Option<Date>,
    pub notice_given_on: Option<Date>,
    /// For NOTICE_GIVEN: the day the lease ends.
    pub ends_on: Option<Date>,
    /// For SUSPENDED: the state it returns to.
    pub suspended_from: Option<LeaseState>,
    pub last_traffic_at: Option<DateTimeUtc>,
    /// Inactivity warnings given for the current silence, e.g. `60,80`.
    pub warned_days: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
