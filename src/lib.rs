//! The back office of an SMS/MMS messaging operator: SMPP gateway, admission, rating,
//! invoicing, compliance and alerts, behind a GraphQL API. `main.rs` is a thin CLI over this.

/// mimalloc for every binary built on this crate (the service, its tests and benchmarks).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

pub mod alerts;
pub mod app;
pub mod audit;
pub mod auth;
pub mod billing;
pub mod compliance;
pub mod config;
pub mod customers;
pub mod db;
pub mod demo;
pub mod error;
pub mod graphql;
pub mod http;
pub mod jobs;
pub mod mail;
pub mod messaging;
pub mod metrics;
pub mod mm7;
pub mod smpp;
pub mod telemetry;
