//! Backups: export one account to a verifiable file, check such a file, open it again
//! read-only, and copy the whole database consistently while it is in use.
//!
//! The account format is documented in `docs/backup-format.md` and described by the JSON
//! Schema `assets/backup-format.schema.json`. In short: one JSON document with a header, the
//! account's tables, per-table row counts and a SHA-256 over every byte before it.
//!
//! - [`export_account`] streams a backup into any writer: rows go from the SQLite cursor
//!   straight into the JSON (or CSV) writer, never into one in-memory document.
//! - [`export_to_file`] does that into a file safely through [`write_atomically`]: a
//!   temporary file in the target folder, fsync, then a rename over the target, so that a
//!   failure or a cancel leaves the old file (or none) and no temporary file.
//! - [`verify`] checks a file and names precisely what is wrong with it; [`open_backup`]
//!   verifies it and loads it as a read-only [`BackupView`].
//! - [`backup_database`] copies the whole database with SQLite's online backup API, checks
//!   the copy with `quick_check`, and puts it in place with the same safety rules.
//!
//! Nothing here touches the GUI; the dialogs and the viewer sit on top of this API.

mod atomic;
mod bundle;
mod csv;
mod database;
mod document;
mod error;
mod feed;
mod json;
pub mod limits;
mod restore;
mod target;
mod verify;
mod view;
mod zipread;

use std::fmt;
use std::io::Write;
use std::path::Path;

use jiff::Timestamp;
use rusqlite::Connection;

pub use atomic::write_atomically;
pub use csv::csv_text;
pub use database::{DbBackupReport, backup_database, sha256_of};
pub use error::{BackupError, VerifyError};
pub use restore::{RestoreError, RestoreReceipt, restore_database};
pub use verify::{Difference, VerifyReport, verify};
pub use view::{BackupHeader, BackupSnapshot, BackupTable, BackupView, open_backup, open_backup_snapshot};

pub use crate::store::export::{Cell, Column, Kind, Link, Table, TableCounts};

use crate::core::AccountId;
use crate::core::audit::{Actor, AuditEvent};
use crate::store::export;

/// The `format` member of every account backup.
pub const FORMAT_NAME: &str = "closedesk-account-backup";

/// The format version this build writes, and the newest it reads.
pub const FORMAT_VERSION: u64 = 1;

/// The name of the JSON document inside a bundle.
pub const BUNDLE_JSON_NAME: &str = "backup.json";

/// Which kind of file an export writes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Format {
    /// One JSON document: header, tables, counts and checksum.
    #[default]
    Json,
    /// A zip holding that JSON document, one CSV file per table and a README.txt.
    Bundle,
}

impl Format {
    /// The spelling used on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Json => "json",
            Self::Bundle => "bundle",
        }
    }

    /// The usual file name extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Json => "json",
            Self::Bundle => "zip",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Format {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.trim().to_ascii_lowercase().as_str() {
            "json" => Ok(Self::Json),
            "bundle" | "zip" => Ok(Self::Bundle),
            _ => Err("expected json or bundle".to_owned()),
        }
    }
}

/// How far an export has come, reported to the progress callback.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    /// Rows written so far.
    pub rows_done: u64,
    /// Rows the export writes in all (a bundle writes every row twice: JSON and CSV). For
    /// accounts with more than 10,000 orders the order items are estimated up front (and
    /// likewise messages); the total is corrected as the export runs and exact at its end.
    pub rows_total: u64,
    /// The table being written.
    pub table: Table,
}

/// What an export wrote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportSummary {
    /// The account exported.
    pub account: AccountId,
    /// The kind of file written.
    pub format: Format,
    /// The rows of each table in the backup.
    pub counts: TableCounts,
    /// The bytes handed to the writer.
    pub bytes: u64,
    /// The SHA-256 stored in the JSON document, in lower-case hex.
    pub sha256: String,
    /// When the export was taken, as its header says.
    pub exported_at: Timestamp,
}

/// `closedesk-<account>-<date>.json`: a sensible default file name for a backup taken at `now`.
pub fn default_file_name(account: AccountId, format: Format, now: Timestamp) -> String {
    format!("closedesk-{account}-{}.{}", crate::core::time::utc_date(now), format.extension())
}

