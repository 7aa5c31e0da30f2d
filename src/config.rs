//! Settings: built-in defaults that run the laptop demo, then an optional TOML file, then
//! environment variables, then command-line flags (last wins).
//!
//! Environment variables use the prefix `BACKOFFICE_` and `__` between section and key
//! (`BACKOFFICE_HTTP__ADDR=0.0.0.0:8080`). Two short aliases are also read because operators
//! expect them: `DATABASE_URL` (= `database.url`) and `BACKOFFICE_ADMIN_TOKEN`
//! (= `auth.admin_token`).

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// Environment variable prefix for every setting.
pub const ENV_PREFIX: &str = "BACKOFFICE";

/// Aliases read on top of the `BACKOFFICE_SECTION__KEY` scheme: (variable, setting key).
const ENV_ALIASES: [(&str, &str); 2] = [
    ("DATABASE_URL", "database.url"),
    ("BACKOFFICE_ADMIN_TOKEN", "auth.admin_token"),
];

/// The settings as JSON for operators to read, with every secret masked: passwords, tokens
/// and the credentials inside URLs.
pub fn redacted(settings: &Settings) -> serde_json::Value {
    fn mask(key: &str, value: &mut serde_json::Value) {
        match value {
            serde_json::Value::Object(map) => {
                for (k, v) in map.iter_mut() {
                    mask(k, v);
                }
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(|v| mask(key, v)),
            serde_json::Value::String(text) if !text.is_empty() => {
                let secret = ["password", "token", "secret"]
                    .iter()
                    .any(|s| key.contains(s));
                if secret {
                    *text = "***".into();
                } else if key.ends_with("url") {
                    if let Some((scheme, rest)) = text.split_once("://") {
                        if let Some((userinfo, host)) = rest.rsplit_once('@') {
                            let user = userinfo.split(':').next().unwrap_or_default();
                            *text = format!("{scheme}://{user}:***@{host}");
                        }
                    }
                }
            }
            _ => {}
        }
    }
    let mut value = serde_json::to_value(settings).unwrap_or(serde_json::Value::Null);
    mask("", &mut value);
    value
}

/// Every setting of the service, one section per part.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    pub http: HttpSettings,
    pub smpp: SmppSettings,
    pub database: DatabaseSettings,
    pub mail: MailSettings,
    pub auth: AuthSettings,
    pub graphql: GraphqlSettings,
    pub compliance: ComplianceSettings,
    pub throttle: ThrottleSettings,
    pub carriers: CarrierSettings,
    pub mms: MmsSettings,
    pub billing: BillingSettings,
    pub jobs: JobsSettings,
    pub retention: RetentionSettings,
    pub alerts: AlertSettings,
}

/// The HTTP listener (GraphQL, UI, health, metrics).
#[derive(Debug, Clone, Deserialize, serde::Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct HttpSettings {
    /// `HOST:PORT`; port 0 picks a free port, reported on the `listening` line.
    pub addr: String,
    /// Worker threads; 0 means one per CPU core.
    pub workers: usize,
    /// How long a graceful shutdown waits for in-flight requests, in seconds.
    pub shutdown_timeout_secs: u64,
}

impl Default for HttpSettings {
    fn default() -> Self {
        Self {
            addr: "127.0.0.1:8080".into(),
            workers: 0,
            shutdown_timeout_secs: 30,
        }
    }
}

/// The SMPP gateway customers' integrations bind to.
#[derive(Debug, Clone, Deserialize, serde::Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct SmppSettings {
    /// `HOST:PORT`; 2775 is the port SMPP clients expect by default.
    pub addr: String,
    /// Open connections at most; more are refused at accept.
    pub max_connections: usize,
    /// A bind silent this long gets an enquire_link; twice this long, it is dropped.
    pub idle_timeout_secs: u64,
    /// The largest PDU accepted, in octets (a message_payload of 64 KiB fits).
    pub max_pdu_len: u32,
    /// How often admission's in-memory view of numbers, cards and opt-outs checks for changes.
    pub cache_refresh_ms: u64,
    /// Most messages one group commit writes.
    pub write_batch_max: usize,
    /// Group commits in flight at once on PostgreSQL, each on its own connection (SQLite has
    /// one writer, so there it is always 1).
    pub write_lanes: usize,
    /// Unacknowledged receipts are sent again after this long.
    pub receipt_retry_secs: u64,
}

