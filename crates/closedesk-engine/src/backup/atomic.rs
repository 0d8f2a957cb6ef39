//! Writing a file so that it appears complete or not at all.

use std::fs::File;
use std::io;
use std::path::Path;
use std::time::{Duration, SystemTime};

use super::BackupError;
use crate::erasure::Intent;

/// Temporary files start with this, so that leftovers of a killed process can be told apart.
const TEMP_PREFIX: &str = ".closedesk-";
/// …and end with this.
const TEMP_SUFFIX: &str = ".partial";
/// A temporary file untouched for this long belongs to no running export: it is litter.
const STALE_AFTER: Duration = Duration::from_hours(1);

/// Writes `target` through `write` so that it appears complete or not at all.
///
/// `write` fills a new temporary file in the target's folder (named `.closedesk-….partial`);
/// the file is then synced to disk and renamed over `target` (or, without `overwrite`,
/// renamed only if `target` still does not exist). If `write` fails or cancels, or a step
/// after it does, the temporary file is removed and an existing `target` keeps its old
/// content. Leftovers of a process killed mid-write are swept the next time a file is written
/// to that folder, once they are an hour old. Errors name the file and the reason.
///
/// Whatever `overwrite` says, a target that is the database at `database` (or its -wal, -shm
/// or -journal, by any path) or that exists but is not a plain file is refused before
/// anything is created.
pub fn write_atomically<T>(
    target: &Path,
    database: Option<&Path>,
    overwrite: bool,
    write: impl FnOnce(&mut File) -> Result<T, BackupError>,
) -> Result<T, BackupError> {
    let failed = |err: &io::Error| BackupError::Write { path: target.to_owned(), reason: io_reason(err) };
    let folder = folder_of(target);
    super::target::refuse_unsafe_target(target, database)?;
    if !overwrite && std::fs::symlink_metadata(target).is_ok() {
        return Err(BackupError::Exists { path: target.to_owned() });
    }
    let (_intent, mut temp) = temp_file_in(folder, database).map_err(|err| BackupError::Write {
        path: target.to_owned(),
        reason: format!("cannot create a file in the folder {}: {}", folder.display(), io_reason(&err)),
    })?;
    let value = write(temp.as_file_mut()).map_err(|err| match err {
        BackupError::Io(err) => failed(&err),
        other => other,
    })?;
    temp.as_file().sync_all().map_err(|err| failed(&err))?;
    let persisted = if overwrite { temp.persist(target) } else { temp.persist_noclobber(target) };
    if let Err(err) = persisted {
        // The PersistError holds the temporary file; dropping it removes the file.
        return Err(if err.error.kind() == io::ErrorKind::AlreadyExists && !overwrite {
            BackupError::Exists { path: target.to_owned() }
        } else {
            failed(&err.error)
        });
    }
    sync_folder(folder);
    Ok(value)
}

/// The folder `target` is in; `.` for a bare file name.
pub(super) fn folder_of(target: &Path) -> &Path {
    target.parent().filter(|parent| !parent.as_os_str().is_empty()).unwrap_or_else(|| Path::new("."))
}

/// A new, empty temporary file in `folder` with the name pattern [`write_atomically`] uses.
///
/// With the `database` the file is written for, its path (and those of the journal SQLite
/// may put beside it) is first recorded as an [`Intent`] beside the database, so that a run
/// killed mid-write leaves nothing the next start does not remove. Keep the intent until the
/// file is renamed into place or removed; bind it before the file, so it is dropped after.
pub(super) fn temp_file_in(
    folder: &Path,
    database: Option<&Path>,
) -> io::Result<(Option<Intent>, tempfile::NamedTempFile)> {
    sweep_stale_temp_files(folder);
    let Some(database) = database else {
        return Ok((None, tempfile::Builder::new().prefix(TEMP_PREFIX).suffix(TEMP_SUFFIX).tempfile_in(folder)?));
    };
    let path = folder.join(format!("{TEMP_PREFIX}{:016x}{TEMP_SUFFIX}", rand::random::<u64>()));
    let companions = ["", "-journal", "-wal", "-shm"].map(|suffix| {
        let mut name = path.clone().into_os_string();
        name.push(suffix);
        std::path::PathBuf::from(name)
    });
    let intent = match Intent::record(database, &companions) {
        Ok(intent) => Some(intent),
        // A database in a folder this user may not write (a read-only copy, read by a command
        // that only reads) has nowhere to keep the intent: the write goes on, and the target
        // folder's own sweep removes what a killed write leaves there.
        Err(err) if matches!(err.kind(), io::ErrorKind::PermissionDenied | io::ErrorKind::ReadOnlyFilesystem) => None,
        Err(err) => return Err(err),
    };
    let temp_path = tempfile::TempPath::try_from_path(&path)?;
    let file = File::options().read(true).write(true).create_new(true).open(&path)?;
    Ok((intent, tempfile::NamedTempFile::from_parts(file, temp_path)))
}

