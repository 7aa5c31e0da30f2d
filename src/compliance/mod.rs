//! The contract's compliance rules: numbers and senders, sender authorizations, short-code
//! leases, carrier filings (and, in later issues, MMS use cases, ratios and forecasts).

pub mod authorizations;
pub mod content;
pub mod filing_store;
pub mod filings;
pub mod forecast_store;
pub mod forecasts;
pub mod lease_store;
pub mod leases;
pub mod number_store;
pub mod numbers;
pub mod use_case_store;
pub mod use_cases;
