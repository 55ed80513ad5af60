//! Configuration: built-in defaults, overridden by an optional `ipt.toml`, overridden by
//! `IPT_*` environment variables, overridden by command-line flags (ARCHITECTURE "Config").

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::{Context, bail};
use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use ipt_domain::protocol::ProtocolOverride;
use serde::{Deserialize, Serialize};

pub const DEFAULT_DATABASE_URL: &str = "sqlite://./ipt-data/ipt.db";
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub database_url: String,
    pub listen: String,
    /// `text` (default) or `json` log lines.
    pub log_format: String,
    /// Folder of site-supplied questionnaire text packs.
    pub text_packs: Option<PathBuf>,
    /// Minutes without a request after which a signed-in session ends.
    pub idle_timeout_minutes: u64,
    /// Mark cookies Secure: set this when users reach the server over HTTPS (behind a proxy
    /// that sets X-Forwarded-Proto, this is detected per request anyway).
    pub secure_cookies: bool,
    /// Scoring and change settings of the measurement engine.
    #[serde(default)]
    pub measures: MeasuresConfig,
    /// Per-format overrides of session counts and phase boundaries.
    #[serde(default)]
    pub protocols: BTreeMap<String, ProtocolOverride>,
    /// Caseload signal thresholds (`[signals]`), e.g. `not_on_track_improvement_percent = 20`.
    #[serde(default)]
    pub signals: ipt_domain::signals::SignalConfig,
    /// The patient portal (`[portal]`), e.g. `invitation_hours = 72`.
    #[serde(default)]
    pub portal: PortalConfig,
    /// Staff sign-in (`[auth]`), e.g. `require_totp = true`.
    #[serde(default)]
    pub auth: AuthConfig,
    /// Crisis resources the patient portal shows, per language (`[crisis.en]`, `[crisis.it]`:
    /// `heading` and `lines`); a language left out shows our default text.
    #[serde(default)]
    pub crisis: BTreeMap<String, ipt_web::portal::crisis::CrisisText>,
    /// The audit trail (`[audit]`), e.g. `retention_days = 3650`.
    #[serde(default)]
    pub audit: AuditConfig,
    /// Encryption of clinical free text at rest (`[encryption]`), e.g. `key_file = "/etc/ipt/keys"`.
    #[serde(default)]
    pub encryption: EncryptionConfig,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            database_url: DEFAULT_DATABASE_URL.into(),
            listen: DEFAULT_LISTEN.into(),
            log_format: "text".into(),
            text_packs: None,
            idle_timeout_minutes: 30,
            secure_cookies: false,
            protocols: BTreeMap::new(),
            measures: MeasuresConfig::default(),
            signals: ipt_domain::signals::SignalConfig::default(),
            portal: PortalConfig::default(),
            auth: AuthConfig::default(),
            crisis: BTreeMap::new(),
            audit: AuditConfig::default(),
            encryption: EncryptionConfig::default(),
        }
    }
}

/// `[encryption]` in `ipt.toml` (keys.rs). `IPT_ENCRYPTION_KEYS` (the keys themselves) and
/// `IPT_ENCRYPTION_KEY_FILE` take precedence.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EncryptionConfig {
    /// The key file; by default `ipt.keys` beside a SQLite database, else `./ipt-data/ipt.keys`.
    /// Production keeps it off the database's disk and out of its backups.
    pub key_file: Option<PathBuf>,
    /// Make the key file, with a new key, when it does not exist and the database has no key
    /// yet (a first start). On by default so a demo works at once; production turns it off so
    /// that a key file left out is an error, not a new key.
    pub create_key_file: bool,
}

impl Default for EncryptionConfig {
    fn default() -> Self {
        Self {
            key_file: None,
            create_key_file: true,
        }
    }
}

/// `[auth]` in `ipt.toml`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AuthConfig {
    /// Every staff account must sign in with a code from an authenticator app (TOTP) after its
    /// password; an account without one sets it up at its next sign-in. Off by default so a
    /// demo or a first start works at once; the operator guide asks it of production.
    pub require_totp: bool,
}

/// `[audit]` in `ipt.toml`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AuditConfig {
    /// How many days `ipt audit prune` keeps audit events; unset keeps them forever.
    pub retention_days: Option<u32>,
}

/// `[portal]` in `ipt.toml`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PortalConfig {
    /// How long a new invitation link lasts unless the clinician changes it, in hours (1–720).
    pub invitation_hours: i64,
}

impl Default for PortalConfig {
    fn default() -> Self {
        Self {
            invitation_hours: 72,
        }
    }
}

/// `[measures]` in `ipt.toml`: band sets and risk thresholds (`[measures.scoring]`), and change
/// thresholds per instrument (`[measures.change.<code>]`). See the operator guide.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MeasuresConfig {
    pub scoring: ipt_domain::measures::ScoringConfig,
    pub change: Option<ipt_domain::measures::ChangeConfig>,
}

/// Overrides from the command line; `None` leaves the lower layers' value.
#[derive(Debug, Default, Serialize)]
pub struct FlagOverrides {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub listen: Option<String>,
}

impl Config {
    pub fn load(file: Option<&PathBuf>, flags: &FlagOverrides) -> anyhow::Result<Self> {
        let mut fig = Figment::from(Serialized::defaults(Config::default()));
        match file {
            Some(path) => {
                if !path.exists() {
                    bail!("the configuration file {} does not exist", path.display());
                }
                fig = fig.merge(Toml::file(path));
            }
            None => fig = fig.merge(Toml::file("ipt.toml")),
        }
        // Only the settings' own variables: other IPT_* variables (test switches, IPT_CONFIG,
        // IPT_LOG) are not settings and must not be mistaken for unknown ones.
        let env = Env::prefixed("IPT_").only(&[
            "database_url",
            "listen",
            "log_format",
            "text_packs",
            "idle_timeout_minutes",
            "secure_cookies",
        ]);
        fig = fig.merge(env).merge(Serialized::defaults(flags));
        let config: Config = fig.extract().context("the configuration is not valid")?;
        Ok(config)
    }

    pub fn listen_addr(&self) -> anyhow::Result<SocketAddr> {
        self.listen.parse().with_context(|| {
            format!(
                "'{}' is not a listen address; write HOST:PORT, for example 127.0.0.1:8080",
                self.listen
            )
        })
    }
}
