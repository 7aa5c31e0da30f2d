//! A bulk batch's results as CSV, `/send-batches/{id}.csv`, with the same authorization as
//! GraphQL: senders (admins, account managers) read any batch, a customer key its own.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};

use super::documents::{authenticated, file, refused};
use super::HttpState;
use crate::graphql::guard::SENDERS;
use crate::messaging::bulk::store;

/// `/send-batches/{id}.csv`: every line of the file with its message id, status and charge.
pub async fn results(
    state: web::Data<HttpState>,
    request: HttpRequest,
    path: web::Path<String>,
) -> HttpResponse {
    let Some(id) = path
        .strip_suffix(".csv")
        .and_then(|id| id.parse::<i64>().ok())
    else {
        return refused(StatusCode::NOT_FOUND, "no such batch");
    };
    let caller = match authenticated(&state, &request).await {
        Ok(caller) => caller,
        Err(refusal) => return refusal,
    };
    if !SENDERS.contains(&caller.role) {
        return refused(StatusCode::FORBIDDEN, "this role may not read bulk batches");
    }
    let unavailable = || {
        refused(
            StatusCode::SERVICE_UNAVAILABLE,
            "the database is unavailable",
        )
    };
    let batch = match store::get(&state.db, id, caller.customer_id).await {
        Ok(Some(batch)) => batch,
        Ok(None) => return refused(StatusCode::NOT_FOUND, "no such batch"),
        Err(_) => return unavailable(),
    };
    match store::results_csv(&state.db, &batch).await {
        Ok(csv) => file(
            format!("send-batch-{id}-results.csv"),
            "text/csv; charset=utf-8",
            csv,
        ),
        Err(e) => {
            tracing::error!(error = %e, batch = id, "results CSV failed");
            unavailable()
        }
    }
}
