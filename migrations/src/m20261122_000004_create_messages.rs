//! Messages (detail record and content), their charge lines, and delivery receipts waiting
//! for a receiver bind.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Messages {
    Table,
    Id,
    MessageId,
    CustomerId,
    Direction,
    Kind,
    NumberId,
    NumberKind,
    Source,
    Destination,
    DestinationCountry,
    CarrierId,
    Status,
    RejectReason,
    ErrorCode,
    DataCoding,
    Encoding,
    FragmentCount,
    Body,
    ConcatRef,
    ConcatTotal,
    ConcatSeq,
    RegisteredDelivery,
    ChargeMicros,
    Currency,
    SubmittedAt,
    DoneAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum MessageCharges {
    Table,
    Id,
    MessageId,
    Kind,
    Quantity,
    UnitPriceMicros,
    AmountMicros,
    RateCardId,
    RateId,
    CarrierFeeId,
    International,
}

#[derive(DeriveIden, Clone, Copy)]
enum Receipts {
    Table,
    Id,
    MessageId,
    CustomerId,
    Source,
    Destination,
    Text,
    MessageState,
    State,
    Attempts,
    CreatedAt,
    SentAt,
    AckedAt,
}

fn id_column<T: IntoIden>(name: T) -> ColumnDef {
    big_integer(name).auto_increment().primary_key().take()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Messages::Table)
                    .col(id_column(Messages::Id))
                    .col(string_len_uniq(Messages::MessageId, 32))
                    .col(big_integer(Messages::CustomerId))
                    .col(string_len(Messages::Direction, 8))
                    .col(string_len(Messages::Kind, 8))
                    .col(big_integer_null(Messages::NumberId))
                    .col(string_len(Messages::NumberKind, 16))
                    .col(string_len(Messages::Source, 32))
                    .col(string_len(Messages::Destination, 32))
                    .col(string_len_null(Messages::DestinationCountry, 2))
                    .col(big_integer_null(Messages::CarrierId))
                    .col(string_len(Messages::Status, 16))
                    .col(string_len_null(Messages::RejectReason, 200))
                    .col(integer_null(Messages::ErrorCode))
                    .col(small_integer(Messages::DataCoding))
                    .col(string_len(Messages::Encoding, 8))
                    .col(integer(Messages::FragmentCount))
                    .col(text_null(Messages::Body))
                    .col(integer_null(Messages::ConcatRef))
                    .col(small_integer_null(Messages::ConcatTotal))
                    .col(small_integer_null(Messages::ConcatSeq))
                    .col(boolean(Messages::RegisteredDelivery))
                    .col(big_integer(Messages::ChargeMicros))
                    .col(string_len(Messages::Currency, 3))
                    .col(timestamp_with_time_zone(Messages::SubmittedAt))
                    .col(timestamp_with_time_zone_null(Messages::DoneAt))
                    .col(timestamp_with_time_zone(Messages::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        for (name, columns) in [
            (
                "idx_messages_customer_submitted",
                vec![Messages::CustomerId, Messages::SubmittedAt],
            ),
            ("idx_messages_status", vec![Messages::Status]),
            ("idx_messages_number_id", vec![Messages::NumberId]),
        ] {
            let mut index = Index::create().name(name).table(Messages::Table).to_owned();
            for column in columns {
                index.col(column);
            }
            manager.create_index(index).await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(MessageCharges::Table)
                    .col(id_column(MessageCharges::Id))
                    .col(string_len(MessageCharges::MessageId, 32))
                    .col(string_len(MessageCharges::Kind, 16))
                    .col(integer(MessageCharges::Quantity))
                    .col(big_integer(MessageCharges::UnitPriceMicros))
                    .col(big_integer(MessageCharges::AmountMicros))
                    .col(big_integer_null(MessageCharges::RateCardId))
                    .col(big_integer_null(MessageCharges::RateId))
                    .col(big_integer_null(MessageCharges::CarrierFeeId))
                    .col(boolean(MessageCharges::International))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_message_charges_message_id")
                    .table(MessageCharges::Table)
                    .col(MessageCharges::MessageId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Receipts::Table)
                    .col(id_column(Receipts::Id))
                    .col(string_len(Receipts::MessageId, 32))
                    .col(big_integer(Receipts::CustomerId))
                    .col(string_len(Receipts::Source, 32))
                    .col(string_len(Receipts::Destination, 32))
                    .col(string_len(Receipts::Text, 200))
                    .col(small_integer(Receipts::MessageState))
                    .col(string_len(Receipts::State, 8))
                    .col(integer(Receipts::Attempts))
                    .col(timestamp_with_time_zone(Receipts::CreatedAt))
                    .col(timestamp_with_time_zone_null(Receipts::SentAt))
                    .col(timestamp_with_time_zone_null(Receipts::AckedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_receipts_customer_state")
                    .table(Receipts::Table)
                    .col(Receipts::CustomerId)
                    .col(Receipts::State)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Receipts::Table.into_iden(),
            MessageCharges::Table.into_iden(),
            Messages::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
