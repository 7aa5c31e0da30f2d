//! Bulk sending from a spreadsheet: each row becomes a message submitted through the one
//! admission path, so a row is checked, throttled, rated and stored exactly as an SMPP
//! submit_sm would be. This file holds the pure rules (which column is which, merge fields,
//! send times, the preview's verdict per row); `sheet` reads files, `store` keeps batches and
//! their rows, `sender` sends the rows that are due.

pub mod client;
pub mod sender;
pub mod sheet;
pub mod store;

use std::collections::BTreeSet;
use std::sync::OnceLock;

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use rust_decimal::Decimal;
use sea_orm::sea_query::StringLen;
use sea_orm::{DeriveActiveEnum, EnumIter};

use super::address::parse_e164;
use super::admission::{assess, ReceiptRequest, Refusal, Submission};
use super::encoding::DataCoding;
use super::fragments::{encoding_for_text, Encoding};
use super::snapshot::Snapshot;
use super::status::MessageStatus;
use crate::billing::rating::{total, MessageKind};
use sheet::{Cell, Sheet};

/// The most rows one upload may hold.
pub const MAX_ROWS: usize = 100_000;
/// How far ahead a row's send time may be.
pub const MAX_DAYS_AHEAD: i64 = 90;

/// Where a batch is.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, async_graphql::Enum,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(12))")]
pub enum BatchState {
    /// Rows are waiting or being sent.
    #[sea_orm(string_value = "sending")]
    Sending,
    /// Every row is sent, failed, skipped or cancelled.
    #[sea_orm(string_value = "done")]
    Done,
    /// Cancelled: the rows not yet sent were cancelled.
    #[sea_orm(string_value = "cancelled")]
    Cancelled,
}

/// Where a row is. A row is sent at most once: it is claimed with its message id before it
/// is submitted, and that id tells a restart whether the message was stored.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, async_graphql::Enum,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(12))")]
pub enum RowState {
    /// Waiting for its send time or its turn.
    #[sea_orm(string_value = "pending")]
    Pending,
    /// Claimed and being submitted.
    #[sea_orm(string_value = "submitting")]
    Submitting,
    /// Received by admission (accepted, or rejected for a compliance reason): it has a
    /// message id and a charge.
    #[sea_orm(string_value = "sent")]
    Sent,
    /// Refused when it was submitted (nothing stored, nothing charged).
    #[sea_orm(string_value = "failed")]
    Failed,
    /// Failed the preview's checks at upload, so it was never submitted.
    #[sea_orm(string_value = "skipped")]
    Skipped,
    /// The batch was cancelled before the row was sent.
    #[sea_orm(string_value = "cancelled")]
    Cancelled,
}

/// Which column holds what, found from the header row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layout {
    pub destination: usize,
    pub text: usize,
    pub send_at: Option<usize>,
    pub priority: Option<usize>,
    /// Every other column, by its normalised name: the merge fields `{{name}}` may use.
    pub fields: Vec<(String, usize)>,
}

