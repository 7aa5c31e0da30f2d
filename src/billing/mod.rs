//! Money and rating: rate cards, carrier pass-through fees and the pure function that turns a
//! message's facts into charge lines (invoicing comes with a later issue).

pub mod carrier_fees;
pub mod csv;
pub mod money;
pub mod quote;
pub mod rate_store;
pub mod rating;
