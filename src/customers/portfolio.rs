//! An account manager's portfolio: each of their customers with what needs them (open
//! alerts, leases near renewal or silent, forecasts due, the AT&T ratio) and this month's
//! volume. The per-lease judgement is pure; the rest reads what the other domains keep.

use chrono::{Datelike, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, Func};
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect,
};

use crate::compliance::forecasts::Quarter;
use crate::compliance::leases::{LeaseState, WARNING_DAYS};
use crate::compliance::ratio::RatioLevel;
use crate::compliance::ratio_store;
use crate::config::RatioSettings;
use crate::db::entities::{alert, customer, delivery_daily, forecast, short_code_lease};
use crate::error::AppError;

/// Days before a term ends that a lease counts as near renewal.
pub const RENEWAL_WINDOW_DAYS: i64 = 30;

/// What a customer's leases need, as of a day.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LeaseWatch {
    /// Active leases whose term ends within the renewal window (renewed unless notice is given).
    pub near_renewal: i64,
    /// Sending leases silent for 60 days or more (carriers cancel at 90).
    pub silent: i64,
    /// The longest silence among them, in days.
    pub longest_silence: Option<i64>,
}

/// Judges a customer's leases as of `as_of`.
pub fn watch(leases: &[short_code_lease::Model], as_of: NaiveDate) -> LeaseWatch {
    let mut watch = LeaseWatch::default();
    for lease in leases.iter().filter(|l| l.state.sends()) {
        if lease.state == LeaseState::Active
            && lease.term_ends_on.is_some_and(|end| {
                let days = (end - as_of).num_days();
                (0..=RENEWAL_WINDOW_DAYS).contains(&days)
            })
        {
            watch.near_renewal += 1;
        }
        let last = lease
            .last_traffic_at
            .map(|at| at.date_naive())
            .or(lease.activated_on);
        if let Some(days) = last.map(|l| (as_of - l).num_days()) {
            if days >= WARNING_DAYS[0] {
                watch.silent += 1;
                watch.longest_silence = watch.longest_silence.max(Some(days));
            }
        }
    }
    watch
}

/// One customer of the portfolio.
#[derive(Clone, Debug)]
pub struct CustomerOverview {
    pub customer: customer::Model,
    pub open_alerts: i64,
    pub leases: LeaseWatch,
    /// Sending leases with no forecast for the next quarter.
    pub forecasts_due: i64,
    pub next_quarter: String,
    pub ratio_level: RatioLevel,
    /// Outgoing to incoming AT&T MMS in the current cycle, when there is one.
    pub ratio: Option<rust_decimal::Decimal>,
    /// MT and MO fragments received this calendar month (UTC).
    pub month_fragments: i64,
}

/// The customers whose account manager is `email` (case-insensitive), or every customer.
pub async fn customers_of(
    db: &DatabaseConnection,
    email: Option<&str>,
) -> Result<Vec<customer::Model>, AppError> {
    let mut select = customer::Entity::find();
    if let Some(email) = email {
        select = select.filter(
            Expr::expr(Func::lower(Expr::col(
                customer::Column::AccountManagerEmail,
            )))
            .eq(email.trim().to_lowercase()),
        );
    }
    Ok(select.all(db).await?)
}

/// Each customer's overview as of `as_of`.
pub async fn overview(
    db: &DatabaseConnection,
    ratio: &RatioSettings,
    customers: Vec<customer::Model>,
    as_of: NaiveDate,
) -> Result<Vec<CustomerOverview>, AppError> {
    let next_quarter = Quarter::of(as_of).next().to_string();
    let month_start = NaiveDate::from_ymd_opt(as_of.year(), as_of.month(), 1)
        .unwrap_or(as_of)
        .format("%Y-%m-%d")
        .to_string();
    let today = as_of.format("%Y-%m-%d").to_string();
    let mut out = Vec::with_capacity(customers.len());
    for customer in customers {
        let open_alerts = alert::Entity::find()
            .filter(alert::Column::CustomerId.eq(customer.id))
            .filter(alert::Column::AcknowledgedAt.is_null())
            .count(db)
            .await?;
        let leases = short_code_lease::Entity::find()
            .filter(short_code_lease::Column::CustomerId.eq(customer.id))
            .all(db)
            .await?;
        let mut forecasts_due = 0;
        for lease in leases.iter().filter(|l| l.state.sends()) {
            let has = forecast::Entity::find()
                .filter(forecast::Column::NumberId.eq(lease.number_id))
                .filter(forecast::Column::Quarter.eq(next_quarter.as_str()))
                .count(db)
                .await?;
            if has == 0 {
                forecasts_due += 1;
            }
        }
        let fragments: Option<Option<i64>> = delivery_daily::Entity::find()
            .select_only()
            .column_as(Expr::cust("CAST(SUM(fragments) AS BIGINT)"), "sum")
            .filter(delivery_daily::Column::CustomerId.eq(customer.id))
            .filter(delivery_daily::Column::Day.gte(month_start.as_str()))
            .filter(delivery_daily::Column::Day.lte(today.as_str()))
            .into_tuple()
            .one(db)
            .await?;
        let report = ratio_store::report(db, ratio, customer.id, as_of).await?;
        out.push(CustomerOverview {
            open_alerts: i64::try_from(open_alerts).unwrap_or(i64::MAX),
            leases: watch(&leases, as_of),
            forecasts_due,
            next_quarter: next_quarter.clone(),
            ratio_level: report.level,
            ratio: report.ratio,
            month_fragments: fragments.flatten().unwrap_or(0),
            customer,
        });
    }
    Ok(out)
}

/// Today, UTC: the day a portfolio is judged on unless one is given.
pub fn today() -> NaiveDate {
    Utc::now().date_naive()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn lease(
        state: LeaseState,
        term_ends: Option<NaiveDate>,
        last: Option<NaiveDate>,
    ) -> short_code_lease::Model {
        let at = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        short_code_lease::Model {
            id: 1,
            customer_id: 1,
            number_id: 1,
            state,
            reapplication: false,
            applied_at: at,
            activated_on: Some(day(2026, 1, 1)),
            term: 1,
            term_ends_on: term_ends,
            notice_given_on: None,
            ends_on: None,
            suspended_from: None,
            last_traffic_at: last.map(|d| Utc.from_utc_datetime(&d.and_hms_opt(12, 0, 0).unwrap())),
            warned_days: String::new(),
            created_at: at,
            updated_at: at,
        }
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn renewals_within_30_days_and_silences_from_60_days_are_counted() {
        let as_of = day(2026, 12, 1);
        let leases = [
            lease(
                LeaseState::Active,
                Some(day(2026, 12, 31)),
                Some(day(2026, 11, 30)),
            ),
            lease(
                LeaseState::Active,
                Some(day(2027, 1, 1)),
                Some(day(2026, 10, 2)),
            ),
            lease(
                LeaseState::NoticeGiven,
                Some(day(2026, 12, 10)),
                Some(day(2026, 9, 1)),
            ),
            lease(
                LeaseState::Cancelled,
                Some(day(2026, 12, 10)),
                Some(day(2026, 1, 1)),
            ),
            lease(LeaseState::Active, Some(day(2026, 11, 30)), None),
        ];
        let watch = watch(&leases, as_of);
        // The first (30 days left); not the second (31), the notice-given one or the ended term.
        assert_eq!(watch.near_renewal, 1);
        // The second at 60 days, the notice-given one at 91, the last one silent since its
        // activation; never the cancelled one.
        assert_eq!(watch.silent, 3);
        assert_eq!(watch.longest_silence, Some(334));
    }
}
