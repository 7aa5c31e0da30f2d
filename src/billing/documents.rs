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
