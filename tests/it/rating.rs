//! Encoding preview, rate cards, carrier fees and prices over HTTP.

use serde_json::{json, Value};

use crate::helpers::{spawn_app, Backend, TestApp};
use crate::numbers::fields;
use crate::on_both_databases;

const PREVIEW: &str = "query($text: String!, $udh: Int = 6, $customer: ID, $to: String) {
  messagePreview(text: $text, udhOctets: $udh, customerId: $customer, destination: $to) {
    encoding fragmentCount fragments { text units } nonGsmCharacters { character replacement }
    price currency charges { kind quantity unitPrice amount international } } }";
const CREATE_CARD: &str =
    "mutation($input: NewRateCardInput!) { createRateCard(input: $input) { id name } }";
const SET_RATE: &str =
    "mutation($input: RateInput!) { setRate(input: $input) { jurisdiction unitPrice } }";

on_both_databases!(
    the_preview_shows_encoding_fragments_and_what_forces_ucs2,
    the_preview_prices_with_the_customers_card_and_the_carrier_fee,
    rate_cards_are_validated_and_never_overlap,
    rates_import_and_export_as_csv_all_or_nothing,
    carrier_fees_are_effective_dated_without_overlap,
);

async fn preview(app: &TestApp, key: &str, variables: Value) -> Value {
    app.gql(key, PREVIEW, variables).await["messagePreview"].clone()
}

