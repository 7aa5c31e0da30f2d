//! The message store and its group-commit writer. Sessions hand their writes to one writer
//! task, which takes whatever is ready from all of them and commits it in one transaction
//! (multi-row inserts), then answers each. A submit_sm_resp is sent only after that answer:
//! nothing acknowledged is ever lost, and a window of many messages costs one commit. On
//! PostgreSQL several such transactions are in flight at once (lanes), because one commit
//! leaves the server waiting on round trips.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveEnum, ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, DbErr, EntityTrait,
    QueryFilter, QuerySelect, QueryTrait, Set, Statement, TransactionTrait, Value,
};
use tokio::sync::{mpsc, oneshot};

use super::admission::Admitted;
use super::analytics::{StatsBatch, StatsKey};
use super::outbound::OutboundMessage;
use super::status::{receipt_text, MessageStatus};
use crate::billing::money::to_micros;
use crate::billing::rating::{total, ChargeKind, ChargeLine, Direction};
use crate::billing::rollup::{self, BillingBatch, ChargedRecord};
use crate::db::entities::{message, message_handoff, message_part, receipt};
use crate::metrics::Metrics;

/// A deliver_sm owed to a customer: a delivery receipt or an MO message. It is stored before
/// it is sent and stays pending until a receiver bind acknowledges it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Delivery {
    /// The message it is about (a receipt) or is (an MO message).
    pub message_id: String,
    pub customer_id: i64,
    pub source: String,
    pub destination: String,
    pub body: DeliveryBody,
}

/// What a deliver_sm carries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DeliveryBody {
    /// esm_class 0x04, the receipt text, and the receipted_message_id and message_state TLVs.
    Receipt { text: String, message_state: u8 },
    /// An MO message: the octets of short_message (or message_payload when long).
    Mo {
        esm_class: u8,
        data_coding: u8,
        octets: Vec<u8>,
    },
    /// An MMS's outcome, for an MM7 DeliveryReportReq to the customer's VASP: the MM7
    /// `MMStatus` and a short text.
    Mm7Report {
        mm_status: String,
        status_text: String,
    },
    /// An MO MMS, for an MM7 DeliverReq to the VASP (its parts are read from the message).
    Mm7Deliver,
}

impl DeliveryBody {
    /// True for what is posted to a VASP over MM7 rather than sent to an SMPP bind.
    pub fn is_mm7(&self) -> bool {
        matches!(
            self,
            DeliveryBody::Mm7Report { .. } | DeliveryBody::Mm7Deliver
        )
    }
}

/// The stored kinds of MM7 deliveries (the receipts table's `kind`).
pub const MM7_KINDS: [&str; 2] = ["mm7_dr", "mm7_mo"];

impl Delivery {
    /// Reads a stored delivery back.
    pub fn from_row(r: receipt::Model) -> Self {
        let body = match r.kind.as_str() {
            "mo" => DeliveryBody::Mo {
                esm_class: u8::try_from(r.esm_class).unwrap_or(0),
                data_coding: u8::try_from(r.data_coding).unwrap_or(0),
                octets: r
                    .payload
                    .as_deref()
                    .and_then(|p| hex::decode(p).ok())
                    .unwrap_or_default(),
            },
            "mm7_dr" => DeliveryBody::Mm7Report {
                mm_status: r.payload.unwrap_or_default(),
                status_text: r.text,
            },
            "mm7_mo" => DeliveryBody::Mm7Deliver,
            _ => DeliveryBody::Receipt {
                text: r.text,
                message_state: u8::try_from(r.message_state).unwrap_or(0),
            },
        };
        Self {
            message_id: r.message_id,
            customer_id: r.customer_id,
            source: r.source,
            destination: r.destination,
            body,
        }
    }
}

/// One write a session or the simulator asks for.
#[derive(Debug)]
pub enum Write {
    /// A received message, its charge lines and (when rejected) its receipt.
    Insert {
        message_id: String,
        admitted: Box<Admitted>,
        receipt: Option<Delivery>,
    },
    /// A final status, only if the message is not final yet; with its receipt.
    Finish {
        message_id: String,
        status: MessageStatus,
        error_code: Option<i32>,
        done_at: DateTime<Utc>,
        receipt: Option<Delivery>,
    },
    /// The carrier took the message: its handoff (ENROUTE), with the connector and the
    /// carrier's id. Recorded even when a receipt that overtook this write has already
    /// finished the message: the carrier did take it.
    Sent {
        message_id: String,
        connector: String,
        carrier_message_id: String,
        /// For analytics: the message's key and how long the carrier took to acknowledge.
        ack: Option<(StatsKey, i64)>,
    },
    /// A delivery (an MO message) to hold until a receiver bind acknowledges it.
    Deliver(Delivery),
    /// A delivery the customer acknowledged; for MO, the message is then DELIVERED.
    ReceiptAcked { message_id: String, mo: bool },
}

/// What a write reports: for `Finish`, whether it changed the message.
pub type WriteResult = Result<bool, String>;

pub(crate) type Job = (Write, oneshot::Sender<WriteResult>);

/// The handle sessions use to write.
#[derive(Clone)]
pub struct MessageWriter {
    jobs: mpsc::Sender<Job>,
}

impl MessageWriter {
    /// Starts the writer task; it stops once every handle is dropped and its queue is empty.
    /// On PostgreSQL it keeps up to `lanes` group commits in flight, each on its own pooled
    /// connection; SQLite has one writer, so there batches commit one after another, on a
    /// connection and a thread of the writer's own (`sqlite_lane`), opened on `db`'s file.
    pub fn start(
        db: DatabaseConnection,
        batch_max: usize,
        lanes: usize,
        metrics: Metrics,
    ) -> Result<(Self, tokio::task::JoinHandle<()>), DbErr> {
        let lane = match db.get_database_backend() {
            DbBackend::Sqlite => {
                let options = db.get_sqlite_connection_pool().connect_options();
                let file = options.get_filename();
                if file.as_os_str() == ":memory:" {
                    return Err(DbErr::Custom(
                        "the message writer needs a SQLite file, not an in-memory database".into(),
                    ));
                }
                Lanes::Sqlite(super::sqlite_lane::open(file)?)
            }
            _ => Lanes::Pool(db, lanes.max(1)),
        };
        let (jobs, queue) = mpsc::channel::<Job>(batch_max.max(1) * 4);
        let task = tokio::spawn(run(lane, queue, batch_max.max(1), metrics));
        Ok((Self { jobs }, task))
    }

