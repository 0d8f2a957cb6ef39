//! The exit codes of `closedesk`, part of its scripting contract.

use std::fmt::Display;

/// Success.
pub const OK: u8 = 0;
/// Any error not given its own code below.
pub const ERROR: u8 = 1;
/// The command line itself was wrong.
pub const USAGE: u8 = 2;

/// A closure blocker stands.
pub const BLOCKED: u8 = 3;
/// A wrong password, code, email or phrase.
pub const WRONG: u8 = 4;
/// Locked after too many wrong entries.
pub const LOCKED: u8 = 5;
/// The code expired, was voided or was never sent.
pub const EXPIRED: u8 = 6;
/// The audit trail's hash chain is broken.
pub const BROKEN_CHAIN: u8 = 7;

/// A command that failed: the one-line message for stderr and the exit code.
#[derive(Debug)]
pub struct Failure {
    /// The exit code.
    pub code: u8,
    /// What went wrong and why, in one line, with no personal data.
    pub message: String,
}

impl Failure {
    /// A failure with exit code [`ERROR`].
    pub fn error(message: impl Display) -> Self {
        Self { code: ERROR, message: message.to_string() }
    }

    /// A failure with its own exit code.
    pub fn with_code(code: u8, message: impl Display) -> Self {
        Self { code, message: message.to_string() }
    }
}

impl<E: std::error::Error> From<E> for Failure {
    fn from(err: E) -> Self {
        Self::error(one_line(&err))
    }
}

/// The error and its causes on one line.
fn one_line(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text.replace('\n', " ")
}
