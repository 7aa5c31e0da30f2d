//! Invoices in the API: runs, invoices with their lines, credit notes and balance, the records
//! behind a line, issuing and crediting, and a billing summary. Finance and admins write;
//! staff read; a customer key reads its own issued (or void) invoices only.

use async_graphql::connection::{Connection, Edge};
use async_graphql::{Context, InputObject, Object, Result, SimpleObject, ID};
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

use super::error::ResultExt;
use super::guard::{caller, RoleGuard, FINANCE};
use super::pagination::{connection, page_args, Cursor};
use super::parse_id;
use crate::auth::Role;
use crate::billing::invoice_store::{self, CreditRequest};
use crate::billing::invoicing::{InvoiceState, Period};
use crate::billing::money::{from_micros, Money};
use crate::billing::rating::{Direction, MessageKind};
use crate::compliance::numbers::NumberKind;
use crate::config::BillingSettings;
use crate::db::entities::{credit_note, invoice, invoice_email, invoice_line, invoice_run};
use crate::db::page::{self, Direction as PageDirection};
use crate::error::AppError;

/// Who reads invoices (customer keys: their own issued ones).
pub const INVOICE_READERS: &[Role] = &[
    Role::Admin,
    Role::Finance,
    Role::AccountManager,
    Role::Customer,
];

fn minor(amount_micros: i64, digits: i16) -> Money {
    Money(from_micros(amount_micros).round_dp(u32::try_from(digits).unwrap_or(2)))
}

/// An invoice.
pub struct Invoice(pub invoice::Model);

#[Object]
impl Invoice {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn customer_id(&self) -> ID {
        ID(self.0.customer_id.to_string())
    }
    /// `YYYY-MM`.
    async fn period(&self) -> &str {
        &self.0.period
    }
    async fn currency(&self) -> &str {
        &self.0.currency
    }
    async fn state(&self) -> InvoiceState {
        self.0.state
    }
    /// Assigned at issue.
    async fn number(&self) -> Option<&str> {
        self.0.number.as_deref()
    }
    /// The sum of the rounded lines.
    async fn total(&self) -> Money {
        minor(self.0.total_micros, self.0.minor_digits)
    }
    /// The total minus credit notes.
    async fn balance(&self, ctx: &Context<'_>) -> Result<Money> {
        let db = ctx.data::<DatabaseConnection>()?;
        let balance = invoice_store::balance(db, &self.0).await.gql()?;
        Ok(minor(balance, self.0.minor_digits))
    }
    async fn issued_at(&self) -> Option<DateTime<Utc>> {
        self.0.issued_at
    }
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    /// Taxes are not computed by this service.
    async fn tax_note(&self) -> &'static str {
        "Amounts exclude taxes, which are out of scope of this invoice."
    }
    async fn lines(&self, ctx: &Context<'_>) -> Result<Vec<InvoiceLine>> {
        let db = ctx.data::<DatabaseConnection>()?;
        let digits = self.0.minor_digits;
        Ok(invoice_store::lines(db, self.0.id)
            .await
            .gql()?
            .into_iter()
            .map(|l| InvoiceLine::from_model(l, digits))
            .collect())
    }
    async fn credit_notes(&self, ctx: &Context<'_>) -> Result<Vec<CreditNote>> {
        let db = ctx.data::<DatabaseConnection>()?;
        let digits = self.0.minor_digits;
        Ok(invoice_store::credit_notes(db, self.0.id)
            .await
            .gql()?
            .into_iter()
            .map(|c| CreditNote::from_model(c, digits))
            .collect())
    }
    /// Where its documents are served (with the same authorization as the API).
    async fn pdf_url(&self) -> String {
        format!("/invoices/{}.pdf", self.0.id)
    }
    async fn csv_url(&self) -> String {
        format!("/invoices/{}.csv", self.0.id)
    }
    async fn xlsx_url(&self) -> String {
        format!("/invoices/{}.xlsx", self.0.id)
    }
    /// Each time it was emailed to the customer's billing address.
    async fn emails(&self, ctx: &Context<'_>) -> Result<Vec<InvoiceEmail>> {
        let db = ctx.data::<DatabaseConnection>()?;
        Ok(invoice_email::Entity::find()
            .filter(invoice_email::Column::InvoiceId.eq(self.0.id))
            .order_by_asc(invoice_email::Column::Id)
            .all(db)
            .await
            .map_err(AppError::from)
            .gql()?
            .into_iter()
            .map(|e| InvoiceEmail {
                recipient: e.recipient,
                sent_at: e.sent_at,
                outcome: e.outcome,
                reference: e.reference,
            })
            .collect())
    }
}

