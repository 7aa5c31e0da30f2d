//! Load benchmark of the SMPP gateway: the real service (HTTP, SMPP, database) in this
//! process, with the demo data, and N binds each keeping a window of W submit_sm in flight.
//! Reports durable submits per second and submit_sm_resp latency.
//!
//! ```text
//! cargo run --release --example smpp_load -- [BINDS] [WINDOW] [MESSAGES] [DATABASE_URL]
//! cargo run --release --example smpp_load -- 4 64 200000
//! cargo run --release --example smpp_load -- 4 64 100000 postgres://postgres@127.0.0.1:5432/bench
//! SIM_DELAY_MS=600000 cargo run --release --example smpp_load   # submits only, no final statuses
//! PURGE=1000000 cargo run --release --example smpp_load -- 4 64 200000   # during a retention purge
//! WRITE_LANES=1 cargo run --release --example smpp_load -- 4 64 200000 postgres://…   # one commit at a time
//! ```
//!
//! With `PURGE=N`, N messages whose content passed its retention are loaded first, and the
//! retention purge runs (in its batches, as the job does) while the load is measured.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use backoffice::app::App;
use backoffice::config::Settings;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

fn c(s: &str) -> Vec<u8> {
    let mut v = s.as_bytes().to_vec();
    v.push(0);
    v
}

fn frame(id: u32, seq: u32, body: &[u8]) -> Vec<u8> {
    let mut f = (16 + body.len() as u32).to_be_bytes().to_vec();
    f.extend(id.to_be_bytes());
    f.extend(0u32.to_be_bytes());
    f.extend(seq.to_be_bytes());
    f.extend_from_slice(body);
    f
}

fn submit_body(text: &str, destination: &str) -> Vec<u8> {
    let mut b = c("");
    b.extend([1, 1]);
    b.extend(c("12065550100"));
    b.extend([1, 1]);
    b.extend(c(destination));
    b.extend([0, 0, 0]);
    b.extend(c(""));
    b.extend(c(""));
    b.extend([0, 0, 0, 0, text.len() as u8]);
    b.extend(text.as_bytes());
    b
}

async fn read_pdu(stream: &mut TcpStream) -> std::io::Result<(u32, u32, u32)> {
    let mut header = [0u8; 16];
    stream.read_exact(&mut header).await?;
    let word =
        |i: usize| u32::from_be_bytes([header[i], header[i + 1], header[i + 2], header[i + 3]]);
    let mut body = vec![0u8; word(0) as usize - 16];
    stream.read_exact(&mut body).await?;
    Ok((word(4), word(8), word(12)))
}

