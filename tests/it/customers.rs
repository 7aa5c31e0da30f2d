//! Customers, API keys and the audit log through the API: validation, conflicts, paging.

use serde_json::{json, Value};

use crate::helpers::{spawn_app, Backend, TestApp};
use crate::on_both_databases;

const CREATE: &str =
    "mutation($input: NewCustomerInput!) { createCustomer(input: $input) { id name status } }";
const UPDATE: &str = "mutation($id: ID!, $input: CustomerUpdateInput!) { updateCustomer(id: $id, input: $input) { id name billingEmail currency status updatedAt createdAt } }";
const AUDIT: &str = "{ auditLog(first: 50) { edges { node { actor actorRole action entityType entityId detail } } } }";

on_both_databases!(
    invalid_customer_fields_are_named_and_nothing_changes,
    a_duplicate_customer_name_is_a_conflict,
    an_update_changes_only_the_fields_given,
    customers_page_with_cursors,
    api_key_input_is_validated,
    every_mutation_writes_an_audit_row,
    oversized_queries_are_refused,
);

async fn audit_entries(app: &TestApp) -> Vec<Value> {
    let data = app.gql(app.admin(), AUDIT, json!({})).await;
    data["auditLog"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"].clone())
        .collect()
}

async fn customer_names(app: &TestApp) -> Vec<String> {
    let data = app
        .gql(
            app.admin(),
            "{ customers(first: 100) { nodes { name } } }",
            json!({}),
        )
        .await;
    data["customers"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["name"].as_str().unwrap().to_owned())
        .collect()
}

fn field_names(error: &Value) -> Vec<String> {
    error["extensions"]["fields"]
        .as_array()
        .expect("fields listed")
        .iter()
        .map(|f| f["field"].as_str().unwrap().to_owned())
        .collect()
}

async fn invalid_customer_fields_are_named_and_nothing_changes(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let (code, error) = app
        .gql_error(
            Some(app.admin()),
            CREATE,
            json!({ "input": { "name": "  ", "accountManagerEmail": "am@example.com",
                              "billingEmail": "nope", "currency": "dollars" } }),
        )
        .await;
    assert_eq!(code, "VALIDATION");
    assert_eq!(field_names(&error), ["billingEmail", "currency", "name"]);
    assert!(customer_names(&app).await.is_empty());
    assert!(audit_entries(&app).await.is_empty());

    let id = app.create_customer("Acme").await;
    let (code, error) = app
        .gql_error(
            Some(app.admin()),
            UPDATE,
            json!({ "id": id, "input": { "currency": "EURO" } }),
        )
        .await;
    assert_eq!(code, "VALIDATION");
    assert_eq!(field_names(&error), ["currency"]);
    let (code, error) = app
        .gql_error(
            Some(app.admin()),
            UPDATE,
            json!({ "id": "abc", "input": {} }),
        )
        .await;
    assert_eq!(code, "VALIDATION");
    assert_eq!(field_names(&error), ["id"]);
    let (code, _) = app
        .gql_error(
            Some(app.admin()),
            UPDATE,
            json!({ "id": "999999", "input": { "name": "Z" } }),
        )
        .await;
    assert_eq!(code, "NOT_FOUND");
    let data = app
        .gql(
            app.admin(),
            "query($id: ID!) { customer(id: $id) { currency } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(data["customer"]["currency"], "USD");
    app.stop().await;
}

async fn a_duplicate_customer_name_is_a_conflict(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_customer("Acme").await;
    let other = app.create_customer("Other").await;
    let (code, error) = app
        .gql_error(
            Some(app.admin()),
            CREATE,
            json!({ "input": { "name": " Acme ", "accountManagerEmail": "a@example.com",
                              "billingEmail": "b@example.com", "currency": "USD" } }),
        )
        .await;
    assert_eq!(code, "CONFLICT", "{error}");
    let (code, _) = app
        .gql_error(
            Some(app.admin()),
            UPDATE,
            json!({ "id": other, "input": { "name": "Acme" } }),
        )
        .await;
    assert_eq!(code, "CONFLICT");
    assert_eq!(customer_names(&app).await, ["Acme", "Other"]);
    app.stop().await;
}

async fn an_update_changes_only_the_fields_given(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let id = app.create_customer("Acme").await;
    let data = app
        .gql(
            app.admin(),
            UPDATE,
            json!({ "id": id, "input": { "billingEmail": "ap@acme.example", "status": "SUSPENDED" } }),
        )
        .await;
    let updated = &data["updateCustomer"];
    assert_eq!(updated["name"], "Acme");
    assert_eq!(updated["currency"], "USD");
    assert_eq!(updated["billingEmail"], "ap@acme.example");
    assert_eq!(updated["status"], "SUSPENDED");
    app.stop().await;
}

async fn customers_page_with_cursors(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let names: Vec<String> = (1..=5).map(|i| format!("Customer {i}")).collect();
    for name in &names {
        app.create_customer(name).await;
    }
    let query = "query($after: String) { customers(first: 2, after: $after) { edges { cursor node { name } } pageInfo { hasNextPage endCursor } } }";
    let mut seen = Vec::new();
    let mut after = Value::Null;
    let mut pages = 0;
    loop {
        let data = app.gql(app.admin(), query, json!({ "after": after })).await;
        let page = &data["customers"];
        for edge in page["edges"].as_array().unwrap() {
            seen.push(edge["node"]["name"].as_str().unwrap().to_owned());
        }
        pages += 1;
        if !page["pageInfo"]["hasNextPage"].as_bool().unwrap() {
            break;
        }
        after = page["pageInfo"]["endCursor"].clone();
    }
    assert_eq!(seen, names);
    assert_eq!(pages, 3);

    for (args, field) in [
        ("first: 0", "first"),
        ("first: 101", "first"),
        ("after: \"zzz\"", "after"),
    ] {
        let (code, error) = app
            .gql_error(
                Some(app.admin()),
                &format!("{{ customers({args}) {{ nodes {{ id }} }} }}"),
                json!({}),
            )
            .await;
        assert_eq!(code, "VALIDATION", "{args}");
        assert_eq!(field_names(&error), [field]);
    }
    app.stop().await;
}

async fn api_key_input_is_validated(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let customer = app.create_customer("Acme").await;
    let create = "mutation($input: NewApiKeyInput!) { createApiKey(input: $input) { secret } }";
    let cases = [
        (json!({ "name": "k", "role": "CUSTOMER" }), "customerId"),
        (
            json!({ "name": "k", "role": "FINANCE", "customerId": customer }),
            "customerId",
        ),
        (
            json!({ "name": "k", "role": "CUSTOMER", "customerId": "424242" }),
            "customerId",
        ),
        (json!({ "name": "", "role": "ADMIN" }), "name"),
    ];
    for (input, field) in cases {
        let (code, error) = app
            .gql_error(Some(app.admin()), create, json!({ "input": input }))
            .await;
        assert_eq!(code, "VALIDATION", "{input}");
        assert_eq!(field_names(&error), [field], "{input}");
    }
    let keys = app
        .gql(app.admin(), "{ apiKeys { nodes { id } } }", json!({}))
        .await;
    assert_eq!(keys["apiKeys"]["nodes"], json!([]), "no key was created");

    let (_, secret) = app.create_key("customer", Some(&customer)).await;
    let listed = app
        .gql(
            app.admin(),
            "{ apiKeys { nodes { role keyPrefix customer { name } } } }",
            json!({}),
        )
        .await;
    let key = &listed["apiKeys"]["nodes"][0];
    assert_eq!(key["role"], "CUSTOMER");
    assert_eq!(key["customer"]["name"], "Acme");
    assert!(secret.starts_with(key["keyPrefix"].as_str().unwrap()));
    assert!(
        !listed.to_string().contains(&secret),
        "the secret is never listed"
    );
    app.stop().await;
}

async fn every_mutation_writes_an_audit_row(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let customer = app.create_customer("Acme").await;
    app.gql(
        app.admin(),
        UPDATE,
        json!({ "id": customer, "input": { "currency": "CAD" } }),
    )
    .await;
    let (key_id, secret) = app.create_key("account_manager", None).await;
    app.gql(
        &secret,
        UPDATE,
        json!({ "id": customer, "input": { "name": "Acme Inc" } }),
    )
    .await;
    app.gql(
        app.admin(),
        "mutation($id: ID!) { revokeApiKey(id: $id) { id } }",
        json!({ "id": key_id }),
    )
    .await;

    let entries = audit_entries(&app).await;
    let summary: Vec<(String, String, String, String)> = entries
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap().into(),
                e["actor"].as_str().unwrap().into(),
                e["entityType"].as_str().unwrap().into(),
                e["entityId"].as_str().unwrap().into(),
            )
        })
        .collect();
    let s = |a: &str, b: &str, c: &str, d: &str| {
        (a.to_owned(), b.to_owned(), c.to_owned(), d.to_owned())
    };
    assert_eq!(
        summary,
        [
            s("revokeApiKey", "admin-token", "api_key", &key_id),
            s(
                "updateCustomer",
                &format!("api-key:{key_id}"),
                "customer",
                &customer
            ),
            s("createApiKey", "admin-token", "api_key", &key_id),
            s("updateCustomer", "admin-token", "customer", &customer),
            s("createCustomer", "admin-token", "customer", &customer),
        ],
        "newest first"
    );
    assert_eq!(entries[1]["actorRole"], "ACCOUNT_MANAGER");
    let detail: Value = serde_json::from_str(entries[3]["detail"].as_str().unwrap()).unwrap();
    assert_eq!(detail, json!({ "currency": "CAD" }));
    assert!(!entries
        .iter()
        .any(|e| e["detail"].as_str().unwrap().contains(&secret)));

    let filtered = app
        .gql(
            app.admin(),
            "query($id: ID!) { auditLog(entityType: \"customer\", entityId: $id) { nodes { action } } }",
            json!({ "id": customer }),
        )
        .await;
    assert_eq!(filtered["auditLog"]["nodes"].as_array().unwrap().len(), 3);
    app.stop().await;
}

async fn oversized_queries_are_refused(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let fields = "id name accountManagerEmail billingEmail currency status createdAt updatedAt";
    let one = format!(
        "customers(first: 100) {{ edges {{ cursor node {{ {fields} }} }} nodes {{ {fields} }} }}"
    );
    let query = format!("{{ a: {one} b: {one} c: {one} }}");
    let (_, body) = app.gql_raw(Some(app.admin()), &query, json!({})).await;
    let message = body["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(message.contains("complex"), "{body}");
    let small = format!("{{ {} }}", one.replace("first: 100", "first: 10"));
    app.gql(app.admin(), &small, json!({})).await;
    app.stop().await;
}