async fn the_preview_shows_encoding_fragments_and_what_forces_ucs2(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let text = format!("{}{{{}", "a".repeat(152), "a".repeat(152));
    let gsm = preview(&app, app.admin(), json!({ "text": text })).await;
    assert_eq!(gsm["encoding"], "GSM7");
    assert_eq!(gsm["fragmentCount"], 3);
    let units: Vec<u64> = gsm["fragments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["units"].as_u64().unwrap())
        .collect();
    assert_eq!(
        units,
        [152, 153, 1],
        "the escape pair moved whole to fragment 2"
    );
    assert_eq!(gsm["price"], Value::Null, "no customer, no price");

    let seven = preview(
        &app,
        app.admin(),
        json!({ "text": "a".repeat(305), "udh": 7 }),
    )
    .await;
    assert_eq!(seven["fragmentCount"], 3);
    let six = preview(
        &app,
        app.admin(),
        json!({ "text": "a".repeat(305), "udh": 6 }),
    )
    .await;
    assert_eq!(six["fragmentCount"], 2);

    let ucs2 = preview(&app, app.admin(), json!({ "text": "It’s ready 😀" })).await;
    assert_eq!(ucs2["encoding"], "UCS2");
    assert_eq!(
        ucs2["nonGsmCharacters"],
        json!([{ "character": "’", "replacement": "'" }, { "character": "😀", "replacement": null }])
    );
    let (code, error) = app
        .gql_error(Some(app.admin()), PREVIEW, json!({ "text": "x", "udh": 8 }))
        .await;
    assert_eq!(
        (code.as_str(), fields(&error)),
        ("VALIDATION", vec!["udhOctets".to_owned()])
    );
    let (code, _) = app.gql_error(None, PREVIEW, json!({ "text": "x" })).await;
    assert_eq!(code, "UNAUTHENTICATED");
    app.stop().await;
}

async fn the_preview_prices_with_the_customers_card_and_the_carrier_fee(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let demo = backoffice::demo::seed(&app.db).await.unwrap().to_string();
    let priced = preview(
        &app,
        app.admin(),
        json!({ "text": "Hello", "customer": demo, "to": "+12065550199" }),
    )
    .await;
    // Demo Co pays 80% of the rack's 0.0079 for a US long-code SMS, plus AT&T's 0.0025.
    assert_eq!(priced["price"], "0.008820");
    assert_eq!(priced["currency"], "USD");
    assert_eq!(
        priced["charges"],
        json!([
            { "kind": "USAGE", "quantity": 1, "unitPrice": "0.006320", "amount": "0.006320", "international": false },
            { "kind": "CARRIER_FEE", "quantity": 1, "unitPrice": "0.002500", "amount": "0.002500", "international": false },
        ])
    );
    let two = preview(
        &app,
        app.admin(),
        json!({ "text": "a".repeat(200), "customer": demo, "to": "+14255550100" }),
    )
    .await;
    assert_eq!(two["fragmentCount"], 2);
    assert_eq!(
        two["price"], "0.018640",
        "2 × (0.00632 + T-Mobile's 0.0030)"
    );

    let ucs2 = preview(
        &app,
        app.admin(),
        json!({ "text": "Hello ’", "customer": demo, "to": "+12065550199" }),
    )
    .await;
    assert_eq!(
        ucs2["charges"][0]["international"], true,
        "Demo Co's card prices non-GSM content internationally"
    );
    assert_eq!(ucs2["price"], "0.042500");
    let abroad = preview(
        &app,
        app.admin(),
        json!({ "text": "Hello", "customer": demo, "to": "+442071838750" }),
    )
    .await;
    assert_eq!(
        abroad["price"], "0.036000",
        "any-country rate, no carrier known, no fee"
    );

    let (_, key) = app.create_key("customer", Some(&demo)).await;
    let own = preview(&app, &key, json!({ "text": "Hello", "to": "+12065550199" })).await;
    assert_eq!(own["price"], "0.008820", "a customer key prices for itself");
    let other = app.create_customer("Other").await;
    let (code, _) = app
        .gql_error(
            Some(&key),
            PREVIEW,
            json!({ "text": "x", "customer": other, "to": "+12065550199" }),
        )
        .await;
    assert_eq!(code, "NOT_FOUND");
    let rack_only = preview(
        &app,
        app.admin(),
        json!({ "text": "Hello", "customer": other, "to": "+12065550199" }),
    )
    .await;
    assert_eq!(
        rack_only["price"], "0.010400",
        "no card of its own: the rack's 0.0079 + 0.0025"
    );
    app.stop().await;
}

async fn rate_cards_are_validated_and_never_overlap(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let customer = app.create_customer("Acme").await;
    let (_, finance) = app.create_key("finance", None).await;
    let card = |from: &str, to: Option<&str>| {
        json!({ "input": {
        "name": "Acme", "customerId": customer, "currency": "USD", "effectiveFrom": from, "effectiveTo": to } })
    };
    let first = app
        .gql(
            &finance,
            CREATE_CARD,
            card("2026-01-01T00:00:00Z", Some("2026-07-01T00:00:00Z")),
        )
        .await;
    let (code, error) = app
        .gql_error(
            Some(&finance),
            CREATE_CARD,
            card("2026-06-01T00:00:00Z", None),
        )
        .await;
    assert_eq!(code, "CONFLICT", "{error}");
    app.gql(&finance, CREATE_CARD, card("2026-07-01T00:00:00Z", None))
        .await;

    let bad = [
        (json!({ "currency": "EUR" }), "currency"),
        (
            json!({ "effectiveTo": "2025-01-01T00:00:00Z" }),
            "effectiveTo",
        ),
        (json!({ "udhOctets": 5 }), "udhOctets"),
        (json!({ "name": " " }), "name"),
        (json!({ "customerId": "999999" }), "customerId"),
    ];
    for (change, field) in bad {
        let mut input = json!({ "name": "X", "customerId": customer, "currency": "USD",
            "effectiveFrom": "2030-01-01T00:00:00Z" });
        input
            .as_object_mut()
            .unwrap()
            .extend(change.as_object().unwrap().clone());
        let (code, error) = app
            .gql_error(Some(&finance), CREATE_CARD, json!({ "input": input }))
            .await;
        assert_eq!(
            (code.as_str(), fields(&error)),
            ("VALIDATION", vec![field.to_owned()]),
            "{change}"
        );
    }
    let card_id = first["createRateCard"]["id"].as_str().unwrap();
    let rate = |jurisdiction: &str, price: Value| {
        json!({ "input": { "rateCardId": card_id, "messageKind": "SMS",
        "direction": "MT", "numberKind": "LONG_CODE", "jurisdiction": jurisdiction, "unitPrice": price } })
    };
    let (code, error) = app
        .gql_error(Some(&finance), SET_RATE, rate("USA", json!("0.01")))
        .await;
    assert_eq!(
        (code.as_str(), fields(&error)),
        ("VALIDATION", vec!["jurisdiction".to_owned()])
    );
    let (_, body) = app
        .gql_raw(Some(&finance), SET_RATE, rate("US", json!(0.01)))
        .await;
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("decimal string"),
        "{body}"
    );
    let (_, body) = app
        .gql_raw(Some(&finance), SET_RATE, rate("US", json!("0.0000001")))
        .await;
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("6 decimal places"),
        "{body}"
    );
    let rates = app
        .gql(&finance, SET_RATE, rate("us", json!("0.0061")))
        .await;
    assert_eq!(
        rates["setRate"],
        json!([{ "jurisdiction": "US", "unitPrice": "0.006100" }])
    );
    let rates = app
        .gql(&finance, SET_RATE, rate("US", json!("0.0059")))
        .await;
    assert_eq!(
        rates["setRate"],
        json!([{ "jurisdiction": "US", "unitPrice": "0.005900" }]),
        "same key, new price"
    );

    let (_, compliance) = app.create_key("compliance", None).await;
    let (code, _) = app
        .gql_error(
            Some(&compliance),
            CREATE_CARD,
            card("2031-01-01T00:00:00Z", None),
        )
        .await;
    assert_eq!(code, "FORBIDDEN");
    let open_ended = "mutation($id: ID!) { updateRateCard(id: $id, input: { effectiveTo: null }) { effectiveTo } }";
    let (code, _) = app
        .gql_error(Some(&finance), open_ended, json!({ "id": card_id }))
        .await;
    assert_eq!(
        code, "CONFLICT",
        "running on would overlap the card from July"
    );
    let renamed = app
        .gql(&finance, "mutation($id: ID!) { updateRateCard(id: $id, input: { name: \"Acme H1\" }) { name effectiveTo } }", json!({ "id": card_id }))
        .await;
    assert_eq!(
        renamed["updateRateCard"],
        json!({ "name": "Acme H1", "effectiveTo": "2026-07-01T00:00:00+00:00" })
    );
    app.stop().await;
}

