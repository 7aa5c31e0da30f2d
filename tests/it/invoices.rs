//! Invoicing over the API, the CLI and HTTP documents: rounding at half-cent edges and with
//! many tiny charges (the drill-down adds up to each line), re-runs of drafts and of issued
//! periods, concurrent runs, gap-free numbers under concurrent issues, late records, credit
//! notes and balance, and who may read which invoice.

use std::process::Command;

use backoffice::billing::rating::{Direction, MessageKind};
use backoffice::billing::rollup::{BillingBatch, ChargedRecord};
use backoffice::compliance::numbers::NumberKind;
use backoffice::db::entities::{message, message_charge, one_time_charge};
use backoffice::messaging::status::MessageStatus;
use chrono::{DateTime, TimeZone, Utc};
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};
use serde_json::{json, Value};

use crate::helpers::{spawn_app, Backend, TestApp};
use crate::on_both_databases;

on_both_databases!(
    lines_round_once_and_their_records_add_up,
    reruns_replace_drafts_and_leave_issued_invoices_alone,
    concurrent_runs_make_one_invoice_and_concurrent_issues_gap_free_numbers,
    credit_notes_reduce_the_balance_and_a_full_one_voids,
    documents_follow_the_api_authorization,
    the_cli_runs_issues_and_renders,
    documents_render_the_same_bytes_and_issuing_emails_the_pdf,
    traffic_over_smpp_is_billed_and_after_issue_goes_to_the_next_period,
);

fn at(day: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 10, day, hour, 0, 0).unwrap()
}

