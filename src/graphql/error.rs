//! The one mapping from domain errors to GraphQL errors, with a stable `extensions.code`.
//!
//! Resolvers call `.gql()` instead of `?` on an `AppError`: async-graphql's blanket
//! `From<Display>` would copy the message without a code.

use async_graphql::{Error, ErrorExtensions};

use crate::error::AppError;

/// Stable codes clients can switch on.
pub mod code {
    pub const UNAUTHENTICATED: &str = "UNAUTHENTICATED";
    pub const FORBIDDEN: &str = "FORBIDDEN";
    pub const NOT_FOUND: &str = "NOT_FOUND";
    pub const VALIDATION: &str = "VALIDATION";
    pub const CONFLICT: &str = "CONFLICT";
    pub const INTERNAL: &str = "INTERNAL";
}

/// A GraphQL error with a code and a message safe to show.
pub fn coded(code: &'static str, message: impl Into<String>) -> Error {
    Error::new(message).extend_with(|_, e| e.set("code", code))
}

impl ErrorExtensions for AppError {
    fn extend(&self) -> Error {
        match self {
            AppError::Validation(fields) => {
                let fields =
                    async_graphql::Value::from_json(serde_json::json!(fields)).unwrap_or_default();
                Error::new(self.to_string()).extend_with(|_, e| {
                    e.set("code", code::VALIDATION);
                    e.set("fields", fields.clone());
                })
            }
            AppError::NotFound(_) => coded(code::NOT_FOUND, self.to_string()),
            AppError::Conflict(_) => coded(code::CONFLICT, self.to_string()),
            AppError::Forbidden(_) => coded(code::FORBIDDEN, self.to_string()),
            AppError::Internal(cause) => {
                tracing::error!(error = ?cause, "internal error");
                coded(code::INTERNAL, "internal error")
            }
        }
    }
}

/// `.gql()` turns a domain result into a resolver result.
pub trait ResultExt<T> {
    fn gql(self) -> async_graphql::Result<T>;
}

impl<T, E: Into<AppError>> ResultExt<T> for Result<T, E> {
    fn gql(self) -> async_graphql::Result<T> {
        self.map_err(|e| e.into().extend())
    }
}
