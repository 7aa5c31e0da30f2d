//! Leases in the database: each transition in one transaction with its event, its audit row
//! and the one-time charges it causes; `maintain_leases` applies what `leases::maintain`
//! decides for every live lease.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction,
    EntityTrait, QueryFilter, QueryOrder, Set, TransactionTrait,
};
use serde_json::json;

use super::leases::{self, LeaseAction, LeaseFacts, LeaseState, NoticeOutcome};
use super::numbers::{NumberKind, ShortCodeType};
use crate::audit;
use crate::auth::RequestContext;
use crate::db::entities::{
    customer, lease_event, number, one_time_charge, one_time_price, short_code_lease,
};
use crate::error::AppError;

/// One-time charge kinds a lease causes.
pub mod charge_kind {
    pub const SETUP: &str = "setup";
    pub const LEASING: &str = "leasing";
    pub const REAPPLICATION: &str = "reapplication";
}

/// Midnight UTC of a day: when a day's charges are dated.
fn start_of(day: NaiveDate) -> DateTime<Utc> {
    day.and_time(NaiveTime::MIN).and_utc()
}

fn variant(kind: Option<ShortCodeType>) -> &'static str {
    match kind {
        Some(ShortCodeType::Vanity) => "vanity",
        _ => "random",
    }
}

async fn lease(conn: &impl ConnectionTrait, id: i64) -> Result<short_code_lease::Model, AppError> {
    short_code_lease::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("lease {id}")))
}

/// The price of `kind` for a customer on a day: the customer's own, else the rack price in
/// the customer's currency.
pub async fn price(
    conn: &impl ConnectionTrait,
    customer: &customer::Model,
    kind: &str,
    variant: &str,
    at: DateTime<Utc>,
) -> Result<i64, AppError> {
    let candidates = one_time_price::Entity::find()
        .filter(one_time_price::Column::Kind.eq(kind))
        .filter(one_time_price::Column::Variant.is_in([variant, ""]))
        .filter(one_time_price::Column::Currency.eq(customer.currency.as_str()))
        .filter(one_time_price::Column::EffectiveFrom.lte(at))
        .order_by_desc(one_time_price::Column::EffectiveFrom)
        .all(conn)
        .await?;
    let in_force = |p: &&one_time_price::Model| p.effective_to.is_none_or(|to| at < to);
    let pick = |own: bool| {
        candidates
            .iter()
            .filter(in_force)
            .filter(|p| p.customer_id.is_some() == own)
            .filter(|p| !own || p.customer_id == Some(customer.id))
            // The exact variant beats a price for any variant.
            .max_by_key(|p| (p.variant == variant, p.effective_from))
            .map(|p| p.unit_price_micros)
    };
    pick(true).or_else(|| pick(false)).ok_or_else(|| {
        AppError::Conflict(format!(
            "no {kind} price ({variant}) in {} on {}",
            customer.currency,
            at.date_naive()
        ))
    })
}

/// Records a one-time charge of `kind` for the lease's customer, at its listed price.
async fn charge(
    txn: &DatabaseTransaction,
    customer: &customer::Model,
    lease_id: i64,
    kind: &'static str,
    variant: &str,
    description: String,
    at: DateTime<Utc>,
) -> Result<(), AppError> {
    let unit = price(txn, customer, kind, variant, at).await?;
    record_charge(
        txn,
        customer,
        ChargeLine {
            kind,
            description,
            quantity: 1,
            unit_price_micros: unit,
            at,
            lease_id: Some(lease_id),
            filing_id: None,
        },
    )
    .await
}

/// What a one-time charge is for and what caused it.
pub struct ChargeLine {
    pub kind: &'static str,
    pub description: String,
    pub quantity: i32,
    pub unit_price_micros: i64,
    pub at: DateTime<Utc>,
    pub lease_id: Option<i64>,
    pub filing_id: Option<i64>,
}

