//! The job history: a run is claimed by inserting its (job, tick) row, which is unique, so of
//! several instances firing the same tick one runs it; a running run renews its heartbeat, and
//! one whose heartbeat went stale was cut short (a crash or a kill) and is marked so.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Select, Set,
};

use super::JobReport;
use crate::db::entities::job_run;
use crate::error::AppError;

/// How often a running run says it is alive.
const HEARTBEAT: std::time::Duration = std::time::Duration::from_secs(15);

/// Claims a tick of a job: the new run, or None when it was claimed already.
pub async fn claim(
    db: &DatabaseConnection,
    job: &str,
    scheduled_for: DateTime<Utc>,
    as_of: NaiveDate,
    trigger: &str,
    instance: &str,
) -> Result<Option<job_run::Model>, AppError> {
    let now = Utc::now();
    let inserted = job_run::Entity::insert(job_run::ActiveModel {
        job: Set(job.into()),
        scheduled_for: Set(scheduled_for),
        as_of: Set(as_of.to_string()),
        trigger: Set(trigger.into()),
        instance: Set(instance.chars().take(100).collect()),
        started_at: Set(now),
        heartbeat_at: Set(now),
        finished_at: Set(None),
        outcome: Set("running".into()),
        rows_touched: Set(0),
        alerts_created: Set(0),
        emails_sent: Set(0),
        detail: Set(None),
        error: Set(None),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::columns([job_run::Column::Job, job_run::Column::ScheduledFor])
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    if inserted == 0 {
        return Ok(None);
    }
    Ok(job_run::Entity::find()
        .filter(job_run::Column::Job.eq(job))
        .filter(job_run::Column::ScheduledFor.eq(scheduled_for))
        .one(db)
        .await?)
}

/// Renews a run's heartbeat until aborted.
pub fn keep_alive(db: DatabaseConnection, id: i64) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(HEARTBEAT);
        every.tick().await;
        loop {
            every.tick().await;
            let renewed = job_run::Entity::update_many()
                .col_expr(job_run::Column::HeartbeatAt, Expr::value(Utc::now()))
                .filter(job_run::Column::Id.eq(id))
                .exec(&db)
                .await;
            if let Err(e) = renewed {
                tracing::warn!(run = id, error = %e, "job heartbeat failed");
            }
        }
    })
}

/// Records how a run ended.
pub async fn finish(
    db: &DatabaseConnection,
    id: i64,
    outcome: Result<&JobReport, &str>,
) -> Result<job_run::Model, AppError> {
    let now = Utc::now();
    let update = job_run::Entity::update_many()
        .col_expr(job_run::Column::FinishedAt, Expr::value(Some(now)))
        .col_expr(job_run::Column::HeartbeatAt, Expr::value(now))
        .filter(job_run::Column::Id.eq(id));
    let update = match outcome {
        Ok(report) => update
            .col_expr(job_run::Column::Outcome, Expr::value("succeeded"))
            .col_expr(
                job_run::Column::RowsTouched,
                Expr::value(report.rows_touched),
            )
            .col_expr(
                job_run::Column::AlertsCreated,
                Expr::value(report.alerts_created),
            )
            .col_expr(job_run::Column::EmailsSent, Expr::value(report.emails_sent))
            .col_expr(
                job_run::Column::Detail,
                Expr::value(Some(report.detail.to_string())),
            ),
        Err(error) => update
            .col_expr(job_run::Column::Outcome, Expr::value("failed"))
            .col_expr(
                job_run::Column::Error,
                Expr::value(Some(error.chars().take(2000).collect::<String>())),
            ),
    };
    update.exec(db).await?;
    job_run::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("job run {id}")))
}

/// Marks runs whose heartbeat is older than `stale_after_secs` as interrupted; how many.
pub async fn recover_stale(
    db: &impl ConnectionTrait,
    stale_after_secs: u64,
    now: DateTime<Utc>,
) -> Result<u64, AppError> {
    let cutoff = now - Duration::seconds(i64::try_from(stale_after_secs).unwrap_or(i64::MAX / 2));
    let done = job_run::Entity::update_many()
        .col_expr(job_run::Column::Outcome, Expr::value("interrupted"))
        .col_expr(job_run::Column::FinishedAt, Expr::value(Some(now)))
        .col_expr(
            job_run::Column::Error,
            Expr::value(Some(
                "cut short: its instance stopped reporting (a crash or a shutdown)".to_owned(),
            )),
        )
        .filter(job_run::Column::Outcome.eq("running"))
        .filter(job_run::Column::HeartbeatAt.lt(cutoff))
        .exec(db)
        .await?;
    Ok(done.rows_affected)
}

/// The runs of one job or all, for a keyset page (`db::page::keyset`).
pub fn select(job: Option<&str>) -> Select<job_run::Entity> {
    let select = job_run::Entity::find();
    match job {
        Some(job) => select.filter(job_run::Column::Job.eq(job)),
        None => select,
    }
}

/// A job's latest runs, newest first.
pub async fn latest(
    db: &impl ConnectionTrait,
    job: &str,
    limit: u64,
) -> Result<Vec<job_run::Model>, AppError> {
    Ok(select(Some(job))
        .order_by_desc(job_run::Column::Id)
        .limit(limit)
        .all(db)
        .await?)
}
