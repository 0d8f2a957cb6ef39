//! Intents: before closedesk creates a file that is not yet complete (a `.partial` of an
//! export or a database copy, a first-run database under construction), it records the
//! file's path in a small journal file beside the database, synced to disk first. While the
//! file is being written the journal file is locked; once the file is complete (renamed into
//! place) or removed, the journal file is deleted. A journal file found unlocked belongs to a
//! process that died: [`super::recover`] removes the files it names.

use std::fs::{File, TryLockError};
use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};

use rand::Rng as _;

/// Journal files start with this in the database's folder.
pub(super) const INTENT_PREFIX: &str = ".closedesk-intent-";
/// A journal file still being written ends with this; complete ones have no suffix.
const WRITING_SUFFIX: &str = ".tmp";

/// A recorded intent to create the files it names; closed (its journal file deleted) when
/// dropped, so every path out of the writer closes it — only a killed process leaves it.
#[derive(Debug)]
pub struct Intent {
    journal: PathBuf,
    // Held open for the lock: another process sees the intent is alive.
    _lock: File,
}

impl Intent {
    /// Records, durably, that the files `paths` are about to be created, in the folder of the
    /// database `db_path`.
    pub fn record(db_path: &Path, paths: &[PathBuf]) -> std::io::Result<Self> {
        let folder = folder_of(db_path);
        let name = format!("{INTENT_PREFIX}{:016x}", rand::rng().random::<u64>());
        let writing = folder.join(format!("{name}{WRITING_SUFFIX}"));
        let journal = folder.join(&name);
        let mut file = File::options().read(true).write(true).create_new(true).open(&writing)?;
        // Locked before it has a name recovery reads: recovery never sees it half-written.
        file.lock()?;
        let mut text = String::new();
        for path in paths {
            let full = if path.is_absolute() { path.clone() } else { std::env::current_dir()?.join(path) };
            text.push_str(&full.to_string_lossy());
            text.push('\n');
        }
        let written = file.write_all(text.as_bytes()).and_then(|()| file.sync_all());
        if let Err(err) = written.and_then(|()| std::fs::rename(&writing, &journal)) {
            let _ = std::fs::remove_file(&writing);
            return Err(err);
        }
        sync_folder(folder);
        Ok(Self { journal, _lock: file })
    }
}

impl Drop for Intent {
    fn drop(&mut self) {
        if let Err(err) = std::fs::remove_file(&self.journal) {
            tracing::warn!("{}: the finished intent could not be closed: {err}", self.journal.display());
        }
    }
}

/// Finishes what dead processes left in the folder of `db_path`: every file an unlocked
/// intent names is removed, then the intent. Returns the files removed.
pub(super) fn recover_intents(db_path: &Path) -> Vec<PathBuf> {
    let folder = folder_of(db_path);
    let mut removed = Vec::new();
    let Ok(entries) = std::fs::read_dir(folder) else {
        return removed;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        if !name.to_string_lossy().starts_with(INTENT_PREFIX) {
            continue;
        }
        let journal = entry.path();
        let Ok(mut file) = File::options().read(true).write(true).open(&journal) else {
            continue;
        };
        match file.try_lock() {
            Ok(()) => {}
            // Its writer is alive: the files it names are still being made.
            Err(TryLockError::WouldBlock) => continue,
            Err(TryLockError::Error(err)) => {
                tracing::warn!("{}: cannot lock the intent: {err}", journal.display());
                continue;
            }
        }
        let mut text = String::new();
        if file.read_to_string(&mut text).is_err() {
            continue;
        }
        for line in text.lines().filter(|line| !line.is_empty()) {
            let path = PathBuf::from(line);
            match std::fs::remove_file(&path) {
                Ok(()) => removed.push(path),
                Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
                Err(err) => {
                    tracing::warn!("{}: an interrupted write's file could not be removed: {err}", path.display());
                }
            }
        }
        if std::fs::remove_file(&journal).is_ok() {
            sync_folder(folder);
        }
    }
    removed
}

pub(super) fn folder_of(path: &Path) -> &Path {
    path.parent().filter(|parent| !parent.as_os_str().is_empty()).unwrap_or_else(|| Path::new("."))
}

pub(super) fn sync_folder(folder: &Path) {
    #[cfg(unix)]
    if let Ok(dir) = File::open(folder) {
        let _ = dir.sync_all();
    }
    #[cfg(not(unix))]
    let _ = folder;
}

/// The files named by every intent still in the folder of `db_path`: after
/// [`recover_intents`], those of live writers.
pub(super) fn live_paths(db_path: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(folder_of(db_path)) else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter(|entry| entry.file_name().to_string_lossy().starts_with(INTENT_PREFIX))
        .filter_map(|entry| std::fs::read_to_string(entry.path()).ok())
        .flat_map(|text| text.lines().map(PathBuf::from).collect::<Vec<_>>())
        .collect()
}