/// Numbers the binds so that each sends to its own subscribers.
static BIND_SERIAL: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// One bind: keeps `window` submits outstanding until `count` are answered; returns
/// (accepted, latencies).
async fn run_bind(
    addr: std::net::SocketAddr,
    window: usize,
    count: usize,
) -> (usize, Vec<Duration>) {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    stream.set_nodelay(true).ok();
    let mut bind = c("demo");
    bind.extend(c("demopass"));
    bind.extend(c(""));
    bind.extend([0x34, 0, 0]);
    bind.extend(c(""));
    stream
        .write_all(&frame(0x02, 1, &bind))
        .await
        .expect("bind");
    let (_, status, _) = read_pdu(&mut stream).await.expect("bind_resp");
    assert_eq!(status, 0, "bind refused");
    let text = "Your code is 482913. It expires in 10 minutes.";
    // Each message to its own subscriber, as one-time codes go: nothing per destination can
    // be remembered from one message to the next.
    let distinct = std::env::var("DESTINATIONS")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(usize::MAX)
        .max(1);
    let first = BIND_SERIAL.fetch_add(1, std::sync::atomic::Ordering::Relaxed) * 1_000_000;
    let destination = move |i: usize| {
        // +1 425 2xx xxxx: valid US numbers, a different one per message.
        format!("1425{:07}", 2_000_000 + (first + i % distinct) % 8_000_000)
    };
    let (read, mut write) = stream.into_split();
    let sent_at = std::sync::Arc::new(std::sync::Mutex::new(HashMap::<u32, Instant>::new()));
    let permits = std::sync::Arc::new(tokio::sync::Semaphore::new(window));
    // As an ESME with a window does: every submit the window allows now goes out in one
    // write, so the client spends the shared cores on few syscalls, not one per PDU.
    let writer = {
        let sent_at = sent_at.clone();
        let permits = permits.clone();
        tokio::spawn(async move {
            let mut i = 0;
            let mut out = Vec::with_capacity(window * 128);
            while i < count {
                permits.acquire().await.expect("permit").forget();
                let mut ready = 1;
                while i + ready < count
                    && permits.try_acquire().is_ok_and(|p| {
                        p.forget();
                        true
                    })
                {
                    ready += 1;
                }
                out.clear();
                let now = Instant::now();
                {
                    let mut sent = sent_at.lock().unwrap();
                    for _ in 0..ready {
                        let seq = i as u32 + 2;
                        sent.insert(seq, now);
                        out.extend(frame(0x04, seq, &submit_body(text, &destination(i))));
                        i += 1;
                    }
                }
                write.write_all(&out).await.expect("submit");
            }
            write
        })
    };
    let mut read = tokio::io::BufReader::with_capacity(64 * 1024, read);
    let mut accepted = 0;
    let mut latencies = Vec::with_capacity(count);
    let mut header = [0u8; 16];
    let mut rest = Vec::new();
    for _ in 0..count {
        read.read_exact(&mut header).await.expect("resp");
        let len = u32::from_be_bytes([header[0], header[1], header[2], header[3]]) as usize;
        rest.resize(len - 16, 0);
        read.read_exact(&mut rest).await.expect("resp body");
        let status = u32::from_be_bytes([header[8], header[9], header[10], header[11]]);
        let seq = u32::from_be_bytes([header[12], header[13], header[14], header[15]]);
        if let Some(t) = sent_at.lock().unwrap().remove(&seq) {
            latencies.push(t.elapsed());
        }
        if status == 0 {
            accepted += 1;
        }
        permits.add_permits(1);
    }
    let _ = writer.await;
    (accepted, latencies)
}

