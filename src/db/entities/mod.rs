//! Hand-written sea-orm entities, one file per table. They use domain types for their columns
//! (roles, statuses); the drift test in `tests/it/schema.rs` checks them against the migrations.

pub mod api_key;
pub mod audit_log;
pub mod customer;
