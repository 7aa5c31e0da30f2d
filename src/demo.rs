//! Demo data for `serve --demo`: a documented, deterministic set, seeded idempotently (each
//! item is keyed on its natural key, so a second run finds everything and adds nothing).
//! The README lists it.

use chrono::{TimeZone, Utc};
use sea_orm::DatabaseConnection;

use std::str::FromStr;

use rust_decimal::Decimal;

use crate::auth::RequestContext;
use crate::billing::carrier_fees::{self, NewCarrierFee};
use crate::billing::rate_store::{self, NewRateCard};
use crate::billing::rating::{Direction, MessageKind};
use crate::compliance::authorizations::{self, NewAuthorization};
use crate::compliance::filings::{FilingKind, FilingStatus};
use crate::compliance::forecasts::Quarter;
use crate::compliance::number_store::{self, NewNumber, MAX_PER_SECOND};
use crate::compliance::numbers::{NumberKind, ShortCodeType};
use crate::compliance::use_cases::UseCaseStatus;
use crate::compliance::{filing_store, forecast_store, lease_store, use_case_store};
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
/// The demo MM7 credential (HTTP Basic) and the VASPID its requests carry.
pub const DEMO_MM7_USERNAME: &str = "demo";
pub const DEMO_MM7_PASSWORD: &str = "demopass";
pub const DEMO_VASP_ID: &str = "DEMOCO";

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