impl Default for SmppSettings {
    fn default() -> Self {
        Self {
            addr: "127.0.0.1:2775".into(),
            max_connections: 1_000,
            idle_timeout_secs: 60,
            max_pdu_len: 70_000,
            cache_refresh_ms: 500,
            write_batch_max: 1_000,
            write_lanes: 3,
            receipt_retry_secs: 30,
        }
    }
}

/// Carrier connections: which connector serves each carrier, the upstream SMSCs, the
/// simulator, and how the outbound queue retries and expires.
#[derive(Debug, Clone, Deserialize, serde::Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct CarrierSettings {
    /// The connector for carriers with no route below and for unknown destinations:
    /// `simulator` or the name of an `upstream` entry.
    pub default_connector: String,
    /// Carrier code (`ATT`) to connector name.
    pub routes: BTreeMap<String, String>,
    /// Upstream SMSCs this service binds to as an ESME, by connector name.
    pub upstream: BTreeMap<String, UpstreamSettings>,
    pub simulator: SimulatorSettings,
    /// First wait after a temporary failure (throttled, queue full, connection lost); it
    /// doubles with each try up to `retry_max_ms`.
    pub retry_base_ms: u64,
    pub retry_max_ms: u64,
    /// Validity of a message that names none: still queued after this, it is EXPIRED.
    pub default_validity_secs: u64,
}

impl Default for CarrierSettings {
    fn default() -> Self {
        Self {
            default_connector: SIMULATOR.into(),
            routes: BTreeMap::new(),
            upstream: BTreeMap::new(),
            simulator: SimulatorSettings::default(),
            retry_base_ms: 500,
            retry_max_ms: 60_000,
            default_validity_secs: 48 * 3600,
        }
    }
}

/// The name of the built-in carrier simulator as a connector.
pub const SIMULATOR: &str = "simulator";

/// The bind to one upstream SMSC.
#[derive(Debug, Clone, Deserialize, serde::Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct UpstreamSettings {
    /// `HOST:PORT` of the carrier's SMSC.
    pub addr: String,
    pub system_id: String,
    pub password: String,
    pub system_type: String,
    /// `transmitter`, `receiver` or `transceiver`.
    pub bind: String,
    /// Submits outstanding at once.
    pub window: usize,
    /// Seconds between our enquire_links; a link silent for three of them is reconnected.
    pub enquire_link_secs: u64,
    /// Longest wait between reconnection attempts (the wait doubles from one second).
    pub reconnect_max_secs: u64,
    /// How long a submit may wait for its response before it counts as a temporary failure.
    pub response_timeout_secs: u64,
    /// Connect over TLS.
    pub tls: bool,
    /// With TLS: a PEM file of the CA certificates to trust (default: the public web roots).
    pub tls_ca_file: Option<String>,
    /// With TLS: the name the SMSC's certificate must carry (default: the host of `addr`).
    pub tls_server_name: Option<String>,
}

impl Default for UpstreamSettings {
    fn default() -> Self {
        Self {
            addr: String::new(),
            system_id: String::new(),
            password: String::new(),
            system_type: String::new(),
            bind: "transceiver".into(),
            window: 10,
            enquire_link_secs: 30,
            reconnect_max_secs: 30,
            response_timeout_secs: 30,
            tls: false,
            tls_ca_file: None,
            tls_server_name: None,
        }
    }
}

/// The built-in carrier simulator: it acknowledges every submit and reports a final status
/// later, by destination, so every path can be shown without a real carrier.
#[derive(Debug, Clone, Deserialize, serde::Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct SimulatorSettings {
    /// Delay between the carrier's acknowledgement and the final status.
    pub delay_ms: u64,
    /// Delay before a submit is acknowledged.
    pub ack_delay_ms: u64,
    /// Submits the simulator takes at once.
    pub window: usize,
    /// Destinations starting with one of these E.164 prefixes are undeliverable.
    pub undeliverable_prefixes: Vec<String>,
    /// Destinations starting with one of these are refused at submit (a permanent failure).
    pub refused_prefixes: Vec<String>,
}

impl Default for SimulatorSettings {
    fn default() -> Self {
        Self {
            delay_ms: 200,
            ack_delay_ms: 0,
            window: 1_000,
            undeliverable_prefixes: vec!["+1503555019".into()],
            refused_prefixes: vec!["+1503555018".into()],
        }
    }
}

