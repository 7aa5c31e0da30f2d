//! Scheduled jobs: monthly invoice drafts, daily lease maintenance, inactivity and forecast
//! checks, the hourly AT&T ratio check and retention purge, and the carriers' delivery-time
//! check. Each runs on its schedule inside `serve` (`scheduler`), by hand from the CLI or
//! GraphQL, and is recorded in `job_runs` (`runs`), once per tick across instances. After its
//! work a run sends the alert email that is due.

pub mod retention;
pub mod runs;
pub mod scheduler;

use std::sync::Arc;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use sea_orm::DatabaseConnection;
use serde_json::{json, Value};

use crate::alerts::store::NewAlert;
use crate::auth::RequestContext;
use crate::config::{JobSchedule, JobsSettings, Settings};
use crate::db::entities::job_run;
use crate::error::AppError;
use crate::mail::Mailer;

/// The jobs, by their stable names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum JobName {
    InvoiceDrafts,
    LeaseMaintenance,
    Inactivity,
    Forecasts,
    Ratio,
    Retention,
    DeliveryTime,
}

impl JobName {
    pub const ALL: [JobName; 7] = [
        JobName::InvoiceDrafts,
        JobName::LeaseMaintenance,
        JobName::Inactivity,
        JobName::Forecasts,
        JobName::Ratio,
        JobName::Retention,
        JobName::DeliveryTime,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            JobName::InvoiceDrafts => "invoice-drafts",
            JobName::LeaseMaintenance => "lease-maintenance",
            JobName::Inactivity => "inactivity",
            JobName::Forecasts => "forecasts",
            JobName::Ratio => "ratio",
            JobName::Retention => "retention",
            JobName::DeliveryTime => "delivery-time",
        }
    }

    /// A job by name; the error lists the names.
    pub fn parse(name: &str) -> Result<Self, AppError> {
        Self::ALL
            .into_iter()
            .find(|j| j.as_str() == name)
            .ok_or_else(|| {
                let names: Vec<&str> = Self::ALL.iter().map(|j| j.as_str()).collect();
                AppError::invalid_field(
                    "job",
                    format!("{name:?} is not a job ({})", names.join(", ")),
                )
            })
    }

    /// Its schedule in the settings.
    pub fn schedule(self, settings: &JobsSettings) -> &JobSchedule {
        match self {
            JobName::InvoiceDrafts => &settings.invoice_drafts,
            JobName::LeaseMaintenance => &settings.lease_maintenance,
            JobName::Inactivity => &settings.inactivity,
            JobName::Forecasts => &settings.forecasts,
            JobName::Ratio => &settings.ratio,
            JobName::Retention => &settings.retention,
            JobName::DeliveryTime => &settings.delivery_time,
        }
    }
}

/// What a run did.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct JobReport {
    pub rows_touched: i64,
    pub alerts_created: i64,
    pub emails_sent: i64,
    /// The job's own figures.
    pub detail: Value,
}

/// What jobs need.
#[derive(Clone)]
pub struct JobContext {
    pub db: DatabaseConnection,
    pub settings: Arc<Settings>,
    pub mailer: Arc<Mailer>,
    /// This instance's name in the history.
    pub instance: String,
}

impl JobContext {
    pub fn new(db: DatabaseConnection, settings: Arc<Settings>, mailer: Arc<Mailer>) -> Self {
        let instance = settings.jobs.instance.clone().unwrap_or_else(|| {
            let host = std::fs::read_to_string("/etc/hostname")
                .map(|h| h.trim().to_owned())
                .unwrap_or_else(|_| "localhost".into());
            format!("{host}:{}", std::process::id())
        });
        Self {
            db,
            settings,
            mailer,
            instance,
        }
    }
}

/// How a run was started.
#[derive(Clone, Debug)]
pub enum Trigger {
    /// By its schedule, for this tick (whole minutes, so instances agree on it).
    Schedule(DateTime<Utc>),
    /// By a person or a script.
    Manual,
}

