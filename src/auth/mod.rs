//! Who is calling: roles, API keys and the per-request context the API checks.

pub mod keys;

use sea_orm::sea_query::StringLen;
use sea_orm::{DeriveActiveEnum, EnumIter};

/// What a caller may do. A `customer` key is bound to one customer and sees only its rows.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, async_graphql::Enum,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum Role {
    #[sea_orm(string_value = "admin")]
    Admin,
    #[sea_orm(string_value = "finance")]
    Finance,
    #[sea_orm(string_value = "compliance")]
    Compliance,
    #[sea_orm(string_value = "account_manager")]
    AccountManager,
    #[sea_orm(string_value = "customer")]
    Customer,
}

impl Role {
    /// The name used on the command line and in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Finance => "finance",
            Role::Compliance => "compliance",
            Role::AccountManager => "account_manager",
            Role::Customer => "customer",
        }
    }
}

impl std::str::FromStr for Role {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "admin" => Ok(Role::Admin),
            "finance" => Ok(Role::Finance),
            "compliance" => Ok(Role::Compliance),
            "account_manager" => Ok(Role::AccountManager),
            "customer" => Ok(Role::Customer),
            other => Err(format!(
                "unknown role {other:?} (admin, finance, compliance, account_manager, customer)"
            )),
        }
    }
}

/// The authenticated caller of one request, attached to the GraphQL request by the HTTP layer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestContext {
    pub role: Role,
    /// Set for customer keys: every query is scoped to this customer.
    pub customer_id: Option<i64>,
    /// Who to name in the audit log: `admin-token`, `api-key:<id>` or `cli`.
    pub actor: String,
    /// Set for an account manager's own key: the customers whose account manager this is.
    pub manager_email: Option<String>,
}

impl RequestContext {
    /// The service acting on its own (an MO keyword, a job), named in the audit log.
    pub fn system(actor: &str) -> Self {
        Self {
            role: Role::Admin,
            customer_id: None,
            actor: actor.into(),
            manager_email: None,
        }
    }

    /// The operator running a CLI command on the server itself.
    pub fn cli() -> Self {
        Self::system("cli")
    }
}