/// Streams a backup of `account` into `writer` as `format`, as of `now`.
///
/// Every read runs in one read transaction, so the backup is a consistent snapshot even
/// while the app keeps writing. `progress` is called every few thousand rows and at each
/// table; when it returns `false` the export stops with [`BackupError::Cancelled`]. The
/// writer is buffered inside; a failing writer fails the export with [`BackupError::Io`].
pub fn export_account(
    conn: &Connection,
    account: AccountId,
    writer: impl Write + Send,
    format: Format,
    now: Timestamp,
    progress: &dyn Fn(Progress) -> bool,
) -> Result<ExportSummary, BackupError> {
    // The export reaches each order and its items through indexes, a B-tree seek each: a
    // larger cache keeps the indexes' upper levels and the pages read again. Not mapped: a
    // mapped file counts in the process's memory as far as it is read, which grows with the
    // account.
    let _reading = ReadSettings::apply(conn);
    let snapshot = export::read_snapshot(conn)?;
    if !export::account_exists(conn, account)? {
        return Err(BackupError::AccountNotFound(account));
    }
    let planned = export::planned_counts(conn, account)?;
    let passes = match format {
        Format::Json => 1,
        Format::Bundle => 2,
    };
    let mut tracker = Tracker::new(planned.total() * passes, progress);
    // Whole seconds: the database keeps no finer instants, and the header reads cleaner.
    let exported_at = Timestamp::from_second(now.as_second()).unwrap_or(now);
    let mut counter = CountingWriter { inner: writer, bytes: 0 };
    let written = match format {
        Format::Json => json::write_document(conn, account, exported_at, &mut counter, &mut tracker)?,
        Format::Bundle => bundle::write_bundle(conn, account, exported_at, &mut counter, &mut tracker)?,
    };
    counter.flush()?;
    drop(snapshot);
    tracker.finish()?;
    Ok(ExportSummary {
        account,
        format,
        counts: written.counts,
        bytes: counter.bytes,
        sha256: written.sha256,
        exported_at,
    })
}

/// The page cache of a connection while it exports, in KiB (SQLite's negative `cache_size`).
const EXPORT_CACHE_KIB: i64 = 16 * 1024;

/// A connection's `cache_size` while an export reads through it; the previous value comes
/// back when this is dropped. A setting that cannot be read or set is left as it was: it
/// changes the export's speed, never what it writes.
struct ReadSettings<'c> {
    conn: &'c Connection,
    previous: Option<i64>,
}

impl<'c> ReadSettings<'c> {
    fn apply(conn: &'c Connection) -> Self {
        let previous = conn.pragma_query_value(None, "cache_size", |row| row.get::<_, i64>(0)).ok();
        if previous.is_some() {
            let _ = conn.pragma_update(None, "cache_size", -EXPORT_CACHE_KIB);
        }
        Self { conn, previous }
    }
}

impl Drop for ReadSettings<'_> {
    fn drop(&mut self) {
        if let Some(cache_size) = self.previous {
            let _ = self.conn.pragma_update(None, "cache_size", cache_size);
        }
    }
}

/// Exports `account` into the file `target` through [`write_atomically`]: the file appears
/// complete or not at all. Without `overwrite`, an existing `target` is an error; with or
/// without it, a target that is `conn`'s database file or not a plain file is refused.
pub fn export_to_file(
    conn: &Connection,
    account: AccountId,
    target: &Path,
    format: Format,
    overwrite: bool,
    now: Timestamp,
    progress: &dyn Fn(Progress) -> bool,
) -> Result<ExportSummary, BackupError> {
    let database = conn.path().filter(|path| !path.is_empty()).map(Path::new);
    write_atomically(target, database, overwrite, |file| export_account(conn, account, file, format, now, progress))
}

/// The audit trail's action for a backup written; the outcome is the format.
pub const AUDIT_ACTION: &str = "backup_exported";

/// Records that `actor` wrote a backup of `account`: a backup holds the customer's personal
/// data unmasked, so the trail says who took one (the file's path is not recorded).
pub fn record_export(
    conn: &Connection,
    account: AccountId,
    actor: Actor,
    format: Format,
    now: Timestamp,
) -> crate::store::StoreResult<()> {
    let event = AuditEvent { account: Some(account), actor, action: AUDIT_ACTION, outcome: format.as_str() };
    crate::store::audit::record(conn, &event, now)
}

/// What one pass of an export wrote.
struct Written {
    counts: TableCounts,
    sha256: String,
}

/// Counts rows across an export and calls the progress callback now and then.
struct Tracker<'a> {
    done: u64,
    total: u64,
    next_report: u64,
    callback: &'a dyn Fn(Progress) -> bool,
    table: Table,
}

impl<'a> Tracker<'a> {
    /// Rows between two progress reports.
    const EVERY: u64 = 4_096;

    fn new(total: u64, callback: &'a dyn Fn(Progress) -> bool) -> Self {
        Self { done: 0, total, next_report: 0, callback, table: Table::Profile }
    }

    /// Starts a table: always reported, so a cancel is seen between tables.
    fn start(&mut self, table: Table) -> Result<(), BackupError> {
        self.table = table;
        self.report()
    }

    /// Counts one row; reports every few thousand.
    fn row(&mut self) -> Result<(), BackupError> {
        self.done += 1;
        if self.done >= self.next_report { self.report() } else { Ok(()) }
    }

    fn report(&mut self) -> Result<(), BackupError> {
        self.next_report = self.done + Self::EVERY;
        // Rows added between counting and writing are not in the snapshot, but keep the bar sane.
        self.total = self.total.max(self.done);
        let progress = Progress { rows_done: self.done, rows_total: self.total, table: self.table };
        if (self.callback)(progress) { Ok(()) } else { Err(BackupError::Cancelled) }
    }

    fn finish(&mut self) -> Result<(), BackupError> {
        self.total = self.done;
        self.report()
    }
}

/// Counts the bytes that pass through to `inner`.
struct CountingWriter<W> {
    inner: W,
    bytes: u64,
}

impl<W: Write> Write for CountingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let written = self.inner.write(buf)?;
        self.bytes += written as u64;
        Ok(written)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests;
