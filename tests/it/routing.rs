//! Carriers and routes, SMPP accounts and the opt-out registry.

use std::process::Command;

use backoffice::db::entities::smpp_account;
use backoffice::smpp::accounts::verify_password;
use sea_orm::EntityTrait;
use serde_json::{json, Value};

use crate::helpers::{spawn_app, Backend, TestApp};
use crate::numbers::fields;
use crate::on_both_databases;

const LOOKUP: &str = "query($d: String!) { carrierFor(destination: $d) { destination country source matchedPrefix carrier { code } } }";
const IMPORT: &str =
    "mutation($csv: String!) { importCarrierRoutes(csv: $csv) { prefixes portedNumbers } }";

on_both_databases!(
    the_longest_prefix_wins_and_a_ported_number_overrides_it,
    a_bad_routes_csv_imports_nothing_and_names_each_row,
    routes_import_from_the_command_line,
    smpp_passwords_are_hashed_and_shown_only_once,
    smpp_account_rules_name_their_field,
    an_opt_out_blocks_until_start,
);

async fn create_carriers(app: &TestApp, codes: &[&str]) {
    for code in codes {
        app.gql(
            app.admin(),
            "mutation($c: String!) { createCarrier(code: $c, name: $c) { id } }",
            json!({ "c": code }),
        )
        .await;
    }
}

async fn lookup(app: &TestApp, destination: &str) -> Value {
    app.gql(app.admin(), LOOKUP, json!({ "d": destination }))
        .await["carrierFor"]
        .clone()
}

async fn the_longest_prefix_wins_and_a_ported_number_overrides_it(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    create_carriers(&app, &["ATT", "TMOBILE", "VERIZON"]).await;
    let csv = "type,number,carrier\nprefix,+1206,ATT\nprefix,+1206555,TMOBILE\nported,+12065550123,VERIZON\n";
    let imported = app.gql(app.admin(), IMPORT, json!({ "csv": csv })).await;
    assert_eq!(
        imported["importCarrierRoutes"],
        json!({ "prefixes": 2, "portedNumbers": 1 })
    );

    let by_prefix = lookup(&app, "+12065550100").await;
    assert_eq!(by_prefix["carrier"]["code"], "TMOBILE");
    assert_eq!(
        (
            by_prefix["source"].as_str(),
            by_prefix["matchedPrefix"].as_str()
        ),
        (Some("PREFIX"), Some("+1206555"))
    );
    assert_eq!(lookup(&app, "+12064440100").await["carrier"]["code"], "ATT");
    let ported = lookup(&app, "1 (206) 555-0123").await;
    assert_eq!(
        (
            ported["carrier"]["code"].as_str(),
            ported["source"].as_str()
        ),
        (Some("VERIZON"), Some("PORTED"))
    );
    assert_eq!(ported["destination"], "+12065550123");
    let unknown = lookup(&app, "+442071838750").await;
    assert_eq!(
        (unknown["carrier"].clone(), unknown["source"].as_str()),
        (Value::Null, Some("UNKNOWN"))
    );
    assert_eq!(unknown["country"], "GB");

    // Re-importing moves a prefix to the carrier the file names now.
    app.gql(
        app.admin(),
        IMPORT,
        json!({ "csv": "type,number,carrier\nprefix,+1206555,ATT\n" }),
    )
    .await;
    assert_eq!(lookup(&app, "+12065550100").await["carrier"]["code"], "ATT");

    let (code, error) = app
        .gql_error(Some(app.admin()), LOOKUP, json!({ "d": "not a number" }))
        .await;
    assert_eq!(
        (code.as_str(), fields(&error)),
        ("VALIDATION", vec!["destination".to_owned()])
    );
    app.stop().await;
}

