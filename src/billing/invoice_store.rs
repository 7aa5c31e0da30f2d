//! Invoices in the database. A run reads the billing roll-up (`rollup`: per customer, day and
//! line key, in integer micro-units, exact on both backends; no record is loaded) into lines
//! per kind, direction, number kind, country and unit price, carrier fees per carrier, and
//! one-time charges. A draft is replaced by every run; issuing claims the records and their
//! roll-up rows for the invoice first (their `invoice_id`), then computes the lines from
//! exactly those and numbers the invoice in the same transaction, so nothing is billed twice
//! or lost. Records that arrive for a closed period are late: the next open period bills
//! them, flagged. The records stay each line's drill-down.

use std::collections::BTreeMap;

use chrono::{Datelike, Utc};
use rust_decimal::Decimal;
use sea_orm::sea_query::{Expr, OnConflict, Query};
use sea_orm::{
    ActiveEnum, ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection,
    DatabaseTransaction, EntityTrait, JoinType, QueryFilter, QueryOrder, QuerySelect, Set,
    TransactionTrait,
};

use super::invoicing::{
    check_credit, document_number, minor_digits, round_line, total, InvoiceState, Period,
};
use super::money::from_micros;
use super::rating::{Direction, MessageKind};
use super::rollup;
use crate::auth::RequestContext;
use crate::compliance::numbers::NumberKind;
use crate::config::BillingSettings;
use crate::db::entities::{
    billing_daily, carrier, credit_note, credit_note_line, invoice, invoice_line, invoice_run,
    invoice_sequence, message, message_charge, one_time_charge,
};
use crate::error::AppError;

/// Which records an invoice bills.
#[derive(Clone, Debug)]
enum Scope {
    /// Not yet billed, submitted in one of these ranges (`late` for a closed earlier period).
    Unbilled(Vec<Range>),
    /// Claimed by this invoice (within the ranges it billed, so the index on customer and
    /// time bounds the scan).
    Invoice(i64, Vec<Range>),
}

#[derive(Clone, Copy, Debug)]
struct Range {
    start: chrono::DateTime<Utc>,
    end: chrono::DateTime<Utc>,
}

/// A line before it is stored.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
struct LineKey {
    section_order: u8,
    late: bool,
    charge_kind: String,
    message_kind: Option<MessageKind>,
    direction: Option<Direction>,
    number_kind: Option<NumberKind>,
    country: Option<String>,
    carrier_id: Option<i64>,
    one_time_charge_id: Option<i64>,
    unit_price_micros: i64,
}

#[derive(Clone, Debug, Default)]
struct Sums {
    quantity: i64,
    raw_micros: i64,
    description: String,
}

fn section_name(order: u8) -> &'static str {
    match order {
        0 => "messages",
        1 => "carrier_fees",
        _ => "one_time",
    }
}

fn kind_label(kind: Option<MessageKind>, direction: Option<Direction>) -> String {
    let kind = match kind {
        Some(MessageKind::Mms) => "MMS",
        _ => "SMS",
    };
    let direction = match direction {
        Some(Direction::Mo) => "MO",
        _ => "MT",
    };
    format!("{kind} {direction}")
}

fn number_label(kind: Option<NumberKind>) -> &'static str {
    match kind {
        Some(NumberKind::LongCode) => "long code",
        Some(NumberKind::TollFree) => "toll-free",
        Some(NumberKind::ShortCode) => "short code",
        Some(NumberKind::Alphanumeric) => "alphanumeric ID",
        None => "number",
    }
}

/// The closed (issued or void) periods of a customer and currency before `period`: their
/// unbilled records are late and go to this one.
async fn closed_before(
    conn: &impl ConnectionTrait,
    customer_id: i64,
    currency: &str,
    period: Period,
) -> Result<Vec<Range>, AppError> {
    Ok(invoice::Entity::find()
        .filter(invoice::Column::CustomerId.eq(customer_id))
        .filter(invoice::Column::Currency.eq(currency))
        .filter(invoice::Column::State.ne(InvoiceState::Draft))
        .filter(invoice::Column::PeriodEnd.lte(period.start()))
        .all(conn)
        .await?
        .into_iter()
        .map(|i| Range {
            start: i.period_start,
            end: i.period_end,
        })
        .collect())
}

