//! The scheduler inside `serve`: every enabled job on its cron schedule (UTC, with seconds),
//! plus a minute's loop that retries alert email that is due. Every instance schedules; the
//! run's claim makes each tick happen once.

use chrono::{DurationRound, Utc};
use tokio_cron_scheduler::{Job, JobScheduler};

use super::{run, JobContext, JobName, Trigger};
use crate::error::AppError;

/// The running scheduler; dropping it does not stop it, `shutdown` does.
pub struct Scheduler {
    inner: JobScheduler,
    retries: tokio::task::JoinHandle<()>,
}

impl Scheduler {
    /// Marks runs cut short by an earlier crash, then schedules every enabled job.
    pub async fn start(ctx: JobContext) -> Result<Self, AppError> {
        let recovered =
            super::runs::recover_stale(&ctx.db, ctx.settings.jobs.stale_after_secs, Utc::now())
                .await?;
        if recovered > 0 {
            tracing::warn!(
                runs = recovered,
                "job runs cut short earlier marked interrupted"
            );
        }
        let failed = |e: tokio_cron_scheduler::JobSchedulerError| {
            AppError::Internal(anyhow::anyhow!("scheduler: {e}"))
        };
        let inner = JobScheduler::new().await.map_err(failed)?;
        for job in JobName::ALL {
            let schedule = job.schedule(&ctx.settings.jobs);
            if !schedule.enabled {
                continue;
            }
            let ctx = ctx.clone();
            let cron = Job::new_async(schedule.schedule.as_str(), move |_, _| {
                let ctx = ctx.clone();
                Box::pin(async move {
                    let now = Utc::now();
                    // Whole minutes: instances firing the same tick agree on its key.
                    let tick = now
                        .duration_trunc(chrono::Duration::minutes(1))
                        .unwrap_or(now);
                    match run(&ctx, job, Trigger::Schedule(tick), tick.date_naive()).await {
                        Ok(_) => {}
                        Err(e) => {
                            tracing::error!(job = job.as_str(), error = %e, "job could not run")
                        }
                    }
                })
            })
            .map_err(|e| {
                AppError::invalid_field(
                    "jobs.schedule",
                    format!("{}: {:?}: {e}", job.as_str(), schedule.schedule),
                )
            })?;
            inner.add(cron).await.map_err(failed)?;
        }
        inner.start().await.map_err(failed)?;
        let retries = tokio::spawn(async move {
            let mut every = tokio::time::interval(std::time::Duration::from_secs(60));
            loop {
                every.tick().await;
                if let Err(e) = super::deliver_alerts(&ctx).await {
                    tracing::warn!(error = %e, "alert email pass failed");
                }
            }
        });
        Ok(Self { inner, retries })
    }

    /// Stops scheduling (a run in progress is left to finish or be marked interrupted).
    pub async fn shutdown(mut self) {
        self.retries.abort();
        if let Err(e) = self.inner.shutdown().await {
            tracing::warn!(error = %e, "scheduler shutdown");
        }
    }
}
