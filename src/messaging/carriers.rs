//! Which carrier serves a destination: a ported-number override, else the longest matching
//! prefix, else an explicit "unknown". Pure rules and the route CSV format; I/O is in
//! `carrier_store`.

use crate::error::FieldError;
use crate::messaging::address::parse_e164;

/// How a destination's carrier was decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq, async_graphql::Enum)]
pub enum RouteSource {
    /// The number was ported: its own entry wins over every prefix.
    Ported,
    /// The longest prefix of the number on the table.
    Prefix,
    /// No entry matches.
    Unknown,
}

/// The outcome of a lookup.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RouteMatch {
    pub carrier_id: Option<i64>,
    pub source: RouteSource,
    /// The prefix that matched, for `Prefix`.
    pub matched_prefix: Option<String>,
}

/// Every prefix of an E.164 number (`+1`, `+12`, … the whole number): the keys one indexed
/// `IN` query needs to find the longest match.
pub fn candidate_prefixes(e164: &str) -> Vec<String> {
    (2..=e164.len())
        .filter(|&end| e164.is_char_boundary(end))
        .map(|end| e164[..end].to_owned())
        .collect()
}

/// Picks the carrier: the ported entry if there is one, else the longest prefix.
pub fn choose(ported: Option<i64>, prefixes: &[(String, i64)]) -> RouteMatch {
    if let Some(carrier_id) = ported {
        return RouteMatch {
            carrier_id: Some(carrier_id),
            source: RouteSource::Ported,
            matched_prefix: None,
        };
    }
    match prefixes.iter().max_by_key(|(prefix, _)| prefix.len()) {
        Some((prefix, carrier_id)) => RouteMatch {
            carrier_id: Some(*carrier_id),
            source: RouteSource::Prefix,
            matched_prefix: Some(prefix.clone()),
        },
        None => RouteMatch {
            carrier_id: None,
            source: RouteSource::Unknown,
            matched_prefix: None,
        },
    }
}

/// A carrier code: upper-case letters, digits and `_`, 2 to 16 long (`ATT`, `TMOBILE`).
pub fn valid_carrier_code(code: &str) -> bool {
    (2..=16).contains(&code.len())
        && code
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
}

/// What one CSV row says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RouteKind {
    Prefix,
    Ported,
}

/// One row of a routes CSV.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RouteRow {
    pub line: u64,
    pub kind: RouteKind,
    /// A prefix (`+1206555`) or a whole E.164 number (ported).
    pub number: String,
    pub carrier_code: String,
}

/// The header every routes CSV starts with.
pub const ROUTES_CSV_HEADER: &str = "type,number,carrier";

/// Parses a routes CSV (`type,number,carrier`; type `prefix` or `ported`). Every bad row is
/// reported, named `line N: column`, and nothing is imported unless all rows are good.
pub fn parse_routes_csv(text: &str) -> Result<Vec<RouteRow>, Vec<FieldError>> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .comment(Some(b'#'))
        .from_reader(text.as_bytes());
    let header_ok = reader
        .headers()
        .map(|h| h.iter().collect::<Vec<_>>() == ["type", "number", "carrier"])
        .unwrap_or(false);
    if !header_ok {
        return Err(vec![FieldError {
            field: "csv".into(),
            message: format!("the first line must be the header `{ROUTES_CSV_HEADER}`"),
        }]);
    }
    let mut rows = Vec::new();
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
        let (kind, number, carrier) = (&record[0], &record[1], &record[2]);
        let kind = match kind {
            "prefix" => RouteKind::Prefix,
            "ported" => RouteKind::Ported,
            other => {
                fail(
                    "type",
                    format!("{other:?} is neither `prefix` nor `ported`"),
                );
                continue;
            }
        };
        let number = match kind {
            RouteKind::Prefix => {
                let digits = number.strip_prefix('+').unwrap_or("");
                if (1..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) {
                    number.to_owned()
                } else {
                    fail("number", "a prefix is + and 1 to 15 digits".into());
                    continue;
                }
            }
            RouteKind::Ported => match parse_e164(number) {
                Ok(n) => n.e164,
                Err(e) => {
                    fail("number", e.to_string());
                    continue;
                }
            },
        };
        if !valid_carrier_code(carrier) {
            fail("carrier", format!("{carrier:?} is not a carrier code"));
            continue;
        }
        rows.push(RouteRow {
            line,
            kind,
            number,
            carrier_code: carrier.to_owned(),
        });
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Vec<(String, i64)> {
        vec![
            ("+1".into(), 9),
            ("+1206".into(), 2),
            ("+1206555".into(), 1),
        ]
    }

    fn matching(destination: &str) -> Vec<(String, i64)> {
        let candidates = candidate_prefixes(destination);
        table()
            .into_iter()
            .filter(|(p, _)| candidates.contains(p))
            .collect()
    }

    #[test]
    fn the_longest_prefix_wins() {
        let m = choose(None, &matching("+12065550100"));
        assert_eq!((m.carrier_id, m.source), (Some(1), RouteSource::Prefix));
        assert_eq!(m.matched_prefix.as_deref(), Some("+1206555"));
        assert_eq!(choose(None, &matching("+12064440100")).carrier_id, Some(2));
        assert_eq!(choose(None, &matching("+15035550100")).carrier_id, Some(9));
    }

    #[test]
    fn a_ported_number_beats_every_prefix_and_no_match_is_unknown() {
        let m = choose(Some(7), &matching("+12065550100"));
        assert_eq!((m.carrier_id, m.source), (Some(7), RouteSource::Ported));
        let unknown = choose(None, &matching("+442071838750"));
        assert_eq!(
            (unknown.carrier_id, unknown.source),
            (None, RouteSource::Unknown)
        );
    }

    #[test]
    fn candidates_run_from_the_country_code_to_the_whole_number() {
        assert_eq!(candidate_prefixes("+1206"), ["+1", "+12", "+120", "+1206"]);
    }

    #[test]
    fn a_routes_csv_parses_and_every_bad_row_is_named() {
        let good = "type,number,carrier\nprefix,+1206555,ATT\n# a comment\nported, +1 (503) 555-0100 ,TMOBILE\n";
        let rows = parse_routes_csv(good).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].number, "+15035550100");
        assert_eq!(rows[1].kind, RouteKind::Ported);

        let bad = "type,number,carrier\nprefix,1206,ATT\nmoved,+1206,ATT\nported,+1206555010,ATT\nprefix,+1425,t-mobile\n";
        let errors = parse_routes_csv(bad).unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "line 2: number",
                "line 3: type",
                "line 4: number",
                "line 5: carrier"
            ]
        );
        assert_eq!(parse_routes_csv("a,b\n").unwrap_err()[0].field, "csv");
    }
}