/// An invoice sent by email.
#[derive(SimpleObject)]
pub struct InvoiceEmail {
    pub recipient: String,
    pub sent_at: DateTime<Utc>,
    /// `sent` or `failed`.
    pub outcome: String,
    /// The outbox file or SMTP answer, or why it failed.
    pub reference: String,
}

/// One invoice line.
#[derive(SimpleObject)]
pub struct InvoiceLine {
    pub id: ID,
    pub seq: i32,
    /// `messages`, `carrier_fees` or `one_time`.
    pub section: String,
    pub description: String,
    pub charge_kind: String,
    pub message_kind: Option<MessageKind>,
    pub direction: Option<Direction>,
    pub number_kind: Option<NumberKind>,
    pub country: Option<String>,
    pub carrier_id: Option<ID>,
    /// Records of an earlier, closed period.
    pub late: bool,
    pub quantity: i64,
    pub unit_price: Money,
    /// The exact sum of its records, before rounding.
    pub raw_amount: Money,
    pub amount: Money,
    /// Its records as CSV.
    pub records_csv_url: String,
}

impl InvoiceLine {
    fn from_model(l: invoice_line::Model, digits: i16) -> Self {
        Self {
            id: ID(l.id.to_string()),
            records_csv_url: format!("/invoices/{}/lines/{}.csv", l.invoice_id, l.id),
            seq: l.seq,
            section: l.section,
            description: l.description,
            charge_kind: l.charge_kind,
            message_kind: l.message_kind,
            direction: l.direction,
            number_kind: l.number_kind,
            country: l.country,
            carrier_id: l.carrier_id.map(|c| ID(c.to_string())),
            late: l.late,
            quantity: l.quantity,
            unit_price: Money(from_micros(l.unit_price_micros)),
            raw_amount: Money(from_micros(l.raw_micros)),
            amount: minor(l.amount_micros, digits),
        }
    }
}

