//! Admission's in-memory view of the master data: numbers, opt-outs, customers, SMPP
//! accounts, routes, rate cards and carrier fees. Admission reads it without touching the
//! database; it is reloaded when the audit log shows a change (every mutation writes one).

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, RwLock};

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, DatabaseConnection, DbErr, EntityTrait, FromQueryResult, QueryFilter, QueryOrder,
    QuerySelect,
};

use super::carriers::{candidate_prefixes, choose, RouteMatch};
use crate::billing::carrier_fees::to_fee;
use crate::billing::money::from_micros;
use crate::billing::rating::{CarrierFee, Direction, MessageKind, Rate, RateCard};
use crate::compliance::content::ContentPolicy;
use crate::compliance::filings::{FilingKind, FilingStatus};
use crate::compliance::leases::LeaseState;
use crate::compliance::mms::{MmsApproval, MmsPolicy};
use crate::compliance::numbers::NumberKind;
use crate::compliance::use_cases::UseCaseStatus;
use crate::config::{ComplianceSettings, MmsSettings, ThrottleSettings};
use crate::customers::CustomerStatus;
use crate::db::entities::{
    audit_log, carrier, carrier_fee, carrier_filing, carrier_prefix, customer, mms_use_case,
    number, opt_out, ported_number, rate, rate_card, short_code_lease, smpp_account,
};
use crate::messaging::throttle::{effective, EffectiveLimits};
use crate::smpp::accounts::{decode_bind_types, decode_networks, BindType};

/// What admission knows of a sending number.
#[derive(Clone, Debug)]
pub struct NumberFacts {
    pub id: i64,
    pub customer_id: i64,
    pub kind: NumberKind,
    pub address: String,
    pub sms_enabled: bool,
    pub mms_enabled: bool,
    /// 2-way numbers receive MO; 1-way numbers refuse it.
    pub two_way: bool,
    pub limits: EffectiveLimits,
}

/// What binding needs of an SMPP account.
#[derive(Clone, Debug)]
pub struct AccountFacts {
    pub id: i64,
    pub customer_id: i64,
    pub password_hash: String,
    pub bind_types: Vec<BindType>,
    pub networks: Vec<ipnet::IpNet>,
    pub max_binds: u32,
    pub window_size: u32,
    pub enabled: bool,
    pub reassemble_mo: bool,
}

/// What admission knows of a customer.
#[derive(Clone, Debug)]
pub struct CustomerFacts {
    pub currency: String,
    pub status: CustomerStatus,
}

/// One consistent view of everything admission reads.
#[derive(Debug, Default)]
pub struct Snapshot {
    /// The audit-log position this view reflects.
    pub version: i64,
    pub numbers: HashMap<String, NumberFacts>,
    pub opt_outs: HashSet<(String, String)>,
    pub customers: HashMap<i64, CustomerFacts>,
    pub accounts: HashMap<String, AccountFacts>,
    pub prefixes: HashMap<String, i64>,
    pub ported: HashMap<String, i64>,
    /// Carrier id to code (`ATT`): how routes and metrics name carriers.
    pub carrier_codes: HashMap<i64, String>,
    /// Each short code's newest lease state, by number id (none: never leased).
    pub leases: HashMap<i64, LeaseState>,
    /// Sender numbers to the approved MMS use cases in force for them.
    pub mms_approvals: HashMap<i64, Vec<MmsApproval>>,
    /// The MMS size limit and media-type policy.
    pub mms: MmsPolicy,
    /// Carriers (by id) that give no delivery reports for MMS.
    pub mms_no_reports: Vec<i64>,
    /// Approved carrier filings: (short code's number id, carrier id) to the kinds filed.
    pub approved_filings: HashMap<(i64, i64), Vec<FilingKind>>,
    pub customer_cards: HashMap<i64, Vec<RateCard>>,
    pub rack_cards: HashMap<String, Vec<RateCard>>,
    pub carrier_fees: Vec<CarrierFee>,
    pub alphanumeric_countries: Vec<String>,
    /// Prohibited content and blocked link domains.
    pub content: ContentPolicy,
}

impl Snapshot {
    /// The carrier serving an E.164 destination.
    pub fn route(&self, e164: &str) -> RouteMatch {
        let ported = self.ported.get(e164).copied();
        let prefixes: Vec<(String, i64)> = if ported.is_some() {
            Vec::new()
        } else {
            candidate_prefixes(e164)
                .into_iter()
                .filter_map(|p| self.prefixes.get(&p).map(|c| (p, *c)))
                .collect()
        };
        choose(ported, &prefixes)
    }

