//! Configuration: CLI flags (and `CAPX_MOCK_*` env), plus an optional JSON file of keys and plans.

use crate::faults::{self, Fault};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

pub const DEMO_KEY: &str = "capx_sk_test_demo";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plan {
    /// Requests per rolling minute.
    pub rpm: usize,
    /// Requests in flight at once.
    pub burst: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    ReadWrite,
    ReadOnly,
}

#[derive(Debug, Clone, Deserialize)]
pub struct KeyConfig {
    pub key: String,
    #[serde(default = "default_plan")]
    pub plan: String,
    #[serde(default = "default_scope")]
    pub scope: Scope,
    #[serde(default)]
    pub revoked: bool,
    pub credits: Option<i64>,
    pub user: Option<String>,
}

fn default_plan() -> String {
    "starter".into()
}
fn default_scope() -> Scope {
    Scope::ReadWrite
}

#[derive(Debug, Clone, Deserialize)]
pub struct PlanConfig {
    pub rpm: usize,
    pub burst: usize,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct FileConfig {
    #[serde(default)]
    pub keys: Vec<KeyConfig>,
    #[serde(default)]
    pub plans: HashMap<String, PlanConfig>,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub host: IpAddr,
    pub port: u16,
    pub keys: Vec<KeyConfig>,
    pub plans: HashMap<String, Plan>,
    /// Any well-formed unknown key becomes a fresh account on this plan.
    pub open_keys: Option<String>,
    pub credits: i64,
    pub heartbeat: Duration,
    pub fail_rate: f64,
    pub seed: u64,
    pub keepalive: Duration,
    pub sse_retry_ms: u64,
    pub cost_threshold: f64,
    pub cors_origins: String,
    pub webhook_url: Option<String>,
    pub webhook_secret: Option<String>,
    pub webhook_attempts: u32,
    pub webhook_backoff: Duration,
    pub fault_rate: f64,
    pub fault_kinds: Vec<String>,
    /// How long an `Idempotency-Key` response is kept (seed 000: 24 hours).
    pub idempotency_ttl: Duration,
    pub state_file: Option<PathBuf>,
    pub quiet: bool,
    /// The binary exits (as on SIGTERM) when its stdin reaches end of file: a parent that
    /// holds the other end of a pipe takes the mock with it when it dies, even by SIGKILL.
    pub exit_on_stdin_close: bool,
}

impl Default for Config {
    fn default() -> Self {
        let plans = [("starter", 60, 10), ("pro", 300, 50), ("enterprise", 6000, 500)]
            .into_iter()
            .map(|(name, rpm, burst)| (name.to_owned(), Plan { rpm, burst }))
            .collect();
        Self {
            host: IpAddr::from([127, 0, 0, 1]),
            port: 4010,
            keys: Vec::new(),
            plans,
            open_keys: None,
            credits: 10_000,
            heartbeat: Duration::from_millis(2000),
            fail_rate: 0.1,
            seed: 42,
            keepalive: Duration::from_secs(15),
            sse_retry_ms: 1000,
            cost_threshold: 10.0,
            cors_origins: "*".into(),
            webhook_url: None,
            webhook_secret: None,
            webhook_attempts: 5,
            webhook_backoff: Duration::from_millis(200),
            fault_rate: 0.0,
            fault_kinds: Vec::new(),
            idempotency_ttl: Duration::from_secs(24 * 3600),
            state_file: None,
            quiet: false,
            exit_on_stdin_close: false,
        }
    }
}

impl Config {
    /// Merges a config file: its keys, and plan limits overriding the built-in ones.
    pub fn load_file(&mut self, path: &str) -> Result<(), String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
        let file: FileConfig = serde_json::from_str(&text).map_err(|e| format!("{path}: {e}"))?;
        for (name, p) in file.plans {
            self.plans.insert(name, Plan { rpm: p.rpm, burst: p.burst });
        }
        self.keys.extend(file.keys);
        Ok(())
    }

