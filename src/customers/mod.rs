//! Customers: the enterprises whose traffic the operator carries and bills.

pub mod portfolio;
pub mod store;

use sea_orm::sea_query::StringLen;
use sea_orm::{DeriveActiveEnum, EnumIter};
use validator::{Validate, ValidationError};

/// Whether a customer's traffic and invoices run.
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    EnumIter,
    DeriveActiveEnum,
    async_graphql::Enum,
    serde::Serialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "snake_case")]
pub enum CustomerStatus {
    #[default]
    #[sea_orm(string_value = "active")]
    Active,
    /// Traffic is refused; data and invoices stay.
    #[sea_orm(string_value = "suspended")]
    Suspended,
    /// The contract ended.
    #[sea_orm(string_value = "closed")]
    Closed,
}

/// A customer to create.
#[derive(Debug, Clone, async_graphql::InputObject, Validate)]
#[graphql(name = "NewCustomerInput")]
pub struct NewCustomer {
    #[validate(custom(function = "display_name"))]
    pub name: String,
    /// Receives the account's alerts.
    #[validate(email(message = "must be an email address"))]
    pub account_manager_email: String,
    /// Receives the invoices.
    #[validate(email(message = "must be an email address"))]
    pub billing_email: String,
    /// ISO 4217 code such as `USD`.
    #[validate(custom(function = "currency_code"))]
    pub currency: String,
    #[graphql(default)]
    pub status: CustomerStatus,
}

/// Changes to a customer; absent fields stay as they are.
#[derive(Debug, Clone, Default, async_graphql::InputObject, Validate)]
#[graphql(name = "CustomerUpdateInput")]
pub struct CustomerUpdate {
    #[validate(custom(function = "display_name"))]
    pub name: Option<String>,
    #[validate(email(message = "must be an email address"))]
    pub account_manager_email: Option<String>,
    #[validate(email(message = "must be an email address"))]
    pub billing_email: Option<String>,
    #[validate(custom(function = "currency_code"))]
    pub currency: Option<String>,
    pub status: Option<CustomerStatus>,
}

/// A name people can read: 1 to 200 characters once surrounding spaces are dropped.
fn display_name(name: &str) -> Result<(), ValidationError> {
    let len = name.trim().chars().count();
    if (1..=200).contains(&len) {
        Ok(())
    } else {
        Err(ValidationError::new("length").with_message("must be 1 to 200 characters".into()))
    }
}

/// An ISO 4217 currency code, upper case: invoices round to its minor unit.
fn currency_code(code: &str) -> Result<(), ValidationError> {
    if iso_currency::Currency::from_code(code).is_some() {
        Ok(())
    } else {
        Err(ValidationError::new("currency")
            .with_message("must be an ISO 4217 currency code such as USD".into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid() -> NewCustomer {
        NewCustomer {
            name: "Acme".into(),
            account_manager_email: "am@example.com".into(),
            billing_email: "billing@example.com".into(),
            currency: "USD".into(),
            status: CustomerStatus::Active,
        }
    }

    #[test]
    fn a_complete_customer_is_valid() {
        assert!(valid().validate().is_ok());
    }

    #[test]
    fn each_bad_field_is_named() {
        let bad = NewCustomer {
            name: "   ".into(),
            billing_email: "not-an-email".into(),
            currency: "usd".into(),
            ..valid()
        };
        let errors = bad.validate().unwrap_err();
        let mut fields: Vec<_> = errors
            .field_errors()
            .keys()
            .map(|k| k.to_string())
            .collect();
        fields.sort();
        assert_eq!(fields, ["billing_email", "currency", "name"]);
    }

    #[test]
    fn an_update_checks_only_the_fields_it_sets() {
        assert!(CustomerUpdate::default().validate().is_ok());
        let bad = CustomerUpdate {
            currency: Some("XXXX".into()),
            ..Default::default()
        };
        assert!(bad
            .validate()
            .unwrap_err()
            .field_errors()
            .contains_key("currency"));
    }
}
