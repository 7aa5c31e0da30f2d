//! Reading an uploaded spreadsheet into a header and rows of cells: CSV (comma or semicolon,
//! with or without a byte-order mark) and XLSX, XLS or ODS through calamine. Pure: bytes in,
//! cells out; what the columns mean is decided in `super::layout`.

use std::io::Cursor;

use calamine::{Data, Reader as _};
use chrono::{NaiveDate, NaiveDateTime};

/// One cell as the spreadsheet held it.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    /// A number cell: phone numbers and priorities typed into a spreadsheet arrive as these.
    Number(f64),
    /// A date or date-time cell (spreadsheets keep no time zone: read as UTC).
    DateTime(NaiveDateTime),
}

impl Cell {
    /// The cell as text: a whole number without a decimal point, so `14255550123` stays a
    /// phone number.
    pub fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.trim().to_string(),
            Cell::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{}", *n as i64),
            Cell::Number(n) => n.to_string(),
            Cell::DateTime(d) => d.format("%Y-%m-%d %H:%M:%S").to_string(),
        }
    }

    pub fn is_empty(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }
}

/// A spreadsheet's first sheet: its header row and the rows under it.
#[derive(Clone, Debug, PartialEq)]
pub struct Sheet {
    pub header: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// Why a file could not be read at all.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("file: {0}")]
pub struct UnreadableFile(pub String);

/// Reads a CSV or a workbook; a workbook is recognised by its content, not its name.
pub fn read(bytes: &[u8]) -> Result<Sheet, UnreadableFile> {
    let is_zip = bytes.starts_with(b"PK\x03\x04");
    let is_ole = bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]);
    let sheet = if is_zip || is_ole {
        read_workbook(bytes)?
    } else {
        read_csv(bytes)?
    };
    if sheet.header.iter().all(|h| h.trim().is_empty()) {
        return Err(UnreadableFile("the first row must name the columns".into()));
    }
    Ok(sheet)
}

fn read_csv(bytes: &[u8]) -> Result<Sheet, UnreadableFile> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes)
        .map_err(|_| UnreadableFile("a CSV must be UTF-8 (or XLSX, XLS, ODS)".into()))?;
    let first_line = text.lines().next().unwrap_or_default();
    let delimiter = if first_line.matches(';').count() > first_line.matches(',').count() {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let header = match records.next() {
        Some(Ok(r)) => r.iter().map(|h| h.trim().to_string()).collect(),
        Some(Err(e)) => return Err(UnreadableFile(format!("CSV line 1: {e}"))),
        None => return Err(UnreadableFile("the file is empty".into())),
    };
    let mut rows = Vec::new();
    for (i, record) in records.enumerate() {
        let record = record.map_err(|e| UnreadableFile(format!("CSV line {}: {e}", i + 2)))?;
        rows.push(
            record
                .iter()
                .map(|c| {
                    if c.trim().is_empty() {
                        Cell::Empty
                    } else {
                        Cell::Text(c.to_string())
                    }
                })
                .collect(),
        );
    }
    Ok(Sheet { header, rows })
}

fn read_workbook(bytes: &[u8]) -> Result<Sheet, UnreadableFile> {
    let mut book = calamine::open_workbook_auto_from_rs(Cursor::new(bytes))
        .map_err(|e| UnreadableFile(format!("not a readable workbook: {e}")))?;
    let range = book
        .worksheet_range_at(0)
        .ok_or_else(|| UnreadableFile("the workbook has no sheet".into()))?
        .map_err(|e| UnreadableFile(format!("the first sheet cannot be read: {e}")))?;
    let mut rows = range.rows();
    let header = rows
        .next()
        .ok_or_else(|| UnreadableFile("the file is empty".into()))?
        .iter()
        .map(|c| cell(c).text())
        .collect();
    Ok(Sheet {
        header,
        rows: rows.map(|r| r.iter().map(cell).collect()).collect(),
    })
}

fn cell(data: &Data) -> Cell {
    match data {
        Data::Empty => Cell::Empty,
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => Cell::Text(s.clone()),
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Float(f) => Cell::Number(*f),
        Data::Bool(b) => Cell::Text(b.to_string()),
        Data::DateTime(d) => excel_serial(d.as_f64()).map_or(Cell::Empty, Cell::DateTime),
        Data::Error(e) => Cell::Text(format!("#{e:?}")),
    }
}

/// An Excel serial date (days since 1899-12-30, the fraction the time of day) as a date-time,
/// to the second.
fn excel_serial(serial: f64) -> Option<NaiveDateTime> {
    let epoch = NaiveDate::from_ymd_opt(1899, 12, 30)?.and_hms_opt(0, 0, 0)?;
    let seconds = (serial * 86_400.0).round();
    if !seconds.is_finite() || seconds.abs() > 1e12 {
        return None;
    }
    epoch.checked_add_signed(chrono::Duration::seconds(seconds as i64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_csv_with_a_bom_and_semicolons_is_read_by_its_header() {
        let sheet = read("\u{feff}to;text\n+14255550123;Hello\n;\n".as_bytes()).unwrap();
        assert_eq!(sheet.header, ["to", "text"]);
        assert_eq!(
            sheet.rows[0],
            [
                Cell::Text("+14255550123".into()),
                Cell::Text("Hello".into())
            ]
        );
        assert_eq!(sheet.rows[1], [Cell::Empty, Cell::Empty]);
    }

    #[test]
    fn quoted_commas_and_newlines_stay_in_their_cell() {
        let sheet = read(b"destination,text\n1425,\"Hi, there\nsecond line\"\n").unwrap();
        assert_eq!(
            sheet.rows[0][1],
            Cell::Text("Hi, there\nsecond line".into())
        );
    }

    #[test]
    fn a_file_that_is_neither_is_refused_by_name() {
        assert_eq!(
            read(&[0xff, 0xfe, 0x00]).unwrap_err().to_string(),
            "file: a CSV must be UTF-8 (or XLSX, XLS, ODS)"
        );
        assert!(read(b"").is_err());
        assert!(read(b"PK\x03\x04garbage").is_err());
    }

    #[test]
    fn number_cells_read_as_whole_numbers_and_serials_as_dates() {
        assert_eq!(Cell::Number(14255550123.0).text(), "14255550123");
        assert_eq!(Cell::Number(1.5).text(), "1.5");
        // 2026-12-01 14:30 is serial 46357.604166…
        let at = excel_serial(46357.0 + 14.5 / 24.0).unwrap();
        assert_eq!(at.to_string(), "2026-12-01 14:30:00");
    }

    #[test]
    fn an_xlsx_is_read_from_its_first_sheet() {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        sheet.write_string(0, 0, "Destination").unwrap();
        sheet.write_string(0, 1, "Text").unwrap();
        sheet.write_number(1, 0, 14255550123.0).unwrap();
        sheet.write_string(1, 1, "Hi").unwrap();
        let bytes = book.save_to_buffer().unwrap();
        let read = read(&bytes).unwrap();
        assert_eq!(read.header, ["Destination", "Text"]);
        assert_eq!(read.rows[0][0].text(), "14255550123");
        assert_eq!(read.rows[0][1], Cell::Text("Hi".into()));
    }
}
