//! The contract's compliance rules: numbers and senders, sender authorizations, short-code
//! leases (and, in later issues, filings, MMS use cases, ratios and forecasts).

pub mod authorizations;
pub mod lease_store;
pub mod leases;
pub mod number_store;
pub mod numbers;