/// Where messages, charges and invoices are stored.
#[derive(Debug, Clone, Deserialize, serde::Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct DatabaseSettings {
    /// `sqlite://PATH?mode=rwc` (embedded) or `postgres://USER@HOST:PORT/DB`.
    pub url: String,
    /// Pool size; SQLite in WAL mode serves concurrent readers with one writer.
    pub max_connections: u32,
}

impl Default for DatabaseSettings {
    fn default() -> Self {
        Self {
            url: "sqlite://data/backoffice.db?mode=rwc".into(),
            max_connections: 8,
        }
    }
}

/// Outgoing email. Without SMTP settings mail lands as files in `outbox_dir`, so a fresh
/// machine runs without a mail server.
#[derive(Debug, Clone, Deserialize, serde::Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct MailSettings {
    pub outbox_dir: PathBuf,
    /// `smtp://HOST:PORT`; when set, mail goes over SMTP instead of the outbox.
    pub smtp_url: Option<String>,
    pub from: String,
}

impl Default for MailSettings {
    fn default() -> Self {
        Self {
            outbox_dir: PathBuf::from("data/outbox"),
            smtp_url: None,
            from: "Back office <backoffice@localhost>".into(),
        }
    }
}

/// How callers get in.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct AuthSettings {
    /// A bearer token that acts as an admin key: how an operator gets into a fresh install.
    pub admin_token: Option<String>,
}

/// Limits that keep one GraphQL query from costing the server too much.
#[derive(Debug, Clone, Deserialize, serde::Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct GraphqlSettings {
    pub depth_limit: usize,
    pub complexity_limit: usize,
}

impl Default for GraphqlSettings {
    fn default() -> Self {
        Self {
            depth_limit: 12,
            complexity_limit: 5_000,
        }
    }
}

/// Contract rules that operators tune.
#[derive(Debug, Clone, Deserialize, serde::Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct ComplianceSettings {
    /// ISO 3166 alpha-2 countries alphanumeric sender IDs may send to. US and CA are refused:
    /// the contract never allows alphanumeric senders there.
    pub alphanumeric_countries: Vec<String>,
    /// A short code's quarterly forecast is due this many days before the quarter starts;
    /// a missing one then raises a reminder for the account manager.
    pub forecast_due_days: u32,
    /// Actual messages more than this percentage over the forecast are flagged.
    pub forecast_variance_percent: u32,
    /// Content no message may carry (spam, phishing, SHAFT): each rule a name and a
    /// regular expression, matched case-insensitively against the whole text.
    pub prohibited_content: Vec<ContentRule>,
    /// Domains no link in a message may point to (their subdomains included).
    pub blocked_domains: Vec<String>,
}

/// One content rule.
#[derive(Debug, Clone, Deserialize, serde::Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ContentRule {
    pub name: String,
    pub pattern: String,
}

impl Default for ComplianceSettings {
    fn default() -> Self {
        Self {
            alphanumeric_countries: ["GB", "IE", "DE", "FR", "ES", "IT", "NL", "AU"]
                .map(String::from)
                .to_vec(),
            forecast_due_days: 14,
            forecast_variance_percent: 20,
            prohibited_content: [
                ("phishing-credentials", r"\b(verify|confirm|update)\b.{0,40}\b(password|passcode|pin|ssn|social security|card number)\b"),
                ("phishing-account-locked", r"\baccount\b.{0,20}\b(locked|suspended|disabled)\b.{0,60}(https?://|www\.)"),
                ("shaft-cannabis", r"\b(cannabis|marijuana|thc|cbd)\b"),
                ("spam-prize", r"\b(you('ve| have)? won|claim your (prize|reward))\b"),
            ]
            .map(|(name, pattern)| ContentRule {
                name: name.into(),
                pattern: pattern.into(),
            })
            .to_vec(),
            blocked_domains: vec!["bit.ly".into(), "tinyurl.com".into()],
        }
    }
}

/// Invoicing.
#[derive(Debug, Clone, Deserialize, serde::Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct BillingSettings {
    /// Invoice numbers are `<prefix>-<year>-<6 digits>`, gap-free per prefix and year.
    pub invoice_prefix: String,
    /// Credit notes have their own series.
    pub credit_note_prefix: String,
    /// The operator's name and address on every invoice.
    pub operator_name: String,
    pub operator_address: String,
}

