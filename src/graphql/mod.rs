//! The GraphQL API: one query and one mutation object per domain, merged into one schema.

pub mod analytics;
pub mod api_keys;
pub mod audit;
pub mod billing;
pub mod bulk;
pub mod carriers;
pub mod customers;
pub mod error;
pub mod filings;
pub mod forecasts;
pub mod guard;
pub mod invoices;
pub mod jobs;
pub mod leases;
pub mod loader;
pub mod messages;
pub mod mms;
pub mod numbers;
pub mod opt_outs;
pub mod pagination;
pub mod smpp_accounts;
pub mod use_cases;

use async_graphql::{EmptySubscription, MergedObject, SDLExportOptions, Schema, SchemaBuilder, ID};
use sea_orm::DatabaseConnection;

use crate::config::Settings;
use crate::error::AppError;
use error::ResultExt;

/// Every query, by domain.
#[derive(MergedObject, Default)]
pub struct Query(
    customers::CustomerQuery,
    api_keys::ApiKeyQuery,
    audit::AuditQuery,
    numbers::NumberQuery,
    carriers::CarrierQuery,
    smpp_accounts::SmppAccountQuery,
    opt_outs::OptOutQuery,
    billing::BillingQuery,
    messages::MessageQuery,
    analytics::AnalyticsQuery,
    leases::LeaseQuery,
    filings::FilingQuery,
    forecasts::ForecastQuery,
    use_cases::UseCaseQuery,
    mms::MmsQuery,
    invoices::InvoiceQuery,
    jobs::JobQuery,
    bulk::BulkQuery,
);

/// Every mutation, by domain. Each one writes an audit row.
#[derive(MergedObject, Default)]
pub struct Mutation(
    customers::CustomerMutation,
    api_keys::ApiKeyMutation,
    numbers::NumberMutation,
    carriers::CarrierMutation,
    smpp_accounts::SmppAccountMutation,
    opt_outs::OptOutMutation,
    billing::BillingMutation,
    messages::MessageMutation,
    leases::LeaseMutation,
    filings::FilingMutation,
    forecasts::ForecastMutation,
    use_cases::UseCaseMutation,
    mms::MmsMutation,
    invoices::InvoiceMutation,
    jobs::JobMutation,
    bulk::BulkMutation,
);

/// The schema type served at `/graphql`.
pub type AppSchema = Schema<Query, Mutation, EmptySubscription>;

/// The schema without data, shared by `serve` and `export-schema`.
pub fn schema_builder() -> SchemaBuilder<Query, Mutation, EmptySubscription> {
    Schema::build(Query::default(), Mutation::default(), EmptySubscription)
}

/// The schema the server runs: with the database and limits. (No async-graphql `Tracing`
/// extension: it logs query text with variables, which will hold phone numbers.)
pub fn build_schema(
    db: DatabaseConnection,
    settings: &Settings,
    gateway: std::sync::Arc<crate::smpp::gateway::Gateway>,
    mailer: std::sync::Arc<crate::mail::Mailer>,
    jobs: crate::jobs::JobContext,
) -> AppSchema {
    schema_builder()
        .data(db)
        .data(mailer)
        .data(jobs)
        .data(std::sync::Arc::clone(&gateway.sessions))
        .data(gateway)
        .data(settings.throttle.clone())
        .data(settings.compliance.clone())
        .data(settings.mms.clone())
        .data(settings.billing.clone())
        .limit_depth(settings.graphql.depth_limit)
        .limit_complexity(settings.graphql.complexity_limit)
        .limit_recursive_depth(32)
        .finish()
}

/// The SDL, sorted so diffs of `schema.graphql` stay small.
pub fn sdl() -> String {
    schema_builder().finish().sdl_with_options(
        SDLExportOptions::new()
            .sorted_fields()
            .sorted_arguments()
            .sorted_enum_items(),
    )
}

/// Parses a numeric id argument, naming the argument when it is not one.
pub fn parse_id(id: &ID, field: &str) -> async_graphql::Result<i64> {
    id.parse::<i64>()
        .map_err(|_| AppError::invalid_field(field, "is not a valid id"))
        .gql()
}
