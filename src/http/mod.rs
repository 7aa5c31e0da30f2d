//! The HTTP side: GraphQL (POST) and GraphiQL (GET) at `/graphql`, MM7 at `/mm7`, `/health`, `/metrics`,
//! invoice documents and bulk results CSVs,
//! and the web UI at `/` (every other GET path too: the UI routes in the browser).

mod documents;
mod graphql;
mod send_batches;
mod ui;

use std::time::Instant;

use actix_web::dev::Service as _;
use actix_web::{web, HttpResponse};
use sea_orm::DatabaseConnection;

use crate::graphql::AppSchema;
use crate::metrics::Metrics;

/// What every request handler shares.
#[derive(Clone)]
pub struct HttpState {
    pub schema: AppSchema,
    pub db: DatabaseConnection,
    pub admin_token: Option<String>,
    pub metrics: Metrics,
    /// The MM7 endpoint's gateway and checked credentials (one per service, shared).
    pub mm7: web::Data<crate::mm7::server::Mm7State>,
    /// The largest MM7 request body.
    pub mm7_max_bytes: usize,
    /// The operator's details on invoice documents.
    pub billing: crate::config::BillingSettings,
}

/// Builds the actix application for one worker.
pub fn app(
    state: HttpState,
) -> actix_web::App<
    impl actix_web::dev::ServiceFactory<
        actix_web::dev::ServiceRequest,
        Config = (),
        Response = actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    static UI_CHECK: std::sync::Once = std::sync::Once::new();
    UI_CHECK.call_once(|| {
        if !ui::is_built() {
            tracing::warn!(
                "the web UI is not built into this binary; `/` explains how to build it"
            );
        }
    });
    let metrics = state.metrics.clone();
    let mm7 = state.mm7.clone();
    let mm7_limit = web::PayloadConfig::new(state.mm7_max_bytes);
    actix_web::App::new()
        .app_data(web::Data::new(state))
        .app_data(web::JsonConfig::default().limit(1 << 20))
        .wrap_fn(move |req, srv| {
            let metrics = metrics.clone();
            let method = req.method().to_string();
            let started = Instant::now();
            let response = srv.call(req);
            async move {
                let response = response.await?;
                let route = response
                    .request()
                    .match_pattern()
                    .unwrap_or_else(|| "unmatched".into());
                metrics
                    .http_requests
                    .with_label_values(&[&method, &route, response.status().as_str()])
                    .inc();
                metrics
                    .http_duration
                    .with_label_values(&[&method, &route])
                    .observe(started.elapsed().as_secs_f64());
                Ok(response)
            }
        })
        .wrap(tracing_actix_web::TracingLogger::default())
        .route("/graphql", web::post().to(graphql::execute))
        .route("/graphql", web::get().to(graphql::graphiql))
        .service(
            web::resource("/mm7")
                .app_data(mm7)
                .app_data(mm7_limit)
                .route(web::post().to(crate::mm7::server::endpoint)),
        )
        .route(
            "/invoices/{id}.{format}",
            web::get().to(documents::invoice_document),
        )
        .route(
            "/invoices/{id}/lines/{line}.csv",
            web::get().to(documents::line_records_csv),
        )
        .route("/send-batches/{file}", web::get().to(send_batches::results))
        .route("/health", web::get().to(health))
        .route("/metrics", web::get().to(metrics_text))
        .route("/", ui::index_route())
        .default_service(ui::fallback_route())
}

/// 200 when the database answers, 503 otherwise.
async fn health(state: web::Data<HttpState>) -> HttpResponse {
    match crate::db::ping(&state.db).await {
        Ok(()) => HttpResponse::Ok().json(serde_json::json!({"status": "ok", "database": "ok"})),
        Err(e) => {
            tracing::error!(error = %e, "health check: database unreachable");
            HttpResponse::ServiceUnavailable()
                .json(serde_json::json!({"status": "unavailable", "database": "unreachable"}))
        }
    }
}

async fn metrics_text(state: web::Data<HttpState>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(state.metrics.render())
}
