//! Rate cards with their per-fragment rates, and carrier pass-through fees. Money columns are
//! integer micro-units (10^-6 of the currency unit).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Customers {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum Carriers {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum RateCards {
    Table,
    Id,
    Name,
    CustomerId,
    Currency,
    EffectiveFrom,
    EffectiveTo,
    NonGsmInternational,
    UdhOctets,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Rates {
    Table,
    Id,
    RateCardId,
    MessageKind,
    Direction,
    NumberKind,
    Jurisdiction,
    UnitPriceMicros,
}

#[derive(DeriveIden, Clone, Copy)]
enum CarrierFees {
    Table,
    Id,
    CarrierId,
    MessageKind,
    Direction,
    Currency,
    PerMessageMicros,
    PerFilingMicros,
    EffectiveFrom,
    EffectiveTo,
    CreatedAt,
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
                    .table(RateCards::Table)
                    .col(id_column(RateCards::Id))
                    .col(string_len(RateCards::Name, 200))
                    .col(big_integer_null(RateCards::CustomerId))
                    .col(string_len(RateCards::Currency, 3))
                    .col(timestamp_with_time_zone(RateCards::EffectiveFrom))
                    .col(timestamp_with_time_zone_null(RateCards::EffectiveTo))
                    .col(boolean(RateCards::NonGsmInternational))
                    .col(small_integer(RateCards::UdhOctets))
                    .col(timestamp_with_time_zone(RateCards::CreatedAt))
                    .col(timestamp_with_time_zone(RateCards::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_rate_cards_customer")
                            .from(RateCards::Table, RateCards::CustomerId)
                            .to(Customers::Table, Customers::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_rate_cards_customer_id")
                    .table(RateCards::Table)
                    .col(RateCards::CustomerId)
                    .col(RateCards::EffectiveFrom)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Rates::Table)
                    .col(id_column(Rates::Id))
                    .col(big_integer(Rates::RateCardId))
                    .col(string_len(Rates::MessageKind, 8))
                    .col(string_len(Rates::Direction, 8))
                    .col(string_len(Rates::NumberKind, 16))
                    .col(string_len(Rates::Jurisdiction, 4))
                    .col(big_integer(Rates::UnitPriceMicros))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_rates_rate_card")
                            .from(Rates::Table, Rates::RateCardId)
                            .to(RateCards::Table, RateCards::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_rates_unique_key")
                    .table(Rates::Table)
                    .col(Rates::RateCardId)
                    .col(Rates::MessageKind)
                    .col(Rates::Direction)
                    .col(Rates::NumberKind)
                    .col(Rates::Jurisdiction)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CarrierFees::Table)
                    .col(id_column(CarrierFees::Id))
                    .col(big_integer(CarrierFees::CarrierId))
                    .col(string_len(CarrierFees::MessageKind, 8))
                    .col(string_len(CarrierFees::Direction, 8))
                    .col(string_len(CarrierFees::Currency, 3))
                    .col(big_integer(CarrierFees::PerMessageMicros))
                    .col(big_integer(CarrierFees::PerFilingMicros))
                    .col(timestamp_with_time_zone(CarrierFees::EffectiveFrom))
                    .col(timestamp_with_time_zone_null(CarrierFees::EffectiveTo))
                    .col(timestamp_with_time_zone(CarrierFees::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_carrier_fees_carrier")
                            .from(CarrierFees::Table, CarrierFees::CarrierId)
                            .to(Carriers::Table, Carriers::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_carrier_fees_carrier_id")
                    .table(CarrierFees::Table)
                    .col(CarrierFees::CarrierId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(CarrierFees::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Rates::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(RateCards::Table).to_owned())
            .await
    }
}
