//! MMS: the parts of each MMS, customers' MM7 credentials, the use case a message was sent
//! under (for the AT&T ratio's exemptions) and the ratio alerts already raised per cycle.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Customers {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum Messages {
    Table,
    UseCaseId,
    Subject,
}

#[derive(DeriveIden, Clone, Copy)]
enum MessageParts {
    Table,
    Id,
    MessageId,
    Seq,
    ContentType,
    ContentId,
    Filename,
    SizeBytes,
    Content,
}

#[derive(DeriveIden, Clone, Copy)]
enum Mm7Accounts {
    Table,
    Id,
    CustomerId,
    Username,
    PasswordHash,
    VaspId,
    VasId,
    DeliveryUrl,
    Enabled,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum AttRatioAlerts {
    Table,
    Id,
    CustomerId,
    CycleStart,
    Level,
    Outgoing,
    Incoming,
    RecordedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            big_integer_null(Messages::UseCaseId).take(),
            text_null(Messages::Subject).take(),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Messages::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        use MessageParts as P;
        manager
            .create_table(
                Table::create()
                    .table(P::Table)
                    .col(big_integer(P::Id).auto_increment().primary_key())
                    .col(string_len(P::MessageId, 32))
                    .col(small_integer(P::Seq))
                    .col(string_len(P::ContentType, 128))
                    .col(string_len_null(P::ContentId, 256))
                    .col(string_len_null(P::Filename, 256))
                    .col(big_integer(P::SizeBytes))
                    .col(blob_null(P::Content))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_message_parts_message")
                    .table(P::Table)
                    .col(P::MessageId)
                    .col(P::Seq)
                    .unique()
                    .to_owned(),
            )
            .await?;
        use Mm7Accounts as A;
        manager
            .create_table(
                Table::create()
                    .table(A::Table)
                    .col(big_integer(A::Id).auto_increment().primary_key())
                    .col(big_integer(A::CustomerId))
                    .col(string_len(A::Username, 64).unique_key())
                    .col(string_len(A::PasswordHash, 256))
                    .col(string_len(A::VaspId, 64))
                    .col(string_len_null(A::VasId, 64))
                    .col(string_len_null(A::DeliveryUrl, 1000))
                    .col(boolean(A::Enabled))
                    .col(timestamp_with_time_zone(A::CreatedAt))
                    .col(timestamp_with_time_zone(A::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_mm7_accounts_customer")
                            .from(A::Table, A::CustomerId)
                            .to(Customers::Table, Customers::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_mm7_accounts_customer")
                    .table(A::Table)
                    .col(A::CustomerId)
                    .to_owned(),
            )
            .await?;
        use AttRatioAlerts as R;
        manager
            .create_table(
                Table::create()
                    .table(R::Table)
                    .col(big_integer(R::Id).auto_increment().primary_key())
                    .col(big_integer(R::CustomerId))
                    .col(date(R::CycleStart))
                    .col(string_len(R::Level, 8))
                    .col(big_integer(R::Outgoing))
                    .col(big_integer(R::Incoming))
                    .col(timestamp_with_time_zone(R::RecordedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_att_ratio_alerts_customer")
                            .from(R::Table, R::CustomerId)
                            .to(Customers::Table, Customers::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_att_ratio_alerts_cycle")
                    .table(R::Table)
                    .col(R::CustomerId)
                    .col(R::CycleStart)
                    .col(R::Level)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            AttRatioAlerts::Table.into_iden(),
            Mm7Accounts::Table.into_iden(),
            MessageParts::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        for column in [Messages::Subject, Messages::UseCaseId] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Messages::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
