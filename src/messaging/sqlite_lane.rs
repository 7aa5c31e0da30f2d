//! The message writer's SQLite lane: a connection of its own, on a thread of its own, that
//! runs each batch's transaction from BEGIN to COMMIT without leaving the thread.
//!
//! Through sqlx each of a batch's dozen statements was a hand-off to sqlx's worker thread and
//! back, and each return waited for a tokio worker busy with the sessions: a commit took about
//! twice SQLite's own time, and SQLite commits one batch at a time, so that time bounded what
//! the gateway could acknowledge. The statements are the same ones the PostgreSQL lanes run
//! (`store::commit`, built with sea-query); only their execution differs.

use std::path::Path;
use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDateTime, SecondsFormat, Utc};
use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::{Connection, ToSql, TransactionBehavior};
use sea_orm::{DbBackend, DbErr, Statement, Value};
use tokio::sync::mpsc;

use super::store::{answer, commit, BatchTxn, Built, Cell, Kind, Write};
use crate::metrics::Metrics;

/// Opens the lane's connection with the settings of the pool's (`db::connect`): WAL, a
/// commit durable once it returns, a large page cache and foreign keys enforced.
pub(crate) fn open(path: &Path) -> Result<Connection, DbErr> {
    let conn = Connection::open(path).map_err(sqlite)?;
    conn.busy_timeout(Duration::from_secs(10)).map_err(sqlite)?;
    conn.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))
        .map_err(sqlite)?;
    for (pragma, value) in [
        ("synchronous", "FULL"),
        ("cache_size", "-65536"),
        ("temp_store", "MEMORY"),
        ("foreign_keys", "ON"),
    ] {
        conn.pragma_update(None, pragma, value).map_err(sqlite)?;
    }
    // Every statement shape a batch uses stays prepared.
    conn.set_prepared_statement_cache_capacity(128);
    Ok(conn)
}

/// Commits the batches the gatherer prepares, one after another, until it stops; answers
/// each write. Runs on a blocking thread: SQLite's calls block, and this thread does nothing
/// else.
pub(crate) fn run(
    mut conn: Connection,
    mut prepared: mpsc::Receiver<Built>,
    runtime: tokio::runtime::Handle,
    metrics: Metrics,
) {
    while let Some((batch, built)) = prepared.blocking_recv() {
        let started = Instant::now();
        let outcome = built.and_then(|built| {
            let writes: Vec<&Write> = batch.iter().map(|(w, _)| w).collect();
            let txn = conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(sqlite)?;
            // Nothing in it waits: every call returns at once, so this only drives it.
            let changed = runtime.block_on(commit(&Txn(&txn), &writes, built))?;
            txn.commit().map_err(sqlite)?;
            Ok(changed)
        });
        if !answer(batch, outcome, started, &metrics) {
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// A batch's transaction on the lane's connection.
struct Txn<'c>(&'c rusqlite::Transaction<'c>);

impl BatchTxn for Txn<'_> {
    fn backend(&self) -> DbBackend {
        DbBackend::Sqlite
    }

    async fn execute(&self, statement: Statement) -> Result<u64, DbErr> {
        let mut prepared = self.0.prepare_cached(&statement.sql).map_err(sqlite)?;
        bind(&mut prepared, &statement)?;
        Ok(prepared.raw_execute().map_err(sqlite)? as u64)
    }

    async fn query(&self, statement: Statement, columns: &[Kind]) -> Result<Vec<Vec<Cell>>, DbErr> {
        let mut prepared = self.0.prepare_cached(&statement.sql).map_err(sqlite)?;
        bind(&mut prepared, &statement)?;
        let mut rows = prepared.raw_query();
        let mut read = Vec::new();
        while let Some(row) = rows.next().map_err(sqlite)? {
            let cells = columns
                .iter()
                .enumerate()
                .map(|(i, kind)| cell(row.get_ref(i).map_err(sqlite)?, *kind))
                .collect::<Result<Vec<_>, _>>()?;
            read.push(cells);
        }
        Ok(read)
    }
}

/// Binds a statement's values as sqlx binds them on SQLite, so rows written here read back
/// the same through the pool.
fn bind(prepared: &mut rusqlite::CachedStatement<'_>, statement: &Statement) -> Result<(), DbErr> {
    let Some(values) = &statement.values else {
        return Ok(());
    };
    for (i, value) in values.0.iter().enumerate() {
        prepared
            .raw_bind_parameter(i + 1, Bound(value))
            .map_err(sqlite)?;
    }
    Ok(())
}

/// A sea-query value as SQLite stores it through sqlx: integers and booleans as integers,
/// times as RFC 3339 text, days as `YYYY-MM-DD`.
struct Bound<'a>(&'a Value);

impl ToSql for Bound<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        use rusqlite::types::Value as Owned;
        let null = ToSqlOutput::Owned(Owned::Null);
        let int = |i: Option<i64>| i.map_or(ToSqlOutput::Owned(Owned::Null), ToSqlOutput::from);
        Ok(match self.0 {
            Value::Bool(b) => int(b.map(i64::from)),
            Value::TinyInt(i) => int(i.map(i64::from)),
            Value::SmallInt(i) => int(i.map(i64::from)),
            Value::Int(i) => int(i.map(i64::from)),
            Value::BigInt(i) => int(*i),
            Value::TinyUnsigned(i) => int(i.map(i64::from)),
            Value::SmallUnsigned(i) => int(i.map(i64::from)),
            Value::Unsigned(i) => int(i.map(i64::from)),
            Value::BigUnsigned(Some(i)) => ToSqlOutput::from(
                i64::try_from(*i)
                    .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?,
            ),
            Value::BigUnsigned(None) => null,
            Value::Float(f) => f.map_or(null, |f| ToSqlOutput::from(f64::from(f))),
            Value::Double(d) => d.map_or(null, ToSqlOutput::from),
            Value::String(s) => s.as_deref().map_or(null, |s| {
                ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes()))
            }),
            Value::Bytes(b) => b
                .as_deref()
                .map_or(null, |b| ToSqlOutput::Borrowed(ValueRef::Blob(b))),
            Value::ChronoDateTimeUtc(t) => t.as_deref().map_or(null, |t| {
                ToSqlOutput::from(t.to_rfc3339_opts(SecondsFormat::AutoSi, false))
            }),
            Value::ChronoDate(d) => d
                .as_deref()
                .map_or(null, |d| ToSqlOutput::from(d.format("%F").to_string())),
            other => {
                return Err(rusqlite::Error::ToSqlConversionFailure(
                    format!("the message writer does not bind {other:?}").into(),
                ))
            }
        })
    }
}

