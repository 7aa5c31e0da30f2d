//! Carrier filings of short codes, and the one-time charges they cause.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Customers {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum Numbers {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum Carriers {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum CarrierFilings {
    Table,
    Id,
    CustomerId,
    NumberId,
    CarrierId,
    Kind,
    UseCase,
    SampleMessages,
    HelpAnswer,
    StopAnswer,
    Status,
    DecisionReason,
    SubmittedAt,
    DecidedAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum OneTimeCharges {
    Table,
    FilingId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use CarrierFilings as F;
        let fk = |name: &str, column: F, table: DynIden, to: DynIden| {
            ForeignKey::create()
                .name(name)
                .from(F::Table, column)
                .to(table, to)
                .on_delete(ForeignKeyAction::Restrict)
                .take()
        };
        manager
            .create_table(
                Table::create()
                    .table(F::Table)
                    .col(big_integer(F::Id).auto_increment().primary_key())
                    .col(big_integer(F::CustomerId))
                    .col(big_integer(F::NumberId))
                    .col(big_integer(F::CarrierId))
                    .col(string_len(F::Kind, 12))
                    .col(text(F::UseCase))
                    .col(text(F::SampleMessages))
                    .col(string_len(F::HelpAnswer, 160))
                    .col(string_len(F::StopAnswer, 160))
                    .col(string_len(F::Status, 24))
                    .col(string_len_null(F::DecisionReason, 500))
                    .col(timestamp_with_time_zone_null(F::SubmittedAt))
                    .col(timestamp_with_time_zone_null(F::DecidedAt))
                    .col(timestamp_with_time_zone(F::CreatedAt))
                    .col(timestamp_with_time_zone(F::UpdatedAt))
                    .foreign_key(&mut fk(
                        "fk_filings_customer",
                        F::CustomerId,
                        Customers::Table.into_iden(),
                        Customers::Id.into_iden(),
                    ))
                    .foreign_key(&mut fk(
                        "fk_filings_number",
                        F::NumberId,
                        Numbers::Table.into_iden(),
                        Numbers::Id.into_iden(),
                    ))
                    .foreign_key(&mut fk(
                        "fk_filings_carrier",
                        F::CarrierId,
                        Carriers::Table.into_iden(),
                        Carriers::Id.into_iden(),
                    ))
                    .to_owned(),
            )
            .await?;
        for (name, column) in [
            ("idx_filings_customer", F::CustomerId),
            ("idx_filings_number", F::NumberId),
            ("idx_filings_carrier", F::CarrierId),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(F::Table)
                        .col(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(OneTimeCharges::Table)
                    .add_column(big_integer_null(OneTimeCharges::FilingId))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_one_time_charges_filing")
                    .table(OneTimeCharges::Table)
                    .col(OneTimeCharges::FilingId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_one_time_charges_filing")
                    .table(OneTimeCharges::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(OneTimeCharges::Table)
                    .drop_column(OneTimeCharges::FilingId)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(CarrierFilings::Table).to_owned())
            .await
    }
}
