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
    /// What the failure is about, beyond its words.
    kind: Kind,
}

/// What a [`Failure`] is about, for the words around it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// Its message says all.
    Plain,
    /// It came from the database (SQLite or the store), whose message may not name the file.
    Database,
    /// Standard output was closed: the reader went away. Not an error of the command.
    OutputClosed,
}

impl Failure {
    /// A failure with exit code [`ERROR`].
    pub fn error(message: impl Display) -> Self {
        Self { code: ERROR, message: message.to_string(), kind: Kind::Plain }
    }

    /// A failure with its own exit code.
    pub fn with_code(code: u8, message: impl Display) -> Self {
        Self { code, message: message.to_string(), kind: Kind::Plain }
    }

    /// Standard output is a closed pipe: the command stops printing and exits with [`OK`],
    /// saying nothing, as other programs whose reader went away do.
    pub fn output_closed() -> Self {
        Self { code: OK, message: String::new(), kind: Kind::OutputClosed }
    }

    /// Whether this is [`Failure::output_closed`].
    pub fn is_output_closed(&self) -> bool {
        self.kind == Kind::OutputClosed
    }

    /// A failure of the database at `db` that does not name it is prefixed with its path, so
    /// that every error says which file it is about ("constraint failed" alone does not).
    #[must_use]
    pub fn naming_database(mut self, db: &std::path::Path) -> Self {
        let path = db.display().to_string();
        if self.kind == Kind::Database && !self.message.contains(&path) {
            self.message = format!("{path}: {}", self.message);
        }
        self
    }
}

impl Failure {
    /// A failure about the file at `path` (a backup being written, say) that does not name it
    /// is prefixed with its path; one from the database is left to [`Failure::naming_database`].
    #[must_use]
    pub fn naming_file(mut self, path: &std::path::Path) -> Self {
        let shown = path.display().to_string();
        if self.kind == Kind::Plain && !self.message.contains(&shown) {
            self.message = format!("{shown}: {}", self.message);
        }
        self
    }
}

impl<E: std::error::Error + 'static> From<E> for Failure {
    fn from(err: E) -> Self {
        let kind = if crate::service::database::is_database_error(&err) { Kind::Database } else { Kind::Plain };
        Self { code: ERROR, message: one_line(&err), kind }
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

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use closedesk_engine::store::StoreError;

    #[test]
    fn a_database_failure_that_does_not_name_the_file_is_given_its_name() {
        let db = Path::new("/data/closedesk.db");
        let sqlite = rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CONSTRAINT),
            Some("constraint failed".into()),
        );
        let failure = Failure::from(StoreError::from(sqlite)).naming_database(db);
        assert!(
            failure.message.starts_with("/data/closedesk.db: database error: constraint failed"),
            "{}",
            failure.message
        );

        let named = StoreError::Foreign { path: db.to_owned(), reason: "x".into() };
        let failure = Failure::from(named).naming_database(db);
        assert!(failure.message.starts_with("/data/closedesk.db: not a closedesk"), "named once: {}", failure.message);

        // Inside a transparent wrapper too, and a backup file's name is not put in front of it.
        let wrapped = closedesk_engine::backup::BackupError::Store(StoreError::NotFound("account 9".into()));
        let failure = Failure::from(wrapped).naming_file(Path::new("/tmp/out.json")).naming_database(db);
        assert_eq!(failure.message, "/data/closedesk.db: account 9 was not found");
    }

    #[test]
    fn a_file_failure_that_does_not_name_the_file_is_given_its_name() {
        let io = std::io::Error::other("disk full");
        let failure = Failure::from(io).naming_file(Path::new("/tmp/out.json")).naming_database(Path::new("/d.db"));
        assert_eq!(failure.message, "/tmp/out.json: disk full");
        assert!(!Failure::error("x").is_output_closed());
        assert!(Failure::output_closed().is_output_closed());
        assert_eq!(Failure::output_closed().code, OK);
    }
}
