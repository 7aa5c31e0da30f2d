//! Carrier filings of short codes: what a filing covers and how its status may move. Pure
//! rules; `filing_store` does the I/O.
//!
//! A filing is per short code and carrier, for SMS, MMS or both filed together; it is drafted,
//! submitted (which charges its fees), then approved or rejected by the carrier, and marked
//! `AMENDMENT_REQUIRED` when the code's use changes. A code sends to a carrier's subscribers
//! only under an approved filing covering the message's kind.

use sea_orm::sea_query::StringLen;
use sea_orm::{DeriveActiveEnum, EnumIter};

use crate::billing::rating::MessageKind;

/// What a filing covers. SMS and MMS filed together are one filing (and one fee).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, async_graphql::Enum,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(12))")]
pub enum FilingKind {
    #[sea_orm(string_value = "sms")]
    Sms,
    #[sea_orm(string_value = "mms")]
    Mms,
    #[sea_orm(string_value = "sms_and_mms")]
    SmsAndMms,
}

impl FilingKind {
    /// True when messages of `kind` may go under this filing.
    pub fn covers(self, kind: MessageKind) -> bool {
        matches!(
            (self, kind),
            (FilingKind::SmsAndMms, _)
                | (FilingKind::Sms, MessageKind::Sms)
                | (FilingKind::Mms, MessageKind::Mms)
        )
    }

    /// The message kind whose carrier fee row holds this filing's per-filing fee (one fee
    /// for a joint filing).
    pub fn fee_kind(self) -> MessageKind {
        match self {
            FilingKind::Mms => MessageKind::Mms,
            FilingKind::Sms | FilingKind::SmsAndMms => MessageKind::Sms,
        }
    }
}

/// Where a filing is.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, async_graphql::Enum,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(24))")]
pub enum FilingStatus {
    #[sea_orm(string_value = "draft")]
    Draft,
    #[sea_orm(string_value = "submitted")]
    Submitted,
    #[sea_orm(string_value = "approved")]
    Approved,
    #[sea_orm(string_value = "rejected")]
    Rejected,
    #[sea_orm(string_value = "amendment_required")]
    AmendmentRequired,
}

/// True when a filing may move from `from` to `to`: drafts and filings needing an amendment
/// (or rejected, to try again) are submitted; submitted ones are decided; an approved one
/// needs an amendment when the use changes.
pub fn may_move(from: FilingStatus, to: FilingStatus) -> bool {
    use FilingStatus::*;
    matches!(
        (from, to),
        (Draft | AmendmentRequired | Rejected, Submitted)
            | (Submitted, Approved | Rejected)
            | (Approved, AmendmentRequired)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joint_filings_cover_both_kinds_and_carry_one_fee() {
        assert!(FilingKind::SmsAndMms.covers(MessageKind::Sms));
        assert!(FilingKind::SmsAndMms.covers(MessageKind::Mms));
        assert!(
            FilingKind::Sms.covers(MessageKind::Sms) && !FilingKind::Sms.covers(MessageKind::Mms)
        );
        assert!(!FilingKind::Mms.covers(MessageKind::Sms));
        assert_eq!(FilingKind::SmsAndMms.fee_kind(), MessageKind::Sms);
        assert_eq!(FilingKind::Mms.fee_kind(), MessageKind::Mms);
    }

    #[test]
    fn filings_move_only_along_their_path() {
        use FilingStatus::*;
        assert!(may_move(Draft, Submitted));
        assert!(may_move(Submitted, Approved));
        assert!(may_move(Submitted, Rejected));
        assert!(may_move(Approved, AmendmentRequired));
        assert!(may_move(AmendmentRequired, Submitted));
        assert!(
            !may_move(Draft, Approved),
            "a carrier decides submitted filings only"
        );
        assert!(!may_move(Approved, Submitted));
        assert!(!may_move(Rejected, Approved));
    }
}