/// Loads `rows` delivered messages of the demo customer whose content ended 40 days ago (past
/// the 30-day retention), as the purge finds them in production.
async fn load_expired_contents(db: &sea_orm::DatabaseConnection, rows: u64) {
    use sea_orm::ConnectionTrait;
    let started = Instant::now();
    let customer: i64 = db
        .query_one(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT MIN(id) AS id FROM customers",
        ))
        .await
        .expect("customer")
        .expect("the demo customer")
        .try_get("", "id")
        .expect("id");
    let at = (chrono::Utc::now() - chrono::Duration::days(40)).to_rfc3339();
    const ROWS: u64 = 500;
    let mut done = 0;
    while done < rows {
        let batch = ROWS.min(rows - done);
        let values: Vec<String> = (done..done + batch)
            .map(|i| {
                format!(
                    "('p{i:021}', {customer}, 'mt', 'sms', 'long_code', '+12065550100', '+14255550123', 'US', 'delivered', 0, 'gsm7', 1, false, false, 7900, 'USD', '{at}', '{at}', '{at}', 0, 'Your code is 482913. It expires in 10 minutes.')"
                )
            })
            .collect();
        db.execute_unprepared(&format!(
            "INSERT INTO messages (message_id, customer_id, direction, kind, number_kind, source, destination, destination_country, status, data_coding, encoding, fragment_count, registered_delivery, receipt_failure_only, charge_micros, currency, submitted_at, updated_at, done_at, priority, body) VALUES {}",
            values.join(",")
        ))
        .await
        .expect("insert");
        done += batch;
    }
    println!(
        "loaded {rows} messages past content retention in {:.1} s",
        started.elapsed().as_secs_f64()
    );
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let binds: usize = args.first().map_or(Ok(4), |a| a.parse())?;
    let window: usize = args.get(1).map_or(Ok(64), |a| a.parse())?;
    let messages: usize = args.get(2).map_or(Ok(200_000), |a| a.parse())?;
    let dir = tempfile::tempdir()?;
    let mut settings = Settings::default();
    settings.http.addr = "127.0.0.1:0".into();
    settings.smpp.addr = "127.0.0.1:0".into();
    settings.carriers.simulator.delay_ms = std::env::var("SIM_DELAY_MS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000);
    // WRITE_LANES tries another number of group commits in flight (PostgreSQL).
    if let Some(lanes) = std::env::var("WRITE_LANES")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        settings.smpp.write_lanes = lanes;
    }
    settings.database.url = args.get(3).cloned().unwrap_or_else(|| {
        format!(
            "sqlite://{}?mode=rwc",
            dir.path().join("bench.db").display()
        )
    });
    let app = App::build(&settings).await?;
    backoffice::demo::seed(app.db()).await?;
    let smpp = app.smpp_addr();
    let http = app.http_addr();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until_stopped(async {
        let _ = stopped.await;
    }));
    // Let the admission snapshot pick up the demo data.
    tokio::time::sleep(Duration::from_millis(settings.smpp.cache_refresh_ms * 3)).await;
    let purge_rows: u64 = std::env::var("PURGE")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let purge = if purge_rows > 0 {
        let db = backoffice::db::connect(&settings.database).await?;
        load_expired_contents(&db, purge_rows).await;
        let mut retention = settings.retention.clone();
        // PURGE_BATCH and PURGE_PAUSE_MS try other purge pacing than the defaults.
        if let Some(batch) = std::env::var("PURGE_BATCH")
            .ok()
            .and_then(|v| v.parse().ok())
        {
            retention.batch_size = batch;
        }
        if let Some(pause) = std::env::var("PURGE_PAUSE_MS")
            .ok()
            .and_then(|v| v.parse().ok())
        {
            retention.pause_ms = pause;
        }
        Some(tokio::spawn(async move {
            let started = Instant::now();
            let summary = backoffice::jobs::retention::purge(&db, &retention, chrono::Utc::now())
                .await
                .expect("purge");
            (summary, started.elapsed())
        }))
    } else {
        None
    };

    let started = Instant::now();
    let per_bind = messages / binds;
    let tasks: Vec<_> = (0..binds)
        .map(|_| tokio::spawn(run_bind(smpp, window, per_bind)))
        .collect();
    let mut accepted = 0;
    let mut latencies = Vec::new();
    for task in tasks {
        let (a, l) = task.await?;
        accepted += a;
        latencies.extend(l);
    }
    let elapsed = started.elapsed();
    latencies.sort();
    let pct = |p: f64| latencies[((latencies.len() as f64 * p) as usize).min(latencies.len() - 1)];
    println!(
        "{binds} binds x window {window}: {accepted} of {} submit_sm accepted in {:.2} s = {:.0}/s; submit_sm_resp latency p50 {:.2} ms, p99 {:.2} ms",
        binds * per_bind,
        elapsed.as_secs_f64(),
        accepted as f64 / elapsed.as_secs_f64(),
        pct(0.50).as_secs_f64() * 1e3,
        pct(0.99).as_secs_f64() * 1e3,
    );
    if let Some(purge) = purge {
        let running = !purge.is_finished();
        let (summary, took) = purge.await?;
        println!(
            "retention purge: {} contents in {} batches, {:.1} s ({} when the load ended)",
            summary.contents_purged,
            summary.batches,
            took.as_secs_f64(),
            if running { "still running" } else { "finished" },
        );
    }
    // The group-commit figures, from the service's own metrics.
    let mut metrics = TcpStream::connect(http).await?;
    metrics
        .write_all(b"GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await?;
    let mut text = String::new();
    metrics.read_to_string(&mut text).await?;
    let value = |name: &str| -> f64 {
        text.lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.rsplit(' ').next())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0.0)
    };
    let (batches, writes) = (
        value("backoffice_commit_batch_size_count"),
        value("backoffice_commit_batch_size_sum"),
    );
    println!(
        "group commit: {batches:.0} commits, {:.1} writes per commit, {:.2} ms per commit",
        writes / batches.max(1.0),
        value("backoffice_commit_duration_seconds_sum") * 1e3 / batches.max(1.0)
    );
    let _ = stop.send(());
    server.await??;
    Ok(())
}