    /// Queues a write and waits until it is committed (or failed).
    pub async fn write(&self, write: Write) -> WriteResult {
        let (done, answer) = oneshot::channel();
        self.jobs
            .send((write, done))
            .await
            .map_err(|_| "the message writer has stopped".to_string())?;
        answer
            .await
            .map_err(|_| "the message writer has stopped".to_string())?
    }
}

/// Where the writer commits.
enum Lanes {
    /// PostgreSQL: this many transactions in flight at once on the pool.
    Pool(DatabaseConnection, usize),
    /// SQLite: the writer's own connection.
    Sqlite(rusqlite::Connection),
}

async fn run(lanes: Lanes, mut queue: mpsc::Receiver<Job>, batch_max: usize, metrics: Metrics) {
    // One prepared batch waits while the lanes commit the ones before it: the statements of
    // the next batch are built on this task while the database works.
    let (ready, prepared) = mpsc::channel::<Built>(1);
    let (backend, executors): (_, Vec<_>) = match lanes {
        Lanes::Sqlite(conn) => {
            let (runtime, metrics) = (tokio::runtime::Handle::current(), metrics.clone());
            let lane = tokio::task::spawn_blocking(move || {
                super::sqlite_lane::run(conn, prepared, runtime, metrics)
            });
            (DbBackend::Sqlite, vec![lane])
        }
        Lanes::Pool(db, lanes) => {
            let prepared = Arc::new(tokio::sync::Mutex::new(prepared));
            let statistics = Arc::new(std::sync::Mutex::new(Statistics::new(
                db.get_database_backend(),
            )));
            let executors = (0..lanes)
                .map(|_| {
                    tokio::spawn(execute_batches(
                        db.clone(),
                        prepared.clone(),
                        statistics.clone(),
                        metrics.clone(),
                    ))
                })
                .collect();
            (db.get_database_backend(), executors)
        }
    };
    loop {
        // The slot first, then the batch: a batch is gathered as a lane takes the one before
        // it, so it holds everything that arrived meanwhile.
        let Ok(slot) = ready.reserve().await else {
            break;
        };
        let Some(first) = queue.recv().await else {
            break;
        };
        let mut batch: Vec<Job> = Vec::with_capacity(batch_max);
        batch.push(first);
        while batch.len() < batch_max {
            match queue.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let built = {
            let writes: Vec<&Write> = batch.iter().map(|(w, _)| w).collect();
            prepare(backend, &writes)
        };
        slot.send((batch, built));
    }
    drop(ready);
    for executor in executors {
        let _ = executor.await;
    }
}

/// A gathered batch and its statements.
pub(crate) type Built = (Vec<Job>, Result<Prepared, DbErr>);

/// Answers each write of a batch once its transaction committed or failed, and records the
/// commit's figures; false when it failed.
pub(crate) fn answer(
    mut batch: Vec<Job>,
    outcome: Result<Vec<bool>, DbErr>,
    started: Instant,
    metrics: &Metrics,
) -> bool {
    metrics.commit_batch_size.observe(batch.len() as f64);
    metrics
        .commit_duration
        .observe(started.elapsed().as_secs_f64());
    match outcome {
        Ok(changed) => {
            for ((_, done), changed) in batch.drain(..).zip(changed) {
                let _ = done.send(Ok(changed));
            }
            true
        }
        Err(e) => {
            tracing::error!(error = %e, batch = batch.len(), "group commit failed");
            for (_, done) in batch.drain(..) {
                let _ = done.send(Err("the message store is unavailable".into()));
            }
            false
        }
    }
}

/// One PostgreSQL lane: commits the prepared batches it takes, one after another, and answers
/// each write. Lanes in flight at once only meet on the roll-up rows every batch adds to;
/// those upserts come last in each transaction, so a lane holds their locks only while it
/// commits.
async fn execute_batches(
    db: DatabaseConnection,
    prepared: Arc<tokio::sync::Mutex<mpsc::Receiver<Built>>>,
    statistics: Arc<std::sync::Mutex<Statistics>>,
    metrics: Metrics,
) {
    loop {
        let next = prepared.lock().await.recv().await;
        let Some((batch, built)) = next else {
            break;
        };
        let started = Instant::now();
        let inserted = batch
            .iter()
            .filter(|(w, _)| matches!(w, Write::Insert { .. }))
            .count();
        let outcome = match built {
            Ok(built) => {
                let writes: Vec<&Write> = batch.iter().map(|(w, _)| w).collect();
                commit_retrying(&db, &writes, built).await
            }
            Err(e) => Err(e),
        };
        if answer(batch, outcome, started, &metrics) {
            statistics
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .inserted(&db, inserted);
        } else {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// Attempts a batch gets when it loses a deadlock or a serialization conflict to another
/// lane (two lanes finishing the same message, say): only contention, so it is retried.
const ATTEMPTS: usize = 3;

/// Commits a batch, building it again from its writes after a lost conflict.
async fn commit_retrying(
    db: &DatabaseConnection,
    writes: &[&Write],
    mut built: Prepared,
) -> Result<Vec<bool>, DbErr> {
    let mut attempt = 1;
    loop {
        let outcome = async {
            let txn = db.begin().await?;
            let changed = commit(&txn, writes, built).await?;
            txn.commit().await?;
            Ok(changed)
        };
        match outcome.await {
            Err(e) if attempt < ATTEMPTS && lost_a_conflict(&e) => {
                tracing::warn!(error = %e, attempt, "group commit lost a conflict; retrying");
                attempt += 1;
                built = prepare(db.get_database_backend(), writes)?;
            }
            outcome => return outcome,
        }
    }
}

/// PostgreSQL's "deadlock detected" and "could not serialize": the transaction was rolled
/// back for what another one did, and may simply run again.
fn lost_a_conflict(e: &DbErr) -> bool {
    use sea_orm::{sqlx, RuntimeErr};
    let (DbErr::Conn(RuntimeErr::SqlxError(sqlx::Error::Database(db)))
    | DbErr::Exec(RuntimeErr::SqlxError(sqlx::Error::Database(db)))
    | DbErr::Query(RuntimeErr::SqlxError(sqlx::Error::Database(db)))) = e
    else {
        return false;
    };
    matches!(db.code().as_deref(), Some("40P01" | "40001"))
}

/// Keeps PostgreSQL's planner statistics for the tables the writer grows from going stale.
///
/// PostgreSQL plans a prepared statement once per connection and keeps the plan until the
/// table's statistics change. A table never analysed keeps the plans made while it was empty
/// (a sequential scan), so each update by message id read the whole table and the time per
/// commit grew with it: 4,000 submits/s over 100,000 messages, 7,100/s once analysed. Autovacuum
/// normally analyses; where it is off, or lags behind a fast-growing table, the writer asks
/// for an ANALYZE each time it has doubled the rows it wrote (1,000, 2,000, 4,000, ...), on
/// another connection so that commits go on meanwhile. Rare once the tables are large.
struct Statistics {
    postgres: bool,
    written: usize,
    next: usize,
    running: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl Statistics {
    const FIRST: usize = 1_000;

    fn new(backend: DbBackend) -> Self {
        Self {
            postgres: backend == DbBackend::Postgres,
            written: 0,
            next: Self::FIRST,
            running: Default::default(),
        }
    }

    fn inserted(&mut self, db: &DatabaseConnection, messages: usize) {
        use std::sync::atomic::Ordering;
        self.written += messages;
        if !self.postgres || self.written < self.next || self.running.swap(true, Ordering::AcqRel) {
            return;
        }
        self.next = self.written.saturating_mul(2);
        let (db, running) = (db.clone(), self.running.clone());
        tokio::spawn(async move {
            if let Err(e) = db
                .execute_unprepared("ANALYZE messages, message_charges, message_handoffs, receipts")
                .await
            {
                tracing::warn!(error = %e, "cannot refresh the message tables' statistics");
            }
            running.store(false, Ordering::Release);
        });
    }
}

/// Rows per multi-row INSERT, under SQLite's bound-parameter limit.
const ROWS_PER_INSERT: usize = 500;

/// Splits `rows` into INSERTs of 64 rows, then of falling powers of two: a handful of
/// statement shapes, so each connection prepares each one once and reuses it, instead of
/// parsing a new statement of thousands of placeholders for every batch size.
fn statement_sized<T>(rows: &[T]) -> impl Iterator<Item = &[T]> {
    const LARGEST: usize = 64;
    let mut rest = rows;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let take = if rest.len() >= LARGEST {
            LARGEST
        } else {
            1 << rest.len().ilog2()
        };
        let (chunk, tail) = rest.split_at(take);
        rest = tail;
        Some(chunk)
    })
}

fn receipt_row(r: &Delivery, now: DateTime<Utc>) -> receipt::ActiveModel {
    let (kind, text, message_state, esm_class, data_coding, payload) = match &r.body {
        DeliveryBody::Receipt {
            text,
            message_state,
        } => (
            "receipt",
            text.clone(),
            i16::from(*message_state),
            i16::from(crate::smpp::pdu::esm::DELIVERY_RECEIPT),
            0,
            None,
        ),
        DeliveryBody::Mo {
            esm_class,
            data_coding,
            octets,
        } => (
            "mo",
            String::new(),
            0,
            i16::from(*esm_class),
            i16::from(*data_coding),
            Some(hex::encode(octets)),
        ),
        DeliveryBody::Mm7Report {
            mm_status,
            status_text,
        } => (
            MM7_KINDS[0],
            status_text.clone(),
            0,
            0,
            0,
            Some(mm_status.clone()),
        ),
        DeliveryBody::Mm7Deliver => (MM7_KINDS[1], String::new(), 0, 0, 0, None),
    };
    receipt::ActiveModel {
        message_id: Set(r.message_id.clone()),
        customer_id: Set(r.customer_id),
        source: Set(r.source.clone()),
        destination: Set(r.destination.clone()),
        text: Set(text),
        message_state: Set(message_state),
        state: Set("pending".into()),
        attempts: Set(0),
        created_at: Set(now),
        sent_at: Set(None),
        acked_at: Set(None),
        kind: Set(kind.into()),
        esm_class: Set(esm_class),
        data_coding: Set(data_coding),
        payload: Set(payload),
        ..Default::default()
    }
}

/// An MMS's parts as rows.
fn part_rows(message_id: &str, a: &Admitted) -> Vec<message_part::ActiveModel> {
    let Some(mms) = &a.mms else {
        return Vec::new();
    };
    mms.parts
        .iter()
        .enumerate()
        .map(|(seq, p)| message_part::ActiveModel {
            message_id: Set(message_id.to_owned()),
            seq: Set(i16::try_from(seq).unwrap_or(i16::MAX)),
            content_type: Set(p.content_type.chars().take(128).collect()),
            content_id: Set(p.content_id.as_ref().map(|c| c.chars().take(256).collect())),
            filename: Set(p.filename.as_ref().map(|f| f.chars().take(256).collect())),
            size_bytes: Set(i64::try_from(p.data.len()).unwrap_or(i64::MAX)),
            content: Set(Some(p.data.clone())),
            ..Default::default()
        })
        .collect()
}

/// Every column of `messages`, those a received message is inserted with first, in the order
/// of `message_values`; the test below holds the list to the entity.
const MESSAGE_COLUMNS: [&str; 33] = [
    "message_id",
    "customer_id",
    "direction",
    "kind",
    "number_id",
    "number_kind",
    "source",
    "destination",
    "destination_country",
    "carrier_id",
    "status",
    "reject_reason",
    "error_code",
    "data_coding",
    "encoding",
    "fragment_count",
    "body",
    "concat_ref",
    "concat_total",
    "concat_seq",
    "registered_delivery",
    "receipt_failure_only",
    "priority",
    "expires_at",
    "charge_micros",
    "currency",
    "submitted_at",
    "done_at",
    "updated_at",
    "use_case_id",
    "subject",
    // Not set on entry: the invoice run fills the first, the database generates the second.
    "invoice_id",
    "id",
];

/// How many of `MESSAGE_COLUMNS` an insert sets (all but the last two).
const MESSAGE_INSERTED: usize = MESSAGE_COLUMNS.len() - 2;

/// The columns of a charge line, in the order of `charge_values`.
const CHARGE_COLUMNS: [&str; 9] = [
    "message_id",
    "kind",
    "quantity",
    "unit_price_micros",
    "amount_micros",
    "rate_card_id",
    "rate_id",
    "carrier_fee_id",
    "international",
];

/// A multi-row INSERT's text, built once per table, row count and backend: the writer's
/// inserts are its hottest statements, and sea-query would build each one value by value.
fn insert_sql(backend: DbBackend, table: &'static str, columns: &[&str], rows: usize) -> String {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};
    type Key = (bool, &'static str, usize);
    static TEXTS: OnceLock<Mutex<HashMap<Key, String>>> = OnceLock::new();
    let postgres = backend == DbBackend::Postgres;
    let mut texts = TEXTS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    texts
        .entry((postgres, table, rows))
        .or_insert_with(|| {
            use std::fmt::Write as _;
            let mut sql = format!("INSERT INTO {table} ({}) VALUES ", columns.join(", "));
            let mut n = 0;
            for row in 0..rows {
                sql.push_str(if row == 0 { "(" } else { ", (" });
                for column in 0..columns.len() {
                    n += 1;
                    if column > 0 {
                        sql.push_str(", ");
                    }
                    if postgres {
                        let _ = write!(sql, "${n}");
                    } else {
                        sql.push('?');
                    }
                }
                sql.push(')');
            }
            sql
        })
        .clone()
}

/// ENROUTE for the messages a connector sent: one handoff row each, with the carrier's id,
/// from one JSON array of pairs. One statement per batch and connector, however many
/// messages, and an insert rather than an update of the message just written: the update
/// was the writer's costliest statement (a new version of a fresh row, entered into every
/// index of `messages`). A message handed over twice (sent again after a restart) keeps its
/// first handoff.
fn handoff_sql(backend: DbBackend) -> &'static str {
    match backend {
        DbBackend::Postgres => {
            "INSERT INTO message_handoffs (message_id, connector, carrier_message_id, sent_at) \
             SELECT e ->> 0, $1, e ->> 1, $2 FROM json_array_elements($3::json) AS e \
             ON CONFLICT (message_id) DO NOTHING"
        }
        // `WHERE true`: SQLite's parser needs it to read ON CONFLICT after a SELECT.
        _ => {
            "INSERT INTO message_handoffs (message_id, connector, carrier_message_id, sent_at) \
             SELECT value ->> 0, ?, value ->> 1, ? FROM json_each(?) WHERE true \
             ON CONFLICT (message_id) DO NOTHING"
        }
    }
}

/// A received message's row values, in the order of `MESSAGE_COLUMNS`.
fn message_values(message_id: &str, a: &Admitted, values: &mut Vec<Value>) -> Result<(), DbErr> {
    let done_at = (a.status == MessageStatus::Rejected).then_some(a.submitted_at);
    let charge = to_micros(total(&a.charges)).map_err(|e| DbErr::Custom(format!("charge {e}")))?;
    values.extend([
        message_id.into(),
        a.customer_id.into(),
        a.direction.to_value().into(),
        a.kind.to_value().into(),
        Some(a.number_id).into(),
        a.number_kind.to_value().into(),
        a.source.as_str().into(),
        a.destination.as_str().into(),
        a.destination_country.clone().into(),
        a.carrier_id.into(),
        a.status.to_value().into(),
        a.reject_reason.clone().into(),
        Option::<i32>::None.into(),
        i16::from(a.data_coding.octet()).into(),
        encoding_name(a.encoding).into(),
        i32::try_from(a.fragments).unwrap_or(i32::MAX).into(),
        Some(a.text.clone()).into(),
        a.concat.map(|c| i32::from(c.reference)).into(),
        a.concat.map(|c| i16::from(c.total)).into(),
        a.concat.map(|c| i16::from(c.seq)).into(),
        (a.receipts != super::admission::ReceiptRequest::None).into(),
        (a.receipts == super::admission::ReceiptRequest::OnFailure).into(),
        i16::from(a.priority).into(),
        a.expires_at.into(),
        charge.into(),
        a.currency.as_str().into(),
        a.submitted_at.into(),
        done_at.into(),
        a.submitted_at.into(),
        a.use_case_id.into(),
        a.mms.as_ref().and_then(|m| m.subject.clone()).into(),
    ]);
    Ok(())
}

/// A charge line's values, in the order of `CHARGE_COLUMNS`.
fn charge_values(
    message_id: &str,
    line: &ChargeLine,
    values: &mut Vec<Value>,
) -> Result<(), DbErr> {
    let micros = |d| to_micros(d).map_err(|e| DbErr::Custom(format!("charge {e}")));
    values.extend([
        message_id.into(),
        charge_kind_name(line.kind).into(),
        i32::try_from(line.quantity).unwrap_or(i32::MAX).into(),
        micros(line.unit_price)?.into(),
        micros(line.amount)?.into(),
        line.rate_card_id.into(),
        line.rate_id.into(),
        line.carrier_fee_id.into(),
        line.international.into(),
    ]);
    Ok(())
}

/// INSERTs of `width` values per row, sized as `statement_sized` sizes them.
fn multi_row_inserts(
    backend: DbBackend,
    table: &'static str,
    columns: &[&str],
    values: Vec<Value>,
    out: &mut Vec<Statement>,
) {
    let width = columns.len();
    let rows = values.len() / width;
    let mut values = values.into_iter();
    let shapes: Vec<usize> = statement_sized(&vec![(); rows]).map(<[()]>::len).collect();
    for shape in shapes {
        out.push(Statement::from_sql_and_values(
            backend,
            insert_sql(backend, table, columns, shape),
            values.by_ref().take(shape * width),
        ));
    }
}

/// One charge line of an admitted message, as the billing roll-up counts it.
fn charged_record<'a>(a: &'a Admitted, line: &ChargeLine) -> Result<ChargedRecord<'a>, DbErr> {
    let micros = |d| to_micros(d).map_err(|e| DbErr::Custom(format!("charge {e}")));
    Ok(ChargedRecord {
        customer_id: a.customer_id,
        currency: &a.currency,
        submitted_at: a.submitted_at,
        message_kind: a.kind,
        direction: a.direction,
        number_kind: a.number_kind,
        country: a.destination_country.as_deref(),
        carrier_id: a.carrier_id,
        charge_kind: charge_kind_name(line.kind),
        quantity: i64::from(line.quantity),
        unit_price_micros: micros(line.unit_price)?,
        amount_micros: micros(line.amount)?,
    })
}

/// The stored name of a charge line's kind.
fn charge_kind_name(kind: ChargeKind) -> &'static str {
    match kind {
        ChargeKind::Usage => "usage",
        ChargeKind::CarrierFee => "carrier_fee",
    }
}