    /// The customer's card and the rack card in its currency, as in force at `at`.
    pub fn cards(
        &self,
        customer_id: i64,
        at: DateTime<Utc>,
    ) -> (Option<&RateCard>, Option<&RateCard>) {
        let own = self
            .customer_cards
            .get(&customer_id)
            .and_then(|cards| cards.iter().find(|c| c.in_force(at)));
        let rack = self
            .customers
            .get(&customer_id)
            .and_then(|c| self.rack_cards.get(&c.currency))
            .and_then(|cards| cards.iter().find(|c| c.in_force(at)));
        (own, rack)
    }

    /// The carrier's fee in force.
    pub fn carrier_fee(
        &self,
        carrier_id: i64,
        kind: MessageKind,
        direction: Direction,
        at: DateTime<Utc>,
    ) -> Option<&CarrierFee> {
        self.carrier_fees
            .iter()
            .find(|f| f.applies(carrier_id, kind, direction, at))
    }

    /// Reads everything admission needs.
    pub async fn load(
        db: &DatabaseConnection,
        throttle: &ThrottleSettings,
        compliance: &ComplianceSettings,
        mms: &MmsSettings,
    ) -> Result<Self, DbErr> {
        let version = audit_version(db).await?;
        let numbers = number::Entity::find()
            .all(db)
            .await?
            .into_iter()
            .map(|n| {
                let limits = effective(
                    throttle,
                    n.kind,
                    n.per_second_limit.and_then(|v| u32::try_from(v).ok()),
                    n.per_day_limit.and_then(|v| u64::try_from(v).ok()),
                );
                (
                    n.address.clone(),
                    NumberFacts {
                        id: n.id,
                        customer_id: n.customer_id,
                        kind: n.kind,
                        address: n.address,
                        sms_enabled: n.sms_enabled,
                        mms_enabled: n.mms_enabled,
                        two_way: n.two_way,
                        limits,
                    },
                )
            })
            .collect();
        let opt_outs = opt_out::Entity::find()
            .filter(opt_out::Column::OptedInAt.is_null())
            .all(db)
            .await?
            .into_iter()
            .map(|o| (o.sender, o.subscriber))
            .collect();
        let customers = customer::Entity::find()
            .all(db)
            .await?
            .into_iter()
            .map(|c| {
                (
                    c.id,
                    CustomerFacts {
                        currency: c.currency,
                        status: c.status,
                    },
                )
            })
            .collect();
        let accounts = smpp_account::Entity::find()
            .all(db)
            .await?
            .into_iter()
            .map(|a| {
                (
                    a.system_id.clone(),
                    AccountFacts {
                        id: a.id,
                        customer_id: a.customer_id,
                        password_hash: a.password_hash,
                        bind_types: decode_bind_types(&a.bind_types),
                        networks: decode_networks(&a.allowed_networks),
                        max_binds: u32::try_from(a.max_binds).unwrap_or(1),
                        window_size: u32::try_from(a.window_size).unwrap_or(1),
                        enabled: a.enabled,
                        reassemble_mo: a.reassemble_mo,
                    },
                )
            })
            .collect();
        let prefixes = carrier_prefix::Entity::find()
            .all(db)
            .await?
            .into_iter()
            .map(|p| (p.prefix, p.carrier_id))
            .collect();
        let ported = ported_number::Entity::find()
            .all(db)
            .await?
            .into_iter()
            .map(|p| (p.number, p.carrier_id))
            .collect();
        let leases = short_code_lease::Entity::find()
            .order_by_asc(short_code_lease::Column::Id)
            .all(db)
            .await?
            .into_iter()
            .map(|l| (l.number_id, l.state))
            .collect();
        let mut approved_filings: HashMap<(i64, i64), Vec<FilingKind>> = HashMap::new();
        for f in carrier_filing::Entity::find()
            .filter(carrier_filing::Column::Status.eq(FilingStatus::Approved))
            .all(db)
            .await?
        {
            approved_filings
                .entry((f.number_id, f.carrier_id))
                .or_default()
                .push(f.kind);
        }
        let mut mms_approvals: HashMap<i64, Vec<MmsApproval>> = HashMap::new();
        for use_case in mms_use_case::Entity::find()
            .filter(mms_use_case::Column::Status.eq(UseCaseStatus::Approved))
            .order_by_asc(mms_use_case::Column::Id)
            .all(db)
            .await?
        {
            for number in crate::compliance::use_case_store::numbers_of(&use_case) {
                mms_approvals.entry(number).or_default().push(MmsApproval {
                    use_case_id: use_case.id,
                    media_types: crate::compliance::use_case_store::media_of(&use_case),
                    att_exempt: use_case.att_exempt,
                });
            }
        }
        let carrier_codes: HashMap<i64, String> = carrier::Entity::find()
            .all(db)
            .await?
            .into_iter()
            .map(|c| (c.id, c.code))
            .collect();
        let mms_no_reports = carrier_codes
            .iter()
            .filter(|(_, code)| mms.no_report_carriers.contains(code))
            .map(|(id, _)| *id)
            .collect();
        let mut rates_by_card: HashMap<i64, Vec<Rate>> = HashMap::new();
        for r in rate::Entity::find().all(db).await? {
            rates_by_card.entry(r.rate_card_id).or_default().push(Rate {
                id: r.id,
                kind: r.message_kind,
                direction: r.direction,
                number_kind: r.number_kind,
                jurisdiction: r.jurisdiction,
                unit_price: from_micros(r.unit_price_micros),
            });
        }
        let mut customer_cards: HashMap<i64, Vec<RateCard>> = HashMap::new();
        let mut rack_cards: HashMap<String, Vec<RateCard>> = HashMap::new();
        for card in rate_card::Entity::find()
            .order_by_desc(rate_card::Column::EffectiveFrom)
            .all(db)
            .await?
        {
            let loaded = RateCard {
                id: card.id,
                customer_id: card.customer_id,
                currency: card.currency.clone(),
                effective_from: card.effective_from,
                effective_to: card.effective_to,
                non_gsm_international: card.non_gsm_international,
                udh_octets: u8::try_from(card.udh_octets).unwrap_or(6),
                rates: rates_by_card.remove(&card.id).unwrap_or_default(),
            };
            match card.customer_id {
                Some(customer_id) => customer_cards.entry(customer_id).or_default().push(loaded),
                None => rack_cards.entry(card.currency).or_default().push(loaded),
            }
        }
        let carrier_fees = carrier_fee::Entity::find()
            .all(db)
            .await?
            .iter()
            .map(to_fee)
            .collect();
        Ok(Self {
            version,
            numbers,
            opt_outs,
            customers,
            accounts,
            prefixes,
            ported,
            carrier_codes,
            leases,
            approved_filings,
            mms_approvals,
            mms: MmsPolicy::from_settings(mms),
            mms_no_reports,
            customer_cards,
            rack_cards,
            carrier_fees,
            alphanumeric_countries: compliance.alphanumeric_countries.clone(),
            content: ContentPolicy::new(
                &compliance.prohibited_content,
                &compliance.blocked_domains,
            ),
        })
    }
}

