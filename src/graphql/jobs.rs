//! Jobs and alerts: each job's schedule and latest runs, the run history, running a job by
//! hand (admins); alerts with filters and acknowledgement (account managers and admins).

use async_graphql::connection::Connection;
use async_graphql::{Context, Object, Result, SimpleObject, ID};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ColumnTrait, DatabaseConnection, QueryFilter};

use super::error::ResultExt;
use super::guard::{caller, RoleGuard, ACCOUNT_MANAGERS, ADMINS};
use super::pagination::{connection, page_args, Cursor};
use super::parse_id;
use crate::alerts::store::{self as alert_store, AlertFilter};
use crate::db::entities::{alert, job_run};
use crate::db::page::{self, Direction};
use crate::jobs::{self, runs, JobContext, JobName, RunOutcome, Trigger};

/// A scheduled job.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct Job {
    /// Its stable name (`invoice-drafts`, `retention`, …).
    pub name: String,
    /// Cron with seconds, UTC.
    pub schedule: String,
    pub enabled: bool,
}

#[async_graphql::ComplexObject]
impl Job {
    /// Its latest runs, newest first.
    async fn last_runs(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 5)] first: u64,
    ) -> Result<Vec<JobRun>> {
        let db = ctx.data::<DatabaseConnection>()?;
        Ok(runs::latest(db, &self.name, first.min(50))
            .await
            .gql()?
            .into_iter()
            .map(JobRun::from)
            .collect())
    }
}

/// One run of a job.
#[derive(SimpleObject)]
pub struct JobRun {
    pub id: ID,
    pub job: String,
    pub scheduled_for: DateTime<Utc>,
    pub as_of: String,
    /// `schedule` or `manual`.
    pub trigger: String,
    pub instance: String,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    /// `running`, `succeeded`, `failed` or `interrupted`.
    pub outcome: String,
    pub rows_touched: i64,
    pub alerts_created: i64,
    pub emails_sent: i64,
    /// The job's own figures, JSON.
    pub detail: Option<String>,
    pub error: Option<String>,
}

impl From<job_run::Model> for JobRun {
    fn from(r: job_run::Model) -> Self {
        Self {
            id: ID(r.id.to_string()),
            job: r.job,
            scheduled_for: r.scheduled_for,
            as_of: r.as_of,
            trigger: r.trigger,
            instance: r.instance,
            started_at: r.started_at,
            finished_at: r.finished_at,
            outcome: r.outcome,
            rows_touched: r.rows_touched,
            alerts_created: r.alerts_created,
            emails_sent: r.emails_sent,
            detail: r.detail,
            error: r.error,
        }
    }
}

/// Something a person must act on, and its email's delivery.
#[derive(SimpleObject)]
pub struct Alert {
    pub id: ID,
    /// None for the operators' alerts (jobs, carriers).
    pub customer_id: Option<ID>,
    pub kind: String,
    /// `info`, `warning` or `critical`.
    pub severity: String,
    pub subject: String,
    pub detail: String,
    pub lease_id: Option<ID>,
    /// Where its email went (set once sent).
    pub recipient: Option<String>,
    /// `pending`, `sent` or `failed`.
    pub state: String,
    pub attempts: i32,
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub emailed_at: Option<DateTime<Utc>>,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub acknowledged_by: Option<String>,
}

impl From<alert::Model> for Alert {
    fn from(a: alert::Model) -> Self {
        Self {
            id: ID(a.id.to_string()),
            customer_id: a.customer_id.map(|c| ID(c.to_string())),
            kind: a.kind,
            severity: a.severity,
            subject: a.subject,
            detail: a.detail,
            lease_id: a.lease_id.map(|l| ID(l.to_string())),
            recipient: a.recipient,
            state: a.state,
            attempts: a.attempts,
            next_attempt_at: a.next_attempt_at,
            last_error: a.last_error,
            created_at: a.created_at,
            emailed_at: a.emailed_at,
            acknowledged_at: a.acknowledged_at,
            acknowledged_by: a.acknowledged_by,
        }
    }
}

#[derive(Default)]
pub struct JobQuery;

#[Object]
impl JobQuery {
    /// Every job with its schedule and latest runs.
    #[graphql(guard = "RoleGuard::new(ADMINS)")]
    async fn jobs(&self, ctx: &Context<'_>) -> Result<Vec<Job>> {
        let jobs = ctx.data::<JobContext>()?;
        Ok(JobName::ALL
            .into_iter()
            .map(|j| {
                let s = j.schedule(&jobs.settings.jobs);
                Job {
                    name: j.as_str().into(),
                    schedule: s.schedule.clone(),
                    enabled: s.enabled && jobs.settings.jobs.scheduler,
                }
            })
            .collect())
    }

