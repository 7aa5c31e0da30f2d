//! Delivery analytics in the API: counts by outcome, delivered ratio and delivery-time
//! percentiles, by day, customer, number, carrier and direction.

use std::sync::Arc;

use async_graphql::{Context, InputObject, Object, Result, SimpleObject, ID};
use chrono::NaiveDate;
use sea_orm::DatabaseConnection;

use super::error::ResultExt;
use super::guard::{scoped_customer, RoleGuard, CUSTOMER_READERS};
use super::parse_id;
use crate::billing::rating::Direction;
use crate::error::AppError;
use crate::messaging::analytics::{self, StatsDimension, StatsQuery};
use crate::smpp::gateway::Gateway;

/// Which traffic to count; dates are UTC days of submission, both ends included.
#[derive(InputObject, Default)]
#[graphql(name = "DeliveryStatsFilter")]
pub struct DeliveryStatsFilter {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub customer_id: Option<ID>,
    pub number_id: Option<ID>,
    pub carrier_id: Option<ID>,
    pub direction: Option<Direction>,
}

/// One group's figures. Dimensions not grouped by are null.
#[derive(SimpleObject)]
pub struct DeliveryStats {
    pub day: Option<NaiveDate>,
    pub customer_id: Option<ID>,
    /// Our number (null for messages with none).
    pub number_id: Option<ID>,
    /// The carrier; null for an unknown carrier.
    pub carrier_id: Option<ID>,
    pub carrier_code: Option<String>,
    pub direction: Option<Direction>,
    pub received: i64,
    pub fragments: i64,
    pub delivered: i64,
    pub undeliverable: i64,
    pub expired: i64,
    pub rejected: i64,
    pub cancelled: i64,
    /// Not final yet: received minus every outcome.
    pub in_flight: i64,
    /// Delivered over final outcomes other than rejected (null before any).
    pub delivered_ratio: Option<f64>,
    /// Submission to DELIVERED, milliseconds (the upper bound of its histogram bucket,
    /// within about 12%).
    pub delivery_p50_ms: Option<i64>,
    pub delivery_p95_ms: Option<i64>,
    /// Submission to the carrier's acknowledgement, milliseconds (same precision).
    pub carrier_ack_p50_ms: Option<i64>,
    pub carrier_ack_p95_ms: Option<i64>,
}

/// Longest span one query may cover.
const MAX_DAYS: i64 = 366;

#[derive(Default)]
pub struct AnalyticsQuery;

#[Object]
impl AnalyticsQuery {
    /// Delivery analytics from the daily roll-up, grouped by `groupBy` (by day when empty).
    /// A customer key sees its own traffic only.
    #[graphql(guard = "RoleGuard::new(CUSTOMER_READERS)")]
    async fn delivery_stats(
        &self,
        ctx: &Context<'_>,
        filter: DeliveryStatsFilter,
        #[graphql(default_with = "vec![StatsDimension::Day]")] group_by: Vec<StatsDimension>,
    ) -> Result<Vec<DeliveryStats>> {
        if filter.to < filter.from {
            return Err(AppError::invalid_field(
                "filter.to",
                "is before filter.from",
            ))
            .gql();
        }
        if (filter.to - filter.from).num_days() >= MAX_DAYS {
            return Err(AppError::invalid_field(
                "filter.to",
                format!("at most {MAX_DAYS} days per query"),
            ))
            .gql();
        }
        let id = |v: &Option<ID>, field: &str| v.as_ref().map(|v| parse_id(v, field)).transpose();
        let query = StatsQuery {
            from: Some(filter.from),
            to: Some(filter.to),
            customer_id: scoped_customer(ctx, filter.customer_id.as_ref(), "filter.customerId")?,
            number_id: id(&filter.number_id, "filter.numberId")?,
            carrier_id: id(&filter.carrier_id, "filter.carrierId")?,
            direction: filter.direction,
            group_by,
        };
        let db = ctx.data::<DatabaseConnection>()?;
        let rows = analytics::query(db, &query)
            .await
            .map_err(AppError::from)
            .gql()?;
        let codes = ctx.data::<Arc<Gateway>>()?.snapshot.get();
        Ok(rows
            .into_iter()
            .map(|r| {
                let finals = r.delivered + r.undeliverable + r.expired + r.cancelled;
                let carrier = r.carrier_id.filter(|id| *id != 0);
                DeliveryStats {
                    day: r.day.as_deref().and_then(|d| d.parse().ok()),
                    customer_id: r.customer_id.map(|v| ID(v.to_string())),
                    number_id: r.number_id.filter(|id| *id != 0).map(|v| ID(v.to_string())),
                    carrier_id: carrier.map(|v| ID(v.to_string())),
                    carrier_code: carrier.and_then(|id| codes.carrier_codes.get(&id).cloned()),
                    direction: r.direction,
                    received: r.received,
                    fragments: r.fragments,
                    delivered: r.delivered,
                    undeliverable: r.undeliverable,
                    expired: r.expired,
                    rejected: r.rejected,
                    cancelled: r.cancelled,
                    in_flight: r.received - finals - r.rejected,
                    delivered_ratio: (finals > 0).then(|| r.delivered as f64 / finals as f64),
                    delivery_p50_ms: r.p50_ms,
                    delivery_p95_ms: r.p95_ms,
                    carrier_ack_p50_ms: r.ack_p50_ms,
                    carrier_ack_p95_ms: r.ack_p95_ms,
                }
            })
            .collect())
    }
}
