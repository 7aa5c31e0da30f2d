//! Bulk sending over GraphQL: preview an uploaded CSV or XLSX (every row judged and priced,
//! nothing sent), start it as a batch, watch it, cancel it. Admins and account managers send
//! for any customer's number; a customer key only from its own numbers.

use std::io::Read as _;
use std::sync::Arc;

use async_graphql::connection::Connection;
use async_graphql::{ComplexObject, Context, Object, Result, SimpleObject, Upload, ID};
use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;

use super::error::ResultExt;
use super::guard::{caller, scoped_customer, RoleGuard, SENDERS};
use super::pagination::{connection, page_args, Cursor};
use super::parse_id;
use crate::billing::money::{from_micros, Money};
use crate::db::entities::{send_batch, send_batch_row};
use crate::error::AppError;
use crate::messaging::bulk::{self, sheet, store, BatchState, PlannedRow, Preview, RowState};
use crate::messaging::fragments::Encoding;
use crate::messaging::status::MessageStatus;
use crate::smpp::gateway::Gateway;

/// The largest upload accepted.
const MAX_FILE_BYTES: u64 = 20 * 1024 * 1024;
/// Rows of a preview shown beside its failures.
const SAMPLE_ROWS: usize = 20;

/// A `field: reason` message as a validation error on that field.
fn field_error(message: &str) -> AppError {
    match message.split_once(": ") {
        Some((field, reason)) => AppError::invalid_field(field, reason),
        None => AppError::invalid_field("file", message),
    }
}

/// Reads the upload, finds the sender and judges every row.
fn judge(ctx: &Context<'_>, file: &Upload, from: &str) -> Result<(String, bulk::Sender, Preview)> {
    let upload = file.value(ctx)?;
    let name = upload.filename.clone();
    if upload.size().unwrap_or(0) > MAX_FILE_BYTES {
        return Err(field_error(&format!(
            "file: larger than {} MiB",
            MAX_FILE_BYTES / 1024 / 1024
        )))
        .gql();
    }
    let mut bytes = Vec::new();
    upload
        .into_read()
        .read_to_end(&mut bytes)
        .map_err(|e| field_error(&format!("file: cannot be read ({e})")))
        .gql()?;
    let read = sheet::read(&bytes)
        .map_err(|e| field_error(&e.to_string()))
        .gql()?;
    let layout = bulk::layout(&read.header)
        .map_err(|e| field_error(&e))
        .gql()?;
    let now = Utc::now();
    let rows = bulk::read_rows(&read, &layout, now)
        .map_err(|e| field_error(&e))
        .gql()?;
    let gateway = ctx.data::<Arc<Gateway>>()?;
    let snapshot = gateway.snapshot.get();
    let sender = bulk::sender(&snapshot, from, caller(ctx)?.customer_id)
        .map_err(|e| field_error(&e))
        .gql()?;
    let preview = bulk::preview(&snapshot, &sender, rows, now);
    Ok((name, sender, preview))
}

/// A row as the preview judged it.
#[derive(SimpleObject)]
pub struct SendPreviewRow {
    /// The spreadsheet line (the header is line 1).
    pub line: u32,
    /// E.164 once it parses; otherwise as the file gave it.
    pub destination: String,
    /// With its merge fields filled in.
    pub text: String,
    pub encoding: Encoding,
    pub fragments: u32,
    /// What it would cost now (zero for a row that fails).
    pub price: Money,
    pub send_at: Option<DateTime<Utc>>,
    pub priority: u8,
    /// Why it would fail, naming the column (`destination: …`, `rejected: …`); null when it
    /// would be sent.
    pub problem: Option<String>,
}

impl From<&PlannedRow> for SendPreviewRow {
    fn from(r: &PlannedRow) -> Self {
        Self {
            line: r.read.line,
            destination: r
                .destination
                .clone()
                .unwrap_or_else(|| r.read.destination.clone()),
            text: r.read.text.clone(),
            encoding: r.encoding,
            fragments: r.fragments,
            price: Money(r.price),
            send_at: r.read.send_at,
            priority: r.read.priority,
            problem: r.read.problem.clone(),
        }
    }
}

/// What sending a file would do, without sending anything.
#[derive(SimpleObject)]
pub struct SendPreview {
    pub file_name: String,
    /// The sending number, in its stored form.
    pub from: String,
    pub customer_id: ID,
    /// Rows read (empty lines left out).
    pub rows: usize,
    /// Rows that would be sent.
    pub sendable: usize,
    /// Every row that would fail, with its reason.
    pub failures: Vec<SendPreviewRow>,
    /// The first rows that would be sent, as they would be sent.
    pub sample: Vec<SendPreviewRow>,
    /// Fragments of the rows that would be sent.
    pub fragments: u64,
    /// The price of the rows that would be sent, at today's rates.
    pub price: Money,
    pub currency: String,
    /// The `{{fields}}` the texts use.
    pub merge_fields: Vec<String>,
}

