//! The contract's compliance rules: numbers and senders, sender authorizations (and, in later
//! issues, leases, filings, MMS use cases, ratios and forecasts).

pub mod authorizations;
pub mod number_store;
pub mod numbers;
