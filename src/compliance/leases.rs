//! Short-code leases: their states, terms, notice and inactivity, as pure functions of a given
//! `as_of` day. The store applies what these decide; nothing here reads a clock.
//!
//! A lease is `APPLIED` until activation; then `ACTIVE` for terms of 3 calendar months
//! (counted from the activation day, month ends clamped), renewing at each term's end unless
//! notice took effect; `NOTICE_GIVEN` until the notice's end; then `ENDED`. 90 days without
//! traffic cancel it (`CANCELLED_INACTIVITY`), with warnings at 60 and 80 days; compliance can
//! suspend and resume it; it can also be cancelled outright.

use chrono::{Months, NaiveDate};
use sea_orm::sea_query::StringLen;
use sea_orm::{DeriveActiveEnum, EnumIter};

/// Months in one term.
pub const TERM_MONTHS: u32 = 3;
/// Notice must be given at least this many days before a term ends to end the lease then.
pub const NOTICE_DAYS: i64 = 30;
/// Days without traffic at which the account manager is warned.
pub const WARNING_DAYS: [i64; 2] = [60, 80];
/// Days without traffic at which carriers cancel the code.
pub const INACTIVITY_DAYS: i64 = 90;

/// Where a lease is.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, async_graphql::Enum,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(24))")]
pub enum LeaseState {
    #[sea_orm(string_value = "applied")]
    Applied,
    #[sea_orm(string_value = "active")]
    Active,
    #[sea_orm(string_value = "notice_given")]
    NoticeGiven,
    #[sea_orm(string_value = "ended")]
    Ended,
    #[sea_orm(string_value = "cancelled_inactivity")]
    CancelledInactivity,
    #[sea_orm(string_value = "cancelled")]
    Cancelled,
    #[sea_orm(string_value = "suspended")]
    Suspended,
}

impl LeaseState {
    /// A code may send while its lease is in one of these.
    pub fn sends(self) -> bool {
        matches!(self, LeaseState::Active | LeaseState::NoticeGiven)
    }

    /// Nothing more happens to a lease in one of these; the code needs a new application.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            LeaseState::Ended | LeaseState::CancelledInactivity | LeaseState::Cancelled
        )
    }
}

/// The day term `n` (1 for the first) of a lease activated on `activated` ends: counted from
/// activation each time, so month-end clamping never drifts (Jan 31: Apr 30, Jul 31, Oct 31).
pub fn term_end(activated: NaiveDate, term: u32) -> NaiveDate {
    activated
        .checked_add_months(Months::new(TERM_MONTHS * term))
        .unwrap_or(NaiveDate::MAX)
}

/// When notice given on `given_on` ends the lease, for a lease in term `term`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NoticeOutcome {
    /// The day the lease ends.
    pub ends_on: NaiveDate,
    /// Given later than 30 days before the current term's end: the lease renews once more.
    pub late: bool,
}

/// Notice at least 30 days before the current term ends takes effect at its end; later
/// notice is accepted but takes effect at the end of the following term.
pub fn notice(activated: NaiveDate, term: u32, given_on: NaiveDate) -> NoticeOutcome {
    let current_end = term_end(activated, term);
    if (current_end - given_on).num_days() >= NOTICE_DAYS {
        NoticeOutcome {
            ends_on: current_end,
            late: false,
        }
    } else {
        NoticeOutcome {
            ends_on: term_end(activated, term + 1),
            late: true,
        }
    }
}

/// What maintenance knows of a lease.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeaseFacts {
    pub state: LeaseState,
    pub activated_on: Option<NaiveDate>,
    /// The current term's number (1 for the first), once active.
    pub term: u32,
    /// For `NOTICE_GIVEN`: the day the lease ends.
    pub ends_on: Option<NaiveDate>,
    /// The last MT or MO message of the code (or its activation, before any).
    pub last_traffic_on: Option<NaiveDate>,
    /// Warnings already given for the current silence (60 and/or 80 days).
    pub warned: Vec<i64>,
}

/// One thing maintenance does to a lease.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LeaseAction {
    /// A new term starts (and is charged): its number and its days.
    Renew {
        term: u32,
        starts_on: NaiveDate,
        ends_on: NaiveDate,
    },
    /// Notice took effect.
    End { on: NaiveDate },
    /// The account manager is warned after this many silent days.
    WarnInactivity { days: i64 },
    /// Silent for 90 days: carriers cancel the code.
    CancelForInactivity { days: i64 },
}

/// Days without traffic as of `as_of`.
pub fn silent_days(facts: &LeaseFacts, as_of: NaiveDate) -> Option<i64> {
    facts
        .last_traffic_on
        .or(facts.activated_on)
        .map(|last| (as_of - last).num_days().max(0))
}

