//! Delivery analytics: per day, customer, number and carrier, the messages received, their
//! fragments and outcomes, and delivery times as a histogram, so p50/p95 over millions of
//! messages read a few hundred rows. The message writer adds each batch's counts in the same
//! transaction as the messages (`StatsBatch`), so the figures are exact and never lag.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Alias, Expr, OnConflict};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, FromQueryResult, QueryFilter,
    QuerySelect, QueryTrait, Set, Statement,
};

use super::status::MessageStatus;
use crate::billing::rating::Direction;
use crate::db::entities::{delivery_daily, delivery_times};

/// Bucket 0 holds up to 10 ms; each next bucket is 25% wider (about 12% error on a
/// percentile); the last holds everything beyond about 21 days.
const FIRST_MS: f64 = 10.0;
const GROWTH: f64 = 1.25;
pub const BUCKETS: i16 = 90;

/// The histogram bucket of a delivery time.
pub fn bucket_of(millis: i64) -> i16 {
    if millis <= FIRST_MS as i64 {
        return 0;
    }
    let b = ((millis as f64) / FIRST_MS).ln() / GROWTH.ln();
    (b.ceil() as i64).clamp(0, i64::from(BUCKETS - 1)) as i16
}

/// The upper bound of a bucket, in milliseconds.
pub fn bucket_upper_ms(bucket: i16) -> i64 {
    (FIRST_MS * GROWTH.powi(i32::from(bucket))).round() as i64
}

/// The `q` quantile (0 to 1) of a histogram given as (bucket, count), as the upper bound of
/// the bucket it falls in; `None` without data.
pub fn percentile(histogram: &[(i16, i64)], q: f64) -> Option<i64> {
    let total: i64 = histogram.iter().map(|(_, n)| n).sum();
    if total <= 0 {
        return None;
    }
    let mut sorted = histogram.to_vec();
    sorted.sort_by_key(|(b, _)| *b);
    let rank = ((total as f64) * q).ceil().max(1.0) as i64;
    let mut seen = 0;
    for (bucket, n) in sorted {
        seen += n;
        if seen >= rank {
            return Some(bucket_upper_ms(bucket));
        }
    }
    None
}

/// What one message contributes, by the key it is counted under.
#[derive(Clone, Debug, Hash, PartialEq, Eq, PartialOrd, Ord)]
pub struct StatsKey {
    pub day: String,
    pub customer_id: i64,
    pub number_id: i64,
    pub carrier_id: i64,
    pub direction: Direction,
}

