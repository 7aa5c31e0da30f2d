//! SMPP accounts in the API: admins and account managers create, rotate and disable them.

use async_graphql::{Context, InputObject, Object, Result, SimpleObject, ID};
use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;

use super::error::ResultExt;
use super::guard::{caller, RoleGuard, ACCOUNT_MANAGERS};
use super::parse_id;
use crate::db::entities::smpp_account;
use crate::smpp::account_store::{self, NewSmppAccount, SmppAccountUpdate};
use crate::smpp::accounts::{decode_bind_types, decode_networks, BindType};

/// A customer's SMPP credentials and limits; the password is never shown after it is set.
#[derive(SimpleObject)]
pub struct SmppAccount {
    pub id: ID,
    pub customer_id: ID,
    pub system_id: String,
    pub bind_types: Vec<BindType>,
    pub max_binds: i32,
    pub window_size: i32,
    /// Long MO messages are joined before delivery.
    pub reassemble_mo: bool,
    /// Networks binds may come from; empty means any address.
    pub allowed_networks: Vec<String>,
    pub enabled: bool,
    pub password_changed_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<smpp_account::Model> for SmppAccount {
    fn from(m: smpp_account::Model) -> Self {
        Self {
            id: ID(m.id.to_string()),
            customer_id: ID(m.customer_id.to_string()),
            system_id: m.system_id,
            bind_types: decode_bind_types(&m.bind_types),
            max_binds: m.max_binds,
            window_size: m.window_size,
            reassemble_mo: m.reassemble_mo,
            allowed_networks: decode_networks(&m.allowed_networks)
                .iter()
                .map(ToString::to_string)
                .collect(),
            enabled: m.enabled,
            password_changed_at: m.password_changed_at,
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

/// An account and its password, shown this once.
#[derive(SimpleObject)]
pub struct SmppAccountWithPassword {
    pub account: SmppAccount,
    pub password: String,
}

#[derive(InputObject)]
#[graphql(name = "NewSmppAccountInput")]
pub struct NewSmppAccountInput {
    pub customer_id: ID,
    /// At most 15 characters.
    pub system_id: String,
    /// At most 8 characters; generated when absent.
    pub password: Option<String>,
    #[graphql(default_with = "vec![BindType::Transceiver]")]
    pub bind_types: Vec<BindType>,
    #[graphql(default = 2)]
    pub max_binds: u32,
    #[graphql(default = 10)]
    pub window_size: u32,
    #[graphql(default)]
    pub allowed_networks: Vec<String>,
    /// Join long MO messages into one deliver_sm.
    #[graphql(default = true)]
    pub reassemble_mo: bool,
}

#[derive(InputObject)]
#[graphql(name = "SmppAccountUpdateInput")]
pub struct SmppAccountUpdateInput {
    pub bind_types: Option<Vec<BindType>>,
    pub max_binds: Option<u32>,
    pub window_size: Option<u32>,
    pub allowed_networks: Option<Vec<String>>,
    pub reassemble_mo: Option<bool>,
}

#[derive(Default)]
pub struct SmppAccountQuery;

#[Object]
impl SmppAccountQuery {
    /// SMPP accounts, optionally of one customer, by system_id.
    #[graphql(guard = "RoleGuard::new(ACCOUNT_MANAGERS)")]
    async fn smpp_accounts(
        &self,
        ctx: &Context<'_>,
        customer_id: Option<ID>,
    ) -> Result<Vec<SmppAccount>> {
        let customer_id = customer_id
            .map(|id| parse_id(&id, "customerId"))
            .transpose()?;
        let db = ctx.data::<DatabaseConnection>()?;
        Ok(account_store::list(db, customer_id)
            .await
            .gql()?
            .into_iter()
            .map(SmppAccount::from)
            .collect())
    }
}

#[derive(Default)]
pub struct SmppAccountMutation;

#[Object]
impl SmppAccountMutation {
    #[graphql(guard = "RoleGuard::new(ACCOUNT_MANAGERS)")]
    async fn create_smpp_account(
        &self,
        ctx: &Context<'_>,
        input: NewSmppAccountInput,
    ) -> Result<SmppAccountWithPassword> {
        let new = NewSmppAccount {
            customer_id: parse_id(&input.customer_id, "customerId")?,
            system_id: input.system_id,
            password: input.password,
            bind_types: input.bind_types,
            max_binds: input.max_binds,
            window_size: input.window_size,
            allowed_networks: input.allowed_networks,
            reassemble_mo: input.reassemble_mo,
        };
        let db = ctx.data::<DatabaseConnection>()?;
        let (account, password) = account_store::create(db, caller(ctx)?, new).await.gql()?;
        Ok(SmppAccountWithPassword {
            account: account.into(),
            password,
        })
    }

    /// Sets a new password (generated when absent); binds need it from now on.
    #[graphql(guard = "RoleGuard::new(ACCOUNT_MANAGERS)")]
    async fn rotate_smpp_password(
        &self,
        ctx: &Context<'_>,
        id: ID,
        password: Option<String>,
    ) -> Result<SmppAccountWithPassword> {
        let id = parse_id(&id, "id")?;
        let db = ctx.data::<DatabaseConnection>()?;
        let (account, password) = account_store::rotate_password(db, caller(ctx)?, id, password)
            .await
            .gql()?;
        Ok(SmppAccountWithPassword {
            account: account.into(),
            password,
        })
    }

    #[graphql(guard = "RoleGuard::new(ACCOUNT_MANAGERS)")]
    async fn set_smpp_account_enabled(
        &self,
        ctx: &Context<'_>,
        id: ID,
        enabled: bool,
    ) -> Result<SmppAccount> {
        let id = parse_id(&id, "id")?;
        let db = ctx.data::<DatabaseConnection>()?;
        Ok(account_store::set_enabled(db, caller(ctx)?, id, enabled)
            .await
            .gql()?
            .into())
    }

    #[graphql(guard = "RoleGuard::new(ACCOUNT_MANAGERS)")]
    async fn update_smpp_account(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: SmppAccountUpdateInput,
    ) -> Result<SmppAccount> {
        let id = parse_id(&id, "id")?;
        let change = SmppAccountUpdate {
            bind_types: input.bind_types,
            max_binds: input.max_binds,
            window_size: input.window_size,
            allowed_networks: input.allowed_networks,
            reassemble_mo: input.reassemble_mo,
        };
        let db = ctx.data::<DatabaseConnection>()?;
        Ok(account_store::update(db, caller(ctx)?, id, change)
            .await
            .gql()?
            .into())
    }
}
