//! The contract's master data: numbers and sender IDs, sender authorizations, carriers and
//! their routes, SMPP accounts and the opt-out registry.

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
    CustomerId,
    Kind,
    Address,
    Country,
    ShortCodeType,
    TwoWay,
    SmsEnabled,
    MmsEnabled,
    AttestedBy,
    AttestedAt,
    PerSecondLimit,
    PerDayLimit,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum SenderAuthorizations {
    Table,
    Id,
    NumberId,
    Reference,
    GrantedBy,
    GrantedAt,
    RecordedBy,
    RecordedAt,
    WithdrawnBy,
    WithdrawnAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Carriers {
    Table,
    Id,
    Code,
    Name,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum CarrierPrefixes {
    Table,
    Id,
    Prefix,
    CarrierId,
}

#[derive(DeriveIden, Clone, Copy)]
enum PortedNumbers {
    Table,
    Id,
    Number,
    CarrierId,
}

#[derive(DeriveIden, Clone, Copy)]
enum SmppAccounts {
    Table,
    Id,
    CustomerId,
    SystemId,
    PasswordHash,
    BindTypes,
    MaxBinds,
    WindowSize,
    AllowedNetworks,
    Enabled,
    PasswordChangedAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum OptOuts {
    Table,
    Id,
    Sender,
    Subscriber,
    Keyword,
    OptedOutAt,
    OptInKeyword,
    OptedInAt,
}

fn id_column<T: IntoIden>(name: T) -> ColumnDef {
    big_integer(name).auto_increment().primary_key().take()
}

fn foreign_key<T: IntoIden + Copy + 'static, R: IntoIden + Copy + 'static>(
    name: &str,
    table: T,
    column: T,
    to_table: R,
    to_column: R,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(table, column)
        .to(to_table, to_column)
        .on_delete(ForeignKeyAction::Restrict)
        .take()
}

fn index<T: IntoIden + Copy + 'static>(
    name: &str,
    table: T,
    columns: &[T],
) -> IndexCreateStatement {
    let mut index = Index::create().name(name).table(table).take();
    for column in columns {
        index.col(*column);
    }
    index
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Numbers::Table)
                    .col(id_column(Numbers::Id))
                    .col(big_integer(Numbers::CustomerId))
                    .col(string_len(Numbers::Kind, 16))
                    .col(string_len_uniq(Numbers::Address, 16))
                    .col(string_len_null(Numbers::Country, 2))
                    .col(string_len_null(Numbers::ShortCodeType, 8))
                    .col(boolean(Numbers::TwoWay))
                    .col(boolean(Numbers::SmsEnabled))
                    .col(boolean(Numbers::MmsEnabled))
                    .col(string_len_null(Numbers::AttestedBy, 200))
                    .col(timestamp_with_time_zone_null(Numbers::AttestedAt))
                    .col(integer_null(Numbers::PerSecondLimit))
                    .col(big_integer_null(Numbers::PerDayLimit))
                    .col(timestamp_with_time_zone(Numbers::CreatedAt))
                    .col(timestamp_with_time_zone(Numbers::UpdatedAt))
                    .foreign_key(&mut foreign_key(
                        "fk_numbers_customer",
                        Numbers::Table,
                        Numbers::CustomerId,
                        Customers::Table,
                        Customers::Id,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_numbers_customer_id",
                Numbers::Table,
                &[Numbers::CustomerId],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(SenderAuthorizations::Table)
                    .col(id_column(SenderAuthorizations::Id))
                    .col(big_integer(SenderAuthorizations::NumberId))
                    .col(string_len(SenderAuthorizations::Reference, 200))
                    .col(string_len(SenderAuthorizations::GrantedBy, 200))
                    .col(timestamp_with_time_zone(SenderAuthorizations::GrantedAt))
                    .col(string_len(SenderAuthorizations::RecordedBy, 64))
                    .col(timestamp_with_time_zone(SenderAuthorizations::RecordedAt))
                    .col(string_len_null(SenderAuthorizations::WithdrawnBy, 64))
                    .col(timestamp_with_time_zone_null(
                        SenderAuthorizations::WithdrawnAt,
                    ))
                    .foreign_key(&mut foreign_key(
                        "fk_sender_authorizations_number",
                        SenderAuthorizations::Table,
                        SenderAuthorizations::NumberId,
                        Numbers::Table,
                        Numbers::Id,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_sender_authorizations_number_id",
                SenderAuthorizations::Table,
                &[SenderAuthorizations::NumberId],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Carriers::Table)
                    .col(id_column(Carriers::Id))
                    .col(string_len_uniq(Carriers::Code, 16))
                    .col(string_len(Carriers::Name, 200))
                    .col(timestamp_with_time_zone(Carriers::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CarrierPrefixes::Table)
                    .col(id_column(CarrierPrefixes::Id))
                    .col(string_len_uniq(CarrierPrefixes::Prefix, 16))
                    .col(big_integer(CarrierPrefixes::CarrierId))
                    .foreign_key(&mut foreign_key(
                        "fk_carrier_prefixes_carrier",
                        CarrierPrefixes::Table,
                        CarrierPrefixes::CarrierId,
                        Carriers::Table,
                        Carriers::Id,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_carrier_prefixes_carrier_id",
                CarrierPrefixes::Table,
                &[CarrierPrefixes::CarrierId],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PortedNumbers::Table)
                    .col(id_column(PortedNumbers::Id))
                    .col(string_len_uniq(PortedNumbers::Number, 16))
                    .col(big_integer(PortedNumbers::CarrierId))
                    .foreign_key(&mut foreign_key(
                        "fk_ported_numbers_carrier",
                        PortedNumbers::Table,
                        PortedNumbers::CarrierId,
                        Carriers::Table,
                        Carriers::Id,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_ported_numbers_carrier_id",
                PortedNumbers::Table,
                &[PortedNumbers::CarrierId],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(SmppAccounts::Table)
                    .col(id_column(SmppAccounts::Id))
                    .col(big_integer(SmppAccounts::CustomerId))
                    .col(string_len_uniq(SmppAccounts::SystemId, 16))
                    .col(text(SmppAccounts::PasswordHash))
                    .col(string_len(SmppAccounts::BindTypes, 64))
                    .col(integer(SmppAccounts::MaxBinds))
                    .col(integer(SmppAccounts::WindowSize))
                    .col(text(SmppAccounts::AllowedNetworks))
                    .col(boolean(SmppAccounts::Enabled))
                    .col(timestamp_with_time_zone(SmppAccounts::PasswordChangedAt))
                    .col(timestamp_with_time_zone(SmppAccounts::CreatedAt))
                    .col(timestamp_with_time_zone(SmppAccounts::UpdatedAt))
                    .foreign_key(&mut foreign_key(
                        "fk_smpp_accounts_customer",
                        SmppAccounts::Table,
                        SmppAccounts::CustomerId,
                        Customers::Table,
                        Customers::Id,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_smpp_accounts_customer_id",
                SmppAccounts::Table,
                &[SmppAccounts::CustomerId],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(OptOuts::Table)
                    .col(id_column(OptOuts::Id))
                    .col(string_len(OptOuts::Sender, 16))
                    .col(string_len(OptOuts::Subscriber, 16))
                    .col(string_len(OptOuts::Keyword, 32))
                    .col(timestamp_with_time_zone(OptOuts::OptedOutAt))
                    .col(string_len_null(OptOuts::OptInKeyword, 32))
                    .col(timestamp_with_time_zone_null(OptOuts::OptedInAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_opt_outs_sender_subscriber",
                OptOuts::Table,
                &[OptOuts::Sender, OptOuts::Subscriber],
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            OptOuts::Table.into_iden(),
            SmppAccounts::Table.into_iden(),
            PortedNumbers::Table.into_iden(),
            CarrierPrefixes::Table.into_iden(),
            Carriers::Table.into_iden(),
            SenderAuthorizations::Table.into_iden(),
            Numbers::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
