//! The `closedesk` command line: the same engine and services as the window, driven headless.
//! This crate links no window code; the desktop program hands it the window to open when it
//! is run without a command.
//!
//! A contract other tools script against: `--json` prints one JSON document on stdout,
//! errors are one line on stderr, and exit codes are fixed (see [`exit`]).

mod args;
mod backup;
mod close;
mod commands;
mod copies;
pub mod exit;
mod output;
mod staff;
mod table;

use std::io::IsTerminal as _;
use std::process::ExitCode;

use clap::{CommandFactory as _, FromArgMatches as _, Parser as _};
// The engine's modules under the names the commands have always used (`crate::store`, …).
use closedesk_engine::{auth, clock, core, demo, desktop_entry, erasure, paths, service};

pub use args::{Args, Command};
pub use exit::Failure;

use commands::{print_json, read_password};

/// Opens the desktop window on a database: what `closedesk` without a command does.
pub type Window = fn(std::path::PathBuf, clock::Clock) -> anyhow::Result<()>;

/// Parses the command line, runs it, and turns the outcome into an exit code; without a
/// command it opens `window`.
pub fn main_with_window(window: Window) -> ExitCode {
    run(Args::try_parse(), Some(window))
}

/// Like [`main_with_window`] for `closedesk-cli`, which never opens the window: without a command it
/// prints the help and exits with the usage code.
pub fn main_console() -> ExitCode {
    let command = Args::command()
        .name("closedesk-cli")
        .bin_name("closedesk-cli")
        .about(args::CONSOLE_ABOUT)
        .long_about(args::CONSOLE_LONG_ABOUT)
        .subcommand_required(true)
        .arg_required_else_help(true);
    run(command.try_get_matches().and_then(|matches| Args::from_arg_matches(&matches)), None)
}

fn run(args: Result<Args, clap::Error>, window: Option<Window>) -> ExitCode {
    let args = match args {
        Ok(args) => args,
        Err(err) => {
            // clap prints help and version to stdout with success, usage errors to stderr with 2;
            // a closed output is no reason to fail either.
            let _ = err.print();
            return ExitCode::from(if err.use_stderr() { exit::USAGE } else { exit::OK });
        }
    };
    // The window keeps the default hook: its panics are its own. Every command gets one line.
    if args.command.is_some() {
        output::install_panic_hook();
    }
    init_logging();
    // Unwinding rolls back open transactions and removes temporary files on its way here.
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        // The tests of the panic hook need a panic on demand; a release build has no such door.
        #[cfg(debug_assertions)]
        assert!(
            std::env::var_os("CLOSEDESK_DEBUG_PANIC").is_none(),
            "a panic on demand, holding a personal value: panic.test@example.com"
        );
        commands::run(args, window)
    }));
    match outcome {
        Ok(Ok(())) => ExitCode::from(exit::OK),
        Ok(Err(failure)) if failure.is_output_closed() => ExitCode::from(exit::OK),
        Ok(Err(failure)) => {
            output::note!("error: {}", failure.message);
            ExitCode::from(failure.code)
        }
        Err(_) => ExitCode::from(exit::ERROR),
    }
}

/// Logs go to stderr, filtered by `CLOSEDESK_LOG` (default: warnings). They never carry personal data.
fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("CLOSEDESK_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .try_init();
}
