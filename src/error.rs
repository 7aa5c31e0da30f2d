//! The one error type the domain stores return. The API and the CLI each map it once: a stable
//! code for clients, the cause chain for the logs. Database text never reaches a client.

use sea_orm::{DbErr, SqlErr};
use validator::ValidationErrors;

/// One invalid input field, named as the API spells it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// What went wrong, in the terms a caller can act on.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AppError {
    /// Some input fields are invalid; nothing was changed.
    #[error("invalid input: {}", describe(.0))]
    Validation(Vec<FieldError>),
    /// The thing asked for does not exist (or is not visible to the caller).
    #[error("{0} not found")]
    NotFound(String),
    /// The change clashes with the current state (a duplicate, an already-revoked key).
    #[error("{0}")]
    Conflict(String),
    /// The caller's role may not do this.
    #[error("{0}")]
    Forbidden(String),
    /// Anything else; details go to the log only.
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

fn describe(fields: &[FieldError]) -> String {
    fields
        .iter()
        .map(|f| format!("{}: {}", f.field, f.message))
        .collect::<Vec<_>>()
        .join("; ")
}

impl AppError {
    /// A validation error on one field (`snake_case` names are shown as the API's camelCase).
    pub fn invalid_field(field: &str, message: impl Into<String>) -> Self {
        AppError::Validation(vec![FieldError {
            field: camel_case(field),
            message: message.into(),
        }])
    }
}

impl From<ValidationErrors> for AppError {
    fn from(errors: ValidationErrors) -> Self {
        let mut fields: Vec<FieldError> = errors
            .field_errors()
            .into_iter()
            .flat_map(|(field, errs)| {
                errs.iter().map(move |e| FieldError {
                    field: camel_case(&field),
                    message: e
                        .message
                        .as_ref()
                        .map(|m| m.to_string())
                        .unwrap_or_else(|| format!("is invalid ({})", e.code)),
                })
            })
            .collect();
        fields.sort_by(|a, b| a.field.cmp(&b.field));
        AppError::Validation(fields)
    }
}

impl From<DbErr> for AppError {
    fn from(err: DbErr) -> Self {
        if let DbErr::RecordNotFound(what) = &err {
            return AppError::NotFound(what.clone());
        }
        match err.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => {
                AppError::Conflict("a record with the same unique value already exists".into())
            }
            Some(SqlErr::ForeignKeyConstraintViolation(_)) => {
                AppError::Conflict("the record is referenced by, or refers to, missing rows".into())
            }
            _ => AppError::Internal(err.into()),
        }
    }
}

/// `account_manager_email` -> `accountManagerEmail`, the name GraphQL clients see.
pub fn camel_case(field: &str) -> String {
    let mut out = String::with_capacity(field.len());
    let mut upper = false;
    for c in field.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_names_are_shown_in_camel_case() {
        assert_eq!(camel_case("account_manager_email"), "accountManagerEmail");
        assert_eq!(camel_case("name"), "name");
    }

    #[test]
    fn a_missing_record_is_not_found_and_other_database_errors_are_internal() {
        assert!(matches!(
            AppError::from(DbErr::RecordNotFound("customer 7".into())),
            AppError::NotFound(_)
        ));
        let internal = AppError::from(DbErr::Custom("disk on fire".into()));
        assert!(matches!(internal, AppError::Internal(_)));
        assert_eq!(internal.to_string(), "internal error");
    }
}
