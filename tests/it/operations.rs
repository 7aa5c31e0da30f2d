//! Running the service: health, metrics, demo data, the CLI and graceful shutdown.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::json;

use crate::helpers::{spawn_app, Backend, TestDb};
use crate::on_both_databases;

on_both_databases!(
    health_checks_the_database,
    metrics_count_requests_by_route,
    demo_seeding_twice_adds_nothing,
    the_binary_serves_and_stops_gracefully_on_sigterm,
    a_key_created_on_the_command_line_works_over_http,
    the_smpp_port_listens_until_shutdown,
);

fn binary() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_backoffice"));
    command
        .env_remove("DATABASE_URL")
        .env_remove("BACKOFFICE_ADMIN_TOKEN");
    command
}

async fn health_checks_the_database(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let response = app.client.get(app.url("/health")).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["database"], "ok");
    app.stop().await;
}

async fn metrics_count_requests_by_route(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    for _ in 0..3 {
        app.gql(app.admin(), "{ customers { nodes { id } } }", json!({}))
            .await;
    }
    // GET paths belong to the UI's client-side routes; an unknown POST is a 404.
    app.client
        .post(app.url("/no-such-page"))
        .send()
        .await
        .unwrap();
    let text = app
        .client
        .get(app.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        text.contains(
            r#"backoffice_http_requests_total{method="POST",route="/graphql",status="200"} 3"#
        ),
        "{text}"
    );
    assert!(
        text.contains(r#"route="unmatched",status="404"} 1"#),
        "{text}"
    );
    assert!(text.contains("backoffice_http_request_duration_seconds_bucket"));
    app.stop().await;
}

async fn demo_seeding_twice_adds_nothing(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let first = backoffice::demo::seed(&app.db).await.unwrap();
    let audit_after_first = app
        .gql(
            app.admin(),
            "{ auditLog(first: 100) { nodes { id } } }",
            json!({}),
        )
        .await;
    let second = backoffice::demo::seed(&app.db).await.unwrap();
    assert_eq!(first, second);
    let audit_after_second = app
        .gql(
            app.admin(),
            "{ auditLog(first: 100) { nodes { id } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        audit_after_first, audit_after_second,
        "the second run changed nothing"
    );

    let data = app
        .gql(
            app.admin(),
            "{ customers { nodes { id name } }
               numbers { nodes { address kind twoWay smsEnabled mmsEnabled } }
               smppAccounts { systemId bindTypes windowSize }
               carriers { code } }",
            json!({}),
        )
        .await;
    assert_eq!(
        data["customers"]["nodes"],
        json!([{ "id": first.to_string(), "name": backoffice::demo::DEMO_CUSTOMER }])
    );
    assert_eq!(
        data["numbers"]["nodes"],
        json!([
            { "address": "+12065550100", "kind": "LONG_CODE", "twoWay": true, "smsEnabled": true, "mmsEnabled": true },
            { "address": "+18885550100", "kind": "TOLL_FREE", "twoWay": true, "smsEnabled": true, "mmsEnabled": true },
            { "address": "55501", "kind": "SHORT_CODE", "twoWay": true, "smsEnabled": true, "mmsEnabled": false },
            { "address": "DEMOCO", "kind": "ALPHANUMERIC", "twoWay": false, "smsEnabled": true, "mmsEnabled": false },
            { "address": "55502", "kind": "SHORT_CODE", "twoWay": true, "smsEnabled": true, "mmsEnabled": false },
        ])
    );
    let leases = app
        .gql(
            app.admin(),
            "{ leases { shortCode state daysSilent } }",
            json!({}),
        )
        .await;
    assert_eq!(
        leases["leases"],
        json!([
            { "shortCode": "55502", "state": "ACTIVE", "daysSilent": 75 },
            { "shortCode": "55501", "state": "ACTIVE", "daysSilent": 0 },
        ]),
        "one lease per demo code, the second silent for 75 days"
    );
    assert_eq!(data["smppAccounts"][0]["systemId"], "demo");
    assert_eq!(data["smppAccounts"][0]["windowSize"], 64);
    assert_eq!(
        data["carriers"],
        json!([{ "code": "ATT" }, { "code": "TMOBILE" }, { "code": "VERIZON" }])
    );
    for (destination, carrier) in [
        ("+12065550199", "ATT"),
        ("+14255550100", "TMOBILE"),
        ("+15035550100", "VERIZON"),
    ] {
        let found = app
            .gql(
                app.admin(),
                "query($d: String!) { carrierFor(destination: $d) { carrier { code } } }",
                json!({ "d": destination }),
            )
            .await;
        assert_eq!(
            found["carrierFor"]["carrier"]["code"], carrier,
            "{destination}"
        );
    }
    let account = backoffice::smpp::account_store::find_by_system_id(&app.db, "demo")
        .await
        .unwrap()
        .unwrap();
    assert!(backoffice::smpp::accounts::verify_password(
        "demopass",
        &account.password_hash
    ));
    app.stop().await;
}

