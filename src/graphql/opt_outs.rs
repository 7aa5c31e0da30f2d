//! The opt-out registry in the API, for compliance.

use async_graphql::connection::Connection;
use async_graphql::{Context, Object, Result, SimpleObject, ID};
use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;

use super::error::ResultExt;
use super::guard::{caller, RoleGuard, COMPLIANCE};
use super::pagination::{connection, page_args, Cursor};
use crate::db::entities::opt_out;
use crate::messaging::opt_out as registry;

/// A subscriber's opt-out from one sender; it blocks MT until `optedInAt` is set.
#[derive(SimpleObject)]
pub struct OptOut {
    pub id: ID,
    pub sender: String,
    pub subscriber: String,
    pub keyword: String,
    pub opted_out_at: DateTime<Utc>,
    pub opt_in_keyword: Option<String>,
    pub opted_in_at: Option<DateTime<Utc>>,
    /// True while MT from the sender to the subscriber is blocked.
    pub active: bool,
}

impl From<opt_out::Model> for OptOut {
    fn from(m: opt_out::Model) -> Self {
        Self {
            id: ID(m.id.to_string()),
            active: m.opted_in_at.is_none(),
            sender: m.sender,
            subscriber: m.subscriber,
            keyword: m.keyword,
            opted_out_at: m.opted_out_at,
            opt_in_keyword: m.opt_in_keyword,
            opted_in_at: m.opted_in_at,
        }
    }
}

#[derive(Default)]
pub struct OptOutQuery;

#[Object]
impl OptOutQuery {
    /// Opt-out records, newest first, optionally for one sender and/or subscriber.
    #[graphql(
        guard = "RoleGuard::new(COMPLIANCE)",
        complexity = "first * child_complexity"
    )]
    async fn opt_outs(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 20)] first: usize,
        after: Option<String>,
        sender: Option<String>,
        subscriber: Option<String>,
    ) -> Result<Connection<Cursor, OptOut>> {
        let (first, after) = page_args(first, after.as_deref())?;
        let db = ctx.data::<DatabaseConnection>()?;
        let page = registry::list(db, sender.as_deref(), subscriber.as_deref(), after, first)
            .await
            .gql()?;
        Ok(connection(page, after, |m| m.id, OptOut::from))
    }
}

#[derive(Default)]
pub struct OptOutMutation;

#[Object]
impl OptOutMutation {
    /// Records a STOP from `subscriber` for `sender`.
    #[graphql(guard = "RoleGuard::new(COMPLIANCE)")]
    async fn record_opt_out(
        &self,
        ctx: &Context<'_>,
        sender: String,
        subscriber: String,
        #[graphql(default_with = "String::from(\"STOP\")")] keyword: String,
    ) -> Result<OptOut> {
        let db = ctx.data::<DatabaseConnection>()?;
        Ok(
            registry::record_opt_out(db, caller(ctx)?, &sender, &subscriber, &keyword)
                .await
                .gql()?
                .into(),
        )
    }

    /// Records a START: the opt-out stops blocking; its record stays.
    #[graphql(guard = "RoleGuard::new(COMPLIANCE)")]
    async fn record_opt_in(
        &self,
        ctx: &Context<'_>,
        sender: String,
        subscriber: String,
        #[graphql(default_with = "String::from(\"START\")")] keyword: String,
    ) -> Result<OptOut> {
        let db = ctx.data::<DatabaseConnection>()?;
        Ok(
            registry::record_opt_in(db, caller(ctx)?, &sender, &subscriber, &keyword)
                .await
                .gql()?
                .into(),
        )
    }
}
