//! Alert email: each pending alert rendered from its kind's templates in `reports/alerts/`
//! (plain text and HTML, Handlebars) and sent to the customer's account manager or the
//! operators; digest recipients get one email a day instead. A send claims its alert first,
//! so two instances never send one twice; a failure is retried with backoff, then the alert
//! is marked failed.

use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

use chrono::{DateTime, Utc};
use handlebars::Handlebars;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde_json::{json, Value};

use super::{after_failure, digest_due, AfterFailure};
use crate::config::AlertSettings;
use crate::db::entities::{alert, customer};
use crate::error::AppError;
use crate::mail::Mailer;

/// The kinds with their own template; any other kind uses `generic`.
const KINDS: &[(&str, &str)] = &[
    ("generic", include_str!("../../reports/alerts/generic.hbs")),
    (
        "lease_renewed",
        include_str!("../../reports/alerts/lease_renewed.hbs"),
    ),
    (
        "lease_ended",
        include_str!("../../reports/alerts/lease_ended.hbs"),
    ),
    (
        "inactivity_warning",
        include_str!("../../reports/alerts/inactivity_warning.hbs"),
    ),
    (
        "inactivity_cancelled",
        include_str!("../../reports/alerts/inactivity_cancelled.hbs"),
    ),
    (
        "forecast_missing",
        include_str!("../../reports/alerts/forecast_missing.hbs"),
    ),
    (
        "forecast_variance",
        include_str!("../../reports/alerts/forecast_variance.hbs"),
    ),
    (
        "mms_ratio_warning",
        include_str!("../../reports/alerts/mms_ratio_warning.hbs"),
    ),
    (
        "mms_ratio_breach",
        include_str!("../../reports/alerts/mms_ratio_breach.hbs"),
    ),
    (
        "mms_use_case",
        include_str!("../../reports/alerts/mms_use_case.hbs"),
    ),
    (
        "delivery_time_degraded",
        include_str!("../../reports/alerts/delivery_time_degraded.hbs"),
    ),
    (
        "job_failed",
        include_str!("../../reports/alerts/job_failed.hbs"),
    ),
];

/// The text and HTML renderers: the same kind templates inside each one's layout.
struct Templates {
    text: Handlebars<'static>,
    html: Handlebars<'static>,
}

fn registry(layout: &str, digest: &str, escape: bool) -> Result<Handlebars<'static>, String> {
    let mut hb = Handlebars::new();
    hb.set_strict_mode(false);
    if !escape {
        hb.register_escape_fn(handlebars::no_escape);
    }
    hb.register_partial("layout", layout)
        .map_err(|e| e.to_string())?;
    hb.register_template_string("digest", digest)
        .map_err(|e| e.to_string())?;
    for (kind, source) in KINDS {
        hb.register_template_string(kind, *source)
            .map_err(|e| format!("{kind}: {e}"))?;
    }
    Ok(hb)
}

fn templates() -> Result<&'static Templates, AppError> {
    static TEMPLATES: OnceLock<Result<Templates, String>> = OnceLock::new();
    TEMPLATES
        .get_or_init(|| {
            Ok(Templates {
                text: registry(
                    include_str!("../../reports/alerts/layout.txt.hbs"),
                    include_str!("../../reports/alerts/digest.txt.hbs"),
                    false,
                )?,
                html: registry(
                    include_str!("../../reports/alerts/layout.html.hbs"),
                    include_str!("../../reports/alerts/digest.html.hbs"),
                    true,
                )?,
            })
        })
        .as_ref()
        .map_err(|e| AppError::Internal(anyhow::anyhow!("alert templates: {e}")))
}

/// What an alert's templates see.
fn context(a: &alert::Model, customer: Option<&customer::Model>) -> Value {
    json!({
        "id": a.id,
        "kind": a.kind,
        "severity": a.severity,
        "subject": a.subject,
        "detail": a.detail,
        "created_at": a.created_at.format("%Y-%m-%d %H:%M UTC").to_string(),
        "customer": customer.map(|c| json!({ "id": c.id, "name": c.name })),
    })
}

