//! Accounts and everything they own. Each API key is its own account: companies, tasks,
//! events, credits, rate-limit window, idempotency store, request log and armed faults.
//! Locks are std mutexes held for a few field updates only, never across an await.

use crate::config::{Config, Plan, Scope, DEMO_KEY};
use crate::time::{now_ms, rfc3339};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};
use std::time::{Duration, Instant};
use tokio::sync::broadcast;

/// Events kept per account for `Last-Event-ID` replay and the JSON activity list.
pub const RETAINED_EVENTS: usize = 10_000;
pub const AGENT_ROLES: [&str; 3] = ["researcher", "writer", "analyst"];

/// A poisoned lock only means another request panicked mid-update; the data is still the
/// best there is, and the mock must keep answering.
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

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

impl Task {
    pub fn get(&self, key: &str) -> &str {
        self.fields.get(key).and_then(Value::as_str).unwrap_or_default()
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

#[derive(Debug, Default, Serialize, Deserialize)]
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
    pub fn task_mut(&mut self, company_id: &str, task_id: &str) -> Option<&mut Task> {
        self.tasks.iter_mut().find(|t| t.get("id") == task_id && t.get("company_id") == company_id)
    }
}

/// A stored response for `Idempotency-Key` replay.
#[derive(Debug, Clone)]
pub struct Stored {
    pub fingerprint: String,
    pub status: u16,
    pub body: String,
    pub at: Instant,
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

/// The rolling one-minute window of seed 000 "Rate Limits": a log of request instants.
#[derive(Debug, Default)]
pub struct Limiter {
    starts: VecDeque<u64>,
}

pub struct Admission {
    pub allowed: bool,
    pub limit: usize,
    pub remaining: usize,
    /// Unix seconds at which the oldest request in the window leaves it.
    pub reset: u64,
}

impl Limiter {
    /// Takes a slot if the window has one.
    pub fn admit(&mut self, rpm: usize, now: u64) -> Admission {
        let allowed = self.peek(rpm, now).allowed;
        if allowed {
            self.starts.push_back(now);
        }
        Admission { allowed, ..self.peek(rpm, now) }
    }

