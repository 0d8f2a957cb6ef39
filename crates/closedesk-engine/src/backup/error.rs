//! Why a backup could not be written, or why a file is not a sound backup.
//!
//! Messages name the file and the reason, never a row's personal data.

use std::path::PathBuf;

use crate::core::AccountId;
use crate::store::StoreError;
use crate::store::export::Table;

/// Why an export or a database backup failed. Whatever the reason, an existing target file
/// was left as it was and no temporary file remains.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    /// The account does not exist (or was purged).
    #[error("account {0} not found")]
    AccountNotFound(AccountId),

    /// The progress callback asked to stop.
    #[error("the backup was cancelled; no file was written")]
    Cancelled,

    /// The target exists and replacing it was not allowed.
    #[error("{}: already exists; choose another name or allow replacing it (--force)", path.display())]
    Exists {
        /// The target file.
        path: PathBuf,
    },

    /// The target is the database (or one of its files) or not a plain file: nothing was
    /// written, with or without leave to replace.
    #[error("{}: refused: {reason}; nothing was written", path.display())]
    Refused {
        /// The target file.
        path: PathBuf,
        /// Why, e.g. `it is a FIFO (named pipe), not a plain file`.
        reason: String,
    },

    /// Writing, syncing or renaming a file failed.
    #[error("{}: cannot write the backup: {reason}", path.display())]
    Write {
        /// The file (or folder) that could not be written.
        path: PathBuf,
        /// What went wrong, e.g. `the disk is full`.
        reason: String,
    },

    /// The writer given to [`super::export_account`] failed.
    #[error("cannot write the backup: {}", super::atomic::io_reason(.0))]
    Io(#[from] std::io::Error),

    /// The JSON or zip encoder failed for a reason other than the writer.
    #[error("cannot encode the backup: {0}")]
    Encode(String),

    /// The copy of the database is not sound.
    #[error("{}: the copy failed its integrity check ({reason}); it was not kept", path.display())]
    Integrity {
        /// The target file.
        path: PathBuf,
        /// The first lines of `PRAGMA quick_check`.
        reason: String,
    },

    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<serde_json::Error> for BackupError {
    fn from(err: serde_json::Error) -> Self {
        if err.is_io() { Self::Io(err.into()) } else { Self::Encode(err.to_string()) }
    }
}

impl From<zip::result::ZipError> for BackupError {
    fn from(err: zip::result::ZipError) -> Self {
        match err {
            zip::result::ZipError::Io(err) => Self::Io(err),
            other => Self::Encode(other.to_string()),
        }
    }
}

/// Why a file is not a sound closedesk account backup, or could not be compared.
///
/// Each reason is its own variant, so that callers (the CLI, the viewer) can tell a
/// truncated file from a tampered one; [`VerifyError::reason`] names it in one word.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    /// The file cannot be read at all.
    #[error("{}: cannot read the file: {reason}", path.display())]
    Unreadable {
        /// The file.
        path: PathBuf,
        /// Why, e.g. `not found` or `permission denied`.
        reason: String,
    },

    /// The file is not JSON (nor a closedesk zip bundle).
    #[error("{}: not a closedesk backup: not a JSON document ({reason})", path.display())]
    NotJson {
        /// The file.
        path: PathBuf,
        /// Where the JSON parser gave up.
        reason: String,
    },

    /// The file is JSON, but not a closedesk account backup.
    #[error("{}: not a closedesk backup: a foreign JSON file ({reason})", path.display())]
    Foreign {
        /// The file.
        path: PathBuf,
        /// What gave it away, e.g. `it has no "format" member`.
        reason: String,
    },

    /// The backup was written by a newer closedesk in a format this build does not know.
    #[error(
        "{}: made by a newer closedesk: backup format version {found}, this build reads up to {supported}; \
         update closedesk to open it",
        path.display()
    )]
    NewerVersion {
        /// The file.
        path: PathBuf,
        /// The file's format version.
        found: u64,
        /// The newest version this build reads.
        supported: u64,
    },

    /// The document stops before its end: the file was cut short.
    #[error("{}: truncated: {reason}", path.display())]
    Truncated {
        /// The file.
        path: PathBuf,
        /// Where it stops.
        reason: String,
    },

    /// The file starts as a closedesk backup but its JSON (or zip) is broken.
    #[error("{}: damaged: {reason}", path.display())]
    Damaged {
        /// The file.
        path: PathBuf,
        /// Where it is broken.
        reason: String,
    },

    /// The stored SHA-256 does not match the content: it changed after it was written.
    #[error(
        "{}: checksum mismatch: the content was changed after the backup was written (tampered or corrupted); \
         stored sha256 {stated}, computed {computed}",
        path.display()
    )]
    Tampered {
        /// The file.
        path: PathBuf,
        /// The checksum the file states.
        stated: String,
        /// The checksum of the content as it is.
        computed: String,
    },

    /// The document does not follow the backup format (a member missing, a wrong type…).
    #[error("{}: not a valid backup: {reason}", path.display())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong, and where.
        reason: String,
    },

    /// The stated row counts disagree with the rows present.
    #[error("{}: counts disagree with the rows: \"{table}\" states {stated} rows but holds {found}", path.display())]
    CountsMismatch {
        /// The file.
        path: PathBuf,
        /// The table whose count is wrong.
        table: Table,
        /// The count the file states.
        stated: u64,
        /// The rows the file holds.
        found: u64,
    },

    /// A row points at a row or an account the backup does not hold.
    #[error("{}: broken reference: {reason}", path.display())]
    BrokenReference {
        /// The file.
        path: PathBuf,
        /// Which row points where, by ids only.
        reason: String,
    },

    /// The file, or an entry of a bundle, is over one of the bounds verification holds to
    /// (docs/backup-format.md, "Bounds"): it was refused before it was read whole.
    #[error("{}: refused: too large: {reason}", path.display())]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Which bound, and by how much.
        reason: String,
    },

    /// An entry of a zip inflates far beyond its compressed size or beyond the size it
    /// declares: a zip bomb. It was refused without being inflated.
    #[error("{}: refused: a zip bomb: {reason}", path.display())]
    ZipBomb {
        /// The file.
        path: PathBuf,
        /// The entry, and its sizes.
        reason: String,
    },

    /// The database to compare with failed.
    #[error("cannot compare with the database: {0}")]
    Database(#[from] StoreError),
}

impl VerifyError {
    /// The reason in one word, for scripts and for choosing words in the GUI:
    /// `unreadable`, `not-json`, `foreign`, `newer-version`, `truncated`, `damaged`,
    /// `tampered`, `invalid`, `counts`, `reference`, `too-large`, `zip-bomb` or `database`.
    pub fn reason(&self) -> &'static str {
        match self {
            Self::Unreadable { .. } => "unreadable",
            Self::NotJson { .. } => "not-json",
            Self::Foreign { .. } => "foreign",
            Self::NewerVersion { .. } => "newer-version",
            Self::Truncated { .. } => "truncated",
            Self::Damaged { .. } => "damaged",
            Self::Tampered { .. } => "tampered",
            Self::Invalid { .. } => "invalid",
            Self::CountsMismatch { .. } => "counts",
            Self::BrokenReference { .. } => "reference",
            Self::TooLarge { .. } => "too-large",
            Self::ZipBomb { .. } => "zip-bomb",
            Self::Database(_) => "database",
        }
    }
}
