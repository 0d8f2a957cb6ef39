//! A consistent copy of the whole database, taken while the app may be writing.

use std::path::{Path, PathBuf};

use super::BackupError;
use super::atomic::{folder_of, io_reason, sync_folder, temp_file_in};
use crate::store::{self, export};

/// What [`backup_database`] wrote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DbBackupReport {
    /// The copy.
    pub target: PathBuf,
    /// Its size in bytes.
    pub bytes: u64,
    /// How many customer accounts it holds.
    pub accounts: u64,
    /// Its schema version.
    pub schema_version: i64,
    /// Its SHA-256, hex: what the catalogue of copies keeps.
    pub sha256: String,
}

/// Copies the closedesk database at `db_path` to `target`, consistently even while other
/// connections write to it. The database is only read: never migrated, never written.
///
/// The copy is made with SQLite's online backup API, all pages in one step (one read
/// transaction, so writers carry on), into a temporary file in the target's folder; it is
/// then switched to a rollback journal so that it is one self-contained file, must pass
/// `PRAGMA quick_check` (see [`export::check_copy`] for what that reads), is synced to disk
/// and only then renamed over `target` (or, without `overwrite`, renamed only if `target` does
/// not exist). On any failure the temporary file is removed and an existing `target` is left
/// as it was. A file that is not a closedesk database is refused untouched, and so is a
/// target that is the database or one of its files, or not a plain file.
pub fn backup_database(db_path: &Path, target: &Path, overwrite: bool) -> Result<DbBackupReport, BackupError> {
    let failed = |err: &std::io::Error| BackupError::Write { path: target.to_owned(), reason: io_reason(err) };
    super::target::refuse_unsafe_target(target, Some(db_path))?;
    if !overwrite && std::fs::symlink_metadata(target).is_ok() {
        return Err(BackupError::Exists { path: target.to_owned() });
    }
    let source = export::open_for_copy(db_path)?;
    let folder = folder_of(target);
    let (_intent, temp) = temp_file_in(folder, Some(db_path)).map_err(|err| BackupError::Write {
        path: target.to_owned(),
        reason: format!("cannot create a file in the folder {}: {}", folder.display(), io_reason(&err)),
    })?;
    export::copy_database(&source, temp.path()).map_err(|err| match err {
        store::StoreError::Sqlite(err) => BackupError::Write { path: target.to_owned(), reason: err.to_string() },
        other => BackupError::Store(other),
    })?;
    drop(source);

    let check = export::check_copy(temp.path())?;
    if !check.is_ok() {
        let reason = check.integrity.iter().take(3).cloned().collect::<Vec<_>>().join("; ");
        return Err(BackupError::Integrity { path: target.to_owned(), reason });
    }
    temp.as_file().sync_all().map_err(|err| failed(&err))?;
    let bytes = temp.as_file().metadata().map_err(|err| failed(&err))?.len();
    let sha256 = sha256_of(temp.path()).map_err(|err| failed(&err))?;
    let persisted = if overwrite { temp.persist(target) } else { temp.persist_noclobber(target) };
    if let Err(err) = persisted {
        return Err(if err.error.kind() == std::io::ErrorKind::AlreadyExists && !overwrite {
            BackupError::Exists { path: target.to_owned() }
        } else {
            failed(&err.error)
        });
    }
    sync_folder(folder);
    Ok(DbBackupReport {
        target: target.to_owned(),
        bytes,
        accounts: check.accounts,
        schema_version: check.schema_version,
        sha256,
    })
}

/// The SHA-256 of the file at `path`, hex.
pub fn sha256_of(path: &Path) -> std::io::Result<String> {
    use sha2::Digest as _;
    let mut sha = sha2::Sha256::new();
    std::io::copy(&mut std::fs::File::open(path)?, &mut sha)?;
    Ok(super::json::hex(&sha.finalize()))
}
