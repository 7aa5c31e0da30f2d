//! Invoicing: invoices and their lines, gap-free number sequences, credit notes, invoice runs,
//! and which invoice billed each message and one-time charge.

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
    InvoiceId,
}

#[derive(DeriveIden, Clone, Copy)]
enum OneTimeCharges {
    Table,
    InvoiceId,
}

#[derive(DeriveIden, Clone, Copy)]
enum Invoices {
    Table,
    Id,
    CustomerId,
    Period,
    PeriodStart,
    PeriodEnd,
    Currency,
    MinorDigits,
    State,
    Number,
    TotalMicros,
    IssuedAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum InvoiceLines {
    Table,
    Id,
    InvoiceId,
    Seq,
    Section,
    Description,
    ChargeKind,
    MessageKind,
    Direction,
    NumberKind,
    Country,
    CarrierId,
    OneTimeChargeId,
    Late,
    Quantity,
    UnitPriceMicros,
    RawMicros,
    AmountMicros,
}

#[derive(DeriveIden, Clone, Copy)]
enum InvoiceSequences {
    Table,
    Prefix,
    Year,
    Last,
}

#[derive(DeriveIden, Clone, Copy)]
enum CreditNotes {
    Table,
    Id,
    InvoiceId,
    Number,
    Reason,
    AmountMicros,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum CreditNoteLines {
    Table,
    Id,
    CreditNoteId,
    InvoiceLineId,
    AmountMicros,
}

#[derive(DeriveIden, Clone, Copy)]
enum InvoiceEmails {
    Table,
    Id,
    InvoiceId,
    Recipient,
    SentAt,
    Outcome,
    Reference,
}

#[derive(DeriveIden, Clone, Copy)]
enum InvoiceRuns {
    Table,
    Id,
    Period,
    CustomerId,
    StartedBy,
    StartedAt,
    FinishedAt,
    Status,
    Invoices,
    Error,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Messages::Table)
                    .add_column(big_integer_null(Messages::InvoiceId))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(OneTimeCharges::Table)
                    .add_column(big_integer_null(OneTimeCharges::InvoiceId))
                    .to_owned(),
            )
            .await?;
        use Invoices as I;
        manager
            .create_table(
                Table::create()
                    .table(I::Table)
                    .col(big_integer(I::Id).auto_increment().primary_key())
                    .col(big_integer(I::CustomerId))
                    .col(string_len(I::Period, 7))
                    .col(timestamp_with_time_zone(I::PeriodStart))
                    .col(timestamp_with_time_zone(I::PeriodEnd))
                    .col(string_len(I::Currency, 3))
                    .col(small_integer(I::MinorDigits))
                    .col(string_len(I::State, 8))
                    .col(string_len_null(I::Number, 40).unique_key())
                    .col(big_integer(I::TotalMicros))
                    .col(timestamp_with_time_zone_null(I::IssuedAt))
                    .col(timestamp_with_time_zone(I::CreatedAt))
                    .col(timestamp_with_time_zone(I::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_invoices_customer")
                            .from(I::Table, I::CustomerId)
                            .to(Customers::Table, Customers::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_invoices_customer_period_currency")
                    .table(I::Table)
                    .col(I::CustomerId)
                    .col(I::Period)
                    .col(I::Currency)
                    .unique()
                    .to_owned(),
            )
            .await?;
        use InvoiceLines as L;
        manager
            .create_table(
                Table::create()
                    .table(L::Table)
                    .col(big_integer(L::Id).auto_increment().primary_key())
                    .col(big_integer(L::InvoiceId))
                    .col(integer(L::Seq))
                    .col(string_len(L::Section, 16))
                    .col(string_len(L::Description, 300))
                    .col(string_len(L::ChargeKind, 16))
                    .col(string_len_null(L::MessageKind, 8))
                    .col(string_len_null(L::Direction, 8))
                    .col(string_len_null(L::NumberKind, 16))
                    .col(string_len_null(L::Country, 8))
                    .col(big_integer_null(L::CarrierId))
                    .col(big_integer_null(L::OneTimeChargeId))
                    .col(boolean(L::Late))
                    .col(big_integer(L::Quantity))
                    .col(big_integer(L::UnitPriceMicros))
                    .col(big_integer(L::RawMicros))
                    .col(big_integer(L::AmountMicros))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_invoice_lines_invoice")
                            .from(L::Table, L::InvoiceId)
                            .to(I::Table, I::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_invoice_lines_invoice")
                    .table(L::Table)
                    .col(L::InvoiceId)
                    .col(L::Seq)
                    .to_owned(),
            )
            .await?;
        use InvoiceSequences as S;
        manager
            .create_table(
                Table::create()
                    .table(S::Table)
                    .col(string_len(S::Prefix, 16))
                    .col(integer(S::Year))
                    .col(big_integer(S::Last))
                    .primary_key(Index::create().col(S::Prefix).col(S::Year))
                    .to_owned(),
            )
            .await?;
        use CreditNotes as C;
        manager
            .create_table(
                Table::create()
                    .table(C::Table)
                    .col(big_integer(C::Id).auto_increment().primary_key())
                    .col(big_integer(C::InvoiceId))
                    .col(string_len(C::Number, 40).unique_key())
                    .col(string_len(C::Reason, 500))
                    .col(big_integer(C::AmountMicros))
                    .col(string_len(C::CreatedBy, 64))
                    .col(timestamp_with_time_zone(C::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_credit_notes_invoice")
                            .from(C::Table, C::InvoiceId)
                            .to(I::Table, I::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_credit_notes_invoice")
                    .table(C::Table)
                    .col(C::InvoiceId)
                    .to_owned(),
            )
            .await?;
        use CreditNoteLines as CL;
        manager
            .create_table(
                Table::create()
                    .table(CL::Table)
                    .col(big_integer(CL::Id).auto_increment().primary_key())
                    .col(big_integer(CL::CreditNoteId))
                    .col(big_integer_null(CL::InvoiceLineId))
                    .col(big_integer(CL::AmountMicros))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_credit_note_lines_note")
                            .from(CL::Table, CL::CreditNoteId)
                            .to(C::Table, C::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_credit_note_lines_note")
                    .table(CL::Table)
                    .col(CL::CreditNoteId)
                    .to_owned(),
            )
            .await?;
        use InvoiceEmails as E;
        manager
            .create_table(
                Table::create()
                    .table(E::Table)
                    .col(big_integer(E::Id).auto_increment().primary_key())
                    .col(big_integer(E::InvoiceId))
                    .col(string_len(E::Recipient, 320))
                    .col(timestamp_with_time_zone(E::SentAt))
                    .col(string_len(E::Outcome, 8))
                    .col(text(E::Reference))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_invoice_emails_invoice")
                            .from(E::Table, E::InvoiceId)
                            .to(I::Table, I::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_invoice_emails_invoice")
                    .table(E::Table)
                    .col(E::InvoiceId)
                    .to_owned(),
            )
            .await?;
        use InvoiceRuns as R;
        manager
            .create_table(
                Table::create()
                    .table(R::Table)
                    .col(big_integer(R::Id).auto_increment().primary_key())
                    .col(string_len(R::Period, 7))
                    .col(big_integer_null(R::CustomerId))
                    .col(string_len(R::StartedBy, 64))
                    .col(timestamp_with_time_zone(R::StartedAt))
                    .col(timestamp_with_time_zone_null(R::FinishedAt))
                    .col(string_len(R::Status, 12))
                    .col(integer(R::Invoices))
                    .col(text_null(R::Error))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            InvoiceRuns::Table.into_iden(),
            InvoiceEmails::Table.into_iden(),
            CreditNoteLines::Table.into_iden(),
            CreditNotes::Table.into_iden(),
            InvoiceSequences::Table.into_iden(),
            InvoiceLines::Table.into_iden(),
            Invoices::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(OneTimeCharges::Table)
                    .drop_column(OneTimeCharges::InvoiceId)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Messages::Table)
                    .drop_column(Messages::InvoiceId)
                    .to_owned(),
            )
            .await
    }
}