/// A header or placeholder name compared without case, spaces or punctuation.
fn normalise(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

const DESTINATION_NAMES: &[&str] = &[
    "destination",
    "to",
    "phone",
    "phonenumber",
    "mobile",
    "msisdn",
    "recipient",
    "number",
];
const TEXT_NAMES: &[&str] = &["text", "message", "body", "content"];
const SEND_AT_NAMES: &[&str] = &["sendat", "sendtime", "scheduledat", "schedule", "sendon"];
const PRIORITY_NAMES: &[&str] = &["priority"];

/// Finds the columns; the destination and text columns are required.
pub fn layout(header: &[String]) -> Result<Layout, String> {
    let names: Vec<String> = header.iter().map(|h| normalise(h)).collect();
    let find = |wanted: &[&str]| names.iter().position(|n| wanted.contains(&n.as_str()));
    let destination = find(DESTINATION_NAMES).ok_or_else(|| {
        "file: no destination column (name one `destination`, `to` or `phone`)".to_string()
    })?;
    let text = find(TEXT_NAMES)
        .ok_or_else(|| "file: no text column (name one `text` or `message`)".to_string())?;
    let send_at = find(SEND_AT_NAMES);
    let priority = find(PRIORITY_NAMES);
    let taken = [Some(destination), Some(text), send_at, priority];
    let fields = names
        .iter()
        .enumerate()
        .filter(|(i, n)| !n.is_empty() && !taken.contains(&Some(*i)))
        .map(|(i, n)| (n.clone(), i))
        .collect();
    Ok(Layout {
        destination,
        text,
        send_at,
        priority,
        fields,
    })
}

/// One spreadsheet row read: what it asks for, and the first problem found with it.
#[derive(Clone, Debug, PartialEq)]
pub struct ReadRow {
    /// The spreadsheet's own line number (the header is line 1).
    pub line: u32,
    pub destination: String,
    /// The text with its merge fields filled in.
    pub text: String,
    pub send_at: Option<DateTime<Utc>>,
    pub priority: u8,
    /// `field: reason`, naming the column.
    pub problem: Option<String>,
    /// The merge fields its text used, by normalised name.
    pub merge_fields: BTreeSet<String>,
}

fn placeholders() -> &'static regex::Regex {
    static RE: OnceLock<regex::Regex> = OnceLock::new();
    RE.get_or_init(|| regex::Regex::new(r"\{\{\s*([^{}]*?)\s*\}\}").expect("a valid pattern"))
}

/// The merge fields a text uses, by normalised name.
pub fn merge_fields(text: &str) -> BTreeSet<String> {
    placeholders()
        .captures_iter(text)
        .map(|c| normalise(&c[1]))
        .collect()
}

/// Fills `{{name}}` from the row's cells; a field with no column or an empty cell is a
/// problem, so no one receives "Hello ,".
fn merge(template: &str, layout: &Layout, cells: &[Cell]) -> Result<String, String> {
    let mut problem = None;
    let merged = placeholders().replace_all(template, |c: &regex::Captures<'_>| {
        let name = normalise(&c[1]);
        match layout.fields.iter().find(|(n, _)| *n == name) {
            Some((_, column)) => {
                let value = cells.get(*column).map(Cell::text).unwrap_or_default();
                if value.is_empty() && problem.is_none() {
                    problem = Some(format!("{}: the merge field is empty in this row", &c[1]));
                }
                value
            }
            None => {
                if problem.is_none() {
                    problem = Some(format!(
                        "text: the merge field {{{{{}}}}} has no column",
                        &c[1]
                    ));
                }
                String::new()
            }
        }
    });
    match problem {
        Some(p) => Err(p),
        None => Ok(merged.into_owned()),
    }
}

/// A send time: a date-time cell, RFC 3339, or `YYYY-MM-DD HH:MM[:SS]` read as UTC.
pub fn parse_send_at(cell: &Cell) -> Result<Option<DateTime<Utc>>, String> {
    let naive = match cell {
        Cell::Empty => return Ok(None),
        Cell::DateTime(at) => *at,
        Cell::Number(_) => return Err("send_at: a number is not a time".into()),
        Cell::Text(text) => {
            let text = text.trim();
            if text.is_empty() {
                return Ok(None);
            }
            if let Ok(at) = DateTime::parse_from_rfc3339(text) {
                return Ok(Some(at.with_timezone(&Utc)));
            }
            [
                "%Y-%m-%d %H:%M:%S",
                "%Y-%m-%d %H:%M",
                "%Y-%m-%dT%H:%M:%S",
                "%Y-%m-%dT%H:%M",
            ]
            .iter()
            .find_map(|f| NaiveDateTime::parse_from_str(text, f).ok())
            .ok_or_else(|| {
                format!("send_at: `{text}` is not a time (use 2026-12-24 09:00, UTC, or RFC 3339)")
            })?
        }
    };
    Ok(Some(Utc.from_utc_datetime(&naive)))
}