async fn the_binary_serves_and_stops_gracefully_on_sigterm(backend: Backend) {
    let Some(db) = TestDb::create(backend).await else {
        return;
    };
    let mut child = binary()
        .args([
            "serve",
            "--demo",
            "--http-addr",
            "127.0.0.1:0",
            "--smpp-addr",
            "127.0.0.1:0",
        ])
        .args(["--database-url", &db.url])
        .env("BACKOFFICE_ADMIN_TOKEN", "operator-token")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    let http = line
        .trim()
        .strip_prefix("listening http=")
        .and_then(|rest| rest.split(" smpp=").next())
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_owned();
    assert!(
        !line.contains(":0 ") && !line.trim_end().ends_with(":0"),
        "real ports: {line}"
    );

    let client = reqwest::Client::new();
    let body: serde_json::Value = client
        .post(format!("http://{http}/graphql"))
        .bearer_auth("operator-token")
        .json(&json!({ "query": "{ customers(first: 5) { edges { node { name } } } }" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        body["data"]["customers"]["edges"][0]["node"]["name"],
        "Demo Co"
    );

    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    let exit = loop {
        if let Some(exit) = child.try_wait().unwrap() {
            break exit;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "still running 20s after SIGTERM"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(exit.success(), "exit status {exit}");
    let mut logs = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut logs).unwrap();
    assert!(logs.contains("shutdown complete"), "{logs}");
    assert!(
        !logs.contains("operator-token"),
        "the admin token is never logged"
    );
    assert!(
        client
            .get(format!("http://{http}/health"))
            .send()
            .await
            .is_err(),
        "stopped accepting"
    );
    db.drop_database().await;
}

async fn a_key_created_on_the_command_line_works_over_http(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let customer = app.create_customer("Acme").await;
    let db_url = app.db_url().to_owned();
    let output = binary()
        .args([
            "--database-url",
            &db_url,
            "api-key",
            "create",
            "--role",
            "customer",
        ])
        .args(["--customer", &customer, "--name", "integration", "--json"])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let created: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let secret = created["secret"].as_str().unwrap();
    let data = app
        .gql(secret, "{ customers { nodes { name } } }", json!({}))
        .await;
    assert_eq!(data["customers"]["nodes"], json!([{ "name": "Acme" }]));

    let output = binary()
        .args([
            "--database-url",
            &db_url,
            "api-key",
            "create",
            "--role",
            "customer",
        ])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        stderr.trim().lines().count(),
        1,
        "one-line reason: {stderr}"
    );
    assert!(
        stderr.contains("customer_id") || stderr.contains("customerId"),
        "{stderr}"
    );
    app.stop().await;
}

async fn the_smpp_port_listens_until_shutdown(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let smpp = app.smpp_addr;
    assert_ne!(smpp.port(), 0);
    tokio::net::TcpStream::connect(smpp)
        .await
        .expect("SMPP port accepts");
    app.stop().await;
    assert!(
        tokio::net::TcpStream::connect(smpp).await.is_err(),
        "closed after shutdown"
    );
}
