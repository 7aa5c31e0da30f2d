//! Forecasts in the database: submissions and revisions (each kept), actuals read from the
//! message store, and reminders for forecasts that are due and missing.

use chrono::{DateTime, NaiveDate, NaiveTime, Timelike, Utc};
use rust_decimal::Decimal;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, TransactionTrait,
};
use serde_json::json;

use super::forecasts::{check_pattern, due_quarter, Quarter};
use super::lease_store::{raise_alert, record_charge, ChargeLine};
use super::leases::LeaseState;
use super::numbers::NumberKind;
use crate::audit;
use crate::auth::RequestContext;
use crate::db::entities::{alert, forecast, message, number, short_code_lease};
use crate::error::AppError;

/// A forecast (or a revision of one) for a short code and quarter.
#[derive(Clone, Debug)]
pub struct NewForecast {
    pub number_id: i64,
    pub quarter: String,
    pub expected_messages: i64,
    pub hourly_pattern: Vec<Decimal>,
    pub peak_per_second: i64,
    pub note: Option<String>,
}

/// Submits a forecast; a later one for the same code and quarter is a revision (the earlier
/// ones are kept). A customer key submits for its own codes only.
pub async fn submit(
    db: &DatabaseConnection,
    actor: &RequestContext,
    new: NewForecast,
) -> Result<forecast::Model, AppError> {
    let quarter = Quarter::parse(&new.quarter)
        .ok_or_else(|| AppError::invalid_field("quarter", "must look like 2026-Q4"))?;
    if new.expected_messages < 0 {
        return Err(AppError::invalid_field(
            "expected_messages",
            "must not be negative",
        ));
    }
    if new.peak_per_second < 0 {
        return Err(AppError::invalid_field(
            "peak_per_second",
            "must not be negative",
        ));
    }
    check_pattern(&new.hourly_pattern).map_err(|e| AppError::invalid_field("hourly_pattern", e))?;
    if Quarter::of(Utc::now().date_naive()) > quarter {
        return Err(AppError::invalid_field("quarter", "has already ended"));
    }
    let code = number::Entity::find_by_id(new.number_id)
        .one(db)
        .await?
        .filter(|n| actor.customer_id.is_none_or(|own| own == n.customer_id))
        .ok_or_else(|| AppError::NotFound(format!("number {}", new.number_id)))?;
    if code.kind != NumberKind::ShortCode {
        return Err(AppError::invalid_field("number_id", "is not a short code"));
    }
    let txn = db.begin().await?;
    let latest = forecast::Entity::find()
        .filter(forecast::Column::NumberId.eq(code.id))
        .filter(forecast::Column::Quarter.eq(quarter.to_string()))
        .order_by_desc(forecast::Column::Revision)
        .one(&txn)
        .await?;
    let saved = forecast::ActiveModel {
        customer_id: Set(code.customer_id),
        number_id: Set(code.id),
        quarter: Set(quarter.to_string()),
        revision: Set(latest.map_or(1, |f| f.revision + 1)),
        expected_messages: Set(new.expected_messages),
        hourly_pattern: Set(serde_json::to_string(
            &new.hourly_pattern
                .iter()
                .map(Decimal::to_string)
                .collect::<Vec<_>>(),
        )
        .unwrap_or_default()),
        peak_per_second: Set(new.peak_per_second),
        note: Set(new
            .note
            .map(|n| n.trim().to_owned())
            .filter(|n| !n.is_empty())),
        submitted_by: Set(actor.actor.clone()),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        "submitForecast",
        "forecast",
        saved.id,
        json!({ "quarter": saved.quarter, "revision": saved.revision }),
    )
    .await?;
    txn.commit().await?;
    Ok(saved)
}

/// Every revision for a code (and quarter), newest first.
pub async fn history(
    db: &DatabaseConnection,
    number_id: i64,
    quarter: Option<&str>,
) -> Result<Vec<forecast::Model>, AppError> {
    let mut select = forecast::Entity::find()
        .filter(forecast::Column::NumberId.eq(number_id))
        .order_by_desc(forecast::Column::Quarter)
        .order_by_desc(forecast::Column::Revision);
    if let Some(q) = quarter {
        select = select.filter(forecast::Column::Quarter.eq(q));
    }
    Ok(select.all(db).await?)
}

/// What a short code actually sent and received in a quarter.
#[derive(Clone, Debug, Default, PartialEq, Eq, async_graphql::SimpleObject)]
pub struct Actuals {
    pub messages: i64,
    /// Messages per hour of the day (UTC), 24 values.
    pub hourly: Vec<i64>,
    /// The most messages in one second.
    pub peak_per_second: i64,
}

/// Reads a code's actual traffic (MT and MO) in a quarter from the message store.
pub async fn actuals(
    db: &DatabaseConnection,
    number_id: i64,
    quarter: Quarter,
) -> Result<Actuals, AppError> {
    let start = quarter.first_day().and_time(NaiveTime::MIN).and_utc();
    let end = quarter.end().and_time(NaiveTime::MIN).and_utc();
    let mut times: Vec<DateTime<Utc>> = message::Entity::find()
        .select_only()
        .column(message::Column::SubmittedAt)
        .filter(message::Column::NumberId.eq(number_id))
        .filter(message::Column::SubmittedAt.gte(start))
        .filter(message::Column::SubmittedAt.lt(end))
        .into_tuple()
        .all(db)
        .await?;
    times.sort();
    let mut actual = Actuals {
        messages: i64::try_from(times.len()).unwrap_or(i64::MAX),
        hourly: vec![0; 24],
        peak_per_second: 0,
    };
    let (mut second, mut in_second) = (None, 0);
    for t in &times {
        actual.hourly[t.hour() as usize] += 1;
        let this = t.timestamp();
        if Some(this) == second {
            in_second += 1;
        } else {
            second = Some(this);
            in_second = 1;
        }
        actual.peak_per_second = actual.peak_per_second.max(in_second);
    }
    Ok(actual)
}

