//! `POST /mm7`: customers' MMS platforms (VASPs) submit and cancel MMS here. Each request is
//! authenticated (HTTP Basic against the customer's MM7 credential, then the VASPID/VASID on
//! file), split into envelope and content, and a SubmitReq goes through the same admission
//! path as SMPP: a refused MMS is still received, rated, stored REJECTED and answered with
//! its MM7 status and MessageID; only then is the answer written.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::Utc;
use sha2::{Digest, Sha256};

use super::accounts::find_by_username;
use super::mime::split;
use super::soap::{self, code, parse_request, Request, Status, SubmitReq};
use crate::billing::rating::MessageKind;
use crate::compliance::mms::{MmsContent, MmsPart};
use crate::db::entities::mm7_account;
use crate::messaging::address::parse_e164;
use crate::messaging::admission::{ReceiptRequest, Refusal, Submission};
use crate::messaging::dispatch::CancelOutcome;
use crate::messaging::encoding::DataCoding;
use crate::messaging::fragments::Encoding;
use crate::smpp::accounts::verify_password;
use crate::smpp::gateway::{Gateway, Unreceived};

/// Credentials already checked, so argon2 runs once per credential rather than per
/// request: sha256(username, password) to the hash it was checked against.
#[derive(Default)]
pub struct VerifiedCredentials {
    seen: Mutex<HashMap<[u8; 32], String>>,
}

impl VerifiedCredentials {
    fn key(username: &str, password: &str) -> [u8; 32] {
        let mut hasher = Sha256::new();
        hasher.update(username.as_bytes());
        hasher.update([0]);
        hasher.update(password.as_bytes());
        hasher.finalize().into()
    }

    /// True when this password matches the stored hash (cached per hash: a changed
    /// password invalidates it).
    async fn check(&self, username: &str, password: &str, stored_hash: &str) -> bool {
        let key = Self::key(username, password);
        let seen = |s: &Self| {
            s.seen
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .get(&key)
                .is_some_and(|h| h == stored_hash)
        };
        if seen(self) {
            return true;
        }
        let (password, hash) = (password.to_owned(), stored_hash.to_owned());
        let ok = tokio::task::spawn_blocking(move || verify_password(&password, &hash))
            .await
            .unwrap_or(false);
        if ok {
            let mut map = self.seen.lock().unwrap_or_else(|p| p.into_inner());
            if map.len() > 10_000 {
                map.clear();
            }
            map.insert(key, stored_hash.to_owned());
        }
        ok
    }
}

/// What the endpoint shares.
pub struct Mm7State {
    pub gateway: Arc<Gateway>,
    pub verified: VerifiedCredentials,
}

fn xml(status: actix_web::http::StatusCode, body: String) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/xml; charset=utf-8")
        .body(body)
}

fn fault(transaction_id: &str, status: &Status) -> HttpResponse {
    tracing::info!(code = status.code, reason = %status.text, "MM7 request refused");
    xml(
        actix_web::http::StatusCode::INTERNAL_SERVER_ERROR,
        soap::fault(transaction_id, status),
    )
}

fn unauthorized() -> HttpResponse {
    HttpResponse::Unauthorized()
        .insert_header((header::WWW_AUTHENTICATE, "Basic realm=\"MM7\""))
        .content_type("text/xml; charset=utf-8")
        .body(soap::fault(
            "",
            &Status::new(
                code::IMPROPER_IDENTIFICATION,
                "HTTP Basic credentials required",
            ),
        ))
}

fn basic_credentials(request: &HttpRequest) -> Option<(String, String)> {
    use base64::Engine as _;
    let value = request
        .headers()
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    let encoded = value
        .strip_prefix("Basic ")
        .or_else(|| value.strip_prefix("basic "))?;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let (user, password) = std::str::from_utf8(&decoded).ok()?.split_once(':')?;
    Some((user.to_owned(), password.to_owned()))
}

/// The endpoint.
pub async fn endpoint(
    request: HttpRequest,
    body: web::Bytes,
    state: web::Data<Mm7State>,
) -> HttpResponse {
    let Some((username, password)) = basic_credentials(&request) else {
        return unauthorized();
    };
    let gateway = &state.gateway;
    let account = match find_by_username(&gateway.db, &username).await {
        Ok(Some(account)) if account.enabled => account,
        Ok(_) => return unauthorized(),
        Err(e) => {
            tracing::error!(error = %e, "MM7 credential lookup failed");
            return fault(
                "",
                &Status::new(code::SERVER_ERROR, "temporarily unavailable"),
            );
        }
    };
    if !state
        .verified
        .check(&username, &password, &account.password_hash)
        .await
    {
        return unauthorized();
    }
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    // The envelope first (it names the content part), then the content it points at.
    let envelope = match split(&content_type, &body, None) {
        Ok(related) => related,
        Err(e) => return fault("", &Status::new(code::FORMAT_CORRUPT, e)),
    };
    let now = Utc::now();
    let parsed = match parse_request(&envelope.soap, now) {
        Ok(request) => request,
        Err(status) => return fault("", &status),
    };
    match parsed {
        Request::Submit(submit) => {
            if let Err(status) = identify(
                &account,
                submit.vasp_id.as_deref(),
                submit.vas_id.as_deref(),
            ) {
                return fault(&submit.transaction_id, &status);
            }
            let parts = match split(&content_type, &body, submit.content_href.as_deref()) {
                Ok(related) => related.parts,
                Err(e) => {
                    return fault(
                        &submit.transaction_id,
                        &Status::new(code::FORMAT_CORRUPT, e),
                    )
                }
            };
            submit_mms(gateway, &account, submit, parts).await
        }
        Request::Cancel(cancel) => {
            if let Err(status) = identify(
                &account,
                cancel.vasp_id.as_deref(),
                cancel.vas_id.as_deref(),
            ) {
                return fault(&cancel.transaction_id, &status);
            }
            let status = match gateway
                .cancel(Some(account.customer_id), &cancel.message_id)
                .await
            {
                CancelOutcome::Cancelled => Status::success("cancelled"),
                CancelOutcome::NotFound => {
                    Status::new(code::MESSAGE_ID_NOT_FOUND, "no such message")
                }
                CancelOutcome::TooLate(s) => Status::new(
                    code::NOT_POSSIBLE,
                    format!("the message is {s:?} and can no longer be cancelled"),
                ),
                CancelOutcome::Failed(_) => {
                    Status::new(code::SERVER_ERROR, "temporarily unavailable")
                }
            };
            xml(
                actix_web::http::StatusCode::OK,
                soap::cancel_rsp(&cancel.transaction_id, &status),
            )
        }
        Request::Unsupported {
            transaction_id,
            name,
        } => fault(
            &transaction_id,
            &Status::new(
                code::UNSUPPORTED_OPERATION,
                format!("{name} is not supported"),
            ),
        ),
    }
}

