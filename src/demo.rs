//! Demo data for `serve --demo`: a documented, deterministic set, seeded idempotently (each
//! item is keyed on its natural key, so a second run finds everything and adds nothing).
//! The README lists it.

use chrono::{TimeZone, Utc};
use sea_orm::DatabaseConnection;

use crate::auth::RequestContext;
use crate::compliance::authorizations::{self, NewAuthorization};
use crate::compliance::number_store::{self, NewNumber, MAX_PER_SECOND};
use crate::compliance::numbers::{NumberKind, ShortCodeType};
use crate::customers::{store, CustomerStatus, NewCustomer};
use crate::error::AppError;
use crate::messaging::carrier_store;
use crate::smpp::account_store::{self, NewSmppAccount};
use crate::smpp::accounts::BindType;

/// The demo customer's name.
pub const DEMO_CUSTOMER: &str = "Demo Co";
/// The demo SMPP credentials.
pub const DEMO_SYSTEM_ID: &str = "demo";
pub const DEMO_PASSWORD: &str = "demopass";

/// The demo carriers: (code, name, prefix).
const CARRIERS: [(&str, &str, &str); 3] = [
    ("ATT", "AT&T", "+1206555"),
    ("TMOBILE", "T-Mobile", "+1425555"),
    ("VERIZON", "Verizon", "+1503555"),
];

/// One demo number: (kind, address, short code type, two-way, SMS, MMS).
type DemoNumber = (
    NumberKind,
    &'static str,
    Option<ShortCodeType>,
    bool,
    bool,
    bool,
);

const NUMBERS: [DemoNumber; 4] = [
    (NumberKind::LongCode, "+12065550100", None, true, true, true),
    (NumberKind::TollFree, "+18885550100", None, true, true, true),
    (
        NumberKind::ShortCode,
        "55501",
        Some(ShortCodeType::Random),
        true,
        true,
        false,
    ),
    (NumberKind::Alphanumeric, "DEMOCO", None, false, true, false),
];

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

    for (kind, address, short_code_type, two_way, sms, mms) in NUMBERS {
        if number_store::find_by_address(db, address).await?.is_some() {
            continue;
        }
        let number = number_store::create(
            db,
            &operator,
            NewNumber {
                customer_id: customer.id,
                kind,
                address: address.into(),
                short_code_type,
                two_way,
                fteu: false,
                // Generous, so a load test against the demo is not throttled.
                per_second_limit: Some(MAX_PER_SECOND),
                per_day_limit: None,
            },
        )
        .await?;
        number_store::attest(db, &operator, number.id, "Demo Co (demo data)").await?;
        if kind == NumberKind::Alphanumeric {
            authorizations::record(
                db,
                &operator,
                NewAuthorization {
                    number_id: number.id,
                    reference: "DEMO-AUTH-001".into(),
                    granted_by: "Demo Co brand owner".into(),
                    granted_at: Utc
                        .with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
                        .single()
                        .unwrap_or_default(),
                },
            )
            .await?;
        }
        number_store::set_messaging(db, &operator, number.id, sms, mms).await?;
    }

    if account_store::find_by_system_id(db, DEMO_SYSTEM_ID)
        .await?
        .is_none()
    {
        account_store::create(
            db,
            &operator,
            NewSmppAccount {
                customer_id: customer.id,
                system_id: DEMO_SYSTEM_ID.into(),
                password: Some(DEMO_PASSWORD.into()),
                bind_types: vec![
                    BindType::Transmitter,
                    BindType::Receiver,
                    BindType::Transceiver,
                ],
                max_binds: 4,
                window_size: 64,
                allowed_networks: Vec::new(),
            },
        )
        .await?;
    }

    let mut routes = String::from(crate::messaging::carriers::ROUTES_CSV_HEADER);
    for (code, name, prefix) in CARRIERS {
        if carrier_store::find_by_code(db, code).await?.is_none() {
            carrier_store::create(db, &operator, code, name).await?;
            routes.push_str(&format!("\nprefix,{prefix},{code}"));
        }
    }
    if routes.contains('\n') {
        carrier_store::import_routes(db, &operator, &routes).await?;
    }
    Ok(customer.id)
}