/// An alert's email: subject, text and HTML.
pub fn render(
    a: &alert::Model,
    customer: Option<&customer::Model>,
) -> Result<(String, String, String), AppError> {
    let t = templates()?;
    let name = if KINDS.iter().any(|(k, _)| *k == a.kind) {
        a.kind.as_str()
    } else {
        "generic"
    };
    let data = context(a, customer);
    let fail = |e: handlebars::RenderError| AppError::Internal(anyhow::anyhow!("{name}: {e}"));
    let text = t.text.render(name, &data).map_err(fail)?;
    let html = t.html.render(name, &data).map_err(fail)?;
    let prefix = match a.severity.as_str() {
        "critical" => "[Critical] ",
        "warning" => "[Warning] ",
        _ => "",
    };
    Ok((format!("{prefix}{}", a.subject), text, html))
}

/// What a delivery pass did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct DeliverySummary {
    /// Emails sent (a digest counts once).
    pub sent: i64,
    /// Alerts whose send failed and will be tried again.
    pub retrying: i64,
    /// Alerts given up on.
    pub failed: i64,
}

/// Claims an alert for one send attempt: true when this caller may send it.
async fn claim(
    db: &DatabaseConnection,
    a: &alert::Model,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    // Held off for ten minutes while this send is tried; the outcome then sets its state.
    let hold = now + chrono::Duration::minutes(10);
    let claimed = alert::Entity::update_many()
        .col_expr(
            alert::Column::Attempts,
            Expr::col(alert::Column::Attempts).add(1),
        )
        .col_expr(alert::Column::NextAttemptAt, Expr::value(Some(hold)))
        .filter(alert::Column::Id.eq(a.id))
        .filter(alert::Column::State.eq("pending"))
        .filter(alert::Column::Attempts.eq(a.attempts))
        .exec(db)
        .await?;
    Ok(claimed.rows_affected == 1)
}

/// One delivery pass: where, with which settings, at what time, and what it did so far.
struct Pass<'a> {
    db: &'a DatabaseConnection,
    settings: &'a AlertSettings,
    now: DateTime<Utc>,
    summary: DeliverySummary,
}

/// Records a send's outcome on the alerts it carried (one, or a digest's).
async fn finish(
    pass: &mut Pass<'_>,
    ids: &[i64],
    attempts: u32,
    to: &str,
    outcome: Result<String, String>,
) -> Result<(), AppError> {
    let (db, settings, now) = (pass.db, pass.settings, pass.now);
    let summary = &mut pass.summary;
    let update = alert::Entity::update_many()
        .col_expr(alert::Column::Recipient, Expr::value(Some(to.to_owned())))
        .filter(alert::Column::Id.is_in(ids.iter().copied()));
    match outcome {
        Ok(_) => {
            update
                .col_expr(alert::Column::State, Expr::value("sent"))
                .col_expr(alert::Column::EmailedAt, Expr::value(Some(now)))
                .col_expr(
                    alert::Column::LastError,
                    Expr::value(Option::<String>::None),
                )
                .exec(db)
                .await?;
            summary.sent += 1;
        }
        Err(error) => {
            let update = update.col_expr(alert::Column::LastError, Expr::value(Some(error)));
            match after_failure(
                now,
                settings.retry_base_secs,
                attempts,
                settings.max_attempts,
            ) {
                AfterFailure::RetryAt(at) => {
                    update
                        .col_expr(alert::Column::NextAttemptAt, Expr::value(Some(at)))
                        .exec(db)
                        .await?;
                    summary.retrying += ids.len() as i64;
                }
                AfterFailure::GiveUp => {
                    update
                        .col_expr(alert::Column::State, Expr::value("failed"))
                        .exec(db)
                        .await?;
                    summary.failed += ids.len() as i64;
                }
            }
        }
    }
    Ok(())
}

