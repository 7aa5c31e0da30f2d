//! Messages on their way: addresses, encodings and fragments, admission, the message store,
//! carrier routing, throttles and opt-outs.

pub mod address;
pub mod admission;
pub mod analytics;
pub mod bulk;
pub mod carrier_store;
pub mod carriers;
pub mod connectors;
pub mod dispatch;
pub mod encoding;
pub mod fragments;
pub mod gsm;
pub mod inbound;
pub mod opt_out;
pub mod outbound;
pub mod router;
pub mod snapshot;
mod sqlite_lane;
pub mod status;
pub mod store;
pub mod throttle;
pub mod throttle_counter;
