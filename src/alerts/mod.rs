//! Alerts: everything that needs a person (leases, inactivity, forecasts, the AT&T ratio,
//! use-case decisions, carriers' delivery times, failed jobs), who it goes to, and its email.
//! The rules here are pure; `store` keeps alerts and `email` renders and sends them.

pub mod email;
pub mod store;

use chrono::{DateTime, Duration, Utc};

/// How urgent an alert is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    Info,
    Warning,
    Critical,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Critical => "critical",
        }
    }

    /// The severity an alert kind has unless its raiser says otherwise.
    pub fn of_kind(kind: &str) -> Self {
        match kind {
            "inactivity_cancelled" | "mms_ratio_breach" | "job_failed" | "lease_ended" => {
                Severity::Critical
            }
            "inactivity_warning"
            | "mms_ratio_warning"
            | "forecast_missing"
            | "forecast_variance"
            | "delivery_time_degraded" => Severity::Warning,
            _ => Severity::Info,
        }
    }
}

/// The key that makes an alert once per thing and period: a second raise with the same key
/// changes nothing, so no email goes out twice. The subject names the thing and the period
/// ("Short code 55501 silent for 60 days", "Forecast for 2027-Q1 due").
pub fn dedupe_key(
    kind: &str,
    customer_id: Option<i64>,
    lease_id: Option<i64>,
    subject: &str,
) -> String {
    let customer = customer_id.map_or_else(|| "-".to_owned(), |c| c.to_string());
    let lease = lease_id.map_or_else(|| "-".to_owned(), |l| l.to_string());
    let key = format!("{kind}|{customer}|{lease}|{subject}");
    key.chars().take(300).collect()
}

/// When a send that failed `attempts` times (1 or more) is tried again: the base delay
/// doubled per attempt, at most a day.
pub fn retry_at(now: DateTime<Utc>, base_secs: u64, attempts: u32) -> DateTime<Utc> {
    let factor = 1u64 << attempts.saturating_sub(1).min(16);
    let secs = base_secs.saturating_mul(factor).min(86_400);
    now + Duration::seconds(i64::try_from(secs).unwrap_or(86_400))
}

/// What to do after a send failed for the `attempts`-th time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AfterFailure {
    RetryAt(DateTime<Utc>),
    GiveUp,
}

/// A failed send is retried with backoff until `max_attempts`, then marked failed.
pub fn after_failure(
    now: DateTime<Utc>,
    base_secs: u64,
    attempts: u32,
    max_attempts: u32,
) -> AfterFailure {
    if attempts >= max_attempts.max(1) {
        AfterFailure::GiveUp
    } else {
        AfterFailure::RetryAt(retry_at(now, base_secs, attempts))
    }
}

/// Whether a digest recipient's day's digest is due: from `digest_hour` on, once a day.
pub fn digest_due(now: DateTime<Utc>, digest_hour: u32, last_sent: Option<DateTime<Utc>>) -> bool {
    use chrono::Timelike;
    now.hour() >= digest_hour && last_sent.is_none_or(|last| last.date_naive() < now.date_naive())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 1, h, 0, 0).unwrap()
    }

    #[test]
    fn retries_double_until_the_last_attempt_fails() {
        let now = at(10);
        assert_eq!(
            after_failure(now, 60, 1, 3),
            AfterFailure::RetryAt(now + Duration::seconds(60))
        );
        assert_eq!(
            after_failure(now, 60, 2, 3),
            AfterFailure::RetryAt(now + Duration::seconds(120))
        );
        assert_eq!(after_failure(now, 60, 3, 3), AfterFailure::GiveUp);
        // Never more than a day between tries.
        assert_eq!(retry_at(now, 3_600, 12), now + Duration::days(1));
    }

    #[test]
    fn the_key_tells_things_and_periods_apart() {
        let a = dedupe_key(
            "forecast_missing",
            Some(1),
            Some(7),
            "Forecast for 2027-Q1 due",
        );
        assert_eq!(
            a,
            dedupe_key(
                "forecast_missing",
                Some(1),
                Some(7),
                "Forecast for 2027-Q1 due"
            )
        );
        assert_ne!(
            a,
            dedupe_key(
                "forecast_missing",
                Some(1),
                Some(7),
                "Forecast for 2027-Q2 due"
            )
        );
        assert_ne!(
            a,
            dedupe_key(
                "forecast_missing",
                Some(1),
                Some(8),
                "Forecast for 2027-Q1 due"
            )
        );
        assert_ne!(
            a,
            dedupe_key(
                "lease_renewed",
                Some(1),
                Some(7),
                "Forecast for 2027-Q1 due"
            )
        );
    }

    #[test]
    fn a_digest_goes_once_a_day_from_its_hour() {
        assert!(!digest_due(at(6), 7, None));
        assert!(digest_due(at(7), 7, None));
        assert!(!digest_due(at(9), 7, Some(at(8))));
        assert!(digest_due(at(9), 7, Some(at(8) - Duration::days(1))));
    }

    #[test]
    fn kinds_have_their_severity() {
        assert_eq!(Severity::of_kind("mms_ratio_breach"), Severity::Critical);
        assert_eq!(Severity::of_kind("inactivity_warning"), Severity::Warning);
        assert_eq!(Severity::of_kind("lease_renewed"), Severity::Info);
    }
}
