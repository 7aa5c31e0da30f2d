//! Authentication, role guards and customer isolation.

use serde_json::json;

use crate::helpers::{spawn_app, Backend};
use crate::on_both_databases;

const CUSTOMERS: &str = "{ customers { edges { node { id name } } } }";
const API_KEYS: &str = "{ apiKeys { edges { node { id role } } } }";
const AUDIT_LOG: &str = "{ auditLog { edges { node { id } } } }";
const CREATE_CUSTOMER: &str =
    "mutation($input: NewCustomerInput!) { createCustomer(input: $input) { id } }";

fn new_customer(name: &str) -> serde_json::Value {
    json!({ "input": {
        "name": name, "accountManagerEmail": "am@example.com",
        "billingEmail": "b@example.com", "currency": "EUR" } })
}

on_both_databases!(
    requests_without_a_key_are_unauthenticated,
    a_bad_or_malformed_key_gets_401,
    a_revoked_key_stops_working,
    each_role_reaches_only_what_it_may,
    a_customer_key_sees_only_its_own_customer,
    every_operation_admits_exactly_its_roles,
);

async fn requests_without_a_key_are_unauthenticated(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    for query in [CUSTOMERS, API_KEYS, AUDIT_LOG] {
        let (code, _) = app.gql_error(None, query, json!({})).await;
        assert_eq!(code, "UNAUTHENTICATED", "{query}");
    }
    let (code, _) = app
        .gql_error(None, CREATE_CUSTOMER, new_customer("X"))
        .await;
    assert_eq!(code, "UNAUTHENTICATED");
    let count = app
        .gql(
            app.admin(),
            "{ customers { edges { node { id } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        count["customers"]["edges"],
        json!([]),
        "nothing was created"
    );
    app.stop().await;
}

