//! Backing one account up to a file, with its audit line, for the window and the command line.

use std::path::Path;

use jiff::Timestamp;
use rusqlite::Connection;

use super::ServiceError;
use super::access::authorize_acting;
use crate::backup::{self, BackupError, ExportSummary, Format, Progress};
use crate::core::AccountId;
use crate::core::permissions::Action;
use crate::store;

pub use super::access::Acting;

/// Why an export did not leave a backup behind.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The export was cancelled; nothing was left behind.
    #[error("the backup was cancelled")]
    Cancelled,
    /// The target exists and overwriting was not asked for.
    #[error(transparent)]
    Exists(BackupError),
    /// The file was written, but its audit line could not be: the backup stays, the failure is said.
    #[error("{path}: the backup was saved, but the audit trail could not record it: {reason}", path = path.display())]
    NotAudited {
        /// The file written.
        path: std::path::PathBuf,
        /// Why the audit line failed.
        reason: String,
    },
    /// Refused, or the database or file failed.
    #[error(transparent)]
    Other(#[from] ServiceError),
}

/// Writes a backup of `account` to `target` as `format` and records it in the audit trail;
/// `progress` is called now and then and returns `false` to cancel.
#[expect(clippy::too_many_arguments, reason = "each is one choice the person made; a struct would only rename them")]
pub fn export_account(
    db: &Path,
    acting: Acting,
    account: AccountId,
    target: &Path,
    format: Format,
    overwrite: bool,
    now: Timestamp,
    progress: &dyn Fn(Progress) -> bool,
) -> Result<ExportSummary, ExportError> {
    let conn = store::open_existing(db).map_err(ServiceError::from)?;
    export_account_on(&conn, acting, account, target, format, overwrite, now, progress)
}

/// Like [`export_account`] on a connection the caller opened (the command line opens it for
/// writing first, so that an audit line that cannot be written stops the export before it starts).
#[expect(clippy::too_many_arguments, reason = "each is one choice the person made; a struct would only rename them")]
pub fn export_account_on(
    conn: &Connection,
    acting: Acting,
    account: AccountId,
    target: &Path,
    format: Format,
    overwrite: bool,
    now: Timestamp,
    progress: &dyn Fn(Progress) -> bool,
) -> Result<ExportSummary, ExportError> {
    // Checked before the target is touched: a refused export writes no file.
    let actor = authorize_acting(conn, acting, Action::ExportAccount(account))?;
    let summary = match backup::export_to_file(conn, account, target, format, overwrite, now, progress) {
        Ok(summary) => summary,
        Err(BackupError::Cancelled) => return Err(ExportError::Cancelled),
        Err(err @ BackupError::Exists { .. }) => return Err(ExportError::Exists(err)),
        Err(err) => return Err(ServiceError::from(err).into()),
    };
    backup::record_export(conn, account, actor, format, now)
        .map_err(|err| ExportError::NotAudited { path: target.to_owned(), reason: err.to_string() })?;
    Ok(summary)
}
