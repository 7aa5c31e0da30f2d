//! Hand-written sea-orm entities, one file per table. They use domain types for their columns
//! (roles, statuses, kinds); the drift tests in `tests/it/schema.rs` check them against the
//! migrations.

pub mod alert;
pub mod api_key;
pub mod att_ratio_alert;
pub mod audit_log;
pub mod billing_daily;
pub mod carrier;
pub mod carrier_fee;
pub mod carrier_filing;
pub mod carrier_prefix;
pub mod credit_note;
pub mod credit_note_line;
pub mod customer;
pub mod delivery_daily;
pub mod delivery_times;
pub mod forecast;
pub mod invoice;
pub mod invoice_email;
pub mod invoice_line;
pub mod invoice_run;
pub mod invoice_sequence;
pub mod job_run;
pub mod lease_event;
pub mod message;
pub mod message_charge;
pub mod message_handoff;
pub mod message_part;
pub mod mm7_account;
pub mod mms_use_case;
pub mod number;
pub mod one_time_charge;
pub mod one_time_price;
pub mod opt_out;
pub mod ported_number;
pub mod rate;
pub mod rate_card;
pub mod receipt;
pub mod send_batch;
pub mod send_batch_row;
pub mod sender_authorization;
pub mod short_code_lease;
pub mod smpp_account;
