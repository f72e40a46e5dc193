use std::io::Write;

#[tokio::main]
async fn main() {
    if std::env::args().skip(1).any(|a| a == "--help" || a == "-h") {
        println!("{}", capx_mock::config::USAGE);
        return;
    }
    let config = match capx_mock::Config::from_args(std::env::args().skip(1)) {
        Ok(c) => c,
        Err(message) => {
            eprintln!("{message}");
            std::process::exit(2);
        }
    };
    let stdin_closed = config.exit_on_stdin_close.then(stdin_closed);
    let server = match capx_mock::start(config).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("capx-mock: cannot listen: {e}");
            std::process::exit(1);
        }
    };
    println!("capx-mock listening on http://{}", server.addr());
    let _ = std::io::stdout().flush();
    match stdin_closed {
        Some(closed) => tokio::select! { _ = wait_for_signal() => {}, _ = closed => {} },
        None => wait_for_signal().await,
    }
    server.shutdown().await;
}

/// Resolves when stdin reaches end of file (or fails): read on a thread of its own, because
/// a blocking read of stdin cannot be cancelled and would hold up the runtime's shutdown.
fn stdin_closed() -> tokio::sync::oneshot::Receiver<()> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    std::thread::spawn(move || {
        let _ = std::io::copy(&mut std::io::stdin().lock(), &mut std::io::sink());
        let _ = tx.send(());
    });
    rx
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! { _ = tokio::signal::ctrl_c() => {}, _ = term.recv() => {} }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}