async fn a_bad_routes_csv_imports_nothing_and_names_each_row(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    create_carriers(&app, &["ATT"]).await;
    let csv = "type,number,carrier\nprefix,+1206,ATT\nprefix,1425,ATT\nported,+1503555,ATT\n";
    let (code, error) = app
        .gql_error(Some(app.admin()), IMPORT, json!({ "csv": csv }))
        .await;
    assert_eq!(code, "VALIDATION");
    assert_eq!(fields(&error), ["line 3: number", "line 4: number"]);
    let csv = "type,number,carrier\nprefix,+1206,ATT\nprefix,+1425,NOPE\n";
    let (_, error) = app
        .gql_error(Some(app.admin()), IMPORT, json!({ "csv": csv }))
        .await;
    assert_eq!(fields(&error), ["line 3: carrier"]);
    assert_eq!(
        lookup(&app, "+12065550100").await["source"],
        "UNKNOWN",
        "the good row was not imported either"
    );
    app.stop().await;
}

async fn routes_import_from_the_command_line(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    create_carriers(&app, &["VERIZON"]).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("routes.csv");
    std::fs::write(&file, "type,number,carrier\nprefix,+1503555,VERIZON\n").unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_backoffice"))
        .args([
            "--database-url",
            app.db_url(),
            "carriers",
            "import",
            "--json",
        ])
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let summary: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(summary, json!({ "prefixes": 1, "ported_numbers": 0 }));
    assert_eq!(
        lookup(&app, "+15035550100").await["carrier"]["code"],
        "VERIZON"
    );

    std::fs::write(&file, "type,number,carrier\nprefix,+1503,UNKNOWN\n").unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_backoffice"))
        .args(["--database-url", app.db_url(), "carriers", "import"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("line 2: carrier"), "{stderr}");
    app.stop().await;
}

const CREATE_ACCOUNT: &str = "mutation($input: NewSmppAccountInput!) { createSmppAccount(input: $input) { account { id systemId bindTypes windowSize maxBinds allowedNetworks enabled } password } }";

async fn stored_hash(app: &TestApp, id: &str) -> String {
    smpp_account::Entity::find_by_id(id.parse::<i64>().unwrap())
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .password_hash
}

async fn smpp_passwords_are_hashed_and_shown_only_once(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let customer = app.create_customer("Acme").await;
    let created = app
        .gql(
            app.admin(),
            CREATE_ACCOUNT,
            json!({ "input": { "customerId": customer, "systemId": "acme", "password": "s3cr3t",
                               "bindTypes": ["TRANSCEIVER"], "windowSize": 64,
                               "allowedNetworks": ["203.0.113.9/24"] } }),
        )
        .await;
    let account = &created["createSmppAccount"]["account"];
    assert_eq!(created["createSmppAccount"]["password"], "s3cr3t");
    assert_eq!(account["allowedNetworks"], json!(["203.0.113.0/24"]));
    assert_eq!(account["bindTypes"], json!(["TRANSCEIVER"]));
    let id = account["id"].as_str().unwrap().to_owned();

    let hash = stored_hash(&app, &id).await;
    assert!(!hash.contains("s3cr3t"));
    assert!(verify_password("s3cr3t", &hash));
    let listed = app
        .gql(
            app.admin(),
            "{ smppAccounts { systemId enabled passwordChangedAt } }",
            json!({}),
        )
        .await;
    assert!(!listed.to_string().contains("s3cr3t"));
    let audit = app
        .gql(app.admin(), "{ auditLog { nodes { detail } } }", json!({}))
        .await;
    assert!(
        !audit.to_string().contains("s3cr3t"),
        "the password never reaches the audit log"
    );

    let rotated = app
        .gql(
            app.admin(),
            "mutation($id: ID!) { rotateSmppPassword(id: $id) { password } }",
            json!({ "id": id }),
        )
        .await;
    let generated = rotated["rotateSmppPassword"]["password"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(generated.len(), 8);
    let hash = stored_hash(&app, &id).await;
    assert!(verify_password(&generated, &hash));
    assert!(
        !verify_password("s3cr3t", &hash),
        "the old password stops working"
    );

    let disabled = app
        .gql(
            app.admin(),
            "mutation($id: ID!) { setSmppAccountEnabled(id: $id, enabled: false) { enabled } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(disabled["setSmppAccountEnabled"]["enabled"], false);
    app.stop().await;
}

async fn smpp_account_rules_name_their_field(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let customer = app.create_customer("Acme").await;
    app.gql(
        app.admin(),
        CREATE_ACCOUNT,
        json!({ "input": { "customerId": customer, "systemId": "taken" } }),
    )
    .await;
    let cases = [
        (json!({ "systemId": "sixteen-chars-id" }), "systemId"),
        (
            json!({ "systemId": "ok", "password": "ninechars" }),
            "password",
        ),
        (
            json!({ "systemId": "ok", "allowedNetworks": ["10.0.0.0/33"] }),
            "allowedNetworks",
        ),
        (json!({ "systemId": "ok", "windowSize": 0 }), "windowSize"),
        (json!({ "systemId": "ok", "maxBinds": 0 }), "maxBinds"),
        (json!({ "systemId": "ok", "bindTypes": [] }), "bindTypes"),
        (
            json!({ "systemId": "ok", "customerId": "999999" }),
            "customerId",
        ),
    ];
    for (case, field) in cases {
        let mut input = json!({ "customerId": customer });
        input
            .as_object_mut()
            .unwrap()
            .extend(case.as_object().unwrap().clone());
        let (code, error) = app
            .gql_error(Some(app.admin()), CREATE_ACCOUNT, json!({ "input": input }))
            .await;
        assert_eq!(
            (code.as_str(), fields(&error)),
            ("VALIDATION", vec![field.to_owned()]),
            "{case}"
        );
    }
    let (code, _) = app
        .gql_error(
            Some(app.admin()),
            CREATE_ACCOUNT,
            json!({ "input": { "customerId": customer, "systemId": "taken" } }),
        )
        .await;
    assert_eq!(code, "CONFLICT");
    let listed = app
        .gql(app.admin(), "{ smppAccounts { systemId } }", json!({}))
        .await;
    assert_eq!(listed["smppAccounts"], json!([{ "systemId": "taken" }]));
    app.stop().await;
}

async fn an_opt_out_blocks_until_start(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let (_, compliance) = app.create_key("compliance", None).await;
    let stop = "mutation($s: String!, $p: String!) { recordOptOut(sender: $s, subscriber: $p, keyword: \"stop\") { id keyword active } }";
    let start = "mutation($s: String!, $p: String!) { recordOptIn(sender: $s, subscriber: $p) { id active optInKeyword } }";
    let pair = json!({ "s": "+12065550100", "p": "14255550123" });
    let first = app.gql(&compliance, stop, pair.clone()).await;
    assert_eq!(first["recordOptOut"]["keyword"], "STOP");
    let again = app.gql(&compliance, stop, pair.clone()).await;
    assert_eq!(
        again["recordOptOut"]["id"], first["recordOptOut"]["id"],
        "no duplicate record"
    );
    let blocked =
        backoffice::messaging::opt_out::is_opted_out(&app.db, "+12065550100", "+14255550123")
            .await
            .unwrap();
    assert!(blocked);
    assert!(
        !backoffice::messaging::opt_out::is_opted_out(&app.db, "55501", "+14255550123")
            .await
            .unwrap()
    );

    let lifted = app.gql(&compliance, start, pair.clone()).await;
    assert_eq!(lifted["recordOptIn"]["active"], false);
    assert_eq!(lifted["recordOptIn"]["optInKeyword"], "START");
    assert!(
        !backoffice::messaging::opt_out::is_opted_out(&app.db, "+12065550100", "+14255550123")
            .await
            .unwrap()
    );
    let (code, _) = app.gql_error(Some(&compliance), start, pair.clone()).await;
    assert_eq!(code, "CONFLICT");

    let listed = app
        .gql(
            &compliance,
            "{ optOuts(sender: \"+12065550100\") { nodes { subscriber active } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        listed["optOuts"]["nodes"],
        json!([{ "subscriber": "+14255550123", "active": false }]),
        "the record stays"
    );
    let (code, error) = app
        .gql_error(
            Some(&compliance),
            stop,
            json!({ "s": "+12065550100", "p": "123" }),
        )
        .await;
    assert_eq!(
        (code.as_str(), fields(&error)),
        ("VALIDATION", vec!["subscriber".to_owned()])
    );
    app.stop().await;
}
