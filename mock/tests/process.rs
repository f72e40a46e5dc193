//! The `capx-mock` binary as users run it: flags, `CAPX_MOCK_*` env, the config file, the
//! request log on stderr and `--quiet`, `--state` across a kill; and CORS.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;
use common::*;
use serde_json::{json, Value};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::Stdio;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
use tokio::process::{Child, Command};

struct Running {
    child: Child,
    addr: SocketAddr,
}

fn command(args: &[&str], env: &[(&str, &str)]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_capx-mock"));
    cmd.args(args).env_clear().envs(env.iter().copied()).stdout(Stdio::piped()).stderr(Stdio::piped()).kill_on_drop(true);
    cmd
}

/// Starts the binary on a free port and waits for its "listening on" line.
async fn spawn(args: &[&str], env: &[(&str, &str)]) -> Running {
    let all: Vec<&str> = ["--port", "0", "--heartbeat-ms", "3600000"].iter().chain(args).copied().collect();
    let mut child = command(&all, env).spawn().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let line = tokio::time::timeout(std::time::Duration::from_secs(30), lines.next_line()).await.unwrap().unwrap().unwrap();
    let origin = line.strip_prefix("capx-mock listening on http://").unwrap_or_else(|| panic!("{line}"));
    Running { child, addr: origin.parse().unwrap() }
}