async fn a_bad_or_malformed_key_gets_401(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let (status, body) = app
        .gql_raw(Some("bo_not-a-key"), CUSTOMERS, json!({}))
        .await;
    assert_eq!(status, 401);
    assert_eq!(body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
    let response = app
        .client
        .post(app.url("/graphql"))
        .header("Authorization", format!("Basic {}", app.admin()))
        .json(&json!({ "query": CUSTOMERS }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 401);
    app.stop().await;
}

async fn a_revoked_key_stops_working(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let (id, secret) = app.create_key("finance", None).await;
    app.gql(&secret, CUSTOMERS, json!({})).await;
    let revoked = app
        .gql(
            app.admin(),
            "mutation($id: ID!) { revokeApiKey(id: $id) { id revokedAt } }",
            json!({ "id": id }),
        )
        .await;
    assert!(revoked["revokeApiKey"]["revokedAt"].is_string());
    let (status, body) = app.gql_raw(Some(&secret), CUSTOMERS, json!({})).await;
    assert_eq!(status, 401, "{body}");
    let (code, _) = app
        .gql_error(
            Some(app.admin()),
            "mutation($id: ID!) { revokeApiKey(id: $id) { id } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(code, "CONFLICT", "revoking twice");
    app.stop().await;
}

async fn each_role_reaches_only_what_it_may(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let customer = app.create_customer("Acme").await;
    // (role, may create customers, may read keys and the audit log)
    let cases = [
        ("admin", true, true),
        ("finance", false, false),
        ("compliance", false, false),
        ("account_manager", true, false),
        ("customer", false, false),
    ];
    for (role, writes_customers, admin_only) in cases {
        let bound = (role == "customer").then_some(customer.as_str());
        let (_, key) = app.create_key(role, bound).await;
        let listed = app.gql(&key, CUSTOMERS, json!({})).await;
        assert!(
            !listed["customers"]["edges"].as_array().unwrap().is_empty(),
            "{role} reads customers"
        );

        let (_, body) = app
            .gql_raw(
                Some(&key),
                CREATE_CUSTOMER,
                new_customer(&format!("By {role}")),
            )
            .await;
        let code = &body["errors"][0]["extensions"]["code"];
        if writes_customers {
            assert!(body["errors"].is_null(), "{role} creates customers: {body}");
        } else {
            assert_eq!(code, "FORBIDDEN", "{role} may not create customers");
        }
        for query in [API_KEYS, AUDIT_LOG] {
            let (_, body) = app.gql_raw(Some(&key), query, json!({})).await;
            if admin_only {
                assert!(body["errors"].is_null(), "{role}: {query}: {body}");
            } else {
                assert_eq!(
                    body["errors"][0]["extensions"]["code"], "FORBIDDEN",
                    "{role}: {query}"
                );
            }
        }
        let (_, body) = app
            .gql_raw(
                Some(&key),
                "mutation { createApiKey(input: {name: \"x\", role: ADMIN}) { secret } }",
                json!({}),
            )
            .await;
        if role == "admin" {
            assert!(body["errors"].is_null(), "{body}");
        } else {
            assert_eq!(
                body["errors"][0]["extensions"]["code"], "FORBIDDEN",
                "{role} creates keys"
            );
        }
    }
    app.stop().await;
}

async fn a_customer_key_sees_only_its_own_customer(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let mine = app.create_customer("Mine").await;
    let theirs = app.create_customer("Theirs").await;
    let (_, key) = app.create_key("customer", Some(&mine)).await;

    let listed = app.gql(&key, CUSTOMERS, json!({})).await;
    assert_eq!(
        listed["customers"]["edges"],
        json!([{ "node": { "id": mine, "name": "Mine" } }])
    );

    let own = app
        .gql(
            &key,
            "query($id: ID!) { customer(id: $id) { name } }",
            json!({ "id": mine }),
        )
        .await;
    assert_eq!(own["customer"]["name"], "Mine");
    let (code, _) = app
        .gql_error(
            Some(&key),
            "query($id: ID!) { customer(id: $id) { name } }",
            json!({ "id": theirs }),
        )
        .await;
    assert_eq!(code, "NOT_FOUND", "another customer's row is invisible");

    let (code, _) = app
        .gql_error(
            Some(&key),
            "mutation($id: ID!) { updateCustomer(id: $id, input: {name: \"Hacked\"}) { name } }",
            json!({ "id": theirs }),
        )
        .await;
    assert_eq!(code, "FORBIDDEN");
    let theirs_now = app
        .gql(
            app.admin(),
            "query($id: ID!) { customer(id: $id) { name } }",
            json!({ "id": theirs }),
        )
        .await;
    assert_eq!(theirs_now["customer"]["name"], "Theirs");
    app.stop().await;
}

/// Every query and mutation with the roles it admits. Arguments point at nothing (id 999999)
/// or are invalid, so an admitted call fails on its input and changes nothing; a refused one
/// must fail with FORBIDDEN before its input is looked at.
const OPERATIONS: &[(&str, &[&str])] = &[
    ("{ customers { nodes { id } } }", ALL),
    ("{ customer(id: 999999) { id } }", ALL),
    ("mutation { createCustomer(input: {name: \"\", accountManagerEmail: \"x\", billingEmail: \"x\", currency: \"x\"}) { id } }", MANAGERS),
    ("mutation { updateCustomer(id: 999999, input: {}) { id } }", MANAGERS),
    ("{ apiKeys { nodes { id } } }", ADMIN),
    ("mutation { createApiKey(input: {name: \"\", role: ADMIN}) { secret } }", ADMIN),
    ("mutation { revokeApiKey(id: 999999) { id } }", ADMIN),
    ("{ auditLog { nodes { id } } }", ADMIN),
    ("{ numbers { nodes { id } } }", ALL),
    ("{ number(id: 999999) { id } }", ALL),
    ("{ alphanumericCountries }", ALL),
    ("mutation { createNumber(input: {customerId: 999999, kind: LONG_CODE, address: \"1\"}) { id } }", MANAGERS),
    ("mutation { setNumberTwoWay(id: 999999, twoWay: true) { id } }", MANAGERS),
    ("mutation { setNumberThrottle(id: 999999, perSecond: 1) { id } }", MANAGERS),
    ("mutation { setNumberMessaging(id: 999999, sms: true, mms: false) { id } }", MANAGERS),
    ("mutation { attestNumberOwnership(id: 999999, attestedBy: \"x\") { id } }", COMPLIANCE),
    ("mutation { recordSenderAuthorization(input: {numberId: 999999, reference: \"r\", grantedBy: \"g\", grantedAt: \"2026-01-01T00:00:00Z\"}) { id } }", COMPLIANCE),
    ("mutation { withdrawSenderAuthorization(id: 999999) { id } }", COMPLIANCE),
    ("{ optOuts { nodes { id } } }", COMPLIANCE),
    ("mutation { recordOptOut(sender: \"+12065550100\", subscriber: \"1\") { id } }", COMPLIANCE),
    ("mutation { recordOptIn(sender: \"+12065550100\", subscriber: \"1\") { id } }", COMPLIANCE),
    ("{ smppAccounts { id } }", MANAGERS),
    ("mutation { createSmppAccount(input: {customerId: 999999, systemId: \"\"}) { password } }", MANAGERS),
    ("mutation { rotateSmppPassword(id: 999999) { password } }", MANAGERS),
    ("mutation { setSmppAccountEnabled(id: 999999, enabled: false) { id } }", MANAGERS),
    ("mutation { updateSmppAccount(id: 999999, input: {}) { id } }", MANAGERS),
    ("{ carriers { id } }", STAFF),
    ("{ carrierFor(destination: \"x\") { source } }", LOOKUP),
    ("mutation { createCarrier(code: \"x\", name: \"x\") { id } }", ADMIN),
    ("mutation { importCarrierRoutes(csv: \"nonsense\") { prefixes } }", ADMIN),
    ("{ rateCards { id } }", FINANCE),
    ("{ rateCard(id: 999999) { id } }", FINANCE),
    ("{ carrierFees { id } }", FINANCE),
    ("{ messagePreview(text: \"hi\", udhOctets: 9) { encoding } }", ALL),
    ("mutation { createRateCard(input: {name: \"\", currency: \"USD\", effectiveFrom: \"2026-01-01T00:00:00Z\"}) { id } }", FINANCE),
    ("mutation { updateRateCard(id: 999999, input: {}) { id } }", FINANCE),
    ("mutation { setRate(input: {rateCardId: 999999, messageKind: SMS, direction: MT, numberKind: LONG_CODE, jurisdiction: \"US\", unitPrice: \"0.01\"}) { id } }", FINANCE),
    ("mutation { deleteRate(id: 999999) }", FINANCE),
    ("mutation { importRates(rateCardId: 999999, csv: \"nonsense\") }", FINANCE),
    ("mutation { createCarrierFee(input: {carrierId: 999999, messageKind: SMS, direction: MT, perMessage: \"0.01\", perFiling: \"0\", effectiveFrom: \"2026-01-01T00:00:00Z\"}) { id } }", FINANCE),
    ("{ messages { nodes { id } } }", ALL),
    ("{ message(id: \"nosuchmessage\") { id } }", ALL),
    ("{ smppSessions { sessionId } }", ADMIN),
    ("{ deliveryStats(filter: {from: \"2026-01-01\", to: \"2026-01-31\"}) { received } }", ALL),
    ("{ leases { id } }", ALL),
    ("{ filings { id } }", ALL),
    ("{ mmsUseCases { id } }", ALL),
    ("{ mmsUseCaseQueue { id } }", COMPLIANCE),
    ("mutation { submitMmsUseCase(input: {customerId: 999999, description: \"\", sampleContent: \"\", numberIds: [], mediaTypes: [], expectedMonthlyVolume: 0}) { id } }", FORECASTERS),
    ("mutation { decideMmsUseCase(id: 999999, status: APPROVED) { id } }", COMPLIANCE),
    ("{ forecasts(numberId: 999999) { id } }", ALL),
    ("mutation { submitForecast(input: {numberId: 999999, quarter: \"x\", expectedMessages: 1, hourlyPattern: [], peakPerSecond: 1}) { id } }", FORECASTERS),
    ("mutation { remindMissingForecasts(asOf: \"2020-01-01\") }", ADMIN),
    ("mutation { chargeForecastSurcharges(quarter: \"2099-Q1\") { chargesCreated } }", ADMIN),
    ("mutation { createFiling(input: {numberId: 999999, carrierId: 999999, kind: SMS, useCase: \"\", sampleMessages: [], helpAnswer: \"\", stopAnswer: \"\"}) { id } }", COMPLIANCE),
    ("mutation { setFilingStatus(id: 999999, status: SUBMITTED) { id } }", COMPLIANCE),
    ("{ lease(id: 999999) { id } }", ALL),
    ("{ oneTimeCharges(from: \"2026-01-01T00:00:00Z\", to: \"2026-02-01T00:00:00Z\") { id } }", FINANCE),
    ("{ oneTimePrices { id } }", FINANCE),
    ("{ alerts { nodes { id } } }", MANAGERS),
    ("mutation { acknowledgeAlert(id: 999999) { id } }", MANAGERS),
    ("{ jobs { name } }", ADMIN),
    ("{ jobRuns { nodes { id } } }", ADMIN),
    ("mutation { runJob(name: \"nonsense\") { id } }", ADMIN),
    ("mutation { applyLease(numberId: 999999) { id } }", MANAGERS),
    ("mutation { activateLease(id: 999999) { id } }", MANAGERS),
    ("mutation { giveLeaseNotice(id: 999999) { late } }", MANAGERS),
    ("mutation { withdrawLeaseNotice(id: 999999) { id } }", MANAGERS),
    ("mutation { cancelLease(id: 999999, reason: \"x\") { id } }", MANAGERS),
    ("mutation { suspendLease(id: 999999, reason: \"x\") { id } }", COMPLIANCE),
    ("mutation { resumeLease(id: 999999, reason: \"x\") { id } }", COMPLIANCE),
    ("mutation { maintainLeases(asOf: \"2020-01-01\") { leasesChecked } }", ADMIN),
    ("mutation { setOneTimePrice(input: {currency: \"USD\", kind: \"nonsense\", unitPrice: \"1\", effectiveFrom: \"2026-01-01T00:00:00Z\"}) { id } }", FINANCE),
    ("mutation { cancelMessage(id: \"nosuchmessage\") { id } }", ADMIN),
    ("mutation { injectInbound(input: {source: \"x\", destination: \"x\", text: \"x\"}) { id } }", ADMIN),
    ("{ mmsPolicy { maxBytes } }", ALL),
    ("{ contentRules { blockedDomains } }", COMPLIANCE),
    ("{ mm7Accounts { id } }", ADMIN),
    ("{ mmsRatio(customerId: 999999) { outgoing } }", ALL),
    ("mutation { createMm7Account(input: {customerId: 999999, username: \"\", vaspId: \"\"}) { password } }", ADMIN),
    ("mutation { updateMm7Account(id: 999999, input: {}) { id } }", ADMIN),
    ("mutation { checkMmsRatios(asOf: \"2020-01-01\") { alertsRaised } }", ADMIN),
    ("{ invoices { nodes { id } } }", INVOICES),
    ("{ invoice(id: 999999) { id } }", INVOICES),
    ("{ invoiceLineRecords(lineId: 999999) { edges { cursor } } }", INVOICES),
    ("{ billingSummary { period } }", INVOICES),
    ("{ invoiceRuns { id } }", FINANCE),
    ("mutation { runInvoices(period: \"2026-13\") { run { id } } }", FINANCE),
    ("mutation { issueInvoice(id: 999999) { id } }", FINANCE),
    ("mutation { createCreditNote(input: {invoiceId: 999999, reason: \"x\", full: true}) { id } }", FINANCE),
    ("{ sendBatches { nodes { id } } }", SENDERS),
    ("{ sendBatch(id: 999999) { id } }", SENDERS),
    ("mutation { cancelSend(id: 999999) { id } }", SENDERS),
];
const ALL: &[&str] = &[
    "admin",
    "finance",
    "compliance",
    "account_manager",
    "customer",
];
const STAFF: &[&str] = &["admin", "finance", "compliance", "account_manager"];
const MANAGERS: &[&str] = &["admin", "account_manager"];
const COMPLIANCE: &[&str] = &["admin", "compliance"];
const LOOKUP: &[&str] = &["admin", "account_manager", "compliance"];
const ADMIN: &[&str] = &["admin"];
const FORECASTERS: &[&str] = &["admin", "account_manager", "customer"];
const FINANCE: &[&str] = &["admin", "finance"];
const INVOICES: &[&str] = &["admin", "finance", "account_manager", "customer"];
const SENDERS: &[&str] = &["admin", "account_manager", "customer"];

async fn every_operation_admits_exactly_its_roles(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let customer = app.create_customer("Acme").await;
    let mut keys = vec![("admin", app.admin().to_owned())];
    for role in ["finance", "compliance", "account_manager", "customer"] {
        let bound = (role == "customer").then_some(customer.as_str());
        keys.push((role, app.create_key(role, bound).await.1));
    }
    let audit_before = app
        .gql(
            app.admin(),
            "{ auditLog(first: 100) { nodes { id } } }",
            json!({}),
        )
        .await;
    for (query, admitted) in OPERATIONS {
        for (role, key) in &keys {
            let (_, body) = app.gql_raw(Some(key), query, json!({})).await;
            let code = body["errors"][0]["extensions"]["code"]
                .as_str()
                .unwrap_or("none");
            if admitted.contains(role) {
                assert_ne!(code, "FORBIDDEN", "{role} is admitted to {query}: {body}");
                assert_ne!(code, "INTERNAL", "{role}: {query}: {body}");
            } else {
                assert_eq!(code, "FORBIDDEN", "{role} is refused {query}: {body}");
            }
        }
    }
    let audit_after = app
        .gql(
            app.admin(),
            "{ auditLog(first: 100) { nodes { id } } }",
            json!({}),
        )
        .await;
    assert_eq!(audit_before, audit_after, "no call changed anything");
    app.stop().await;
}
