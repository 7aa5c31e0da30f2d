//! The GraphQL endpoint: resolves the bearer key to a caller, then runs the request.

use actix_web::http::header::AUTHORIZATION;
use actix_web::{web, Either, HttpRequest, HttpResponse};
use async_graphql::dataloader::DataLoader;
use async_graphql::http::GraphiQLSource;
use async_graphql_actix_web::{GraphQLRequest, GraphQLResponse};

use super::HttpState;
use crate::auth::keys::{self, AuthError};
use crate::graphql::error::code;
use crate::graphql::loader::CustomerLoader;

pub async fn execute(
    state: web::Data<HttpState>,
    http: HttpRequest,
    request: GraphQLRequest,
) -> Either<GraphQLResponse, HttpResponse> {
    match run(&state, &http, request).await {
        Ok(response) => Either::Left(response),
        Err(refusal) => Either::Right(refusal),
    }
}

async fn run(
    state: &HttpState,
    http: &HttpRequest,
    request: GraphQLRequest,
) -> Result<GraphQLResponse, HttpResponse> {
    let mut request = request.into_inner().data(DataLoader::new(
        CustomerLoader {
            db: state.db.clone(),
        },
        tokio::spawn,
    ));
    if let Some(header) = http.headers().get(AUTHORIZATION) {
        let token = header
            .to_str()
            .ok()
            .and_then(|h| h.strip_prefix("Bearer "))
            .map(str::trim)
            .ok_or_else(|| {
                unauthenticated("the Authorization header must be `Bearer <API key>`")
            })?;
        match keys::authenticate(&state.db, state.admin_token.as_deref(), token).await {
            Ok(caller) => request = request.data(caller),
            Err(AuthError::InvalidKey) => {
                return Err(unauthenticated("invalid or revoked API key"));
            }
            Err(e) => {
                tracing::error!(error = %e, "authenticating a key failed");
                return Err(HttpResponse::ServiceUnavailable().json(serde_json::json!({
                    "data": null,
                    "errors": [{"message": "internal error", "extensions": {"code": code::INTERNAL}}]
                })));
            }
        }
    }
    Ok(state.schema.execute(request).await.into())
}

/// A 401 with a GraphQL error body, so clients handle it like any other error.
fn unauthenticated(message: &str) -> HttpResponse {
    HttpResponse::Unauthorized()
        .insert_header(("WWW-Authenticate", "Bearer"))
        .json(serde_json::json!({
            "data": null,
            "errors": [{"message": message, "extensions": {"code": code::UNAUTHENTICATED}}]
        }))
}

pub async fn graphiql() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(GraphiQLSource::build().endpoint("/graphql").finish())
}