/// The stored name of an encoding.
pub fn encoding_name(encoding: super::fragments::Encoding) -> &'static str {
    use super::fragments::Encoding;
    match encoding {
        Encoding::Gsm7 => "gsm7",
        Encoding::Ucs2 => "ucs2",
        Encoding::Latin1 => "latin1",
        Encoding::Ksc5601 => "ksc5601",
    }
}

/// A batch's inserts and handoffs as statements, built before its transaction opens,
/// with what they add to analytics and the billing roll-up.
pub(crate) struct Prepared {
    now: DateTime<Utc>,
    customers: Vec<i64>,
    /// The messages, their charge lines and MMS parts, in that order.
    inserts: Vec<Statement>,
    /// The handoffs (ENROUTE) of messages sent since the batch before.
    sent: Vec<Statement>,
    /// The receipts of messages rejected on entry.
    receipts: Vec<receipt::ActiveModel>,
    stats: StatsBatch,
    billing: BillingBatch,
}

/// Builds a batch's inserts and handoffs (no database access).
fn prepare(backend: DbBackend, writes: &[&Write]) -> Result<Prepared, DbErr> {
    let now = Utc::now();
    // Sized once: grown value by value, these vectors (thousands of values a batch) were
    // copied a dozen times and took fresh pages from the kernel on every batch.
    let inserts = writes
        .iter()
        .filter(|w| matches!(w, Write::Insert { .. }))
        .count();
    let mut messages = Vec::with_capacity(inserts * MESSAGE_INSERTED);
    let mut charges = Vec::with_capacity(inserts * 2 * CHARGE_COLUMNS.len());
    let mut receipts = Vec::new();
    let mut parts = Vec::new();
    let mut stats = StatsBatch::default();
    let mut billing = BillingBatch::default();
    for write in writes {
        if let Write::Insert {
            message_id,
            admitted,
            receipt,
        } = write
        {
            message_values(message_id, admitted, &mut messages)?;
            for line in &admitted.charges {
                charge_values(message_id, line, &mut charges)?;
            }
            stats.received(
                StatsKey::new(
                    admitted.submitted_at,
                    admitted.customer_id,
                    Some(admitted.number_id),
                    admitted.carrier_id,
                    admitted.direction,
                ),
                i64::from(admitted.fragments),
                admitted.status,
            );
            for line in &admitted.charges {
                billing.add(charged_record(admitted, line)?);
            }
            parts.extend(part_rows(message_id, admitted));
            receipts.extend(receipt.iter().map(|r| receipt_row(r, now)));
        }
    }
    let mut inserts = Vec::new();
    let inserted = &MESSAGE_COLUMNS[..MESSAGE_INSERTED];
    multi_row_inserts(backend, "messages", inserted, messages, &mut inserts);
    multi_row_inserts(
        backend,
        "message_charges",
        &CHARGE_COLUMNS,
        charges,
        &mut inserts,
    );
    // One statement per part: a part may be hundreds of kilobytes.
    for part in parts {
        inserts.push(message_part::Entity::insert(part).build(backend));
    }
    let mut sent_by_connector: std::collections::HashMap<&str, Vec<(&str, &str)>> =
        std::collections::HashMap::new();
    for write in writes {
        if let Write::Sent {
            message_id,
            connector,
            carrier_message_id,
            ack,
        } = write
        {
            if let Some((key, millis)) = ack {
                stats.acked(key.clone(), *millis);
            }
            sent_by_connector
                .entry(connector.as_str())
                .or_default()
                .push((message_id.as_str(), carrier_message_id.as_str()));
        }
    }
    let mut sent = Vec::new();
    for (connector, by_connector) in sent_by_connector {
        // [[message_id, carrier_message_id], …]: one parameter, however many messages.
        let pairs = serde_json::to_string(&by_connector)
            .map_err(|e| DbErr::Custom(format!("carrier ids: {e}")))?;
        sent.push(Statement::from_sql_and_values(
            backend,
            handoff_sql(backend),
            [connector.into(), now.into(), pairs.into()],
        ));
    }
    Ok(Prepared {
        now,
        customers: billing.customers(),
        inserts,
        sent,
        receipts,
        stats,
        billing,
    })
}

