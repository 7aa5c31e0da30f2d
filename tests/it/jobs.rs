//! Scheduled jobs and alert email: jobs run by hand with `--as-of` on prepared data and
//! checked for their effect (and for doing nothing the second time), one run per tick when
//! two instances share a database, a crashed run recovered, alert email in the file outbox
//! and over a real SMTP conversation with a refusal retried, and the daily digest.

use std::process::Command;
use std::sync::Arc;

use backoffice::billing::rating::{Direction, MessageKind};
use backoffice::compliance::numbers::NumberKind;
use backoffice::db::entities::{alert, delivery_times, job_run, message, message_handoff};
use backoffice::jobs::{self, JobContext, JobName, RunOutcome, Trigger};
use backoffice::messaging::status::MessageStatus;
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use serde_json::{json, Value};

use crate::helpers::{smtp_server, spawn_app, Backend, TestApp};
use crate::on_both_databases;

on_both_databases!(
    retention_purges_content_and_old_records_once,
    the_monthly_run_drafts_last_months_invoices,
    a_slow_carrier_raises_one_alert_emailed_to_the_operators,
    two_instances_run_a_tick_once,
    two_services_on_one_database_run_each_scheduled_tick_once,
    a_run_cut_short_is_marked_interrupted,
    a_refused_email_is_retried_then_sent_over_smtp,
    digest_recipients_get_one_email_a_day,
);

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn noon(date: NaiveDate) -> DateTime<Utc> {
    Utc.from_utc_datetime(&date.and_hms_opt(12, 0, 0).unwrap())
}