impl Default for BillingSettings {
    fn default() -> Self {
        Self {
            invoice_prefix: "INV".into(),
            credit_note_prefix: "CN".into(),
            operator_name: "Demo Messaging Operator".into(),
            operator_address: "1 Harbour Street, Seattle, WA 98101, USA".into(),
        }
    }
}

/// One scheduled job: a cron expression with seconds (`sec min hour day month weekday`,
/// UTC) and whether it runs.
#[derive(Debug, Clone, Deserialize, serde::Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct JobSchedule {
    pub schedule: String,
    pub enabled: bool,
}

impl Default for JobSchedule {
    fn default() -> Self {
        Self {
            schedule: "0 0 3 * * *".into(),
            enabled: true,
        }
    }
}

fn schedule(cron: &str) -> JobSchedule {
    JobSchedule {
        schedule: cron.into(),
        enabled: true,
    }
}

/// The scheduler inside `serve`. Every instance schedules every job; a tick runs once across
/// instances sharing a database.
#[derive(Debug, Clone, Deserialize, serde::Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct JobsSettings {
    /// Off: `serve` schedules nothing (jobs still run by hand).
    pub scheduler: bool,
    /// This instance's name in the job history; the host name and process id by default.
    pub instance: Option<String>,
    /// The monthly run issues its drafts too (otherwise issuing is finance's decision).
    pub auto_issue: bool,
    pub invoice_drafts: JobSchedule,
    pub lease_maintenance: JobSchedule,
    pub inactivity: JobSchedule,
    pub forecasts: JobSchedule,
    pub ratio: JobSchedule,
    pub retention: JobSchedule,
    pub delivery_time: JobSchedule,
    /// A run whose instance has not reported for this long was cut short (a crash).
    pub stale_after_secs: u64,
}

impl Default for JobsSettings {
    fn default() -> Self {
        Self {
            scheduler: true,
            instance: None,
            auto_issue: false,
            invoice_drafts: schedule("0 0 2 1 * *"),
            lease_maintenance: schedule("0 10 0 * * *"),
            inactivity: schedule("0 20 0 * * *"),
            forecasts: schedule("0 30 0 * * *"),
            ratio: schedule("0 5 * * * *"),
            retention: schedule("0 35 * * * *"),
            delivery_time: schedule("0 */15 * * * *"),
            stale_after_secs: 120,
        }
    }
}

/// How long messages keep their content and their detail records.
#[derive(Debug, Clone, Deserialize, serde::Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct RetentionSettings {
    /// Days after a message ended (its final status) that its content is purged.
    pub content_days: u32,
    /// Days after submission that its detail record is deleted.
    pub record_days: u32,
    /// Rows per purge transaction: small, so the message writer is never held up for long.
    pub batch_size: u64,
    /// Pause between batches.
    pub pause_ms: u64,
}

impl Default for RetentionSettings {
    fn default() -> Self {
        Self {
            content_days: 30,
            record_days: 3 * 365,
            batch_size: 200,
            pause_ms: 20,
        }
    }
}

/// Alert email: who gets what, retries, digests, and the delivery-time threshold.
#[derive(Debug, Clone, Deserialize, serde::Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct AlertSettings {
    /// Where alerts without a customer (job failures, carriers) go.
    pub operators_email: String,
    /// Account managers who get one daily digest instead of an email per alert.
    pub digest_recipients: Vec<String>,
    /// The UTC hour from which the day's digest goes out.
    pub digest_hour: u32,
    /// Sends tried before an alert's email is marked failed.
    pub max_attempts: u32,
    /// The first retry's delay; each next one doubles it.
    pub retry_base_secs: u64,
    /// A carrier whose 90th-percentile delivery time on a day passes this is degraded.
    pub delivery_p90_limit_secs: u64,
    /// Fewer delivered messages than this on the day say nothing.
    pub delivery_min_messages: i64,
}

impl Default for AlertSettings {
    fn default() -> Self {
        Self {
            operators_email: "operators@backoffice.local".into(),
            digest_recipients: Vec::new(),
            digest_hour: 7,
            max_attempts: 5,
            retry_base_secs: 60,
            delivery_p90_limit_secs: 120,
            delivery_min_messages: 20,
        }
    }
}

