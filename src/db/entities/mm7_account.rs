//! A customer's MM7 credential: how its MMS platform (VASP) authenticates, and where its
//! delivery reports and MO MMS are sent.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "mm7_accounts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub customer_id: i64,
    /// The HTTP Basic user name.
    #[sea_orm(unique)]
    pub username: String,
    /// argon2 (PHC string), never the password.
    pub password_hash: String,
    /// The VASPID a SubmitReq must carry.
    pub vasp_id: String,
    /// When set, the VASID a SubmitReq must carry.
    pub vas_id: Option<String>,
    /// The VASP's MM7 URL for DeliveryReportReq and DeliverReq; none: nothing is sent.
    pub delivery_url: Option<String>,
    pub enabled: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