fn parse_priority(cell: &Cell) -> Result<u8, String> {
    let text = cell.text();
    if text.is_empty() {
        return Ok(0);
    }
    match text.parse::<u8>() {
        Ok(p) if p <= 3 => Ok(p),
        _ => Err(format!("priority: `{text}` is not 0, 1, 2 or 3")),
    }
}

/// Reads every row under the header; rows with nothing in them are left out.
pub fn read_rows(
    sheet: &Sheet,
    layout: &Layout,
    now: DateTime<Utc>,
) -> Result<Vec<ReadRow>, String> {
    let rows: Vec<(u32, &Vec<Cell>)> = sheet
        .rows
        .iter()
        .enumerate()
        .filter(|(_, cells)| !cells.iter().all(Cell::is_empty))
        .map(|(i, cells)| (u32::try_from(i + 2).unwrap_or(u32::MAX), cells))
        .collect();
    if rows.is_empty() {
        return Err("file: no rows under the header".into());
    }
    if rows.len() > MAX_ROWS {
        return Err(format!(
            "file: {} rows; at most {MAX_ROWS} per upload",
            rows.len()
        ));
    }
    let latest = now + chrono::Duration::days(MAX_DAYS_AHEAD);
    Ok(rows
        .into_iter()
        .map(|(line, cells)| {
            let cell = |i: usize| cells.get(i).cloned().unwrap_or(Cell::Empty);
            let destination = cell(layout.destination).text();
            let template = cell(layout.text).text();
            let mut problems = Vec::new();
            if destination.is_empty() {
                problems.push("destination: empty".to_string());
            }
            let text = if template.is_empty() {
                problems.push("text: empty".to_string());
                String::new()
            } else {
                merge(&template, layout, cells).unwrap_or_else(|p| {
                    problems.push(p);
                    template.clone()
                })
            };
            let send_at = layout
                .send_at
                .map(|i| parse_send_at(&cell(i)))
                .transpose()
                .unwrap_or_else(|p| {
                    problems.push(p);
                    None
                })
                .flatten();
            if send_at.is_some_and(|at| at > latest) {
                problems.push(format!("send_at: more than {MAX_DAYS_AHEAD} days ahead"));
            }
            let priority = layout
                .priority
                .map_or(Ok(0), |i| parse_priority(&cell(i)))
                .unwrap_or_else(|p| {
                    problems.push(p);
                    0
                });
            ReadRow {
                line,
                destination,
                text,
                send_at,
                priority,
                problem: problems.into_iter().next(),
                merge_fields: merge_fields(&template),
            }
        })
        .collect())
}

/// The number a batch is sent from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sender {
    pub customer_id: i64,
    pub number_id: i64,
    /// Its stored form (E.164, short code digits, alphanumeric ID).
    pub address: String,
}

/// Finds the sending number; a customer's key may only send from its own numbers.
pub fn sender(
    snapshot: &Snapshot,
    from: &str,
    caller_customer: Option<i64>,
) -> Result<Sender, String> {
    let from = from.trim();
    let found = snapshot.numbers.get(from).or_else(|| {
        parse_e164(from)
            .ok()
            .and_then(|e| snapshot.numbers.get(&e.e164))
    });
    match found {
        Some(n) if caller_customer.is_none_or(|own| own == n.customer_id) => Ok(Sender {
            customer_id: n.customer_id,
            number_id: n.id,
            address: n.address.clone(),
        }),
        _ => Err(format!(
            "from: `{from}` is not a sending number of this customer"
        )),
    }
}

/// The submission a row becomes, as SMPP would have decoded it.
pub fn submission(
    sender: &Sender,
    destination: &str,
    text: &str,
    priority: u8,
    expires_at: Option<DateTime<Utc>>,
) -> Submission {
    let encoding = encoding_for_text(text);
    Submission {
        customer_id: sender.customer_id,
        source: sender.address.clone(),
        destination: destination.to_string(),
        kind: MessageKind::Sms,
        text: text.to_string(),
        data_coding: DataCoding::sending(encoding),
        encoding,
        part_fragments: None,
        concat: None,
        receipts: ReceiptRequest::None,
        priority,
        expires_at,
        mms: None,
    }
}

