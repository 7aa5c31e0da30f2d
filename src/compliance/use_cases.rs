//! MMS use cases: every sender number's MMS is approved by compliance before use. Pure rules:
//! the states, how they move, and which approval is in force for a number. A changed use
//! case is a new submission; the old approval stays in force until the new one is decided.

use sea_orm::sea_query::StringLen;
use sea_orm::{DeriveActiveEnum, EnumIter};

/// Where a use case is.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, async_graphql::Enum,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(12))")]
pub enum UseCaseStatus {
    #[sea_orm(string_value = "submitted")]
    Submitted,
    #[sea_orm(string_value = "approved")]
    Approved,
    #[sea_orm(string_value = "rejected")]
    Rejected,
    #[sea_orm(string_value = "revoked")]
    Revoked,
    /// Replaced by a newer approved submission for the same numbers.
    #[sea_orm(string_value = "superseded")]
    Superseded,
}

/// True when compliance may move a use case from `from` to `to`.
pub fn may_decide(from: UseCaseStatus, to: UseCaseStatus) -> bool {
    use UseCaseStatus::*;
    matches!(
        (from, to),
        (Submitted, Approved | Rejected) | (Approved, Revoked)
    )
}

/// True when a media type is allowed by a use case's stated types (`audio/*` style
/// wildcards allowed on either side).
pub fn media_allowed(stated: &[String], media_type: &str) -> bool {
    let media_type = media_type.trim().to_ascii_lowercase();
    let (major, _) = media_type
        .split_once('/')
        .unwrap_or((media_type.as_str(), ""));
    stated.iter().any(|s| {
        let s = s.trim().to_ascii_lowercase();
        s == media_type || s == format!("{major}/*") || s == "*/*"
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compliance_decides_submissions_and_revokes_approvals() {
        use UseCaseStatus::*;
        assert!(may_decide(Submitted, Approved));
        assert!(may_decide(Submitted, Rejected));
        assert!(may_decide(Approved, Revoked));
        assert!(!may_decide(Rejected, Approved));
        assert!(
            !may_decide(Revoked, Approved),
            "a revoked case needs a new submission"
        );
        assert!(!may_decide(Approved, Rejected));
    }

    #[test]
    fn stated_media_types_bound_what_may_be_sent() {
        let stated = vec!["text/plain".to_string(), "audio/*".to_string()];
        assert!(media_allowed(&stated, "text/plain"));
        assert!(media_allowed(&stated, "audio/AMR"));
        assert!(!media_allowed(&stated, "video/mp4"));
        assert!(!media_allowed(&stated, "image/jpeg"));
    }
}
