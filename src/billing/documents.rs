//! An invoice's documents: the CSV of its lines and of one line's records (the drill-down).

use super::invoice_store::LineRecord;
use super::money::from_micros;
use crate::db::entities::{invoice, invoice_line};

fn csv_writer() -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new().from_writer(Vec::new())
}

fn finish(writer: csv::Writer<Vec<u8>>) -> Vec<u8> {
    writer.into_inner().unwrap_or_default()
}

/// The lines of an invoice, one row each, with its number, period and currency.
pub fn lines_csv(invoice: &invoice::Model, lines: &[invoice_line::Model]) -> Vec<u8> {
    let mut w = csv_writer();
    let _ = w.write_record([
        "invoice",
        "period",
        "currency",
        "line",
        "section",
        "description",
        "late",
        "quantity",
        "unit_price",
        "amount",
    ]);
    for line in lines {
        let _ = w.write_record([
            invoice
                .number
                .clone()
                .unwrap_or_else(|| format!("draft-{}", invoice.id)),
            invoice.period.clone(),
            invoice.currency.clone(),
            line.seq.to_string(),
            line.section.clone(),
            line.description.clone(),
            line.late.to_string(),
            line.quantity.to_string(),
            from_micros(line.unit_price_micros).normalize().to_string(),
            from_micros(line.amount_micros)
                .round_dp(u32::try_from(invoice.minor_digits).unwrap_or(2))
                .to_string(),
        ]);
    }
    finish(w)
}

/// The records behind one line: the message (or one-time charge), when, how many, how much.
pub fn records_csv(line: &invoice_line::Model, records: &[LineRecord]) -> Vec<u8> {
    let mut w = csv_writer();
    let _ = w.write_record([
        "line",
        "message_id",
        "one_time_charge_id",
        "at",
        "quantity",
        "amount",
    ]);
    for r in records {
        let _ = w.write_record([
            line.seq.to_string(),
            r.message_id.clone().unwrap_or_default(),
            r.one_time_charge_id
                .map(|id| id.to_string())
                .unwrap_or_default(),
            r.at.to_rfc3339(),
            r.quantity.to_string(),
            from_micros(r.amount_micros).to_string(),
        ]);
    }
    finish(w)
}

/// Everything an invoice document shows.
pub struct InvoiceDocument<'a> {
    pub invoice: &'a invoice::Model,
    pub lines: &'a [invoice_line::Model],
    pub customer: &'a crate::db::entities::customer::Model,
    pub credit_notes: &'a [crate::db::entities::credit_note::Model],
    pub operator_name: &'a str,
    pub operator_address: &'a str,
}

/// The sections in the order they are printed: (stored name, title).
const SECTIONS: [(&str, &str); 3] = [
    ("messages", "Messages"),
    ("carrier_fees", "Carrier pass-through fees"),
    ("one_time", "One-time charges"),
];