/// MMS: the contract's limits, the content-type policy, the MM7 endpoint and the AT&T ratio.
#[derive(Debug, Clone, Deserialize, serde::Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct MmsSettings {
    /// The largest MMS, its parts and subject together, in bytes (the contract's 600 KB).
    pub max_bytes: u64,
    /// Media types an MMS may carry (`audio/*` wildcards allowed).
    pub allowed_media: Vec<String>,
    /// Media types refused even when `allowed_media` matches (the contract: no image files).
    pub refused_media: Vec<String>,
    /// Carriers (by code) that give no delivery reports for A2P MMS: their MMS end
    /// DELIVERED_UNCONFIRMED once the carrier takes them, and no report is sent.
    pub no_report_carriers: Vec<String>,
    /// The connector MMS leave by (carriers' MM4 links are not built; the simulator decides).
    pub connector: String,
    /// The largest MM7 request body, in bytes (base64 makes 600 KB of media about 800 KB).
    pub max_request_bytes: usize,
    /// Concurrent report and MO posts to VASPs.
    pub post_concurrency: usize,
    pub ratio: RatioSettings,
}

/// The AT&T rule: outgoing to incoming MMS at most `limit`:1 per cycle.
#[derive(Debug, Clone, Deserialize, serde::Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct RatioSettings {
    /// The carrier (by code) whose subscribers' traffic is counted.
    pub carrier: String,
    pub cycle_days: u32,
    /// The first cycle's first day for every customer; none: each customer's cycles start on
    /// the day of its first MMS with the carrier.
    pub anchor: Option<chrono::NaiveDate>,
    /// Outgoing per incoming past which the account manager is warned.
    pub warning: rust_decimal::Decimal,
    /// Outgoing per incoming past which the cycle is in breach.
    pub limit: rust_decimal::Decimal,
    /// No alert before a cycle has this many outgoing MMS (one incoming in a quiet week
    /// should not read as a breach).
    pub min_outgoing: u64,
}

impl Default for MmsSettings {
    fn default() -> Self {
        Self {
            max_bytes: 614_400,
            allowed_media: ["text/*", "audio/*", "video/*", "application/smil"]
                .map(String::from)
                .to_vec(),
            refused_media: vec!["image/*".into()],
            no_report_carriers: vec!["TMOBILE".into()],
            connector: SIMULATOR.into(),
            max_request_bytes: 4 << 20,
            post_concurrency: 16,
            ratio: RatioSettings::default(),
        }
    }
}

impl Default for RatioSettings {
    fn default() -> Self {
        Self {
            carrier: "ATT".into(),
            cycle_days: 90,
            anchor: None,
            warning: rust_decimal::Decimal::new(27, 1),
            limit: rust_decimal::Decimal::new(3, 0),
            min_outgoing: 100,
        }
    }
}

/// Outbound limits of one number kind, in fragments.
#[derive(Debug, Clone, Copy, Deserialize, serde::Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct KindLimits {
    pub per_second: u32,
    /// None: no daily cap.
    #[serde(default)]
    pub per_day: Option<u64>,
}

/// Default outbound limits by number kind; a number can override them.
#[derive(Debug, Clone, Deserialize, serde::Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct ThrottleSettings {
    pub long_code: KindLimits,
    pub toll_free: KindLimits,
    pub short_code: KindLimits,
    pub alphanumeric: KindLimits,
}

impl Default for ThrottleSettings {
    fn default() -> Self {
        let limits = |per_second| KindLimits {
            per_second,
            per_day: None,
        };
        Self {
            long_code: limits(1),
            toll_free: limits(3),
            short_code: limits(100),
            alphanumeric: limits(10),
        }
    }
}

/// Why settings could not be loaded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SettingsError {
    /// The file, an environment variable or a value did not fit the settings.
    #[error("invalid settings: {0}")]
    Invalid(#[from] config::ConfigError),
    /// A value parsed but breaks a rule; the message names the key.
    #[error("invalid settings: {0}")]
    Rule(String),
}

impl Settings {
    /// Loads settings from an optional file and the process environment.
    pub fn load(file: Option<&Path>) -> Result<Self, SettingsError> {
        Self::load_from(file, std::env::vars().collect())
    }