/// A row as the preview judges it.
#[derive(Clone, Debug, PartialEq)]
pub struct PlannedRow {
    pub read: ReadRow,
    /// The destination in E.164 once it parses.
    pub destination: Option<String>,
    pub encoding: Encoding,
    pub fragments: u32,
    /// Zero for a row that will fail.
    pub price: Decimal,
}

impl PlannedRow {
    pub fn fails(&self) -> bool {
        self.read.problem.is_some()
    }
}

/// Every row judged, with the totals of those that will be sent.
#[derive(Clone, Debug, PartialEq)]
pub struct Preview {
    pub rows: Vec<PlannedRow>,
    pub currency: String,
    pub price: Decimal,
    pub fragments: u64,
    pub merge_fields: Vec<String>,
}

impl Preview {
    pub fn failing(&self) -> usize {
        self.rows.iter().filter(|r| r.fails()).count()
    }
}

/// What a refusal means for a row, naming the field.
pub fn refusal_reason(refusal: &Refusal) -> String {
    match refusal {
        Refusal::UnknownSource => "from: not a sending number of this customer".into(),
        Refusal::InvalidDestination(e) => format!("destination: {e}"),
        Refusal::Throttled => "the sending number's throttle is exceeded".into(),
        Refusal::NoRate(e) => format!("destination: no rate applies ({e})"),
    }
}