#[derive(FromQueryResult)]
struct MaxId {
    max_id: Option<i64>,
}

/// The newest audit row's id: it moves whenever master data changes.
async fn audit_version(db: &DatabaseConnection) -> Result<i64, DbErr> {
    let row = audit_log::Entity::find()
        .select_only()
        .column_as(audit_log::Column::Id.max(), "max_id")
        .into_model::<MaxId>()
        .one(db)
        .await?;
    Ok(row.and_then(|r| r.max_id).unwrap_or(0))
}

/// The current snapshot, swapped whole when it is reloaded.
#[derive(Clone, Default)]
pub struct SnapshotCell {
    current: Arc<RwLock<Arc<Snapshot>>>,
}

impl SnapshotCell {
    pub fn new(snapshot: Snapshot) -> Self {
        Self {
            current: Arc::new(RwLock::new(Arc::new(snapshot))),
        }
    }

    /// The snapshot in force (cheap: one Arc clone).
    pub fn get(&self) -> Arc<Snapshot> {
        self.current
            .read()
            .map(|s| Arc::clone(&s))
            .unwrap_or_else(|poisoned| Arc::clone(&poisoned.into_inner()))
    }

    /// Installs a loaded snapshot unless a newer one is already in place: two reloads can
    /// overlap (the periodic one and the one an opt-out keyword asks for), and the one that
    /// started first must not finish last and bring back the world before the opt-out.
    fn set(&self, snapshot: Snapshot) -> bool {
        let mut guard = self
            .current
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if snapshot.version < guard.version {
            return false;
        }
        *guard = Arc::new(snapshot);
        true
    }

    /// Reloads when the audit log moved since the snapshot was taken; true when it did.
    pub async fn refresh(
        &self,
        db: &DatabaseConnection,
        throttle: &ThrottleSettings,
        compliance: &ComplianceSettings,
        mms: &MmsSettings,
    ) -> Result<bool, DbErr> {
        if audit_version(db).await? == self.get().version {
            return Ok(false);
        }
        Ok(self.set(Snapshot::load(db, throttle, compliance, mms).await?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reload_that_started_earlier_never_replaces_a_newer_view() {
        let cell = SnapshotCell::new(Snapshot {
            version: 5,
            ..Default::default()
        });
        let newer = Snapshot {
            version: 7,
            alphanumeric_countries: vec!["GB".into()],
            ..Default::default()
        };
        assert!(cell.set(newer));
        let stale = Snapshot {
            version: 6,
            ..Default::default()
        };
        assert!(!cell.set(stale));
        assert_eq!(cell.get().version, 7);
        assert_eq!(cell.get().alphanumeric_countries, ["GB"]);
    }
}