/// How a run ended.
#[derive(Clone, Debug)]
pub enum RunOutcome {
    /// Run here; the recorded run (succeeded or failed).
    Ran(Box<job_run::Model>),
    /// Another instance has this tick.
    ClaimedElsewhere,
}

/// Runs a job as of a day and records it. A scheduled tick that another instance claimed is
/// not run again. A failure is recorded, raises an operators' alert, and is returned as the
/// run (its outcome `failed`).
pub async fn run(
    ctx: &JobContext,
    job: JobName,
    trigger: Trigger,
    as_of: NaiveDate,
) -> Result<RunOutcome, AppError> {
    let now = Utc::now();
    runs::recover_stale(&ctx.db, ctx.settings.jobs.stale_after_secs, now).await?;
    let (scheduled_for, trigger_name) = match trigger {
        Trigger::Schedule(tick) => (tick, "schedule"),
        Trigger::Manual => (now, "manual"),
    };
    let Some(claimed) = runs::claim(
        &ctx.db,
        job.as_str(),
        scheduled_for,
        as_of,
        trigger_name,
        &ctx.instance,
    )
    .await?
    else {
        return Ok(RunOutcome::ClaimedElsewhere);
    };
    let heartbeat = runs::keep_alive(ctx.db.clone(), claimed.id);
    let outcome = work(ctx, job, as_of, now).await;
    heartbeat.abort();
    let finished = match outcome {
        Ok(mut report) => {
            report.emails_sent += deliver_alerts(ctx).await.unwrap_or(0);
            runs::finish(&ctx.db, claimed.id, Ok(&report)).await?
        }
        Err(error) => {
            let message = error.to_string();
            tracing::warn!(job = job.as_str(), error = %message, "job failed");
            let run = runs::finish(&ctx.db, claimed.id, Err(&message)).await?;
            crate::alerts::store::raise(
                &ctx.db,
                NewAlert {
                    customer_id: None,
                    lease_id: None,
                    kind: "job_failed".into(),
                    subject: format!(
                        "Job {} failed (run {}, {})",
                        job.as_str(),
                        run.id,
                        scheduled_for.format("%Y-%m-%d %H:%M UTC")
                    ),
                    detail: format!(
                        "The {} job acting as of {as_of} failed: {message}. Its next tick tries again.",
                        job.as_str()
                    ),
                },
            )
            .await?;
            deliver_alerts(ctx).await.ok();
            run
        }
    };
    Ok(RunOutcome::Ran(Box::new(finished)))
}

/// Sends the alert email that is due; the number of emails.
pub async fn deliver_alerts(ctx: &JobContext) -> Result<i64, AppError> {
    let summary =
        crate::alerts::email::deliver_due(&ctx.db, &ctx.mailer, &ctx.settings.alerts, Utc::now())
            .await?;
    Ok(summary.sent)
}

/// The period the monthly run bills: the month before `as_of`'s; an as-of day whose month
/// before is outside the periods invoicing knows (years 2000 to 9999) is refused by name.
pub fn billed_period(as_of: NaiveDate) -> Result<crate::billing::invoicing::Period, AppError> {
    let first = as_of.with_day(1).unwrap_or(as_of);
    let last_month = first - Duration::days(1);
    crate::billing::invoicing::Period::parse(&last_month.format("%Y-%m").to_string())
        .map_err(|e| AppError::invalid_field("as_of", format!("bills no period: {e}")))
}

