//! Money, rating and invoicing: rate cards, carrier pass-through fees, the pure function that
//! turns a message's facts into charge lines, and the invoices those charges end up on.

pub mod carrier_fees;
pub mod csv;
pub mod delivery;
pub mod documents;
pub mod invoice_store;
pub mod invoicing;
pub mod money;
pub mod pdf;
pub mod quote;
pub mod rate_store;
pub mod rating;
pub mod rollup;