/// Stores one one-time charge (quantity times unit price) for the customer.
pub async fn record_charge(
    conn: &impl ConnectionTrait,
    customer: &customer::Model,
    line: ChargeLine,
) -> Result<(), AppError> {
    one_time_charge::ActiveModel {
        customer_id: Set(customer.id),
        kind: Set(line.kind.into()),
        description: Set(line.description),
        quantity: Set(line.quantity),
        unit_price_micros: Set(line.unit_price_micros),
        amount_micros: Set(line
            .unit_price_micros
            .saturating_mul(i64::from(line.quantity))),
        currency: Set(customer.currency.clone()),
        incurred_at: Set(line.at),
        lease_id: Set(line.lease_id),
        filing_id: Set(line.filing_id),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(())
}

async fn event(
    txn: &DatabaseTransaction,
    lease_id: i64,
    from: Option<LeaseState>,
    to: LeaseState,
    actor: &RequestContext,
    reason: Option<String>,
) -> Result<(), AppError> {
    lease_event::ActiveModel {
        lease_id: Set(lease_id),
        from_state: Set(from),
        to_state: Set(to),
        actor: Set(actor.actor.clone()),
        reason: Set(reason),
        at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    Ok(())
}

/// Raises an alert for a customer's account manager (emailed by the jobs), about a lease
/// when `lease_id` is set; once per kind, lease and subject.
pub async fn raise_alert(
    conn: &impl ConnectionTrait,
    customer_id: i64,
    lease_id: Option<i64>,
    kind: &str,
    subject: String,
    detail: String,
) -> Result<(), AppError> {
    crate::alerts::store::raise(
        conn,
        crate::alerts::store::NewAlert {
            customer_id: Some(customer_id),
            lease_id,
            kind: kind.into(),
            subject,
            detail,
        },
    )
    .await?;
    Ok(())
}

/// Applies for a lease of a short code. A code whose last lease was cancelled for inactivity
/// comes back only this way, and its activation charges the re-application fee too.
pub async fn apply(
    db: &DatabaseConnection,
    actor: &RequestContext,
    number_id: i64,
) -> Result<short_code_lease::Model, AppError> {
    let code = number::Entity::find_by_id(number_id)
        .one(db)
        .await?
        .filter(|n| actor.customer_id.is_none_or(|own| own == n.customer_id))
        .ok_or_else(|| AppError::NotFound(format!("number {number_id}")))?;
    if code.kind != NumberKind::ShortCode {
        return Err(AppError::invalid_field("number_id", "is not a short code"));
    }
    let previous = short_code_lease::Entity::find()
        .filter(short_code_lease::Column::NumberId.eq(number_id))
        .order_by_desc(short_code_lease::Column::Id)
        .all(db)
        .await?;
    if let Some(live) = previous.iter().find(|l| !l.state.is_final()) {
        return Err(AppError::Conflict(format!(
            "the short code already has lease {} ({:?})",
            live.id, live.state
        )));
    }
    let reapplication = previous
        .first()
        .is_some_and(|l| l.state == LeaseState::CancelledInactivity);
    let now = Utc::now();
    let txn = db.begin().await?;
    let created = short_code_lease::ActiveModel {
        customer_id: Set(code.customer_id),
        number_id: Set(number_id),
        state: Set(LeaseState::Applied),
        reapplication: Set(reapplication),
        applied_at: Set(now),
        activated_on: Set(None),
        term: Set(0),
        term_ends_on: Set(None),
        notice_given_on: Set(None),
        ends_on: Set(None),
        suspended_from: Set(None),
        last_traffic_at: Set(None),
        warned_days: Set(String::new()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    event(&txn, created.id, None, LeaseState::Applied, actor, None).await?;
    audit::record(
        &txn,
        actor,
        "applyLease",
        "lease",
        created.id,
        json!({ "number_id": number_id, "reapplication": reapplication }),
    )
    .await?;
    txn.commit().await?;
    Ok(created)
}

/// Activates an applied lease on `on`: the first term starts, and set-up and that term are
/// charged (and the re-application fee for a re-application).
pub async fn activate(
    db: &DatabaseConnection,
    actor: &RequestContext,
    lease_id: i64,
    on: NaiveDate,
) -> Result<short_code_lease::Model, AppError> {
    let current = lease(db, lease_id).await?;
    if current.state != LeaseState::Applied {
        return Err(AppError::Conflict(format!(
            "only an applied lease can be activated; this one is {:?}",
            current.state
        )));
    }
    let code = number::Entity::find_by_id(current.number_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("number {}", current.number_id)))?;
    let customer = customer::Entity::find_by_id(current.customer_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("customer {}", current.customer_id)))?;
    let variant = variant(code.short_code_type);
    let at = start_of(on);
    let ends = leases::term_end(on, 1);
    let txn = db.begin().await?;
    charge(
        &txn,
        &customer,
        lease_id,
        charge_kind::SETUP,
        variant,
        format!("Set-up of short code {}", code.address),
        at,
    )
    .await?;
    charge(
        &txn,
        &customer,
        lease_id,
        charge_kind::LEASING,
        variant,
        format!("Short code {} term 1 ({on} to {ends})", code.address),
        at,
    )
    .await?;
    if current.reapplication {
        charge(
            &txn,
            &customer,
            lease_id,
            charge_kind::REAPPLICATION,
            "",
            format!("Re-application of short code {}", code.address),
            at,
        )
        .await?;
    }
    let mut active: short_code_lease::ActiveModel = current.into();
    active.state = Set(LeaseState::Active);
    active.activated_on = Set(Some(on));
    active.term = Set(1);
    active.term_ends_on = Set(Some(ends));
    active.last_traffic_at = Set(None);
    active.updated_at = Set(Utc::now());
    let saved = active.update(&txn).await?;
    event(
        &txn,
        lease_id,
        Some(LeaseState::Applied),
        LeaseState::Active,
        actor,
        None,
    )
    .await?;
    audit::record(
        &txn,
        actor,
        "activateLease",
        "lease",
        lease_id,
        json!({ "on": on }),
    )
    .await?;
    txn.commit().await?;
    Ok(saved)
}

/// Moves a lease from one state to another with its event and audit row.
async fn transition(
    db: &DatabaseConnection,
    actor: &RequestContext,
    current: short_code_lease::Model,
    to: LeaseState,
    reason: Option<String>,
    action: &str,
    change: impl FnOnce(&mut short_code_lease::ActiveModel),
) -> Result<short_code_lease::Model, AppError> {
    let from = current.state;
    let id = current.id;
    let txn = db.begin().await?;
    let mut active: short_code_lease::ActiveModel = current.into();
    active.state = Set(to);
    active.updated_at = Set(Utc::now());
    change(&mut active);
    let saved = active.update(&txn).await?;
    event(&txn, id, Some(from), to, actor, reason.clone()).await?;
    audit::record(
        &txn,
        actor,
        action,
        "lease",
        id,
        json!({ "from": format!("{from:?}"), "to": format!("{to:?}"), "reason": reason }),
    )
    .await?;
    txn.commit().await?;
    Ok(saved)
}

/// Gives notice on `on`; the answer says when the lease ends and whether the notice came too
/// late for the current term.
pub async fn give_notice(
    db: &DatabaseConnection,
    actor: &RequestContext,
    lease_id: i64,
    on: NaiveDate,
) -> Result<(short_code_lease::Model, NoticeOutcome), AppError> {
    let current = lease(db, lease_id).await?;
    let (LeaseState::Active, Some(activated)) = (current.state, current.activated_on) else {
        return Err(AppError::Conflict(format!(
            "notice is given on an active lease; this one is {:?}",
            current.state
        )));
    };
    let term = u32::try_from(current.term).unwrap_or(1).max(1);
    let outcome = leases::notice(activated, term, on);
    let saved = transition(
        db,
        actor,
        current,
        LeaseState::NoticeGiven,
        None,
        "giveLeaseNotice",
        |a| {
            a.notice_given_on = Set(Some(on));
            a.ends_on = Set(Some(outcome.ends_on));
        },
    )
    .await?;
    Ok((saved, outcome))
}

/// Withdraws notice while the lease still runs.
pub async fn withdraw_notice(
    db: &DatabaseConnection,
    actor: &RequestContext,
    lease_id: i64,
    on: NaiveDate,
) -> Result<short_code_lease::Model, AppError> {
    let current = lease(db, lease_id).await?;
    if current.state != LeaseState::NoticeGiven {
        return Err(AppError::Conflict(
            "the lease has no notice to withdraw".into(),
        ));
    }
    if current.ends_on.is_some_and(|end| on >= end) {
        return Err(AppError::Conflict(
            "the notice has already taken effect".into(),
        ));
    }
    transition(
        db,
        actor,
        current,
        LeaseState::Active,
        None,
        "withdrawLeaseNotice",
        |a| {
            a.notice_given_on = Set(None);
            a.ends_on = Set(None);
        },
    )
    .await
}

fn required_reason(reason: &str) -> Result<String, AppError> {
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > 500 {
        return Err(AppError::invalid_field(
            "reason",
            "must be 1 to 500 characters",
        ));
    }
    Ok(reason.to_owned())
}

/// Compliance suspends a sending lease (a use outside its approval, say).
pub async fn suspend(
    db: &DatabaseConnection,
    actor: &RequestContext,
    lease_id: i64,
    reason: &str,
) -> Result<short_code_lease::Model, AppError> {
    let reason = required_reason(reason)?;
    let current = lease(db, lease_id).await?;
    if !current.state.sends() {
        return Err(AppError::Conflict(format!(
            "only an active lease can be suspended; this one is {:?}",
            current.state
        )));
    }
    let from = current.state;
    transition(
        db,
        actor,
        current,
        LeaseState::Suspended,
        Some(reason),
        "suspendLease",
        |a| {
            a.suspended_from = Set(Some(from));
        },
    )
    .await
}

/// Compliance resumes a suspended lease into the state it was suspended from.
pub async fn resume(
    db: &DatabaseConnection,
    actor: &RequestContext,
    lease_id: i64,
    reason: &str,
) -> Result<short_code_lease::Model, AppError> {
    let reason = required_reason(reason)?;
    let current = lease(db, lease_id).await?;
    if current.state != LeaseState::Suspended {
        return Err(AppError::Conflict("the lease is not suspended".into()));
    }
    let back = current.suspended_from.unwrap_or(LeaseState::Active);
    transition(db, actor, current, back, Some(reason), "resumeLease", |a| {
        a.suspended_from = Set(None);
    })
    .await
}

/// Cancels a lease that has not ended.
pub async fn cancel(
    db: &DatabaseConnection,
    actor: &RequestContext,
    lease_id: i64,
    reason: &str,
) -> Result<short_code_lease::Model, AppError> {
    let reason = required_reason(reason)?;
    let current = lease(db, lease_id).await?;
    if current.state.is_final() {
        return Err(AppError::Conflict(format!(
            "the lease is already {:?}",
            current.state
        )));
    }
    transition(
        db,
        actor,
        current,
        LeaseState::Cancelled,
        Some(reason),
        "cancelLease",
        |_| {},
    )
    .await
}

/// What one maintenance run did.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, async_graphql::SimpleObject)]
pub struct MaintenanceSummary {
    pub leases_checked: i64,
    pub renewed: i64,
    pub ended: i64,
    pub warnings: i64,
    pub cancelled_for_inactivity: i64,
    pub charges_created: i64,
    /// Leases that could not be maintained (a missing price, say), with why.
    pub failures: Vec<String>,
}

fn facts(lease: &short_code_lease::Model) -> LeaseFacts {
    LeaseFacts {
        state: lease.state,
        activated_on: lease.activated_on,
        term: u32::try_from(lease.term).unwrap_or(0),
        ends_on: lease.ends_on,
        last_traffic_on: lease.last_traffic_at.map(|t| t.date_naive()),
        warned: lease
            .warned_days
            .split(',')
            .filter_map(|d| d.parse().ok())
            .collect(),
    }
}

/// Applies renewals, notice endings and inactivity as of `as_of`, each lease in its own
/// transaction. Running it again for the same day changes nothing.
pub async fn maintain_leases(
    db: &DatabaseConnection,
    actor: &RequestContext,
    as_of: NaiveDate,
) -> Result<MaintenanceSummary, AppError> {
    maintain_leases_part(db, actor, as_of, MaintenancePart::All).await
}

/// Which of a lease's due actions a maintenance run applies: the daily jobs run terms
/// (renewals and notice) and inactivity (warnings and cancellation) apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MaintenancePart {
    All,
    Terms,
    Inactivity,
}

impl MaintenancePart {
    fn takes(self, action: &LeaseAction) -> bool {
        let inactivity = matches!(
            action,
            LeaseAction::WarnInactivity { .. } | LeaseAction::CancelForInactivity { .. }
        );
        match self {
            MaintenancePart::All => true,
            MaintenancePart::Terms => !inactivity,
            MaintenancePart::Inactivity => inactivity,
        }
    }
}

/// `maintain_leases`, applying only `part` of what is due.
pub async fn maintain_leases_part(
    db: &DatabaseConnection,
    actor: &RequestContext,
    as_of: NaiveDate,
    part: MaintenancePart,
) -> Result<MaintenanceSummary, AppError> {
    let live = short_code_lease::Entity::find()
        .filter(
            short_code_lease::Column::State.is_in([LeaseState::Active, LeaseState::NoticeGiven]),
        )
        .order_by_asc(short_code_lease::Column::Id)
        .all(db)
        .await?;
    let mut summary = MaintenanceSummary::default();
    for lease in live {
        summary.leases_checked += 1;
        let actions: Vec<LeaseAction> = leases::maintain(&facts(&lease), as_of)
            .into_iter()
            .filter(|a| part.takes(a))
            .collect();
        if actions.is_empty() {
            continue;
        }
        let id = lease.id;
        match apply_actions(db, actor, lease, &actions, &mut summary).await {
            Ok(()) => {}
            Err(e) => summary.failures.push(format!("lease {id}: {e}")),
        }
    }
    Ok(summary)
}

async fn apply_actions(
    db: &DatabaseConnection,
    actor: &RequestContext,
    lease: short_code_lease::Model,
    actions: &[LeaseAction],
    summary: &mut MaintenanceSummary,
) -> Result<(), AppError> {
    let code = number::Entity::find_by_id(lease.number_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("number {}", lease.number_id)))?;
    let customer = customer::Entity::find_by_id(lease.customer_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("customer {}", lease.customer_id)))?;
    let variant = variant(code.short_code_type);
    let mut counts = MaintenanceSummary::default();
    let txn = db.begin().await?;
    let from = lease.state;
    let mut state = lease.state;
    let mut term = lease.term;
    let mut term_ends_on = lease.term_ends_on;
    let mut warned = facts(&lease).warned;
    for action in actions {
        match action {
            LeaseAction::Renew {
                term: n,
                starts_on,
                ends_on,
            } => {
                charge(
                    &txn,
                    &customer,
                    lease.id,
                    charge_kind::LEASING,
                    variant,
                    format!(
                        "Short code {} term {n} ({starts_on} to {ends_on})",
                        code.address
                    ),
                    start_of(*starts_on),
                )
                .await?;
                raise_alert(
                    &txn,
                    lease.customer_id,
                    Some(lease.id),
                    "lease_renewed",
                    format!("Short code {} renewed for term {n}", code.address),
                    format!(
                        "The lease of short code {} renewed for term {n}, {starts_on} to {ends_on}; its leasing fee is charged on the next invoice.",
                        code.address
                    ),
                )
                .await?;
                term = i32::try_from(*n).unwrap_or(i32::MAX);
                term_ends_on = Some(*ends_on);
                counts.renewed += 1;
                counts.charges_created += 1;
            }
            LeaseAction::End { on } => {
                state = LeaseState::Ended;
                raise_alert(
                    &txn,
                    lease.customer_id,
                    Some(lease.id),
                    "lease_ended",
                    format!("Short code {} lease ended", code.address),
                    format!("The lease ended on {on} after notice."),
                )
                .await?;
                counts.ended += 1;
            }
            LeaseAction::WarnInactivity { days } => {
                warned.push(*days);
                raise_alert(&txn, lease.customer_id, Some(lease.id), "inactivity_warning", format!("Short code {} silent for {days} days", code.address), format!("No traffic for {days} days; carriers cancel short codes after {} days without traffic.", leases::INACTIVITY_DAYS)).await?;
                counts.warnings += 1;
            }
            LeaseAction::CancelForInactivity { days } => {
                state = LeaseState::CancelledInactivity;
                raise_alert(&txn, lease.customer_id, Some(lease.id), "inactivity_cancelled", format!("Short code {} cancelled for inactivity", code.address), format!("No traffic for {days} days: the lease is cancelled. A new application (with its fees) is needed to use the code again.")).await?;
                counts.cancelled_for_inactivity += 1;
            }
        }
    }
    let id = lease.id;
    let mut active: short_code_lease::ActiveModel = lease.into();
    active.state = Set(state);
    active.term = Set(term);
    active.term_ends_on = Set(term_ends_on);
    active.warned_days = Set(warned
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(","));
    active.updated_at = Set(Utc::now());
    active.update(&txn).await?;
    if state != from {
        event(
            &txn,
            id,
            Some(from),
            state,
            actor,
            Some("maintenance".into()),
        )
        .await?;
    }
    audit::record(
        &txn,
        actor,
        "maintainLeases",
        "lease",
        id,
        json!({ "actions": format!("{actions:?}") }),
    )
    .await?;
    txn.commit().await?;
    summary.renewed += counts.renewed;
    summary.ended += counts.ended;
    summary.warnings += counts.warnings;
    summary.cancelled_for_inactivity += counts.cancelled_for_inactivity;
    summary.charges_created += counts.charges_created;
    Ok(())
}

