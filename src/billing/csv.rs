//! The rates CSV a card is imported from and exported to:
//! `message_kind,direction,number_kind,jurisdiction,unit_price`, e.g. `sms,mt,long_code,US,0.0079`.

use rust_decimal::Decimal;
use sea_orm::ActiveEnum;

use super::money::parse_price;
use super::rating::{Direction, MessageKind, Rate, ANY_JURISDICTION, INTERNATIONAL};
use crate::compliance::numbers::NumberKind;
use crate::error::FieldError;

/// The header of every rates CSV.
pub const RATES_CSV_HEADER: &str = "message_kind,direction,number_kind,jurisdiction,unit_price";

/// One rate read from a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RateRow {
    pub line: u64,
    pub kind: MessageKind,
    pub direction: Direction,
    pub number_kind: NumberKind,
    pub jurisdiction: String,
    pub unit_price: Decimal,
}

/// Checks a jurisdiction: an ISO 3166 alpha-2 code, `*` or `INTL`; returns it upper-cased.
pub fn jurisdiction(value: &str) -> Result<String, String> {
    let upper = value.trim().to_uppercase();
    if upper == ANY_JURISDICTION || upper == INTERNATIONAL {
        return Ok(upper);
    }
    if upper.len() == 2 && upper.parse::<phonenumber::country::Id>().is_ok() {
        return Ok(upper);
    }
    Err(format!(
        "{value:?} is not a country code (ISO 3166 alpha-2), * or INTL"
    ))
}

fn enum_value<E: ActiveEnum<Value = String>>(value: &str, expected: &str) -> Result<E, String> {
    E::try_from_value(&value.trim().to_lowercase())
        .map_err(|_| format!("{value:?} is not one of {expected}"))
}

/// Parses a rates CSV, naming every bad row (`line N: column`); all or nothing.
pub fn parse_rates_csv(text: &str) -> Result<Vec<RateRow>, Vec<FieldError>> {
    let mut reader = ::csv::ReaderBuilder::new()
        .trim(::csv::Trim::All)
        .comment(Some(b'#'))
        .from_reader(text.as_bytes());
    let header_ok = reader
        .headers()
        .map(|h| h.iter().collect::<Vec<_>>().join(",") == RATES_CSV_HEADER)
        .unwrap_or(false);
    if !header_ok {
        return Err(vec![FieldError {
            field: "csv".into(),
            message: format!("the first line must be the header `{RATES_CSV_HEADER}`"),
        }]);
    }
    let mut rows: Vec<RateRow> = Vec::new();
    let mut errors = Vec::new();
    for record in reader.records() {
        let record = match record {
            Ok(record) => record,
            Err(e) => {
                errors.push(FieldError {
                    field: "csv".into(),
                    message: e.to_string(),
                });
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        let mut fail = |column: &str, message: String| {
            errors.push(FieldError {
                field: format!("line {line}: {column}"),
                message,
            })
        };
        let kind = enum_value::<MessageKind>(&record[0], "sms, mms");
        let direction = enum_value::<Direction>(&record[1], "mt, mo");
        let number_kind =
            enum_value::<NumberKind>(&record[2], "long_code, toll_free, short_code, alphanumeric");
        let place = jurisdiction(&record[3]);
        let price = parse_price(&record[4]);
        match (kind, direction, number_kind, place, price) {
            (Ok(kind), Ok(direction), Ok(number_kind), Ok(jurisdiction), Ok(unit_price)) => {
                let duplicate = rows.iter().any(|r| {
                    (r.kind, r.direction, r.number_kind, r.jurisdiction.as_str())
                        == (kind, direction, number_kind, jurisdiction.as_str())
                });
                if duplicate {
                    fail(
                        "jurisdiction",
                        "the same rate appears twice in the file".into(),
                    );
                } else {
                    rows.push(RateRow {
                        line,
                        kind,
                        direction,
                        number_kind,
                        jurisdiction,
                        unit_price,
                    });
                }
            }
            (kind, direction, number_kind, place, price) => {
                for (column, result) in [
                    ("message_kind", kind.err()),
                    ("direction", direction.err()),
                    ("number_kind", number_kind.err()),
                    ("jurisdiction", place.err()),
                    ("unit_price", price.err()),
                ] {
                    if let Some(message) = result {
                        fail(column, message);
                    }
                }
            }
        }
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(errors)
    }
}

/// Writes a card's rates as CSV, in a stable order.
pub fn rates_csv(rates: &[Rate]) -> String {
    let mut sorted: Vec<&Rate> = rates.iter().collect();
    sorted.sort_by_key(|r| {
        (
            r.kind.to_value(),
            r.direction.to_value(),
            r.number_kind.to_value(),
            r.jurisdiction.clone(),
        )
    });
    let mut out = String::from(RATES_CSV_HEADER);
    out.push('\n');
    for r in sorted {
        out.push_str(&format!(
            "{},{},{},{},{}\n",
            r.kind.to_value(),
            r.direction.to_value(),
            r.number_kind.to_value(),
            r.jurisdiction,
            r.unit_price.normalize()
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rates_csv_round_trips() {
        let text = "message_kind,direction,number_kind,jurisdiction,unit_price\nsms,mt,long_code,us,0.0079\nMMS,MO,short_code,*,0.02\nsms,mt,toll_free,INTL,0.045\n";
        let rows = parse_rates_csv(text).unwrap();
        assert_eq!(rows[0].jurisdiction, "US");
        assert_eq!(rows[1].kind, MessageKind::Mms);
        let rates: Vec<Rate> = rows
            .iter()
            .enumerate()
            .map(|(i, r)| Rate {
                id: i as i64,
                kind: r.kind,
                direction: r.direction,
                number_kind: r.number_kind,
                jurisdiction: r.jurisdiction.clone(),
                unit_price: r.unit_price,
            })
            .collect();
        let exported = rates_csv(&rates);
        assert_eq!(
            exported,
            "message_kind,direction,number_kind,jurisdiction,unit_price\nmms,mo,short_code,*,0.02\nsms,mt,long_code,US,0.0079\nsms,mt,toll_free,INTL,0.045\n"
        );
        assert_eq!(parse_rates_csv(&exported).unwrap().len(), 3);
    }

    #[test]
    fn every_bad_cell_is_named() {
        let text = "message_kind,direction,number_kind,jurisdiction,unit_price\nfax,mt,long_code,US,0.01\nsms,up,pager,USA,-1\nsms,mt,long_code,US,0.0000001\nsms,mt,long_code,US,0.01\nsms,mt,long_code,US,0.02\n";
        let fields: Vec<String> = parse_rates_csv(text)
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(
            fields,
            [
                "line 2: message_kind",
                "line 3: direction",
                "line 3: number_kind",
                "line 3: jurisdiction",
                "line 3: unit_price",
                "line 4: unit_price",
                "line 6: jurisdiction",
            ]
        );
        assert_eq!(parse_rates_csv("a,b\n").unwrap_err()[0].field, "csv");
    }
}
