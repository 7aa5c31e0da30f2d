//! MMS in the API: the policy in force, the prohibited-content rules, customers' MM7
//! credentials (admins), and the AT&T ratio per customer and cycle with its daily series.

use async_graphql::{Context, InputObject, Object, Result, SimpleObject, ID};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::DatabaseConnection;

use super::error::ResultExt;
use super::guard::{caller, scoped_customer, RoleGuard, ADMINS, COMPLIANCE, CUSTOMER_READERS};
use super::parse_id;
use crate::compliance::ratio::RatioLevel;
use crate::compliance::ratio_store::{self, RatioReport};
use crate::config::{ComplianceSettings, MmsSettings};
use crate::db::entities::mm7_account;
use crate::error::AppError;
use crate::mm7::accounts::{self, Mm7AccountUpdate, NewMm7Account};

/// The MMS rules admission applies.
#[derive(SimpleObject)]
pub struct MmsPolicy {
    pub max_bytes: u64,
    pub allowed_media: Vec<String>,
    pub refused_media: Vec<String>,
    /// Carriers (codes) that give no delivery reports for A2P MMS.
    pub no_report_carriers: Vec<String>,
    pub ratio_carrier: String,
    pub ratio_cycle_days: u32,
    pub ratio_warning: String,
    pub ratio_limit: String,
    pub ratio_min_outgoing: u64,
}

/// One prohibited-content rule.
#[derive(SimpleObject)]
pub struct ContentRule {
    pub name: String,
    /// The regular expression, matched case-insensitively.
    pub pattern: String,
}

/// The content rules and blocked link domains.
#[derive(SimpleObject)]
pub struct ContentRules {
    pub rules: Vec<ContentRule>,
    pub blocked_domains: Vec<String>,
}

/// A customer's MM7 credential (never its password).
#[derive(SimpleObject)]
pub struct Mm7Account {
    pub id: ID,
    pub customer_id: ID,
    pub username: String,
    pub vasp_id: String,
    pub vas_id: Option<String>,
    /// Where delivery reports and MO MMS are posted.
    pub delivery_url: Option<String>,
    pub enabled: bool,
    pub created_at: DateTime<Utc>,
}

impl From<mm7_account::Model> for Mm7Account {
    fn from(a: mm7_account::Model) -> Self {
        Self {
            id: ID(a.id.to_string()),
            customer_id: ID(a.customer_id.to_string()),
            username: a.username,
            vasp_id: a.vasp_id,
            vas_id: a.vas_id,
            delivery_url: a.delivery_url,
            enabled: a.enabled,
            created_at: a.created_at,
        }
    }
}

/// A created credential and its password, shown this once.
#[derive(SimpleObject)]
pub struct CreatedMm7Account {
    pub account: Mm7Account,
    pub password: String,
}

#[derive(InputObject)]
#[graphql(name = "Mm7AccountInput")]
pub struct Mm7AccountInput {
    pub customer_id: ID,
    pub username: String,
    /// Generated when absent.
    pub password: Option<String>,
    pub vasp_id: String,
    pub vas_id: Option<String>,
    pub delivery_url: Option<String>,
}

#[derive(InputObject)]
#[graphql(name = "Mm7AccountUpdateInput")]
pub struct Mm7AccountUpdateInput {
    pub password: Option<String>,
    pub vasp_id: Option<String>,
    /// Empty clears it.
    pub vas_id: Option<String>,
    /// Empty clears it.
    pub delivery_url: Option<String>,
    pub enabled: Option<bool>,
}

/// One day of a ratio cycle.
#[derive(SimpleObject)]
pub struct RatioPoint {
    pub day: NaiveDate,
    pub outgoing: u64,
    pub incoming: u64,
    pub cumulative_outgoing: u64,
    pub cumulative_incoming: u64,
    /// Cumulative outgoing per incoming; null while nothing came in.
    pub ratio: Option<String>,
}

/// A customer's AT&T ratio in one cycle.
#[derive(SimpleObject)]
pub struct MmsRatio {
    pub customer_id: ID,
    /// Null before the customer's first MMS with the carrier.
    pub cycle_start: Option<NaiveDate>,
    /// The cycle's last day.
    pub cycle_end: Option<NaiveDate>,
    pub outgoing: u64,
    pub incoming: u64,
    pub ratio: Option<String>,
    pub level: RatioLevel,
    pub warning: String,
    pub limit: String,
    pub days: Vec<RatioPoint>,
}

fn ratio_view(report: RatioReport, settings: &MmsSettings) -> MmsRatio {
    MmsRatio {
        customer_id: ID(report.customer_id.to_string()),
        cycle_start: report.cycle.map(|c| c.start),
        cycle_end: report.cycle.map(|c| c.end - chrono::Duration::days(1)),
        outgoing: report.outgoing,
        incoming: report.incoming,
        ratio: report.ratio.map(|r| r.to_string()),
        level: report.level,
        warning: settings.ratio.warning.to_string(),
        limit: settings.ratio.limit.to_string(),
        days: report
            .days
            .into_iter()
            .map(|d| RatioPoint {
                day: d.day,
                outgoing: d.outgoing,
                incoming: d.incoming,
                cumulative_outgoing: d.cumulative_outgoing,
                cumulative_incoming: d.cumulative_incoming,
                ratio: d.ratio.map(|r| r.to_string()),
            })
            .collect(),
    }
}

/// What a ratio check did.
#[derive(SimpleObject)]
pub struct RatioCheckResult {
    pub customers_checked: u64,
    pub alerts_raised: u64,
}