/// What is due on `as_of`, in order. Applying the actions and running again for the same day
/// yields nothing: the state, the term and the warnings record what was done.
pub fn maintain(facts: &LeaseFacts, as_of: NaiveDate) -> Vec<LeaseAction> {
    let mut actions = Vec::new();
    let Some(activated) = facts.activated_on else {
        return actions;
    };
    if !facts.state.sends() {
        return actions;
    }
    if let Some(days) = silent_days(facts, as_of) {
        if days >= INACTIVITY_DAYS {
            actions.push(LeaseAction::CancelForInactivity { days });
            return actions;
        }
        for threshold in WARNING_DAYS {
            if days >= threshold && !facts.warned.contains(&threshold) {
                actions.push(LeaseAction::WarnInactivity { days: threshold });
            }
        }
    }
    let mut term = facts.term.max(1);
    loop {
        let end = term_end(activated, term);
        if end > as_of {
            break;
        }
        if facts.state == LeaseState::NoticeGiven && facts.ends_on.is_some_and(|e| e <= end) {
            actions.push(LeaseAction::End { on: end });
            break;
        }
        term += 1;
        actions.push(LeaseAction::Renew {
            term,
            starts_on: end,
            ends_on: term_end(activated, term),
        });
    }
    actions
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn active(activated: NaiveDate) -> LeaseFacts {
        LeaseFacts {
            state: LeaseState::Active,
            activated_on: Some(activated),
            term: 1,
            ends_on: None,
            last_traffic_on: None,
            warned: Vec::new(),
        }
    }

    #[test]
    fn terms_are_calendar_months_with_month_ends_clamped() {
        assert_eq!(term_end(day(2026, 1, 31), 1), day(2026, 4, 30));
        assert_eq!(term_end(day(2026, 1, 31), 2), day(2026, 7, 31), "no drift");
        assert_eq!(
            term_end(day(2027, 11, 30), 1),
            day(2028, 2, 29),
            "leap year"
        );
        assert_eq!(term_end(day(2026, 11, 30), 1), day(2027, 2, 28));
        assert_eq!(term_end(day(2026, 3, 15), 4), day(2027, 3, 15));
    }

    #[test]
    fn notice_thirty_days_ahead_ends_this_term_and_later_notice_the_next() {
        let activated = day(2026, 1, 1); // the first term ends 2026-04-01
        assert_eq!(
            notice(activated, 1, day(2026, 3, 2)),
            NoticeOutcome {
                ends_on: day(2026, 4, 1),
                late: false
            },
            "exactly 30 days before"
        );
        assert_eq!(
            notice(activated, 1, day(2026, 3, 3)),
            NoticeOutcome {
                ends_on: day(2026, 7, 1),
                late: true
            },
            "29 days before: one more term"
        );
    }

    #[test]
    fn an_active_lease_renews_each_term_and_once_only() {
        let mut facts = active(day(2026, 1, 31));
        facts.last_traffic_on = Some(day(2026, 10, 30));
        let actions = maintain(&facts, day(2026, 10, 31));
        assert_eq!(
            actions,
            [
                LeaseAction::Renew {
                    term: 2,
                    starts_on: day(2026, 4, 30),
                    ends_on: day(2026, 7, 31)
                },
                LeaseAction::Renew {
                    term: 3,
                    starts_on: day(2026, 7, 31),
                    ends_on: day(2026, 10, 31)
                },
                LeaseAction::Renew {
                    term: 4,
                    starts_on: day(2026, 10, 31),
                    ends_on: day(2027, 1, 31)
                },
            ]
        );
        facts.term = 4;
        assert!(maintain(&facts, day(2026, 10, 31)).is_empty(), "idempotent");
    }

    #[test]
    fn notice_ends_the_lease_at_its_day_and_late_notice_renews_once_more() {
        let mut facts = active(day(2026, 1, 1));
        facts.last_traffic_on = Some(day(2026, 6, 30));
        facts.state = LeaseState::NoticeGiven;
        facts.ends_on = Some(day(2026, 4, 1));
        assert_eq!(
            maintain(&facts, day(2026, 4, 1)),
            [LeaseAction::End {
                on: day(2026, 4, 1)
            }]
        );
        facts.ends_on = Some(day(2026, 7, 1)); // late notice
        let actions = maintain(&facts, day(2026, 7, 1));
        assert_eq!(actions.len(), 2);
        assert!(matches!(actions[0], LeaseAction::Renew { term: 2, .. }));
        assert_eq!(
            actions[1],
            LeaseAction::End {
                on: day(2026, 7, 1)
            }
        );
    }

    #[test]
    fn silence_warns_at_60_and_80_days_and_cancels_at_90() {
        let mut facts = active(day(2026, 1, 1));
        facts.last_traffic_on = Some(day(2026, 1, 10));
        let on = |d: i64| day(2026, 1, 10) + chrono::Duration::days(d);
        assert!(maintain(&facts, on(59)).is_empty());
        assert_eq!(
            maintain(&facts, on(60)),
            [LeaseAction::WarnInactivity { days: 60 }]
        );
        facts.warned = vec![60];
        assert!(maintain(&facts, on(79)).is_empty());
        assert_eq!(
            maintain(&facts, on(80)),
            [LeaseAction::WarnInactivity { days: 80 }]
        );
        facts.warned = vec![60, 80];
        assert!(!maintain(&facts, on(89))
            .iter()
            .any(|a| matches!(a, LeaseAction::CancelForInactivity { .. })));
        assert_eq!(
            maintain(&facts, on(90)),
            [LeaseAction::CancelForInactivity { days: 90 }]
        );
        facts.last_traffic_on = Some(on(85));
        facts.warned.clear();
        assert!(
            !maintain(&facts, on(90)).iter().any(|a| matches!(
                a,
                LeaseAction::WarnInactivity { .. } | LeaseAction::CancelForInactivity { .. }
            )),
            "traffic resets the count"
        );
    }

    #[test]
    fn only_active_and_noticed_leases_send() {
        assert!(LeaseState::Active.sends() && LeaseState::NoticeGiven.sends());
        for state in [
            LeaseState::Applied,
            LeaseState::Suspended,
            LeaseState::Ended,
            LeaseState::CancelledInactivity,
            LeaseState::Cancelled,
        ] {
            assert!(!state.sends(), "{state:?}");
        }
    }
}
