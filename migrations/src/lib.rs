//! Schema migrations of the back office, applied in order on SQLite and PostgreSQL.
//!
//! Migrations never import the service's entities: each one describes the tables as they were
//! when it was written, so history does not change when an entity does.

pub use sea_orm_migration::prelude::*;

mod m20261122_000001_create_customers_api_keys_audit_log;
mod m20261122_000002_create_master_data;
mod m20261122_000003_create_rate_cards;
mod m20261122_000004_create_messages;
mod m20261201_000005_outbound_queue_and_mo;
mod m20261201_000006_delivery_stats;
mod m20261201_000007_leases;
mod m20261201_000008_carrier_filings;
mod m20261201_000009_forecasts;
mod m20261201_000010_mms_use_cases;
mod m20261201_000011_mms;
mod m20261201_000012_invoices;
mod m20261201_000013_billing_daily;
mod m20261201_000014_jobs_alerts;
mod m20261201_000015_send_batches;
mod m20261201_000016_api_key_email;
mod m20261201_000017_open_messages_index;
mod m20261202_000018_message_handoffs;

pub use m20261201_000013_billing_daily::billing_daily_backfill;

/// Every migration, oldest first.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261122_000001_create_customers_api_keys_audit_log::Migration),
            Box::new(m20261122_000002_create_master_data::Migration),
            Box::new(m20261122_000003_create_rate_cards::Migration),
            Box::new(m20261122_000004_create_messages::Migration),
            Box::new(m20261201_000005_outbound_queue_and_mo::Migration),
            Box::new(m20261201_000006_delivery_stats::Migration),
            Box::new(m20261201_000007_leases::Migration),
            Box::new(m20261201_000008_carrier_filings::Migration),
            Box::new(m20261201_000009_forecasts::Migration),
            Box::new(m20261201_000010_mms_use_cases::Migration),
            Box::new(m20261201_000011_mms::Migration),
            Box::new(m20261201_000012_invoices::Migration),
            Box::new(m20261201_000013_billing_daily::Migration),
            Box::new(m20261201_000014_jobs_alerts::Migration),
            Box::new(m20261201_000015_send_batches::Migration),
            Box::new(m20261201_000016_api_key_email::Migration),
            Box::new(m20261201_000017_open_messages_index::Migration),
            Box::new(m20261202_000018_message_handoffs::Migration),
        ]
    }
}
