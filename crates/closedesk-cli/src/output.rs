//! Where the commands' words go: standard output through writes whose errors are handled,
//! standard error through writes that cannot fail the command, and a panic hook that keeps any
//! bug to one line.
//!
//! `println!` panics when standard output is a closed pipe (`closedesk accounts | head -1`),
//! after the work is done: a scheduler then saw exit 101 and a backtrace where a purge had
//! succeeded. Here a closed output ends the command quietly with the exit code of its work.
//!
//! Rust programs ignore SIGPIPE, so such a write fails with `EPIPE` instead of killing the
//! process, and each write's result is looked at here. Restoring SIGPIPE's default action (as
//! `cat` has it) was the other way, and a worse one: the signal would kill the command at the
//! first write to a closed pipe wherever it happens, including a warning, a progress line or a
//! log line on a closed stderr in the middle of a closure step or a purge, and with exit 141,
//! which a scheduler reads as a failure. Every command prints only after its work is committed
//! (and audited), so a reader that goes away loses words, never work.

use std::io::Write as _;
use std::sync::atomic::{AtomicBool, Ordering};

use super::Failure;
use crate::core::money::group_thousands;
use crate::core::words::plural;

/// Writes `text` to standard output and flushes it.
///
/// A closed pipe is [`Failure::output_closed`] (exit 0, nothing printed); any other error,
/// such as a full disk behind a redirection, is a failure that says so.
pub fn stdout(text: &str) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes()).and_then(|()| out.flush()).map_err(|err| {
        if err.kind() == std::io::ErrorKind::BrokenPipe {
            Failure::output_closed()
        } else {
            Failure::error(format!("cannot write to standard output: {err}"))
        }
    })
}

/// Writes `text` to standard error, ignoring errors: with standard error closed there is
/// nowhere left to say anything, and the command's work and exit code must not depend on it.
pub fn stderr(text: &str) {
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(text.as_bytes());
    let _ = err.flush();
}

/// `println!` for the commands: a line on standard output, through [`stdout`]; use with `?`.
macro_rules! say {
    ($($arg:tt)*) => {
        $crate::output::stdout(&format!("{}\n", format_args!($($arg)*)))
    };
}

/// `eprintln!` for the commands: a line on standard error, through [`stderr`].
macro_rules! note {
    ($($arg:tt)*) => {
        $crate::output::stderr(&format!("{}\n", format_args!($($arg)*)))
    };
}

pub(crate) use {note, say};

/// The count with thousands grouped, and its noun: "1 account", "18,008 accounts".
pub fn counted(count: u64, one: &str, many: &str) -> String {
    format!("{} {}", group_thousands(count), plural(i64::try_from(count).unwrap_or(i64::MAX), one, many))
}

/// Whether the one line about a panic was written already (a panic on another thread and the
/// one it causes on the thread that joins it are one bug).
static PANIC_REPORTED: AtomicBool = AtomicBool::new(false);

/// Replaces the default panic message (the payload, which may hold any value the code was
/// handling, and a backtrace) with one line naming only where in closedesk it happened.
///
/// The caller catches the unwinding and exits with [`super::exit::ERROR`]; transactions roll
/// back and temporary files are removed on the way.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        if PANIC_REPORTED.swap(true, Ordering::SeqCst) {
            return;
        }
        let place = info.location().map_or_else(String::new, |at| format!(" at {}:{}", at.file(), at.line()));
        stderr(&format!(
            "error: closedesk stopped on an internal error{place}; nothing after that point was done \
             (this is a bug: please report this line)\n"
        ));
    }));
}
