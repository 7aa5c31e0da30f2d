//! Messages on their way: addresses, carrier routing, throttles and opt-outs (admission,
//! encoding and the store come with later issues).

pub mod address;
pub mod carrier_store;
pub mod carriers;
pub mod encoding;
pub mod fragments;
pub mod gsm;
pub mod opt_out;
pub mod throttle;
