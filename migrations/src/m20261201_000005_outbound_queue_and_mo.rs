//! The outbound queue and 2-way traffic: what a message needs to wait for its carrier
//! (priority, validity, the connector and the carrier's own id once sent), and deliveries to
//! customers that are MO messages as well as receipts.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Messages {
    Table,
    Priority,
    ExpiresAt,
    Connector,
    CarrierMessageId,
    SentAt,
    ReceiptFailureOnly,
}

#[derive(DeriveIden, Clone, Copy)]
enum SmppAccounts {
    Table,
    ReassembleMo,
}

#[derive(DeriveIden, Clone, Copy)]
enum Receipts {
    Table,
    Kind,
    EsmClass,
    DataCoding,
    Payload,
}

/// SQLite takes one ALTER per column.
async fn add(
    manager: &SchemaManager<'_>,
    table: impl IntoIden + 'static,
    column: ColumnDef,
) -> Result<(), DbErr> {
    manager
        .alter_table(Table::alter().table(table).add_column(column).to_owned())
        .await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        add(
            manager,
            Messages::Table,
            small_integer(Messages::Priority).default(0).take(),
        )
        .await?;
        add(
            manager,
            Messages::Table,
            timestamp_with_time_zone_null(Messages::ExpiresAt),
        )
        .await?;
        add(
            manager,
            Messages::Table,
            string_len_null(Messages::Connector, 32),
        )
        .await?;
        add(
            manager,
            Messages::Table,
            string_len_null(Messages::CarrierMessageId, 65),
        )
        .await?;
        add(
            manager,
            Messages::Table,
            timestamp_with_time_zone_null(Messages::SentAt),
        )
        .await?;
        add(
            manager,
            Messages::Table,
            boolean(Messages::ReceiptFailureOnly).default(false).take(),
        )
        .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_messages_carrier_message_id")
                    .table(Messages::Table)
                    .col(Messages::CarrierMessageId)
                    .to_owned(),
            )
            .await?;
        add(
            manager,
            Receipts::Table,
            string_len(Receipts::Kind, 8).default("receipt").take(),
        )
        .await?;
        add(
            manager,
            Receipts::Table,
            small_integer(Receipts::EsmClass).default(4).take(),
        )
        .await?;
        add(
            manager,
            Receipts::Table,
            small_integer(Receipts::DataCoding).default(0).take(),
        )
        .await?;
        add(manager, Receipts::Table, text_null(Receipts::Payload)).await?;
        add(
            manager,
            SmppAccounts::Table,
            boolean(SmppAccounts::ReassembleMo).default(true).take(),
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(SmppAccounts::Table)
                    .drop_column(SmppAccounts::ReassembleMo)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("idx_messages_carrier_message_id")
                    .table(Messages::Table)
                    .to_owned(),
            )
            .await?;
        for column in [
            Messages::Priority,
            Messages::ExpiresAt,
            Messages::Connector,
            Messages::CarrierMessageId,
            Messages::SentAt,
            Messages::ReceiptFailureOnly,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Messages::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        for column in [
            Receipts::Kind,
            Receipts::EsmClass,
            Receipts::DataCoding,
            Receipts::Payload,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Receipts::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
