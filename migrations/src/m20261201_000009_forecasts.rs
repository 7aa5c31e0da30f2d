//! Quarterly forecasts of short codes; every revision is a row, the newest is in force.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Numbers {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum Forecasts {
    Table,
    Id,
    CustomerId,
    NumberId,
    Quarter,
    Revision,
    ExpectedMessages,
    HourlyPattern,
    PeakPerSecond,
    Note,
    SubmittedBy,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use Forecasts as F;
        manager
            .create_table(
                Table::create()
                    .table(F::Table)
                    .col(big_integer(F::Id).auto_increment().primary_key())
                    .col(big_integer(F::CustomerId))
                    .col(big_integer(F::NumberId))
                    .col(string_len(F::Quarter, 7))
                    .col(integer(F::Revision))
                    .col(big_integer(F::ExpectedMessages))
                    .col(text(F::HourlyPattern))
                    .col(big_integer(F::PeakPerSecond))
                    .col(text_null(F::Note))
                    .col(string_len(F::SubmittedBy, 64))
                    .col(timestamp_with_time_zone(F::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_forecasts_number")
                            .from(F::Table, F::NumberId)
                            .to(Numbers::Table, Numbers::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_forecasts_revision")
                    .table(F::Table)
                    .col(F::NumberId)
                    .col(F::Quarter)
                    .col(F::Revision)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_forecasts_customer")
                    .table(F::Table)
                    .col(F::CustomerId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Forecasts::Table).to_owned())
            .await
    }
}
