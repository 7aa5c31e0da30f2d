//! Invoicing benchmark: generates rated message records (each with its usage charge, every
//! fourth with a carrier fee too) and their billing roll-up for many customers over one month,
//! then times a full run of that month, in a second process so its peak memory is the run's
//! own.
//!
//! ```text
//! cargo run --release --example invoice_bench -- generate [RECORDS] [CUSTOMERS] [DATABASE_URL]
//! cargo run --release --example invoice_bench -- run [DATABASE_URL]
//! cargo run --release --example invoice_bench -- generate 10000000 1000 sqlite:target/invoice-bench.db?mode=rwc
//! cargo run --release --example invoice_bench -- run sqlite:target/invoice-bench.db
//! ```

use std::fmt::Write as _;
use std::time::Instant;

use backoffice::auth::RequestContext;
use backoffice::billing::invoice_store;
use backoffice::billing::invoicing::Period;
use backoffice::config::DatabaseSettings;
use sea_orm::{ConnectionTrait, DatabaseConnection};

const PERIOD: &str = "2026-10";

async fn connect(url: &str) -> DatabaseConnection {
    let db = backoffice::db::connect(&DatabaseSettings {
        url: url.into(),
        max_connections: 4,
    })
    .await
    .expect("database");
    backoffice::db::migrate(&db).await.expect("migrations");
    db
}

/// Peak resident memory of this process, in MiB (Linux).
fn peak_mib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<u64>().ok())
        })
        .map_or(0, |kb| kb / 1024)
}

async fn generate(db: &DatabaseConnection, records: u64, customers: u64) {
    let started = Instant::now();
    let period = Period::parse(PERIOD).unwrap();
    let start = period.start();
    let seconds = (period.end() - start).num_seconds() as u64;
    let now = chrono::Utc::now().to_rfc3339();
    let mut sql = String::from("INSERT INTO customers (name, account_manager_email, billing_email, currency, status, created_at, updated_at) VALUES ");
    for c in 0..customers {
        if c > 0 {
            sql.push(',');
        }
        let _ = write!(sql, "('Bench {c}', 'am@bench.example', 'billing@bench.example', 'USD', 'active', '{now}', '{now}')");
    }
    db.execute_unprepared(&sql).await.expect("customers");
    let first_customer: i64 = db
        .query_one(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT MIN(id) AS id FROM customers WHERE name LIKE 'Bench %'",
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get("", "id")
        .unwrap();
    const BATCH: u64 = 20_000;
    const ROWS: u64 = 500;
    let prices = [7_900i64, 8_500, 7_000, 4_000];
    let mut done = 0;
    while done < records {
        let batch = BATCH.min(records - done);
        let mut statements = Vec::new();
        let mut messages = String::new();
        let mut charges = String::new();
        for i in done..done + batch {
            let customer = first_customer + (i % customers) as i64;
            let at =
                (start + chrono::Duration::seconds(((i * 7_919) % seconds) as i64)).to_rfc3339();
            let fragments = 1 + (i % 3) as i64;
            let price = prices[(i % 4) as usize];
            let fee = if i % 4 == 0 { 2_500 * fragments } else { 0 };
            let id = format!("b{i:021}");
            if !messages.is_empty() {
                messages.push(',');
            }
            let _ = write!(
                messages,
                "('{id}', {customer}, 'mt', 'sms', 'long_code', '+12065550100', '+14255550123', 'US', 'delivered', 0, 'gsm7', {fragments}, false, false, {}, 'USD', '{at}', '{at}', 0)",
                price * fragments + fee
            );
            if !charges.is_empty() {
                charges.push(',');
            }
            let _ = write!(
                charges,
                "('{id}', 'usage', {fragments}, {price}, {}, false)",
                price * fragments
            );
            if fee > 0 {
                let _ = write!(
                    charges,
                    ",('{id}', 'carrier_fee', {fragments}, 2500, {fee}, false)"
                );
            }
            if (i + 1 - done) % ROWS == 0 || i + 1 == done + batch {
                statements.push(format!("INSERT INTO messages (message_id, customer_id, direction, kind, number_kind, source, destination, destination_country, status, data_coding, encoding, fragment_count, registered_delivery, receipt_failure_only, charge_micros, currency, submitted_at, updated_at, priority) VALUES {messages}"));
                statements.push(format!("INSERT INTO message_charges (message_id, kind, quantity, unit_price_micros, amount_micros, international) VALUES {charges}"));
                messages.clear();
                charges.clear();
            }
        }
        use sea_orm::TransactionTrait;
        let txn = db.begin().await.unwrap();
        for statement in statements {
            txn.execute_unprepared(&statement).await.expect("insert");
        }
        txn.commit().await.unwrap();
        done += batch;
        if done % 1_000_000 == 0 || done == records {
            eprintln!("{done} records, {:.0}s", started.elapsed().as_secs_f64());
        }
    }
    // The billing roll-up the message writer keeps as it stores records, built in one pass
    // here because the records were loaded beside it.
    let rolled = Instant::now();
    db.execute_unprepared(&migration::billing_daily_backfill(
        db.get_database_backend(),
    ))
    .await
    .expect("billing roll-up");
    eprintln!("billing roll-up in {:.0}s", rolled.elapsed().as_secs_f64());
    // Fresh statistics, as a live database has them.
    db.execute_unprepared("ANALYZE").await.unwrap();
    println!(
        "generated {records} records for {customers} customers in {:.1}s",
        started.elapsed().as_secs_f64()
    );
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("generate") => {
            let records = args
                .get(1)
                .and_then(|a| a.parse().ok())
                .unwrap_or(10_000_000);
            let customers = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(1_000);
            let url = args
                .get(3)
                .cloned()
                .unwrap_or_else(|| "sqlite:target/invoice-bench.db?mode=rwc".into());
            let db = connect(&url).await;
            generate(&db, records, customers).await;
        }
        Some("run") => {
            let url = args
                .get(1)
                .cloned()
                .unwrap_or_else(|| "sqlite:target/invoice-bench.db".into());
            let db = connect(&url).await;
            let before = peak_mib();
            let started = Instant::now();
            let (run, invoices) = invoice_store::run(
                &db,
                &RequestContext::cli(),
                Period::parse(PERIOD).unwrap(),
                None,
            )
            .await
            .expect("run");
            let elapsed = started.elapsed();
            let lines: usize = {
                let mut n = 0;
                for i in invoices.iter().take(3) {
                    n += invoice_store::lines(&db, i.id).await.unwrap().len();
                }
                n
            };
            println!(
                "run {}: {} invoices in {:.2}s ({} lines in the first 3); peak memory {} MiB (before the run {} MiB)",
                run.id,
                invoices.len(),
                elapsed.as_secs_f64(),
                lines,
                peak_mib(),
                before
            );
        }
        _ => eprintln!("usage: invoice_bench generate [RECORDS] [CUSTOMERS] [URL] | run [URL]"),
    }
}
