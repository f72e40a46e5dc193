//! `Idempotency-Key` (seed 000): per API key, a stored response per idempotency key for a
//! while (24 h by default). A repeat of the same request gets the stored response without
//! re-executing; the same key on a different request is a 409 `conflict`. Concurrent
//! duplicates wait on the key's slot, so exactly one of them executes.

use crate::locks::lock;
use crate::time::now_ms;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// What makes two requests "the same": the body compares as JSON, so a retry that
/// re-serializes it (other whitespace, other key order) still matches.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fingerprint {
    pub method: String,
    pub path: String,
    pub query: String,
    pub body: Option<Value>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Stored {
    pub fingerprint: Fingerprint,
    pub status: u16,
    pub body: String,
    /// Wall clock, so that the expiry survives a restart from `--state`.
    pub at_ms: u64,
}

pub type Slot = Arc<tokio::sync::Mutex<Option<Stored>>>;

/// Keys are purged of expired entries every this many new keys, so a long run stays bounded.
const PURGE_EVERY: usize = 1024;

#[derive(Default)]
pub struct Store {
    slots: Mutex<HashMap<String, Slot>>,
    inserted: Mutex<usize>,
}

/// What a request with an `Idempotency-Key` should do.
pub enum Decision {
    Replay { status: u16, body: String },
    Conflict,
    Execute,
}

impl Store {
    /// The key's slot; the caller holds its lock across decide → execute → store.
    pub fn slot(&self, key: &str, ttl_ms: u64) -> Slot {
        let mut slots = lock(&self.slots);
        if let Some(slot) = slots.get(key) {
            return slot.clone();
        }
        let mut inserted = lock(&self.inserted);
        *inserted += 1;
        if inserted.is_multiple_of(PURGE_EVERY) {
            let now = now_ms();
            // A slot someone holds or has locked belongs to a request in progress: keep it.
            slots.retain(|_, slot| {
                Arc::strong_count(slot) > 1 || slot.try_lock().map_or(true, |s| s.as_ref().is_some_and(|s| !expired(s, ttl_ms, now)))
            });
        }
        slots.entry(key.to_owned()).or_default().clone()
    }

    pub fn clear(&self) {
        lock(&self.slots).clear();
    }

    /// Completed entries, for the state snapshot (one in progress is caught by the next one).
    pub fn entries(&self) -> HashMap<String, Stored> {
        lock(&self.slots).iter().filter_map(|(k, slot)| Some((k.clone(), slot.try_lock().ok()?.clone()?))).collect()
    }

    pub fn restore(&self, entries: HashMap<String, Stored>) {
        let mut slots = lock(&self.slots);
        for (key, stored) in entries {
            slots.insert(key, Arc::new(tokio::sync::Mutex::new(Some(stored))));
        }
    }
}

fn expired(s: &Stored, ttl_ms: u64, now: u64) -> bool {
    now.saturating_sub(s.at_ms) >= ttl_ms
}

pub fn decide(stored: &Option<Stored>, fingerprint: &Fingerprint, ttl_ms: u64) -> Decision {
    match stored.as_ref().filter(|s| !expired(s, ttl_ms, now_ms())) {
        Some(s) if s.fingerprint == *fingerprint => Decision::Replay { status: s.status, body: s.body.clone() },
        Some(_) => Decision::Conflict,
        None => Decision::Execute,
    }
}
