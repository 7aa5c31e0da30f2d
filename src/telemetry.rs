//! Logs: `tracing` to stderr, filtered by `RUST_LOG` (default `info`). Stdout is kept for
//! the machine-readable lines commands print.

use tracing_subscriber::EnvFilter;

/// Installs the global subscriber once; later calls are no-ops (tests call it per app).
pub fn init(default_filter: &str) {
    // The scheduler library logs every job it registers; only its warnings matter here.
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new(format!("{default_filter},tokio_cron_scheduler=warn")));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_target(false)
        .try_init();
}
