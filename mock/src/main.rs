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
    let server = match capx_mock::start(config).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("capx-mock: cannot listen: {e}");
            std::process::exit(1);
        }
    };
    println!("capx-mock listening on http://{}", server.addr());
    let _ = std::io::stdout().flush();
    wait_for_stop().await;
    server.shutdown().await;
}

async fn wait_for_stop() {
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
