//! The billing roll-up (`billing_daily`): per customer, currency, UTC day and invoice line
//! key, the records' count, quantity and amount in micro-units. The message writer adds each
//! batch in the same transaction as its records, so an invoice run reads a few rows per
//! customer and day instead of every record; the records stay the drill-down.
//!
//! Issuing moves a customer's unbilled rows to its invoice (`invoice_id`, 0 while unbilled)
//! in the transaction that claims the records. On PostgreSQL a writer holds a shared advisory
//! lock per customer of its batch and issuing an exclusive one, so no record commits between
//! the two claims; on SQLite transactions that write are serialized anyway.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Alias, Expr, OnConflict};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbBackend, DbErr, EntityTrait, QueryFilter,
    QuerySelect, QueryTrait, Set, Statement,
};

use super::rating::{Direction, MessageKind};
use crate::compliance::numbers::NumberKind;
use crate::db::entities::billing_daily;

/// The advisory lock class of billing (its second key is the customer).
const LOCK_CLASS: i32 = 0x4249;

/// Unbilled rows carry this invoice id.
pub const UNBILLED: i64 = 0;

/// One charge line of one stored record, as the roll-up keys it.
#[derive(Clone, Debug)]
pub struct ChargedRecord<'a> {
    pub customer_id: i64,
    pub currency: &'a str,
    pub submitted_at: DateTime<Utc>,
    pub message_kind: MessageKind,
    pub direction: Direction,
    pub number_kind: NumberKind,
    pub country: Option<&'a str>,
    pub carrier_id: Option<i64>,
    /// `usage` or `carrier_fee`.
    pub charge_kind: &'a str,
    pub quantity: i64,
    pub unit_price_micros: i64,
    pub amount_micros: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Key {
    customer_id: i64,
    currency: String,
    day: String,
    charge_kind: String,
    message_kind: MessageKind,
    direction: Direction,
    number_kind: NumberKind,
    country: String,
    carrier_id: i64,
    unit_price_micros: i64,
}

#[derive(Clone, Copy, Debug, Default)]
struct Sums {
    records: i64,
    quantity: i64,
    amount_micros: i64,
}

/// A writer batch's additions to the roll-up, summed per key before they are written (in key
/// order, so the batches of two instances sharing a database lock the rows in one order).
#[derive(Debug, Default)]
pub struct BillingBatch {
    rows: BTreeMap<Key, Sums>,
}

/// A UTC day as the roll-up stores it.
pub fn day_of(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d").to_string()
}

impl BillingBatch {
    /// Counts one charge line.
    pub fn add(&mut self, record: ChargedRecord<'_>) {
        let key = Key {
            customer_id: record.customer_id,
            currency: record.currency.to_owned(),
            day: day_of(record.submitted_at),
            charge_kind: record.charge_kind.to_owned(),
            message_kind: record.message_kind,
            direction: record.direction,
            number_kind: record.number_kind,
            country: record.country.unwrap_or_default().to_owned(),
            carrier_id: record.carrier_id.unwrap_or(0),
            unit_price_micros: record.unit_price_micros,
        };
        let sums = self.rows.entry(key).or_default();
        sums.records += 1;
        sums.quantity += record.quantity;
        sums.amount_micros += record.amount_micros;
    }