#[derive(Default)]
pub struct MmsQuery;

#[Object]
impl MmsQuery {
    /// The MMS policy and ratio settings in force.
    #[graphql(guard = "RoleGuard::new(CUSTOMER_READERS)")]
    async fn mms_policy(&self, ctx: &Context<'_>) -> Result<MmsPolicy> {
        let s = ctx.data::<MmsSettings>()?;
        Ok(MmsPolicy {
            max_bytes: s.max_bytes,
            allowed_media: s.allowed_media.clone(),
            refused_media: s.refused_media.clone(),
            no_report_carriers: s.no_report_carriers.clone(),
            ratio_carrier: s.ratio.carrier.clone(),
            ratio_cycle_days: s.ratio.cycle_days,
            ratio_warning: s.ratio.warning.to_string(),
            ratio_limit: s.ratio.limit.to_string(),
            ratio_min_outgoing: s.ratio.min_outgoing,
        })
    }

    /// The prohibited-content rules and blocked link domains (compliance).
    #[graphql(guard = "RoleGuard::new(COMPLIANCE)")]
    async fn content_rules(&self, ctx: &Context<'_>) -> Result<ContentRules> {
        let s = ctx.data::<ComplianceSettings>()?;
        Ok(ContentRules {
            rules: s
                .prohibited_content
                .iter()
                .map(|r| ContentRule {
                    name: r.name.clone(),
                    pattern: r.pattern.clone(),
                })
                .collect(),
            blocked_domains: s.blocked_domains.clone(),
        })
    }

    /// MM7 credentials, oldest first.
    #[graphql(guard = "RoleGuard::new(ADMINS)")]
    async fn mm7_accounts(
        &self,
        ctx: &Context<'_>,
        customer_id: Option<ID>,
    ) -> Result<Vec<Mm7Account>> {
        let db = ctx.data::<DatabaseConnection>()?;
        let customer = customer_id
            .map(|id| parse_id(&id, "customerId"))
            .transpose()?;
        Ok(accounts::list(db, customer)
            .await
            .gql()?
            .into_iter()
            .map(Mm7Account::from)
            .collect())
    }

    /// A customer's AT&T ratio in the cycle holding `asOf` (default today), counted to the
    /// end of that day. A customer key sees its own.
    #[graphql(guard = "RoleGuard::new(CUSTOMER_READERS)")]
    async fn mms_ratio(
        &self,
        ctx: &Context<'_>,
        customer_id: Option<ID>,
        as_of: Option<NaiveDate>,
    ) -> Result<MmsRatio> {
        let db = ctx.data::<DatabaseConnection>()?;
        let settings = ctx.data::<MmsSettings>()?;
        let customer = scoped_customer(ctx, customer_id.as_ref(), "customerId")?
            .ok_or_else(|| AppError::invalid_field("customerId", "is required"))
            .gql()?;
        let as_of = as_of.unwrap_or_else(|| Utc::now().date_naive());
        let report = ratio_store::report(db, &settings.ratio, customer, as_of)
            .await
            .gql()?;
        Ok(ratio_view(report, settings))
    }
}

#[derive(Default)]
pub struct MmsMutation;

#[Object]
impl MmsMutation {
    /// Creates a customer's MM7 credential; the password is shown this once.
    #[graphql(guard = "RoleGuard::new(ADMINS)")]
    async fn create_mm7_account(
        &self,
        ctx: &Context<'_>,
        input: Mm7AccountInput,
    ) -> Result<CreatedMm7Account> {
        let db = ctx.data::<DatabaseConnection>()?;
        let new = NewMm7Account {
            customer_id: parse_id(&input.customer_id, "customerId")?,
            username: input.username,
            password: input.password,
            vasp_id: input.vasp_id,
            vas_id: input.vas_id,
            delivery_url: input.delivery_url,
        };
        let (account, password) = accounts::create(db, caller(ctx)?, new).await.gql()?;
        Ok(CreatedMm7Account {
            account: account.into(),
            password,
        })
    }

    /// Changes an MM7 credential.
    #[graphql(guard = "RoleGuard::new(ADMINS)")]
    async fn update_mm7_account(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: Mm7AccountUpdateInput,
    ) -> Result<Mm7Account> {
        let db = ctx.data::<DatabaseConnection>()?;
        let change = Mm7AccountUpdate {
            password: input.password,
            vasp_id: input.vasp_id,
            vas_id: input.vas_id,
            delivery_url: input.delivery_url,
            enabled: input.enabled,
        };
        Ok(
            accounts::update(db, caller(ctx)?, parse_id(&id, "id")?, change)
                .await
                .gql()?
                .into(),
        )
    }

    /// Checks every customer's AT&T ratio as of a day (default today): each level reached
    /// is recorded and alerted once per cycle.
    #[graphql(guard = "RoleGuard::new(ADMINS)")]
    async fn check_mms_ratios(
        &self,
        ctx: &Context<'_>,
        as_of: Option<NaiveDate>,
    ) -> Result<RatioCheckResult> {
        let db = ctx.data::<DatabaseConnection>()?;
        let settings = ctx.data::<MmsSettings>()?;
        let as_of = as_of.unwrap_or_else(|| Utc::now().date_naive());
        let done = ratio_store::check_ratios(db, &settings.ratio, as_of)
            .await
            .gql()?;
        Ok(RatioCheckResult {
            customers_checked: done.customers_checked,
            alerts_raised: done.alerts_raised,
        })
    }
}