/// What the Typst template reads: every amount already a string rounded to the currency's
/// minor unit, so the document shows exactly what is stored.
pub fn invoice_data(doc: &InvoiceDocument<'_>) -> serde_json::Value {
    let digits = u32::try_from(doc.invoice.minor_digits).unwrap_or(2);
    let money = |micros: i64| from_micros(micros).round_dp(digits).to_string();
    let sections: Vec<serde_json::Value> = SECTIONS
        .iter()
        .filter_map(|(name, title)| {
            let lines: Vec<&invoice_line::Model> =
                doc.lines.iter().filter(|l| l.section == *name).collect();
            if lines.is_empty() {
                return None;
            }
            let subtotal: i64 = lines.iter().map(|l| l.amount_micros).sum();
            Some(serde_json::json!({
                "title": title,
                "subtotal": money(subtotal),
                "lines": lines.iter().map(|l| serde_json::json!({
                    "seq": l.seq.to_string(),
                    "description": l.description,
                    "quantity": l.quantity.to_string(),
                    "unit_price": from_micros(l.unit_price_micros).normalize().to_string(),
                    "amount": money(l.amount_micros),
                })).collect::<Vec<_>>(),
            }))
        })
        .collect();
    let credited: i64 = doc.credit_notes.iter().map(|c| c.amount_micros).sum();
    let period = super::invoicing::Period::parse(&doc.invoice.period).ok();
    serde_json::json!({
        "title": if doc.invoice.state == super::invoicing::InvoiceState::Draft { "Draft invoice" } else { "Invoice" },
        "number": doc.invoice.number.clone().unwrap_or_else(|| "DRAFT".into()),
        "period": doc.invoice.period,
        "period_label": period.map_or_else(
            || doc.invoice.period.clone(),
            |p| format!("{} to {}", p.first_day(), p.next().first_day() - chrono::Duration::days(1)),
        ),
        "issued": doc.invoice.issued_at.map_or_else(|| "not issued".to_string(), |at| at.format("%Y-%m-%d").to_string()),
        "currency": doc.invoice.currency,
        "operator": { "name": doc.operator_name, "address": doc.operator_address },
        "customer": { "name": doc.customer.name, "email": doc.customer.billing_email },
        "sections": sections,
        "total": money(doc.invoice.total_micros),
        "credit_notes": doc.credit_notes.iter().map(|c| serde_json::json!({
            "number": c.number,
            "date": c.created_at.format("%Y-%m-%d").to_string(),
            "reason": c.reason,
            "amount": money(c.amount_micros),
        })).collect::<Vec<_>>(),
        "balance": money(doc.invoice.total_micros - credited),
        "tax_note": "Amounts exclude taxes: taxes are out of scope of this invoice.",
    })
}

/// The lines as an XLSX workbook. Amounts are written as text cells holding the exact
/// decimal (a spreadsheet number is a float); quantities are numbers.
pub fn lines_xlsx(
    invoice: &invoice::Model,
    lines: &[invoice_line::Model],
) -> Result<Vec<u8>, String> {
    use rust_xlsxwriter::{Format, Workbook};
    let digits = u32::try_from(invoice.minor_digits).unwrap_or(2);
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    let bold = Format::new().set_bold();
    let headers = [
        "Line",
        "Section",
        "Description",
        "Late",
        "Quantity",
        "Unit price",
        "Amount",
    ];
    let e = |e: rust_xlsxwriter::XlsxError| e.to_string();
    for (col, header) in headers.iter().enumerate() {
        sheet
            .write_string_with_format(0, u16::try_from(col).unwrap_or(0), *header, &bold)
            .map_err(e)?;
    }
    for (i, line) in lines.iter().enumerate() {
        let row = u32::try_from(i + 1).unwrap_or(u32::MAX);
        sheet.write_number(row, 0, f64::from(line.seq)).map_err(e)?;
        sheet.write_string(row, 1, &line.section).map_err(e)?;
        sheet.write_string(row, 2, &line.description).map_err(e)?;
        sheet.write_boolean(row, 3, line.late).map_err(e)?;
        sheet
            .write_string(row, 4, line.quantity.to_string())
            .map_err(e)?;
        sheet
            .write_string(
                row,
                5,
                from_micros(line.unit_price_micros).normalize().to_string(),
            )
            .map_err(e)?;
        sheet
            .write_string(
                row,
                6,
                from_micros(line.amount_micros).round_dp(digits).to_string(),
            )
            .map_err(e)?;
    }
    let total_row = u32::try_from(lines.len() + 1).unwrap_or(u32::MAX);
    sheet
        .write_string_with_format(total_row, 2, "Total", &bold)
        .map_err(e)?;
    sheet
        .write_string_with_format(
            total_row,
            6,
            from_micros(invoice.total_micros)
                .round_dp(digits)
                .to_string(),
            &bold,
        )
        .map_err(e)?;
    sheet.set_column_width(2, 60).map_err(e)?;
    workbook.save_to_buffer().map_err(e)
}
