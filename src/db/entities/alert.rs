//! Something a person must act on (leases, inactivity, forecasts, the AT&T ratio, use-case
//! decisions, carriers' delivery times, failed jobs), and the delivery of its email.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "alerts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// None for the operators' alerts (jobs, carriers).
    pub customer_id: Option<i64>,
    /// `inactivity_warning`, `lease_renewed`, `mms_ratio_breach`, `job_failed`, …
    pub kind: String,
    /// `info`, `warning` or `critical`.
    pub severity: String,
    pub subject: String,
    pub detail: String,
    pub lease_id: Option<i64>,
    /// The email address it goes to: the account manager's, or the operators'.
    pub recipient: Option<String>,
    /// Kind, subject and period: a second alert with the same key is not raised (nor sent).
    pub dedupe_key: Option<String>,
    /// `pending`, `sent`, `failed`, or `none` (no address to send to).
    pub state: String,
    pub attempts: i32,
    /// When a failed send is tried again.
    pub next_attempt_at: Option<DateTimeUtc>,
    pub last_error: Option<String>,
    pub created_at: DateTimeUtc,
    pub acknowledged_at: Option<DateTimeUtc>,
    pub acknowledged_by: Option<String>,
    pub emailed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