/// Records the latest traffic of short codes (admission keeps it in memory and flushes it
/// here): traffic after a silence clears its warnings.
pub async fn record_traffic(
    db: &DatabaseConnection,
    last: &[(i64, DateTime<Utc>)],
) -> Result<(), sea_orm::DbErr> {
    use sea_orm::sea_query::Expr;
    for (number_id, at) in last {
        short_code_lease::Entity::update_many()
            .col_expr(short_code_lease::Column::LastTrafficAt, Expr::value(*at))
            .col_expr(short_code_lease::Column::WarnedDays, Expr::value(""))
            .filter(short_code_lease::Column::NumberId.eq(*number_id))
            .filter(
                short_code_lease::Column::State
                    .is_in([LeaseState::Active, LeaseState::NoticeGiven]),
            )
            .exec(db)
            .await?;
    }
    Ok(())
}

/// A one-time price to add to the list.
#[derive(Clone, Debug)]
pub struct NewPrice {
    pub customer_id: Option<i64>,
    pub currency: String,
    pub kind: String,
    pub variant: String,
    pub unit_price: rust_decimal::Decimal,
    pub effective_from: DateTime<Utc>,
    pub effective_to: Option<DateTime<Utc>>,
}

/// The one-time charge kinds a price may be for.
pub const PRICE_KINDS: [&str; 6] = [
    "setup",
    "leasing",
    "migration",
    "filing",
    "reapplication",
    "surcharge",
];