    /// The customers the batch bills, for `lock_shared`.
    pub fn customers(&self) -> Vec<i64> {
        let mut ids: Vec<i64> = self.rows.keys().map(|k| k.customer_id).collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    /// The upserts that add the batch to the roll-up's unbilled rows (insert, or add to the
    /// row there), for the writer to run in its transaction.
    pub fn statements(self, backend: DbBackend) -> Vec<Statement> {
        use billing_daily::Column as B;
        if self.rows.is_empty() {
            return Vec::new();
        }
        let add = |col: B| {
            (
                col,
                Expr::col((billing_daily::Entity, col))
                    .add(Expr::col((Alias::new("excluded"), col))),
            )
        };
        let rows: Vec<billing_daily::ActiveModel> = self
            .rows
            .into_iter()
            .map(|(k, s)| billing_daily::ActiveModel {
                customer_id: Set(k.customer_id),
                currency: Set(k.currency),
                day: Set(k.day),
                invoice_id: Set(UNBILLED),
                charge_kind: Set(k.charge_kind),
                message_kind: Set(k.message_kind),
                direction: Set(k.direction),
                number_kind: Set(k.number_kind),
                country: Set(k.country),
                carrier_id: Set(k.carrier_id),
                unit_price_micros: Set(k.unit_price_micros),
                records: Set(s.records),
                quantity: Set(s.quantity),
                amount_micros: Set(s.amount_micros),
                ..Default::default()
            })
            .collect();
        let on_conflict = OnConflict::columns([
            B::CustomerId,
            B::Currency,
            B::Day,
            B::InvoiceId,
            B::ChargeKind,
            B::MessageKind,
            B::Direction,
            B::NumberKind,
            B::Country,
            B::CarrierId,
            B::UnitPriceMicros,
        ])
        .values([add(B::Records), add(B::Quantity), add(B::AmountMicros)])
        .to_owned();
        rows.chunks(500)
            .map(|chunk| {
                billing_daily::Entity::insert_many(chunk.to_vec())
                    .on_conflict(on_conflict.clone())
                    .build(backend)
            })
            .collect()
    }
}

/// A writer's lock on its batch's customers (PostgreSQL; none on SQLite, whose one writer
/// already excludes an issue): an issue of one of them waits for the batch to commit, and the
/// batch for the issue.
pub fn lock_shared(backend: DbBackend, customers: &[i64]) -> Option<Statement> {
    if backend != DbBackend::Postgres || customers.is_empty() {
        return None;
    }
    // Integers only, so the list is written into the statement.
    let keys: Vec<String> = customers.iter().map(|c| lock_key(*c).to_string()).collect();
    Some(Statement::from_string(
        backend,
        format!(
            "SELECT pg_advisory_xact_lock_shared({LOCK_CLASS}, k) FROM unnest(ARRAY[{}]::int4[]) AS k",
            keys.join(",")
        ),
    ))
}

/// Issuing's lock on its customer (PostgreSQL; a no-op on SQLite), held to the end of the
/// transaction.
pub async fn lock_exclusive(conn: &impl ConnectionTrait, customer_id: i64) -> Result<(), DbErr> {
    if conn.get_database_backend() != DbBackend::Postgres {
        return Ok(());
    }
    conn.execute(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT pg_advisory_xact_lock($1, $2)",
        [LOCK_CLASS.into(), lock_key(customer_id).into()],
    ))
    .await?;
    Ok(())
}

/// Two customers may share a key (ids past 2^31): they then only wait for each other.
fn lock_key(customer_id: i64) -> i32 {
    i32::try_from(customer_id & 0x7fff_ffff).unwrap_or(0)
}

/// Days `[start, end)` of whole UTC days, as a condition on the roll-up's day.
pub fn days(start: DateTime<Utc>, end: DateTime<Utc>) -> Condition {
    Condition::all()
        .add(billing_daily::Column::Day.gte(day_of(start)))
        .add(billing_daily::Column::Day.lt(day_of(end)))
}

/// Grouped roll-up rows: (charge kind, message kind, direction, number kind, country, carrier,
/// unit price, quantity, amount), the shape an invoice's lines are folded from.
pub fn grouped(condition: Condition) -> sea_orm::Select<billing_daily::Entity> {
    use billing_daily::Column as B;
    billing_daily::Entity::find()
        .select_only()
        .column(B::ChargeKind)
        .column(B::MessageKind)
        .column(B::Direction)
        .column(B::NumberKind)
        .column(B::Country)
        .column(B::CarrierId)
        .column(B::UnitPriceMicros)
        .column_as(Expr::cust("CAST(SUM(quantity) AS BIGINT)"), "quantity")
        .column_as(Expr::cust("CAST(SUM(amount_micros) AS BIGINT)"), "raw")
        .filter(condition)
        .group_by(B::ChargeKind)
        .group_by(B::MessageKind)
        .group_by(B::Direction)
        .group_by(B::NumberKind)
        .group_by(B::Country)
        .group_by(B::CarrierId)
        .group_by(B::UnitPriceMicros)
}

/// Moves a customer's unbilled rows in `condition` (days) to an invoice.
pub async fn claim(
    conn: &impl ConnectionTrait,
    customer_id: i64,
    currency: &str,
    condition: Condition,
    invoice_id: i64,
) -> Result<(), DbErr> {
    billing_daily::Entity::update_many()
        .col_expr(billing_daily::Column::InvoiceId, Expr::value(invoice_id))
        .filter(billing_daily::Column::CustomerId.eq(customer_id))
        .filter(billing_daily::Column::Currency.eq(currency))
        .filter(billing_daily::Column::InvoiceId.eq(UNBILLED))
        .filter(condition)
        .exec(conn)
        .await?;
    Ok(())
}
