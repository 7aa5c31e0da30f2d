//! Invoice documents over HTTP, with the same authorization as GraphQL: a bearer key of
//! finance, admin or an account manager reads any invoice; a customer key its own issued
//! ones. `/invoices/{id}.pdf`, `.csv` and `.xlsx`, and `/invoices/{id}/lines/{line}.csv` (a
//! line's records, the drill-down).

use actix_web::http::header::{AUTHORIZATION, CONTENT_DISPOSITION};
use actix_web::{web, HttpRequest, HttpResponse};
use sea_orm::EntityTrait;

use super::HttpState;
use crate::auth::keys;
use crate::billing::delivery::{file_stem, render, Format};
use crate::billing::documents::records_csv;
use crate::billing::invoice_store;
use crate::billing::invoicing::InvoiceState;
use crate::db::entities::{invoice, invoice_line};
use crate::graphql::invoices::INVOICE_READERS;

pub(super) fn refused(status: actix_web::http::StatusCode, message: &str) -> HttpResponse {
    HttpResponse::build(status).json(serde_json::json!({ "error": message }))
}

/// The caller behind the request's bearer key, as GraphQL would see it; otherwise the 401.
pub(super) async fn authenticated(
    state: &HttpState,
    request: &HttpRequest,
) -> Result<crate::auth::RequestContext, HttpResponse> {
    use actix_web::http::StatusCode;
    let token = request
        .headers()
        .get(AUTHORIZATION)
        .and_then(|h| h.to_str().ok())
        .and_then(|h| h.strip_prefix("Bearer "))
        .map(str::trim)
        .ok_or_else(|| {
            refused(
                StatusCode::UNAUTHORIZED,
                "send an API key as Authorization: Bearer <key>",
            )
        })?;
    keys::authenticate(&state.db, state.admin_token.as_deref(), token)
        .await
        .map_err(|_| refused(StatusCode::UNAUTHORIZED, "invalid or revoked API key"))
}

/// The invoice when the bearer key may read it; otherwise the response to send.
async fn readable(
    state: &HttpState,
    request: &HttpRequest,
    id: i64,
) -> Result<invoice::Model, HttpResponse> {
    use actix_web::http::StatusCode;
    let caller = authenticated(state, request).await?;
    if !INVOICE_READERS.contains(&caller.role) {
        return Err(refused(
            StatusCode::FORBIDDEN,
            "this role may not read invoices",
        ));
    }
    let not_found = || refused(StatusCode::NOT_FOUND, "no such invoice");
    let found = invoice::Entity::find_by_id(id)
        .one(&state.db)
        .await
        .map_err(|_| {
            refused(
                StatusCode::SERVICE_UNAVAILABLE,
                "the database is unavailable",
            )
        })?
        .ok_or_else(not_found)?;
    match caller.customer_id {
        Some(own) if own != found.customer_id || found.state == InvoiceState::Draft => {
            Err(not_found())
        }
        _ => Ok(found),
    }
}

pub(super) fn file(name: String, content_type: &str, body: Vec<u8>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((
            CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}\""),
        ))
        .body(body)
}

/// `/invoices/{id}.pdf`, `.csv` or `.xlsx`.
pub async fn invoice_document(
    state: web::Data<HttpState>,
    request: HttpRequest,
    path: web::Path<(i64, String)>,
) -> HttpResponse {
    let (id, format) = path.into_inner();
    let Some(format) = Format::parse(&format) else {
        return refused(
            actix_web::http::StatusCode::NOT_FOUND,
            "documents are .pdf, .csv or .xlsx",
        );
    };
    let invoice = match readable(&state, &request, id).await {
        Ok(invoice) => invoice,
        Err(refusal) => return refusal,
    };
    match render(&state.db, &state.billing, &invoice, format).await {
        Ok(bytes) => file(
            format!("{}.{}", file_stem(&invoice), format.extension()),
            format.content_type(),
            bytes,
        ),
        Err(e) => {
            tracing::error!(error = %e, "invoice document not rendered");
            refused(
                actix_web::http::StatusCode::SERVICE_UNAVAILABLE,
                "the document cannot be rendered now",
            )
        }
    }
}

pub async fn line_records_csv(
    state: web::Data<HttpState>,
    request: HttpRequest,
    path: web::Path<(i64, i64)>,
) -> HttpResponse {
    let (invoice_id, line_id) = path.into_inner();
    let invoice = match readable(&state, &request, invoice_id).await {
        Ok(invoice) => invoice,
        Err(refusal) => return refusal,
    };
    let line = match invoice_line::Entity::find_by_id(line_id)
        .one(&state.db)
        .await
    {
        Ok(Some(line)) if line.invoice_id == invoice.id => line,
        _ => {
            return refused(
                actix_web::http::StatusCode::NOT_FOUND,
                "no such line on this invoice",
            )
        }
    };
    // Every record, a page at a time (a line can hold millions).
    let mut records = Vec::new();
    let mut after = None;
    loop {
        match invoice_store::line_records(&state.db, &line, after, 10_000).await {
            Ok(page) if page.is_empty() => break,
            Ok(page) => {
                after = page.last().map(|r| r.id);
                records.extend(page);
            }
            Err(e) => {
                tracing::error!(error = %e, "line records unreadable");
                return refused(
                    actix_web::http::StatusCode::SERVICE_UNAVAILABLE,
                    "the database is unavailable",
                );
            }
        }
    }
    file(
        format!("{}-line-{}.csv", file_stem(&invoice), line.seq),
        Format::Csv.content_type(),
        records_csv(&line, &records),
    )
}
