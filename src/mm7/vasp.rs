//! Posting to customers' VASPs: MMS delivery reports (DeliveryReportReq) and MO MMS
//! (DeliverReq). Each is stored before it is posted and stays pending until the VASP answers
//! with status 1000; the gateway's retry timer posts what is still pending again. A customer
//! without a delivery URL wants none: its posts are marked dropped.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use tokio::sync::{mpsc, Semaphore};
use tokio_util::sync::CancellationToken;

use super::accounts::delivery_url;
use super::mime::related;
use super::soap::{self, code, response_status, Deliver, Report};
use crate::compliance::mms::MmsPart;
use crate::db::entities::{message, message_part, receipt};
use crate::messaging::store::{Delivery, DeliveryBody, Write};
use crate::smpp::gateway::Gateway;

/// Takes posts from the gateway until stopped.
pub async fn run(
    gateway: Arc<Gateway>,
    mut posts: mpsc::Receiver<Delivery>,
    stop: CancellationToken,
) {
    let client = match reqwest::Client::builder()
        .timeout(Duration::from_secs(15))
        .build()
    {
        Ok(client) => client,
        Err(e) => {
            tracing::error!(error = %e, "no HTTP client for MM7 posts; none will be sent");
            return;
        }
    };
    let slots = Arc::new(Semaphore::new(gateway.mms.post_concurrency.max(1)));
    loop {
        let delivery = tokio::select! {
            d = posts.recv() => match d { Some(d) => d, None => return },
            _ = stop.cancelled() => return,
        };
        let Ok(slot) = Arc::clone(&slots).acquire_owned().await else {
            return;
        };
        let (gateway, client) = (Arc::clone(&gateway), client.clone());
        tokio::spawn(async move {
            post(&gateway, &client, delivery).await;
            drop(slot);
        });
    }
}

async fn post(gateway: &Gateway, client: &reqwest::Client, delivery: Delivery) {
    let url = match delivery_url(&gateway.db, delivery.customer_id).await {
        Ok(Some(url)) => url,
        Ok(None) => {
            drop_post(gateway, &delivery.message_id).await;
            return;
        }
        Err(e) => {
            tracing::warn!(error = %e, "cannot read the VASP's URL; the post waits for a retry");
            return;
        }
    };
    let transaction_id = format!("bo-{}", uuid::Uuid::new_v4().simple());
    let request = match &delivery.body {
        DeliveryBody::Mm7Report {
            mm_status,
            status_text,
        } => {
            let report = Report {
                message_id: &delivery.message_id,
                recipient: &delivery.source,
                sender: &delivery.destination,
                date: Utc::now(),
                mm_status,
                status_text,
            };
            client
                .post(&url)
                .header("Content-Type", "text/xml; charset=utf-8")
                .header("SOAPAction", "\"\"")
                .body(soap::delivery_report_req(&transaction_id, &report))
        }
        DeliveryBody::Mm7Deliver => {
            let Some((row, parts)) = mo_content(gateway, &delivery.message_id).await else {
                return;
            };
            let deliver = Deliver {
                linked_id: &row.message_id,
                sender: &row.source,
                recipient: &row.destination,
                subject: row.subject.as_deref(),
                date: row.submitted_at,
                content_id: "mms-content",
            };
            let (content_type, body) = related(
                &soap::deliver_req(&transaction_id, &deliver),
                "mms-content",
                &parts,
            );
            client
                .post(&url)
                .header("Content-Type", content_type)
                .header("SOAPAction", "\"\"")
                .body(body)
        }
        DeliveryBody::Receipt { .. } | DeliveryBody::Mo { .. } => return,
    };
    let answered = match request.send().await {
        Ok(response) => response
            .bytes()
            .await
            .ok()
            .and_then(|b| response_status(&b)),
        Err(e) => {
            tracing::info!(error = %e, message_id = %delivery.message_id, "VASP unreachable; the post waits for a retry");
            return;
        }
    };
    if answered != Some(code::SUCCESS) {
        tracing::info!(status = ?answered, message_id = %delivery.message_id, "VASP did not take the post; it waits for a retry");
        return;
    }
    let write = Write::ReceiptAcked {
        message_id: delivery.message_id.clone(),
        mo: matches!(delivery.body, DeliveryBody::Mm7Deliver),
    };
    if let Err(e) = gateway.writer.write(write).await {
        tracing::warn!(error = %e, "VASP answer not recorded; the post will be sent again");
    }
}

/// An MO MMS and its parts; none once its content is purged.
async fn mo_content(gateway: &Gateway, message_id: &str) -> Option<(message::Model, Vec<MmsPart>)> {
    let row = message::Entity::find()
        .filter(message::Column::MessageId.eq(message_id))
        .one(&gateway.db)
        .await
        .ok()??;
    let parts = message_part::Entity::find()
        .filter(message_part::Column::MessageId.eq(message_id))
        .order_by_asc(message_part::Column::Seq)
        .all(&gateway.db)
        .await
        .ok()?
        .into_iter()
        .filter_map(|p| {
            Some(MmsPart {
                content_type: p.content_type,
                content_id: p.content_id,
                filename: p.filename,
                data: p.content?,
            })
        })
        .collect();
    Some((row, parts))
}

/// A post nobody asked for (no delivery URL): kept, marked dropped, never retried.
async fn drop_post(gateway: &Gateway, message_id: &str) {
    let dropped = receipt::Entity::update_many()
        .col_expr(receipt::Column::State, Expr::value("dropped"))
        .filter(receipt::Column::MessageId.eq(message_id))
        .filter(receipt::Column::State.eq("pending"))
        .exec(&gateway.db)
        .await;
    if let Err(e) = dropped {
        tracing::warn!(error = %e, "an unwanted MM7 post is still pending");
    }
}
