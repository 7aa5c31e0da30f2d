//! The contract's compliance rules: numbers and senders, sender authorizations, short-code
//! leases, carrier filings, forecasts, MMS use cases and policy, and the AT&T ratio.

pub mod authorizations;
pub mod content;
pub mod filing_store;
pub mod filings;
pub mod forecast_store;
pub mod forecasts;
pub mod lease_store;
pub mod leases;
pub mod mms;
pub mod number_store;
pub mod numbers;
pub mod ratio;
pub mod ratio_store;
pub mod use_case_store;
pub mod use_cases;