/// The kind of a column a batch reads back.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Kind {
    I16,
    I32,
    I64,
    Text,
    Time,
}

/// One value a batch read back.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Cell {
    Null,
    Int(i64),
    Text(String),
    Time(DateTime<Utc>),
}

impl Cell {
    fn int(&self) -> Option<i64> {
        match self {
            Cell::Int(i) => Some(*i),
            _ => None,
        }
    }

    fn into_text(self) -> Option<String> {
        match self {
            Cell::Text(t) => Some(t),
            _ => None,
        }
    }

    fn time(&self) -> Option<DateTime<Utc>> {
        match self {
            Cell::Time(t) => Some(*t),
            _ => None,
        }
    }
}

/// What a group commit asks of its transaction. The PostgreSQL lanes answer on a sea-orm
/// transaction, each statement a round trip to the server; the SQLite lane answers on a
/// connection of its own, synchronously on its own thread (`sqlite_lane`), where a batch's
/// statements cost no hand-off between threads each.
pub(crate) trait BatchTxn {
    fn backend(&self) -> DbBackend;

    /// Runs a statement; how many rows it changed.
    async fn execute(&self, statement: Statement) -> Result<u64, DbErr>;

    /// Runs a query whose columns are of the given kinds.
    async fn query(&self, statement: Statement, columns: &[Kind]) -> Result<Vec<Vec<Cell>>, DbErr>;
}

