//! Short-code leases over the real API and SMPP: terms and their charges, notice, inactivity
//! and re-application, suspension, admission's enforcement, and a change made by the CLI
//! reaching a running server.

use std::process::Command;
use std::time::Duration;

use backoffice::db::entities::short_code_lease;
use chrono::{TimeZone, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{json, Value};

use crate::helpers::{Backend, TestApp};
use crate::numbers::create_number;
use crate::on_both_databases;
use crate::smpp::{demo_app, gsm, message_row, submit_body, Esme, BIND_TRANSCEIVER};

const LEASE: &str = "query($id: ID!) { lease(id: $id) { state term termEndsOn endsOn reapplication events { fromState toState actor reason } charges { kind amount incurredAt description } } }";
const MAINTAIN: &str = "mutation($day: NaiveDate!) { maintainLeases(asOf: $day) { leasesChecked renewed ended warnings cancelledForInactivity chargesCreated failures } }";

async fn demo_customer(app: &TestApp) -> String {
    let data = app
        .gql(
            app.admin(),
            "{ customers { nodes { id name } } }",
            json!({}),
        )
        .await;
    data["customers"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "Demo Co")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn new_lease(app: &TestApp, code: &str, activated: &str) -> String {
    let customer = demo_customer(app).await;
    let number = create_number(
        app,
        &customer,
        "SHORT_CODE",
        code,
        json!({ "shortCodeType": "VANITY" }),
    )
    .await;
    let applied = app
        .gql(
            app.admin(),
            "mutation($n: ID!) { applyLease(numberId: $n) { id state } }",
            json!({ "n": number }),
        )
        .await;
    let id = applied["applyLease"]["id"].as_str().unwrap().to_owned();
    assert_eq!(applied["applyLease"]["state"], "APPLIED");
    app.gql(
        app.admin(),
        "mutation($id: ID!, $on: NaiveDate) { activateLease(id: $id, on: $on) { state } }",
        json!({ "id": id, "on": activated }),
    )
    .await;
    id
}

/// The test's stand-in for traffic on `day` (what admission's flush writes).
async fn traffic_on(app: &TestApp, lease: &str, day: (i32, u32, u32)) {
    let at = Utc.with_ymd_and_hms(day.0, day.1, day.2, 12, 0, 0).unwrap();
    short_code_lease::Entity::update_many()
        .col_expr(
            short_code_lease::Column::LastTrafficAt,
            sea_orm::sea_query::Expr::value(at),
        )
        .col_expr(
            short_code_lease::Column::WarnedDays,
            sea_orm::sea_query::Expr::value(""),
        )
        .filter(short_code_lease::Column::Id.eq(lease.parse::<i64>().unwrap()))
        .exec(&app.db)
        .await
        .unwrap();
}

async fn lease(app: &TestApp, id: &str) -> Value {
    app.gql(app.admin(), LEASE, json!({ "id": id })).await["lease"].clone()
}

async fn maintain(app: &TestApp, day: &str) -> Value {
    let data = app.gql(app.admin(), MAINTAIN, json!({ "day": day })).await;
    assert_eq!(data["maintainLeases"]["failures"], json!([]), "{data}");
    data["maintainLeases"].clone()
}

async fn a_lease_renews_each_term_and_late_notice_adds_one_more(backend: Backend) {
    let Some(app) = demo_app(backend, 50).await else {
        return;
    };
    let id = new_lease(&app, "55503", "2026-01-31").await;
    let activated = lease(&app, &id).await;
    assert_eq!(activated["state"], "ACTIVE");
    assert_eq!(
        activated["termEndsOn"], "2026-04-30",
        "January 31 + 3 months"
    );
    let kinds: Vec<(&str, &str)> = activated["charges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["kind"].as_str().unwrap(), c["amount"].as_str().unwrap()))
        .collect();
    assert_eq!(
        kinds,
        [("setup", "1000.000000"), ("leasing", "4500.000000")],
        "vanity prices"
    );

    traffic_on(&app, &id, (2026, 4, 20)).await;
    let first = maintain(&app, "2026-04-30").await;
    assert_eq!(first["renewed"], 1);
    assert_eq!(first["chargesCreated"], 1);
    let again = maintain(&app, "2026-04-30").await;
    assert_eq!(
        (again["renewed"].as_i64(), again["chargesCreated"].as_i64()),
        (Some(0), Some(0)),
        "idempotent"
    );
    let renewed = lease(&app, &id).await;
    assert_eq!(
        (renewed["term"].as_i64(), renewed["termEndsOn"].as_str()),
        (Some(2), Some("2026-07-31"))
    );

    // 29 days before the term's end: too late for this term.
    let notice = app
        .gql(
            app.admin(),
            "mutation($id: ID!) { giveLeaseNotice(id: $id, on: \"2026-07-02\") { late endsOn message lease { state } } }",
            json!({ "id": id }),
        )
        .await["giveLeaseNotice"]
        .clone();
    assert_eq!(notice["late"], true);
    assert_eq!(notice["endsOn"], "2026-10-31");
    assert!(notice["message"].as_str().unwrap().contains("2026-10-31"));
    assert_eq!(notice["lease"]["state"], "NOTICE_GIVEN");

    traffic_on(&app, &id, (2026, 10, 1)).await;
    let end = maintain(&app, "2026-10-31").await;
    assert_eq!(
        (end["renewed"].as_i64(), end["ended"].as_i64()),
        (Some(1), Some(1))
    );
    let ended = lease(&app, &id).await;
    assert_eq!(ended["state"], "ENDED");
    let charges = ended["charges"].as_array().unwrap();
    assert_eq!(charges.len(), 4, "set-up and three terms: {charges:?}");
    assert_eq!(charges[3]["incurredAt"], "2026-07-31T00:00:00+00:00");
    let states: Vec<&str> = ended["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["toState"].as_str().unwrap())
        .collect();
    assert_eq!(states, ["APPLIED", "ACTIVE", "NOTICE_GIVEN", "ENDED"]);
    let (code, _) = app
        .gql_error(
            Some(app.admin()),
            "mutation($id: ID!) { giveLeaseNotice(id: $id) { late } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(code, "CONFLICT", "an ended lease takes no notice");
    app.stop().await;
}

async fn silence_warns_then_cancels_and_a_new_application_pays_again(backend: Backend) {
    let Some(app) = demo_app(backend, 50).await else {
        return;
    };
    let id = new_lease(&app, "55504", "2026-01-01").await;
    traffic_on(&app, &id, (2026, 1, 10)).await;
    assert_eq!(maintain(&app, "2026-03-10").await["warnings"], 0, "59 days");
    assert_eq!(maintain(&app, "2026-03-11").await["warnings"], 1, "60 days");
    assert_eq!(maintain(&app, "2026-03-11").await["warnings"], 0, "once");
    assert_eq!(maintain(&app, "2026-03-31").await["warnings"], 1, "80 days");
    let at_89 = maintain(&app, "2026-04-09").await;
    assert_eq!(at_89["cancelledForInactivity"], 0);
    let at_90 = maintain(&app, "2026-04-10").await;
    assert_eq!(at_90["cancelledForInactivity"], 1);
    assert_eq!(lease(&app, &id).await["state"], "CANCELLED_INACTIVITY");
    let alerts = app
        .gql(
            app.admin(),
            "{ alerts(first: 100) { nodes { kind leaseId subject } } }",
            json!({}),
        )
        .await["alerts"]["nodes"]
        .clone();
    let kinds: Vec<&str> = alerts
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["leaseId"] == id.as_str())
        .map(|a| a["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "inactivity_cancelled",
            "lease_renewed",
            "inactivity_warning",
            "inactivity_warning"
        ]
    );

    let number = app
        .gql(app.admin(), "{ leases { id numberId } }", json!({}))
        .await["leases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["id"] == id.as_str())
        .unwrap()["numberId"]
        .clone();
    let again = app
        .gql(
            app.admin(),
            "mutation($n: ID!) { applyLease(numberId: $n) { id reapplication } }",
            json!({ "n": number }),
        )
        .await["applyLease"]
        .clone();
    assert_eq!(again["reapplication"], true);
    let second = again["id"].as_str().unwrap();
    app.gql(
        app.admin(),
        "mutation($id: ID!) { activateLease(id: $id, on: \"2026-05-01\") { state } }",
        json!({ "id": second }),
    )
    .await;
    let kinds: Vec<String> = lease(&app, second).await["charges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["kind"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(kinds, ["setup", "leasing", "reapplication"]);
    let (code, _) = app
        .gql_error(
            Some(app.admin()),
            "mutation($n: ID!) { applyLease(numberId: $n) { id } }",
            json!({ "n": number }),
        )
        .await;
    assert_eq!(code, "CONFLICT", "one live lease per code");
    app.stop().await;
}

/// Submits from a short code (TON network-specific), receipts on failure only; returns the
/// message_id.
async fn submit_from_code(esme: &mut Esme, code: &str) -> String {
    let mut body = submit_body(code, "14255550161", 0, 2, 0, &gsm("from the code"), &[]);
    body[1] = 3; // source_addr_ton: network specific (a short code)
    let (status, id) = esme.submit(&body).await;
    assert_eq!(status, 0);
    id
}

async fn wait_for_reason(app: &TestApp, esme: &mut Esme, code: &str, expected: Option<&str>) {
    for _ in 0..100 {
        let id = submit_from_code(esme, code).await;
        let row = message_row(app, &id).await;
        let reason = row["rejectReason"].as_str();
        if row["status"] == "REJECTED" {
            // Receipts are asked for failures only: a rejected message has one.
            let (receipt, _, _) = esme.receipt().await;
            assert!(receipt.contains("stat:REJECTD"), "{receipt}");
        }
        let matches = match expected {
            Some(want) => reason.is_some_and(|r| r.starts_with(want)),
            None => row["status"] != "REJECTED",
        };
        if matches {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{code} never reached {expected:?}");
}

async fn admission_sends_only_from_a_sending_lease(backend: Backend) {
    let Some(app) = demo_app(backend, 50).await else {
        return;
    };
    let mut esme = Esme::connect(&app).await;
    assert_eq!(esme.bind(BIND_TRANSCEIVER, "demo", "demopass").await, 0);
    let id = submit_from_code(&mut esme, "55501").await;
    assert_ne!(
        message_row(&app, &id).await["status"],
        "REJECTED",
        "the demo lease is active"
    );
    let lease_id = app
        .gql(
            app.admin(),
            "{ leases(state: ACTIVE) { id shortCode } }",
            json!({}),
        )
        .await["leases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["shortCode"] == "55501")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (_, compliance) = app.create_key("compliance", None).await;
    let (code, _) = app
        .gql_error(
            Some(&compliance),
            "mutation($id: ID!) { suspendLease(id: $id, reason: \" \") { state } }",
            json!({ "id": lease_id }),
        )
        .await;
    assert_eq!(code, "VALIDATION", "a suspension needs a reason");
    app.gql(&compliance, "mutation($id: ID!) { suspendLease(id: $id, reason: \"use outside its approval\") { state } }", json!({ "id": lease_id }))
        .await;
    wait_for_reason(&app, &mut esme, "55501", Some("SHORT_CODE_SUSPENDED")).await;
    app.gql(
        &compliance,
        "mutation($id: ID!) { resumeLease(id: $id, reason: \"amended\") { state } }",
        json!({ "id": lease_id }),
    )
    .await;
    wait_for_reason(&app, &mut esme, "55501", None).await;
    app.gql(
        app.admin(),
        "mutation($id: ID!) { cancelLease(id: $id, reason: \"customer left\") { state } }",
        json!({ "id": lease_id }),
    )
    .await;
    wait_for_reason(&app, &mut esme, "55501", Some("SHORT_CODE_NOT_LEASED")).await;
    app.stop().await;
}

async fn a_cli_change_reaches_the_running_server(backend: Backend) {
    let Some(app) = demo_app(backend, 50).await else {
        return;
    };
    let mut esme = Esme::connect(&app).await;
    assert_eq!(esme.bind(BIND_TRANSCEIVER, "demo", "demopass").await, 0);
    wait_for_reason(&app, &mut esme, "55502", None).await;
    // 91 days on, even the traffic just sent is 90 days old.
    let day = (Utc::now() + chrono::Duration::days(91))
        .date_naive()
        .to_string();
    let output = Command::new(env!("CARGO_BIN_EXE_backoffice"))
        .args([
            "--database-url",
            app.db_url(),
            "leases",
            "maintain",
            "--as-of",
            &day,
            "--json",
        ])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let summary: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(
        summary["cancelled_for_inactivity"].as_i64() >= Some(1),
        "{summary}"
    );
    wait_for_reason(&app, &mut esme, "55502", Some("SHORT_CODE_NOT_LEASED")).await;
    let output = Command::new(env!("CARGO_BIN_EXE_backoffice"))
        .args([
            "--database-url",
            app.db_url(),
            "leases",
            "maintain",
            "--as-of",
            "not-a-date",
        ])
        .output()
        .unwrap();
    assert!(!output.status.success());
    app.stop().await;
}

on_both_databases!(
    a_lease_renews_each_term_and_late_notice_adds_one_more,
    silence_warns_then_cancels_and_a_new_application_pays_again,
    admission_sends_only_from_a_sending_lease,
    a_cli_change_reaches_the_running_server,
);

/// A short code of Demo Co with an active lease, attested and enabled for SMS; returns its
/// number id.
async fn sending_code(app: &TestApp, code: &str) -> String {
    let lease_id = new_lease(app, code, "2026-01-01").await;
    let leases = app
        .gql(app.admin(), "{ leases { id numberId } }", json!({}))
        .await;
    let number = leases["leases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["id"] == lease_id.as_str())
        .unwrap()["numberId"]
        .as_str()
        .unwrap()
        .to_owned();
    app.gql(
        app.admin(),
        "mutation($id: ID!) { attestNumberOwnership(id: $id, attestedBy: \"owner\") { id } }",
        json!({ "id": number }),
    )
    .await;
    app.gql(
        app.admin(),
        "mutation($id: ID!) { setNumberMessaging(id: $id, sms: true, mms: false) { id } }",
        json!({ "id": number }),
    )
    .await;
    number
}

async fn file(app: &TestApp, number: &str, carrier: &str, kind: &str) -> String {
    let data = app
        .gql(
            app.admin(),
            "mutation($input: NewFilingInput!) { createFiling(input: $input) { id status } }",
            json!({ "input": { "numberId": number, "carrierId": carrier, "kind": kind, "useCase": "alerts", "sampleMessages": ["Your code is 1234"], "helpAnswer": "Help: example.com", "stopAnswer": "Unsubscribed." } }),
        )
        .await;
    assert_eq!(data["createFiling"]["status"], "DRAFT");
    let id = data["createFiling"]["id"].as_str().unwrap().to_owned();
    set_filing(app, &id, "SUBMITTED", None).await;
    id
}

async fn set_filing(app: &TestApp, id: &str, status: &str, reason: Option<&str>) {
    app.gql(
        app.admin(),
        "mutation($id: ID!, $s: FilingStatus!, $r: String) { setFilingStatus(id: $id, status: $s, reason: $r) { status } }",
        json!({ "id": id, "s": status, "r": reason }),
    )
    .await;
}

async fn filing_fees(app: &TestApp, filing: &str) -> Vec<(String, String)> {
    let data = app
        .gql(
            app.admin(),
            "{ oneTimeCharges(from: \"2020-01-01T00:00:00Z\", to: \"2100-01-01T00:00:00Z\") { kind amount description } }",
            json!({}),
        )
        .await;
    data["oneTimeCharges"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| {
            c["description"]
                .as_str()
                .unwrap()
                .contains(&format!("filing {filing}"))
        })
        .map(|c| {
            (
                c["kind"].as_str().unwrap().to_owned(),
                c["amount"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

async fn filings_gate_each_carrier_and_are_charged_together_or_apart(backend: Backend) {
    let Some(app) = demo_app(backend, 50).await else {
        return;
    };
    let carrier = app
        .gql(
            app.admin(),
            "mutation { createCarrier(code: \"TESTCO\", name: \"Test Co\") { id } }",
            json!({}),
        )
        .await["createCarrier"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.gql(app.admin(), "mutation { importCarrierRoutes(csv: \"type,number,carrier\\nprefix,+1303555,TESTCO\") { prefixes } }", json!({}))
        .await;
    for (kind, per_filing) in [("SMS", "25"), ("MMS", "40")] {
        app.gql(
            app.admin(),
            "mutation($input: NewCarrierFeeInput!) { createCarrierFee(input: $input) { id } }",
            json!({ "input": { "carrierId": carrier, "messageKind": kind, "direction": "MT", "perMessage": "0.002", "perFiling": per_filing, "effectiveFrom": "2026-01-01T00:00:00Z" } }),
        )
        .await;
    }
    let joint_code = sending_code(&app, "55505").await;
    let apart_code = sending_code(&app, "55506").await;
    let mut esme = Esme::connect(&app).await;
    assert_eq!(esme.bind(BIND_TRANSCEIVER, "demo", "demopass").await, 0);
    let submit = |code: &str, dest: &str| {
        let mut body = submit_body(code, dest, 0, 2, 0, &gsm("filed?"), &[]);
        body[1] = 3;
        body
    };
    // Until admission sees the new number it is refused (no message, no receipt), then
    // rejected as not enabled, then for the filing.
    let mut reason = String::new();
    for _ in 0..100 {
        let (status, id) = esme.submit(&submit("55505", "13035550100")).await;
        if status != 0 {
            tokio::time::sleep(Duration::from_millis(50)).await;
            continue;
        }
        esme.receipt().await;
        reason = message_row(&app, &id).await["rejectReason"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        if reason.starts_with("NO_CARRIER_APPROVAL") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(reason.starts_with("NO_CARRIER_APPROVAL"), "{reason}");

    let joint = file(&app, &joint_code, &carrier, "SMS_AND_MMS").await;
    let sms = file(&app, &apart_code, &carrier, "SMS").await;
    let mms = file(&app, &apart_code, &carrier, "MMS").await;
    assert_eq!(
        filing_fees(&app, &joint).await,
        [
            ("filing".to_string(), "100.000000".to_string()),
            ("carrier_filing_fee".into(), "25.000000".into())
        ],
        "filed together: one filing, one pass-through fee"
    );
    assert_eq!(filing_fees(&app, &sms).await.len(), 2);
    assert_eq!(
        filing_fees(&app, &mms).await[1],
        ("carrier_filing_fee".to_string(), "40.000000".to_string()),
        "filed apart: a second filing and its own fee"
    );
    let (code, _) = app
        .gql_error(
            Some(app.admin()),
            "mutation($id: ID!) { setFilingStatus(id: $id, status: REJECTED) { status } }",
            json!({ "id": joint }),
        )
        .await;
    assert_eq!(code, "VALIDATION", "a rejection needs a reason");
    set_filing(&app, &joint, "APPROVED", None).await;
    let mut accepted = false;
    for _ in 0..100 {
        let (_, id) = esme.submit(&submit("55505", "13035550101")).await;
        if message_row(&app, &id).await["status"] != "REJECTED" {
            accepted = true;
            break;
        }
        esme.receipt().await;
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        accepted,
        "an approved filing lets the code send to that carrier"
    );
    let (_, id) = esme.submit(&submit("55505", "14255550100")).await;
    assert!(
        message_row(&app, &id).await["rejectReason"]
            .as_str()
            .unwrap()
            .starts_with("NO_CARRIER_APPROVAL"),
        "T-Mobile has no filing"
    );
    esme.receipt().await;
    set_filing(&app, &joint, "AMENDMENT_REQUIRED", Some("the use changed")).await;
    let (code, _) = app
        .gql_error(
            Some(app.admin()),
            "mutation($id: ID!) { setFilingStatus(id: $id, status: APPROVED) { status } }",
            json!({ "id": joint }),
        )
        .await;
    assert_eq!(
        code, "CONFLICT",
        "an amendment is submitted before it is approved"
    );
    app.stop().await;
}

on_both_databases!(filings_gate_each_carrier_and_are_charged_together_or_apart);

async fn forecasts_keep_revisions_and_meet_their_actuals(backend: Backend) {
    let Some(app) = demo_app(backend, 50).await else {
        return;
    };
    let leases = app
        .gql(app.admin(), "{ leases { numberId shortCode } }", json!({}))
        .await;
    let code = leases["leases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["shortCode"] == "55501")
        .unwrap()["numberId"]
        .as_str()
        .unwrap()
        .to_owned();
    let quarter = {
        let today = Utc::now().date_naive();
        format!(
            "{}-Q{}",
            chrono::Datelike::year(&today),
            (chrono::Datelike::month(&today) - 1) / 3 + 1
        )
    };
    let submit =
        "mutation($input: ForecastInput!) { submitForecast(input: $input) { revision quarter } }";
    let even: Vec<String> = (0..24).map(|_| "0.0416666667".to_string()).collect();
    let input = |pattern: &[String], expected: i64| json!({ "input": { "numberId": code, "quarter": quarter, "expectedMessages": expected, "hourlyPattern": pattern, "peakPerSecond": 1 } });
    let (code_name, error) = app
        .gql_error(Some(app.admin()), submit, input(&even[..23], 2))
        .await;
    assert_eq!(code_name, "VALIDATION");
    assert_eq!(error["extensions"]["fields"][0]["field"], "hourlyPattern");
    let (_, am) = app.create_key("account_manager", None).await;
    let revised = app.gql(&am, submit, input(&even, 2)).await;
    assert_eq!(
        revised["submitForecast"]["revision"], 2,
        "the demo forecast was revision 1"
    );

    let mut esme = Esme::connect(&app).await;
    assert_eq!(esme.bind(BIND_TRANSCEIVER, "demo", "demopass").await, 0);
    for _ in 0..3 {
        submit_from_code(&mut esme, "55501").await;
    }
    let data = app
        .gql(
            app.admin(),
            "query($n: ID!, $q: String) { forecasts(numberId: $n, quarter: $q) { revision expectedMessages actuals { messages hourly peakPerSecond } variance { overForecast messagesAbove allowedPercent } } }",
            json!({ "n": code, "q": quarter }),
        )
        .await;
    let history = data["forecasts"].as_array().unwrap();
    assert_eq!(history.len(), 2, "every revision is kept");
    assert_eq!(history[0]["revision"], 2);
    let actuals = &history[0]["actuals"];
    assert_eq!(actuals["messages"], 3);
    assert_eq!(
        actuals["hourly"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h.as_i64().unwrap())
            .sum::<i64>(),
        3
    );
    assert!(actuals["peakPerSecond"].as_i64().unwrap() >= 1);
    assert_eq!(
        history[0]["variance"]["overForecast"], true,
        "3 is more than 2 + 20%"
    );
    assert_eq!(history[0]["variance"]["messagesAbove"], 1);
    assert_eq!(
        history[1]["variance"]["overForecast"], false,
        "the demo forecast expected 30,000"
    );

    // Ten days before the next quarter both demo codes' forecasts are due; 55501 has none
    // for it either.
    let today = Utc::now().date_naive();
    let next_start = {
        let month = (chrono::Datelike::month(&today) - 1) / 3 * 3 + 4;
        let (y, m) = if month > 12 {
            (chrono::Datelike::year(&today) + 1, month - 12)
        } else {
            (chrono::Datelike::year(&today), month)
        };
        chrono::NaiveDate::from_ymd_opt(y, m, 1).unwrap()
    };
    let day = (next_start - chrono::Duration::days(10)).to_string();
    let remind = "mutation($d: NaiveDate) { remindMissingForecasts(asOf: $d) }";
    let first = app.gql(app.admin(), remind, json!({ "d": day })).await;
    assert_eq!(first["remindMissingForecasts"], 2);
    let again = app.gql(app.admin(), remind, json!({ "d": day })).await;
    assert_eq!(
        again["remindMissingForecasts"], 0,
        "once per code and quarter"
    );
    let early = (next_start - chrono::Duration::days(20)).to_string();
    assert_eq!(
        app.gql(app.admin(), remind, json!({ "d": early })).await["remindMissingForecasts"],
        0,
        "not due yet"
    );
    app.stop().await;
}

on_both_databases!(forecasts_keep_revisions_and_meet_their_actuals);

async fn traffic_over_forecast_is_surcharged_once_when_priced(backend: Backend) {
    use backoffice::db::entities::{forecast, message};
    use sea_orm::{ActiveModelTrait, Set};
    let Some(app) = demo_app(backend, 50).await else {
        return;
    };
    let leases = app
        .gql(
            app.admin(),
            "{ leases { numberId customerId shortCode } }",
            json!({}),
        )
        .await;
    let lease = leases["leases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["shortCode"] == "55501")
        .unwrap()
        .clone();
    let number: i64 = lease["numberId"].as_str().unwrap().parse().unwrap();
    let customer: i64 = lease["customerId"].as_str().unwrap().parse().unwrap();
    let mut esme = Esme::connect(&app).await;
    assert_eq!(esme.bind(BIND_TRANSCEIVER, "demo", "demopass").await, 0);
    for _ in 0..3 {
        submit_from_code(&mut esme, "55501").await;
    }
    // Stand-ins for a quarter gone by: the traffic and a forecast of 1 message, moved there.
    let today = Utc::now().date_naive();
    let this_quarter_start = chrono::NaiveDate::from_ymd_opt(
        chrono::Datelike::year(&today),
        (chrono::Datelike::month(&today) - 1) / 3 * 3 + 1,
        1,
    )
    .unwrap();
    let last_day = this_quarter_start - chrono::Duration::days(1);
    let quarter = format!(
        "{}-Q{}",
        chrono::Datelike::year(&last_day),
        (chrono::Datelike::month(&last_day) - 1) / 3 + 1
    );
    let at = last_day.and_hms_opt(12, 0, 0).unwrap().and_utc();
    message::Entity::update_many()
        .col_expr(
            message::Column::SubmittedAt,
            sea_orm::sea_query::Expr::value(at),
        )
        .filter(message::Column::NumberId.eq(number))
        .exec(&app.db)
        .await
        .unwrap();
    forecast::ActiveModel {
        customer_id: Set(customer),
        number_id: Set(number),
        quarter: Set(quarter.clone()),
        revision: Set(1),
        expected_messages: Set(1),
        hourly_pattern: Set("[]".into()),
        peak_per_second: Set(100),
        note: Set(None),
        submitted_by: Set("test".into()),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap();
    let charge = "mutation($q: String!) { chargeForecastSurcharges(quarter: $q) { codesOverForecast chargesCreated codesWithoutPrice } }";
    let off = app.gql(app.admin(), charge, json!({ "q": quarter })).await;
    assert_eq!(
        off["chargeForecastSurcharges"],
        json!({ "codesOverForecast": 1, "chargesCreated": 0, "codesWithoutPrice": 1 }),
        "no surcharge price: surcharges are off"
    );
    app.gql(
        app.admin(),
        "mutation { setOneTimePrice(input: {currency: \"USD\", kind: \"surcharge\", unitPrice: \"0.05\", effectiveFrom: \"2020-01-01T00:00:00Z\"}) { id } }",
        json!({}),
    )
    .await;
    let on = app.gql(app.admin(), charge, json!({ "q": quarter })).await;
    assert_eq!(on["chargeForecastSurcharges"]["chargesCreated"], 1);
    let again = app.gql(app.admin(), charge, json!({ "q": quarter })).await;
    assert_eq!(
        again["chargeForecastSurcharges"]["chargesCreated"], 0,
        "once per code and quarter"
    );
    let charges = app
        .gql(
            app.admin(),
            "{ oneTimeCharges(from: \"2020-01-01T00:00:00Z\", to: \"2100-01-01T00:00:00Z\") { kind quantity amount } }",
            json!({}),
        )
        .await;
    let surcharges: Vec<&Value> = charges["oneTimeCharges"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["kind"] == "surcharge")
        .collect();
    assert_eq!(surcharges.len(), 1);
    assert_eq!(
        (
            surcharges[0]["quantity"].as_i64(),
            surcharges[0]["amount"].as_str()
        ),
        (Some(2), Some("0.100000")),
        "3 sent, 1 forecast"
    );
    let (code, _) = app
        .gql_error(Some(app.admin()), charge, json!({ "q": "2099-Q1" }))
        .await;
    assert_eq!(code, "VALIDATION", "a quarter that has not ended");
    app.stop().await;
}

on_both_databases!(traffic_over_forecast_is_surcharged_once_when_priced);
