//! capx-mock: a local emulator of the Capx API (seeds 000 and 004), as `stripe-mock` is for
//! Stripe. Start it in-process with [`start`], or run the `capx-mock` binary.

mod api;
mod auth;
mod call;
mod companies;
pub mod config;
mod conn;
mod control;
pub mod faults;
mod heartbeat;
mod http;
mod idempotency;
mod limiter;
mod locks;
mod outcome;
mod pagination;
mod pipeline;
mod query;
mod reqlog;
mod server;
mod signature;
mod snapshot;
mod sse;
mod state;
mod tasks;
pub mod time;
mod webhooks;

pub use config::Config;
pub use signature::sign as sign_webhook;

use state::Mock;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub struct MockServer {
    addr: SocketAddr,
    mock: Arc<Mock>,
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

/// Binds `config.host:config.port` (port 0 picks a free one) and starts serving, the agent
/// heartbeat, webhook delivery and state snapshots.
pub async fn start(config: Config) -> std::io::Result<MockServer> {
    config.validate().map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?;
    let listener = tokio::net::TcpListener::bind((config.host, config.port)).await?;
    let addr = listener.local_addr()?;
    let (webhook_tx, webhook_rx) = tokio::sync::mpsc::unbounded_channel();
    let wants_webhooks = config.webhook_url.is_some() && config.webhook_secret.is_some();
    let mock = Arc::new(Mock::new(config, wants_webhooks.then_some(webhook_tx)));
    let (stop, stopped) = watch::channel(false);
    let mut tasks = vec![tokio::spawn(server::serve(listener, mock.clone(), stopped.clone()))];
    tasks.push(tokio::spawn(every(mock.config.heartbeat, stopped.clone(), {
        let mock = mock.clone();
        move || {
            for account in mock.all_accounts() {
                heartbeat::beat(&mock, &account);
            }
        }
    })));
    tasks.push(tokio::spawn(every(snapshot::INTERVAL, stopped, {
        let mock = mock.clone();
        move || {
            if let Err(e) = mock.save_snapshot() {
                eprintln!("capx-mock: cannot write the state file: {e}");
            }
        }
    })));
    if wants_webhooks {
        tasks.push(tokio::spawn(webhooks::run(mock.clone(), webhook_rx)));
    }
    Ok(MockServer { addr, mock, stop, tasks })
}

async fn every(period: std::time::Duration, mut stop: watch::Receiver<bool>, mut f: impl FnMut() + Send + 'static) {
    let mut ticker = tokio::time::interval(period);
    ticker.tick().await;
    loop {
        tokio::select! {
            _ = ticker.tick() => f(),
            _ = stop.changed() => return,
        }
    }
}

impl MockServer {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT/v1`
    pub fn base_url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    /// Stops accepting, stops the background tasks, and writes the state snapshot.
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        for task in self.tasks {
            task.abort();
        }
        self.mock.mark_dirty();
        if let Err(e) = self.mock.save_snapshot() {
            eprintln!("capx-mock: cannot write the state file: {e}");
        }
    }
}
