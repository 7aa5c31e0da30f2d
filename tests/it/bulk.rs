//! Bulk sending from a spreadsheet, end to end: the CLI and GraphQL multipart uploads over
//! real HTTP, rows sent through the same admission as SMPP, results CSV, cancellation, a
//! throttled batch across a restart, and claims settled after a crash.

use std::process::Command;
use std::time::Duration;

use backoffice::db::entities::{message, send_batch_row};
use backoffice::messaging::bulk::RowState;
use rust_decimal::Decimal;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use serde_json::{json, Value};

use crate::helpers::{Backend, TestApp};
use crate::on_both_databases;
use crate::smpp::demo_app;

const FROM: &str = "+12065550100";

const BATCH: &str = "id state totalRows quoted charged currency progress resultsUrl counts { state count } messageStatuses { status count }";

/// A CSV with two good rows and three that fail for different reasons.
const MIXED: &str = "Phone,Message,First Name\n\
+14255550123,Hello {{first name}}: your code is 1234,Ada\n\
not-a-number,Hi {{first name}},Bo\n\
+14255550124,Hi {{first name}},Cy\n\
+15035550199,{{first name}} – ünïcode ✓,Di\n\
+14255550125,Hi {{surname}},Ed\n";

/// Opts `+14255550124` out of the demo sender and waits for admission to see it.
async fn opt_out(app: &TestApp) {
    app.gql(
        app.admin(),
        "mutation { recordOptOut(sender: \"+12065550100\", subscriber: \"+14255550124\") { id } }",
        json!({}),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
}

/// A GraphQL multipart request (the upload spec) with one file as `variables.file`.
async fn upload(
    app: &TestApp,
    key: &str,
    query: &str,
    mut variables: Value,
    name: &str,
    bytes: Vec<u8>,
) -> Value {
    variables["file"] = Value::Null;
    let form = reqwest::multipart::Form::new()
        .text(
            "operations",
            json!({ "query": query, "variables": variables }).to_string(),
        )
        .text("map", json!({ "0": ["variables.file"] }).to_string())
        .part(
            "0",
            reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()),
        );
    app.client
        .post(app.url("/graphql"))
        .bearer_auth(key)
        .multipart(form)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

async fn start(app: &TestApp, key: &str, name: &str, bytes: Vec<u8>) -> Value {
    let body = upload(
        app,
        key,
        &format!("mutation($file: Upload!, $from: String!) {{ startSend(file: $file, from: $from) {{ {BATCH} }} }}"),
        json!({ "from": FROM }),
        name,
        bytes,
    )
    .await;
    assert!(body["errors"].is_null(), "{body}");
    body["data"]["startSend"].clone()
}

async fn batch(app: &TestApp, id: &str) -> Value {
    app.gql(
        app.admin(),
        &format!("query($id: ID!) {{ sendBatch(id: $id) {{ {BATCH} }} }}"),
        json!({ "id": id }),
    )
    .await["sendBatch"]
        .clone()
}

async fn wait_until(app: &TestApp, id: &str, done: impl Fn(&Value) -> bool) -> Value {
    for _ in 0..300 {
        let b = batch(app, id).await;
        if done(&b) {
            return b;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("batch {id} never got there: {}", batch(app, id).await);
}

fn count(batch: &Value, state: &str) -> i64 {
    batch["counts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["state"] == state)
        .map_or(0, |c| c["count"].as_i64().unwrap())
}

/// `backoffice send ...` against the running service; (success, stdout, stderr).
fn send_cli(app: &TestApp, key: &str, args: &[&str]) -> (bool, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_backoffice"))
        .arg("send")
        .args(args)
        .args(["--server", &app.url("")])
        .env("BACKOFFICE_TOKEN", key)
        .output()
        .unwrap();
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

async fn stored_messages(app: &TestApp) -> Vec<message::Model> {
    message::Entity::find()
        .filter(message::Column::Source.eq(FROM))
        .order_by_asc(message::Column::Id)
        .all(&app.db)
        .await
        .unwrap()
}

fn money(value: &Value) -> Decimal {
    value.as_str().unwrap().parse().unwrap()
}

async fn a_preview_judges_every_row_and_sends_nothing(backend: Backend) {
    let Some(app) = demo_app(backend, 50).await else {
        return;
    };
    opt_out(&app).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("campaign.csv");
    std::fs::write(&file, MIXED).unwrap();
    let (_, admin_key) = app.create_key("admin", None).await;
    let (ok, stdout, stderr) = send_cli(
        &app,
        &admin_key,
        &[
            "--file",
            file.to_str().unwrap(),
            "--from",
            "12065550100",
            "--preview",
            "--json",
        ],
    );
    assert!(ok, "{stderr}");
    let preview: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(preview["from"], FROM);
    assert_eq!(preview["rows"], 5);
    assert_eq!(preview["sendable"], 2);
    let failures: Vec<(i64, String)> = preview["failures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["line"].as_i64().unwrap(),
                f["problem"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(failures.len(), 3, "{failures:?}");
    assert_eq!(failures[0].0, 3);
    assert!(failures[0].1.starts_with("destination: "), "{failures:?}");
    assert_eq!(
        failures[1],
        (
            4,
            "rejected: the subscriber opted out of this sender".to_string()
        )
    );
    assert_eq!(
        failures[2],
        (
            6,
            "text: the merge field {{surname}} has no column".to_string()
        )
    );
    assert_eq!(preview["mergeFields"], json!(["firstname", "surname"]));
    let sample = preview["sample"].as_array().unwrap();
    assert_eq!(sample.len(), 2, "only rows that would be sent");
    assert_eq!(sample[0]["text"], "Hello Ada: your code is 1234");
    assert_eq!(sample[0]["encoding"], "GSM7");
    assert_eq!(sample[1]["line"], 5);
    assert_eq!(sample[1]["encoding"], "UCS2");
    // Each passing row is priced as the message preview prices that text to that number.
    let mut expected = Decimal::ZERO;
    for row in [&sample[0], &sample[1]] {
        let quoted = app
            .gql(
                app.admin(),
                "query($c: ID, $d: String, $t: String!) { messagePreview(customerId: $c, destination: $d, text: $t) { price fragmentCount } }",
                json!({ "c": preview["customerId"], "d": row["destination"], "t": row["text"] }),
            )
            .await["messagePreview"]
            .clone();
        assert_eq!(money(&row["price"]), money(&quoted["price"]));
        assert_eq!(row["fragments"], quoted["fragmentCount"]);
        expected += money(&quoted["price"]);
    }
    assert_eq!(money(&preview["price"]), expected);
    assert!(expected > Decimal::ZERO);

    // The text form names each failing line too.
    let (ok, text, _) = send_cli(
        &app,
        &admin_key,
        &[
            "--file",
            file.to_str().unwrap(),
            "--from",
            FROM,
            "--preview",
        ],
    );
    assert!(ok);
    assert!(text.contains("5 rows, 2 to send"), "{text}");
    assert!(
        text.contains("line 6 +14255550125: text: the merge field"),
        "{text}"
    );

    assert!(
        stored_messages(&app).await.is_empty(),
        "a preview sends nothing"
    );
    assert_eq!(
        send_batch_row::Entity::find().count(&app.db).await.unwrap(),
        0,
        "a preview stores nothing"
    );

    // Refusals name what is wrong and exit non-zero.
    let (ok, _, stderr) = send_cli(
        &app,
        &admin_key,
        &[
            "--file",
            file.to_str().unwrap(),
            "--from",
            "+19995550100",
            "--preview",
        ],
    );
    assert!(!ok);
    assert!(
        stderr.contains("from: `+19995550100` is not a sending number"),
        "{stderr}"
    );
    std::fs::write(&file, "name,city\nAda,Paris\n").unwrap();
    let (ok, _, stderr) = send_cli(
        &app,
        &admin_key,
        &[
            "--file",
            file.to_str().unwrap(),
            "--from",
            FROM,
            "--preview",
        ],
    );
    assert!(!ok);
    assert!(stderr.contains("no destination column"), "{stderr}");
    app.stop().await;
}

async fn a_batch_sends_the_rows_that_pass_once_and_its_results_add_up(backend: Backend) {
    let Some(app) = demo_app(backend, 50).await else {
        return;
    };
    opt_out(&app).await;
    let started = start(&app, app.admin(), "campaign.csv", MIXED.as_bytes().to_vec()).await;
    assert_eq!(started["state"], "SENDING");
    assert_eq!(started["totalRows"], 5);
    assert_eq!(count(&started, "SKIPPED"), 3);
    let id = started["id"].as_str().unwrap().to_string();
    let done = wait_until(&app, &id, |b| b["state"] == "DONE").await;
    assert_eq!(count(&done, "SENT"), 2);
    assert_eq!(done["progress"], 1.0);
    assert_eq!(money(&done["charged"]), money(&started["quoted"]));

    let stored = stored_messages(&app).await;
    let destinations: Vec<&str> = stored.iter().map(|m| m.destination.as_str()).collect();
    assert_eq!(destinations.len(), 2, "{destinations:?}");
    assert!(destinations.contains(&"+14255550123") && destinations.contains(&"+15035550199"));

    // Once the carrier has answered, the results CSV lists every line with its message id,
    // current status and charge.
    let done = wait_until(&app, &id, |b| {
        b["messageStatuses"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["status"] != "ACCEPTED" && s["status"] != "ENROUTE")
    })
    .await;
    let response = app
        .client
        .get(app.url(done["resultsUrl"].as_str().unwrap()))
        .bearer_auth(app.admin())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let csv = response.text().await.unwrap();
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let lines: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(lines.len(), 5);
    for line in &lines {
        match &line[2] {
            "sent" => {
                let m = stored
                    .iter()
                    .find(|m| m.message_id == line[3])
                    .expect("the row's message is stored");
                assert_eq!(line[1], m.destination);
                let row = crate::smpp::message_row(&app, &line[3]).await;
                assert_eq!(
                    line[4].to_uppercase(),
                    row["status"].as_str().unwrap().to_uppercase()
                );
                assert_eq!(money(&json!(&line[5])), money(&row["charge"]["amount"]));
            }
            "skipped" => assert!(line[3].is_empty() && !line[7].is_empty(), "{line:?}"),
            other => panic!("unexpected state {other}"),
        }
    }

    // Another customer's key sees nothing of it and cannot send from the demo number.
    let other = app.create_customer("Other Co").await;
    let (_, other_key) = app.create_key("customer", Some(&other)).await;
    let seen = app
        .gql(
            &other_key,
            "query($id: ID!) { sendBatch(id: $id) { id } }",
            json!({ "id": id }),
        )
        .await;
    assert!(seen["sendBatch"].is_null());
    let csv = app
        .client
        .get(app.url(&format!("/send-batches/{id}.csv")))
        .bearer_auth(&other_key)
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), 404);
    let refused = upload(
        &app,
        &other_key,
        "mutation($file: Upload!, $from: String!) { previewSend(file: $file, from: $from) { rows } }",
        json!({ "from": FROM }),
        "x.csv",
        MIXED.as_bytes().to_vec(),
    )
    .await;
    assert_eq!(
        refused["errors"][0]["extensions"]["fields"][0]["field"],
        "from"
    );
    let (_, finance_key) = app.create_key("finance", None).await;
    let forbidden = upload(
        &app,
        &finance_key,
        "mutation($file: Upload!, $from: String!) { previewSend(file: $file, from: $from) { rows } }",
        json!({ "from": FROM }),
        "x.csv",
        MIXED.as_bytes().to_vec(),
    )
    .await;
    assert_eq!(forbidden["errors"][0]["extensions"]["code"], "FORBIDDEN");
    app.stop().await;
}

async fn a_scheduled_batch_waits_and_cancelling_stops_what_is_not_sent(backend: Backend) {
    let Some(app) = demo_app(backend, 50).await else {
        return;
    };
    let tomorrow = chrono::Utc::now() + chrono::Duration::days(1);
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in ["To", "Text", "Send At", "Priority"].iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    let rows: [(f64, &str, Option<chrono::DateTime<chrono::Utc>>, f64); 3] = [
        (14255550130.0, "later one", Some(tomorrow), 0.0),
        (14255550131.0, "later two", Some(tomorrow), 0.0),
        (14255550132.0, "now", None, 3.0),
    ];
    let format = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd hh:mm");
    for (r, (to, text, at, priority)) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        sheet.write_number(r, 0, *to).unwrap();
        sheet.write_string(r, 1, *text).unwrap();
        if let Some(at) = at {
            let at = rust_xlsxwriter::ExcelDateTime::parse_from_str(
                &at.format("%Y-%m-%d %H:%M:%S").to_string(),
            )
            .unwrap();
            sheet
                .write_datetime_with_format(r, 2, &at, &format)
                .unwrap();
        }
        sheet.write_number(r, 3, *priority).unwrap();
    }
    let started = start(
        &app,
        app.admin(),
        "later.xlsx",
        book.save_to_buffer().unwrap(),
    )
    .await;
    assert_eq!(count(&started, "PENDING"), 3, "{started}");
    let id = started["id"].as_str().unwrap().to_string();
    let sent = wait_until(&app, &id, |b| count(b, "SENT") == 1).await;
    assert_eq!(count(&sent, "PENDING"), 2, "the scheduled rows wait");
    let stored = stored_messages(&app).await;
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].destination, "+14255550132");
    assert_eq!(stored[0].priority, 3);

    let cancel = "mutation($id: ID!) { cancelSend(id: $id) { state counts { state count } } }";
    let cancelled = app.gql(app.admin(), cancel, json!({ "id": id })).await["cancelSend"].clone();
    assert_eq!(cancelled["state"], "CANCELLED");
    assert_eq!(count(&cancelled, "CANCELLED"), 2);
    assert_eq!(count(&cancelled, "SENT"), 1);
    let again = app
        .gql_raw(Some(app.admin()), cancel, json!({ "id": id }))
        .await
        .1;
    assert!(
        again["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("already cancelled"),
        "{again}"
    );
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(stored_messages(&app).await.len(), 1, "nothing more is sent");
    app.stop().await;
}

async fn a_throttled_batch_survives_a_restart_and_sends_each_row_once(backend: Backend) {
    let Some(mut app) = demo_app(backend, 50).await else {
        return;
    };
    let number = app
        .gql(
            app.admin(),
            "query { numbers(first: 50) { nodes { id address } } }",
            json!({}),
        )
        .await["numbers"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["address"] == FROM)
        .unwrap()["id"]
        .clone();
    app.gql(
        app.admin(),
        "mutation($id: ID!) { setNumberThrottle(id: $id, perSecond: 2) { id } }",
        json!({ "id": number }),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut csv = String::from("destination,text\n");
    for i in 0..8 {
        csv.push_str(&format!("+1425555014{i},Row {i}\n"));
    }
    let started = start(&app, app.admin(), "paced.csv", csv.into_bytes()).await;
    let id = started["id"].as_str().unwrap().to_string();
    let id_num: i64 = id.parse().unwrap();
    wait_until(&app, &id, |b| count(b, "SENT") >= 2).await;
    app.shutdown().await;

    // Crashes simulated while it is down: a sent row whose mark was lost (its message is
    // stored), and a claimed row whose message never was.
    let rows = send_batch_row::Entity::find()
        .filter(send_batch_row::Column::BatchId.eq(id_num))
        .order_by_asc(send_batch_row::Column::RowNumber)
        .all(&app.db)
        .await
        .unwrap();
    let sent = rows.iter().find(|r| r.state == RowState::Sent).unwrap();
    let pending = rows.iter().find(|r| r.state == RowState::Pending).unwrap();
    let long_ago = chrono::Utc::now() - chrono::Duration::minutes(5);
    for (row, message_id) in [
        (sent, sent.message_id.clone().unwrap()),
        (pending, "never-stored-1".to_string()),
    ] {
        send_batch_row::Entity::update_many()
            .col_expr(
                send_batch_row::Column::State,
                Expr::value(RowState::Submitting),
            )
            .col_expr(send_batch_row::Column::MessageId, Expr::value(message_id))
            .col_expr(send_batch_row::Column::ClaimedAt, Expr::value(long_ago))
            .filter(send_batch_row::Column::Id.eq(row.id))
            .exec(&app.db)
            .await
            .unwrap();
    }

    app.restart(|_| {}).await;
    let done = wait_until(&app, &id, |b| b["state"] == "DONE").await;
    assert_eq!(count(&done, "SENT"), 8, "{done}");
    let stored = stored_messages(&app).await;
    assert_eq!(stored.len(), 8, "each row once");
    let mut destinations: Vec<&str> = stored.iter().map(|m| m.destination.as_str()).collect();
    destinations.sort_unstable();
    destinations.dedup();
    assert_eq!(destinations.len(), 8);
    let rows = send_batch_row::Entity::find()
        .filter(send_batch_row::Column::BatchId.eq(id_num))
        .all(&app.db)
        .await
        .unwrap();
    for row in &rows {
        let message_id = row.message_id.as_deref().unwrap();
        assert!(
            stored.iter().any(|m| m.message_id == message_id),
            "row {} points at a stored message",
            row.row_number
        );
    }
    let resent = rows.iter().find(|r| r.id == pending.id).unwrap();
    assert_ne!(resent.message_id.as_deref(), Some("never-stored-1"));
    let kept = rows.iter().find(|r| r.id == sent.id).unwrap();
    assert_eq!(kept.message_id, sent.message_id);
    assert!(kept.charge_micros.unwrap() > 0);
    app.stop().await;
}

on_both_databases!(
    a_preview_judges_every_row_and_sends_nothing,
    a_batch_sends_the_rows_that_pass_once_and_its_results_add_up,
    a_scheduled_batch_waits_and_cancelling_stops_what_is_not_sent,
    a_throttled_batch_survives_a_restart_and_sends_each_row_once,
);
