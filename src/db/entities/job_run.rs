//! One run of a scheduled job, by its schedule or by hand: what it did or why it failed.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "job_runs")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// A stable job name (`invoice-drafts`, `retention`, …).
    pub job: String,
    /// The tick it ran for; with `job` unique, so instances sharing a database run it once.
    pub scheduled_for: DateTimeUtc,
    /// The day it acted as of (`YYYY-MM-DD`).
    pub as_of: String,
    /// `schedule` or `manual`.
    pub trigger: String,
    pub instance: String,
    pub started_at: DateTimeUtc,
    /// Renewed while it runs: a stale one was cut short by a crash.
    pub heartbeat_at: DateTimeUtc,
    pub finished_at: Option<DateTimeUtc>,
    /// `running`, `succeeded`, `failed` or `interrupted`.
    pub outcome: String,
    pub rows_touched: i64,
    pub alerts_created: i64,
    pub emails_sent: i64,
    /// The job's own summary, JSON.
    pub detail: Option<String>,
    pub error: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