impl BatchTxn for sea_orm::DatabaseTransaction {
    fn backend(&self) -> DbBackend {
        self.get_database_backend()
    }

    async fn execute(&self, statement: Statement) -> Result<u64, DbErr> {
        Ok(ConnectionTrait::execute(self, statement)
            .await?
            .rows_affected())
    }

    async fn query(&self, statement: Statement, columns: &[Kind]) -> Result<Vec<Vec<Cell>>, DbErr> {
        let rows = self.query_all(statement).await?;
        rows.iter()
            .map(|row| {
                columns
                    .iter()
                    .enumerate()
                    .map(|(i, kind)| {
                        Ok(match kind {
                            Kind::I16 => row
                                .try_get_by_index::<Option<i16>>(i)?
                                .map_or(Cell::Null, |v| Cell::Int(v.into())),
                            Kind::I32 => row
                                .try_get_by_index::<Option<i32>>(i)?
                                .map_or(Cell::Null, |v| Cell::Int(v.into())),
                            Kind::I64 => row
                                .try_get_by_index::<Option<i64>>(i)?
                                .map_or(Cell::Null, Cell::Int),
                            Kind::Text => row
                                .try_get_by_index::<Option<String>>(i)?
                                .map_or(Cell::Null, Cell::Text),
                            Kind::Time => row
                                .try_get_by_index::<Option<DateTime<Utc>>>(i)?
                                .map_or(Cell::Null, Cell::Time),
                        })
                    })
                    .collect()
            })
            .collect()
    }
}

