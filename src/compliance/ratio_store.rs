//! The AT&T ratio from the message store: per customer and cycle, the MMS exchanged with the
//! carrier's subscribers (outgoing MT and incoming MO, leaving out what never left: REJECTED
//! and CANCELLED), without the traffic of use cases AT&T approved as exempt, with daily
//! points for a chart; and the check that alerts the account manager once per level and
//! cycle and records it.

use std::collections::BTreeMap;

use chrono::{NaiveDate, TimeZone, Utc};
use rust_decimal::Decimal;
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, TransactionTrait,
};

use super::lease_store::raise_alert;
use super::ratio::{cycle_containing, level, ratio, Cycle, RatioLevel};
use crate::billing::rating::{Direction, MessageKind};
use crate::config::RatioSettings;
use crate::db::entities::{att_ratio_alert, carrier, message, mms_use_case};
use crate::error::AppError;
use crate::messaging::status::MessageStatus;

/// One day of a cycle, with the cycle's counts up to and including it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RatioDay {
    pub day: NaiveDate,
    pub outgoing: u64,
    pub incoming: u64,
    pub cumulative_outgoing: u64,
    pub cumulative_incoming: u64,
    pub ratio: Option<Decimal>,
}

/// A customer's cycle as of a day.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RatioReport {
    pub customer_id: i64,
    /// None before the customer's first MMS with the carrier.
    pub cycle: Option<Cycle>,
    pub outgoing: u64,
    pub incoming: u64,
    pub ratio: Option<Decimal>,
    pub level: RatioLevel,
    pub days: Vec<RatioDay>,
}

fn start_of(day: NaiveDate) -> chrono::DateTime<Utc> {
    Utc.from_utc_datetime(&day.and_hms_opt(0, 0, 0).unwrap_or_default())
}

async fn carrier_id(db: &impl ConnectionTrait, code: &str) -> Result<Option<i64>, AppError> {
    Ok(carrier::Entity::find()
        .filter(carrier::Column::Code.eq(code))
        .one(db)
        .await?
        .map(|c| c.id))
}

/// Counted traffic with the carrier: MMS, either direction, that left or arrived.
fn counted(customer_id: i64, carrier_id: i64) -> sea_orm::Select<message::Entity> {
    message::Entity::find()
        .filter(message::Column::CustomerId.eq(customer_id))
        .filter(message::Column::Kind.eq(MessageKind::Mms))
        .filter(message::Column::CarrierId.eq(carrier_id))
        .filter(
            message::Column::Status.is_not_in([MessageStatus::Rejected, MessageStatus::Cancelled]),
        )
}

/// The cycle holding `as_of` for a customer: from the settings' anchor, or from the day of
/// its first counted MMS with the carrier.
async fn cycle_of(
    db: &impl ConnectionTrait,
    settings: &RatioSettings,
    customer_id: i64,
    carrier_id: i64,
    as_of: NaiveDate,
) -> Result<Option<Cycle>, AppError> {
    let anchor = match settings.anchor {
        Some(anchor) => Some(anchor),
        None => counted(customer_id, carrier_id)
            .select_only()
            .column(message::Column::SubmittedAt)
            .order_by_asc(message::Column::SubmittedAt)
            .into_tuple::<chrono::DateTime<Utc>>()
            .one(db)
            .await?
            .map(|at| at.date_naive()),
    };
    Ok(anchor.and_then(|a| cycle_containing(a, as_of, settings.cycle_days)))
}

/// The customer's cycle holding `as_of`, counted up to the end of that day.
pub async fn report(
    db: &impl ConnectionTrait,
    settings: &RatioSettings,
    customer_id: i64,
    as_of: NaiveDate,
) -> Result<RatioReport, AppError> {
    let empty = RatioReport {
        customer_id,
        cycle: None,
        outgoing: 0,
        incoming: 0,
        ratio: None,
        level: RatioLevel::Within,
        days: Vec::new(),
    };
    let Some(att) = carrier_id(db, &settings.carrier).await? else {
        return Ok(empty);
    };
    let Some(cycle) = cycle_of(db, settings, customer_id, att, as_of).await? else {
        return Ok(empty);
    };
    let exempt: Vec<i64> = mms_use_case::Entity::find()
        .select_only()
        .column(mms_use_case::Column::Id)
        .filter(mms_use_case::Column::CustomerId.eq(customer_id))
        .filter(mms_use_case::Column::AttExempt.eq(true))
        .into_tuple::<i64>()
        .all(db)
        .await?;
    let until = (as_of + chrono::Duration::days(1)).min(cycle.end);
    let mut select = counted(customer_id, att)
        .select_only()
        .columns([message::Column::SubmittedAt, message::Column::Direction])
        .filter(message::Column::SubmittedAt.gte(start_of(cycle.start)))
        .filter(message::Column::SubmittedAt.lt(start_of(until)));
    if !exempt.is_empty() {
        select = select.filter(
            sea_orm::Condition::any()
                .add(message::Column::UseCaseId.is_null())
                .add(message::Column::UseCaseId.is_not_in(exempt)),
        );
    }
    let rows = select
        .into_tuple::<(chrono::DateTime<Utc>, Direction)>()
        .all(db)
        .await?;
    let mut by_day: BTreeMap<NaiveDate, (u64, u64)> = BTreeMap::new();
    let mut day = cycle.start;
    while day < until {
        by_day.insert(day, (0, 0));
        day += chrono::Duration::days(1);
    }
    for (at, direction) in rows {
        let counts = by_day.entry(at.date_naive()).or_default();
        match direction {
            Direction::Mt => counts.0 += 1,
            Direction::Mo => counts.1 += 1,
        }
    }
    let (mut outgoing, mut incoming) = (0, 0);
    let days = by_day
        .into_iter()
        .map(|(day, (out, inc))| {
            outgoing += out;
            incoming += inc;
            RatioDay {
                day,
                outgoing: out,
                incoming: inc,
                cumulative_outgoing: outgoing,
                cumulative_incoming: incoming,
                ratio: ratio(outgoing, incoming),
            }
        })
        .collect();
    Ok(RatioReport {
        customer_id,
        cycle: Some(cycle),
        outgoing,
        incoming,
        ratio: ratio(outgoing, incoming),
        level: level(
            outgoing,
            incoming,
            settings.warning,
            settings.limit,
            settings.min_outgoing,
        ),
        days,
    })
}