impl Running {
    fn client(&self, key: &str) -> Client {
        Client { addr: self.addr, key: key.to_owned() }
    }
    /// Kills the process (SIGKILL: no chance to save anything) and returns its stderr.
    async fn kill(mut self) -> String {
        self.child.kill().await.unwrap();
        let mut err = String::new();
        self.child.stderr.take().unwrap().read_to_string(&mut err).await.unwrap();
        err
    }
}

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("capx-mock-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[tokio::test(flavor = "multi_thread")]
async fn flags_env_and_config_file() {
    let dir = temp("config");
    let file = dir.join("keys.json");
    let config = json!({
        "keys": [
            {"key": "capx_sk_live_filepro", "plan": "pro", "user": "user_file"},
            {"key": "capx_sk_test_fileread", "plan": "starter", "scope": "read_only"},
            {"key": "capx_sk_test_filerich", "plan": "big", "credits": 777},
        ],
        "plans": {"big": {"rpm": 1234, "burst": 5}},
    });
    std::fs::write(&file, config.to_string()).unwrap();
    let mock = spawn(
        &["--config", file.to_str().unwrap(), "--keys", "capx_sk_test_flagkey:tiny,capx_sk_test_flagread::read_only", "--plans", "tiny=3/1", "--credits", "50", "--quiet"],
        &[("CAPX_MOCK_CORS_ORIGINS", "http://a.test")],
    )
    .await;
    let get = |key: &str| {
        let c = mock.client(key);
        async move { c.get("/v1/companies").await }
    };
    assert_eq!(get("capx_sk_test_flagkey").await.rate().0, 3, "--keys and --plans");
    assert_eq!(get("capx_sk_test_flagread").await.rate().0, 60, "a key without a plan is on Starter");
    assert_eq!(get("capx_sk_live_filepro").await.rate().0, 300, "the file's key on the built-in Pro plan");
    let rich = get("capx_sk_test_filerich").await;
    assert_eq!((rich.rate().0, rich.remaining()), (1234, 776), "the file's plan and the key's own balance");
    assert_eq!(get("capx_sk_test_demo").await.remaining(), 49, "--credits for the rest");
    assert_eq!(mock.client("capx_sk_live_filepro").account().await["user"], "user_file");
    for key in ["capx_sk_test_fileread", "capx_sk_test_flagread"] {
        assert_eq!(mock.client(key).post("/v1/companies", r#"{"name":"x"}"#).await.status, 403, "{key}");
    }
    assert_eq!(get("capx_sk_test_somebodyelse").await.status, 401, "no --open-keys: unknown keys are refused");
    let cors = mock.client("capx_sk_test_demo").call("GET", "/v1/companies", None, &[("Origin", "http://a.test")]).await;
    assert_eq!(cors.header("access-control-allow-origin"), Some("http://a.test"), "CAPX_MOCK_CORS_ORIGINS");
    mock.kill().await;
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread")]
async fn open_keys_from_the_env() {
    let mock = spawn(&["--quiet"], &[("CAPX_MOCK_OPEN_KEYS", "pro"), ("CAPX_MOCK_CREDITS", "7")]).await;
    let r = mock.client(&fresh_key()).get("/v1/companies").await;
    assert_eq!((r.status, r.rate().0, r.remaining()), (200, 300, 6));
    mock.kill().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn structured_request_log_on_stderr() {
    let mock = spawn(&[], &[]).await;
    let c = mock.client("capx_sk_test_demo");
    let auth = ("Authorization", "Bearer capx_sk_test_demo");
    let answered = [
        c.get("/v1/companies").await,
        c.post("/v1/companies", "{bad").await,
        raw(mock.addr, "GET", "/health", &[], None).await.unwrap(),
        raw(mock.addr, "GET", "/v1/companies?limit=5", &[], None).await.unwrap(),
        raw(mock.addr, "GET", "/v1/companies", &[auth, ("X-Capx-Mock-Fault", "500")], None).await.unwrap(),
    ];
    let create = [auth, ("X-Capx-Mock-Fault", "drop_after_commit"), ("Content-Type", "application/json")];
    assert!(raw(mock.addr, "POST", "/v1/companies", &create, Some(r#"{"name":"Dropped"}"#)).await.is_none(), "no answer");
    // The log is written by a background thread: read it as it comes.
    let mut mock = mock;
    let mut stderr = BufReader::new(mock.child.stderr.take().unwrap()).lines();
    let mut text = Vec::new();
    while text.len() < 6 {
        let line = tokio::time::timeout(std::time::Duration::from_secs(30), stderr.next_line()).await.unwrap().unwrap().unwrap();
        text.push(line);
    }
    mock.child.kill().await.unwrap();
    let err = text.join("\n");
    let lines: Vec<Value> = text.iter().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}"))).collect();
    let seen: Vec<(String, String, u64)> =
        lines.iter().map(|l| (l["method"].as_str().unwrap().to_owned(), l["path"].as_str().unwrap().to_owned(), l["status"].as_u64().unwrap())).collect();
    let want = [
        ("GET", "/v1/companies", 200),
        ("POST", "/v1/companies", 400),
        ("GET", "/health", 200),
        ("GET", "/v1/companies", 401),
        ("GET", "/v1/companies", 500),
        ("POST", "/v1/companies", 201),
    ];
    assert_eq!(seen, want.map(|(m, p, s)| (m.to_owned(), p.to_owned(), s)), "{err}");
    let faults: Vec<Option<&str>> = lines.iter().map(|l| l.get("fault").map(|f| f.as_str().unwrap())).collect();
    assert_eq!(faults, [None, None, None, None, Some("500"), Some("drop_after_commit")], "a dropped request is logged too: {err}");
    // Each line names the X-Request-Id its response carried (the dropped one had none to carry).
    let logged: Vec<&str> = lines.iter().map(|l| l["request_id"].as_str().unwrap()).collect();
    let sent: Vec<&str> = answered.iter().map(|r| r.header("x-request-id").unwrap()).collect();
    assert_eq!(logged[..5], sent, "{err}");
    assert!(logged[5].starts_with("req_") && !sent.contains(&logged[5]), "{err}");
    for l in &lines {
        let keys: Vec<&String> = l.as_object().unwrap().keys().filter(|k| *k != "fault").collect();
        assert_eq!(keys, ["ts", "request_id", "method", "path", "status", "ms"]);
        assert!(l["ms"].as_f64().unwrap() >= 0.0 && l["ts"].as_str().unwrap().ends_with('Z'));
    }
    assert!(!err.contains("capx_sk_test_demo"), "the key is never logged");
}

#[tokio::test(flavor = "multi_thread")]
async fn quiet_means_no_log() {
    for (args, env) in [(&["--quiet"][..], &[][..]), (&[][..], &[("CAPX_MOCK_QUIET", "1")][..])] {
        let mock = spawn(args, env).await;
        let c = mock.client("capx_sk_test_demo");
        c.get("/v1/companies").await;
        c.get("/v1/nothing").await;
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        assert_eq!(mock.kill().await, "");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn help_and_bad_configuration() {
    let help = command(&["--help"], &[]).output().await.unwrap();
    assert!(help.status.success());
    let usage = String::from_utf8_lossy(&help.stdout);
    for flag in ["--port", "--config", "--keys", "--plans", "--open-keys", "--credits", "--fault-rate", "--cors-origins", "--state", "--quiet", "--exit-on-stdin-close", "CAPX_MOCK_"] {
        assert!(usage.contains(flag), "{flag} in {usage}");
    }
    for bad in [
        &["--nope", "x"][..],
        &["--port"],
        &["--port", "http"],
        &["--fault-kinds", "meltdown"],
        &["--fault-rate", "2"],
        &["--keys", "sk_live_x"],
        &["--keys", "capx_sk_test_a:platinum"],
        &["--plans", "gold=fast"],
        &["--open-keys", "platinum"],
        &["--webhook-url", "http://127.0.0.1:9/h", "--webhook-secret", "not-a-secret"],
        &["--config", "/nonexistent/keys.json"],
    ] {
        let out = command(bad, &[]).output().await.unwrap();
        assert_eq!(out.status.code(), Some(2), "{bad:?}");
        assert!(!out.stderr.is_empty(), "{bad:?} says why");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn state_survives_a_kill_and_a_restart() {
    let dir = temp("state");
    let file = dir.join("state.json");
    let state = file.to_str().unwrap();
    let mock = spawn(&["--state", state, "--quiet"], &[]).await;
    let c = mock.client("capx_sk_test_demo");
    let co = c.company("human_in_loop").await;
    let created = c.call("POST", &format!("/v1/companies/{co}/tasks"), Some(r#"{"title":"persisted"}"#), &[("Idempotency-Key", "survives")]).await;
    let task = created.data()["id"].as_str().unwrap().to_owned();
    // Snapshots are written in the background: wait for one that holds the task, then kill.
    eventually("a snapshot with the task", || async {
        let text = std::fs::read_to_string(&file).ok()?;
        serde_json::from_str::<Value>(&text).ok()?;
        (text.contains(&task) && text.contains("survives")).then_some(())
    })
    .await;
    mock.kill().await;
    let leftovers: Vec<String> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert_eq!(leftovers, ["state.json"], "written to a temporary file, then renamed");

    let again = spawn(&["--state", state, "--quiet"], &[]).await;
    let c = again.client("capx_sk_test_demo");
    let got = c.get(&format!("/v1/companies/{co}/tasks/{task}")).await;
    assert_eq!((got.status, got.data()["title"].as_str(), got.data()["status"].as_str()), (200, Some("persisted"), Some("pending_approval")));
    assert_eq!(got.remaining(), 10_000 - 1 - 2 - 1, "the balance too");
    let replay = c.call("POST", &format!("/v1/companies/{co}/tasks"), Some(r#"{"title":"persisted"}"#), &[("Idempotency-Key", "survives")]).await;
    assert_eq!((replay.header("idempotent-replayed"), replay.body == created.body), (Some("true"), true), "idempotency keys too");
    assert_ne!(c.company("autonomous").await, co, "ids go on, never reused");
    again.kill().await;

    std::fs::write(&file, "{ not json").unwrap();
    let fresh = spawn(&["--state", state], &[]).await;
    assert_eq!(fresh.client("capx_sk_test_demo").get("/v1/companies").await.data(), json!([]));
    let err = fresh.kill().await;
    assert!(err.contains("ignoring unreadable state file"), "{err}");
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread")]
async fn state_is_saved_on_a_clean_shutdown() {
    let dir = temp("inprocess");
    let file = dir.join("state.json");
    let key = fresh_key();
    let path = file.clone();
    let server = start(|c| c.state_file = Some(path)).await;
    let c = Client::with_key(&server, &key);
    let co = c.company("autonomous").await;
    server.shutdown().await;
    let path = file.clone();
    let again = start(|c| c.state_file = Some(path)).await;
    assert_eq!(Client::with_key(&again, &key).get(&format!("/v1/companies/{co}")).await.status, 200);
    again.shutdown().await;
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread")]
async fn cors_for_browser_tests() {
    let open = start(|_| {}).await;
    let c = Client::new(&open);
    let any = c.call("GET", "/v1/companies", None, &[("Origin", "http://localhost:5173")]).await;
    assert_eq!(any.header("access-control-allow-origin"), Some("*"), "the default allows any origin");
    let exposed = any.header("access-control-expose-headers").unwrap();
    for h in ["X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "Retry-After", "Idempotent-Replayed", "X-Request-Id"] {
        assert!(exposed.contains(h), "{h} readable from a page");
    }
    open.shutdown().await;

    let server = start(|c| c.cors_origins = "http://a.test, http://b.test".into()).await;
    let addr = server.addr();
    let c = Client::new(&server);
    let preflight = |origin: &'static str| async move {
        let headers = [("Origin", origin), ("Access-Control-Request-Method", "PATCH"), ("Access-Control-Request-Headers", "authorization,idempotency-key,x-capx-mock-fault")];
        raw(addr, "OPTIONS", "/v1/companies/co_1/tasks/tsk_1", &headers, None).await.unwrap()
    };
    let ok = preflight("http://b.test").await;
    assert_eq!(ok.status, 204);
    assert_eq!(ok.header("access-control-allow-origin"), Some("http://b.test"));
    assert_eq!(ok.header("vary"), Some("Origin"));
    let methods = ok.header("access-control-allow-methods").unwrap();
    assert!(["GET", "POST", "PATCH", "DELETE"].iter().all(|m| methods.contains(m)), "{methods}");
    assert_eq!(ok.header("access-control-allow-headers"), Some("authorization,idempotency-key,x-capx-mock-fault"));
    assert!(ok.header("access-control-max-age").is_some());
    assert_eq!(preflight("http://evil.test").await.header("access-control-allow-origin"), None);
    let allowed = c.call("GET", "/v1/companies", None, &[("Origin", "http://a.test")]).await;
    assert_eq!(allowed.header("access-control-allow-origin"), Some("http://a.test"));
    let refused = c.call("GET", "/v1/companies", None, &[("Origin", "http://evil.test")]).await;
    assert_eq!((refused.status, refused.header("access-control-allow-origin")), (200, None));
    let anonymous = raw(addr, "GET", "/v1/companies", &[("Origin", "http://a.test")], None).await.unwrap();
    assert_eq!((anonymous.status, anonymous.header("access-control-allow-origin")), (401, Some("http://a.test")), "errors are readable too");
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn exit_on_stdin_close_is_opt_in() {
    let dir = temp("stdin");
    let file = dir.join("state.json");
    let state = file.to_str().unwrap();
    // Without the flag, stdin at end of file (here: /dev/null) changes nothing.
    let mut plain = command(&["--port", "0", "--quiet"], &[]);
    let mut plain = plain.stdin(Stdio::null()).spawn().unwrap();
    let mut lines = BufReader::new(plain.stdout.take().unwrap()).lines();
    let line = tokio::time::timeout(std::time::Duration::from_secs(30), lines.next_line()).await.unwrap().unwrap().unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert!(plain.try_wait().unwrap().is_none(), "still running after {line}");
    plain.kill().await.unwrap();

    // With it, closing the pipe is a clean shutdown: exit 0, the state saved.
    let mut cmd = command(&["--port", "0", "--quiet", "--exit-on-stdin-close", "--state", state], &[]);
    let mut child = cmd.stdin(Stdio::piped()).spawn().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let line = tokio::time::timeout(std::time::Duration::from_secs(30), lines.next_line()).await.unwrap().unwrap().unwrap();
    let addr: SocketAddr = line.strip_prefix("capx-mock listening on http://").unwrap().parse().unwrap();
    let c = Client { addr, key: "capx_sk_test_demo".into() };
    let co = c.company("autonomous").await;
    drop(child.stdin.take());
    let status = tokio::time::timeout(std::time::Duration::from_secs(10), child.wait()).await.expect("exits when stdin closes").unwrap();
    assert!(status.success(), "{status}");
    assert!(std::fs::read_to_string(&file).unwrap().contains(&co), "saved on the way out");
    let _ = std::fs::remove_dir_all(dir);
}