/// A value a batch read that is not what its column holds.
fn unreadable(what: &str) -> DbErr {
    DbErr::Custom(format!("the message writer read a bad {what}"))
}

/// Writes a batch in one transaction; returns, per write, whether it changed anything.
pub(crate) async fn commit(
    txn: &impl BatchTxn,
    writes: &[&Write],
    prepared: Prepared,
) -> Result<Vec<bool>, DbErr> {
    let backend = txn.backend();
    let Prepared {
        now,
        customers,
        inserts,
        sent,
        mut receipts,
        mut stats,
        billing,
    } = prepared;
    // Before the records: an issue of these customers waits for this batch, or it for the
    // issue, so no record lands between an issue's two claims.
    if let Some(lock) = rollup::lock_shared(backend, &customers) {
        txn.execute(lock).await?;
    }
    for statement in inserts.into_iter().chain(sent) {
        txn.execute(statement).await?;
    }
    // Final statuses: one SELECT finds which messages are still open, then one UPDATE per
    // status moves them all (not one statement per message).
    let finishing: Vec<&str> = writes
        .iter()
        .filter_map(|w| match w {
            Write::Finish { message_id, .. } => Some(message_id.as_str()),
            _ => None,
        })
        .collect();
    // Open messages, with what analytics counts them under.
    let mut open: std::collections::HashMap<String, (StatsKey, DateTime<Utc>)> =
        std::collections::HashMap::new();
    for chunk in finishing.chunks(ROWS_PER_INSERT) {
        let select = message::Entity::find()
            .select_only()
            .columns([
                message::Column::MessageId,
                message::Column::CustomerId,
                message::Column::NumberId,
                message::Column::CarrierId,
                message::Column::Direction,
                message::Column::SubmittedAt,
            ])
            .filter(message::Column::MessageId.is_in(chunk.iter().copied()))
            .filter(message::Column::Status.is_in([
                MessageStatus::Accepted.to_value(),
                MessageStatus::Enroute.to_value(),
            ]));
        // On PostgreSQL the rows stay locked to the commit: a lane finishing the same message
        // meanwhile waits, then finds it final, so a message is finished (and receipted) once.
        let select = if backend == DbBackend::Postgres {
            select.lock_exclusive()
        } else {
            select
        };
        use Kind::{Text, Time, I64};
        let rows = txn
            .query(select.build(backend), &[Text, I64, I64, I64, Text, Time])
            .await?;
        for row in rows {
            let [id, customer, number, carrier, direction, submitted] =
                <[Cell; 6]>::try_from(row).map_err(|_| unreadable("open message"))?;
            let id = id.into_text().ok_or_else(|| unreadable("message_id"))?;
            let customer = customer.int().ok_or_else(|| unreadable("customer_id"))?;
            let direction = direction
                .into_text()
                .and_then(|d| Direction::try_from_value(&d).ok())
                .ok_or_else(|| unreadable("direction"))?;
            let submitted = submitted.time().ok_or_else(|| unreadable("submitted_at"))?;
            let key = StatsKey::new(submitted, customer, number.int(), carrier.int(), direction);
            open.insert(id, (key, submitted));
        }
    }
    let mut by_outcome: std::collections::HashMap<(String, Option<i32>), Vec<String>> =
        std::collections::HashMap::new();
    let mut changed = Vec::with_capacity(writes.len());
    for write in writes {
        match write {
            Write::Insert { .. } | Write::Sent { .. } => changed.push(true),
            Write::Finish {
                message_id,
                status,
                error_code,
                receipt,
                done_at,
            } => {
                let found = open.remove(message_id.as_str());
                let did = found.is_some();
                if let Some((key, submitted)) = found {
                    stats.finished(key, *status, (*done_at - submitted).num_milliseconds());
                    by_outcome
                        .entry((status.to_value(), *error_code))
                        .or_default()
                        .push(message_id.clone());
                    receipts.extend(receipt.iter().map(|r| receipt_row(r, now)));
                }
                changed.push(did);
            }
            Write::Deliver(delivery) => {
                receipts.push(receipt_row(delivery, now));
                changed.push(true);
            }
            Write::ReceiptAcked { message_id, mo } => {
                let acked = receipt::Entity::update_many()
                    .col_expr(receipt::Column::State, Expr::value("acked"))
                    .col_expr(receipt::Column::AckedAt, Expr::value(now))
                    .filter(receipt::Column::MessageId.eq(message_id.as_str()))
                    .build(backend);
                let updated = txn.execute(acked).await?;
                if *mo {
                    mo_delivered(txn, message_id, now).await?;
                }
                changed.push(updated > 0);
            }
        }
    }
    for ((status, error_code), ids) in by_outcome {
        for chunk in ids.chunks(ROWS_PER_INSERT) {
            let update = message::Entity::update_many()
                .col_expr(message::Column::Status, Expr::value(status.clone()))
                .col_expr(message::Column::ErrorCode, Expr::value(error_code))
                .col_expr(message::Column::DoneAt, Expr::value(now))
                .col_expr(message::Column::UpdatedAt, Expr::value(now))
                .filter(message::Column::MessageId.is_in(chunk.iter().cloned()))
                .build(backend);
            txn.execute(update).await?;
        }
    }
    for chunk in statement_sized(&receipts) {
        txn.execute(receipt::Entity::insert_many(chunk.to_vec()).build(backend))
            .await?;
    }
    for statement in stats
        .statements(backend)
        .into_iter()
        .chain(billing.statements(backend))
    {
        txn.execute(statement).await?;
    }
    Ok(changed)
}