/// The VASPID (and VASID, when one is on file) must be the credential's.
fn identify(
    account: &mm7_account::Model,
    vasp_id: Option<&str>,
    vas_id: Option<&str>,
) -> Result<(), Status> {
    if vasp_id != Some(account.vasp_id.as_str()) {
        return Err(Status::new(
            code::IMPROPER_IDENTIFICATION,
            "VASPID: not the one on file for this credential",
        ));
    }
    if let Some(expected) = &account.vas_id {
        if vas_id != Some(expected.as_str()) {
            return Err(Status::new(
                code::IMPROPER_IDENTIFICATION,
                "VASID: not the one on file for this credential",
            ));
        }
    }
    Ok(())
}

/// The sender in its stored form: as given when it is one of our numbers, else as E.164.
fn sender_address(gateway: &Gateway, given: &str) -> String {
    let given = given.trim();
    if gateway.snapshot.get().numbers.contains_key(given) {
        return given.to_owned();
    }
    parse_e164(given).map_or_else(|_| given.to_owned(), |n| n.e164)
}

async fn submit_mms(
    gateway: &Arc<Gateway>,
    account: &mm7_account::Model,
    submit: SubmitReq,
    parts: Vec<MmsPart>,
) -> HttpResponse {
    let transaction_id = submit.transaction_id.clone();
    let Some(sender) = submit.sender.as_deref() else {
        return fault(
            &transaction_id,
            &Status::new(code::VALIDATION_ERROR, "SenderAddress: required"),
        );
    };
    let now = Utc::now();
    let content = MmsContent {
        subject: submit.subject.clone(),
        parts,
        recipients: submit.recipients.len(),
    };
    let validity = chrono::Duration::seconds(
        i64::try_from(gateway.carriers.default_validity_secs).unwrap_or(i64::MAX / 1000),
    );
    let request = Submission {
        customer_id: account.customer_id,
        source: sender_address(gateway, sender),
        destination: submit.recipients[0].clone(),
        kind: MessageKind::Mms,
        text: content.text(),
        data_coding: DataCoding::Ucs2,
        encoding: Encoding::Ucs2,
        part_fragments: None,
        concat: None,
        receipts: if submit.delivery_report {
            ReceiptRequest::Always
        } else {
            ReceiptRequest::None
        },
        priority: u8::from(submit.priority.as_deref() == Some("High")),
        expires_at: Some(submit.expiry.unwrap_or(now + validity)),
        mms: Some(content),
    };
    let received = match gateway.receive(request).await {
        Ok(received) => received,
        Err(Unreceived::Refused(refusal)) => {
            let status = match refusal {
                Refusal::UnknownSource => Status::new(
                    code::ADDRESS_ERROR,
                    "SenderAddress: not a number of this customer",
                ),
                Refusal::InvalidDestination(e) => {
                    Status::new(code::ADDRESS_ERROR, format!("Recipients: {e}"))
                }
                Refusal::Throttled => Status::new(
                    code::SERVICE_UNAVAILABLE,
                    "the sender's throttle is exceeded; try again later",
                ),
                Refusal::NoRate(_) => {
                    Status::new(code::SERVER_ERROR, "the message cannot be rated")
                }
            };
            return fault(&transaction_id, &status);
        }
        Err(Unreceived::Store) => {
            return fault(
                &transaction_id,
                &Status::new(code::SERVER_ERROR, "temporarily unavailable"),
            )
        }
    };
    let status = match &received.reject_reason {
        Some(reason) => Status::new(soap::status_for_rejection(reason), reason.clone()),
        None if submit.delivery_report
            && received
                .carrier_id
                .is_some_and(|id| gateway.snapshot.get().mms_no_reports.contains(&id)) =>
        {
            Status::success(
                "Success; the recipient's carrier gives no delivery reports for A2P MMS, so none will follow",
            )
        }
        None => Status::success("Success"),
    };
    let answer = soap::submit_rsp(&transaction_id, &status, Some(&received.message_id));
    if let Some(accepted) = received.accepted {
        gateway.enqueue(accepted);
    }
    if let Some(report) = received.receipt {
        // The SubmitRsp goes first: the report follows once the answer is on its way.
        let gateway = Arc::clone(gateway);
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(100)).await;
            gateway.dispatch(report).await;
        });
    }
    xml(actix_web::http::StatusCode::OK, answer)
}