/// Adds a price to the one-time price list; a bad field is named and nothing changes.
pub async fn add_price(
    db: &DatabaseConnection,
    actor: &RequestContext,
    new: NewPrice,
) -> Result<one_time_price::Model, AppError> {
    if !PRICE_KINDS.contains(&new.kind.as_str()) {
        return Err(AppError::invalid_field(
            "kind",
            format!("must be one of {}", PRICE_KINDS.join(", ")),
        ));
    }
    if !["", "random", "vanity"].contains(&new.variant.as_str()) {
        return Err(AppError::invalid_field(
            "variant",
            "must be random, vanity or empty",
        ));
    }
    if new.currency.parse::<iso_currency::Currency>().is_err() {
        return Err(AppError::invalid_field(
            "currency",
            "is not an ISO 4217 code",
        ));
    }
    if new.effective_to.is_some_and(|to| to <= new.effective_from) {
        return Err(AppError::invalid_field(
            "effective_to",
            "must be after effectiveFrom",
        ));
    }
    let micros = crate::billing::money::to_micros(new.unit_price)
        .map_err(|e| AppError::invalid_field("unit_price", e.to_string()))?;
    if micros < 0 {
        return Err(AppError::invalid_field(
            "unit_price",
            "must not be negative",
        ));
    }
    let txn = db.begin().await?;
    let saved = one_time_price::ActiveModel {
        customer_id: Set(new.customer_id),
        currency: Set(new.currency),
        kind: Set(new.kind),
        variant: Set(new.variant),
        unit_price_micros: Set(micros),
        effective_from: Set(new.effective_from),
        effective_to: Set(new.effective_to),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        "setOneTimePrice",
        "one_time_price",
        saved.id,
        json!({ "kind": saved.kind, "variant": saved.variant, "unit_price_micros": micros }),
    )
    .await?;
    txn.commit().await?;
    Ok(saved)
}

/// Every one-time price, newest first.
pub async fn prices(db: &DatabaseConnection) -> Result<Vec<one_time_price::Model>, AppError> {
    Ok(one_time_price::Entity::find()
        .order_by_desc(one_time_price::Column::EffectiveFrom)
        .all(db)
        .await?)
}

/// A short code's newest lease.
pub async fn latest_for_number(
    db: &DatabaseConnection,
    number_id: i64,
) -> Result<Option<short_code_lease::Model>, AppError> {
    Ok(short_code_lease::Entity::find()
        .filter(short_code_lease::Column::NumberId.eq(number_id))
        .order_by_desc(short_code_lease::Column::Id)
        .one(db)
        .await?)
}