/// An MO message the customer acknowledged is DELIVERED, with every part it was joined from.
async fn mo_delivered(
    txn: &impl BatchTxn,
    message_id: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    use crate::billing::rating::Direction;
    use Kind::{Text, Time, I16, I32, I64};
    let backend = txn.backend();
    let select = message::Entity::find()
        .select_only()
        .columns([
            message::Column::CustomerId,
            message::Column::Source,
            message::Column::Destination,
            message::Column::ConcatRef,
            message::Column::ConcatTotal,
            message::Column::SubmittedAt,
        ])
        .filter(message::Column::MessageId.eq(message_id))
        .limit(1)
        .build(backend);
    let rows = txn
        .query(select, &[I64, Text, Text, I32, I16, Time])
        .await?;
    let Some(first) = rows.into_iter().next() else {
        return Ok(());
    };
    let [customer, source, destination, reference, total, submitted] =
        <[Cell; 6]>::try_from(first).map_err(|_| unreadable("MO message"))?;
    let mut update = message::Entity::update_many()
        .col_expr(
            message::Column::Status,
            Expr::value(MessageStatus::Delivered.to_value()),
        )
        .col_expr(message::Column::DoneAt, Expr::value(now))
        .col_expr(message::Column::UpdatedAt, Expr::value(now))
        .filter(message::Column::Direction.eq(Direction::Mo))
        .filter(message::Column::Status.eq(MessageStatus::Accepted.to_value()));
    update = match (reference.int(), total.int()) {
        (Some(reference), Some(total)) => {
            let submitted = submitted.time().ok_or_else(|| unreadable("submitted_at"))?;
            update
                .filter(message::Column::CustomerId.eq(customer.int()))
                .filter(message::Column::Source.eq(source.into_text()))
                .filter(message::Column::Destination.eq(destination.into_text()))
                .filter(message::Column::ConcatRef.eq(reference))
                .filter(message::Column::ConcatTotal.eq(total))
                .filter(message::Column::SubmittedAt.gte(submitted - chrono::Duration::hours(24)))
        }
        _ => update.filter(message::Column::MessageId.eq(message_id)),
    };
    txn.execute(update.build(backend)).await?;
    Ok(())
}

/// A stored message with its handoff, if a carrier took it: what readers show.
#[derive(Clone, Debug)]
pub struct StoredMessage {
    pub row: message::Model,
    pub handoff: Option<message_handoff::Model>,
}

impl StoredMessage {
    /// Its status as seen: ENROUTE once a carrier took it.
    pub fn status(&self) -> MessageStatus {
        self.row.status.as_seen(self.handoff.is_some())
    }
}

/// Messages with their handoffs, in one query for all of them.
pub async fn with_handoffs(
    db: &impl ConnectionTrait,
    rows: Vec<message::Model>,
) -> Result<Vec<StoredMessage>, DbErr> {
    let open: Vec<&str> = rows
        .iter()
        .filter(|r| r.direction == Direction::Mt)
        .map(|r| r.message_id.as_str())
        .collect();
    let mut handoffs: std::collections::HashMap<String, message_handoff::Model> =
        std::collections::HashMap::new();
    for chunk in open.chunks(ROWS_PER_INSERT) {
        for h in message_handoff::Entity::find()
            .filter(message_handoff::Column::MessageId.is_in(chunk.iter().copied()))
            .all(db)
            .await?
        {
            handoffs.insert(h.message_id.clone(), h);
        }
    }
    Ok(rows
        .into_iter()
        .map(|row| {
            let handoff = handoffs.remove(&row.message_id);
            StoredMessage { row, handoff }
        })
        .collect())
}

/// One message with its handoff.
pub async fn with_handoff(
    db: &impl ConnectionTrait,
    row: message::Model,
) -> Result<StoredMessage, DbErr> {
    let handoff = match row.direction {
        Direction::Mt => {
            message_handoff::Entity::find_by_id(row.message_id.clone())
                .one(db)
                .await?
        }
        Direction::Mo => None,
    };
    Ok(StoredMessage { row, handoff })
}

/// A message's status as seen, in SQL over `messages`: for queries that group or report by it.
pub const STATUS_SEEN_SQL: &str = "CASE WHEN messages.status = 'accepted' AND EXISTS \
     (SELECT 1 FROM message_handoffs WHERE message_handoffs.message_id = messages.message_id) \
     THEN 'enroute' ELSE messages.status END";

