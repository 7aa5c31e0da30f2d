//! An MMS use case of a customer for some of its sender numbers.

use sea_orm::entity::prelude::*;

use crate::compliance::use_cases::UseCaseStatus;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "mms_use_cases")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub customer_id: i64,
    pub description: String,
    pub sample_content: String,
    /// The sender numbers (a JSON array of number ids).
    pub number_ids: String,
    /// The media types it may send (a JSON array, `audio/*` wildcards allowed).
    pub media_types: String,
    pub expected_monthly_volume: i64,
    /// AT&T approved it as exempt from the 3:1 ratio.
    pub att_exempt: bool,
    pub att_evidence: Option<String>,
    pub status: UseCaseStatus,
    pub decision_reason: Option<String>,
    pub submitted_by: String,
    pub decided_by: Option<String>,
    pub submitted_at: DateTimeUtc,
    pub decided_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