    /// `--flag value` pairs (and `--quiet`); `CAPX_MOCK_<FLAG>` env vars fill in what is unset.
    pub fn from_args(args: impl IntoIterator<Item = String>) -> Result<Self, String> {
        // Only the env vars that name a flag: tools around the mock keep their own
        // CAPX_MOCK_* variables (CAPX_MOCK_ORIGIN, CAPX_MOCK_BIN) in the same environment.
        let mut pairs: Vec<(String, String)> = std::env::vars()
            .filter_map(|(k, v)| Some((k.strip_prefix("CAPX_MOCK_")?.to_ascii_lowercase().replace('_', "-"), v)))
            .filter(|(flag, _)| FLAGS.contains(&flag.as_str()))
            .collect();
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            let flag = arg.strip_prefix("--").ok_or_else(|| format!("unexpected argument {arg}"))?.to_owned();
            if SWITCHES.contains(&flag.as_str()) {
                pairs.push((flag, "true".into()));
                continue;
            }
            let value = args.next().ok_or_else(|| format!("--{flag} needs a value"))?;
            pairs.push((flag, value));
        }
        let mut c = Config::default();
        let ms = |v: &str| v.parse::<u64>().map(Duration::from_millis).map_err(|e| format!("{v}: {e}"));
        let num = |v: &str| v.parse::<f64>().map_err(|e| format!("{v}: {e}"));
        for (flag, v) in pairs {
            match flag.as_str() {
                "help" => return Err(USAGE.into()),
                "host" => c.host = v.parse().map_err(|e| format!("--host {v}: {e}"))?,
                "port" => c.port = v.parse().map_err(|e| format!("--port {v}: {e}"))?,
                "config" => c.load_file(&v)?,
                "state" => c.state_file = Some(v.into()),
                "heartbeat-ms" => c.heartbeat = ms(&v)?,
                "fail-rate" => c.fail_rate = num(&v)?,
                "seed" => c.seed = v.parse().map_err(|e| format!("--seed {v}: {e}"))?,
                "keepalive-ms" => c.keepalive = ms(&v)?,
                "sse-retry-ms" => c.sse_retry_ms = v.parse().map_err(|e| format!("{v}: {e}"))?,
                "cost-threshold" => c.cost_threshold = num(&v)?,
                "cors-origins" => c.cors_origins = v,
                "webhook-url" => c.webhook_url = Some(v),
                "webhook-secret" => c.webhook_secret = Some(v),
                "webhook-attempts" => c.webhook_attempts = v.parse().map_err(|e| format!("{v}: {e}"))?,
                "webhook-backoff-ms" => c.webhook_backoff = ms(&v)?,
                "fault-rate" => c.fault_rate = num(&v)?,
                "fault-kinds" => c.fault_kinds = list(&v).map(String::from).collect(),
                "idempotency-ttl-ms" => c.idempotency_ttl = ms(&v)?,
                "keys" => c.keys.extend(list(&v).map(parse_key).collect::<Result<Vec<_>, _>>()?),
                "plans" => {
                    for (name, plan) in list(&v).map(parse_plan).collect::<Result<Vec<_>, _>>()? {
                        c.plans.insert(name, plan);
                    }
                }
                "open-keys" => c.open_keys = Some(v),
                "credits" => c.credits = v.parse().map_err(|e| format!("{v}: {e}"))?,
                "quiet" => c.quiet = switch(&v),
                "exit-on-stdin-close" => c.exit_on_stdin_close = switch(&v),
                other => return Err(format!("unknown flag --{other}\n{USAGE}")),
            }
        }
        c.validate()?;
        Ok(c)
    }

    /// What would otherwise fail quietly at run time: a key that can never authenticate, a
    /// plan that does not exist, a fault kind the mock does not know.
    pub fn validate(&self) -> Result<(), String> {
        for k in &self.keys {
            if !is_key(&k.key) {
                return Err(format!("key {:?} is not of the form capx_sk_(live|test)_<letters and digits>", k.key));
            }
            if !self.plans.contains_key(&k.plan) {
                return Err(format!("key {}: no plan {:?}", k.key, k.plan));
            }
        }
        if let Some(plan) = self.open_keys.as_ref().filter(|p| !self.plans.contains_key(*p)) {
            return Err(format!("--open-keys {plan}: no such plan"));
        }
        if let Some(kind) = self.fault_kinds.iter().find(|k| Fault::parse(k).is_none()) {
            return Err(format!("--fault-kinds: {}", faults::unknown(kind)));
        }
        if let Some(secret) = self.webhook_secret.as_deref().filter(|s| !crate::signature::valid_secret(s)) {
            return Err(format!("--webhook-secret {secret:?} is not whsec_ followed by base64"));
        }
        if let Some(url) = self.webhook_url.as_deref().filter(|u| !u.starts_with("http://")) {
            return Err(format!("--webhook-url {url}: only http:// URLs are supported"));
        }
        if !(0.0..=1.0).contains(&self.fault_rate) || !(0.0..=1.0).contains(&self.fail_rate) {
            return Err("--fault-rate and --fail-rate are shares from 0 to 1".into());
        }
        Ok(())
    }
}

