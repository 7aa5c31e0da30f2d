//! Demo data for `serve --demo`: a documented, deterministic set, seeded idempotently (keyed on
//! natural names, so a second run finds everything and adds nothing).

use crate::auth::RequestContext;
use crate::customers::{store, CustomerStatus, NewCustomer};
use crate::error::AppError;
use sea_orm::DatabaseConnection;

/// The demo customer's name.
pub const DEMO_CUSTOMER: &str = "Demo Co";

/// Seeds the demo set; returns the demo customer's id.
pub async fn seed(db: &DatabaseConnection) -> Result<i64, AppError> {
    let operator = RequestContext {
        actor: "demo-seed".into(),
        ..RequestContext::cli()
    };
    let customer = match store::find_by_name(db, DEMO_CUSTOMER).await? {
        Some(existing) => existing,
        None => {
            store::create(
                db,
                &operator,
                NewCustomer {
                    name: DEMO_CUSTOMER.into(),
                    account_manager_email: "am@demo.example".into(),
                    billing_email: "billing@demo.example".into(),
                    currency: "USD".into(),
                    status: CustomerStatus::Active,
                },
            )
            .await?
        }
    };
    Ok(customer.id)
}
