//! Delivery analytics kept current by the message writer: per day, customer, number, carrier
//! and direction, the counts by outcome, and histograms of the time to the carrier's
//! acknowledgement and to delivery.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum DeliveryDaily {
    Table,
    Id,
    Day,
    CustomerId,
    NumberId,
    CarrierId,
    Direction,
    Received,
    Fragments,
    Delivered,
    Undeliverable,
    Expired,
    Rejected,
    Cancelled,
}

#[derive(DeriveIden, Clone, Copy)]
enum DeliveryTimes {
    Table,
    Id,
    Day,
    CustomerId,
    NumberId,
    CarrierId,
    Measure,
    Bucket,
    Count,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(DeliveryDaily::Table)
                    .col(
                        big_integer(DeliveryDaily::Id)
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(string_len(DeliveryDaily::Day, 10))
                    .col(big_integer(DeliveryDaily::CustomerId))
                    .col(big_integer(DeliveryDaily::NumberId))
                    .col(big_integer(DeliveryDaily::CarrierId))
                    .col(string_len(DeliveryDaily::Direction, 8))
                    .col(big_integer(DeliveryDaily::Received))
                    .col(big_integer(DeliveryDaily::Fragments))
                    .col(big_integer(DeliveryDaily::Delivered))
                    .col(big_integer(DeliveryDaily::Undeliverable))
                    .col(big_integer(DeliveryDaily::Expired))
                    .col(big_integer(DeliveryDaily::Rejected))
                    .col(big_integer(DeliveryDaily::Cancelled))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_delivery_daily_key")
                    .table(DeliveryDaily::Table)
                    .col(DeliveryDaily::Day)
                    .col(DeliveryDaily::CustomerId)
                    .col(DeliveryDaily::NumberId)
                    .col(DeliveryDaily::CarrierId)
                    .col(DeliveryDaily::Direction)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(DeliveryTimes::Table)
                    .col(
                        big_integer(DeliveryTimes::Id)
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(string_len(DeliveryTimes::Day, 10))
                    .col(big_integer(DeliveryTimes::CustomerId))
                    .col(big_integer(DeliveryTimes::NumberId))
                    .col(big_integer(DeliveryTimes::CarrierId))
                    .col(string_len(DeliveryTimes::Measure, 8))
                    .col(small_integer(DeliveryTimes::Bucket))
                    .col(big_integer(DeliveryTimes::Count))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_delivery_times_key")
                    .table(DeliveryTimes::Table)
                    .col(DeliveryTimes::Day)
                    .col(DeliveryTimes::CustomerId)
                    .col(DeliveryTimes::NumberId)
                    .col(DeliveryTimes::CarrierId)
                    .col(DeliveryTimes::Measure)
                    .col(DeliveryTimes::Bucket)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            DeliveryTimes::Table.into_iden(),
            DeliveryDaily::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