async fn rates_import_and_export_as_csv_all_or_nothing(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let (_, finance) = app.create_key("finance", None).await;
    let new_card = |name: &str, from: &str| json!({ "input": { "name": name, "currency": "CAD", "effectiveFrom": from } });
    let first = json!({ "input": { "name": "Rack CAD", "currency": "CAD", "effectiveFrom": "2026-01-01T00:00:00Z", "effectiveTo": "2027-01-01T00:00:00Z" } });
    let a = app.gql(&finance, CREATE_CARD, first).await["createRateCard"]["id"].clone();
    let csv = "message_kind,direction,number_kind,jurisdiction,unit_price\nsms,mt,long_code,CA,0.0079\nsms,mt,long_code,*,0.045\nmms,mo,toll_free,US,0.011\n";
    let import = "mutation($id: ID!, $csv: String!, $replace: Boolean = false) { importRates(rateCardId: $id, csv: $csv, replace: $replace) }";
    let count = app
        .gql(&finance, import, json!({ "id": a, "csv": csv }))
        .await;
    assert_eq!(count["importRates"], 3);
    let exported = app
        .gql(
            &finance,
            "query($id: ID!) { rateCard(id: $id) { ratesCsv } }",
            json!({ "id": a }),
        )
        .await;
    let exported = exported["rateCard"]["ratesCsv"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        exported,
        "message_kind,direction,number_kind,jurisdiction,unit_price\nmms,mo,toll_free,US,0.011\nsms,mt,long_code,*,0.045\nsms,mt,long_code,CA,0.0079\n"
    );
    let b = app
        .gql(
            &finance,
            CREATE_CARD,
            new_card("Rack CAD 2027", "2027-01-01T00:00:00Z"),
        )
        .await["createRateCard"]["id"]
        .clone();
    app.gql(&finance, import, json!({ "id": b, "csv": exported }))
        .await;
    let copied = app
        .gql(
            &finance,
            "query($id: ID!) { rateCard(id: $id) { ratesCsv } }",
            json!({ "id": b }),
        )
        .await;
    assert_eq!(copied["rateCard"]["ratesCsv"], exported.as_str());

    let bad = "message_kind,direction,number_kind,jurisdiction,unit_price\nsms,mt,long_code,CA,0.0001\nsms,mt,pager,CA,0.01\n";
    let (code, error) = app
        .gql_error(
            Some(&finance),
            import,
            json!({ "id": a, "csv": bad, "replace": true }),
        )
        .await;
    assert_eq!(
        (code.as_str(), fields(&error)),
        ("VALIDATION", vec!["line 3: number_kind".to_owned()])
    );
    let unchanged = app
        .gql(
            &finance,
            "query($id: ID!) { rateCard(id: $id) { ratesCsv } }",
            json!({ "id": a }),
        )
        .await;
    assert_eq!(
        unchanged["rateCard"]["ratesCsv"],
        exported.as_str(),
        "a bad file changes nothing"
    );

    let replaced = app
        .gql(&finance, import, json!({ "id": a, "csv": "message_kind,direction,number_kind,jurisdiction,unit_price\nsms,mo,short_code,*,0.002\n", "replace": true }))
        .await;
    assert_eq!(replaced["importRates"], 1);
    let rates = app
        .gql(
            &finance,
            "query($id: ID!) { rateCard(id: $id) { rates { id numberKind } } }",
            json!({ "id": a }),
        )
        .await;
    assert_eq!(rates["rateCard"]["rates"].as_array().unwrap().len(), 1);
    let rate_id = rates["rateCard"]["rates"][0]["id"].clone();
    app.gql(
        &finance,
        "mutation($id: ID!) { deleteRate(id: $id) }",
        json!({ "id": rate_id }),
    )
    .await;
    let rates = app
        .gql(
            &finance,
            "query($id: ID!) { rateCard(id: $id) { rates { id } } }",
            json!({ "id": a }),
        )
        .await;
    assert_eq!(rates["rateCard"]["rates"], json!([]));
    app.stop().await;
}

