//! Rendering an invoice's documents from the store, and emailing an issued invoice's PDF to
//! the customer's billing address (recorded as an invoice email, sent or failed).

use chrono::Utc;
use sea_orm::{ActiveModelTrait, DatabaseConnection, EntityTrait, Set};

use super::documents::{invoice_data, lines_csv, lines_xlsx, InvoiceDocument};
use super::invoice_store;
use crate::config::BillingSettings;
use crate::db::entities::{customer, invoice, invoice_email};
use crate::error::AppError;
use crate::mail::{MailAttachment, Mailer};

/// A document format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Pdf,
    Csv,
    Xlsx,
}

impl Format {
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "pdf" => Some(Self::Pdf),
            "csv" => Some(Self::Csv),
            "xlsx" => Some(Self::Xlsx),
            _ => None,
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Self::Pdf => "pdf",
            Self::Csv => "csv",
            Self::Xlsx => "xlsx",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Self::Pdf => "application/pdf",
            Self::Csv => "text/csv; charset=utf-8",
            Self::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }
}

/// An invoice's file name without extension: its number, or the draft's customer and period.
pub fn file_stem(invoice: &invoice::Model) -> String {
    invoice
        .number
        .clone()
        .unwrap_or_else(|| format!("draft-{}-{}", invoice.customer_id, invoice.period))
}

/// Renders one of an invoice's documents.
pub async fn render(
    db: &DatabaseConnection,
    settings: &BillingSettings,
    invoice: &invoice::Model,
    format: Format,
) -> Result<Vec<u8>, AppError> {
    let lines = invoice_store::lines(db, invoice.id).await?;
    match format {
        Format::Csv => Ok(lines_csv(invoice, &lines)),
        Format::Xlsx => {
            lines_xlsx(invoice, &lines).map_err(|e| AppError::Internal(anyhow::anyhow!(e)))
        }
        Format::Pdf => {
            let customer = customer::Entity::find_by_id(invoice.customer_id)
                .one(db)
                .await?
                .ok_or_else(|| AppError::NotFound(format!("customer {}", invoice.customer_id)))?;
            let credit_notes = invoice_store::credit_notes(db, invoice.id).await?;
            let data = invoice_data(&InvoiceDocument {
                invoice,
                lines: &lines,
                customer: &customer,
                credit_notes: &credit_notes,
                operator_name: &settings.operator_name,
                operator_address: &settings.operator_address,
            });
            tokio::task::spawn_blocking(move || super::pdf::render(&data))
                .await
                .map_err(|e| AppError::Internal(anyhow::anyhow!("rendering stopped: {e}")))?
                .map_err(|e| AppError::Internal(anyhow::anyhow!(e)))
        }
    }
}

/// Emails an issued invoice's PDF to the customer's billing address and records how it went.
/// A failed send is recorded too (and the invoice stays issued).
pub async fn email(
    db: &DatabaseConnection,
    mailer: &Mailer,
    settings: &BillingSettings,
    invoice: &invoice::Model,
) -> Result<invoice_email::Model, AppError> {
    let customer = customer::Entity::find_by_id(invoice.customer_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("customer {}", invoice.customer_id)))?;
    let pdf = render(db, settings, invoice, Format::Pdf).await?;
    let number = file_stem(invoice);
    let total = super::money::from_micros(invoice.total_micros)
        .round_dp(u32::try_from(invoice.minor_digits).unwrap_or(2));
    let text = format!(
        "Dear {},\n\nplease find attached invoice {number} for {} ({total} {}).\nAmounts exclude taxes.\n\n{}\n",
        customer.name, invoice.period, invoice.currency, settings.operator_name
    );
    let sent = mailer
        .send(
            &customer.billing_email,
            &format!("Invoice {number} from {}", settings.operator_name),
            &text,
            &[MailAttachment {
                filename: format!("{number}.pdf"),
                content_type: "application/pdf".into(),
                bytes: pdf,
            }],
        )
        .await;
    let (outcome, reference) = match sent {
        Ok(reference) => ("sent", reference),
        Err(e) => {
            tracing::warn!(error = %e, invoice = %number, "invoice email not sent");
            ("failed", e.to_string())
        }
    };
    Ok(invoice_email::ActiveModel {
        invoice_id: Set(invoice.id),
        recipient: Set(customer.billing_email),
        sent_at: Set(Utc::now()),
        outcome: Set(outcome.into()),
        reference: Set(reference),
        ..Default::default()
    }
    .insert(db)
    .await?)
}
