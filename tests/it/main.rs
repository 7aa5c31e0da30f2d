//! Integration tests: the real server on free ports, over real HTTP, on SQLite and PostgreSQL.

mod access;
mod bulk;
mod carriers;
mod customers;
mod helpers;
mod invoices;
mod jobs;
mod leases;
mod mm7;
mod mms;
mod numbers;
mod operations;
mod portfolio;
mod rating;
mod routing;
mod schema;
mod smpp;
