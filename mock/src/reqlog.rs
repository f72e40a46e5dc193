//! The structured request log on stderr: one JSON object a line. Lines go through a channel
//! to a writer thread that batches them, so logging costs a request a formatted string, not
//! a locked, unbuffered write to stderr (which halved the throughput under load).

use crate::time::{now_ms, rfc3339};
use std::io::Write;
use std::sync::mpsc::{channel, Sender};
use std::time::Duration;

pub struct RequestLog {
    lines: Sender<String>,
}

impl RequestLog {
    pub fn to_stderr() -> Self {
        let (lines, rx) = channel::<String>();
        std::thread::spawn(move || {
            let mut out = std::io::BufWriter::new(std::io::stderr());
            // Ends when the mock (the sender) is gone.
            while let Ok(line) = rx.recv() {
                let _ = writeln!(out, "{line}");
                while let Ok(more) = rx.try_recv() {
                    let _ = writeln!(out, "{more}");
                }
                let _ = out.flush();
            }
        });
        Self { lines }
    }

    /// `fault` names the fault injected, if any; a `drop_after_commit` line has the status
    /// that was committed and never sent.
    /// `request_id` is the response's `X-Request-Id`, so that a client's log line can be
    /// matched to this one.
    pub fn record(&self, request_id: &str, method: &str, path: &str, status: u16, latency: Duration, fault: Option<&str>) {
        let fault = fault.map(|f| [r#","fault":"#, &quoted(f)].concat()).unwrap_or_default();
        let line = format!(
            r#"{{"ts":"{}","request_id":{},"method":{},"path":{},"status":{status},"ms":{:.3}{fault}}}"#,
            rfc3339(now_ms()),
            quoted(request_id),
            quoted(method),
            quoted(path),
            latency.as_secs_f64() * 1000.0
        );
        let _ = self.lines.send(line);
    }
}

fn quoted(s: &str) -> String {
    serde_json::Value::from(s).to_string()
}
