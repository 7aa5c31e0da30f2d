//! MMS use cases, approved by compliance per customer and sender numbers.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Customers {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum MmsUseCases {
    Table,
    Id,
    CustomerId,
    Description,
    SampleContent,
    /// JSON array of number ids.
    NumberIds,
    /// JSON array of media types.
    MediaTypes,
    ExpectedMonthlyVolume,
    AttExempt,
    AttEvidence,
    Status,
    DecisionReason,
    SubmittedBy,
    DecidedBy,
    SubmittedAt,
    DecidedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use MmsUseCases as U;
        manager
            .create_table(
                Table::create()
                    .table(U::Table)
                    .col(big_integer(U::Id).auto_increment().primary_key())
                    .col(big_integer(U::CustomerId))
                    .col(text(U::Description))
                    .col(text(U::SampleContent))
                    .col(text(U::NumberIds))
                    .col(text(U::MediaTypes))
                    .col(big_integer(U::ExpectedMonthlyVolume))
                    .col(boolean(U::AttExempt))
                    .col(text_null(U::AttEvidence))
                    .col(string_len(U::Status, 12))
                    .col(string_len_null(U::DecisionReason, 500))
                    .col(string_len(U::SubmittedBy, 64))
                    .col(string_len_null(U::DecidedBy, 64))
                    .col(timestamp_with_time_zone(U::SubmittedAt))
                    .col(timestamp_with_time_zone_null(U::DecidedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_mms_use_cases_customer")
                            .from(U::Table, U::CustomerId)
                            .to(Customers::Table, Customers::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_mms_use_cases_customer")
                    .table(U::Table)
                    .col(U::CustomerId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(MmsUseCases::Table).to_owned())
            .await
    }
}