impl SendPreview {
    fn new(file_name: String, sender: &bulk::Sender, preview: &Preview) -> Self {
        Self {
            file_name,
            from: sender.address.clone(),
            customer_id: ID(sender.customer_id.to_string()),
            rows: preview.rows.len(),
            sendable: preview.rows.len() - preview.failing(),
            failures: preview
                .rows
                .iter()
                .filter(|r| r.fails())
                .map(SendPreviewRow::from)
                .collect(),
            sample: preview
                .rows
                .iter()
                .filter(|r| !r.fails())
                .take(SAMPLE_ROWS)
                .map(SendPreviewRow::from)
                .collect(),
            fragments: preview.fragments,
            price: Money(preview.price),
            currency: preview.currency.clone(),
            merge_fields: preview.merge_fields.clone(),
        }
    }
}

/// How many rows are in one state.
#[derive(SimpleObject)]
pub struct RowStateCount {
    pub state: RowState,
    pub count: i64,
}

/// How many sent rows' messages are in one status now.
#[derive(SimpleObject)]
pub struct MessageStatusCount {
    pub status: MessageStatus,
    pub count: i64,
}

/// A bulk upload being sent or sent.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct SendBatch {
    pub id: ID,
    pub customer_id: ID,
    /// The sending number.
    pub source: String,
    pub name: String,
    pub file_name: String,
    pub state: BatchState,
    pub total_rows: i32,
    pub currency: String,
    /// The preview's price of the rows it would send.
    pub quoted: Money,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
}

impl From<send_batch::Model> for SendBatch {
    fn from(b: send_batch::Model) -> Self {
        Self {
            id: ID(b.id.to_string()),
            customer_id: ID(b.customer_id.to_string()),
            source: b.source,
            name: b.name,
            file_name: b.file_name,
            state: b.state,
            total_rows: b.total_rows,
            currency: b.currency,
            quoted: Money(from_micros(b.quoted_micros)),
            created_by: b.created_by,
            created_at: b.created_at,
            cancelled_at: b.cancelled_at,
            finished_at: b.finished_at,
        }
    }
}

fn batch_id(batch: &SendBatch) -> Result<i64> {
    parse_id(&batch.id, "id")
}

#[ComplexObject]
impl SendBatch {
    /// Rows by state, for the progress bar.
    async fn counts(&self, ctx: &Context<'_>) -> Result<Vec<RowStateCount>> {
        let db = ctx.data::<DatabaseConnection>()?;
        Ok(store::counts(db, batch_id(self)?)
            .await
            .gql()?
            .into_iter()
            .map(|(state, count)| RowStateCount { state, count })
            .collect())
    }

    /// The share of rows that are finished (sent, failed, skipped or cancelled), 0 to 1.
    async fn progress(&self, ctx: &Context<'_>) -> Result<f64> {
        let db = ctx.data::<DatabaseConnection>()?;
        let counts = store::counts(db, batch_id(self)?).await.gql()?;
        let open: i64 = counts
            .iter()
            .filter(|(s, _)| matches!(s, RowState::Pending | RowState::Submitting))
            .map(|(_, n)| n)
            .sum();
        let all: i64 = counts.iter().map(|(_, n)| n).sum();
        Ok(if all == 0 {
            1.0
        } else {
            (all - open) as f64 / all as f64
        })
    }

    /// The sent rows' messages by their current status.
    async fn message_statuses(&self, ctx: &Context<'_>) -> Result<Vec<MessageStatusCount>> {
        let db = ctx.data::<DatabaseConnection>()?;
        Ok(store::message_statuses(db, batch_id(self)?)
            .await
            .gql()?
            .into_iter()
            .map(|(status, count)| MessageStatusCount { status, count })
            .collect())
    }

    /// What the sent rows were charged.
    async fn charged(&self, ctx: &Context<'_>) -> Result<Money> {
        let db = ctx.data::<DatabaseConnection>()?;
        let micros = store::charged_micros(db, batch_id(self)?).await.gql()?;
        Ok(Money(from_micros(micros)))
    }

    /// The rows in file order, optionally in one state.
    async fn rows(
        &self,
        ctx: &Context<'_>,
        state: Option<RowState>,
        #[graphql(default = 20)] first: usize,
        after: Option<String>,
    ) -> Result<Connection<Cursor, SendBatchRow>> {
        let (first, after) = page_args(first, after.as_deref())?;
        let db = ctx.data::<DatabaseConnection>()?;
        let page = store::rows(db, batch_id(self)?, state, after, first)
            .await
            .gql()?;
        Ok(connection(page, after, |r| r.id, SendBatchRow::from))
    }

    /// The results as CSV, with the same key: `GET` this path.
    async fn results_url(&self) -> String {
        format!("/send-batches/{}.csv", self.id.as_str())
    }
}

