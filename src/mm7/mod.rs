//! MM7 (3GPP TS 23.140, SOAP 1.1 over HTTP): how customers' MMS platforms (VASPs) submit and
//! cancel MMS, and how their delivery reports and MO MMS reach them.

pub mod accounts;
pub mod mime;
pub mod server;
pub mod soap;
pub mod vasp;
