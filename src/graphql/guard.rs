//! Role guards: which roles may reach a field. Row filtering for customer keys is done in the
//! queries themselves, since a guard can only allow or refuse a whole field.

use async_graphql::{Context, Guard, Result};

use super::error::{code, coded};
use crate::auth::{RequestContext, Role};

/// Everyone who may read customer records (customer keys see only their own).
pub const CUSTOMER_READERS: &[Role] = &[
    Role::Admin,
    Role::Finance,
    Role::Compliance,
    Role::AccountManager,
    Role::Customer,
];
/// Who may create and change customers.
pub const CUSTOMER_WRITERS: &[Role] = &[Role::Admin, Role::AccountManager];
/// Everyone who may read numbers (customer keys see only their own).
pub const NUMBER_READERS: &[Role] = CUSTOMER_READERS;
/// Who manages numbers, carriers' lookups and SMPP accounts day to day.
pub const ACCOUNT_MANAGERS: &[Role] = &[Role::Admin, Role::AccountManager];
/// Who manages attestations, sender authorizations and opt-outs.
pub const COMPLIANCE: &[Role] = &[Role::Admin, Role::Compliance];
/// Staff who read carriers and look destinations up.
pub const STAFF: &[Role] = &[
    Role::Admin,
    Role::Finance,
    Role::Compliance,
    Role::AccountManager,
];
/// Who manages rate cards and carrier fees.
pub const FINANCE: &[Role] = &[Role::Admin, Role::Finance];
/// Who submits short-code forecasts and MMS use cases (customer keys for their own).
pub const FORECASTERS: &[Role] = &[Role::Admin, Role::AccountManager, Role::Customer];
/// Who sends bulk uploads (customer keys from their own numbers).
pub const SENDERS: &[Role] = &[Role::Admin, Role::AccountManager, Role::Customer];
/// Admins only: API keys and the audit log.
pub const ADMINS: &[Role] = &[Role::Admin];

/// Lets a request through when its caller has one of the roles.
pub struct RoleGuard {
    roles: &'static [Role],
}

impl RoleGuard {
    pub fn new(roles: &'static [Role]) -> Self {
        Self { roles }
    }
}

impl Guard for RoleGuard {
    async fn check(&self, ctx: &Context<'_>) -> Result<()> {
        match ctx.data_opt::<RequestContext>() {
            None => Err(coded(
                code::UNAUTHENTICATED,
                "send an API key as Authorization: Bearer <key>",
            )),
            Some(caller) if self.roles.contains(&caller.role) => Ok(()),
            Some(caller) => Err(coded(
                code::FORBIDDEN,
                format!("the {} role may not do this", caller.role.as_str()),
            )),
        }
    }
}

/// The authenticated caller; guards have already refused anonymous requests.
pub fn caller<'a>(ctx: &'a Context<'_>) -> Result<&'a RequestContext> {
    ctx.data_opt::<RequestContext>()
        .ok_or_else(|| coded(code::UNAUTHENTICATED, "no API key"))
}

/// The customer a list is for: a customer key's own, whatever was asked; otherwise the
/// requested one (`field` names it in a validation error), or none.
pub fn scoped_customer(
    ctx: &Context<'_>,
    requested: Option<&async_graphql::ID>,
    field: &str,
) -> Result<Option<i64>> {
    match caller(ctx)?.customer_id {
        Some(own) => Ok(Some(own)),
        None => requested.map(|id| super::parse_id(id, field)).transpose(),
    }
}
