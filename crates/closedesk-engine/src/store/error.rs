use std::path::PathBuf;

/// Why the store could not do what was asked.
///
/// Messages name the file and the reason, never a row's personal data.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The file exists but is not a closedesk database (another program's file, or not SQLite at all).
    #[error("{path}: not a closedesk database ({reason}); the file was left untouched")]
    Foreign { path: PathBuf, reason: String },

    /// The file looks like SQLite but cannot be read.
    #[error("{path}: the database is corrupt ({reason}); the file was left untouched")]
    Corrupt { path: PathBuf, reason: String },

    /// The file was written by a newer closedesk.
    #[error(
        "{path}: made by a newer closedesk (schema version {found}, this build knows up to {supported}); \
         update closedesk. The file was left untouched"
    )]
    TooNew { path: PathBuf, found: i64, supported: i64 },

    /// The database file or its folder cannot be created or opened.
    #[error("{path}: cannot open the database: {reason}")]
    Unavailable { path: PathBuf, reason: String },

    /// The database can be read but not written here (a read-only file or folder), and what
    /// was asked would change it; nothing was changed.
    #[error("{path}: the database cannot be written here ({reason}); nothing was changed")]
    ReadOnly { path: PathBuf, reason: String },

    /// A lookup named something that does not exist.
    #[error("{0} was not found")]
    NotFound(String),

    /// A lookup named an account that was closed and purged: only its tombstone remains.
    #[error(
        "account {account} was closed for good on {}: its data was deleted, only the record of its closure remains",
        crate::core::time::utc_date(*closed_at)
    )]
    Purged { account: crate::core::AccountId, closed_at: jiff::Timestamp },

    /// A write was refused because it would break a rule of the data (e.g. a duplicate email).
    #[error("{0}")]
    Conflict(String),

    /// The person asking may not read this: a customer asked for another account.
    #[error(transparent)]
    Denied(#[from] crate::core::permissions::Denied),

    /// Any other SQLite failure.
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
}

/// Result of a store operation.
pub type StoreResult<T> = Result<T, StoreError>;
