//! Bulk sending: a batch uploaded from a spreadsheet and its rows, each sent once through
//! admission. A row holds its message id from the moment it is claimed, so a restart can tell
//! a row that was sent from one that was not.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Customers {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum SendBatches {
    Table,
    Id,
    CustomerId,
    NumberId,
    Source,
    Name,
    FileName,
    State,
    TotalRows,
    Currency,
    QuotedMicros,
    CreatedBy,
    CreatedAt,
    CancelledAt,
    FinishedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum SendBatchRows {
    Table,
    Id,
    BatchId,
    RowNumber,
    Destination,
    Text,
    SendAt,
    Priority,
    Fragments,
    QuotedMicros,
    State,
    Reason,
    MessageId,
    ClaimedAt,
    Status,
    ChargeMicros,
    SentAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use SendBatches as B;
        manager
            .create_table(
                Table::create()
                    .table(B::Table)
                    .col(big_integer(B::Id).auto_increment().primary_key())
                    .col(big_integer(B::CustomerId))
                    .col(big_integer(B::NumberId))
                    .col(string_len(B::Source, 32))
                    .col(string_len(B::Name, 200))
                    .col(string_len(B::FileName, 255))
                    .col(string_len(B::State, 12))
                    .col(integer(B::TotalRows))
                    .col(string_len(B::Currency, 3))
                    .col(big_integer(B::QuotedMicros))
                    .col(string_len(B::CreatedBy, 200))
                    .col(timestamp_with_time_zone(B::CreatedAt))
                    .col(timestamp_with_time_zone_null(B::CancelledAt))
                    .col(timestamp_with_time_zone_null(B::FinishedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_send_batches_customer")
                            .from(B::Table, B::CustomerId)
                            .to(Customers::Table, Customers::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_send_batches_state")
                    .table(B::Table)
                    .col(B::State)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_send_batches_customer")
                    .table(B::Table)
                    .col(B::CustomerId)
                    .col(B::Id)
                    .to_owned(),
            )
            .await?;
        use SendBatchRows as R;
        manager
            .create_table(
                Table::create()
                    .table(R::Table)
                    .col(big_integer(R::Id).auto_increment().primary_key())
                    .col(big_integer(R::BatchId))
                    .col(integer(R::RowNumber))
                    .col(string_len(R::Destination, 64))
                    .col(text(R::Text))
                    .col(timestamp_with_time_zone_null(R::SendAt))
                    .col(small_integer(R::Priority))
                    .col(integer(R::Fragments))
                    .col(big_integer(R::QuotedMicros))
                    .col(string_len(R::State, 12))
                    .col(text_null(R::Reason))
                    .col(string_len_null(R::MessageId, 64))
                    .col(timestamp_with_time_zone_null(R::ClaimedAt))
                    .col(string_len_null(R::Status, 16))
                    .col(big_integer_null(R::ChargeMicros))
                    .col(timestamp_with_time_zone_null(R::SentAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_send_batch_rows_batch")
                            .from(R::Table, R::BatchId)
                            .to(B::Table, B::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_send_batch_rows_batch_row")
                    .table(R::Table)
                    .col(R::BatchId)
                    .col(R::RowNumber)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_send_batch_rows_batch_state")
                    .table(R::Table)
                    .col(R::BatchId)
                    .col(R::State)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(SendBatchRows::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(SendBatches::Table).to_owned())
            .await
    }
}