/// One row of a batch.
#[derive(SimpleObject)]
pub struct SendBatchRow {
    pub id: ID,
    pub line: i32,
    pub destination: String,
    pub text: String,
    pub send_at: Option<DateTime<Utc>>,
    pub priority: i16,
    pub fragments: i32,
    pub state: RowState,
    /// Why it was skipped or failed.
    pub reason: Option<String>,
    pub message_id: Option<String>,
    /// ACCEPTED or REJECTED when it was received.
    pub status: Option<MessageStatus>,
    pub charge: Option<Money>,
    pub sent_at: Option<DateTime<Utc>>,
}

impl From<send_batch_row::Model> for SendBatchRow {
    fn from(r: send_batch_row::Model) -> Self {
        Self {
            id: ID(r.id.to_string()),
            line: r.row_number,
            destination: r.destination,
            text: r.text,
            send_at: r.send_at,
            priority: r.priority,
            fragments: r.fragments,
            state: r.state,
            reason: r.reason,
            // A row being submitted holds an id that may not be stored yet.
            message_id: r.message_id.filter(|_| r.state == RowState::Sent),
            status: r.status,
            charge: r.charge_micros.map(|m| Money(from_micros(m))),
            sent_at: r.sent_at,
        }
    }
}

#[derive(Default)]
pub struct BulkQuery;

#[Object]
impl BulkQuery {
    /// A bulk batch by id.
    #[graphql(guard = "RoleGuard::new(SENDERS)")]
    async fn send_batch(&self, ctx: &Context<'_>, id: ID) -> Result<Option<SendBatch>> {
        let id = parse_id(&id, "id")?;
        let db = ctx.data::<DatabaseConnection>()?;
        Ok(store::get(db, id, caller(ctx)?.customer_id)
            .await
            .gql()?
            .map(SendBatch::from))
    }

    /// Bulk batches, newest first, of one customer (a customer key: its own) or all.
    #[graphql(guard = "RoleGuard::new(SENDERS)")]
    async fn send_batches(
        &self,
        ctx: &Context<'_>,
        customer_id: Option<ID>,
        state: Option<BatchState>,
        #[graphql(default = 20)] first: usize,
        after: Option<String>,
    ) -> Result<Connection<Cursor, SendBatch>> {
        let (first, after) = page_args(first, after.as_deref())?;
        let customer = scoped_customer(ctx, customer_id.as_ref(), "customerId")?;
        let db = ctx.data::<DatabaseConnection>()?;
        let page = store::list(db, customer, state, after, first).await.gql()?;
        Ok(connection(page, after, |b| b.id, SendBatch::from))
    }
}

#[derive(Default)]
pub struct BulkMutation;

#[Object]
impl BulkMutation {
    /// Reads a CSV or XLSX (a destination column, a text column with optional `{{field}}`
    /// merge fields from other columns, optional `send_at` and `priority`) and judges every
    /// row as admission would: sends nothing and stores nothing.
    #[graphql(guard = "RoleGuard::new(SENDERS)")]
    async fn preview_send(
        &self,
        ctx: &Context<'_>,
        file: Upload,
        from: String,
    ) -> Result<SendPreview> {
        let (name, sender, preview) = judge(ctx, &file, &from)?;
        Ok(SendPreview::new(name, &sender, &preview))
    }

    /// Judges the file as `previewSend` does and stores it as a batch: the rows that pass are
    /// sent through admission at the number's throttle (at their `send_at` when given), the
    /// rows that fail are kept as SKIPPED with their reason.
    #[graphql(guard = "RoleGuard::new(SENDERS)")]
    async fn start_send(
        &self,
        ctx: &Context<'_>,
        file: Upload,
        from: String,
        name: Option<String>,
    ) -> Result<SendBatch> {
        let (file_name, sender, preview) = judge(ctx, &file, &from)?;
        let name = name
            .map(|n| n.trim().to_string())
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| file_name.clone());
        if name.chars().count() > 200 {
            return Err(AppError::invalid_field("name", "at most 200 characters")).gql();
        }
        let db = ctx.data::<DatabaseConnection>()?;
        let batch = store::create(db, caller(ctx)?, &sender, &name, &file_name, &preview)
            .await
            .gql()?;
        Ok(batch.into())
    }

    /// Cancels a batch: the rows not yet sent are cancelled; sent rows stay sent.
    #[graphql(guard = "RoleGuard::new(SENDERS)")]
    async fn cancel_send(&self, ctx: &Context<'_>, id: ID) -> Result<SendBatch> {
        let id = parse_id(&id, "id")?;
        let db = ctx.data::<DatabaseConnection>()?;
        let actor = caller(ctx)?;
        let batch = store::cancel(db, actor, id, actor.customer_id)
            .await
            .gql()?;
        Ok(store::get(db, batch.id, None)
            .await
            .gql()?
            .unwrap_or(batch)
            .into())
    }
}