/// A column read back as the kind asked for.
fn cell(value: ValueRef<'_>, kind: Kind) -> Result<Cell, DbErr> {
    let bad = || DbErr::Custom(format!("the message writer read {value:?} as {kind:?}"));
    Ok(match (value, kind) {
        (ValueRef::Null, _) => Cell::Null,
        (ValueRef::Integer(i), Kind::I16 | Kind::I32 | Kind::I64) => Cell::Int(i),
        (ValueRef::Text(t), Kind::Text) => {
            Cell::Text(String::from_utf8(t.to_vec()).map_err(|_| bad())?)
        }
        (ValueRef::Text(t), Kind::Time) => {
            Cell::Time(parse_time(std::str::from_utf8(t).map_err(|_| bad())?).ok_or_else(bad)?)
        }
        _ => return Err(bad()),
    })
}

/// A stored time: RFC 3339 as sqlx writes it, or SQLite's own `YYYY-MM-DD HH:MM:SS` in UTC.
fn parse_time(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .ok()
        .or_else(|| {
            NaiveDateTime::parse_from_str(text, "%F %T%.f")
                .ok()
                .map(|t| t.and_utc())
        })
}

fn sqlite(e: rusqlite::Error) -> DbErr {
    DbErr::Custom(format!("sqlite: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::ConnectionTrait;

    /// The same values written through the pool (sqlx) and through the lane are stored alike:
    /// same SQLite type, same text, so readers and range conditions cannot tell them apart.
    #[tokio::test]
    async fn the_lane_stores_values_as_the_pool_does() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("bound.db");
        let pool = sea_orm::Database::connect(format!("sqlite://{}?mode=rwc", file.display()))
            .await
            .unwrap();
        pool.execute_unprepared("CREATE TABLE t (via TEXT, a, b, c, d, e, f, g, h, i)")
            .await
            .unwrap();
        let at = DateTime::parse_from_rfc3339("2026-12-07T06:40:00.123456+00:00")
            .unwrap()
            .with_timezone(&Utc);
        let values = |via: &str| -> Vec<Value> {
            vec![
                via.into(),
                true.into(),
                7i16.into(),
                (-3i32).into(),
                Some(1i64 << 40).into(),
                at.into(),
                at.date_naive().into(),
                Option::<String>::None.into(),
                vec![0u8, 255].into(),
                // What sea-query binds for a LIMIT.
                5u64.into(),
            ]
        };
        let insert = |via| {
            Statement::from_sql_and_values(
                DbBackend::Sqlite,
                "INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                values(via),
            )
        };
        pool.execute(insert("pool")).await.unwrap();
        let mut conn = open(&file).unwrap();
        let txn = conn.transaction().unwrap();
        Txn(&txn).execute(insert("lane")).await.unwrap();
        txn.commit().unwrap();

        let stored = |via: &str| -> Vec<String> {
            conn.query_row(
                "SELECT typeof(a) || a, typeof(b) || b, typeof(c) || c, typeof(d) || d, \
                 typeof(e) || e, typeof(f) || f, typeof(g), hex(h), typeof(i) || i FROM t \
                 WHERE via = ?",
                [via],
                |r| (0..9).map(|i| r.get::<_, String>(i)).collect(),
            )
            .unwrap()
        };
        assert_eq!(stored("lane"), stored("pool"));
        assert_eq!(stored("lane")[4], "text2026-12-07T06:40:00.123456+00:00");
    }

    #[test]
    fn times_read_back_in_both_stored_forms() {
        let t = "2026-12-07T06:40:00.123456789+00:00";
        assert_eq!(parse_time(t).unwrap().to_rfc3339(), t);
        assert_eq!(
            parse_time("2026-12-07 06:40:00").unwrap().to_rfc3339(),
            "2026-12-07T06:40:00+00:00"
        );
        assert_eq!(parse_time("yesterday"), None);
    }
}
