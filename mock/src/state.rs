//! Accounts and everything they own. Each API key is its own account: companies, tasks,
//! events, credits, rate-limit window, idempotency store, request log and armed faults.
//! Locks are std mutexes held for a few field updates only, never across an await.

use crate::config::{Config, Plan, Scope, DEMO_KEY};
use crate::idempotency;
use crate::limiter::{InFlight, Limiter};
use crate::locks::lock;
use crate::reqlog::RequestLog;
use crate::time::{now_ms, rfc3339};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use tokio::sync::broadcast;

/// Events kept per account for `Last-Event-ID` replay and the JSON activity list.
pub const RETAINED_EVENTS: usize = 10_000;
pub const AGENT_ROLES: [&str; 3] = ["researcher", "writer", "analyst"];
/// Entries kept in each account's request and webhook-delivery logs (the latest ones), so a
/// load test cannot grow them without bound.
pub const LOG_LIMIT: usize = 10_000;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Agent {
    pub id: String,
    pub role: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Company {
    pub seq: u64,
    pub id: String,
    pub name: String,
    pub status: String,
    pub governance_mode: String,
    pub created_at: String,
    pub agents: Vec<Agent>,
    pub next_agent: usize,
    pub total_cost: f64,
    pub threshold_reached: bool,
}

impl Company {
    pub fn json(&self) -> Value {
        json!({"id": self.id, "name": self.name, "status": self.status, "governance_mode": self.governance_mode, "created_at": self.created_at})
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Task {
    pub seq: u64,
    pub created_ms: u64,
    /// The heartbeat that started it; it completes on a later one.
    pub started_beat: Option<u64>,
    /// The API fields, exactly as served by GET.
    pub fields: Map<String, Value>,
}

/// A task's fields in the order seed 004 shows them; fields set later (output, approval)
/// still come out in their place.
const TASK_FIELD_ORDER: [&str; 20] = [
    "id", "company_id", "agent_id", "title", "description", "status", "priority", "output", "cost", "metadata",
    "created_at", "updated_at", "started_at", "completed_at", "approved_by", "approved_at", "approval_comment",
    "rejected_by", "rejected_at", "rejection_reason",
];

impl Task {
    pub fn get(&self, key: &str) -> &str {
        self.fields.get(key).and_then(Value::as_str).unwrap_or_default()
    }

    /// The full task, as `GET /companies/:id/tasks/:taskId` serves it.
    pub fn json(&self) -> Value {
        let known = TASK_FIELD_ORDER.iter().filter_map(|k| Some(((*k).to_owned(), self.fields.get(*k)?.clone())));
        let rest = self.fields.iter().filter(|(k, _)| !TASK_FIELD_ORDER.contains(&k.as_str())).map(|(k, v)| (k.clone(), v.clone()));
        Value::Object(known.chain(rest).collect())
    }

    pub fn summary(&self) -> Value {
        let pick = ["id", "title", "agent_id", "status", "priority", "created_at"];
        Value::Object(pick.iter().filter_map(|k| Some(((*k).to_owned(), self.fields.get(*k)?.clone()))).collect())
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Event {
    pub seq: u64,
    pub company_id: String,
    /// Flat, as in the seed's SSE examples: `type`, `timestamp` and the event's fields.
    pub data: Value,
}

impl Event {
    /// An item of the JSON activity list: the SSE `id` first, then the SSE `data`.
    pub fn listed(&self) -> Value {
        let mut item = Map::new();
        item.insert("id".into(), Value::String(self.seq.to_string()));
        if let Some(data) = self.data.as_object() {
            item.extend(data.clone());
        }
        Value::Object(item)
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Data {
    pub credits: i64,
    pub companies: Vec<Company>,
    pub tasks: Vec<Task>,
    pub event_seq: u64,
    pub events: VecDeque<Event>,
    pub beat: u64,
}

impl Data {
    pub fn company(&self, id: &str) -> Option<&Company> {
        self.companies.iter().find(|c| c.id == id)
    }
    pub fn company_mut(&mut self, id: &str) -> Option<&mut Company> {
        self.companies.iter_mut().find(|c| c.id == id)
    }
    pub fn task(&self, company_id: &str, task_id: &str) -> Option<&Task> {
        self.tasks.iter().find(|t| t.get("id") == task_id && t.get("company_id") == company_id)
    }
    pub fn task_mut(&mut self, company_id: &str, task_id: &str) -> Option<&mut Task> {
        self.tasks.iter_mut().find(|t| t.get("id") == task_id && t.get("company_id") == company_id)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ArmedFault {
    pub kind: String,
    #[serde(default = "one")]
    pub times: u32,
    pub method: Option<String>,
    pub path: Option<String>,
}

fn one() -> u32 {
    1
}

#[derive(Debug, Clone, Serialize)]
pub struct LogEntry {
    pub seq: u64,
    pub method: String,
    pub path: String,
    pub query: String,
    pub status: u16,
    pub idempotency_key: Option<String>,
    pub fault: Option<String>,
    pub replayed: bool,
    pub headers: Map<String, Value>,
}

pub struct Account {
    pub key: String,
    pub plan: Plan,
    pub scope: Scope,
    pub user: String,
    pub revoked: bool,
    /// The balance it starts with, and gets back on `POST /__mock/reset`.
    pub starting_credits: i64,
    pub data: Mutex<Data>,
    pub limiter: Mutex<Limiter>,
    pub in_flight: InFlight,
    pub events: broadcast::Sender<Arc<Event>>,
    pub idempotency: idempotency::Store,
    pub faults: Mutex<Vec<ArmedFault>>,
    pub log: Mutex<VecDeque<LogEntry>>,
    pub log_seq: AtomicU64,
    pub deliveries: Mutex<VecDeque<Value>>,
}

/// Keeps the latest `LOG_LIMIT` entries.
pub fn push_capped<T>(log: &Mutex<VecDeque<T>>, entry: T) {
    let mut log = lock(log);
    if log.len() >= LOG_LIMIT {
        log.pop_front();
    }
    log.push_back(entry);
}

impl Account {
    fn new(key: &str, plan: Plan, scope: Scope, user: Option<String>, revoked: bool, credits: i64) -> Self {
        Self {
            key: key.to_owned(),
            plan,
            scope,
            user: user.unwrap_or_else(|| "user_demo".into()),
            revoked,
            starting_credits: credits,
            data: Mutex::new(Data { credits, ..Data::default() }),
            limiter: Mutex::default(),
            in_flight: InFlight::default(),
            events: broadcast::channel(4096).0,
            idempotency: idempotency::Store::default(),
            faults: Mutex::default(),
            log: Mutex::default(),
            log_seq: AtomicU64::new(0),
            deliveries: Mutex::default(),
        }
    }

    /// Records an event: retained for replay, broadcast to live streams, queued for webhooks.
    /// Broadcasting under the data lock keeps live order equal to sequence order.
    pub fn emit(&self, data: &mut Data, company_id: &str, event_type: &str, fields: Value, mock: &Mock) {
        data.event_seq += 1;
        // The seed's order: `type`, the event's own fields, `timestamp` last.
        let mut body = Map::new();
        body.insert("type".into(), event_type.into());
        if let Value::Object(extra) = fields {
            body.extend(extra);
        }
        body.insert("company_id".into(), company_id.into());
        body.insert("timestamp".into(), rfc3339(now_ms()).into());
        let event = Event { seq: data.event_seq, company_id: company_id.to_owned(), data: Value::Object(body) };
        data.events.push_back(event.clone());
        if data.events.len() > RETAINED_EVENTS {
            data.events.pop_front();
        }
        let event = Arc::new(event);
        let _ = self.events.send(event.clone());
        mock.deliver(&self.key, event);
        mock.mark_dirty();
    }

    pub fn take_fault(&self, method: &str, path: &str) -> Option<String> {
        let mut faults = lock(&self.faults);
        let i = faults.iter().position(|f| {
            f.times > 0 && f.method.as_deref().is_none_or(|m| m.eq_ignore_ascii_case(method)) && f.path.as_deref().is_none_or(|p| path.starts_with(p))
        })?;
        let fault = faults.get_mut(i)?;
        fault.times -= 1;
        let kind = fault.kind.clone();
        if fault.times == 0 {
            faults.remove(i);
        }
        Some(kind)
    }
}

pub struct Mock {
    pub config: Config,
    accounts: RwLock<HashMap<String, Arc<Account>>>,
    pub(crate) id_seq: AtomicU64,
    request_seq: AtomicU64,
    dirty: AtomicBool,
    rng: Mutex<u64>,
    pub(crate) webhooks: Option<tokio::sync::mpsc::UnboundedSender<(String, Arc<Event>)>>,
    pub(crate) request_log: Option<RequestLog>,
}

impl Mock {
    pub fn new(config: Config, webhooks: Option<tokio::sync::mpsc::UnboundedSender<(String, Arc<Event>)>>) -> Self {
        let seed = config.seed;
        let request_log = (!config.quiet).then(RequestLog::to_stderr);
        let mock = Self {
            config,
            accounts: RwLock::default(),
            id_seq: AtomicU64::new(0),
            request_seq: AtomicU64::new(0),
            dirty: AtomicBool::new(false),
            rng: Mutex::new(seed | 1),
            webhooks,
            request_log,
        };
        let c = &mock.config;
        let mut accounts = HashMap::new();
        if !c.keys.iter().any(|k| k.key == DEMO_KEY) {
            let demo = Account::new(DEMO_KEY, mock.plan("starter"), Scope::ReadWrite, None, false, c.credits);
            accounts.insert(DEMO_KEY.to_owned(), Arc::new(demo));
        }
        for k in &c.keys {
            let account = Account::new(&k.key, mock.plan(&k.plan), k.scope.clone(), k.user.clone(), k.revoked, k.credits.unwrap_or(c.credits));
            accounts.insert(k.key.clone(), Arc::new(account));
        }
        *mock.accounts.write().unwrap_or_else(|e| e.into_inner()) = accounts;
        mock.load_snapshot();
        mock
    }

    /// A plan's limits; an unknown name (refused by the config parser) falls back to Starter's.
    fn plan(&self, name: &str) -> Plan {
        self.config.plans.get(name).or_else(|| self.config.plans.get("starter")).copied().unwrap_or(Plan { rpm: 60, burst: 10 })
    }

    /// The account behind a well-formed key, created on first use under `--open-keys`.
    pub fn account(&self, key: &str) -> Option<Arc<Account>> {
        if let Some(a) = self.accounts.read().unwrap_or_else(|e| e.into_inner()).get(key) {
            return Some(a.clone());
        }
        let plan = self.config.open_keys.as_deref()?;
        Some(self.add_account(key, plan))
    }

    /// A fresh read-write account for `key` on `plan` (or the one that won a race to exist).
    pub(crate) fn add_account(&self, key: &str, plan: &str) -> Arc<Account> {
        let plan = self.plan(plan);
        let mut accounts = self.accounts.write().unwrap_or_else(|e| e.into_inner());
        let account =
            accounts.entry(key.to_owned()).or_insert_with(|| Arc::new(Account::new(key, plan, Scope::ReadWrite, None, false, self.config.credits)));
        account.clone()
    }

    pub fn all_accounts(&self) -> Vec<Arc<Account>> {
        self.accounts.read().unwrap_or_else(|e| e.into_inner()).values().cloned().collect()
    }

    /// Opaque-looking ids from one counter for the whole mock, so an id never names
    /// something in two accounts.
    pub fn new_id(&self, prefix: &str) -> String {
        opaque(prefix, self.id_seq.fetch_add(1, Ordering::Relaxed) + 1)
    }

    /// The `X-Request-Id` of the next request, unique for the life of the process. A counter
    /// of its own: requests do not move the ids of what they create.
    pub fn request_id(&self) -> String {
        opaque("req", self.request_seq.fetch_add(1, Ordering::Relaxed) + 1)
    }

    /// xorshift64*: deterministic for a given `--seed`.
    pub fn random(&self) -> f64 {
        let mut s = lock(&self.rng);
        *s ^= *s >> 12;
        *s ^= *s << 25;
        *s ^= *s >> 27;
        (s.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
    }

    pub fn mark_dirty(&self) {
        self.dirty.store(true, Ordering::Relaxed);
    }

    /// Whether something changed since the last call.
    pub(crate) fn take_dirty(&self) -> bool {
        self.dirty.swap(false, Ordering::Relaxed)
    }

    fn deliver(&self, key: &str, event: Arc<Event>) {
        if let Some(tx) = &self.webhooks {
            let _ = tx.send((key.to_owned(), event));
        }
    }

    pub fn reset(&self, account: &Account) {
        *lock(&account.data) = Data { credits: account.starting_credits, ..Data::default() };
        account.idempotency.clear();
        lock(&account.faults).clear();
        lock(&account.log).clear();
        lock(&account.deliveries).clear();
        self.mark_dirty();
    }
}

/// `prefix_` and a bijective scramble of `n`: ids look random but never collide.
fn opaque(prefix: &str, n: u64) -> String {
    let mixed = (n.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0x5bd1_e995) & 0xFFFF_FFFF_FFFF;
    format!("{prefix}_{}", base36(mixed))
}

pub fn base36(mut n: u64) -> String {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = Vec::new();
    loop {
        out.push(DIGITS.get((n % 36) as usize).copied().unwrap_or(b'0'));
        n /= 36;
        if n == 0 {
            break;
        }
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}
