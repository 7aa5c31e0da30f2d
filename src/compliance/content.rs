//! Prohibited content (spam, phishing, SHAFT): configured rules and blocked link domains,
//! compiled once and applied by admission to every message's text. A match names the rule,
//! never the text.

use regex::{Regex, RegexBuilder};

use crate::config::ContentRule;

/// Compiled content rules.
#[derive(Debug, Default, Clone)]
pub struct ContentPolicy {
    rules: Vec<(String, Regex)>,
    blocked_domains: Vec<String>,
    links: Option<Regex>,
}

impl ContentPolicy {
    /// Compiles the rules (checked when the settings load, so a bad one is skipped here).
    pub fn new(rules: &[ContentRule], blocked_domains: &[String]) -> Self {
        let rules = rules
            .iter()
            .filter_map(|r| {
                RegexBuilder::new(&r.pattern)
                    .case_insensitive(true)
                    .size_limit(1 << 20)
                    .build()
                    .ok()
                    .map(|re| (r.name.clone(), re))
            })
            .collect();
        // A link's host: after a scheme or `www.`, or a bare `name.tld/...`.
        let links = Regex::new(r"(?i)(?:https?://)?((?:[a-z0-9-]+\.)+[a-z]{2,})(?:[/:?#]|\b)").ok();
        Self {
            rules,
            blocked_domains: blocked_domains
                .iter()
                .map(|d| d.trim().trim_start_matches('.').to_ascii_lowercase())
                .filter(|d| !d.is_empty())
                .collect(),
            links,
        }
    }

    /// The rule a text breaks, if any: a content rule's name, or `blocked-domain:<domain>`.
    pub fn violation(&self, text: &str) -> Option<String> {
        if let Some((name, _)) = self.rules.iter().find(|(_, re)| re.is_match(text)) {
            return Some(name.clone());
        }
        let links = self.links.as_ref()?;
        for host in links.captures_iter(text).filter_map(|c| c.get(1)) {
            let host = host.as_str().to_ascii_lowercase();
            if let Some(domain) = self
                .blocked_domains
                .iter()
                .find(|d| host == **d || host.ends_with(&format!(".{d}")))
            {
                return Some(format!("blocked-domain:{domain}"));
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> ContentPolicy {
        let settings = crate::config::ComplianceSettings::default();
        ContentPolicy::new(&settings.prohibited_content, &settings.blocked_domains)
    }

    #[test]
    fn the_default_rules_catch_phishing_shaft_and_prize_spam() {
        let p = policy();
        assert_eq!(
            p.violation("Please VERIFY your bank Password now")
                .as_deref(),
            Some("phishing-credentials")
        );
        assert_eq!(
            p.violation("Fresh THC gummies 20% off").as_deref(),
            Some("shaft-cannabis")
        );
        assert_eq!(
            p.violation("You've won! Claim your prize").as_deref(),
            Some("spam-prize")
        );
        assert_eq!(
            p.violation("Your code is 482913. It expires in 10 minutes."),
            None
        );
        assert_eq!(
            p.violation("Your pin is ready at the pharmacy"),
            None,
            "a word alone is not a rule"
        );
    }

    #[test]
    fn links_to_blocked_domains_and_their_subdomains_are_refused() {
        let p = policy();
        assert_eq!(
            p.violation("Track it: https://bit.ly/3xYz").as_deref(),
            Some("blocked-domain:bit.ly")
        );
        assert_eq!(
            p.violation("see go.TinyURL.com/abc").as_deref(),
            Some("blocked-domain:tinyurl.com")
        );
        assert_eq!(p.violation("https://notbit.ly.example.com/x"), None);
        assert_eq!(p.violation("Visit https://demo.example/help"), None);
    }
}