/// A credit note.
#[derive(SimpleObject)]
pub struct CreditNote {
    pub id: ID,
    pub invoice_id: ID,
    pub number: String,
    pub reason: String,
    pub amount: Money,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

impl CreditNote {
    fn from_model(c: credit_note::Model, digits: i16) -> Self {
        Self {
            id: ID(c.id.to_string()),
            invoice_id: ID(c.invoice_id.to_string()),
            number: c.number,
            reason: c.reason,
            amount: minor(c.amount_micros, digits),
            created_by: c.created_by,
            created_at: c.created_at,
        }
    }
}

/// One record behind a line.
#[derive(SimpleObject)]
pub struct LineRecord {
    pub message_id: Option<String>,
    pub one_time_charge_id: Option<ID>,
    pub at: DateTime<Utc>,
    pub quantity: i64,
    pub amount: Money,
}

/// An invoice run.
#[derive(SimpleObject)]
pub struct InvoiceRun {
    pub id: ID,
    pub period: String,
    pub customer_id: Option<ID>,
    pub started_by: String,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    /// `running`, `done` or `failed`.
    pub status: String,
    pub invoices: i32,
    pub error: Option<String>,
}

impl From<invoice_run::Model> for InvoiceRun {
    fn from(r: invoice_run::Model) -> Self {
        Self {
            id: ID(r.id.to_string()),
            period: r.period,
            customer_id: r.customer_id.map(|c| ID(c.to_string())),
            started_by: r.started_by,
            started_at: r.started_at,
            finished_at: r.finished_at,
            status: r.status,
            invoices: r.invoices,
            error: r.error,
        }
    }
}

/// A run and the invoices it drafted (or found issued).
#[derive(SimpleObject)]
pub struct InvoiceRunResult {
    pub run: InvoiceRun,
    pub invoices: Vec<Invoice>,
}

/// One customer's month.
#[derive(SimpleObject)]
pub struct BillingMonth {
    pub period: String,
    pub customer_id: ID,
    pub currency: String,
    pub state: InvoiceState,
    pub number: Option<String>,
    pub total: Money,
}

/// Which invoices to list.
#[derive(InputObject, Default)]
#[graphql(name = "InvoiceFilter")]
pub struct InvoiceFilter {
    pub customer_id: Option<ID>,
    /// `YYYY-MM`.
    pub period: Option<String>,
    pub state: Option<InvoiceState>,
}

/// A credit note to make: `full`, or `lineIds`, or `amount`.
#[derive(InputObject)]
#[graphql(name = "CreditNoteInput")]
pub struct CreditNoteInput {
    pub invoice_id: ID,
    pub reason: String,
    #[graphql(default)]
    pub full: bool,
    pub line_ids: Option<Vec<ID>>,
    pub amount: Option<Money>,
}

fn parse_period(text: &str) -> Result<Period> {
    Period::parse(text)
        .map_err(|e| AppError::invalid_field("period", e))
        .gql()
}

/// The invoice, if the caller may see it (a customer key: its own, once issued).
async fn visible(ctx: &Context<'_>, id: i64) -> Result<invoice::Model> {
    let db = ctx.data::<DatabaseConnection>()?;
    let found = invoice::Entity::find_by_id(id)
        .one(db)
        .await
        .map_err(AppError::from)
        .gql()?;
    let own = caller(ctx)?.customer_id;
    match found {
        Some(i) if own.is_none() => Ok(i),
        Some(i) if Some(i.customer_id) == own && i.state != InvoiceState::Draft => Ok(i),
        _ => Err(AppError::NotFound(format!("invoice {id}"))).gql(),
    }
}

#[derive(Default)]
pub struct InvoiceQuery;

#[Object]
impl InvoiceQuery {
    /// Invoices, newest first.
    #[graphql(
        guard = "RoleGuard::new(INVOICE_READERS)",
        complexity = "first * child_complexity"
    )]
    async fn invoices(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 20)] first: usize,
        after: Option<String>,
        #[graphql(default)] filter: InvoiceFilter,
    ) -> Result<Connection<Cursor, Invoice>> {
        let (first, after) = page_args(first, after.as_deref())?;
        let mut select = invoice::Entity::find();
        if let Some(own) = caller(ctx)?.customer_id {
            select = select
                .filter(invoice::Column::CustomerId.eq(own))
                .filter(invoice::Column::State.ne(InvoiceState::Draft));
        }
        if let Some(customer) = filter.customer_id {
            select =
                select.filter(invoice::Column::CustomerId.eq(parse_id(&customer, "customerId")?));
        }
        if let Some(period) = filter.period {
            select = select.filter(invoice::Column::Period.eq(parse_period(&period)?.to_string()));
        }
        if let Some(state) = filter.state {
            select = select.filter(invoice::Column::State.eq(state));
        }
        let db = ctx.data::<DatabaseConnection>()?;
        let page = page::keyset(
            db,
            select,
            invoice::Column::Id,
            after,
            first,
            PageDirection::NewestFirst,
        )
        .await
        .map_err(AppError::from)
        .gql()?;
        Ok(connection(page, after, |i| i.id, Invoice))
    }

    #[graphql(guard = "RoleGuard::new(INVOICE_READERS)")]
    async fn invoice(&self, ctx: &Context<'_>, id: ID) -> Result<Invoice> {
        Ok(Invoice(visible(ctx, parse_id(&id, "id")?).await?))
    }

    /// The records behind one line (message ids with fragments and amounts, or the one-time
    /// charge); rounded, their sum is the line.
    #[graphql(
        guard = "RoleGuard::new(INVOICE_READERS)",
        complexity = "first * child_complexity"
    )]
    async fn invoice_line_records(
        &self,
        ctx: &Context<'_>,
        line_id: ID,
        #[graphql(default = 20)] first: usize,
        after: Option<String>,
    ) -> Result<Connection<Cursor, LineRecord>> {
        let (first, after) = page_args(first, after.as_deref())?;
        let db = ctx.data::<DatabaseConnection>()?;
        let id = parse_id(&line_id, "lineId")?;
        let line = invoice_line::Entity::find_by_id(id)
            .one(db)
            .await
            .map_err(AppError::from)
            .gql()?
            .ok_or_else(|| AppError::NotFound(format!("invoice line {id}")))
            .gql()?;
        visible(ctx, line.invoice_id).await?;
        let mut records = invoice_store::line_records(db, &line, after, first + 1)
            .await
            .gql()?;
        let has_next = records.len() as u64 > first;
        records.truncate(usize::try_from(first).unwrap_or(usize::MAX));
        let mut page = Connection::new(after.is_some(), has_next);
        page.edges.extend(records.into_iter().map(|r| {
            Edge::new(
                async_graphql::connection::OpaqueCursor(r.id),
                LineRecord {
                    message_id: r.message_id,
                    one_time_charge_id: r.one_time_charge_id.map(|c| ID(c.to_string())),
                    at: r.at,
                    quantity: r.quantity,
                    amount: Money(from_micros(r.amount_micros)),
                },
            )
        }));
        Ok(page)
    }

    /// Recent invoice runs, newest first.
    #[graphql(guard = "RoleGuard::new(FINANCE)")]
    async fn invoice_runs(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 20)] first: u64,
    ) -> Result<Vec<InvoiceRun>> {
        use sea_orm::QuerySelect;
        let db = ctx.data::<DatabaseConnection>()?;
        Ok(invoice_run::Entity::find()
            .order_by_desc(invoice_run::Column::Id)
            .limit(first.min(100))
            .all(db)
            .await
            .map_err(AppError::from)
            .gql()?
            .into_iter()
            .map(InvoiceRun::from)
            .collect())
    }

    /// Per customer and month: its invoice's state, number and total, newest first.
    #[graphql(guard = "RoleGuard::new(INVOICE_READERS)")]
    async fn billing_summary(
        &self,
        ctx: &Context<'_>,
        customer_id: Option<ID>,
        #[graphql(default = 12)] months: u32,
    ) -> Result<Vec<BillingMonth>> {
        let db = ctx.data::<DatabaseConnection>()?;
        let mut select = invoice::Entity::find().order_by_desc(invoice::Column::Period);
        let own = caller(ctx)?.customer_id;
        if let Some(own) = own {
            select = select
                .filter(invoice::Column::CustomerId.eq(own))
                .filter(invoice::Column::State.ne(InvoiceState::Draft));
        } else if let Some(customer) = customer_id {
            select =
                select.filter(invoice::Column::CustomerId.eq(parse_id(&customer, "customerId")?));
        }
        let since = (0..months.clamp(1, 120) - 1).fold(Period::of(Utc::now()), |p, _| {
            if p.month == 1 {
                Period {
                    year: p.year - 1,
                    month: 12,
                }
            } else {
                Period {
                    year: p.year,
                    month: p.month - 1,
                }
            }
        });
        select = select.filter(invoice::Column::Period.gte(since.to_string()));
        Ok(select
            .all(db)
            .await
            .map_err(AppError::from)
            .gql()?
            .into_iter()
            .map(|i| BillingMonth {
                period: i.period,
                customer_id: ID(i.customer_id.to_string()),
                currency: i.currency,
                state: i.state,
                number: i.number,
                total: minor(i.total_micros, i.minor_digits),
            })
            .collect())
    }
}