fn in_ranges(column: impl ColumnTrait, ranges: &[Range]) -> Condition {
    ranges.iter().fold(Condition::any(), |any, r| {
        any.add(
            Condition::all()
                .add(column.gte(r.start))
                .add(column.lt(r.end)),
        )
    })
}

fn message_scope(customer_id: i64, currency: &str, scope: &Scope) -> Condition {
    let base = Condition::all()
        .add(message::Column::CustomerId.eq(customer_id))
        .add(message::Column::Currency.eq(currency));
    match scope {
        Scope::Unbilled(ranges) => base
            .add(message::Column::InvoiceId.is_null())
            .add(in_ranges(message::Column::SubmittedAt, ranges)),
        Scope::Invoice(id, ranges) => base
            .add(message::Column::InvoiceId.eq(*id))
            .add(in_ranges(message::Column::SubmittedAt, ranges)),
    }
}

fn one_time_scope(customer_id: i64, currency: &str, scope: &Scope) -> Condition {
    let base = Condition::all()
        .add(one_time_charge::Column::CustomerId.eq(customer_id))
        .add(one_time_charge::Column::Currency.eq(currency));
    match scope {
        Scope::Unbilled(ranges) => base
            .add(one_time_charge::Column::InvoiceId.is_null())
            .add(in_ranges(one_time_charge::Column::IncurredAt, ranges)),
        Scope::Invoice(id, ranges) => base
            .add(one_time_charge::Column::InvoiceId.eq(*id))
            .add(in_ranges(one_time_charge::Column::IncurredAt, ranges)),
    }
}

fn charges_join() -> sea_orm::RelationDef {
    message_charge::Entity::belongs_to(message::Entity)
        .from(message_charge::Column::MessageId)
        .to(message::Column::MessageId)
        .into()
}

/// A grouped roll-up row: charge kind, message kind, direction, number kind, country (empty
/// when unknown), carrier (0 when unknown), unit price, quantity and amount.
type GroupRow = (
    String,
    MessageKind,
    Direction,
    NumberKind,
    String,
    i64,
    i64,
    i64,
    i64,
);

/// The roll-up rows of a customer's records in `scope`.
fn rollup_scope(customer_id: i64, currency: &str, scope: &Scope) -> Condition {
    let (invoice_id, ranges) = match scope {
        Scope::Unbilled(ranges) => (rollup::UNBILLED, ranges),
        Scope::Invoice(id, ranges) => (*id, ranges),
    };
    Condition::all()
        .add(billing_daily::Column::CustomerId.eq(customer_id))
        .add(billing_daily::Column::Currency.eq(currency))
        .add(billing_daily::Column::InvoiceId.eq(invoice_id))
        .add(ranges.iter().fold(Condition::any(), |any, r| {
            any.add(rollup::days(r.start, r.end))
        }))
}

/// Every customer's unbilled, on-time charges of a period in one read of the roll-up.
async fn period_groups(
    conn: &impl ConnectionTrait,
    period: Period,
) -> Result<BTreeMap<(i64, String), Vec<GroupRow>>, AppError> {
    let condition = Condition::all()
        .add(billing_daily::Column::InvoiceId.eq(rollup::UNBILLED))
        .add(rollup::days(period.start(), period.end()));
    let rows: Vec<CustomerGroupRow> = rollup::grouped(condition)
        .column(billing_daily::Column::CustomerId)
        .column(billing_daily::Column::Currency)
        .group_by(billing_daily::Column::CustomerId)
        .group_by(billing_daily::Column::Currency)
        .into_tuple()
        .all(conn)
        .await?;
    let mut groups: BTreeMap<(i64, String), Vec<GroupRow>> = BTreeMap::new();
    for (k, mk, d, nk, c, ca, u, q, r, customer, currency) in rows {
        groups
            .entry((customer, currency))
            .or_default()
            .push((k, mk, d, nk, c, ca, u, q, r));
    }
    Ok(groups)
}