async fn work(
    ctx: &JobContext,
    job: JobName,
    as_of: NaiveDate,
    now: DateTime<Utc>,
) -> Result<JobReport, AppError> {
    let db = &ctx.db;
    let actor = RequestContext::system(&format!("job:{}", job.as_str()));
    let settings = &ctx.settings;
    Ok(match job {
        JobName::InvoiceDrafts => {
            use crate::billing::{delivery, invoice_store, invoicing::InvoiceState};
            let period = billed_period(as_of)?;
            let (run, invoices) = invoice_store::run(db, &actor, period, None).await?;
            let mut issued = 0;
            let mut emails = 0;
            if settings.jobs.auto_issue {
                for invoice in invoices.iter().filter(|i| i.state == InvoiceState::Draft) {
                    let done = invoice_store::issue(db, &settings.billing, invoice.id).await?;
                    issued += 1;
                    let email = delivery::email(db, &ctx.mailer, &settings.billing, &done).await?;
                    if email.outcome == "sent" {
                        emails += 1;
                    }
                }
            }
            JobReport {
                rows_touched: i64::try_from(invoices.len()).unwrap_or(i64::MAX),
                alerts_created: 0,
                emails_sent: emails,
                detail: json!({ "period": period.to_string(), "run": run.id, "invoices": invoices.len(), "issued": issued }),
            }
        }
        JobName::LeaseMaintenance | JobName::Inactivity => {
            use crate::compliance::lease_store::{maintain_leases_part, MaintenancePart};
            let part = if job == JobName::Inactivity {
                MaintenancePart::Inactivity
            } else {
                MaintenancePart::Terms
            };
            let s = maintain_leases_part(db, &actor, as_of, part).await?;
            if !s.failures.is_empty() {
                return Err(AppError::Conflict(format!(
                    "{} lease(s) could not be maintained: {}",
                    s.failures.len(),
                    s.failures.join("; ")
                )));
            }
            JobReport {
                rows_touched: s.renewed + s.ended + s.cancelled_for_inactivity + s.charges_created,
                alerts_created: s.renewed + s.ended + s.warnings + s.cancelled_for_inactivity,
                emails_sent: 0,
                detail: serde_json::to_value(&s).unwrap_or_default(),
            }
        }
        JobName::Forecasts => {
            use crate::compliance::{forecast_store, forecasts::Quarter};
            let reminded =
                forecast_store::remind_missing(db, settings.compliance.forecast_due_days, as_of)
                    .await?;
            // The quarter that ended before this one: its surcharges (once).
            let current = Quarter::of(as_of);
            let previous = Quarter::of(current.first_day() - Duration::days(1));
            let surcharges = forecast_store::charge_surcharges(
                db,
                &actor,
                previous,
                settings.compliance.forecast_variance_percent,
            )
            .await?;
            JobReport {
                rows_touched: surcharges.charges_created,
                alerts_created: reminded,
                emails_sent: 0,
                detail: json!({ "reminded": reminded, "surcharged_quarter": previous.to_string(), "surcharges": surcharges }),
            }
        }
        JobName::Ratio => {
            let check =
                crate::compliance::ratio_store::check_ratios(db, &settings.mms.ratio, as_of)
                    .await?;
            JobReport {
                rows_touched: 0,
                alerts_created: i64::try_from(check.alerts_raised).unwrap_or(i64::MAX),
                emails_sent: 0,
                detail: json!({ "customers_checked": check.customers_checked, "alerts_raised": check.alerts_raised }),
            }
        }
        JobName::Retention => {
            let at = if as_of == now.date_naive() {
                now
            } else {
                as_of.and_hms_opt(23, 59, 59).unwrap_or_default().and_utc()
            };
            let purge = retention::purge(db, &settings.retention, at).await?;
            JobReport {
                rows_touched: purge.contents_purged + purge.records_deleted,
                alerts_created: 0,
                emails_sent: 0,
                detail: serde_json::to_value(purge).unwrap_or_default(),
            }
        }
        JobName::DeliveryTime => {
            let check = crate::messaging::analytics::check_delivery_times(
                db,
                as_of,
                settings.alerts.delivery_p90_limit_secs,
                settings.alerts.delivery_min_messages,
            )
            .await?;
            JobReport {
                rows_touched: 0,
                alerts_created: check.alerts_raised,
                emails_sent: 0,
                detail: serde_json::to_value(check).unwrap_or_default(),
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_monthly_run_bills_the_month_before_and_refuses_days_it_cannot_bill() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(
            billed_period(day(2026, 12, 1)).unwrap().to_string(),
            "2026-11"
        );
        assert_eq!(
            billed_period(day(2027, 1, 15)).unwrap().to_string(),
            "2026-12"
        );
        let refused = billed_period(day(1999, 6, 1)).unwrap_err().to_string();
        assert!(refused.contains("asOf: bills no period"), "{refused}");
    }
}