/// What a ratio check did.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct RatioCheck {
    pub customers_checked: u64,
    pub alerts_raised: u64,
}

/// Checks every customer with MMS traffic with the carrier as of a day; each level reached
/// (warning, then breach) is recorded and alerted once per cycle. Idempotent.
pub async fn check_ratios(
    db: &DatabaseConnection,
    settings: &RatioSettings,
    as_of: NaiveDate,
) -> Result<RatioCheck, AppError> {
    let mut outcome = RatioCheck::default();
    let Some(att) = carrier_id(db, &settings.carrier).await? else {
        return Ok(outcome);
    };
    let customers: Vec<i64> = message::Entity::find()
        .select_only()
        .column(message::Column::CustomerId)
        .distinct()
        .filter(message::Column::Kind.eq(MessageKind::Mms))
        .filter(message::Column::CarrierId.eq(att))
        .into_tuple::<i64>()
        .all(db)
        .await?;
    for customer_id in customers {
        outcome.customers_checked += 1;
        let report = report(db, settings, customer_id, as_of).await?;
        let Some(cycle) = report.cycle else { continue };
        for reached in [RatioLevel::Warning, RatioLevel::Breach] {
            if report.level < reached {
                continue;
            }
            if record_level(db, settings, &report, cycle, reached).await? {
                outcome.alerts_raised += 1;
            }
        }
    }
    Ok(outcome)
}

/// Records a level reached in a cycle and alerts it; false when it was already recorded.
async fn record_level(
    db: &DatabaseConnection,
    settings: &RatioSettings,
    report: &RatioReport,
    cycle: Cycle,
    reached: RatioLevel,
) -> Result<bool, AppError> {
    // The claim first: a write opens the transaction (SQLite then waits its turn instead of
    // failing to upgrade a read), and the unique index makes it once across instances.
    let txn = db.begin().await?;
    let claimed = att_ratio_alert::Entity::insert(att_ratio_alert::ActiveModel {
        customer_id: Set(report.customer_id),
        cycle_start: Set(cycle.start),
        level: Set(reached.name().into()),
        outgoing: Set(i64::try_from(report.outgoing).unwrap_or(i64::MAX)),
        incoming: Set(i64::try_from(report.incoming).unwrap_or(i64::MAX)),
        recorded_at: Set(Utc::now()),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::columns([
            att_ratio_alert::Column::CustomerId,
            att_ratio_alert::Column::CycleStart,
            att_ratio_alert::Column::Level,
        ])
        .do_nothing()
        .to_owned(),
    )
    .exec_without_returning(&txn)
    .await?;
    if claimed == 0 {
        return Ok(false);
    }
    let shown = report.ratio.map_or_else(
        || "no incoming".to_string(),
        |r| format!("{}:1", r.round_dp(2)),
    );
    let (kind, subject) = match reached {
        RatioLevel::Breach => (
            "mms_ratio_breach",
            format!(
                "{} MMS ratio breached {}:1 in the cycle from {}",
                settings.carrier, settings.limit, cycle.start
            ),
        ),
        _ => (
            "mms_ratio_warning",
            format!(
                "{} MMS ratio past {}:1 in the cycle from {}",
                settings.carrier, settings.warning, cycle.start
            ),
        ),
    };
    let detail = format!(
        "{} outgoing and {} incoming MMS with {} subscribers since {} ({shown}); the cycle ends {}.",
        report.outgoing,
        report.incoming,
        settings.carrier,
        cycle.start,
        cycle.end - chrono::Duration::days(1)
    );
    raise_alert(&txn, report.customer_id, None, kind, subject, detail).await?;
    txn.commit().await?;
    Ok(true)
}
