//! MMS use cases over the API: submission by a customer key, the compliance queue, approval,
//! supersession by a changed use case, revocation with a reason; and the demo's.

use serde_json::{json, Value};

use crate::helpers::Backend;
use crate::on_both_databases;
use crate::smpp::demo_app;

const SUBMIT: &str =
    "mutation($input: MmsUseCaseInput!) { submitMmsUseCase(input: $input) { id status } }";
const DECIDE: &str = "mutation($id: ID!, $s: UseCaseStatus!, $r: String) { decideMmsUseCase(id: $id, status: $s, reason: $r) { status decisionReason decidedBy } }";

async fn use_cases_are_submitted_decided_superseded_and_revoked(backend: Backend) {
    let Some(app) = demo_app(backend, 50).await else {
        return;
    };
    let demo = app
        .gql(
            app.admin(),
            "{ mmsUseCases { id status numberIds customerId } }",
            json!({}),
        )
        .await;
    let cases = demo["mmsUseCases"].as_array().unwrap().clone();
    let statuses: Vec<&str> = cases
        .iter()
        .map(|c| c["status"].as_str().unwrap())
        .collect();
    assert_eq!(
        statuses,
        ["SUBMITTED", "APPROVED"],
        "the demo's pending and approved cases"
    );
    let customer = cases[0]["customerId"].as_str().unwrap().to_owned();
    let long_code = cases[1]["numberIds"][0].as_str().unwrap().to_owned();
    let approved = cases[1]["id"].as_str().unwrap().to_owned();

    let (_, key) = app.create_key("customer", Some(&customer)).await;
    let input = |media: Value, exempt: bool| json!({ "input": { "customerId": customer, "description": "Receipts with a voice note", "sampleContent": "Thanks! (audio)", "numberIds": [long_code], "mediaTypes": media, "expectedMonthlyVolume": 100, "attExempt": exempt } });
    let (code, error) = app
        .gql_error(Some(&key), SUBMIT, input(json!(["audio/*"]), true))
        .await;
    assert_eq!(code, "VALIDATION");
    assert_eq!(error["extensions"]["fields"][0]["field"], "attEvidence");
    let submitted = app
        .gql(&key, SUBMIT, input(json!(["audio/*"]), false))
        .await;
    let changed = submitted["submitMmsUseCase"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let queue = app
        .gql(app.admin(), "{ mmsUseCaseQueue { id } }", json!({}))
        .await;
    let queued: Vec<&str> = queue["mmsUseCaseQueue"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(queued.last(), Some(&changed.as_str()), "oldest first");
    let (code, _) = app
        .gql_error(
            Some(&key),
            DECIDE,
            json!({ "id": changed, "s": "APPROVED" }),
        )
        .await;
    assert_eq!(code, "FORBIDDEN", "compliance decides");

    let (_, compliance) = app.create_key("compliance", None).await;
    let data = app
        .gql(
            &compliance,
            DECIDE,
            json!({ "id": changed, "s": "APPROVED" }),
        )
        .await;
    assert_eq!(data["decideMmsUseCase"]["status"], "APPROVED");
    let all = app
        .gql(
            app.admin(),
            "{ mmsUseCases { id status decisionReason } }",
            json!({}),
        )
        .await;
    let old = all["mmsUseCases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == approved.as_str())
        .unwrap()
        .clone();
    assert_eq!(
        old["status"], "SUPERSEDED",
        "the new approval replaces the old one for the number"
    );

    let (code, _) = app
        .gql_error(
            Some(&compliance),
            DECIDE,
            json!({ "id": changed, "s": "REVOKED" }),
        )
        .await;
    assert_eq!(code, "VALIDATION", "a revocation needs a reason");
    let revoked = app
        .gql(
            &compliance,
            DECIDE,
            json!({ "id": changed, "s": "REVOKED", "r": "images sent" }),
        )
        .await;
    assert_eq!(revoked["decideMmsUseCase"]["decisionReason"], "images sent");
    let (code, _) = app
        .gql_error(
            Some(&compliance),
            DECIDE,
            json!({ "id": changed, "s": "APPROVED" }),
        )
        .await;
    assert_eq!(
        code, "CONFLICT",
        "a revoked use case comes back only as a new submission"
    );
    let alerts = app
        .gql(
            app.admin(),
            "{ alerts(first: 100) { nodes { kind subject } } }",
            json!({}),
        )
        .await;
    assert!(
        alerts["alerts"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|a| a["kind"] == "mms_use_case")
            .count()
            >= 3
    );
    app.stop().await;
}

on_both_databases!(use_cases_are_submitted_decided_superseded_and_revoked);
