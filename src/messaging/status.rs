//! A message's status and what SMPP calls it.

use sea_orm::sea_query::StringLen;
use sea_orm::{DeriveActiveEnum, EnumIter};

/// Where a message is: ACCEPTED, then ENROUTE (a carrier took it), then a final state;
/// REJECTED when refused for a compliance reason (still received and rated).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, async_graphql::Enum,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum MessageStatus {
    #[sea_orm(string_value = "accepted")]
    Accepted,
    #[sea_orm(string_value = "enroute")]
    Enroute,
    #[sea_orm(string_value = "delivered")]
    Delivered,
    #[sea_orm(string_value = "undeliverable")]
    Undeliverable,
    #[sea_orm(string_value = "expired")]
    Expired,
    #[sea_orm(string_value = "rejected")]
    Rejected,
    /// Cancelled by the customer (cancel_sm) before it was final.
    #[sea_orm(string_value = "cancelled")]
    Cancelled,
    /// Taken by a carrier that gives no delivery reports (T-Mobile for A2P MMS): as
    /// delivered as anyone will know, and no receipt is invented.
    #[sea_orm(string_value = "unconfirmed")]
    DeliveredUnconfirmed,
}

impl MessageStatus {
    /// The status as customers and operators see it, from the stored one and whether a
    /// carrier has taken the message. The stored status stays ACCEPTED while the carrier has
    /// the message: ENROUTE is ACCEPTED with a handoff row, so the writer's hot path inserts
    /// that row instead of rewriting the message it has just stored.
    pub fn as_seen(self, handed_off: bool) -> Self {
        match self {
            MessageStatus::Accepted if handed_off => MessageStatus::Enroute,
            other => other,
        }
    }

    /// True once nothing more will happen to the message.
    pub fn is_final(self) -> bool {
        !matches!(self, MessageStatus::Accepted | MessageStatus::Enroute)
    }

    /// SMPP message_state.
    pub fn message_state(self) -> u8 {
        match self {
            MessageStatus::Enroute => 1,
            MessageStatus::Delivered => 2,
            MessageStatus::Expired => 3,
            MessageStatus::Cancelled => 4,
            MessageStatus::Undeliverable => 5,
            MessageStatus::Accepted => 6,
            MessageStatus::Rejected => 8,
            MessageStatus::DeliveredUnconfirmed => 7,
        }
    }

    /// The `stat:` word of a delivery receipt.
    pub fn receipt_stat(self) -> &'static str {
        match self {
            MessageStatus::Delivered => "DELIVRD",
            MessageStatus::Rejected => "REJECTD",
            MessageStatus::Expired => "EXPIRED",
            MessageStatus::Cancelled => "DELETED",
            MessageStatus::Accepted | MessageStatus::Enroute => "ENROUTE",
            MessageStatus::Undeliverable => "UNDELIV",
            MessageStatus::DeliveredUnconfirmed => "UNKNOWN",
        }
    }

    /// The MM7 `MMStatus` of a delivery report.
    pub fn mm7_status(self) -> &'static str {
        match self {
            MessageStatus::Delivered => "Retrieved",
            MessageStatus::Expired => "Expired",
            MessageStatus::Rejected | MessageStatus::Cancelled => "Rejected",
            MessageStatus::Undeliverable => "Unrecognised",
            MessageStatus::Accepted | MessageStatus::Enroute => "Deferred",
            MessageStatus::DeliveredUnconfirmed => "Indeterminate",
        }
    }
}

/// The receipt text, exactly:
/// `id:<id> sub:001 dlvrd:<001|000> submit date:<YYMMDDhhmm> done date:<YYMMDDhhmm> stat:<stat> err:<nnn>`.
pub fn receipt_text(
    message_id: &str,
    status: MessageStatus,
    submitted: chrono::DateTime<chrono::Utc>,
    done: chrono::DateTime<chrono::Utc>,
    error_code: u16,
) -> String {
    let delivered = if status == MessageStatus::Delivered {
        "001"
    } else {
        "000"
    };
    format!(
        "id:{message_id} sub:001 dlvrd:{delivered} submit date:{} done date:{} stat:{} err:{:03}",
        submitted.format("%y%m%d%H%M"),
        done.format("%y%m%d%H%M"),
        status.receipt_stat(),
        error_code.min(999)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn receipt_text_follows_the_interface_sheet() {
        let submitted = chrono::Utc.with_ymd_and_hms(2026, 11, 22, 9, 5, 0).unwrap();
        let done = chrono::Utc
            .with_ymd_and_hms(2026, 11, 22, 9, 6, 30)
            .unwrap();
        assert_eq!(
            receipt_text("a1b2", MessageStatus::Delivered, submitted, done, 0),
            "id:a1b2 sub:001 dlvrd:001 submit date:2611220905 done date:2611220906 stat:DELIVRD err:000"
        );
        assert_eq!(
            receipt_text("a1b2", MessageStatus::Rejected, submitted, submitted, 11),
            "id:a1b2 sub:001 dlvrd:000 submit date:2611220905 done date:2611220905 stat:REJECTD err:011"
        );
        assert!(
            receipt_text("x", MessageStatus::Undeliverable, submitted, done, 1)
                .contains("stat:UNDELIV err:001")
        );
    }
}