pub fn is_key(key: &str) -> bool {
    let body = key.strip_prefix("capx_sk_live_").or_else(|| key.strip_prefix("capx_sk_test_"));
    body.is_some_and(|b| !b.is_empty() && b.bytes().all(|c| c.is_ascii_alphanumeric()))
}

/// A flag without a value is on; from the env, `false` and `0` turn it off.
fn switch(v: &str) -> bool {
    v != "false" && v != "0"
}

fn list(v: &str) -> impl Iterator<Item = &str> {
    v.split(',').map(str::trim).filter(|k| !k.is_empty())
}

/// `KEY[:PLAN[:read_only|read_write]]`
fn parse_key(spec: &str) -> Result<KeyConfig, String> {
    let mut parts = spec.split(':');
    let key = parts.next().unwrap_or_default().to_owned();
    let plan = parts.next().filter(|p| !p.is_empty()).map_or_else(default_plan, str::to_owned);
    let scope = match parts.next() {
        None | Some("read_write") => Scope::ReadWrite,
        Some("read_only") => Scope::ReadOnly,
        Some(other) => return Err(format!("--keys {spec}: scope {other:?} is neither read_only nor read_write")),
    };
    Ok(KeyConfig { key, plan, scope, revoked: false, credits: None, user: None })
}

/// `NAME=RPM/BURST`
fn parse_plan(spec: &str) -> Result<(String, Plan), String> {
    let bad = || format!("--plans {spec}: expected NAME=RPM/BURST");
    let (name, limits) = spec.split_once('=').ok_or_else(bad)?;
    let (rpm, burst) = limits.split_once('/').ok_or_else(bad)?;
    let plan = Plan { rpm: rpm.trim().parse().map_err(|_| bad())?, burst: burst.trim().parse().map_err(|_| bad())? };
    Ok((name.trim().to_owned(), plan))
}

const FLAGS: &[&str] = &[
    "host", "port", "config", "state", "heartbeat-ms", "fail-rate", "seed", "keepalive-ms", "sse-retry-ms",
    "cost-threshold", "cors-origins", "webhook-url", "webhook-secret", "webhook-attempts", "webhook-backoff-ms",
    "fault-rate", "fault-kinds", "idempotency-ttl-ms", "keys", "plans", "open-keys", "credits", "quiet",
    "exit-on-stdin-close",
];

/// Flags that take no value.
const SWITCHES: &[&str] = &["quiet", "exit-on-stdin-close", "help"];

pub const USAGE: &str = "usage: capx-mock [FLAGS]   (each flag may also come from the env as CAPX_MOCK_<FLAG>)
  --host 127.0.0.1 --port 4010        where to listen (port 0: any free port)
  --config FILE                       JSON {\"keys\": [{\"key\", \"plan\", \"scope\", \"credits\", \"user\", \"revoked\"}],
                                      \"plans\": {\"NAME\": {\"rpm\", \"burst\"}}}
  --keys KEY[:PLAN[:read_only]],...   more keys (capx_sk_test_demo on starter always exists)
  --plans NAME=RPM/BURST,...          plan limits (starter=60/10, pro=300/50, enterprise=6000/500)
  --open-keys PLAN                    accept any well-formed key as a fresh account on PLAN
  --credits 10000                     starting balance of every key
  --heartbeat-ms 2000 --fail-rate 0.1 --cost-threshold 10 --seed 42   the simulated agents
  --keepalive-ms 15000 --sse-retry-ms 1000                            the activity stream
  --webhook-url URL --webhook-secret whsec_... --webhook-attempts 5 --webhook-backoff-ms 200
  --fault-rate 0.3 --fault-kinds drop_after_commit,500,429,slow:2000,truncate,html_502,sse_drop:2
  --idempotency-ttl-ms 86400000       how long Idempotency-Key responses are kept
  --cors-origins '*'                  or a comma-separated list of allowed origins
  --state FILE                        keep the state in FILE across restarts
  --quiet                             no request log on stderr
  --exit-on-stdin-close               exit when stdin reaches end of file (for a parent holding a pipe)";