#[derive(Default)]
pub struct InvoiceMutation;

#[Object]
impl InvoiceMutation {
    /// Drafts a period's invoices (a calendar month) for one customer or all; re-running
    /// replaces drafts exactly and leaves issued invoices as they are.
    #[graphql(guard = "RoleGuard::new(FINANCE)")]
    async fn run_invoices(
        &self,
        ctx: &Context<'_>,
        period: String,
        customer_id: Option<ID>,
    ) -> Result<InvoiceRunResult> {
        let db = ctx.data::<DatabaseConnection>()?;
        let period = parse_period(&period)?;
        let customer = customer_id
            .map(|c| parse_id(&c, "customerId"))
            .transpose()?;
        let (run, invoices) = invoice_store::run(db, caller(ctx)?, period, customer)
            .await
            .gql()?;
        Ok(InvoiceRunResult {
            run: run.into(),
            invoices: invoices.into_iter().map(Invoice).collect(),
        })
    }

    /// Issues a draft: numbered, immutable from now on, and its PDF emailed to the
    /// customer's billing address (recorded in `emails`; a failed send does not undo it).
    #[graphql(guard = "RoleGuard::new(FINANCE)")]
    async fn issue_invoice(&self, ctx: &Context<'_>, id: ID) -> Result<Invoice> {
        let db = ctx.data::<DatabaseConnection>()?;
        let settings = ctx.data::<BillingSettings>()?;
        let mailer = ctx.data::<std::sync::Arc<crate::mail::Mailer>>()?;
        let id = parse_id(&id, "id")?;
        let issued = invoice_store::issue(db, settings, id).await.gql()?;
        if let Err(e) = crate::billing::delivery::email(db, mailer, settings, &issued).await {
            tracing::warn!(error = %e, "issued invoice not emailed");
        }
        crate::audit::record(
            db,
            caller(ctx)?,
            "issueInvoice",
            "invoice",
            issued.id,
            serde_json::json!({ "number": issued.number, "total_micros": issued.total_micros }),
        )
        .await
        .map_err(AppError::from)
        .gql()?;
        Ok(Invoice(issued))
    }