fn fold_rows(
    rows: Vec<GroupRow>,
    late: bool,
    carriers: &BTreeMap<i64, String>,
    lines: &mut BTreeMap<LineKey, Sums>,
) {
    for (charge_kind, kind, direction, number_kind, country, carrier_id, unit, qty, raw) in rows {
        let country = (!country.is_empty()).then_some(country);
        let carrier_id = (carrier_id != 0).then_some(carrier_id);
        let late_note = if late {
            " (late: an earlier period)"
        } else {
            ""
        };
        let price = from_micros(unit).normalize();
        let (key, description) = if charge_kind == "carrier_fee" {
            let code = carrier_id
                .and_then(|id| carriers.get(&id).cloned())
                .unwrap_or_else(|| "unknown carrier".into());
            (
                LineKey {
                    section_order: 1,
                    late,
                    charge_kind,
                    message_kind: Some(kind),
                    direction: Some(direction),
                    carrier_id,
                    unit_price_micros: unit,
                    ..Default::default()
                },
                format!(
                    "{code} pass-through fee, {} at {price}{late_note}",
                    kind_label(Some(kind), Some(direction))
                ),
            )
        } else {
            let place = country.clone().unwrap_or_else(|| "unknown country".into());
            (
                LineKey {
                    section_order: 0,
                    late,
                    charge_kind,
                    message_kind: Some(kind),
                    direction: Some(direction),
                    number_kind: Some(number_kind),
                    country,
                    unit_price_micros: unit,
                    ..Default::default()
                },
                format!(
                    "{}, {}, {place}, at {price}{late_note}",
                    kind_label(Some(kind), Some(direction)),
                    number_label(Some(number_kind))
                ),
            )
        };
        let sums = lines.entry(key).or_default();
        sums.quantity += qty;
        sums.raw_micros += raw;
        sums.description = description;
    }
}

/// A group of the period-wide read: the group, then its customer and currency.
type CustomerGroupRow = (
    String,
    MessageKind,
    Direction,
    NumberKind,
    String,
    i64,
    i64,
    i64,
    i64,
    i64,
    String,
);

/// The invoice lines of a customer's records in `scope`, in order. `on_time` holds the
/// period's own message groups when a run already aggregated them.
async fn compute_lines(
    conn: &impl ConnectionTrait,
    customer_id: i64,
    currency: &str,
    period: Period,
    scope: &Scope,
    on_time: Option<Vec<GroupRow>>,
) -> Result<Vec<(LineKey, Sums)>, AppError> {
    let carriers: BTreeMap<i64, String> = carrier::Entity::find()
        .all(conn)
        .await?
        .into_iter()
        .map(|c| (c.id, c.code))
        .collect();
    let mut lines: BTreeMap<LineKey, Sums> = BTreeMap::new();
    let has_late = match scope {
        Scope::Unbilled(ranges) | Scope::Invoice(_, ranges) => ranges.len() > 1,
    };
    let on_time = match on_time {
        Some(rows) => rows,
        None => {
            rollup::grouped(rollup_scope(customer_id, currency, scope))
                .filter(billing_daily::Column::Day.gte(rollup::day_of(period.start())))
                .into_tuple()
                .all(conn)
                .await?
        }
    };
    fold_rows(on_time, false, &carriers, &mut lines);
    // Late records exist only where an earlier period is closed.
    if has_late {
        let late: Vec<GroupRow> = rollup::grouped(rollup_scope(customer_id, currency, scope))
            .filter(billing_daily::Column::Day.lt(rollup::day_of(period.start())))
            .into_tuple()
            .all(conn)
            .await?;
        fold_rows(late, true, &carriers, &mut lines);
    }
    let one_time = one_time_charge::Entity::find()
        .filter(one_time_scope(customer_id, currency, scope))
        .order_by_asc(one_time_charge::Column::IncurredAt)
        .order_by_asc(one_time_charge::Column::Id)
        .all(conn)
        .await?;
    for charge in one_time {
        let late = charge.incurred_at < period.start();
        let key = LineKey {
            section_order: 2,
            late,
            charge_kind: charge.kind.clone(),
            one_time_charge_id: Some(charge.id),
            unit_price_micros: charge.unit_price_micros,
            ..Default::default()
        };
        let late_note = if late {
            " (late: an earlier period)"
        } else {
            ""
        };
        lines.insert(
            key,
            Sums {
                quantity: i64::from(charge.quantity),
                raw_micros: charge.amount_micros,
                description: format!(
                    "{} ({}){late_note}",
                    charge.description,
                    charge.incurred_at.format("%Y-%m-%d")
                ),
            },
        );
    }
    Ok(lines.into_iter().collect())
}