/// A stored message record that ended at `done_at`, with its text.
async fn record(
    app: &TestApp,
    customer: i64,
    submitted: DateTime<Utc>,
    done: DateTime<Utc>,
) -> String {
    let message_id = format!("j{}", &uuid::Uuid::new_v4().simple().to_string()[..20]);
    message::ActiveModel {
        message_id: Set(message_id.clone()),
        customer_id: Set(customer),
        direction: Set(Direction::Mt),
        kind: Set(MessageKind::Sms),
        number_kind: Set(NumberKind::LongCode),
        source: Set("+12065550100".into()),
        destination: Set("+14255550123".into()),
        destination_country: Set(Some("US".into())),
        status: Set(MessageStatus::Delivered),
        data_coding: Set(0),
        encoding: Set("gsm7".into()),
        fragment_count: Set(1),
        body: Set(Some("the content".into())),
        registered_delivery: Set(false),
        receipt_failure_only: Set(false),
        charge_micros: Set(7_900),
        currency: Set("USD".into()),
        submitted_at: Set(submitted),
        done_at: Set(Some(done)),
        updated_at: Set(done),
        priority: Set(0),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap();
    message_id
}

async fn body_of(app: &TestApp, message_id: &str) -> Option<Option<String>> {
    message::Entity::find()
        .filter(message::Column::MessageId.eq(message_id))
        .one(&app.db)
        .await
        .unwrap()
        .map(|m| m.body)
}

/// `backoffice jobs ...` against the test's database and outbox; (success, JSON, stderr).
fn cli(app: &TestApp, args: &[&str]) -> (bool, Value, String) {
    let mut all = vec!["--database-url", app.db_url(), "jobs"];
    all.extend_from_slice(args);
    let output = Command::new(env!("CARGO_BIN_EXE_backoffice"))
        .args(all)
        .env("BACKOFFICE_MAIL__OUTBOX_DIR", &app.settings.mail.outbox_dir)
        .env("BACKOFFICE_ALERTS__OPERATORS_EMAIL", "noc@operator.example")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    (
        output.status.success(),
        serde_json::from_str(&stdout).unwrap_or(Value::Null),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

async fn retention_purges_content_and_old_records_once(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let c: i64 = app.create_customer("Keeper").await.parse().unwrap();
    let as_of = day(2026, 11, 30);
    let now = noon(as_of);
    let stale = record(&app, c, now - Duration::days(41), now - Duration::days(40)).await;
    let fresh = record(&app, c, now - Duration::days(11), now - Duration::days(10)).await;
    let ancient = record(
        &app,
        c,
        now - Duration::days(4 * 365),
        now - Duration::days(4 * 365),
    )
    .await;
    // The ancient one went to a carrier: its handoff goes with its record.
    message_handoff::ActiveModel {
        message_id: Set(ancient.clone()),
        connector: Set("simulator".into()),
        carrier_message_id: Set("sim-ancient".into()),
        sent_at: Set(now - Duration::days(4 * 365)),
    }
    .insert(&app.db)
    .await
    .unwrap();
    let (ok, run, err) = cli(
        &app,
        &["run", "retention", "--as-of", "2026-11-30", "--json"],
    );
    assert!(ok, "{err}");
    assert_eq!(run["outcome"], "succeeded");
    assert_eq!(run["detail"]["contents_purged"], 1, "{run}");
    assert_eq!(run["detail"]["records_deleted"], 1, "{run}");
    assert_eq!(run["rows_touched"], 2);
    // The stale message keeps its record without its content; the fresh one keeps both.
    assert_eq!(body_of(&app, &stale).await, Some(None));
    assert_eq!(
        body_of(&app, &fresh).await,
        Some(Some("the content".into()))
    );
    assert_eq!(body_of(&app, &ancient).await, None);
    assert_eq!(
        message_handoff::Entity::find_by_id(ancient.clone())
            .count(&app.db)
            .await
            .unwrap(),
        0,
        "the deleted record's handoff is deleted with it"
    );
    // Again: nothing left to do.
    let (ok, again, err) = cli(
        &app,
        &["run", "retention", "--as-of", "2026-11-30", "--json"],
    );
    assert!(ok, "{err}");
    assert_eq!(again["rows_touched"], 0, "{again}");
    // Both runs are in the history, newest first.
    let (ok, listed, err) = cli(&app, &["list", "--json"]);
    assert!(ok, "{err}");
    let retention = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|j| j["name"] == "retention")
        .unwrap()
        .clone();
    assert_eq!(retention["last_runs"].as_array().unwrap().len(), 2);
    assert_eq!(retention["last_runs"][0]["id"], again["id"]);
    // A name that is no job is refused with the names.
    let (ok, _, err) = cli(&app, &["run", "purge-everything"]);
    assert!(!ok);
    assert!(
        err.contains("retention") && err.lines().count() == 1,
        "{err}"
    );
    app.stop().await;
}

async fn the_monthly_run_drafts_last_months_invoices(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let customer_id = app.create_customer("Monthly").await;
    let c: i64 = customer_id.parse().unwrap();
    // A rated record of October, counted in the billing roll-up as the invoices tests load them.
    crate::invoices::record(&app, c, noon(day(2026, 10, 14)), "US", 1, 7_900, None).await;
    let run = app
        .gql(
            app.admin(),
            "mutation { runJob(name: \"invoice-drafts\", asOf: \"2026-11-01\") { outcome rowsTouched detail } }",
            json!({}),
        )
        .await["runJob"]
        .clone();
    assert_eq!(run["outcome"], "succeeded", "{run}");
    let detail: Value = serde_json::from_str(run["detail"].as_str().unwrap()).unwrap();
    assert_eq!(detail["period"], "2026-10");
    let invoices = app
        .gql(
            app.admin(),
            "query($c: ID) { invoices(filter: {customerId: $c}) { nodes { period state total } } }",
            json!({ "c": customer_id }),
        )
        .await["invoices"]["nodes"]
        .clone();
    assert_eq!(
        invoices,
        json!([{ "period": "2026-10", "state": "DRAFT", "total": "0.01" }])
    );
    // The jobs list shows the run.
    let jobs = app
        .gql(
            app.admin(),
            "{ jobs { name schedule lastRuns { outcome trigger } } }",
            json!({}),
        )
        .await["jobs"]
        .clone();
    let drafts = jobs
        .as_array()
        .unwrap()
        .iter()
        .find(|j| j["name"] == "invoice-drafts")
        .unwrap();
    assert_eq!(drafts["schedule"], "0 0 2 1 * *");
    assert_eq!(
        drafts["lastRuns"],
        json!([{ "outcome": "succeeded", "trigger": "manual" }])
    );
    app.stop().await;
}

/// Delivery-time histogram rows for one carrier on a day: `n` messages at about `millis`.
async fn delivered(app: &TestApp, carrier_id: i64, on: NaiveDate, n: i64, millis: i64) {
    delivery_times::ActiveModel {
        day: Set(on.format("%Y-%m-%d").to_string()),
        customer_id: Set(1),
        number_id: Set(1),
        carrier_id: Set(carrier_id),
        measure: Set("delivery".into()),
        bucket: Set(backoffice::messaging::analytics::bucket_of(millis)),
        count: Set(n),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap();
}

/// A message as a reader sees it: its recipient, subject, text part and whether it has an
/// HTML part, in one string to search.
fn readable(raw: &str) -> String {
    let mail = mailparse::parse_mail(raw.as_bytes()).unwrap();
    let header = |name: &str| {
        mail.headers
            .iter()
            .find(|h| h.get_key().eq_ignore_ascii_case(name))
            .map(|h| h.get_value())
            .unwrap_or_default()
    };
    let mut text = String::new();
    let mut html = false;
    for part in mail.parts() {
        match part.ctype.mimetype.as_str() {
            "text/plain" => text.push_str(&part.get_body().unwrap()),
            "text/html" => html = true,
            _ => {}
        }
    }
    format!(
        "To: {}\nSubject: {}\nHTML: {html}\n{text}",
        header("To"),
        header("Subject")
    )
}

fn outbox_mail(app: &TestApp) -> Vec<String> {
    std::fs::read_dir(&app.settings.mail.outbox_dir)
        .map(|dir| {
            dir.filter_map(|e| e.ok())
                .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
                .map(|e| readable(&std::fs::read_to_string(e.path()).unwrap()))
                .collect()
        })
        .unwrap_or_default()
}

async fn a_slow_carrier_raises_one_alert_emailed_to_the_operators(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let on = day(2026, 11, 20);
    // Carrier 901: most deliveries take five minutes. Carrier 902: fast.
    delivered(&app, 901, on, 40, 300_000).await;
    delivered(&app, 902, on, 40, 2_000).await;
    let (ok, run, err) = cli(
        &app,
        &["run", "delivery-time", "--as-of", "2026-11-20", "--json"],
    );
    assert!(ok, "{err}");
    assert_eq!(run["alerts_created"], 1, "{run}");
    assert_eq!(run["emails_sent"], 1, "{run}");
    assert_eq!(run["detail"]["carriers_checked"], 2);
    let alerts = alert::Entity::find().all(&app.db).await.unwrap();
    assert_eq!(alerts.len(), 1);
    assert_eq!(alerts[0].kind, "delivery_time_degraded");
    assert_eq!(alerts[0].customer_id, None);
    assert_eq!(alerts[0].state, "sent");
    assert_eq!(alerts[0].recipient.as_deref(), Some("noc@operator.example"));
    let mail = outbox_mail(&app);
    assert_eq!(mail.len(), 1);
    assert!(mail[0].contains("To: noc@operator.example"), "{}", mail[0]);
    assert!(
        mail[0].contains("carrier 901 delivery slow on 2026-11-20"),
        "{}",
        mail[0]
    );
    assert!(mail[0].contains("HTML: true"), "{}", mail[0]);
    assert!(mail[0].contains("What to do:"), "{}", mail[0]);
    // The figures: 40 messages, the 90th percentile in seconds, the limit.
    assert!(mail[0].contains("the 40 messages"), "{}", mail[0]);
    assert!(mail[0].contains("over the 120 s limit"), "{}", mail[0]);
    // A second run raises and sends nothing more.
    let (ok, again, err) = cli(
        &app,
        &["run", "delivery-time", "--as-of", "2026-11-20", "--json"],
    );
    assert!(ok, "{err}");
    assert_eq!(again["alerts_created"], 0);
    assert_eq!(again["emails_sent"], 0);
    assert_eq!(outbox_mail(&app).len(), 1);
    // GraphQL shows the alert; acknowledging it records who.
    let listed = app
        .gql(
            app.admin(),
            "{ alerts(kind: \"delivery_time_degraded\", acknowledged: false) { nodes { id state recipient severity } } }",
            json!({}),
        )
        .await["alerts"]["nodes"]
        .clone();
    assert_eq!(listed[0]["state"], "sent");
    assert_eq!(listed[0]["severity"], "warning");
    let acked = app
        .gql(
            app.admin(),
            "mutation($id: ID!) { acknowledgeAlert(id: $id) { acknowledgedAt acknowledgedBy } }",
            json!({ "id": listed[0]["id"] }),
        )
        .await["acknowledgeAlert"]
        .clone();
    assert!(acked["acknowledgedAt"].is_string());
    let open = app
        .gql(
            app.admin(),
            "{ alerts(acknowledged: false) { nodes { id } } }",
            json!({}),
        )
        .await["alerts"]["nodes"]
        .clone();
    assert_eq!(open, json!([]));
    app.stop().await;
}

/// Two whole services (each with its own pool and scheduler) on one database, with the
/// retention job due every second: every minute's tick is run by one of them, once.
async fn two_services_on_one_database_run_each_scheduled_tick_once(backend: Backend) {
    let schedule_every_second = |s: &mut backoffice::config::Settings, instance: &str| {
        s.jobs.scheduler = true;
        s.jobs.instance = Some(instance.into());
        for job in [
            &mut s.jobs.invoice_drafts,
            &mut s.jobs.lease_maintenance,
            &mut s.jobs.inactivity,
            &mut s.jobs.forecasts,
            &mut s.jobs.ratio,
            &mut s.jobs.delivery_time,
        ] {
            job.enabled = false;
        }
        s.jobs.retention.schedule = "* * * * * *".into();
        s.jobs.retention.enabled = true;
    };
    let Some(app) =
        crate::helpers::spawn_app_with(backend, |s| schedule_every_second(s, "service-a"), false)
            .await
    else {
        return;
    };
    let mut other = app.settings.clone();
    schedule_every_second(&mut other, "service-b");
    other.http.addr = "127.0.0.1:0".into();
    other.smpp.addr = "127.0.0.1:0".into();
    let second = backoffice::app::App::build(&other).await.unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = tokio::spawn(second.run_until_stopped(async {
        let _ = stopped.await;
    }));
    tokio::time::sleep(std::time::Duration::from_millis(3_500)).await;
    let _ = stop.send(());
    serving.await.unwrap().unwrap();
    let runs = job_run::Entity::find()
        .filter(job_run::Column::Job.eq("retention"))
        .all(&app.db)
        .await
        .unwrap();
    assert!(!runs.is_empty(), "the schedule fired");
    let mut ticks: Vec<_> = runs.iter().map(|r| r.scheduled_for).collect();
    ticks.sort();
    ticks.dedup();
    assert_eq!(ticks.len(), runs.len(), "one run per tick: {runs:?}");
    for run in &runs {
        assert_eq!(run.trigger, "schedule");
        assert_eq!(run.outcome, "succeeded", "{run:?}");
        assert!(["service-a", "service-b"].contains(&run.instance.as_str()));
    }
    app.stop().await;
}

fn context(app: &TestApp, instance: &str) -> JobContext {
    let mut settings = app.settings.clone();
    settings.jobs.instance = Some(instance.into());
    let mailer = backoffice::mail::Mailer::new(&settings.mail).unwrap();
    JobContext::new(app.db.clone(), Arc::new(settings), Arc::new(mailer))
}

async fn two_instances_run_a_tick_once(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let a = context(&app, "instance-a");
    let b = context(&app, "instance-b");
    let tick = Utc.with_ymd_and_hms(2026, 11, 30, 3, 35, 0).unwrap();
    let (first, second) = tokio::join!(
        jobs::run(
            &a,
            JobName::Retention,
            Trigger::Schedule(tick),
            tick.date_naive()
        ),
        jobs::run(
            &b,
            JobName::Retention,
            Trigger::Schedule(tick),
            tick.date_naive()
        ),
    );
    let outcomes = [first.unwrap(), second.unwrap()];
    let ran = outcomes
        .iter()
        .filter(|o| matches!(o, RunOutcome::Ran(_)))
        .count();
    assert_eq!(ran, 1, "{outcomes:?}");
    let runs = job_run::Entity::find()
        .filter(job_run::Column::Job.eq("retention"))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].outcome, "succeeded");
    assert_eq!(runs[0].trigger, "schedule");
    // The next tick is a run of its own.
    let next = tick + Duration::hours(1);
    assert!(matches!(
        jobs::run(
            &b,
            JobName::Retention,
            Trigger::Schedule(next),
            next.date_naive()
        )
        .await
        .unwrap(),
        RunOutcome::Ran(_)
    ));
    app.stop().await;
}

async fn a_run_cut_short_is_marked_interrupted(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let then = Utc::now() - Duration::minutes(30);
    let crashed = job_run::ActiveModel {
        job: Set("ratio".into()),
        scheduled_for: Set(then),
        as_of: Set(then.date_naive().to_string()),
        trigger: Set("schedule".into()),
        instance: Set("gone:1".into()),
        started_at: Set(then),
        heartbeat_at: Set(then),
        finished_at: Set(None),
        outcome: Set("running".into()),
        rows_touched: Set(0),
        alerts_created: Set(0),
        emails_sent: Set(0),
        detail: Set(None),
        error: Set(None),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap();
    // A run still reporting is left alone.
    let mut alive: job_run::ActiveModel = crashed.clone().into();
    alive.id = sea_orm::ActiveValue::NotSet;
    alive.scheduled_for = Set(then + Duration::minutes(1));
    alive.heartbeat_at = Set(Utc::now());
    let alive = alive.insert(&app.db).await.unwrap();
    let (ok, listed, err) = cli(&app, &["list", "--json"]);
    assert!(ok, "{err}");
    let ratio = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|j| j["name"] == "ratio")
        .unwrap()
        .clone();
    let outcome_of = |id: i64| {
        ratio["last_runs"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == id)
            .unwrap()["outcome"]
            .clone()
    };
    assert_eq!(outcome_of(crashed.id), "interrupted");
    assert_eq!(outcome_of(alive.id), "running");
    // The job runs again on its next tick (here by hand).
    let (ok, run, err) = cli(&app, &["run", "ratio", "--json"]);
    assert!(ok, "{err}");
    assert_eq!(run["outcome"], "succeeded");
    app.stop().await;
}

async fn a_refused_email_is_retried_then_sent_over_smtp(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let (smtp_url, mut received) = smtp_server(1).await;
    let mut settings = app.settings.clone();
    settings.mail.smtp_url = Some(smtp_url);
    settings.alerts.retry_base_secs = 0;
    settings.alerts.max_attempts = 3;
    settings.alerts.operators_email = "noc@operator.example".into();
    let mailer = backoffice::mail::Mailer::new(&settings.mail).unwrap();
    let ctx = JobContext::new(app.db.clone(), Arc::new(settings), Arc::new(mailer));
    let on = day(2026, 11, 21);
    delivered(&app, 903, on, 25, 600_000).await;
    let RunOutcome::Ran(run) = jobs::run(&ctx, JobName::DeliveryTime, Trigger::Manual, on)
        .await
        .unwrap()
    else {
        panic!("not run");
    };
    // The server refused it: still pending, its error kept, tried again when due.
    assert_eq!(run.alerts_created, 1);
    assert_eq!(run.emails_sent, 0);
    let refused = alert::Entity::find().one(&app.db).await.unwrap().unwrap();
    assert_eq!(refused.state, "pending");
    assert_eq!(refused.attempts, 1);
    assert!(
        refused
            .last_error
            .as_deref()
            .unwrap_or_default()
            .contains("451"),
        "{refused:?}"
    );
    let sent = jobs::deliver_alerts(&ctx).await.unwrap();
    assert_eq!(sent, 1);
    let data = readable(
        &tokio::time::timeout(std::time::Duration::from_secs(5), received.recv())
            .await
            .unwrap()
            .unwrap(),
    );
    assert!(data.contains("To: noc@operator.example"), "{data}");
    assert!(
        data.contains("carrier 903 delivery slow on 2026-11-21"),
        "{data}"
    );
    assert!(data.contains("the 25 messages"), "{data}");
    let delivered_alert = alert::Entity::find().one(&app.db).await.unwrap().unwrap();
    assert_eq!(delivered_alert.state, "sent");
    assert_eq!(delivered_alert.attempts, 2);
    // Nothing is sent twice.
    assert_eq!(jobs::deliver_alerts(&ctx).await.unwrap(), 0);
    app.stop().await;
}

async fn digest_recipients_get_one_email_a_day(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let mut settings = app.settings.clone();
    settings.alerts.digest_recipients = vec!["noc@operator.example".into()];
    settings.alerts.operators_email = "noc@operator.example".into();
    settings.alerts.digest_hour = 0;
    let mailer = backoffice::mail::Mailer::new(&settings.mail).unwrap();
    let ctx = JobContext::new(app.db.clone(), Arc::new(settings), Arc::new(mailer));
    for carrier in [904, 905] {
        delivered(&app, carrier, day(2026, 11, 22), 30, 900_000).await;
    }
    let RunOutcome::Ran(run) = jobs::run(
        &ctx,
        JobName::DeliveryTime,
        Trigger::Manual,
        day(2026, 11, 22),
    )
    .await
    .unwrap() else {
        panic!("not run");
    };
    assert_eq!(run.alerts_created, 2);
    assert_eq!(run.emails_sent, 1);
    let mail = outbox_mail(&app);
    assert_eq!(mail.len(), 1);
    assert!(mail[0].contains("Alerts digest"), "{}", mail[0]);
    assert!(
        mail[0].contains("carrier 904") && mail[0].contains("carrier 905"),
        "{}",
        mail[0]
    );
    // A third alert the same day waits for tomorrow's digest.
    delivered(&app, 906, day(2026, 11, 23), 30, 900_000).await;
    jobs::run(
        &ctx,
        JobName::DeliveryTime,
        Trigger::Manual,
        day(2026, 11, 23),
    )
    .await
    .unwrap();
    assert_eq!(outbox_mail(&app).len(), 1);
    let waiting = alert::Entity::find()
        .filter(alert::Column::State.eq("pending"))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(waiting, 1);
    app.stop().await;
}
