//! An invoice of one customer, period and currency: a DRAFT is recomputed by each run, an
//! ISSUED one never changes (no update path exists for it), and only a credit note voids it.

use sea_orm::entity::prelude::*;

use crate::billing::invoicing::InvoiceState;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "invoices")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub customer_id: i64,
    /// `YYYY-MM`.
    pub period: String,
    pub period_start: DateTimeUtc,
    /// Exclusive.
    pub period_end: DateTimeUtc,
    pub currency: String,
    /// The currency's minor-unit digits, which every line is rounded to.
    pub minor_digits: i16,
    pub state: InvoiceState,
    /// Assigned at issue, gap-free per prefix and year.
    #[sea_orm(unique)]
    pub number: Option<String>,
    /// The sum of the rounded lines, in micro-units.
    pub total_micros: i64,
    pub issued_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