    /// A credit note against an issued invoice: in full (the invoice becomes VOID), by lines,
    /// or an amount.
    #[graphql(guard = "RoleGuard::new(FINANCE)")]
    async fn create_credit_note(
        &self,
        ctx: &Context<'_>,
        input: CreditNoteInput,
    ) -> Result<CreditNote> {
        let db = ctx.data::<DatabaseConnection>()?;
        let settings = ctx.data::<BillingSettings>()?;
        let invoice_id = parse_id(&input.invoice_id, "invoiceId")?;
        let request = match (input.full, input.line_ids, input.amount) {
            (true, None, None) => CreditRequest::Full,
            (false, Some(ids), None) => CreditRequest::Lines(
                ids.iter()
                    .map(|id| parse_id(id, "lineIds"))
                    .collect::<Result<_>>()?,
            ),
            (false, None, Some(amount)) => CreditRequest::Amount(amount.0),
            _ => {
                return Err(AppError::invalid_field(
                    "full",
                    "give exactly one of full, lineIds and amount",
                ))
                .gql()
            }
        };
        let actor = caller(ctx)?;
        let note = invoice_store::credit(db, settings, actor, invoice_id, &input.reason, request)
            .await
            .gql()?;
        crate::audit::record(
            db,
            actor,
            "createCreditNote",
            "credit_note",
            note.id,
            serde_json::json!({ "invoice_id": invoice_id, "number": note.number, "amount_micros": note.amount_micros }),
        )
        .await
        .map_err(AppError::from)
        .gql()?;
        let digits = invoice::Entity::find_by_id(invoice_id)
            .one(db)
            .await
            .map_err(AppError::from)
            .gql()?
            .map_or(2, |i| i.minor_digits);
        Ok(CreditNote::from_model(note, digits))
    }
}
