//! Account managers' own keys: their customers' alerts only, their portfolio with this
//! month's traffic, and the read-only settings for admins.

use backoffice::alerts::store::{raise, NewAlert};
use serde_json::{json, Value};

use crate::helpers::{Backend, TestApp};
use crate::on_both_databases;
use crate::smpp::{demo_app, gsm, submit_body, wait_for_status, Esme, BIND_TRANSCEIVER};

async fn customer_managed_by(app: &TestApp, name: &str, manager: &str) -> i64 {
    app.gql(
        app.admin(),
        "mutation($input: NewCustomerInput!) { createCustomer(input: $input) { id } }",
        json!({ "input": {
            "name": name,
            "accountManagerEmail": manager,
            "billingEmail": "billing@example.com",
            "currency": "USD",
        }}),
    )
    .await["createCustomer"]["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap()
}

async fn manager_key(app: &TestApp, email: Option<&str>) -> String {
    app.gql(
        app.admin(),
        "mutation($input: NewApiKeyInput!) { createApiKey(input: $input) { secret } }",
        json!({ "input": { "name": "manager", "role": "ACCOUNT_MANAGER", "email": email } }),
    )
    .await["createApiKey"]["secret"]
        .as_str()
        .unwrap()
        .to_string()
}

async fn alert_subjects(app: &TestApp, key: &str) -> Vec<String> {
    let data = app
        .gql(
            key,
            "{ alerts(first: 50) { nodes { id subject } } }",
            json!({}),
        )
        .await;
    let mut subjects: Vec<String> = data["alerts"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["subject"].as_str().unwrap().to_string())
        .collect();
    subjects.sort();
    subjects
}

async fn a_manager_sees_and_handles_only_their_customers(backend: Backend) {
    let Some(app) = demo_app(backend, 0).await else {
        return;
    };
    let ada = customer_managed_by(&app, "Ada Ltd", "Ada.Manager@operator.example").await;
    let bob = customer_managed_by(&app, "Bob Inc", "bob@operator.example").await;
    for (customer, subject) in [(ada, "Ada's code is silent"), (bob, "Bob's code is silent")] {
        let raised = raise(
            &app.db,
            NewAlert {
                customer_id: Some(customer),
                lease_id: None,
                kind: "inactivity_warning".into(),
                subject: subject.into(),
                detail: "60 days without traffic".into(),
            },
        )
        .await
        .unwrap();
        assert!(raised);
    }

    let own = manager_key(&app, Some("ada.manager@operator.example")).await;
    assert_eq!(alert_subjects(&app, &own).await, ["Ada's code is silent"]);
    let team = manager_key(&app, None).await;
    let everyones = alert_subjects(&app, &team).await;
    assert!(
        everyones.len() > 2
            && everyones.contains(&"Ada's code is silent".to_string())
            && everyones.contains(&"Bob's code is silent".to_string()),
        "a team key sees every customer's alerts: {everyones:?}"
    );
    let viewer = app
        .gql(
            &own,
            "{ viewer { role managerEmail customerId } }",
            json!({}),
        )
        .await;
    assert_eq!(
        viewer["viewer"],
        json!({ "role": "ACCOUNT_MANAGER", "managerEmail": "ada.manager@operator.example", "customerId": null })
    );

    // Bob's alert is not Ada's manager's to acknowledge.
    let bobs = app
        .gql(
            &team,
            "query($c: ID) { alerts(customerId: $c) { nodes { id } } }",
            json!({ "c": bob.to_string() }),
        )
        .await["alerts"]["nodes"][0]["id"]
        .clone();
    let (_, refused) = app
        .gql_raw(
            Some(&own),
            "mutation($id: ID!) { acknowledgeAlert(id: $id) { id } }",
            json!({ "id": bobs }),
        )
        .await;
    assert_eq!(
        refused["errors"][0]["extensions"]["code"], "NOT_FOUND",
        "{refused}"
    );
    let open = app
        .gql(
            &team,
            "query($c: ID) { alerts(customerId: $c, acknowledged: false) { nodes { id } } }",
            json!({ "c": bob.to_string() }),
        )
        .await;
    assert_eq!(open["alerts"]["nodes"][0]["id"], bobs, "still open");

    // The portfolio: the manager's own customers with their open alerts.
    let mine = app
        .gql(
            &own,
            "{ myCustomers(accountManager: \"bob@operator.example\") { customer { name } openAlerts monthFragments ratioLevel forecastsDue } }",
            json!({}),
        )
        .await;
    assert_eq!(
        mine["myCustomers"],
        json!([{ "customer": { "name": "Ada Ltd" }, "openAlerts": 1, "monthFragments": 0, "ratioLevel": "WITHIN", "forecastsDue": 0 }]),
        "a manager's own key ignores another manager's name"
    );

    // This month's traffic counts in the demo customer's line (its manager: am@demo.example).
    let demo_line =
        "{ myCustomers(accountManager: \"AM@demo.example\") { customer { name } monthFragments } }";
    let before = app.gql(app.admin(), demo_line, json!({})).await["myCustomers"][0]
        ["monthFragments"]
        .as_i64()
        .unwrap();
    let mut esme = Esme::connect(&app).await;
    assert_eq!(esme.bind(BIND_TRANSCEIVER, "demo", "demopass").await, 0);
    let (status, id) = esme
        .submit(&submit_body(
            "12065550100",
            "14255550123",
            0,
            1,
            0,
            &gsm(&"x".repeat(200)),
            &[],
        ))
        .await;
    assert_eq!(status, 0);
    wait_for_status(&app, &id, "DELIVERED").await;
    let demo = app.gql(app.admin(), demo_line, json!({})).await;
    assert_eq!(
        demo["myCustomers"],
        json!([{ "customer": { "name": "Demo Co" }, "monthFragments": before + 2 }]),
        "a 200-character message is two more fragments"
    );
    let everyone = app
        .gql(
            app.admin(),
            "{ myCustomers { customer { name } } }",
            json!({}),
        )
        .await;
    assert_eq!(everyone["myCustomers"].as_array().unwrap().len(), 3);

    // Only account manager keys name a manager, with a real address.
    for (role, email, reason) in [
        ("FINANCE", "f@operator.example", "only account manager keys"),
        ("ACCOUNT_MANAGER", "not-an-email", "is not an email address"),
    ] {
        let (_, body) = app
            .gql_raw(
                Some(app.admin()),
                "mutation($input: NewApiKeyInput!) { createApiKey(input: $input) { secret } }",
                json!({ "input": { "name": "x", "role": role, "email": email } }),
            )
            .await;
        let field: &Value = &body["errors"][0]["extensions"]["fields"][0];
        assert_eq!(field["field"], "email", "{body}");
        assert!(
            field["message"].as_str().unwrap().contains(reason),
            "{body}"
        );
    }
    app.stop().await;
}

async fn admins_read_the_settings_with_secrets_masked(backend: Backend) {
    let Some(app) = crate::helpers::spawn_app(backend).await else {
        return;
    };
    let settings = app.gql(app.admin(), "{ settings }", json!({})).await["settings"].clone();
    assert_eq!(settings["auth"]["admin_token"], "***");
    assert_eq!(settings["http"]["addr"], app.settings.http.addr.as_str());
    assert_eq!(
        settings["retention"]["content_days"],
        json!(app.settings.retention.content_days)
    );
    assert!(!settings.to_string().contains(app.admin()));
    let finance = app.create_key("finance", None).await.1;
    let (_, refused) = app.gql_raw(Some(&finance), "{ settings }", json!({})).await;
    assert_eq!(refused["errors"][0]["extensions"]["code"], "FORBIDDEN");
    app.stop().await;
}

on_both_databases!(
    a_manager_sees_and_handles_only_their_customers,
    admins_read_the_settings_with_secrets_masked,
);