/// One rated message record of `customer` with a usage charge: `quantity` fragments at
/// `unit_micros` each (and optionally a carrier fee).
pub(crate) async fn record(
    app: &TestApp,
    customer: i64,
    when: DateTime<Utc>,
    country: &str,
    quantity: i32,
    unit_micros: i64,
    fee_micros: Option<i64>,
) -> String {
    let message_id = format!("t{}", &uuid::Uuid::new_v4().simple().to_string()[..20]);
    let usage = i64::from(quantity) * unit_micros;
    let fee = fee_micros.map_or(0, |f| f * i64::from(quantity));
    message::ActiveModel {
        message_id: Set(message_id.clone()),
        customer_id: Set(customer),
        direction: Set(Direction::Mt),
        kind: Set(MessageKind::Sms),
        number_kind: Set(NumberKind::LongCode),
        source: Set("+12065550100".into()),
        destination: Set("+14255550123".into()),
        destination_country: Set(Some(country.into())),
        carrier_id: Set(None),
        status: Set(MessageStatus::Delivered),
        data_coding: Set(0),
        encoding: Set("gsm7".into()),
        fragment_count: Set(quantity),
        registered_delivery: Set(false),
        receipt_failure_only: Set(false),
        charge_micros: Set(usage + fee),
        currency: Set("USD".into()),
        submitted_at: Set(when),
        updated_at: Set(when),
        priority: Set(0),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap();
    let charge = |kind: &str, unit: i64| message_charge::ActiveModel {
        message_id: Set(message_id.clone()),
        kind: Set(kind.into()),
        quantity: Set(quantity),
        unit_price_micros: Set(unit),
        amount_micros: Set(unit * i64::from(quantity)),
        international: Set(false),
        ..Default::default()
    };
    charge("usage", unit_micros).insert(&app.db).await.unwrap();
    if let Some(fee) = fee_micros {
        charge("carrier_fee", fee).insert(&app.db).await.unwrap();
    }
    // A record loaded beside the gateway is counted in the billing roll-up as the message
    // writer counts its own (the test over SMPP below checks the writer's).
    let mut batch = BillingBatch::default();
    let charged = |charge_kind, unit: i64| ChargedRecord {
        customer_id: customer,
        currency: "USD",
        submitted_at: when,
        message_kind: MessageKind::Sms,
        direction: Direction::Mt,
        number_kind: NumberKind::LongCode,
        country: Some(country),
        carrier_id: None,
        charge_kind,
        quantity: i64::from(quantity),
        unit_price_micros: unit,
        amount_micros: unit * i64::from(quantity),
    };
    batch.add(charged("usage", unit_micros));
    if let Some(fee) = fee_micros {
        batch.add(charged("carrier_fee", fee));
    }
    for statement in batch.statements(app.db.get_database_backend()) {
        app.db.execute(statement).await.unwrap();
    }
    message_id
}

async fn one_time(app: &TestApp, customer: i64, when: DateTime<Utc>, amount_micros: i64) {
    one_time_charge::ActiveModel {
        customer_id: Set(customer),
        kind: Set("setup".into()),
        description: Set("Short code set-up".into()),
        quantity: Set(1),
        unit_price_micros: Set(amount_micros),
        amount_micros: Set(amount_micros),
        currency: Set("USD".into()),
        incurred_at: Set(when),
        created_at: Set(when),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap();
}

const RUN: &str = "mutation($p: String!, $c: ID) { runInvoices(period: $p, customerId: $c) { run { status invoices } invoices { id state number total } } }";
const INVOICE: &str = "query($id: ID!) { invoice(id: $id) { id state number total balance currency lines { id seq section description late quantity unitPrice rawAmount amount } creditNotes { number amount reason } } }";

async fn run(app: &TestApp, period: &str, customer: &str) -> Value {
    app.gql(app.admin(), RUN, json!({ "p": period, "c": customer }))
        .await["runInvoices"]
        .clone()
}

async fn invoice(app: &TestApp, id: &Value) -> Value {
    app.gql(app.admin(), INVOICE, json!({ "id": id })).await["invoice"].clone()
}

async fn customer(app: &TestApp, name: &str) -> (String, i64) {
    let id = app.create_customer(name).await;
    let numeric = id.parse().unwrap();
    (id, numeric)
}

fn cents(v: &Value) -> rust_decimal::Decimal {
    v.as_str().unwrap().parse().unwrap()
}

async fn lines_round_once_and_their_records_add_up(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let (id, c) = customer(&app, "Rounding").await;
    // Three half-cents at one price: 0.015 rounds to 0.02 once (not three times 0.01).
    for day in 1..=3 {
        record(&app, c, at(day, 9), "US", 1, 5_000, None).await;
    }
    // 999 tiny charges of 0.000007: 0.006993, one line of 0.01.
    for i in 0..999 {
        record(&app, c, at(4 + i % 20, 10), "CA", 1, 7, None).await;
    }
    // 0.125 of carrier fees: 0.13 half away from zero (banker's would be 0.12).
    record(&app, c, at(5, 8), "GB", 25, 0, Some(5_000)).await;
    one_time(&app, c, at(6, 0), 500_000_000).await;

    let drafted = run(&app, "2026-10", &id).await;
    let invoice_id = drafted["invoices"][0]["id"].clone();
    let shown = invoice(&app, &invoice_id).await;
    assert_eq!(shown["state"], "DRAFT");
    assert!(
        shown["number"].is_null(),
        "numbers are assigned at issue, not at draft"
    );
    let lines = shown["lines"].as_array().unwrap();
    let by_description = |part: &str| {
        lines
            .iter()
            .find(|l| l["description"].as_str().unwrap().contains(part))
            .unwrap_or_else(|| panic!("no line with {part}: {lines:?}"))
            .clone()
    };
    let us = by_description(", US,");
    assert_eq!(
        (us["quantity"].as_i64(), us["amount"].as_str()),
        (Some(3), Some("0.02"))
    );
    assert_eq!(us["rawAmount"], "0.015000");
    let ca = by_description(", CA,");
    assert_eq!(
        (ca["quantity"].as_i64(), ca["amount"].as_str()),
        (Some(999), Some("0.01"))
    );
    let fees = by_description("pass-through fee");
    assert_eq!(fees["amount"], "0.13");
    let setup = by_description("Short code set-up");
    assert_eq!(setup["amount"], "500.00");
    let sum: rust_decimal::Decimal = lines.iter().map(|l| cents(&l["amount"])).sum();
    assert_eq!(
        cents(&shown["total"]),
        sum,
        "the total is the sum of the rounded lines"
    );
    assert_eq!(shown["total"], "500.16");

    // Each line's records, rounded, are the line.
    for line in lines {
        let mut after: Option<String> = None;
        let mut total = rust_decimal::Decimal::ZERO;
        let mut count = 0;
        loop {
            let page = app
                .gql(
                    app.admin(),
                    "query($l: ID!, $a: String) { invoiceLineRecords(lineId: $l, first: 100, after: $a) { edges { cursor node { messageId oneTimeChargeId quantity amount } } pageInfo { hasNextPage } } }",
                    json!({ "l": line["id"], "a": after }),
                )
                .await["invoiceLineRecords"]
                .clone();
            for edge in page["edges"].as_array().unwrap() {
                total += cents(&edge["node"]["amount"]);
                count += 1;
                after = edge["cursor"].as_str().map(str::to_owned);
            }
            if page["pageInfo"]["hasNextPage"] != true {
                break;
            }
        }
        assert_eq!(total, cents(&line["rawAmount"]), "{line}");
        assert_eq!(
            backoffice::billing::money::round_to_minor_unit(total, 2),
            cents(&line["amount"])
        );
        assert!(count >= 1, "every line has records: {line}");
    }
    app.stop().await;
}

async fn reruns_replace_drafts_and_leave_issued_invoices_alone(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let (id, c) = customer(&app, "Reruns").await;
    record(&app, c, at(2, 9), "US", 2, 7_900, Some(2_500)).await;
    let first = run(&app, "2026-10", &id).await;
    let again = run(&app, "2026-10", &id).await;
    let invoice_id = first["invoices"][0]["id"].clone();
    assert_eq!(
        again["invoices"][0]["id"], invoice_id,
        "one invoice per customer, period and currency"
    );
    let before = invoice(&app, &invoice_id).await;
    assert_eq!(
        before["total"], "0.03",
        "0.0158 of usage and 0.005 of fees, each line rounded"
    );
    // A draft follows its records: more, and the re-run shows them.
    record(&app, c, at(3, 9), "US", 10, 7_900, None).await;
    run(&app, "2026-10", &id).await;
    let redrafted = invoice(&app, &invoice_id).await;
    assert_eq!(
        redrafted["total"], "0.10",
        "0.0948 of usage and 0.005 of fees"
    );

    let issued = app
        .gql(
            app.admin(),
            "mutation($id: ID!) { issueInvoice(id: $id) { state number total } }",
            json!({ "id": invoice_id }),
        )
        .await["issueInvoice"]
        .clone();
    assert_eq!(issued["state"], "ISSUED");
    let year = Utc::now().format("%Y").to_string();
    assert_eq!(issued["number"], format!("INV-{year}-000001"));
    let (code, _) = app
        .gql_error(
            Some(app.admin()),
            "mutation($id: ID!) { issueInvoice(id: $id) { state } }",
            json!({ "id": invoice_id }),
        )
        .await;
    assert_eq!(code, "CONFLICT", "an issued invoice is not issued again");
    let issued_lines = invoice(&app, &invoice_id).await["lines"].clone();

    // A late record of October, after October was issued: October stays as it was; November
    // bills it, flagged late.
    record(&app, c, at(20, 9), "US", 1, 10_000, None).await;
    let rerun = run(&app, "2026-10", &id).await;
    assert_eq!(rerun["invoices"][0]["state"], "ISSUED");
    let after = invoice(&app, &invoice_id).await;
    assert_eq!(after["total"], issued["total"]);
    assert_eq!(
        after["lines"], issued_lines,
        "an issued invoice's lines never change"
    );
    assert_eq!(
        after["lines"].as_array().unwrap().len(),
        redrafted["lines"].as_array().unwrap().len()
    );
    record(
        &app,
        c,
        Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap(),
        "US",
        1,
        7_900,
        None,
    )
    .await;
    let november = run(&app, "2026-11", &id).await;
    let next = invoice(&app, &november["invoices"][0]["id"]).await;
    let late: Vec<&Value> = next["lines"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["late"] == true)
        .collect();
    assert_eq!(late.len(), 1, "{next}");
    assert_eq!(late[0]["amount"], "0.01");
    assert!(late[0]["description"].as_str().unwrap().contains("late"));
    assert_eq!(
        next["total"], "0.02",
        "November's own record and October's late one"
    );
    app.stop().await;
}

async fn concurrent_runs_make_one_invoice_and_concurrent_issues_gap_free_numbers(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let (id, c) = customer(&app, "Concurrent").await;
    record(&app, c, at(2, 9), "US", 1, 7_900, None).await;
    let (a, b) = tokio::join!(run(&app, "2026-10", &id), run(&app, "2026-10", &id));
    assert_eq!(
        a["invoices"][0]["id"], b["invoices"][0]["id"],
        "two runs at once make one invoice"
    );
    let all = app
        .gql(
            app.admin(),
            "{ invoices(first: 100) { nodes { id } } }",
            json!({}),
        )
        .await;
    assert_eq!(all["invoices"]["nodes"].as_array().unwrap().len(), 1);

    let mut drafts = vec![a["invoices"][0]["id"].clone()];
    for n in 0..5 {
        let (other, oc) = customer(&app, &format!("Customer {n}")).await;
        record(&app, oc, at(3, 9), "US", 1, 7_900, None).await;
        drafts.push(run(&app, "2026-10", &other).await["invoices"][0]["id"].clone());
    }
    let issues = drafts.iter().map(|id| {
        app.gql(
            app.admin(),
            "mutation($id: ID!) { issueInvoice(id: $id) { number } }",
            json!({ "id": id }),
        )
    });
    let mut numbers: Vec<String> = futures_util::future::join_all(issues)
        .await
        .into_iter()
        .map(|r| r["issueInvoice"]["number"].as_str().unwrap().to_owned())
        .collect();
    numbers.sort();
    let year = Utc::now().format("%Y").to_string();
    let expected: Vec<String> = (1..=6).map(|n| format!("INV-{year}-{n:06}")).collect();
    assert_eq!(numbers, expected, "gap-free and never reused");
    app.stop().await;
}

async fn credit_notes_reduce_the_balance_and_a_full_one_voids(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let (id, c) = customer(&app, "Credits").await;
    record(&app, c, at(2, 9), "US", 100, 79_000, None).await; // 7.90
    one_time(&app, c, at(3, 0), 100_000_000).await; // 100.00
    let drafted = run(&app, "2026-10", &id).await;
    let invoice_id = drafted["invoices"][0]["id"].clone();
    const CREDIT: &str =
        "mutation($input: CreditNoteInput!) { createCreditNote(input: $input) { number amount } }";
    let (code, _) = app
        .gql_error(
            Some(app.admin()),
            CREDIT,
            json!({ "input": { "invoiceId": invoice_id, "reason": "x", "full": true } }),
        )
        .await;
    assert_eq!(code, "CONFLICT", "a draft is not credited");
    app.gql(
        app.admin(),
        "mutation($id: ID!) { issueInvoice(id: $id) { number } }",
        json!({ "id": invoice_id }),
    )
    .await;
    let issued = invoice(&app, &invoice_id).await;
    assert_eq!(
        (issued["total"].as_str(), issued["balance"].as_str()),
        (Some("107.90"), Some("107.90"))
    );

    let year = Utc::now().format("%Y").to_string();
    let by_amount = app
        .gql(app.admin(), CREDIT, json!({ "input": { "invoiceId": invoice_id, "reason": "Goodwill", "amount": "10.50" } }))
        .await;
    assert_eq!(
        by_amount["createCreditNote"]["number"],
        format!("CN-{year}-000001")
    );
    let (code, error) = app
        .gql_error(
            Some(app.admin()),
            CREDIT,
            json!({ "input": { "invoiceId": invoice_id, "reason": "Too much", "amount": "500" } }),
        )
        .await;
    assert_eq!(code, "VALIDATION");
    assert_eq!(error["extensions"]["fields"][0]["field"], "amount");
    let usage_line = issued["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["section"] == "messages")
        .unwrap()["id"]
        .clone();
    let by_line = app
        .gql(app.admin(), CREDIT, json!({ "input": { "invoiceId": invoice_id, "reason": "Messages in error", "lineIds": [usage_line] } }))
        .await;
    assert_eq!(by_line["createCreditNote"]["amount"], "7.90");
    let partly = invoice(&app, &invoice_id).await;
    assert_eq!(
        (partly["state"].as_str(), partly["balance"].as_str()),
        (Some("ISSUED"), Some("89.50"))
    );
    assert_eq!(
        partly["total"], "107.90",
        "the invoice itself never changes"
    );
    let full = app
        .gql(app.admin(), CREDIT, json!({ "input": { "invoiceId": invoice_id, "reason": "Cancelled contract", "full": true } }))
        .await;
    assert_eq!(
        full["createCreditNote"]["number"],
        format!("CN-{year}-000003")
    );
    assert_eq!(full["createCreditNote"]["amount"], "89.50");
    let voided = invoice(&app, &invoice_id).await;
    assert_eq!(
        (voided["state"].as_str(), voided["balance"].as_str()),
        (Some("VOID"), Some("0.00"))
    );
    assert_eq!(voided["creditNotes"].as_array().unwrap().len(), 3);
    app.stop().await;
}

async fn documents_follow_the_api_authorization(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let (id, c) = customer(&app, "Documents").await;
    let message_id = record(&app, c, at(2, 9), "US", 3, 7_900, Some(2_500)).await;
    let invoice_id = run(&app, "2026-10", &id).await["invoices"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (_, own_key) = app.create_key("customer", Some(&id)).await;
    let (other, _) = customer(&app, "Someone else").await;
    let (_, other_key) = app.create_key("customer", Some(&other)).await;
    let (_, compliance_key) = app.create_key("compliance", None).await;
    let get = |path: String, key: Option<String>| {
        let app = &app;
        async move {
            let mut request = app.client.get(app.url(&path));
            if let Some(key) = key {
                request = request.bearer_auth(key);
            }
            let response = request.send().await.unwrap();
            (response.status().as_u16(), response.text().await.unwrap())
        }
    };
    let csv_path = format!("/invoices/{invoice_id}.csv");
    assert_eq!(get(csv_path.clone(), None).await.0, 401);
    assert_eq!(get(csv_path.clone(), Some(compliance_key)).await.0, 403);
    assert_eq!(
        get(csv_path.clone(), Some(own_key.clone())).await.0,
        404,
        "a draft is not the customer's to see"
    );
    let (status, body) = get(csv_path.clone(), Some(app.admin().to_owned())).await;
    assert_eq!(status, 200);
    let mut reader = csv::Reader::from_reader(body.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2, "{body}");
    assert_eq!(&rows[0][9], "0.02", "3 x 0.0079 = 0.0237");

    app.gql(
        app.admin(),
        "mutation($id: ID!) { issueInvoice(id: $id) { number } }",
        json!({ "id": invoice_id }),
    )
    .await;
    assert_eq!(
        get(csv_path.clone(), Some(own_key.clone())).await.0,
        200,
        "its own issued invoice"
    );
    assert_eq!(get(csv_path.clone(), Some(other_key)).await.0, 404);
    let shown = invoice(&app, &json!(invoice_id)).await;
    let line = shown["lines"][0]["id"].as_str().unwrap();
    let (status, records) = get(
        format!("/invoices/{invoice_id}/lines/{line}.csv"),
        Some(own_key),
    )
    .await;
    assert_eq!(status, 200);
    assert!(records.contains(&message_id), "{records}");
    app.stop().await;
}

async fn the_cli_runs_issues_and_renders(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let (_, c) = customer(&app, "Cli").await;
    record(&app, c, at(2, 9), "US", 1, 7_900, None).await;
    let cli = |args: &[&str]| {
        let mut all = vec!["--database-url", app.db_url()];
        all.extend_from_slice(args);
        Command::new(env!("CARGO_BIN_EXE_backoffice"))
            .args(all)
            .env("BACKOFFICE_MAIL__OUTBOX_DIR", &app.settings.mail.outbox_dir)
            .output()
            .unwrap()
    };
    let output = cli(&["invoices", "run", "--period", "2026-10", "--json"]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let drafted: Value = serde_json::from_slice(&output.stdout).unwrap();
    let drafted = drafted.as_array().unwrap();
    assert_eq!(drafted.len(), 1);
    assert_eq!(drafted[0]["state"], "draft");
    assert_eq!(drafted[0]["total"], "0.01");
    assert_eq!(drafted[0]["customer"], c);
    let id = drafted[0]["id"].to_string();
    let output = cli(&["invoices", "issue", &id, "--json"]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let issued: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(issued["number"].as_str().unwrap().starts_with("INV-"));
    let again = cli(&["invoices", "issue", &id, "--json"]);
    assert!(!again.status.success(), "issuing twice fails");
    assert_eq!(
        String::from_utf8_lossy(&again.stderr).lines().count(),
        1,
        "with a one-line reason"
    );
    let out = tempfile::NamedTempFile::new().unwrap();
    let output = cli(&[
        "invoices",
        "render",
        &id,
        "--format",
        "csv",
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let csv = std::fs::read_to_string(out.path()).unwrap();
    assert!(csv.contains(issued["number"].as_str().unwrap()), "{csv}");
    let pdf = tempfile::NamedTempFile::new().unwrap();
    let output = cli(&[
        "invoices",
        "render",
        &id,
        "--out",
        pdf.path().to_str().unwrap(),
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        std::fs::read(pdf.path()).unwrap().starts_with(b"%PDF"),
        "PDF by default"
    );
    let emailed = std::fs::read_dir(&app.settings.mail.outbox_dir)
        .unwrap()
        .count();
    assert_eq!(emailed, 1, "issuing from the CLI emails the PDF too");
    let bad = cli(&["invoices", "run", "--period", "2026-13"]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--period"));
    app.stop().await;
}

async fn documents_render_the_same_bytes_and_issuing_emails_the_pdf(backend: Backend) {
    let Some(mut app) = spawn_app(backend).await else {
        return;
    };
    let (id, c) = customer(&app, "Paper Co").await;
    record(&app, c, at(2, 9), "US", 40, 7_900, Some(2_500)).await;
    one_time(&app, c, at(3, 0), 500_000_000).await;
    let invoice_id = run(&app, "2026-10", &id).await["invoices"][0]["id"].clone();
    let issued = app
        .gql(app.admin(), "mutation($id: ID!) { issueInvoice(id: $id) { number total emails { recipient outcome reference } } }", json!({ "id": invoice_id }))
        .await["issueInvoice"]
        .clone();
    let number = issued["number"].as_str().unwrap().to_owned();
    assert_eq!(
        issued["total"], "500.42",
        "40 x 0.0079 = 0.316 -> 0.32; fees 0.10; set-up 500"
    );
    let email = &issued["emails"][0];
    assert_eq!(
        (email["recipient"].as_str(), email["outcome"].as_str()),
        (Some("billing@example.com"), Some("sent")),
        "{issued}"
    );
    let outbox: Vec<_> = std::fs::read_dir(&app.settings.mail.outbox_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(outbox.len(), 1, "{outbox:?}");
    let eml = std::fs::read_to_string(&outbox[0]).unwrap();
    assert!(eml.contains("To: billing@example.com"), "{eml}");
    assert!(
        eml.contains(&format!("filename=\"{number}.pdf\"")),
        "the PDF is attached"
    );

    let get = |path: String| {
        let app = &app;
        async move {
            let response = app
                .client
                .get(app.url(&path))
                .bearer_auth(app.admin())
                .send()
                .await
                .unwrap();
            assert_eq!(response.status().as_u16(), 200, "{path}");
            response.bytes().await.unwrap().to_vec()
        }
    };
    let pdf = get(format!("/invoices/{}.pdf", invoice_id.as_str().unwrap())).await;
    assert!(pdf.starts_with(b"%PDF"));
    let again = get(format!("/invoices/{}.pdf", invoice_id.as_str().unwrap())).await;
    assert_eq!(
        pdf, again,
        "re-rendering an issued invoice gives the same bytes"
    );
    let text = pdf_extract::extract_text_from_mem(&pdf).unwrap();
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains(&number), "{flat}");
    assert!(flat.contains("Short code set-up"), "{flat}");
    assert!(flat.contains("500.42"), "the total: {flat}");
    assert!(flat.contains("Paper Co"), "{flat}");
    assert!(flat.contains("exclude taxes"), "{flat}");

    let xlsx = get(format!("/invoices/{}.xlsx", invoice_id.as_str().unwrap())).await;
    use calamine::Reader as _;
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(xlsx)).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    let rows: Vec<Vec<String>> = sheet
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    assert_eq!(rows[0][6], "Amount");
    let total_row = rows.iter().find(|r| r[2] == "Total").expect("a total row");
    assert_eq!(total_row[6], "500.42");

    // Over SMTP once configured: a real SMTP conversation with the test's server.
    let (smtp_url, mut received) = crate::helpers::smtp_server(0).await;
    app.restart(|s| s.mail.smtp_url = Some(smtp_url)).await;
    record(
        &app,
        c,
        Utc.with_ymd_and_hms(2026, 11, 3, 9, 0, 0).unwrap(),
        "US",
        1,
        7_900,
        None,
    )
    .await;
    let november = run(&app, "2026-11", &id).await["invoices"][0]["id"].clone();
    let sent = app
        .gql(
            app.admin(),
            "mutation($id: ID!) { issueInvoice(id: $id) { number emails { outcome reference } } }",
            json!({ "id": november }),
        )
        .await["issueInvoice"]
        .clone();
    assert_eq!(sent["emails"][0]["outcome"], "sent", "{sent}");
    let message = tokio::time::timeout(std::time::Duration::from_secs(10), received.recv())
        .await
        .unwrap()
        .unwrap();
    assert!(message.contains("To: billing@example.com"), "{message}");
    assert!(
        message.contains(&format!("{}.pdf", sent["number"].as_str().unwrap())),
        "{message}"
    );
    app.stop().await;
}

/// The message writer keeps the billing roll-up with its records: what SMPP traffic is
/// charged is what a run bills, and a record for an issued period is billed late in the next.
async fn traffic_over_smpp_is_billed_and_after_issue_goes_to_the_next_period(backend: Backend) {
    use crate::smpp::{demo_app, submit_body, wait_for_status, Esme, BIND_TRANSCEIVER};
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let Some(app) = demo_app(backend, 20).await else {
        return;
    };
    let mut esme = Esme::connect(&app).await;
    assert_eq!(esme.bind(BIND_TRANSCEIVER, "demo", "demopass").await, 0);
    let submit = |text: &'static str| {
        submit_body("12065550100", "14255550123", 0, 0, 0, text.as_bytes(), &[])
    };
    let mut ids = Vec::new();
    for text in ["One", "Two", "Three"] {
        let (status, id) = esme.submit(&submit(text)).await;
        assert_eq!(status, 0);
        ids.push(id);
    }
    for id in &ids {
        wait_for_status(&app, id, "DELIVERED").await;
    }
    let first = message::Entity::find()
        .filter(message::Column::MessageId.eq(ids[0].as_str()))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let period = first.submitted_at.format("%Y-%m").to_string();
    let charged = |rows: &[message::Model]| -> rust_decimal::Decimal {
        rows.iter()
            .map(|m| rust_decimal::Decimal::new(m.charge_micros, 6))
            .sum()
    };
    let records = message::Entity::find()
        .filter(message::Column::CustomerId.eq(first.customer_id))
        .filter(message::Column::Currency.eq("USD"))
        .all(&app.db)
        .await
        .unwrap();
    let records: Vec<_> = records
        .into_iter()
        .filter(|m| m.submitted_at.format("%Y-%m").to_string() == period)
        .collect();
    assert!(records.len() >= 3);
    let customer_id = first.customer_id.to_string();
    let ran = run(&app, &period, &customer_id).await;
    let drafted = ran["invoices"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["state"] == "DRAFT")
        .cloned()
        .expect("a draft");
    let draft = invoice(&app, &drafted["id"]).await;
    let message_lines = |inv: &Value, late: bool| -> rust_decimal::Decimal {
        inv["lines"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|l| l["section"] != "one_time" && l["late"] == late)
            .map(|l| cents(&l["rawAmount"]))
            .sum()
    };
    assert_eq!(message_lines(&draft, false), charged(&records));
    app.gql(
        app.admin(),
        "mutation($id: ID!) { issueInvoice(id: $id) { state } }",
        json!({ "id": drafted["id"] }),
    )
    .await;
    // After the issue: a record of the issued period is late for the next one.
    let (status, late_id) = esme.submit(&submit("Four")).await;
    assert_eq!(status, 0);
    wait_for_status(&app, &late_id, "DELIVERED").await;
    let late = message::Entity::find()
        .filter(message::Column::MessageId.eq(late_id.as_str()))
        .all(&app.db)
        .await
        .unwrap();
    let next = backoffice::billing::invoicing::Period::parse(&period)
        .unwrap()
        .next()
        .to_string();
    let ran = run(&app, &next, &customer_id).await;
    let next_draft = ran["invoices"].as_array().unwrap()[0].clone();
    let next_draft = invoice(&app, &next_draft["id"]).await;
    assert_eq!(message_lines(&next_draft, true), charged(&late));
    // The issued invoice is as it was.
    let issued = invoice(&app, &drafted["id"]).await;
    assert_eq!(issued["state"], "ISSUED");
    assert_eq!(message_lines(&issued, false), charged(&records));
    app.stop().await;
}
