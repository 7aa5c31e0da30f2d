//! Numbers and sender IDs: validation, enablement, authorizations, throttles, roles.

use serde_json::{json, Value};

use crate::helpers::{spawn_app, Backend, TestApp};
use crate::on_both_databases;

const CREATE: &str = "mutation($input: NewNumberInput!) { createNumber(input: $input) { id address country kind twoWay smsEnabled } }";
const NUMBER: &str = "query($id: ID!) { number(id: $id) { address smsEnabled mmsEnabled messagingEnabled attestedBy attestedAt twoWay throttle { perSecond perDay overridden } } }";
const MESSAGING: &str = "mutation($id: ID!, $sms: Boolean!, $mms: Boolean!) { setNumberMessaging(id: $id, sms: $sms, mms: $mms) { smsEnabled mmsEnabled } }";
const ATTEST: &str = "mutation($id: ID!) { attestNumberOwnership(id: $id, attestedBy: \"Jane Owner\") { attestedBy } }";

on_both_databases!(
    each_number_rule_names_its_field_and_changes_nothing,
    enabling_needs_attestation_and_an_alphanumeric_id_its_authorization,
    throttles_default_by_kind_and_can_be_overridden,
    a_customer_key_reads_only_its_own_numbers,
);

pub fn fields(error: &Value) -> Vec<String> {
    error["extensions"]["fields"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|f| f["field"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

pub async fn create_number(
    app: &TestApp,
    customer: &str,
    kind: &str,
    address: &str,
    extra: Value,
) -> String {
    let mut input = json!({ "customerId": customer, "kind": kind, "address": address });
    if let (Some(input), Some(extra)) = (input.as_object_mut(), extra.as_object()) {
        input.extend(extra.clone());
    }
    let data = app
        .gql(app.admin(), CREATE, json!({ "input": input }))
        .await;
    data["createNumber"]["id"].as_str().unwrap().to_owned()
}

async fn number(app: &TestApp, id: &str) -> Value {
    app.gql(app.admin(), NUMBER, json!({ "id": id })).await["number"].clone()
}

async fn each_number_rule_names_its_field_and_changes_nothing(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let customer = app.create_customer("Acme").await;
    let cases = [
        (
            json!({ "kind": "LONG_CODE", "address": "+18885550100" }),
            "address",
        ),
        (
            json!({ "kind": "LONG_CODE", "address": "+442071838750" }),
            "address",
        ),
        (
            json!({ "kind": "LONG_CODE", "address": "+1206555010" }),
            "address",
        ),
        (
            json!({ "kind": "TOLL_FREE", "address": "+12065550100" }),
            "address",
        ),
        (
            json!({ "kind": "SHORT_CODE", "address": "1234", "shortCodeType": "RANDOM" }),
            "address",
        ),
        (
            json!({ "kind": "SHORT_CODE", "address": "55501" }),
            "shortCodeType",
        ),
        (
            json!({ "kind": "LONG_CODE", "address": "+12065550100", "shortCodeType": "VANITY" }),
            "shortCodeType",
        ),
        (
            json!({ "kind": "ALPHANUMERIC", "address": "12345" }),
            "address",
        ),
        (
            json!({ "kind": "ALPHANUMERIC", "address": "DEMO CO" }),
            "address",
        ),
        (
            json!({ "kind": "ALPHANUMERIC", "address": "TOOLONGSENDER" }),
            "address",
        ),
        (
            json!({ "kind": "ALPHANUMERIC", "address": "ACME", "twoWay": true }),
            "twoWay",
        ),
        (
            json!({ "kind": "LONG_CODE", "address": "+12065550100", "fteu": true }),
            "fteu",
        ),
        (
            json!({ "kind": "LONG_CODE", "address": "+12065550100", "perSecondLimit": 0 }),
            "perSecondLimit",
        ),
        (
            json!({ "kind": "LONG_CODE", "address": "+12065550100", "customerId": "999999" }),
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
            .gql_error(Some(app.admin()), CREATE, json!({ "input": input }))
            .await;
        assert_eq!(code, "VALIDATION", "{case}");
        assert_eq!(fields(&error), [field], "{case}");
        if field == "fteu" {
            assert!(
                error["message"].as_str().unwrap().contains("FTEU"),
                "{error}"
            );
        }
    }
    let listed = app
        .gql(app.admin(), "{ numbers { nodes { id } } }", json!({}))
        .await;
    assert_eq!(listed["numbers"]["nodes"], json!([]), "nothing was created");
    let audit = app
        .gql(
            app.admin(),
            "{ auditLog(entityType: \"number\") { nodes { id } } }",
            json!({}),
        )
        .await;
    assert_eq!(audit["auditLog"]["nodes"], json!([]));

    let data = app
        .gql(
            app.admin(),
            CREATE,
            json!({ "input": { "customerId": customer, "kind": "LONG_CODE", "address": "(416) 555-0100" } }),
        )
        .await;
    assert_eq!(data["createNumber"]["address"], "+14165550100");
    assert_eq!(data["createNumber"]["country"], "CA");
    assert_eq!(
        data["createNumber"]["smsEnabled"], false,
        "numbers start disabled"
    );
    let (code, _) = app
        .gql_error(
            Some(app.admin()),
            CREATE,
            json!({ "input": { "customerId": customer, "kind": "LONG_CODE", "address": "+1 416 555 0100" } }),
        )
        .await;
    assert_eq!(code, "CONFLICT", "the same number in another form");
    app.stop().await;
}

async fn enabling_needs_attestation_and_an_alphanumeric_id_its_authorization(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let customer = app.create_customer("Acme").await;
    let (_, compliance) = app.create_key("compliance", None).await;
    let long_code = create_number(
        &app,
        &customer,
        "LONG_CODE",
        "+12065550100",
        json!({ "twoWay": true }),
    )
    .await;

    let (code, error) = app
        .gql_error(
            Some(app.admin()),
            MESSAGING,
            json!({ "id": long_code, "sms": true, "mms": false }),
        )
        .await;
    assert_eq!(
        (code.as_str(), fields(&error)),
        ("VALIDATION", vec!["attestation".to_owned()])
    );
    assert_eq!(number(&app, &long_code).await["messagingEnabled"], false);

    app.gql(&compliance, ATTEST, json!({ "id": long_code }))
        .await;
    app.gql(
        app.admin(),
        MESSAGING,
        json!({ "id": long_code, "sms": true, "mms": true }),
    )
    .await;
    let enabled = number(&app, &long_code).await;
    assert_eq!(enabled["messagingEnabled"], true);
    assert_eq!(enabled["mmsEnabled"], true);
    assert_eq!(enabled["attestedBy"], "Jane Owner");
    assert!(enabled["attestedAt"].is_string());

    let alpha = create_number(&app, &customer, "ALPHANUMERIC", "ACME", json!({})).await;
    let (code, error) = app
        .gql_error(
            Some(app.admin()),
            "mutation($id: ID!) { setNumberTwoWay(id: $id, twoWay: true) { id } }",
            json!({ "id": alpha }),
        )
        .await;
    assert_eq!(
        (code.as_str(), fields(&error)),
        ("VALIDATION", vec!["twoWay".to_owned()])
    );
    app.gql(&compliance, ATTEST, json!({ "id": alpha })).await;
    let (code, error) = app
        .gql_error(
            Some(app.admin()),
            MESSAGING,
            json!({ "id": alpha, "sms": true, "mms": false }),
        )
        .await;
    assert_eq!(
        (code.as_str(), fields(&error)),
        ("VALIDATION", vec!["authorization".to_owned()])
    );

    let record = "mutation($input: SenderAuthorizationInput!) { recordSenderAuthorization(input: $input) { id recordedBy } }";
    let evidence = |number: &str| {
        json!({ "input": { "numberId": number, "reference": "DOC-42",
        "grantedBy": "Acme brand team", "grantedAt": "2026-01-15T00:00:00Z" } })
    };
    let (code, error) = app
        .gql_error(Some(&compliance), record, evidence(&long_code))
        .await;
    assert_eq!(
        (code.as_str(), fields(&error)),
        ("VALIDATION", vec!["numberId".to_owned()])
    );
    let (code, _) = app
        .gql_error(
            Some(app.admin()),
            record,
            json!({ "input": { "numberId": alpha,
        "reference": "DOC", "grantedBy": "x", "grantedAt": "2999-01-01T00:00:00Z" } }),
        )
        .await;
    assert_eq!(code, "VALIDATION", "granted in the future");
    let recorded = app.gql(&compliance, record, evidence(&alpha)).await;
    let authorization = recorded["recordSenderAuthorization"]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    app.gql(
        app.admin(),
        MESSAGING,
        json!({ "id": alpha, "sms": true, "mms": false }),
    )
    .await;
    assert_eq!(number(&app, &alpha).await["smsEnabled"], true);
    let (code, error) = app
        .gql_error(
            Some(app.admin()),
            MESSAGING,
            json!({ "id": alpha, "sms": true, "mms": true }),
        )
        .await;
    assert_eq!(
        (code.as_str(), fields(&error)),
        ("VALIDATION", vec!["mms".to_owned()])
    );

    let withdraw =
        "mutation($id: ID!) { withdrawSenderAuthorization(id: $id) { withdrawnAt withdrawnBy } }";
    let withdrawn = app
        .gql(&compliance, withdraw, json!({ "id": authorization }))
        .await;
    assert!(withdrawn["withdrawSenderAuthorization"]["withdrawnAt"].is_string());
    assert_eq!(
        number(&app, &alpha).await["smsEnabled"],
        false,
        "withdrawing disables the ID"
    );
    let (code, _) = app
        .gql_error(Some(&compliance), withdraw, json!({ "id": authorization }))
        .await;
    assert_eq!(code, "CONFLICT");
    let history = app
        .gql(
            &compliance,
            "query($id: ID!) { number(id: $id) { authorizations { reference withdrawnAt } } }",
            json!({ "id": alpha }),
        )
        .await;
    assert_eq!(
        history["number"]["authorizations"][0]["reference"],
        "DOC-42"
    );
    let (code, _) = app
        .gql_error(
            Some(app.admin()),
            MESSAGING,
            json!({ "id": alpha, "sms": true, "mms": false }),
        )
        .await;
    assert_eq!(code, "VALIDATION", "no authorization on file any more");
    app.stop().await;
}

async fn throttles_default_by_kind_and_can_be_overridden(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let customer = app.create_customer("Acme").await;
    let long_code = create_number(&app, &customer, "LONG_CODE", "+12065550100", json!({})).await;
    let toll_free = create_number(&app, &customer, "TOLL_FREE", "+18445550100", json!({})).await;
    let short_code = create_number(
        &app,
        &customer,
        "SHORT_CODE",
        "555012",
        json!({ "shortCodeType": "VANITY" }),
    )
    .await;
    for (id, per_second) in [(&long_code, 1), (&toll_free, 3), (&short_code, 100)] {
        assert_eq!(
            number(&app, id).await["throttle"],
            json!({ "perSecond": per_second, "perDay": null, "overridden": false })
        );
    }
    let set = "mutation($id: ID!, $s: Int, $d: Int) { setNumberThrottle(id: $id, perSecond: $s, perDay: $d) { throttle { perSecond perDay overridden } } }";
    let data = app
        .gql(
            app.admin(),
            set,
            json!({ "id": long_code, "s": 5, "d": 1000 }),
        )
        .await;
    assert_eq!(
        data["setNumberThrottle"]["throttle"],
        json!({ "perSecond": 5, "perDay": 1000, "overridden": true })
    );
    let (code, error) = app
        .gql_error(Some(app.admin()), set, json!({ "id": long_code, "s": 0 }))
        .await;
    assert_eq!(
        (code.as_str(), fields(&error)),
        ("VALIDATION", vec!["perSecondLimit".to_owned()])
    );
    assert_eq!(
        number(&app, &long_code).await["throttle"]["perSecond"],
        5,
        "unchanged by the bad request"
    );
    let data = app.gql(app.admin(), set, json!({ "id": long_code })).await;
    assert_eq!(
        data["setNumberThrottle"]["throttle"],
        json!({ "perSecond": 1, "perDay": null, "overridden": false })
    );
    app.stop().await;
}

async fn a_customer_key_reads_only_its_own_numbers(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let mine = app.create_customer("Mine").await;
    let theirs = app.create_customer("Theirs").await;
    let my_number = create_number(&app, &mine, "LONG_CODE", "+12065550100", json!({})).await;
    let their_number = create_number(&app, &theirs, "LONG_CODE", "+12065550101", json!({})).await;
    let (_, customer_key) = app.create_key("customer", Some(&mine)).await;

    let listed = app
        .gql(&customer_key, "{ numbers { nodes { id } } }", json!({}))
        .await;
    assert_eq!(listed["numbers"]["nodes"], json!([{ "id": my_number }]));
    let filtered = app
        .gql(
            &customer_key,
            "query($c: ID) { numbers(customerId: $c) { nodes { id } } }",
            json!({ "c": theirs }),
        )
        .await;
    assert_eq!(filtered["numbers"]["nodes"], json!([]));
    let (code, _) = app
        .gql_error(Some(&customer_key), NUMBER, json!({ "id": their_number }))
        .await;
    assert_eq!(code, "NOT_FOUND");
    let own = app
        .gql(
            &customer_key,
            "query($id: ID!) { number(id: $id) { address customer { name } } }",
            json!({ "id": my_number }),
        )
        .await;
    assert_eq!(own["number"]["customer"]["name"], "Mine");

    let (code, _) = app
        .gql_error(
            Some(&customer_key),
            "query($id: ID!) { number(id: $id) { authorizations { id } } }",
            json!({ "id": my_number }),
        )
        .await;
    assert_eq!(code, "FORBIDDEN", "authorizations are compliance's");
    app.stop().await;
}