    /// Loads settings from an optional file and the given environment (testable without
    /// touching the process environment).
    pub fn load_from(
        file: Option<&Path>,
        env: HashMap<String, String>,
    ) -> Result<Self, SettingsError> {
        let mut builder = config::Config::builder();
        if let Some(path) = file {
            builder = builder.add_source(config::File::from(path).required(true));
        }
        let (aliases, sectioned): (HashMap<_, _>, HashMap<_, _>) = env
            .into_iter()
            .filter(|(key, _)| key.starts_with(ENV_PREFIX) || key == "DATABASE_URL")
            .partition(|(key, _)| ENV_ALIASES.iter().any(|(alias, _)| alias == key));
        // Settings are `BACKOFFICE_SECTION__KEY`; other `BACKOFFICE_*` variables (the UI build's
        // `BACKOFFICE_SKIP_UI_BUILD`, `BACKOFFICE_CONFIG`) are not settings.
        let sectioned: HashMap<String, String> = sectioned
            .into_iter()
            .filter(|(key, _)| key.contains("__"))
            .collect();
        builder = builder.add_source(
            config::Environment::with_prefix(ENV_PREFIX)
                .prefix_separator("_")
                .separator("__")
                .try_parsing(true)
                .list_separator(",")
                .with_list_parse_key("compliance.alphanumeric_countries")
                .source(Some(sectioned.into_iter().collect())),
        );
        for (alias, key) in ENV_ALIASES {
            if let Some(value) = aliases.get(alias) {
                builder = builder.set_override(key, value.as_str())?;
            }
        }
        let settings: Settings = builder.build()?.try_deserialize()?;
        settings.check()?;
        Ok(settings)
    }

    /// Rules serde cannot express.
    fn check(&self) -> Result<(), SettingsError> {
        for country in &self.compliance.alphanumeric_countries {
            if country.parse::<phonenumber::country::Id>().is_err() {
                return Err(SettingsError::Rule(format!(
                    "compliance.alphanumeric_countries: {country:?} is not an ISO 3166 alpha-2 code"
                )));
            }
            if crate::compliance::numbers::NANP_HOME_COUNTRIES.contains(&country.as_str()) {
                return Err(SettingsError::Rule(format!(
                    "compliance.alphanumeric_countries: alphanumeric sender IDs may never send to {country}"
                )));
            }
        }
        for rule in &self.compliance.prohibited_content {
            if let Err(e) = regex::Regex::new(&rule.pattern) {
                return Err(SettingsError::Rule(format!(
                    "compliance.prohibited_content {:?}: the pattern is not a regular expression ({e})",
                    rule.name
                )));
            }
        }
        let carriers = &self.carriers;
        let known = |name: &str| name == SIMULATOR || carriers.upstream.contains_key(name);
        if !known(&self.mms.connector) {
            return Err(SettingsError::Rule(format!(
                "mms.connector: {:?} is neither \"simulator\" nor an upstream entry",
                self.mms.connector
            )));
        }
        for (field, prefix) in [
            ("billing.invoice_prefix", &self.billing.invoice_prefix),
            (
                "billing.credit_note_prefix",
                &self.billing.credit_note_prefix,
            ),
        ] {
            if prefix.is_empty()
                || prefix.len() > 16
                || !prefix.bytes().all(|b| b.is_ascii_alphanumeric())
            {
                return Err(SettingsError::Rule(format!(
                    "{field}: {prefix:?} must be 1 to 16 letters or digits"
                )));
            }
        }
        if self.billing.invoice_prefix == self.billing.credit_note_prefix {
            return Err(SettingsError::Rule(
                "billing: invoices and credit notes need different prefixes".into(),
            ));
        }
        let ratio = &self.mms.ratio;
        if ratio.cycle_days == 0
            || ratio.warning <= rust_decimal::Decimal::ZERO
            || ratio.warning > ratio.limit
        {
            return Err(SettingsError::Rule(
                "mms.ratio: cycle_days must be positive and 0 < warning <= limit".into(),
            ));
        }
        if !known(&carriers.default_connector) {
            return Err(SettingsError::Rule(format!(
                "carriers.default_connector: {:?} is neither \"simulator\" nor an upstream entry",
                carriers.default_connector
            )));
        }
        for (carrier, connector) in &carriers.routes {
            if !known(connector) {
                return Err(SettingsError::Rule(format!(
                    "carriers.routes.{carrier}: {connector:?} is neither \"simulator\" nor an upstream entry"
                )));
            }
        }
        for (name, upstream) in &carriers.upstream {
            if name == SIMULATOR {
                return Err(SettingsError::Rule(
                    "carriers.upstream: \"simulator\" is the built-in connector's name".into(),
                ));
            }
            if !["transmitter", "receiver", "transceiver"].contains(&upstream.bind.as_str()) {
                return Err(SettingsError::Rule(format!(
                    "carriers.upstream.{name}.bind: {:?} is not transmitter, receiver or transceiver",
                    upstream.bind
                )));
            }
            if upstream.addr.is_empty() || upstream.system_id.is_empty() {
                return Err(SettingsError::Rule(format!(
                    "carriers.upstream.{name}: addr and system_id are required"
                )));
            }
        }
        Ok(())
    }

