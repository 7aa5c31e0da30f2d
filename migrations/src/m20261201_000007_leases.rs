//! Short-code leases with their events, alerts for account managers, the one-time price list
//! and one-time charges.

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
enum ShortCodeLeases {
    Table,
    Id,
    CustomerId,
    NumberId,
    State,
    Reapplication,
    AppliedAt,
    ActivatedOn,
    Term,
    TermEndsOn,
    NoticeGivenOn,
    EndsOn,
    SuspendedFrom,
    LastTrafficAt,
    WarnedDays,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum LeaseEvents {
    Table,
    Id,
    LeaseId,
    FromState,
    ToState,
    Actor,
    Reason,
    At,
}

#[derive(DeriveIden, Clone, Copy)]
enum Alerts {
    Table,
    Id,
    CustomerId,
    Kind,
    Subject,
    Detail,
    LeaseId,
    CreatedAt,
    AcknowledgedAt,
    EmailedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum OneTimePrices {
    Table,
    Id,
    CustomerId,
    Currency,
    Kind,
    Variant,
    UnitPriceMicros,
    EffectiveFrom,
    EffectiveTo,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum OneTimeCharges {
    Table,
    Id,
    CustomerId,
    Kind,
    Description,
    Quantity,
    UnitPriceMicros,
    AmountMicros,
    Currency,
    IncurredAt,
    LeaseId,
    CreatedAt,
}

fn id_column<T: IntoIden>(name: T) -> ColumnDef {
    big_integer(name).auto_increment().primary_key().take()
}

fn fk<T: IntoIden + Copy + 'static, R: IntoIden + Copy + 'static>(
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
        use ShortCodeLeases as L;
        manager
            .create_table(
                Table::create()
                    .table(L::Table)
                    .col(id_column(L::Id))
                    .col(big_integer(L::CustomerId))
                    .col(big_integer(L::NumberId))
                    .col(string_len(L::State, 24))
                    .col(boolean(L::Reapplication))
                    .col(timestamp_with_time_zone(L::AppliedAt))
                    .col(date_null(L::ActivatedOn))
                    .col(integer(L::Term))
                    .col(date_null(L::TermEndsOn))
                    .col(date_null(L::NoticeGivenOn))
                    .col(date_null(L::EndsOn))
                    .col(string_len_null(L::SuspendedFrom, 24))
                    .col(timestamp_with_time_zone_null(L::LastTrafficAt))
                    .col(string_len(L::WarnedDays, 32))
                    .col(timestamp_with_time_zone(L::CreatedAt))
                    .col(timestamp_with_time_zone(L::UpdatedAt))
                    .foreign_key(&mut fk(
                        "fk_leases_customer",
                        L::Table,
                        L::CustomerId,
                        Customers::Table,
                        Customers::Id,
                    ))
                    .foreign_key(&mut fk(
                        "fk_leases_number",
                        L::Table,
                        L::NumberId,
                        Numbers::Table,
                        Numbers::Id,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("idx_leases_customer", L::Table, &[L::CustomerId]))
            .await?;
        manager
            .create_index(index("idx_leases_number", L::Table, &[L::NumberId]))
            .await?;
        use LeaseEvents as E;
        manager
            .create_table(
                Table::create()
                    .table(E::Table)
                    .col(id_column(E::Id))
                    .col(big_integer(E::LeaseId))
                    .col(string_len_null(E::FromState, 24))
                    .col(string_len(E::ToState, 24))
                    .col(string_len(E::Actor, 64))
                    .col(string_len_null(E::Reason, 500))
                    .col(timestamp_with_time_zone(E::At))
                    .foreign_key(&mut fk(
                        "fk_lease_events_lease",
                        E::Table,
                        E::LeaseId,
                        L::Table,
                        L::Id,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("idx_lease_events_lease", E::Table, &[E::LeaseId]))
            .await?;
        use Alerts as A;
        manager
            .create_table(
                Table::create()
                    .table(A::Table)
                    .col(id_column(A::Id))
                    .col(big_integer(A::CustomerId))
                    .col(string_len(A::Kind, 32))
                    .col(string_len(A::Subject, 200))
                    .col(text(A::Detail))
                    .col(big_integer_null(A::LeaseId))
                    .col(timestamp_with_time_zone(A::CreatedAt))
                    .col(timestamp_with_time_zone_null(A::AcknowledgedAt))
                    .col(timestamp_with_time_zone_null(A::EmailedAt))
                    .foreign_key(&mut fk(
                        "fk_alerts_customer",
                        A::Table,
                        A::CustomerId,
                        Customers::Table,
                        Customers::Id,
                    ))
                    .foreign_key(&mut fk(
                        "fk_alerts_lease",
                        A::Table,
                        A::LeaseId,
                        L::Table,
                        L::Id,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("idx_alerts_customer", A::Table, &[A::CustomerId]))
            .await?;
        manager
            .create_index(index("idx_alerts_lease", A::Table, &[A::LeaseId]))
            .await?;
        use OneTimePrices as P;
        manager
            .create_table(
                Table::create()
                    .table(P::Table)
                    .col(id_column(P::Id))
                    .col(big_integer_null(P::CustomerId))
                    .col(string_len(P::Currency, 3))
                    .col(string_len(P::Kind, 24))
                    .col(string_len(P::Variant, 8))
                    .col(big_integer(P::UnitPriceMicros))
                    .col(timestamp_with_time_zone(P::EffectiveFrom))
                    .col(timestamp_with_time_zone_null(P::EffectiveTo))
                    .col(timestamp_with_time_zone(P::CreatedAt))
                    .foreign_key(&mut fk(
                        "fk_one_time_prices_customer",
                        P::Table,
                        P::CustomerId,
                        Customers::Table,
                        Customers::Id,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_one_time_prices_customer",
                P::Table,
                &[P::CustomerId],
            ))
            .await?;
        use OneTimeCharges as C;
        manager
            .create_table(
                Table::create()
                    .table(C::Table)
                    .col(id_column(C::Id))
                    .col(big_integer(C::CustomerId))
                    .col(string_len(C::Kind, 24))
                    .col(string_len(C::Description, 200))
                    .col(integer(C::Quantity))
                    .col(big_integer(C::UnitPriceMicros))
                    .col(big_integer(C::AmountMicros))
                    .col(string_len(C::Currency, 3))
                    .col(timestamp_with_time_zone(C::IncurredAt))
                    .col(big_integer_null(C::LeaseId))
                    .col(timestamp_with_time_zone(C::CreatedAt))
                    .foreign_key(&mut fk(
                        "fk_one_time_charges_customer",
                        C::Table,
                        C::CustomerId,
                        Customers::Table,
                        Customers::Id,
                    ))
                    .foreign_key(&mut fk(
                        "fk_one_time_charges_lease",
                        C::Table,
                        C::LeaseId,
                        L::Table,
                        L::Id,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_one_time_charges_customer",
                C::Table,
                &[C::CustomerId, C::IncurredAt],
            ))
            .await?;
        manager
            .create_index(index("idx_one_time_charges_lease", C::Table, &[C::LeaseId]))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            OneTimeCharges::Table.into_iden(),
            OneTimePrices::Table.into_iden(),
            Alerts::Table.into_iden(),
            LeaseEvents::Table.into_iden(),
            ShortCodeLeases::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