const NUMBERS: [DemoNumber; 5] = [
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
    (
        NumberKind::ShortCode,
        "55502",
        Some(ShortCodeType::Random),
        true,
        true,
        false,
    ),
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
                reassemble_mo: true,
            },
        )
        .await?;
    }

    if crate::mm7::accounts::find_by_username(db, DEMO_MM7_USERNAME)
        .await?
        .is_none()
    {
        crate::mm7::accounts::create(
            db,
            &operator,
            crate::mm7::accounts::NewMm7Account {
                customer_id: customer.id,
                username: DEMO_MM7_USERNAME.into(),
                password: Some(DEMO_MM7_PASSWORD.into()),
                vasp_id: DEMO_VASP_ID.into(),
                vas_id: None,
                delivery_url: None,
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
    seed_prices(db, &operator, customer.id).await?;
    seed_leases(db, &operator).await?;
    seed_use_cases(db, &operator, customer.id).await?;
    Ok(customer.id)
}

/// An approved MMS use case for `+12065550100` (text, audio, video) and a pending one for
/// `+18885550100`.
async fn seed_use_cases(
    db: &DatabaseConnection,
    operator: &RequestContext,
    customer_id: i64,
) -> Result<(), AppError> {
    if !use_case_store::list(db, Some(customer_id))
        .await?
        .is_empty()
    {
        return Ok(());
    }
    for (address, approve) in [("+12065550100", true), ("+18885550100", false)] {
        let Some(number) = number_store::find_by_address(db, address).await? else {
            continue;
        };
        let submitted = use_case_store::submit(
            db,
            operator,
            use_case_store::NewUseCase {
                customer_id,
                description: "Order updates with a short product video or voice note".into(),
                sample_content: "Your order has shipped (video attached).".into(),
                number_ids: vec![number.id],
                media_types: vec!["text/*".into(), "audio/*".into(), "video/*".into()],
                expected_monthly_volume: 5_000,
                att_exempt: false,
                att_evidence: None,
            },
        )
        .await?;
        if approve {
            use_case_store::decide(db, operator, submitted.id, UseCaseStatus::Approved, None)
                .await?;
        }
    }
    Ok(())
}

/// The rack one-time prices (USD, from 2026); for `55501` and `55502` approved SMS filings
/// with the demo carriers and a lease: `55501` active with a forecast for the current
/// quarter, `55502` activated 100 days ago and silent for the last 75.
async fn seed_leases(db: &DatabaseConnection, operator: &RequestContext) -> Result<(), AppError> {
    if lease_store::prices(db).await?.is_empty() {
        let rack = [
            ("setup", "random", "500"),
            ("setup", "vanity", "1000"),
            ("leasing", "random", "3000"),
            ("leasing", "vanity", "4500"),
            ("migration", "", "200"),
            ("filing", "", "100"),
            ("reapplication", "", "250"),
        ];
        for (kind, variant, amount) in rack {
            lease_store::add_price(
                db,
                operator,
                lease_store::NewPrice {
                    customer_id: None,
                    currency: "USD".into(),
                    kind: kind.into(),
                    variant: variant.into(),
                    unit_price: price(amount),
                    effective_from: demo_start(),
                    effective_to: None,
                },
            )
            .await?;
        }
    }
    let today = Utc::now().date_naive();
    for (code, activated_days_ago, silent_days) in [("55501", 30, 0), ("55502", 100, 75)] {
        let Some(number) = number_store::find_by_address(db, code).await? else {
            continue;
        };
        if lease_store::latest_for_number(db, number.id)
            .await?
            .is_some()
        {
            continue;
        }
        for (carrier_code, _, _) in CARRIERS {
            let Some(carrier) = carrier_store::find_by_code(db, carrier_code).await? else {
                continue;
            };
            let filing = filing_store::create(
                db,
                operator,
                filing_store::NewFiling {
                    number_id: number.id,
                    carrier_id: carrier.id,
                    kind: FilingKind::Sms,
                    use_case: "One-time passcodes and account alerts for Demo Co customers".into(),
                    sample_messages: vec!["Your Demo Co code is 482913.".into()],
                    help_answer: "Demo Co alerts: help at demo.example. Msg&data rates may apply."
                        .into(),
                    stop_answer: "You are unsubscribed from Demo Co alerts.".into(),
                },
            )
            .await?;
            filing_store::set_status(db, operator, filing.id, FilingStatus::Submitted, None)
                .await?;
            filing_store::set_status(db, operator, filing.id, FilingStatus::Approved, None).await?;
        }
        let lease = lease_store::apply(db, operator, number.id).await?;
        let activated = today - chrono::Duration::days(activated_days_ago);
        lease_store::activate(db, operator, lease.id, activated).await?;
        let last = Utc::now() - chrono::Duration::days(silent_days);
        lease_store::record_traffic(db, &[(number.id, last)]).await?;
        if silent_days == 0 {
            let share = Decimal::ONE / Decimal::from(24);
            forecast_store::submit(
                db,
                operator,
                forecast_store::NewForecast {
                    number_id: number.id,
                    quarter: Quarter::of(today).to_string(),
                    expected_messages: 30_000,
                    hourly_pattern: vec![share; 24],
                    peak_per_second: 10,
                    note: Some("Demo forecast: passcodes around the clock".into()),
                },
            )
            .await?;
        }
    }
    Ok(())
}

/// When the demo prices start.
fn demo_start() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
        .single()
        .unwrap_or_default()
}

fn price(text: &str) -> Decimal {
    Decimal::from_str(text).unwrap_or_default()
}

/// The demo's rates as a rates CSV: every kind, direction and number kind for the US,
/// Canada, any other country and the international rate; `factor` scales the rack prices.
pub fn demo_rates_csv(factor: Decimal) -> String {
    // (kind, direction, number kind, US price)
    let base = [
        ("sms", "mt", "long_code", "0.0079"),
        ("sms", "mt", "toll_free", "0.0085"),
        ("sms", "mt", "short_code", "0.0070"),
        ("sms", "mo", "long_code", "0.0040"),
        ("sms", "mo", "toll_free", "0.0045"),
        ("sms", "mo", "short_code", "0.0035"),
        ("mms", "mt", "long_code", "0.0200"),
        ("mms", "mt", "toll_free", "0.0220"),
        ("mms", "mt", "short_code", "0.0180"),
        ("mms", "mo", "long_code", "0.0100"),
        ("mms", "mo", "toll_free", "0.0110"),
        ("mms", "mo", "short_code", "0.0090"),
    ];
    let mut csv = String::from(crate::billing::csv::RATES_CSV_HEADER);
    for (kind, direction, number_kind, us) in base {
        let us = price(us) * factor;
        let mut rows = vec![("US", us), ("CA", us * price("1.25"))];
        if kind == "sms" {
            rows.push(("*", price("0.0450") * factor));
            rows.push(("INTL", price("0.0500") * factor));
        } else {
            // MMS go only to the US and Canada; one to elsewhere is refused, yet rated.
            rows.push(("*", us * price("2")));
        }
        for (jurisdiction, amount) in rows {
            csv.push_str(&format!(
                "\n{kind},{direction},{number_kind},{jurisdiction},{}",
                amount.normalize()
            ));
        }
    }
    for (jurisdiction, amount) in [("*", "0.0550"), ("INTL", "0.0600")] {
        csv.push_str(&format!(
            "\nsms,mt,alphanumeric,{jurisdiction},{}",
            (price(amount) * factor).normalize()
        ));
    }
    csv
}

/// The rack card, Demo Co's card (non-GSM content at the international rate) and the demo
/// carriers' pass-through fees.
async fn seed_prices(
    db: &DatabaseConnection,
    operator: &RequestContext,
    customer_id: i64,
) -> Result<(), AppError> {
    let cards = [
        (None, "Rack USD 2026", false, Decimal::ONE),
        (Some(customer_id), "Demo Co 2026", true, price("0.8")),
    ];
    for (owner, name, non_gsm_international, factor) in cards {
        let existing = rate_store::list_cards(db, owner, owner.is_none()).await?;
        if existing.iter().any(|c| c.currency == "USD") {
            continue;
        }
        let card = rate_store::create_card(
            db,
            operator,
            NewRateCard {
                name: name.into(),
                customer_id: owner,
                currency: "USD".into(),
                effective_from: demo_start(),
                effective_to: None,
                non_gsm_international,
                udh_octets: 6,
            },
        )
        .await?;
        rate_store::import_rates(db, operator, card.id, &demo_rates_csv(factor), true).await?;
    }
    // (carrier, SMS MT per message)
    let fees = [
        ("ATT", "0.0025"),
        ("TMOBILE", "0.0030"),
        ("VERIZON", "0.0026"),
    ];
    for (code, sms_mt) in fees {
        let Some(carrier) = carrier_store::find_by_code(db, code).await? else {
            continue;
        };
        if !carrier_fees::list(db, Some(carrier.id)).await?.is_empty() {
            continue;
        }
        let schedule = [
            (MessageKind::Sms, Direction::Mt, price(sms_mt)),
            (MessageKind::Sms, Direction::Mo, price("0.0010")),
            (MessageKind::Mms, Direction::Mt, price("0.0050")),
            (MessageKind::Mms, Direction::Mo, price("0.0025")),
        ];
        for (kind, direction, per_message) in schedule {
            carrier_fees::create(
                db,
                operator,
                NewCarrierFee {
                    carrier_id: carrier.id,
                    kind,
                    direction,
                    currency: "USD".into(),
                    per_message,
                    per_filing: price("0"),
                    effective_from: demo_start(),
                    effective_to: None,
                },
            )
            .await?;
        }
    }
    Ok(())
}