    /// The window's figures, without taking a slot.
    pub fn peek(&mut self, rpm: usize, now: u64) -> Admission {
        while self.starts.front().is_some_and(|&t| now.saturating_sub(t) >= 60_000) {
            self.starts.pop_front();
        }
        let oldest = self.starts.front().copied().unwrap_or(now);
        Admission {
            allowed: self.starts.len() < rpm,
            limit: rpm,
            remaining: rpm.saturating_sub(self.starts.len()),
            reset: (oldest + 60_000).div_ceil(1000),
        }
    }
}

pub struct Account {
    pub key: String,
    pub plan: Plan,
    pub scope: Scope,
    pub user: String,
    pub revoked: bool,
    pub data: Mutex<Data>,
    pub limiter: Mutex<Limiter>,
    pub in_flight: AtomicUsize,
    pub events: broadcast::Sender<Arc<Event>>,
    pub idempotency: Mutex<HashMap<String, Arc<tokio::sync::Mutex<Option<Stored>>>>>,
    pub faults: Mutex<Vec<ArmedFault>>,
    pub log: Mutex<Vec<LogEntry>>,
    pub log_seq: AtomicU64,
    pub deliveries: Mutex<Vec<Value>>,
}

impl Account {
    fn new(key: &str, plan: Plan, scope: Scope, user: String, revoked: bool, credits: i64) -> Self {
        Self {
            key: key.to_owned(),
            plan,
            scope,
            user,
            revoked,
            data: Mutex::new(Data { credits, ..Data::default() }),
            limiter: Mutex::default(),
            in_flight: AtomicUsize::new(0),
            events: broadcast::channel(4096).0,
            idempotency: Mutex::default(),
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
        let mut body = json!({"type": event_type, "timestamp": rfc3339(now_ms()), "company_id": company_id});
        if let (Some(obj), Value::Object(extra)) = (body.as_object_mut(), fields) {
            obj.extend(extra);
        }
        let event = Event { seq: data.event_seq, company_id: company_id.to_owned(), data: body };
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

/// Serializable snapshot of every account's data, for `--state`.
#[derive(Serialize, Deserialize, Default)]
struct Snapshot {
    id_seq: u64,
    accounts: HashMap<String, Data>,
}

pub struct Mock {
    pub config: Config,
    accounts: RwLock<HashMap<String, Arc<Account>>>,
    id_seq: AtomicU64,
    dirty: AtomicBool,
    rng: Mutex<u64>,
    pub(crate) webhooks: Option<tokio::sync::mpsc::UnboundedSender<(String, Arc<Event>)>>,
}

impl Mock {
    pub fn new(config: Config, webhooks: Option<tokio::sync::mpsc::UnboundedSender<(String, Arc<Event>)>>) -> Self {
        let mut accounts = HashMap::new();
        let starter = config.plans.get("starter").copied().unwrap_or(Plan { rpm: 60, burst: 10 });
        if !config.keys.iter().any(|k| k.key == DEMO_KEY) {
            let demo = Account::new(DEMO_KEY, starter, Scope::ReadWrite, "user_demo".into(), false, config.credits);
            accounts.insert(DEMO_KEY.to_owned(), Arc::new(demo));
        }
        for k in &config.keys {
            let plan = config.plans.get(&k.plan).copied().unwrap_or(starter);
            let user = k.user.clone().unwrap_or_else(|| "user_demo".into());
            let account = Account::new(&k.key, plan, k.scope.clone(), user, k.revoked, k.credits.unwrap_or(config.credits));
            accounts.insert(k.key.clone(), Arc::new(account));
        }
        let seed = config.seed;
        let mock = Self { config, accounts: RwLock::new(accounts), id_seq: AtomicU64::new(0), dirty: AtomicBool::new(false), rng: Mutex::new(seed | 1), webhooks };
        mock.load_snapshot();
        mock
    }

    /// The account behind a well-formed key, created on first use under `--open-keys`.
    pub fn account(&self, key: &str) -> Option<Arc<Account>> {
        if let Some(a) = self.accounts.read().unwrap_or_else(|e| e.into_inner()).get(key) {
            return Some(a.clone());
        }
        let plan = self.config.plans.get(self.config.open_keys.as_deref()?).copied()?;
        let mut accounts = self.accounts.write().unwrap_or_else(|e| e.into_inner());
        let account = accounts
            .entry(key.to_owned())
            .or_insert_with(|| Arc::new(Account::new(key, plan, Scope::ReadWrite, "user_demo".into(), false, self.config.credits)));
        Some(account.clone())
    }

    pub fn all_accounts(&self) -> Vec<Arc<Account>> {
        self.accounts.read().unwrap_or_else(|e| e.into_inner()).values().cloned().collect()
    }

    /// Opaque-looking ids from one counter for the whole mock, so an id never names
    /// something in two accounts.
    pub fn new_id(&self, prefix: &str) -> String {
        let n = self.id_seq.fetch_add(1, Ordering::Relaxed) + 1;
        // A bijective scramble of the counter: ids look random but never collide.
        let mixed = (n.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0x5bd1_e995) & 0xFFFF_FFFF_FFFF;
        format!("{prefix}_{}", base36(mixed))
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

    fn deliver(&self, key: &str, event: Arc<Event>) {
        if let Some(tx) = &self.webhooks {
            let _ = tx.send((key.to_owned(), event));
        }
    }

    pub fn reset(&self, account: &Account) {
        *lock(&account.data) = Data { credits: self.config.credits, ..Data::default() };
        lock(&account.idempotency).clear();
        lock(&account.faults).clear();
        lock(&account.log).clear();
        lock(&account.deliveries).clear();
        self.mark_dirty();
    }

    fn load_snapshot(&self) {
        let Some(path) = &self.config.state_file else { return };
        let Ok(text) = std::fs::read_to_string(path) else { return };
        let Ok(snapshot) = serde_json::from_str::<Snapshot>(&text) else {
            eprintln!("capx-mock: ignoring unreadable state file {}", path.display());
            return;
        };
        self.id_seq.store(snapshot.id_seq, Ordering::Relaxed);
        for (key, data) in snapshot.accounts {
            if let Some(account) = self.account(&key).or_else(|| self.restore_account(&key)) {
                *lock(&account.data) = data;
            }
        }
    }

    fn restore_account(&self, key: &str) -> Option<Arc<Account>> {
        let plan = self.config.plans.get("starter").copied()?;
        let account = Arc::new(Account::new(key, plan, Scope::ReadWrite, "user_demo".into(), false, self.config.credits));
        self.accounts.write().unwrap_or_else(|e| e.into_inner()).insert(key.to_owned(), account.clone());
        Some(account)
    }

    /// Writes the snapshot atomically (temp file, then rename) when something changed.
    pub fn save_snapshot(&self) -> std::io::Result<()> {
        let Some(path) = &self.config.state_file else { return Ok(()) };
        if !self.dirty.swap(false, Ordering::Relaxed) {
            return Ok(());
        }
        let accounts = self.all_accounts();
        let guards: Vec<_> = accounts.iter().map(|a| (a.key.clone(), lock(&a.data))).collect();
        let snapshot = json!({
            "id_seq": self.id_seq.load(Ordering::Relaxed),
            "accounts": guards.iter().map(|(k, d)| (k.clone(), serde_json::to_value(&**d).unwrap_or(Value::Null))).collect::<Map<_, _>>(),
        });
        drop(guards);
        let tmp = path.with_extension("tmp");
        std::fs::write(&tmp, serde_json::to_vec(&snapshot).unwrap_or_default())?;
        std::fs::rename(tmp, path)
    }

    pub fn snapshot_interval(&self) -> Duration {
        Duration::from_secs(1)
    }
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
