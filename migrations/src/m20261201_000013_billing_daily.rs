//! The billing roll-up: per customer, currency, UTC day and invoice line key, the charges'
//! quantity and amount, kept current by the message writer in the same transaction as the
//! messages. An invoice run reads it instead of every record; `invoice_id` 0 is unbilled, and
//! issuing moves the rows it bills to its invoice (the records stay the drill-down).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum BillingDaily {
    Table,
    Id,
    CustomerId,
    Currency,
    Day,
    InvoiceId,
    ChargeKind,
    MessageKind,
    Direction,
    NumberKind,
    Country,
    CarrierId,
    UnitPriceMicros,
    Records,
    Quantity,
    AmountMicros,
}

/// Fills the roll-up from the stored records (a database migrated before it existed, or
/// records written by a bulk load). Idempotent only on an empty roll-up.
pub fn billing_daily_backfill(backend: sea_orm::DbBackend) -> String {
    let day = match backend {
        sea_orm::DbBackend::Postgres => "to_char(m.submitted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')",
        // Timestamps are ISO 8601 text in UTC there.
        _ => "substr(m.submitted_at, 1, 10)",
    };
    format!(
        "INSERT INTO billing_daily (customer_id, currency, day, invoice_id, charge_kind, \
         message_kind, direction, number_kind, country, carrier_id, unit_price_micros, records, \
         quantity, amount_micros) \
         SELECT m.customer_id, m.currency, {day}, COALESCE(m.invoice_id, 0), c.kind, m.kind, \
         m.direction, m.number_kind, COALESCE(m.destination_country, ''), \
         COALESCE(m.carrier_id, 0), c.unit_price_micros, COUNT(*), SUM(c.quantity), \
         SUM(c.amount_micros) \
         FROM message_charges c JOIN messages m ON m.message_id = c.message_id \
         GROUP BY m.customer_id, m.currency, {day}, COALESCE(m.invoice_id, 0), c.kind, m.kind, \
         m.direction, m.number_kind, COALESCE(m.destination_country, ''), \
         COALESCE(m.carrier_id, 0), c.unit_price_micros"
    )
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use BillingDaily as B;
        manager
            .create_table(
                Table::create()
                    .table(B::Table)
                    .col(big_integer(B::Id).auto_increment().primary_key())
                    .col(big_integer(B::CustomerId))
                    .col(string_len(B::Currency, 3))
                    .col(string_len(B::Day, 10))
                    .col(big_integer(B::InvoiceId))
                    .col(string_len(B::ChargeKind, 16))
                    .col(string_len(B::MessageKind, 8))
                    .col(string_len(B::Direction, 8))
                    .col(string_len(B::NumberKind, 16))
                    .col(string_len(B::Country, 2))
                    .col(big_integer(B::CarrierId))
                    .col(big_integer(B::UnitPriceMicros))
                    .col(big_integer(B::Records))
                    .col(big_integer(B::Quantity))
                    .col(big_integer(B::AmountMicros))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_billing_daily_key")
                    .table(B::Table)
                    .col(B::CustomerId)
                    .col(B::Currency)
                    .col(B::Day)
                    .col(B::InvoiceId)
                    .col(B::ChargeKind)
                    .col(B::MessageKind)
                    .col(B::Direction)
                    .col(B::NumberKind)
                    .col(B::Country)
                    .col(B::CarrierId)
                    .col(B::UnitPriceMicros)
                    .unique()
                    .to_owned(),
            )
            .await?;
        // A period-wide run reads the unbilled rows of a range of days.
        manager
            .create_index(
                Index::create()
                    .name("idx_billing_daily_unbilled")
                    .table(B::Table)
                    .col(B::InvoiceId)
                    .col(B::Day)
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        db.execute_unprepared(&billing_daily_backfill(db.get_database_backend()))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(BillingDaily::Table).to_owned())
            .await
    }
}