/// Replaces an invoice's lines and total; returns the total.
async fn store_lines(
    txn: &DatabaseTransaction,
    invoice_id: i64,
    digits: u32,
    lines: Vec<(LineKey, Sums)>,
) -> Result<i64, AppError> {
    invoice_line::Entity::delete_many()
        .filter(invoice_line::Column::InvoiceId.eq(invoice_id))
        .exec(txn)
        .await?;
    let mut amounts = Vec::with_capacity(lines.len());
    let rows: Vec<invoice_line::ActiveModel> = lines
        .into_iter()
        .enumerate()
        .map(|(seq, (key, sums))| {
            let amount = round_line(sums.raw_micros, digits);
            amounts.push(amount);
            invoice_line::ActiveModel {
                invoice_id: Set(invoice_id),
                seq: Set(i32::try_from(seq + 1).unwrap_or(i32::MAX)),
                section: Set(section_name(key.section_order).into()),
                description: Set(sums.description.chars().take(300).collect()),
                charge_kind: Set(key.charge_kind),
                message_kind: Set(key.message_kind),
                direction: Set(key.direction),
                number_kind: Set(key.number_kind),
                country: Set(key.country),
                carrier_id: Set(key.carrier_id),
                one_time_charge_id: Set(key.one_time_charge_id),
                late: Set(key.late),
                quantity: Set(sums.quantity),
                unit_price_micros: Set(key.unit_price_micros),
                raw_micros: Set(sums.raw_micros),
                amount_micros: Set(amount),
                ..Default::default()
            }
        })
        .collect();
    for chunk in rows.chunks(200) {
        invoice_line::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(txn)
            .await?;
    }
    Ok(total(&amounts))
}

/// Drafts (or re-drafts) one customer's invoice for a period and currency. An issued or void
/// invoice is returned as it is; nothing to bill leaves no draft (`None`).
pub async fn draft(
    db: &DatabaseConnection,
    customer_id: i64,
    currency: &str,
    period: Period,
) -> Result<Option<invoice::Model>, AppError> {
    draft_with(db, customer_id, currency, period, None).await
}

/// `draft`, with the period's own message groups when a run has aggregated them already.
async fn draft_with(
    db: &DatabaseConnection,
    customer_id: i64,
    currency: &str,
    period: Period,
    on_time: Option<Vec<GroupRow>>,
) -> Result<Option<invoice::Model>, AppError> {
    let now = Utc::now();
    let digits = minor_digits(currency);
    let txn = db.begin().await?;
    // The row first: a write opens the transaction, and the unique (customer, period,
    // currency) index makes two concurrent runs share one invoice.
    invoice::Entity::insert(invoice::ActiveModel {
        customer_id: Set(customer_id),
        period: Set(period.to_string()),
        period_start: Set(period.start()),
        period_end: Set(period.end()),
        currency: Set(currency.to_owned()),
        minor_digits: Set(i16::try_from(digits).unwrap_or(2)),
        state: Set(InvoiceState::Draft),
        number: Set(None),
        total_micros: Set(0),
        issued_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::columns([
            invoice::Column::CustomerId,
            invoice::Column::Period,
            invoice::Column::Currency,
        ])
        .do_nothing()
        .to_owned(),
    )
    .exec_without_returning(&txn)
    .await?;
    let current = find(&txn, customer_id, period, currency)
        .await?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("the draft just written is gone")))?;
    if current.state != InvoiceState::Draft {
        txn.commit().await?;
        return Ok(Some(current));
    }
    let mut ranges = vec![Range {
        start: period.start(),
        end: period.end(),
    }];
    ranges.extend(closed_before(&txn, customer_id, currency, period).await?);
    let lines = compute_lines(
        &txn,
        customer_id,
        currency,
        period,
        &Scope::Unbilled(ranges),
        on_time,
    )
    .await?;
    if lines.is_empty() {
        invoice::Entity::delete_by_id(current.id).exec(&txn).await?;
        txn.commit().await?;
        return Ok(None);
    }
    let total_micros = store_lines(&txn, current.id, digits, lines).await?;
    let mut active: invoice::ActiveModel = current.into();
    active.total_micros = Set(total_micros);
    active.updated_at = Set(now);
    let saved = active.update(&txn).await?;
    txn.commit().await?;
    Ok(Some(saved))
}

async fn find(
    conn: &impl ConnectionTrait,
    customer_id: i64,
    period: Period,
    currency: &str,
) -> Result<Option<invoice::Model>, AppError> {
    Ok(invoice::Entity::find()
        .filter(invoice::Column::CustomerId.eq(customer_id))
        .filter(invoice::Column::Period.eq(period.to_string()))
        .filter(invoice::Column::Currency.eq(currency))
        .one(conn)
        .await?)
}