async fn carrier_fees_are_effective_dated_without_overlap(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let carrier = app
        .gql(
            app.admin(),
            "mutation { createCarrier(code: \"ATT\", name: \"AT&T\") { id } }",
            json!({}),
        )
        .await["createCarrier"]["id"]
        .clone();
    let (_, finance) = app.create_key("finance", None).await;
    let create = "mutation($input: NewCarrierFeeInput!) { createCarrierFee(input: $input) { id perMessage perFiling } }";
    let fee = |from: &str, to: Option<&str>, per_message: &str| {
        json!({ "input": { "carrierId": carrier, "messageKind": "SMS",
        "direction": "MT", "perMessage": per_message, "perFiling": "150", "effectiveFrom": from, "effectiveTo": to } })
    };
    let created = app
        .gql(
            &finance,
            create,
            fee(
                "2026-01-01T00:00:00Z",
                Some("2026-07-01T00:00:00Z"),
                "0.0025",
            ),
        )
        .await;
    assert_eq!(created["createCarrierFee"]["perMessage"], "0.002500");
    assert_eq!(created["createCarrierFee"]["perFiling"], "150.000000");
    let (code, _) = app
        .gql_error(
            Some(&finance),
            create,
            fee("2026-03-01T00:00:00Z", None, "0.003"),
        )
        .await;
    assert_eq!(code, "CONFLICT");
    app.gql(&finance, create, fee("2026-07-01T00:00:00Z", None, "0.003"))
        .await;
    let (code, error) = app
        .gql_error(
            Some(&finance),
            create,
            fee("2030-01-01T00:00:00Z", None, "-0.001"),
        )
        .await;
    assert_eq!(
        (code.as_str(), fields(&error)),
        ("VALIDATION", vec!["perMessage".to_owned()])
    );
    let listed = app
        .gql(
            &finance,
            "{ carrierFees { perMessage effectiveFrom } }",
            json!({}),
        )
        .await;
    assert_eq!(listed["carrierFees"].as_array().unwrap().len(), 2);
    app.stop().await;
}