    /// The settings in force, read-only, with passwords, tokens and URL credentials masked.
    #[graphql(guard = "RoleGuard::new(ADMINS)")]
    async fn settings(&self, ctx: &Context<'_>) -> Result<async_graphql::Json<serde_json::Value>> {
        let jobs = ctx.data::<JobContext>()?;
        Ok(async_graphql::Json(crate::config::redacted(&jobs.settings)))
    }

    /// Job runs, newest first, of one job or all.
    #[graphql(guard = "RoleGuard::new(ADMINS)")]
    async fn job_runs(
        &self,
        ctx: &Context<'_>,
        job: Option<String>,
        #[graphql(default = 20)] first: usize,
        after: Option<String>,
    ) -> Result<Connection<Cursor, JobRun>> {
        let (first, after) = page_args(first, after.as_deref())?;
        if let Some(job) = &job {
            JobName::parse(job).gql()?;
        }
        let db = ctx.data::<DatabaseConnection>()?;
        let page = page::keyset(
            db,
            runs::select(job.as_deref()),
            job_run::Column::Id,
            after,
            first,
            Direction::NewestFirst,
        )
        .await
        .gql()?;
        Ok(connection(page, after, |m| m.id, JobRun::from))
    }

    /// Alerts, newest first, filtered by kind, customer, email state and acknowledgement.
    #[graphql(guard = "RoleGuard::new(ACCOUNT_MANAGERS)")]
    #[allow(clippy::too_many_arguments)]
    async fn alerts(
        &self,
        ctx: &Context<'_>,
        kind: Option<String>,
        customer_id: Option<ID>,
        state: Option<String>,
        acknowledged: Option<bool>,
        #[graphql(default = 20)] first: usize,
        after: Option<String>,
    ) -> Result<Connection<Cursor, Alert>> {
        let (first, after) = page_args(first, after.as_deref())?;
        let filter = AlertFilter {
            kind,
            customer_id: customer_id
                .map(|id| parse_id(&id, "customerId"))
                .transpose()?,
            state,
            acknowledged,
            manager_email: caller(ctx)?.manager_email.clone(),
        };
        let db = ctx.data::<DatabaseConnection>()?;
        let page = page::keyset(
            db,
            alert_store::select(&filter),
            alert::Column::Id,
            after,
            first,
            Direction::NewestFirst,
        )
        .await
        .gql()?;
        Ok(connection(page, after, |m| m.id, Alert::from))
    }
}

#[derive(Default)]
pub struct JobMutation;

#[Object]
impl JobMutation {
    /// Runs a job now, as of a day (today by default), recorded like a scheduled run.
    #[graphql(guard = "RoleGuard::new(ADMINS)")]
    async fn run_job(
        &self,
        ctx: &Context<'_>,
        name: String,
        as_of: Option<NaiveDate>,
    ) -> Result<JobRun> {
        let job = JobName::parse(&name).gql()?;
        let jobs = ctx.data::<JobContext>()?;
        let as_of = as_of.unwrap_or_else(|| Utc::now().date_naive());
        match jobs::run(jobs, job, Trigger::Manual, as_of).await.gql()? {
            RunOutcome::Ran(run) => Ok((*run).into()),
            RunOutcome::ClaimedElsewhere => Err(async_graphql::Error::new(
                "this run was claimed by another instance",
            )),
        }
    }

    /// Marks an alert as handled.
    #[graphql(guard = "RoleGuard::new(ACCOUNT_MANAGERS)")]
    async fn acknowledge_alert(&self, ctx: &Context<'_>, id: ID) -> Result<Alert> {
        let id = parse_id(&id, "id")?;
        let db = ctx.data::<DatabaseConnection>()?;
        let actor = caller(ctx)?;
        if actor.manager_email.is_some() {
            // A manager acknowledges only what they can see.
            let filter = AlertFilter {
                manager_email: actor.manager_email.clone(),
                ..Default::default()
            };
            alert_store::select(&filter)
                .filter(alert::Column::Id.eq(id))
                .one(db)
                .await
                .gql()?
                .ok_or_else(|| crate::error::AppError::NotFound(format!("alert {id}")))
                .gql()?;
        }
        Ok(alert_store::acknowledge(db, id, &actor.actor)
            .await
            .gql()?
            .into())
    }
}