    /// True when the database is the embedded SQLite file.
    pub fn uses_sqlite(&self) -> bool {
        self.database.url.starts_with("sqlite:")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn defaults_run_the_laptop_demo() {
        let settings = Settings::load_from(None, env(&[])).unwrap();
        assert_eq!(settings, Settings::default());
        assert_eq!(settings.http.addr, "127.0.0.1:8080");
        assert_eq!(settings.smpp.addr, "127.0.0.1:2775");
        assert!(settings.uses_sqlite());
    }

    #[test]
    fn environment_overrides_sections_and_aliases() {
        let settings = Settings::load_from(
            None,
            env(&[
                ("BACKOFFICE_HTTP__ADDR", "0.0.0.0:9000"),
                ("BACKOFFICE_DATABASE__MAX_CONNECTIONS", "3"),
                ("DATABASE_URL", "postgres://postgres@127.0.0.1/x"),
                ("BACKOFFICE_ADMIN_TOKEN", "s3cret"),
                ("UNRELATED", "ignored"),
            ]),
        )
        .unwrap();
        assert_eq!(settings.http.addr, "0.0.0.0:9000");
        assert_eq!(settings.database.max_connections, 3);
        assert_eq!(settings.database.url, "postgres://postgres@127.0.0.1/x");
        assert_eq!(settings.auth.admin_token.as_deref(), Some("s3cret"));
    }

    #[test]
    fn unknown_keys_are_rejected() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bad.toml");
        std::fs::write(&path, "[http]\nadress = \"127.0.0.1:1\"\n").unwrap();
        let err = Settings::load_from(Some(&path), env(&[])).unwrap_err();
        assert!(err.to_string().contains("adress"), "{err}");
    }

    #[test]
    fn us_and_canada_can_never_take_alphanumeric_senders() {
        for country in ["US", "CA"] {
            let err = Settings::load_from(
                None,
                env(&[("BACKOFFICE_COMPLIANCE__ALPHANUMERIC_COUNTRIES", country)]),
            )
            .unwrap_err();
            assert!(err.to_string().contains("alphanumeric_countries"), "{err}");
        }
        let ok = Settings::load_from(
            None,
            env(&[("BACKOFFICE_COMPLIANCE__ALPHANUMERIC_COUNTRIES", "GB,DE")]),
        )
        .unwrap();
        assert_eq!(ok.compliance.alphanumeric_countries, ["GB", "DE"]);
    }

    #[test]
    fn the_example_file_holds_the_defaults() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("backoffice.example.toml");
        let settings = Settings::load_from(Some(&path), env(&[])).unwrap();
        assert_eq!(settings, Settings::default());
    }

    #[test]
    fn redacted_settings_hide_every_secret_and_keep_the_rest() {
        let mut settings = Settings::default();
        settings.auth.admin_token = Some("s3cret".into());
        settings.database.url = "postgres://app:hunter2@db.internal:5432/back".into();
        settings.mail.smtp_url = Some("smtps://mailer:pw@smtp.example:465".into());
        let shown = redacted(&settings);
        let text = shown.to_string();
        assert!(!text.contains("s3cret") && !text.contains("hunter2") && !text.contains("\"pw\""));
        assert_eq!(shown["auth"]["admin_token"], "***");
        assert_eq!(
            shown["database"]["url"],
            "postgres://app:***@db.internal:5432/back"
        );
        assert_eq!(
            shown["mail"]["smtp_url"],
            "smtps://mailer:***@smtp.example:465"
        );
        assert_eq!(shown["http"]["addr"], settings.http.addr.as_str());
    }
}