impl StatsKey {
    pub fn new(
        submitted_at: DateTime<Utc>,
        customer_id: i64,
        number_id: Option<i64>,
        carrier_id: Option<i64>,
        direction: Direction,
    ) -> Self {
        Self {
            day: submitted_at.format("%Y-%m-%d").to_string(),
            customer_id,
            number_id: number_id.unwrap_or(0),
            carrier_id: carrier_id.unwrap_or(0),
            direction,
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Counts {
    received: i64,
    fragments: i64,
    delivered: i64,
    undeliverable: i64,
    expired: i64,
    rejected: i64,
    cancelled: i64,
}

/// The counts of one write batch, added to the roll-up in one statement per table. Ordered
/// maps: the batches of two instances sharing a database lock the roll-up rows in one order,
/// so they cannot deadlock.
#[derive(Default)]
pub struct StatsBatch {
    counts: BTreeMap<StatsKey, Counts>,
    times: BTreeMap<(StatsKey, &'static str, i16), i64>,
}

/// The two transmission times the roll-up keeps.
const DELIVERY: &str = "delivery";
const ACK: &str = "ack";

impl StatsBatch {
    /// A message stored (REJECTED ones are final at once).
    pub fn received(&mut self, key: StatsKey, fragments: i64, status: MessageStatus) {
        let counts = self.counts.entry(key).or_default();
        counts.received += 1;
        counts.fragments += fragments;
        if status == MessageStatus::Rejected {
            counts.rejected += 1;
        }
    }

    /// A message reaching its final status, `millis` after it was submitted.
    pub fn finished(&mut self, key: StatsKey, status: MessageStatus, millis: i64) {
        if status == MessageStatus::Delivered {
            *self
                .times
                .entry((key.clone(), DELIVERY, bucket_of(millis)))
                .or_default() += 1;
        }
        let counts = self.counts.entry(key).or_default();
        match status {
            // A carrier without reports: delivered as far as anyone will know (no time kept).
            MessageStatus::Delivered | MessageStatus::DeliveredUnconfirmed => counts.delivered += 1,
            MessageStatus::Undeliverable => counts.undeliverable += 1,
            MessageStatus::Expired => counts.expired += 1,
            MessageStatus::Rejected => counts.rejected += 1,
            MessageStatus::Cancelled => counts.cancelled += 1,
            MessageStatus::Accepted | MessageStatus::Enroute => {}
        }
    }

    /// A message the carrier acknowledged `millis` after it was submitted.
    pub fn acked(&mut self, key: StatsKey, millis: i64) {
        *self.times.entry((key, ACK, bucket_of(millis))).or_default() += 1;
    }

    /// The upserts that add the batch to the roll-up (insert, or add to the row already
    /// there), for the writer to run in its transaction.
    pub fn statements(self, backend: DbBackend) -> Vec<Statement> {
        let mut statements = Vec::new();
        use delivery_daily::Column as D;
        use delivery_times::Column as T;
        let add = |col: D| {
            (
                col,
                Expr::col((delivery_daily::Entity, col))
                    .add(Expr::col((Alias::new("excluded"), col))),
            )
        };
        if !self.counts.is_empty() {
            let rows: Vec<delivery_daily::ActiveModel> = self
                .counts
                .into_iter()
                .map(|(k, c)| delivery_daily::ActiveModel {
                    day: Set(k.day),
                    customer_id: Set(k.customer_id),
                    number_id: Set(k.number_id),
                    carrier_id: Set(k.carrier_id),
                    direction: Set(direction_name(k.direction).into()),
                    received: Set(c.received),
                    fragments: Set(c.fragments),
                    delivered: Set(c.delivered),
                    undeliverable: Set(c.undeliverable),
                    expired: Set(c.expired),
                    rejected: Set(c.rejected),
                    cancelled: Set(c.cancelled),
                    ..Default::default()
                })
                .collect();
            let on_conflict = OnConflict::columns([
                D::Day,
                D::CustomerId,
                D::NumberId,
                D::CarrierId,
                D::Direction,
            ])
            .values([
                add(D::Received),
                add(D::Fragments),
                add(D::Delivered),
                add(D::Undeliverable),
                add(D::Expired),
                add(D::Rejected),
                add(D::Cancelled),
            ])
            .to_owned();
            statements.push(
                delivery_daily::Entity::insert_many(rows)
                    .on_conflict(on_conflict)
                    .build(backend),
            );
        }
        if !self.times.is_empty() {
            let rows: Vec<delivery_times::ActiveModel> = self
                .times
                .into_iter()
                .map(
                    |((k, measure, bucket), count)| delivery_times::ActiveModel {
                        measure: Set(measure.into()),
                        day: Set(k.day),
                        customer_id: Set(k.customer_id),
                        number_id: Set(k.number_id),
                        carrier_id: Set(k.carrier_id),
                        bucket: Set(bucket),
                        count: Set(count),
                        ..Default::default()
                    },
                )
                .collect();
            let on_conflict = OnConflict::columns([
                T::Day,
                T::CustomerId,
                T::NumberId,
                T::CarrierId,
                T::Measure,
                T::Bucket,
            ])
            .value(
                T::Count,
                Expr::col((delivery_times::Entity, T::Count))
                    .add(Expr::col((Alias::new("excluded"), T::Count))),
            )
            .to_owned();
            statements.push(
                delivery_times::Entity::insert_many(rows)
                    .on_conflict(on_conflict)
                    .build(backend),
            );
        }
        statements
    }
}

fn direction_name(direction: Direction) -> &'static str {
    match direction {
        Direction::Mt => "mt",
        Direction::Mo => "mo",
    }
}

/// How analytics rows are grouped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, async_graphql::Enum)]
pub enum StatsDimension {
    Day,
    Customer,
    Number,
    Carrier,
    Direction,
}

/// Which part of the roll-up to read.
#[derive(Clone, Debug, Default)]
pub struct StatsQuery {
    pub from: Option<NaiveDate>,
    /// Inclusive.
    pub to: Option<NaiveDate>,
    pub customer_id: Option<i64>,
    pub number_id: Option<i64>,
    pub carrier_id: Option<i64>,
    pub direction: Option<Direction>,
    pub group_by: Vec<StatsDimension>,
}

/// One group's figures.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StatsRow {
    pub day: Option<String>,
    pub customer_id: Option<i64>,
    pub number_id: Option<i64>,
    pub carrier_id: Option<i64>,
    pub direction: Option<Direction>,
    pub received: i64,
    pub fragments: i64,
    pub delivered: i64,
    pub undeliverable: i64,
    pub expired: i64,
    pub rejected: i64,
    pub cancelled: i64,
    pub p50_ms: Option<i64>,
    pub p95_ms: Option<i64>,
    /// Submission to the carrier's acknowledgement.
    pub ack_p50_ms: Option<i64>,
    pub ack_p95_ms: Option<i64>,
}

/// The group a row of either table belongs to.
type GroupKey = (
    Option<String>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<String>,
);

fn group_key(
    dims: &[StatsDimension],
    day: &str,
    customer: i64,
    number: i64,
    carrier: i64,
    direction: Option<&str>,
) -> GroupKey {
    let has = |d| dims.contains(&d);
    (
        has(StatsDimension::Day).then(|| day.to_owned()),
        has(StatsDimension::Customer).then_some(customer),
        has(StatsDimension::Number).then_some(number),
        has(StatsDimension::Carrier).then_some(carrier),
        direction
            .filter(|_| has(StatsDimension::Direction))
            .map(str::to_owned),
    )
}

/// Reads the roll-up, summed by the requested dimensions (ordered by them).
pub async fn query(conn: &impl ConnectionTrait, q: &StatsQuery) -> Result<Vec<StatsRow>, DbErr> {
    use delivery_daily::Column as D;
    use delivery_times::Column as T;
    let mut daily = delivery_daily::Entity::find();
    let mut times = delivery_times::Entity::find();
    if let Some(from) = q.from {
        let from = from.format("%Y-%m-%d").to_string();
        daily = daily.filter(D::Day.gte(from.clone()));
        times = times.filter(T::Day.gte(from));
    }
    if let Some(to) = q.to {
        let to = to.format("%Y-%m-%d").to_string();
        daily = daily.filter(D::Day.lte(to.clone()));
        times = times.filter(T::Day.lte(to));
    }
    if let Some(id) = q.customer_id {
        daily = daily.filter(D::CustomerId.eq(id));
        times = times.filter(T::CustomerId.eq(id));
    }
    if let Some(id) = q.number_id {
        daily = daily.filter(D::NumberId.eq(id));
        times = times.filter(T::NumberId.eq(id));
    }
    if let Some(id) = q.carrier_id {
        daily = daily.filter(D::CarrierId.eq(id));
        times = times.filter(T::CarrierId.eq(id));
    }
    if let Some(direction) = q.direction {
        daily = daily.filter(D::Direction.eq(direction_name(direction)));
    }
    let mut groups: HashMap<GroupKey, StatsRow> = HashMap::new();
    for r in daily.all(conn).await? {
        let key = group_key(
            &q.group_by,
            &r.day,
            r.customer_id,
            r.number_id,
            r.carrier_id,
            Some(&r.direction),
        );
        let row = groups.entry(key).or_default();
        row.received += r.received;
        row.fragments += r.fragments;
        row.delivered += r.delivered;
        row.undeliverable += r.undeliverable;
        row.expired += r.expired;
        row.rejected += r.rejected;
        row.cancelled += r.cancelled;
    }
    // Transmission times are MT only: an MO-only view has none.
    if q.direction != Some(Direction::Mo) {
        #[derive(FromQueryResult)]
        struct Bucketed {
            day: String,
            customer_id: i64,
            number_id: i64,
            carrier_id: i64,
            measure: String,
            bucket: i16,
            count: i64,
        }
        let mut histograms: HashMap<(GroupKey, String), Vec<(i16, i64)>> = HashMap::new();
        for b in times
            .select_only()
            .columns([
                T::Day,
                T::CustomerId,
                T::NumberId,
                T::CarrierId,
                T::Measure,
                T::Bucket,
                T::Count,
            ])
            .into_model::<Bucketed>()
            .all(conn)
            .await?
        {
            let key = group_key(
                &q.group_by,
                &b.day,
                b.customer_id,
                b.number_id,
                b.carrier_id,
                Some("mt"),
            );
            histograms
                .entry((key, b.measure))
                .or_default()
                .push((b.bucket, b.count));
        }
        for ((key, measure), histogram) in histograms {
            if let Some(row) = groups.get_mut(&key) {
                let (p50, p95) = (percentile(&histogram, 0.50), percentile(&histogram, 0.95));
                if measure == ACK {
                    (row.ack_p50_ms, row.ack_p95_ms) = (p50, p95);
                } else {
                    (row.p50_ms, row.p95_ms) = (p50, p95);
                }
            }
        }
    }
    let mut rows: Vec<(GroupKey, StatsRow)> = groups.into_iter().collect();
    rows.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(rows
        .into_iter()
        .map(|((day, customer, number, carrier, direction), mut row)| {
            row.day = day;
            row.customer_id = customer;
            row.number_id = number;
            row.carrier_id = carrier;
            row.direction = direction.map(|d| {
                if d == "mo" {
                    Direction::Mo
                } else {
                    Direction::Mt
                }
            });
            row
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_cover_every_time_and_bound_it_from_above() {
        assert_eq!(bucket_of(0), 0);
        assert_eq!(bucket_of(10), 0);
        for ms in [11, 200, 999, 5_000, 86_400_000] {
            let b = bucket_of(ms);
            assert!(bucket_upper_ms(b) >= ms, "{ms} in {b}");
            assert!(
                b == 0 || bucket_upper_ms(b - 1) < ms,
                "{ms} is in the lowest bucket that holds it"
            );
        }
        assert_eq!(bucket_of(i64::MAX), BUCKETS - 1);
    }

    #[test]
    fn percentiles_read_the_histogram() {
        let h = [
            (bucket_of(100), 50),
            (bucket_of(1_000), 45),
            (bucket_of(60_000), 5),
        ];
        assert_eq!(percentile(&h, 0.5), Some(bucket_upper_ms(bucket_of(100))));
        assert_eq!(
            percentile(&h, 0.95),
            Some(bucket_upper_ms(bucket_of(1_000)))
        );
        assert_eq!(
            percentile(&h, 0.99),
            Some(bucket_upper_ms(bucket_of(60_000)))
        );
        assert_eq!(percentile(&[], 0.5), None);
    }

    #[test]
    fn a_batch_counts_each_outcome_under_its_key() {
        let key = StatsKey::new(Utc::now(), 1, Some(2), None, Direction::Mt);
        let mut batch = StatsBatch::default();
        batch.received(key.clone(), 3, MessageStatus::Accepted);
        batch.received(key.clone(), 1, MessageStatus::Rejected);
        batch.finished(key.clone(), MessageStatus::Delivered, 250);
        let counts = &batch.counts[&key];
        assert_eq!(
            (
                counts.received,
                counts.fragments,
                counts.rejected,
                counts.delivered
            ),
            (2, 4, 1, 1)
        );
        assert_eq!(batch.times[&(key.clone(), DELIVERY, bucket_of(250))], 1);
        batch.acked(key.clone(), 40);
        assert_eq!(batch.times[&(key, ACK, bucket_of(40))], 1);
    }
}

/// What a delivery-time check found.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct DeliveryTimeCheck {
    pub carriers_checked: i64,
    /// Per slow carrier: its code and 90th-percentile delivery time in milliseconds.
    pub degraded: Vec<(String, i64)>,
    pub alerts_raised: i64,
}

/// Checks each carrier's 90th-percentile delivery time on `day` against `limit_secs` and
/// raises one operators' alert per slow carrier and day (carriers with fewer than
/// `min_messages` deliveries that day are not judged).
pub async fn check_delivery_times(
    db: &sea_orm::DatabaseConnection,
    day: NaiveDate,
    limit_secs: u64,
    min_messages: i64,
) -> Result<DeliveryTimeCheck, crate::error::AppError> {
    use crate::db::entities::carrier;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
    let rows: Vec<(i64, i16, i64)> = delivery_times::Entity::find()
        .select_only()
        .column(delivery_times::Column::CarrierId)
        .column(delivery_times::Column::Bucket)
        .column_as(Expr::cust("CAST(SUM(count) AS BIGINT)"), "n")
        .filter(delivery_times::Column::Day.eq(day.format("%Y-%m-%d").to_string()))
        .filter(delivery_times::Column::Measure.eq(DELIVERY))
        .group_by(delivery_times::Column::CarrierId)
        .group_by(delivery_times::Column::Bucket)
        .into_tuple()
        .all(db)
        .await?;
    let mut per_carrier: std::collections::BTreeMap<i64, Vec<(i16, i64)>> = Default::default();
    for (carrier_id, bucket, n) in rows {
        per_carrier.entry(carrier_id).or_default().push((bucket, n));
    }
    let codes: HashMap<i64, String> = carrier::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c.code))
        .collect();
    let mut check = DeliveryTimeCheck::default();
    let limit_ms = i64::try_from(limit_secs.saturating_mul(1000)).unwrap_or(i64::MAX);
    for (carrier_id, histogram) in per_carrier {
        let delivered: i64 = histogram.iter().map(|(_, n)| n).sum();
        check.carriers_checked += 1;
        if delivered < min_messages {
            continue;
        }
        let Some(p90) = percentile(&histogram, 0.9) else {
            continue;
        };
        if p90 <= limit_ms {
            continue;
        }
        let code = codes
            .get(&carrier_id)
            .cloned()
            .unwrap_or_else(|| format!("carrier {carrier_id}"));
        check.degraded.push((code.clone(), p90));
        let raised = crate::alerts::store::raise(
            db,
            crate::alerts::store::NewAlert {
                customer_id: None,
                lease_id: None,
                kind: "delivery_time_degraded".into(),
                subject: format!("{code} delivery slow on {day}"),
                detail: format!(
                    "On {day}, 90% of the {delivered} messages {code} delivered took up to {:.1} s, over the {limit_secs} s limit.",
                    p90 as f64 / 1000.0
                ),
            },
        )
        .await?;
        if raised {
            check.alerts_raised += 1;
        }
    }
    Ok(check)
}
