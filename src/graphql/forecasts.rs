//! Quarterly short-code forecasts in the API, with their actuals and variance flags.

use async_graphql::{Context, InputObject, Object, Result, SimpleObject, ID};
use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use sea_orm::{DatabaseConnection, EntityTrait};

use super::error::ResultExt;
use super::guard::{caller, RoleGuard, ADMINS, CUSTOMER_READERS, FORECASTERS};
use super::parse_id;
use crate::compliance::forecast_store::{self, Actuals, NewForecast, SurchargeSummary};
use crate::compliance::forecasts::{variance, Quarter};
use crate::config::ComplianceSettings;
use crate::db::entities::{forecast, number};
use crate::error::AppError;

/// One revision of a short code's forecast for a quarter.
pub struct Forecast(forecast::Model);

/// A quarter's actuals against its forecast.
#[derive(SimpleObject)]
pub struct ForecastVariance {
    /// Actual messages exceed the forecast by more than the allowed percentage.
    pub over_forecast: bool,
    /// The peak one-second rate exceeds the forecast's.
    pub peak_exceeded: bool,
    pub messages_above: i64,
    /// The allowed percentage over the forecast (a setting).
    pub allowed_percent: u32,
}

#[Object]
impl Forecast {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn number_id(&self) -> ID {
        ID(self.0.number_id.to_string())
    }
    async fn quarter(&self) -> &str {
        &self.0.quarter
    }
    /// 1 for the first submission; each revision adds one.
    async fn revision(&self) -> i32 {
        self.0.revision
    }
    async fn expected_messages(&self) -> i64 {
        self.0.expected_messages
    }
    /// Each hour's (UTC) share of the traffic, as decimal strings summing to 1.
    async fn hourly_pattern(&self) -> Vec<String> {
        serde_json::from_str(&self.0.hourly_pattern).unwrap_or_default()
    }
    async fn peak_per_second(&self) -> i64 {
        self.0.peak_per_second
    }
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }
    async fn submitted_by(&self) -> &str {
        &self.0.submitted_by
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// The code's actual traffic in the quarter, from the message store.
    async fn actuals(&self, ctx: &Context<'_>) -> Result<Actuals> {
        let db = ctx.data::<DatabaseConnection>()?;
        let quarter = Quarter::parse(&self.0.quarter)
            .ok_or_else(|| AppError::Conflict("stored quarter unreadable".into()))
            .gql()?;
        forecast_store::actuals(db, self.0.number_id, quarter)
            .await
            .gql()
    }
    /// The actuals against this forecast.
    async fn variance(&self, ctx: &Context<'_>) -> Result<ForecastVariance> {
        let db = ctx.data::<DatabaseConnection>()?;
        let allowed = ctx.data::<ComplianceSettings>()?.forecast_variance_percent;
        let quarter = Quarter::parse(&self.0.quarter)
            .ok_or_else(|| AppError::Conflict("stored quarter unreadable".into()))
            .gql()?;
        let actual = forecast_store::actuals(db, self.0.number_id, quarter)
            .await
            .gql()?;
        let v = variance(
            self.0.expected_messages,
            self.0.peak_per_second,
            actual.messages,
            actual.peak_per_second,
            allowed,
        );
        Ok(ForecastVariance {
            over_forecast: v.over_forecast,
            peak_exceeded: v.peak_exceeded,
            messages_above: v.messages_above,
            allowed_percent: allowed,
        })
    }
}

/// A forecast to submit (again, to revise it).
#[derive(InputObject)]
#[graphql(name = "ForecastInput")]
pub struct ForecastInput {
    pub number_id: ID,
    /// `2026-Q4`.
    pub quarter: String,
    pub expected_messages: i64,
    /// 24 shares (decimal strings) of the traffic by hour of the day, UTC, summing to 1.
    pub hourly_pattern: Vec<String>,
    pub peak_per_second: i64,
    pub note: Option<String>,
}

#[derive(Default)]
pub struct ForecastQuery;

#[Object]
impl ForecastQuery {
    /// A short code's forecasts, every revision, newest first (optionally one quarter).
    #[graphql(guard = "RoleGuard::new(CUSTOMER_READERS)")]
    async fn forecasts(
        &self,
        ctx: &Context<'_>,
        number_id: ID,
        quarter: Option<String>,
    ) -> Result<Vec<Forecast>> {
        let db = ctx.data::<DatabaseConnection>()?;
        let number_id = parse_id(&number_id, "numberId")?;
        if let Some(own) = caller(ctx)?.customer_id {
            let theirs = number::Entity::find_by_id(number_id)
                .one(db)
                .await
                .map_err(AppError::from)
                .gql()?
                .is_some_and(|n| n.customer_id == own);
            if !theirs {
                return Err(AppError::NotFound(format!("number {number_id}"))).gql();
            }
        }
        Ok(forecast_store::history(db, number_id, quarter.as_deref())
            .await
            .gql()?
            .into_iter()
            .map(Forecast)
            .collect())
    }
}

#[derive(Default)]
pub struct ForecastMutation;

#[Object]
impl ForecastMutation {
    /// Submits a short code's forecast for a quarter; submitting again revises it (every
    /// revision is kept).
    #[graphql(guard = "RoleGuard::new(FORECASTERS)")]
    async fn submit_forecast(&self, ctx: &Context<'_>, input: ForecastInput) -> Result<Forecast> {
        let db = ctx.data::<DatabaseConnection>()?;
        let pattern = input
            .hourly_pattern
            .iter()
            .map(|s| s.trim().parse::<Decimal>())
            .collect::<Result<Vec<_>, _>>()
            .map_err(|_| {
                AppError::invalid_field("hourly_pattern", "holds a value that is not a decimal")
            })
            .gql()?;
        let new = NewForecast {
            number_id: parse_id(&input.number_id, "numberId")?,
            quarter: input.quarter,
            expected_messages: input.expected_messages,
            hourly_pattern: pattern,
            peak_per_second: input.peak_per_second,
            note: input.note,
        };
        Ok(Forecast(
            forecast_store::submit(db, caller(ctx)?, new).await.gql()?,
        ))
    }

    /// After a quarter ends, charges the messages above each exceeded forecast at the price
    /// list's `surcharge` price (no such price: surcharges are off); once per code and
    /// quarter.
    #[graphql(guard = "RoleGuard::new(ADMINS)")]
    async fn charge_forecast_surcharges(
        &self,
        ctx: &Context<'_>,
        quarter: String,
    ) -> Result<SurchargeSummary> {
        let db = ctx.data::<DatabaseConnection>()?;
        let allowed = ctx.data::<ComplianceSettings>()?.forecast_variance_percent;
        let quarter = Quarter::parse(&quarter)
            .ok_or_else(|| AppError::invalid_field("quarter", "must look like 2026-Q4"))
            .gql()?;
        forecast_store::charge_surcharges(db, caller(ctx)?, quarter, allowed)
            .await
            .gql()
    }

    /// Raises reminders for leased short codes whose next quarter's forecast is due and
    /// missing (once per code and quarter); returns how many.
    #[graphql(guard = "RoleGuard::new(ADMINS)")]
    async fn remind_missing_forecasts(
        &self,
        ctx: &Context<'_>,
        as_of: Option<NaiveDate>,
    ) -> Result<i64> {
        let db = ctx.data::<DatabaseConnection>()?;
        let due_days = ctx.data::<ComplianceSettings>()?.forecast_due_days;
        forecast_store::remind_missing(
            db,
            due_days,
            as_of.unwrap_or_else(|| Utc::now().date_naive()),
        )
        .await
        .gql()
    }
}