/// The (customer, currency) pairs that may have records to bill: each customer in its own
/// currency and in its rate cards' currencies (a message is charged in its card's), and the
/// currencies of its unbilled one-time charges. Cheap: no message is scanned; a pair without
/// records leaves no draft.
async fn billable(
    db: &DatabaseConnection,
    period: Period,
    customer: Option<i64>,
) -> Result<Vec<(i64, String)>, AppError> {
    use crate::db::entities::{customer as customer_entity, rate_card};
    let mut customers = customer_entity::Entity::find()
        .select_only()
        .column(customer_entity::Column::Id)
        .column(customer_entity::Column::Currency);
    let mut cards = rate_card::Entity::find()
        .select_only()
        .column(rate_card::Column::CustomerId)
        .column(rate_card::Column::Currency)
        .distinct()
        .filter(rate_card::Column::CustomerId.is_not_null());
    let mut charges = one_time_charge::Entity::find()
        .select_only()
        .column(one_time_charge::Column::CustomerId)
        .column(one_time_charge::Column::Currency)
        .distinct()
        .filter(one_time_charge::Column::InvoiceId.is_null())
        .filter(one_time_charge::Column::IncurredAt.lt(period.end()));
    if let Some(customer) = customer {
        customers = customers.filter(customer_entity::Column::Id.eq(customer));
        cards = cards.filter(rate_card::Column::CustomerId.eq(customer));
        charges = charges.filter(one_time_charge::Column::CustomerId.eq(customer));
    }
    let mut pairs: Vec<(i64, String)> = customers.into_tuple().all(db).await?;
    pairs.extend(
        cards
            .into_tuple::<(Option<i64>, String)>()
            .all(db)
            .await?
            .into_iter()
            .filter_map(|(c, currency)| c.map(|c| (c, currency))),
    );
    pairs.extend(charges.into_tuple::<(i64, String)>().all(db).await?);
    pairs.sort();
    pairs.dedup();
    Ok(pairs)
}

/// Runs a period for one customer or all: a draft per customer and currency with records
/// (issued ones stay as they are). Recorded as a run.
pub async fn run(
    db: &DatabaseConnection,
    actor: &RequestContext,
    period: Period,
    customer: Option<i64>,
) -> Result<(invoice_run::Model, Vec<invoice::Model>), AppError> {
    let started = invoice_run::ActiveModel {
        period: Set(period.to_string()),
        customer_id: Set(customer),
        started_by: Set(actor.actor.clone()),
        started_at: Set(Utc::now()),
        finished_at: Set(None),
        status: Set("running".into()),
        invoices: Set(0),
        error: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    let outcome = async {
        let mut invoices = Vec::new();
        // One pass over the period for everyone; per customer only its late records and
        // one-time charges are read on their own.
        let mut groups = match customer {
            Some(_) => BTreeMap::new(),
            None => period_groups(db, period).await?,
        };
        let mut pairs = billable(db, period, customer).await?;
        pairs.extend(groups.keys().cloned());
        pairs.sort();
        pairs.dedup();
        for (customer_id, currency) in pairs {
            let on_time = match customer {
                Some(_) => None,
                None => Some(
                    groups
                        .remove(&(customer_id, currency.clone()))
                        .unwrap_or_default(),
                ),
            };
            if let Some(invoice) = draft_with(db, customer_id, &currency, period, on_time).await? {
                invoices.push(invoice);
            }
        }
        Ok::<_, AppError>(invoices)
    }
    .await;
    let mut finished: invoice_run::ActiveModel = started.into();
    finished.finished_at = Set(Some(Utc::now()));
    match outcome {
        Ok(invoices) => {
            finished.status = Set("done".into());
            finished.invoices = Set(i32::try_from(invoices.len()).unwrap_or(i32::MAX));
            let run = finished.update(db).await?;
            Ok((run, invoices))
        }
        Err(e) => {
            finished.status = Set("failed".into());
            finished.error = Set(Some(e.to_string()));
            finished.update(db).await?;
            Err(e)
        }
    }
}

/// The next number of a series, inside the caller's transaction: gap-free because a
/// transaction that fails rolls its increment back, never reused because it only grows.
async fn next_number(txn: &DatabaseTransaction, prefix: &str, year: i32) -> Result<i64, AppError> {
    use invoice_sequence::Column as S;
    let upsert = Query::insert()
        .into_table(invoice_sequence::Entity)
        .columns([S::Prefix, S::Year, S::Last])
        .values_panic([prefix.into(), year.into(), 1i64.into()])
        .on_conflict(
            OnConflict::columns([S::Prefix, S::Year])
                .value(
                    S::Last,
                    Expr::col((invoice_sequence::Entity, S::Last)).add(1),
                )
                .to_owned(),
        )
        .returning_col(S::Last)
        .to_owned();
    let statement = txn.get_database_backend().build(&upsert);
    let row = txn
        .query_one(statement)
        .await?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("the number series returned nothing")))?;
    Ok(row.try_get::<i64>("", "last")?)
}