/// Makes the rename that put a file in `folder` survive a power cut.
pub(super) fn sync_folder(folder: &Path) {
    // Only Unix can open and sync a folder; elsewhere the rename is as durable as it gets.
    #[cfg(unix)]
    if let Err(err) = File::open(folder).and_then(|dir| dir.sync_all()) {
        tracing::warn!("{}: the folder could not be synced after the rename: {err}", folder.display());
    }
    #[cfg(not(unix))]
    let _ = folder;
}

/// Removes temporary files of earlier, killed writes from `folder`. Only names of our
/// pattern that nobody has written to for an hour are touched; failures are ignored.
fn sweep_stale_temp_files(folder: &Path) {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return;
    };
    let now = SystemTime::now();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else {
            continue;
        };
        if !name.starts_with(TEMP_PREFIX) || !name.ends_with(TEMP_SUFFIX) {
            continue;
        }
        let stale = entry
            .metadata()
            .and_then(|metadata| metadata.modified())
            .is_ok_and(|modified| now.duration_since(modified).is_ok_and(|age| age >= STALE_AFTER));
        if stale && std::fs::remove_file(entry.path()).is_ok() {
            tracing::info!("removed {}, left behind by an interrupted backup", entry.path().display());
        }
    }
}

/// What went wrong with a file operation, in words a person understands.
pub(super) fn io_reason(err: &io::Error) -> String {
    let words = match err.kind() {
        io::ErrorKind::StorageFull => "the disk is full",
        io::ErrorKind::QuotaExceeded => "the disk quota is exceeded",
        io::ErrorKind::PermissionDenied => "permission denied",
        io::ErrorKind::ReadOnlyFilesystem => "the file system is read-only",
        io::ErrorKind::NotFound => "the folder does not exist",
        io::ErrorKind::FileTooLarge => "the file is too large for this file system",
        io::ErrorKind::IsADirectory => "it is a folder",
        _ => return err.to_string(),
    };
    words.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stale_temp_files_are_swept_and_fresh_ones_kept() {
        let dir = tempfile::tempdir().unwrap();
        let stale = dir.path().join(".closedesk-old.partial");
        let fresh = dir.path().join(".closedesk-new.partial");
        let other = dir.path().join("notes.partial");
        for path in [&stale, &fresh, &other] {
            std::fs::write(path, b"x").unwrap();
        }
        let two_hours_ago = SystemTime::now() - Duration::from_hours(2);
        for path in [&stale, &other] {
            File::options().write(true).open(path).unwrap().set_modified(two_hours_ago).unwrap();
        }
        write_atomically(&dir.path().join("out.txt"), None, false, |file| Ok(io::Write::write_all(file, b"new")?))
            .unwrap();
        assert!(!stale.exists());
        assert!(fresh.exists() && other.exists());
        assert_eq!(std::fs::read(dir.path().join("out.txt")).unwrap(), b"new");
    }

    #[test]
    fn an_existing_target_is_refused_without_overwrite_and_replaced_with_it() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("b.json");
        std::fs::write(&target, b"old").unwrap();
        let err = write_atomically(&target, None, false, |_| Ok(())).unwrap_err();
        assert!(matches!(err, BackupError::Exists { .. }), "{err}");
        assert!(err.to_string().contains("already exists") && err.to_string().contains("b.json"), "{err}");
        write_atomically(&target, None, true, |file| Ok(io::Write::write_all(file, b"new")?)).unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"new");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "no temporary file remains");
    }

    #[test]
    fn an_unwritable_folder_names_the_file_and_the_reason() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("missing-folder").join("b.json");
        let err = write_atomically(&target, None, false, |_| Ok(())).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("b.json") && text.contains("does not exist"), "{text}");
    }
}
