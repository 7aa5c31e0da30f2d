//! MMS rules from the contract, pure: at most 600 KB, one recipient, US and Canadian
//! destinations only, media types by a configurable policy, and an approved use case for the
//! sender whose stated media types cover every part. Each refusal is a coded reason: the
//! message is still received, rated and REJECTED with it.

use super::numbers::NANP_HOME_COUNTRIES;
use super::use_cases::media_allowed;
use crate::config::MmsSettings;

/// One MIME part of an MMS as it entered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MmsPart {
    /// The media type without parameters, lower case (`audio/amr`).
    pub content_type: String,
    pub content_id: Option<String>,
    pub filename: Option<String>,
    pub data: Vec<u8>,
}

/// What admission needs to know of an MMS beyond its text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MmsContent {
    pub subject: Option<String>,
    pub parts: Vec<MmsPart>,
    /// Every address the sender named (To, Cc, Bcc): only one is allowed.
    pub recipients: usize,
}

impl MmsContent {
    /// The text admission checks and the store keeps: the subject, then each text/plain part.
    pub fn text(&self) -> String {
        let mut text: Vec<String> = self.subject.iter().cloned().collect();
        text.extend(
            self.parts
                .iter()
                .filter(|p| p.content_type.starts_with("text/plain"))
                .map(|p| String::from_utf8_lossy(&p.data).into_owned()),
        );
        text.join("\n")
    }

    /// The whole message's size: its parts and its subject.
    pub fn size_bytes(&self) -> u64 {
        let parts: usize = self.parts.iter().map(|p| p.data.len()).sum();
        (parts + self.subject.as_ref().map_or(0, String::len)) as u64
    }
}

/// An approved use case in force for a sender number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MmsApproval {
    pub use_case_id: i64,
    pub media_types: Vec<String>,
    /// AT&T approved it as exempt from the 3:1 ratio.
    pub att_exempt: bool,
}

/// The operator's media-type policy and size limit.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MmsPolicy {
    pub max_bytes: u64,
    pub allowed: Vec<String>,
    pub refused: Vec<String>,
}

impl MmsPolicy {
    pub fn from_settings(settings: &MmsSettings) -> Self {
        Self {
            max_bytes: settings.max_bytes,
            allowed: settings.allowed_media.clone(),
            refused: settings.refused_media.clone(),
        }
    }

    /// True when the policy lets a part of `media_type` through.
    pub fn allows(&self, media_type: &str) -> bool {
        !media_allowed(&self.refused, media_type) && media_allowed(&self.allowed, media_type)
    }