/// Messages whose status, as seen, is `status`: ENROUTE is ACCEPTED with a handoff. The
/// handoff test is a correlated EXISTS (an anti-join for ACCEPTED), not NOT IN over every
/// handoff: PostgreSQL hashes NOT IN's list only while it fits in work_mem, and past that
/// rescans it for each message.
pub fn status_seen(status: MessageStatus) -> sea_orm::Condition {
    use sea_orm::sea_query::{Expr, Query};
    let handed_off = || {
        Expr::exists(
            Query::select()
                .expr(Expr::val(1))
                .from(message_handoff::Entity)
                .and_where(
                    Expr::col((message_handoff::Entity, message_handoff::Column::MessageId))
                        .equals((message::Entity, message::Column::MessageId)),
                )
                .to_owned(),
        )
    };
    let stored = message::Column::Status;
    match status {
        MessageStatus::Enroute => sea_orm::Condition::all()
            .add(stored.eq(MessageStatus::Accepted))
            .add(handed_off()),
        MessageStatus::Accepted => sea_orm::Condition::all()
            .add(stored.eq(MessageStatus::Accepted))
            .add(handed_off().not()),
        other => sea_orm::Condition::all().add(stored.eq(other)),
    }
}

/// The receipt a message gets when it reaches `status`.
pub fn receipt_for(
    message: &OutboundMessage,
    status: MessageStatus,
    done_at: DateTime<Utc>,
    error_code: u16,
) -> Delivery {
    let body = if message.kind == crate::billing::rating::MessageKind::Mms {
        DeliveryBody::Mm7Report {
            mm_status: status.mm7_status().into(),
            status_text: match status {
                MessageStatus::Delivered => "delivered".into(),
                MessageStatus::Rejected => "rejected by the operator's policy".into(),
                MessageStatus::Undeliverable => {
                    format!("undeliverable (carrier error {error_code})")
                }
                other => other.receipt_stat().to_ascii_lowercase(),
            },
        }
    } else {
        DeliveryBody::Receipt {
            text: receipt_text(
                &message.message_id,
                status,
                message.submitted_at,
                done_at,
                error_code,
            ),
            message_state: status.message_state(),
        }
    };
    Delivery {
        message_id: message.message_id.clone(),
        customer_id: message.customer_id,
        source: message.destination.clone(),
        destination: message.source.clone(),
        body,
    }
}

/// A new message id: 22 hex characters, opaque to customers. They rise with time (48-bit
/// milliseconds, then an instance tag and a counter), so the unique index and the charge
/// index take each batch at their right edge instead of touching a random page per message,
/// and two instances sharing a database never collide.
pub fn new_message_id() -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::sync::OnceLock;
    static INSTANCE: OnceLock<u16> = OnceLock::new();
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let instance = *INSTANCE.get_or_init(rand::random::<u16>);
    let millis = u64::try_from(Utc::now().timestamp_millis()).unwrap_or(0) & 0xFFFF_FFFF_FFFF;
    let counter = COUNTER.fetch_add(1, Ordering::Relaxed) & 0xFF_FFFF;
    format!("{millis:012x}{instance:04x}{counter:06x}")
}

/// Receipts still owed to a customer, oldest first; with `created_before`, only those
/// waiting since then (the retry timer's resend).
pub async fn pending_receipts(
    db: &DatabaseConnection,
    customer_id: Option<i64>,
    created_before: Option<DateTime<Utc>>,
) -> Result<Vec<receipt::Model>, DbErr> {
    use sea_orm::QueryOrder;
    let mut select = receipt::Entity::find().filter(receipt::Column::State.eq("pending"));
    if let Some(customer_id) = customer_id {
        select = select.filter(receipt::Column::CustomerId.eq(customer_id));
    }
    if let Some(before) = created_before {
        select = select.filter(receipt::Column::CreatedAt.lt(before));
    }
    select.order_by_asc(receipt::Column::Id).all(db).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::entities::message_charge;
    use sea_orm::{Iden, Iterable};

    fn names<C: Iterable + Iden>() -> Vec<String> {
        let mut names: Vec<String> = C::iter().map(|c| Iden::to_string(&c)).collect();
        names.sort();
        names
    }

    #[test]
    fn the_direct_inserts_name_every_column_of_their_tables() {
        let mut messages: Vec<String> = MESSAGE_COLUMNS.iter().map(|c| (*c).to_owned()).collect();
        messages.sort();
        assert_eq!(messages, names::<message::Column>());
        let mut charges: Vec<String> = CHARGE_COLUMNS.iter().map(|c| (*c).to_owned()).collect();
        charges.push("id".into());
        charges.sort();
        assert_eq!(charges, names::<message_charge::Column>());
    }

    #[test]
    fn an_insert_has_one_placeholder_per_value() {
        let sqlite = insert_sql(DbBackend::Sqlite, "message_charges", &CHARGE_COLUMNS, 2);
        assert_eq!(sqlite.matches('?').count(), 18);
        assert!(sqlite.starts_with("INSERT INTO message_charges (message_id, kind,"));
        let postgres = insert_sql(DbBackend::Postgres, "message_charges", &CHARGE_COLUMNS, 2);
        assert!(postgres.ends_with("($10, $11, $12, $13, $14, $15, $16, $17, $18)"));
        let mut statements = Vec::new();
        let values: Vec<Value> = (0..9 * 3).map(|i| Value::from(i as i64)).collect();
        multi_row_inserts(
            DbBackend::Sqlite,
            "message_charges",
            &CHARGE_COLUMNS,
            values,
            &mut statements,
        );
        // Three rows: an INSERT of two, then one of one, with their values in order.
        let counts: Vec<usize> = statements
            .iter()
            .map(|s| s.values.as_ref().map_or(0, |v| v.0.len()))
            .collect();
        assert_eq!(counts, [18, 9]);
        assert_eq!(
            statements[1].values.as_ref().unwrap().0[0],
            Value::from(18i64)
        );
    }
}
