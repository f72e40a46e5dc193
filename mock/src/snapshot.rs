//! `--state FILE`: every account's data and idempotency store, saved (when something
//! changed) to a temporary file that is then renamed over FILE, so a crash never leaves a
//! half-written state; loaded at start.

use crate::idempotency::Stored;
use crate::locks::lock;
use crate::state::{Data, Mock};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::io::Write;
use std::sync::atomic::Ordering;
use std::time::Duration;

pub const INTERVAL: Duration = Duration::from_secs(1);

#[derive(Serialize, Deserialize, Default)]
struct Snapshot {
    id_seq: u64,
    accounts: HashMap<String, Data>,
    #[serde(default)]
    idempotency: HashMap<String, HashMap<String, Stored>>,
}

impl Mock {
    pub(crate) fn load_snapshot(&self) {
        let Some(path) = &self.config.state_file else { return };
        let Ok(text) = std::fs::read_to_string(path) else { return };
        let Ok(snapshot) = serde_json::from_str::<Snapshot>(&text) else {
            eprintln!("capx-mock: ignoring unreadable state file {}", path.display());
            return;
        };
        self.id_seq.store(snapshot.id_seq, Ordering::Relaxed);
        let mut idempotency = snapshot.idempotency;
        for (key, data) in snapshot.accounts {
            // A key that came from --open-keys before the restart keeps its data.
            let account = self.account(&key).unwrap_or_else(|| self.add_account(&key, "starter"));
            *lock(&account.data) = data;
            account.idempotency.restore(idempotency.remove(&key).unwrap_or_default());
        }
    }

    /// Writes the snapshot when something changed since the last one.
    pub fn save_snapshot(&self) -> std::io::Result<()> {
        let Some(path) = &self.config.state_file else { return Ok(()) };
        if !self.take_dirty() {
            return Ok(());
        }
        let accounts = self.all_accounts();
        let mut snapshot = Snapshot { id_seq: self.id_seq.load(Ordering::Relaxed), ..Snapshot::default() };
        for account in &accounts {
            // A copy, so that no request waits on the serialization.
            let data = lock(&account.data).clone();
            snapshot.accounts.insert(account.key.clone(), data);
            snapshot.idempotency.insert(account.key.clone(), account.idempotency.entries());
        }
        let bytes = serde_json::to_vec(&snapshot).map_err(std::io::Error::other)?;
        let mut name = path.file_name().unwrap_or_default().to_owned();
        name.push(".tmp");
        let tmp = path.with_file_name(name);
        let mut file = std::fs::File::create(&tmp)?;
        file.write_all(&bytes)?;
        file.sync_all()?;
        std::fs::rename(tmp, path)
    }
}