/// Raises a `forecast_missing` alert for each leased short code whose next quarter's forecast
/// is due on `as_of` and missing, once per code and quarter. Returns how many it raised.
pub async fn remind_missing(
    db: &DatabaseConnection,
    due_days: u32,
    as_of: NaiveDate,
) -> Result<i64, AppError> {
    let Some(quarter) = due_quarter(as_of, due_days) else {
        return Ok(0);
    };
    let leases = short_code_lease::Entity::find()
        .filter(
            short_code_lease::Column::State.is_in([LeaseState::Active, LeaseState::NoticeGiven]),
        )
        .all(db)
        .await?;
    let mut raised = 0;
    for lease in leases {
        let has = forecast::Entity::find()
            .filter(forecast::Column::NumberId.eq(lease.number_id))
            .filter(forecast::Column::Quarter.eq(quarter.to_string()))
            .one(db)
            .await?
            .is_some();
        let subject = format!("Forecast for {quarter} due");
        let reminded = alert::Entity::find()
            .filter(alert::Column::LeaseId.eq(lease.id))
            .filter(alert::Column::Kind.eq("forecast_missing"))
            .filter(alert::Column::Subject.eq(subject.as_str()))
            .one(db)
            .await?
            .is_some();
        if has || reminded {
            continue;
        }
        let code = number::Entity::find_by_id(lease.number_id)
            .one(db)
            .await?
            .map(|n| n.address)
            .unwrap_or_default();
        let detail = format!(
            "Short code {code} has no forecast for {quarter}, which starts on {}.",
            quarter.first_day()
        );
        raise_alert(
            db,
            lease.customer_id,
            Some(lease.id),
            "forecast_missing",
            subject,
            detail,
        )
        .await?;
        raised += 1;
    }
    Ok(raised)
}

/// What charging a quarter's surcharges did.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, async_graphql::SimpleObject)]
pub struct SurchargeSummary {
    pub codes_over_forecast: i64,
    pub charges_created: i64,
    /// The price list has no `surcharge` price for the customer: nothing is charged.
    pub codes_without_price: i64,
}

/// After a quarter ends: for each short code whose traffic exceeded its forecast (beyond the
/// allowed percentage), charges every message above the forecast at the price list's
/// `surcharge` price, when the customer has one (none: surcharges are off). Once per code and
/// quarter.
pub async fn charge_surcharges(
    db: &DatabaseConnection,
    actor: &RequestContext,
    quarter: Quarter,
    allowed_percent: u32,
) -> Result<SurchargeSummary, AppError> {
    use crate::db::entities::{customer, one_time_charge};
    if Utc::now().date_naive() < quarter.end() {
        return Err(AppError::invalid_field("quarter", "has not ended yet"));
    }
    let mut summary = SurchargeSummary::default();
    let forecasts = forecast::Entity::find()
        .filter(forecast::Column::Quarter.eq(quarter.to_string()))
        .order_by_desc(forecast::Column::Revision)
        .all(db)
        .await?;
    let mut seen = std::collections::HashSet::new();
    for f in forecasts {
        if !seen.insert(f.number_id) {
            continue; // an older revision
        }
        let actual = actuals(db, f.number_id, quarter).await?;
        let v = super::forecasts::variance(
            f.expected_messages,
            f.peak_per_second,
            actual.messages,
            actual.peak_per_second,
            allowed_percent,
        );
        if !v.over_forecast {
            continue;
        }
        summary.codes_over_forecast += 1;
        let code = number::Entity::find_by_id(f.number_id)
            .one(db)
            .await?
            .map(|n| n.address)
            .unwrap_or_default();
        let description = format!("Traffic above forecast: short code {code}, {quarter}");
        let charged = one_time_charge::Entity::find()
            .filter(one_time_charge::Column::CustomerId.eq(f.customer_id))
            .filter(one_time_charge::Column::Kind.eq("surcharge"))
            .filter(one_time_charge::Column::Description.eq(description.as_str()))
            .one(db)
            .await?
            .is_some();
        if charged {
            continue;
        }
        let customer = customer::Entity::find_by_id(f.customer_id)
            .one(db)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("customer {}", f.customer_id)))?;
        let at = quarter.end().and_time(NaiveTime::MIN).and_utc() - chrono::Duration::seconds(1);
        let Ok(unit) = super::lease_store::price(db, &customer, "surcharge", "", at).await else {
            summary.codes_without_price += 1;
            continue;
        };
        let txn = db.begin().await?;
        let line = ChargeLine {
            kind: "surcharge",
            description,
            quantity: i32::try_from(v.messages_above).unwrap_or(i32::MAX),
            unit_price_micros: unit,
            at,
            lease_id: None,
            filing_id: None,
        };
        record_charge(&txn, &customer, line).await?;
        audit::record(
            &txn,
            actor,
            "chargeForecastSurcharges",
            "forecast",
            f.id,
            json!({ "quarter": quarter.to_string(), "messages_above": v.messages_above }),
        )
        .await?;
        txn.commit().await?;
        summary.charges_created += 1;
    }
    Ok(summary)
}