/// Sends every pending alert that is due (and each digest that is due).
pub async fn deliver_due(
    db: &DatabaseConnection,
    mailer: &Mailer,
    settings: &AlertSettings,
    now: DateTime<Utc>,
) -> Result<DeliverySummary, AppError> {
    let due = alert::Entity::find()
        .filter(alert::Column::State.eq("pending"))
        .filter(
            Condition::any()
                .add(alert::Column::NextAttemptAt.is_null())
                .add(alert::Column::NextAttemptAt.lte(now)),
        )
        .order_by_asc(alert::Column::Id)
        .limit(500)
        .all(db)
        .await?;
    let mut pass = Pass {
        db,
        settings,
        now,
        summary: DeliverySummary::default(),
    };
    if due.is_empty() {
        return Ok(pass.summary);
    }
    let mut customer_ids: Vec<i64> = due.iter().filter_map(|a| a.customer_id).collect();
    customer_ids.sort_unstable();
    customer_ids.dedup();
    let customers: HashMap<i64, customer::Model> = customer::Entity::find()
        .filter(customer::Column::Id.is_in(customer_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c))
        .collect();
    let recipient = |a: &alert::Model| -> String {
        a.customer_id
            .and_then(|id| customers.get(&id))
            .map(|c| c.account_manager_email.trim().to_owned())
            .filter(|e| !e.is_empty())
            .unwrap_or_else(|| settings.operators_email.clone())
    };
    let mut digests: BTreeMap<String, Vec<alert::Model>> = BTreeMap::new();
    for a in due {
        let to = recipient(&a);
        if settings
            .digest_recipients
            .iter()
            .any(|r| r.eq_ignore_ascii_case(&to))
        {
            digests.entry(to).or_default().push(a);
            continue;
        }
        if !claim(db, &a, now).await? {
            continue;
        }
        let customer = a.customer_id.and_then(|id| customers.get(&id));
        let outcome = match render(&a, customer) {
            Ok((subject, text, html)) => mailer
                .send_alternative(&to, &subject, &text, &html)
                .await
                .map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        };
        let attempts = u32::try_from(a.attempts + 1).unwrap_or(u32::MAX);
        finish(&mut pass, &[a.id], attempts, &to, outcome).await?;
    }
    for (to, alerts) in digests {
        let last: Option<Option<DateTime<Utc>>> = alert::Entity::find()
            .select_only()
            .column_as(alert::Column::EmailedAt.max(), "last")
            .filter(alert::Column::Recipient.eq(to.as_str()))
            .into_tuple()
            .one(db)
            .await?;
        if !digest_due(now, settings.digest_hour, last.flatten()) {
            continue;
        }
        let mut claimed = Vec::new();
        for a in alerts {
            if claim(db, &a, now).await? {
                claimed.push(a);
            }
        }
        if claimed.is_empty() {
            continue;
        }
        let items: Vec<Value> = claimed
            .iter()
            .map(|a| context(a, a.customer_id.and_then(|id| customers.get(&id))))
            .collect();
        let data = json!({
            "date": now.format("%Y-%m-%d").to_string(),
            "count": items.len(),
            "alerts": items,
        });
        let t = templates()?;
        let outcome = match (
            t.text.render("digest", &data),
            t.html.render("digest", &data),
        ) {
            (Ok(text), Ok(html)) => {
                let subject = format!(
                    "Alerts digest {}: {}",
                    now.format("%Y-%m-%d"),
                    claimed.len()
                );
                mailer
                    .send_alternative(&to, &subject, &text, &html)
                    .await
                    .map_err(|e| e.to_string())
            }
            (Err(e), _) | (_, Err(e)) => Err(e.to_string()),
        };
        let attempts = claimed
            .iter()
            .map(|a| u32::try_from(a.attempts + 1).unwrap_or(u32::MAX))
            .max()
            .unwrap_or(1);
        let ids: Vec<i64> = claimed.iter().map(|a| a.id).collect();
        finish(&mut pass, &ids, attempts, &to, outcome).await?;
    }
    Ok(pass.summary)
}