    /// Checks an MMS to a destination in `country` from a sender with `approvals`; returns
    /// the use case it is sent under, or the coded reason it is rejected for.
    pub fn check(
        &self,
        content: &MmsContent,
        country: Option<&str>,
        approvals: &[MmsApproval],
    ) -> Result<i64, String> {
        if content.recipients != 1 {
            return Err(format!(
                "MMS_GROUP_NOT_SUPPORTED: an MMS has exactly one recipient, not {}",
                content.recipients
            ));
        }
        if !country.is_some_and(|c| NANP_HOME_COUNTRIES.contains(&c)) {
            return Err(format!(
                "MMS_INTERNATIONAL: MMS go only to the US and Canada, not {}",
                country.unwrap_or("an unknown country")
            ));
        }
        let size = content.size_bytes();
        if size > self.max_bytes {
            return Err(format!(
                "MMS_TOO_LARGE: {size} bytes, over the {} byte limit",
                self.max_bytes
            ));
        }
        if let Some(part) = content.parts.iter().find(|p| !self.allows(&p.content_type)) {
            return Err(format!(
                "MMS_MEDIA_REFUSED: {} is not a supported media type",
                part.content_type
            ));
        }
        if approvals.is_empty() {
            return Err(
                "MMS_USE_CASE_NOT_APPROVED: the sender has no approved MMS use case".into(),
            );
        }
        let covers = |a: &&MmsApproval| {
            content
                .parts
                .iter()
                .all(|p| media_allowed(&a.media_types, &p.content_type))
        };
        match approvals.iter().find(covers) {
            Some(approval) => Ok(approval.use_case_id),
            None => {
                let missing = content
                    .parts
                    .iter()
                    .find(|p| {
                        !approvals
                            .iter()
                            .any(|a| media_allowed(&a.media_types, &p.content_type))
                    })
                    .map_or("this combination of media", |p| p.content_type.as_str());
                Err(format!(
                    "MMS_USE_CASE_NOT_APPROVED: {missing} is not among the approved use case's media types"
                ))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn part(content_type: &str, size: usize) -> MmsPart {
        MmsPart {
            content_type: content_type.into(),
            content_id: None,
            filename: None,
            data: vec![b'x'; size],
        }
    }

    fn content(parts: Vec<MmsPart>) -> MmsContent {
        MmsContent {
            subject: Some("Hi".into()),
            parts,
            recipients: 1,
        }
    }

    fn approved(media: &[&str]) -> Vec<MmsApproval> {
        vec![MmsApproval {
            use_case_id: 4,
            media_types: media.iter().map(|m| m.to_string()).collect(),
            att_exempt: false,
        }]
    }

    fn policy() -> MmsPolicy {
        MmsPolicy::from_settings(&MmsSettings::default())
    }

    fn reason(result: Result<i64, String>) -> String {
        result.unwrap_err().split(':').next().unwrap().to_owned()
    }

    #[test]
    fn a_text_and_audio_mms_under_its_use_case_passes() {
        let mms = content(vec![part("text/plain", 10), part("audio/amr", 1000)]);
        assert_eq!(
            policy().check(&mms, Some("US"), &approved(&["text/*", "audio/*"])),
            Ok(4)
        );
    }

    #[test]
    fn each_contract_limit_has_its_reason() {
        let p = policy();
        let ok = approved(&["*/*"]);
        let mut group = content(vec![part("text/plain", 1)]);
        group.recipients = 2;
        assert_eq!(
            reason(p.check(&group, Some("US"), &ok)),
            "MMS_GROUP_NOT_SUPPORTED"
        );
        let text = content(vec![part("text/plain", 1)]);
        assert_eq!(reason(p.check(&text, Some("GB"), &ok)), "MMS_INTERNATIONAL");
        assert!(p.check(&text, Some("CA"), &ok).is_ok());
        // 614,400 bytes in all is allowed; one more is not (the subject counts).
        let edge = content(vec![part("video/mp4", 614_398)]);
        assert!(p.check(&edge, Some("US"), &ok).is_ok());
        let over = content(vec![part("video/mp4", 614_399)]);
        assert_eq!(reason(p.check(&over, Some("US"), &ok)), "MMS_TOO_LARGE");
        let image = content(vec![part("image/jpeg", 10)]);
        assert_eq!(
            reason(p.check(&image, Some("US"), &ok)),
            "MMS_MEDIA_REFUSED"
        );
        assert_eq!(
            reason(p.check(&text, Some("US"), &[])),
            "MMS_USE_CASE_NOT_APPROVED"
        );
    }

    #[test]
    fn images_pass_when_the_policy_allows_them() {
        let mut p = policy();
        p.refused.clear();
        p.allowed.push("image/*".into());
        let image = content(vec![part("image/png", 10)]);
        assert_eq!(
            p.check(&image, Some("US"), &approved(&["image/png"])),
            Ok(4)
        );
    }

    #[test]
    fn the_use_case_media_types_bound_what_is_sent() {
        let video = content(vec![part("text/plain", 1), part("video/mp4", 10)]);
        let refused = policy()
            .check(&video, Some("US"), &approved(&["text/plain", "audio/*"]))
            .unwrap_err();
        assert!(
            refused.starts_with("MMS_USE_CASE_NOT_APPROVED: video/mp4"),
            "{refused}"
        );
    }
}