/// Issues a draft: claims its records, computes its lines from exactly those, and numbers it,
/// in one transaction. Issuing again is a conflict; an issued invoice never changes.
pub async fn issue(
    db: &DatabaseConnection,
    settings: &BillingSettings,
    id: i64,
) -> Result<invoice::Model, AppError> {
    let now = Utc::now();
    let txn = db.begin().await?;
    let sequence = next_number(&txn, &settings.invoice_prefix, now.year()).await?;
    let current = invoice::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("invoice {id}")))?;
    if current.state != InvoiceState::Draft {
        return Err(AppError::Conflict(format!(
            "invoice {} is already {}",
            current.number.as_deref().unwrap_or("?"),
            current.state.to_value()
        )));
    }
    let period =
        Period::parse(&current.period).map_err(|e| AppError::Internal(anyhow::anyhow!(e)))?;
    let mut ranges = vec![Range {
        start: current.period_start,
        end: current.period_end,
    }];
    ranges.extend(closed_before(&txn, current.customer_id, &current.currency, period).await?);
    let unbilled = Scope::Unbilled(ranges.clone());
    // No record of this customer commits between the records' claim and the roll-up's.
    rollup::lock_exclusive(&txn, current.customer_id).await?;
    message::Entity::update_many()
        .col_expr(message::Column::InvoiceId, Expr::value(current.id))
        .filter(message_scope(
            current.customer_id,
            &current.currency,
            &unbilled,
        ))
        .exec(&txn)
        .await?;
    rollup::claim(
        &txn,
        current.customer_id,
        &current.currency,
        ranges.iter().fold(Condition::any(), |any, r| {
            any.add(rollup::days(r.start, r.end))
        }),
        current.id,
    )
    .await?;
    one_time_charge::Entity::update_many()
        .col_expr(one_time_charge::Column::InvoiceId, Expr::value(current.id))
        .filter(one_time_scope(
            current.customer_id,
            &current.currency,
            &unbilled,
        ))
        .exec(&txn)
        .await?;
    let lines = compute_lines(
        &txn,
        current.customer_id,
        &current.currency,
        period,
        &Scope::Invoice(current.id, ranges),
        None,
    )
    .await?;
    if lines.is_empty() {
        return Err(AppError::Conflict(
            "nothing is left to bill in this period; the draft is not issued".into(),
        ));
    }
    let digits = u32::try_from(current.minor_digits).unwrap_or(2);
    let total_micros = store_lines(&txn, current.id, digits, lines).await?;
    let mut active: invoice::ActiveModel = current.into();
    active.state = Set(InvoiceState::Issued);
    active.number = Set(Some(document_number(
        &settings.invoice_prefix,
        now.year(),
        sequence,
    )));
    active.issued_at = Set(Some(now));
    active.total_micros = Set(total_micros);
    active.updated_at = Set(now);
    let issued = active.update(&txn).await?;
    txn.commit().await?;
    Ok(issued)
}

/// An invoice's lines in order.
pub async fn lines(
    conn: &impl ConnectionTrait,
    invoice_id: i64,
) -> Result<Vec<invoice_line::Model>, AppError> {
    Ok(invoice_line::Entity::find()
        .filter(invoice_line::Column::InvoiceId.eq(invoice_id))
        .order_by_asc(invoice_line::Column::Seq)
        .all(conn)
        .await?)
}

/// An invoice's credit notes, oldest first.
pub async fn credit_notes(
    conn: &impl ConnectionTrait,
    invoice_id: i64,
) -> Result<Vec<credit_note::Model>, AppError> {
    Ok(credit_note::Entity::find()
        .filter(credit_note::Column::InvoiceId.eq(invoice_id))
        .order_by_asc(credit_note::Column::Id)
        .all(conn)
        .await?)
}

