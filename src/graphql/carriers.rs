//! Carriers and routing in the API.

use async_graphql::{Context, Object, Result, SimpleObject, ID};
use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;

use super::error::ResultExt;
use super::guard::{caller, RoleGuard, ACCOUNT_MANAGERS, ADMINS, COMPLIANCE, STAFF};
use crate::db::entities::carrier;
use crate::messaging::carrier_store;
use crate::messaging::carriers::RouteSource;

/// A carrier that terminates traffic.
#[derive(SimpleObject, Clone)]
pub struct Carrier {
    pub id: ID,
    pub code: String,
    pub name: String,
    pub created_at: DateTime<Utc>,
}

impl From<carrier::Model> for Carrier {
    fn from(m: carrier::Model) -> Self {
        Self {
            id: ID(m.id.to_string()),
            code: m.code,
            name: m.name,
            created_at: m.created_at,
        }
    }
}

/// Which carrier serves a destination, and why.
#[derive(SimpleObject)]
pub struct CarrierLookup {
    /// The destination in E.164.
    pub destination: String,
    pub country: Option<String>,
    /// Null when no route matches (source UNKNOWN).
    pub carrier: Option<Carrier>,
    pub source: RouteSource,
    pub matched_prefix: Option<String>,
}

/// What an import wrote.
#[derive(SimpleObject)]
pub struct RouteImport {
    pub prefixes: u64,
    pub ported_numbers: u64,
}

#[derive(Default)]
pub struct CarrierQuery;

#[Object]
impl CarrierQuery {
    /// Every carrier, by code.
    #[graphql(guard = "RoleGuard::new(STAFF)")]
    async fn carriers(&self, ctx: &Context<'_>) -> Result<Vec<Carrier>> {
        let db = ctx.data::<DatabaseConnection>()?;
        Ok(carrier_store::list(db)
            .await
            .gql()?
            .into_iter()
            .map(Carrier::from)
            .collect())
    }

    /// The carrier serving a destination: a ported-number entry, else the longest prefix.
    #[graphql(guard = "RoleGuard::new(ACCOUNT_MANAGERS).or(RoleGuard::new(COMPLIANCE))")]
    async fn carrier_for(&self, ctx: &Context<'_>, destination: String) -> Result<CarrierLookup> {
        let db = ctx.data::<DatabaseConnection>()?;
        let lookup = carrier_store::lookup(db, &destination).await.gql()?;
        Ok(CarrierLookup {
            destination: lookup.destination.e164,
            country: lookup.destination.country,
            carrier: lookup.carrier.map(Carrier::from),
            source: lookup.route.source,
            matched_prefix: lookup.route.matched_prefix,
        })
    }
}

#[derive(Default)]
pub struct CarrierMutation;

#[Object]
impl CarrierMutation {
    #[graphql(guard = "RoleGuard::new(ADMINS)")]
    async fn create_carrier(
        &self,
        ctx: &Context<'_>,
        code: String,
        name: String,
    ) -> Result<Carrier> {
        let db = ctx.data::<DatabaseConnection>()?;
        Ok(carrier_store::create(db, caller(ctx)?, &code, &name)
            .await
            .gql()?
            .into())
    }

    /// Imports routes from CSV (`type,number,carrier`; type `prefix` or `ported`), all or
    /// nothing; every bad row is named in the error.
    #[graphql(guard = "RoleGuard::new(ADMINS)")]
    async fn import_carrier_routes(&self, ctx: &Context<'_>, csv: String) -> Result<RouteImport> {
        let db = ctx.data::<DatabaseConnection>()?;
        let summary = carrier_store::import_routes(db, caller(ctx)?, &csv)
            .await
            .gql()?;
        Ok(RouteImport {
            prefixes: summary.prefixes,
            ported_numbers: summary.ported_numbers,
        })
    }
}