/// Judges every row as admission would now (sender, destination, opt-out, content, rate),
/// without sending anything or using throttle capacity.
pub fn preview(
    snapshot: &Snapshot,
    sender: &Sender,
    rows: Vec<ReadRow>,
    now: DateTime<Utc>,
) -> Preview {
    let mut currency = None;
    let mut price = Decimal::ZERO;
    let mut fragments = 0u64;
    let mut fields = BTreeSet::new();
    let planned = rows
        .into_iter()
        .map(|mut read| {
            fields.extend(read.merge_fields.iter().cloned());
            let encoding = encoding_for_text(&read.text);
            let mut planned_fragments = 0;
            let mut row_price = Decimal::ZERO;
            let mut destination = None;
            if read.problem.is_none() {
                let submission =
                    submission(sender, &read.destination, &read.text, read.priority, None);
                match assess(snapshot, submission, now) {
                    Ok(admitted) if admitted.status == MessageStatus::Rejected => {
                        destination = Some(admitted.destination);
                        read.problem = Some(format!(
                            "rejected: {}",
                            admitted.reject_reason.unwrap_or_default()
                        ));
                    }
                    Ok(admitted) => {
                        planned_fragments = admitted.fragments;
                        row_price = total(&admitted.charges);
                        destination = Some(admitted.destination);
                        currency.get_or_insert(admitted.currency);
                    }
                    Err(refusal) => read.problem = Some(refusal_reason(&refusal)),
                }
            }
            if read.problem.is_none() {
                price += row_price;
                fragments += u64::from(planned_fragments);
            }
            PlannedRow {
                read,
                destination,
                encoding,
                fragments: planned_fragments,
                price: row_price,
            }
        })
        .collect();
    let currency = currency.unwrap_or_else(|| {
        snapshot
            .customers
            .get(&sender.customer_id)
            .map_or_else(|| "USD".into(), |c| c.currency.clone())
    });
    Preview {
        rows: planned,
        currency,
        price,
        fragments,
        merge_fields: fields.into_iter().collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sheet(header: &[&str], rows: &[&[&str]]) -> Sheet {
        Sheet {
            header: header.iter().map(|h| h.to_string()).collect(),
            rows: rows
                .iter()
                .map(|r| {
                    r.iter()
                        .map(|c| {
                            if c.is_empty() {
                                Cell::Empty
                            } else {
                                Cell::Text(c.to_string())
                            }
                        })
                        .collect()
                })
                .collect(),
        }
    }

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 1, 12, 0, 0).unwrap()
    }

    #[test]
    fn columns_are_found_by_name_whatever_their_case_and_order() {
        let layout = layout(&[
            "First Name".into(),
            "Message".into(),
            "Send At".into(),
            "Phone".into(),
        ])
        .unwrap();
        assert_eq!(layout.destination, 3);
        assert_eq!(layout.text, 1);
        assert_eq!(layout.send_at, Some(2));
        assert_eq!(layout.priority, None);
        assert_eq!(layout.fields, vec![("firstname".to_string(), 0)]);
        assert_eq!(
            super::layout(&["phone".into()]).unwrap_err(),
            "file: no text column (name one `text` or `message`)"
        );
    }

    #[test]
    fn merge_fields_are_filled_and_a_missing_or_empty_one_names_itself() {
        let s = sheet(
            &["to", "text", "first_name"],
            &[
                &["+14255550123", "Hi {{ First Name }}, 20% off", "Ada"],
                &["+14255550124", "Hi {{first_name}}", ""],
                &["+14255550125", "Hi {{surname}}", "Bo"],
            ],
        );
        let layout = layout(&s.header).unwrap();
        let rows = read_rows(&s, &layout, now()).unwrap();
        assert_eq!(rows[0].text, "Hi Ada, 20% off");
        assert_eq!(rows[0].problem, None);
        assert_eq!(
            rows[0].merge_fields,
            BTreeSet::from(["firstname".to_string()])
        );
        assert_eq!(rows[0].line, 2);
        assert_eq!(
            rows[1].problem.as_deref(),
            Some("first_name: the merge field is empty in this row")
        );
        assert_eq!(
            rows[2].problem.as_deref(),
            Some("text: the merge field {{surname}} has no column")
        );
    }

    #[test]
    fn send_times_and_priorities_are_checked_per_row() {
        let s = sheet(
            &["to", "text", "send_at", "priority"],
            &[
                &["1", "a", "2026-12-24 09:00", "3"],
                &["1", "a", "2026-12-24T09:00:00+01:00", ""],
                &["1", "a", "tomorrow", "1"],
                &["1", "a", "2027-12-24 09:00", "1"],
                &["1", "a", "", "7"],
                &["", "", "", ""],
                &["", "a", "", ""],
            ],
        );
        let layout = layout(&s.header).unwrap();
        let rows = read_rows(&s, &layout, now()).unwrap();
        assert_eq!(rows.len(), 6, "the empty row is left out");
        assert_eq!(
            rows[0].send_at,
            Some(Utc.with_ymd_and_hms(2026, 12, 24, 9, 0, 0).unwrap())
        );
        assert_eq!(rows[0].priority, 3);
        assert_eq!(
            rows[1].send_at,
            Some(Utc.with_ymd_and_hms(2026, 12, 24, 8, 0, 0).unwrap())
        );
        assert!(rows[2]
            .problem
            .as_deref()
            .unwrap()
            .starts_with("send_at: `tomorrow`"));
        assert_eq!(
            rows[3].problem.as_deref(),
            Some("send_at: more than 90 days ahead")
        );
        assert_eq!(
            rows[4].problem.as_deref(),
            Some("priority: `7` is not 0, 1, 2 or 3")
        );
        assert_eq!(rows[5].line, 8);
        assert_eq!(rows[5].problem.as_deref(), Some("destination: empty"));
    }

    #[test]
    fn a_sheet_with_no_rows_is_refused() {
        let s = sheet(&["to", "text"], &[&["", ""]]);
        let layout = layout(&s.header).unwrap();
        assert_eq!(
            read_rows(&s, &layout, now()).unwrap_err(),
            "file: no rows under the header"
        );
    }
}
