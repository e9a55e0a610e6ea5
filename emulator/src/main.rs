//! The `lpmon-emulator` binary: parse flags, set up logging, bind, announce, serve until a signal.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;
use lpmon_emulator::http::campaign_view;
use lpmon_emulator::{Bound, Cli};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();

    if cli.check {
        // `requires` guarantees a file; clap has already read and checked it.
        if let Some(file) = &cli.campaigns {
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "{}: ok", file.path.display());
            let _ = write!(out, "{}", campaign_view::summary(&file.loaded.catalog));
            for warning in &file.loaded.warnings {
                let _ = writeln!(out, "warning: {warning}");
            }
        }
        return ExitCode::SUCCESS;
    }

    let filter = match EnvFilter::try_new(&cli.log) {
        Ok(filter) => filter,
        Err(err) => {
            eprintln!("lpmon-emulator: bad --log filter {:?}: {err}", cli.log);
            return ExitCode::from(2);
        }
    };
    // stdout carries only the one ready line that tests parse; everything else goes to stderr.
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();

    for warning in cli.campaigns.iter().flat_map(|f| &f.loaded.warnings) {
        tracing::warn!("campaign file: {warning}");
    }

    let bound = match Bound::bind(&cli).await {
        Ok(bound) => bound,
        Err(err) => {
            tracing::error!("cannot listen: {err}");
            return ExitCode::FAILURE;
        }
    };

    let mut out = std::io::stdout().lock();
    if writeln!(out, "{}", bound.ready_line())
        .and_then(|()| out.flush())
        .is_err()
    {
        tracing::warn!("could not write the ready line to stdout");
    }
    drop(out);
    tracing::info!(site = %bound.site_url(), api = %bound.api_url(), "listening");

    match bound.serve(shutdown_signal()).await {
        Ok(()) => {
            tracing::info!("stopped");
            ExitCode::SUCCESS
        }
        Err(err) => {
            tracing::error!("server failed: {err}");
            ExitCode::FAILURE
        }
    }
}

/// Resolves on SIGINT (Ctrl-C) or, on Unix, SIGTERM.
async fn shutdown_signal() {
    let interrupt = async {
        if tokio::signal::ctrl_c().await.is_err() {
            // Without a handler we can only wait for the other signal.
            std::future::pending::<()>().await;
        }
    };

    #[cfg(unix)]
    let terminate = async {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut stream) => {
                stream.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();

    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
}