/// Total minus credit notes, in micro-units.
pub async fn balance(
    conn: &impl ConnectionTrait,
    invoice: &invoice::Model,
) -> Result<i64, AppError> {
    let credited: i64 = credit_notes(conn, invoice.id)
        .await?
        .iter()
        .map(|c| c.amount_micros)
        .sum();
    Ok(invoice.total_micros - credited)
}

/// What a credit note takes off.
#[derive(Clone, Debug)]
pub enum CreditRequest {
    /// The whole balance: the invoice becomes VOID.
    Full,
    /// What is left of these lines.
    Lines(Vec<i64>),
    /// An amount off the invoice.
    Amount(Decimal),
}

/// Makes a credit note against an issued invoice, numbered in its own gap-free series.
pub async fn credit(
    db: &DatabaseConnection,
    settings: &BillingSettings,
    actor: &RequestContext,
    invoice_id: i64,
    reason: &str,
    request: CreditRequest,
) -> Result<credit_note::Model, AppError> {
    let reason = reason.trim();
    if reason.is_empty() || reason.len() > 500 {
        return Err(AppError::invalid_field(
            "reason",
            "is required (at most 500 characters)",
        ));
    }
    let now = Utc::now();
    let txn = db.begin().await?;
    let sequence = next_number(&txn, &settings.credit_note_prefix, now.year()).await?;
    let current = invoice::Entity::find_by_id(invoice_id)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("invoice {invoice_id}")))?;
    if current.state != InvoiceState::Issued {
        return Err(AppError::Conflict(format!(
            "only an issued invoice can be credited; this one is {}",
            current.state.to_value()
        )));
    }
    let balance_micros = balance(&txn, &current).await?;
    let digits = u32::try_from(current.minor_digits).unwrap_or(2);
    let invoice_lines = lines(&txn, current.id).await?;
    let notes: Vec<i64> = credit_notes(&txn, current.id)
        .await?
        .iter()
        .map(|n| n.id)
        .collect();
    let mut credited_by_line: BTreeMap<i64, i64> = BTreeMap::new();
    if !notes.is_empty() {
        for l in credit_note_line::Entity::find()
            .filter(credit_note_line::Column::CreditNoteId.is_in(notes))
            .all(&txn)
            .await?
        {
            if let Some(line) = l.invoice_line_id {
                *credited_by_line.entry(line).or_default() += l.amount_micros;
            }
        }
    }
    let remaining = |line: &invoice_line::Model| {
        line.amount_micros - credited_by_line.get(&line.id).copied().unwrap_or(0)
    };
    let parts: Vec<(Option<i64>, i64)> = match request {
        CreditRequest::Full => vec![(None, balance_micros)],
        CreditRequest::Lines(ids) => {
            if ids.is_empty() {
                return Err(AppError::invalid_field("lineIds", "name at least one line"));
            }
            let mut parts = Vec::new();
            for id in ids {
                let line = invoice_lines.iter().find(|l| l.id == id).ok_or_else(|| {
                    AppError::invalid_field("lineIds", format!("line {id} is not on this invoice"))
                })?;
                parts.push((Some(id), remaining(line)));
            }
            parts
        }
        CreditRequest::Amount(amount) => vec![(
            None,
            check_credit(amount, balance_micros, digits)
                .map_err(|e| AppError::invalid_field("amount", e.to_string()))?,
        )],
    };
    let amount_micros: i64 = parts.iter().map(|(_, a)| a).sum();
    if amount_micros <= 0 {
        return Err(AppError::Conflict("nothing is left to credit".into()));
    }
    if amount_micros > balance_micros {
        return Err(AppError::invalid_field(
            "lineIds",
            format!(
                "the lines come to more than the balance of {}",
                from_micros(balance_micros)
            ),
        ));
    }
    let note = credit_note::ActiveModel {
        invoice_id: Set(current.id),
        number: Set(document_number(
            &settings.credit_note_prefix,
            now.year(),
            sequence,
        )),
        reason: Set(reason.to_owned()),
        amount_micros: Set(amount_micros),
        created_by: Set(actor.actor.clone()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    for (line, amount) in parts {
        credit_note_line::ActiveModel {
            credit_note_id: Set(note.id),
            invoice_line_id: Set(line),
            amount_micros: Set(amount),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    if amount_micros == balance_micros {
        // Credited in full: the one change an issued invoice ever sees.
        invoice::Entity::update_many()
            .col_expr(
                invoice::Column::State,
                Expr::value(InvoiceState::Void.to_value()),
            )
            .col_expr(invoice::Column::UpdatedAt, Expr::value(now))
            .filter(invoice::Column::Id.eq(current.id))
            .exec(&txn)
            .await?;
    }
    txn.commit().await?;
    Ok(note)
}

/// One record behind a line: a message's charge or a one-time charge.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineRecord {
    /// The charge row's id (the cursor).
    pub id: i64,
    pub message_id: Option<String>,
    pub one_time_charge_id: Option<i64>,
    pub at: chrono::DateTime<Utc>,
    pub quantity: i64,
    pub amount_micros: i64,
}

/// The records behind a line, by charge id after `after`, at most `first`.
pub async fn line_records(
    conn: &impl ConnectionTrait,
    line: &invoice_line::Model,
    after: Option<i64>,
    first: u64,
) -> Result<Vec<LineRecord>, AppError> {
    let invoice = invoice::Entity::find_by_id(line.invoice_id)
        .one(conn)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("invoice {}", line.invoice_id)))?;
    let period =
        Period::parse(&invoice.period).map_err(|e| AppError::Internal(anyhow::anyhow!(e)))?;
    let mut ranges = vec![Range {
        start: invoice.period_start,
        end: invoice.period_end,
    }];
    ranges.extend(closed_before(conn, invoice.customer_id, &invoice.currency, period).await?);
    let scope = if invoice.state == InvoiceState::Draft {
        Scope::Unbilled(ranges)
    } else {
        Scope::Invoice(invoice.id, ranges)
    };
    if let Some(charge_id) = line.one_time_charge_id {
        let found = one_time_charge::Entity::find_by_id(charge_id)
            .filter(one_time_scope(
                invoice.customer_id,
                &invoice.currency,
                &scope,
            ))
            .one(conn)
            .await?;
        return Ok(found
            .filter(|c| after.is_none_or(|a| c.id > a))
            .map(|c| LineRecord {
                id: c.id,
                message_id: None,
                one_time_charge_id: Some(c.id),
                at: c.incurred_at,
                quantity: i64::from(c.quantity),
                amount_micros: c.amount_micros,
            })
            .into_iter()
            .collect());
    }
    let mut select = message_charge::Entity::find()
        .select_only()
        .column(message_charge::Column::Id)
        .column(message_charge::Column::MessageId)
        .column(message::Column::SubmittedAt)
        .column(message_charge::Column::Quantity)
        .column(message_charge::Column::AmountMicros)
        .join(JoinType::InnerJoin, charges_join())
        .filter(message_scope(
            invoice.customer_id,
            &invoice.currency,
            &scope,
        ))
        .filter(message_charge::Column::Kind.eq(line.charge_kind.as_str()))
        .filter(message_charge::Column::UnitPriceMicros.eq(line.unit_price_micros))
        .filter(if line.late {
            message::Column::SubmittedAt.lt(invoice.period_start)
        } else {
            message::Column::SubmittedAt.gte(invoice.period_start)
        });
    if let Some(kind) = line.message_kind {
        select = select.filter(message::Column::Kind.eq(kind));
    }
    if let Some(direction) = line.direction {
        select = select.filter(message::Column::Direction.eq(direction));
    }
    if line.section == "carrier_fees" {
        select = select.filter(match line.carrier_id {
            Some(id) => message::Column::CarrierId.eq(id),
            None => message::Column::CarrierId.is_null(),
        });
    } else {
        if let Some(number_kind) = line.number_kind {
            select = select.filter(message::Column::NumberKind.eq(number_kind));
        }
        select = select.filter(match &line.country {
            Some(country) => message::Column::DestinationCountry.eq(country.as_str()),
            None => message::Column::DestinationCountry.is_null(),
        });
    }
    if let Some(after) = after {
        select = select.filter(message_charge::Column::Id.gt(after));
    }
    let rows: Vec<(i64, String, chrono::DateTime<Utc>, i32, i64)> = select
        .order_by_asc(message_charge::Column::Id)
        .limit(first)
        .into_tuple()
        .all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, message_id, at, quantity, amount)| LineRecord {
            id,
            message_id: Some(message_id),
            one_time_charge_id: None,
            at,
            quantity: i64::from(quantity),
            amount_micros: amount,
        })
        .collect())
}
